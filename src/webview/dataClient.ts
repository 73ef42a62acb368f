/**
 * The page's side of the pull protocol: each query gets an id and a promise settled by the
 * host's 'queryResult'. Sample rows are cached (moving back and forth between samples asks once);
 * a query made stale by a newer file is cancelled so its answer is dropped on both sides.
 */
import type { FromWebview, PanelQuery, QueryResultMessage, SampleRow } from '../shared/protocol';

const ROW_CACHE = 256;

export class DataClient {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (answer: unknown) => void; reject: (error: Error) => void }>();
  private readonly rows = new Map<number, SampleRow>();
  private readonly rowRequests = new Map<number, Promise<SampleRow>>();

  constructor(private readonly post: (message: FromWebview) => void) {}

  /** A new file (or a new analysis of it): forget its rows, drop what is in flight. */
  reset(first?: SampleRow | null): void {
    for (const [id, waiter] of this.waiting) {
      this.post({ type: 'cancelQuery', id });
      waiter.reject(new StaleQueryError());
    }
    this.waiting.clear();
    this.rows.clear();
    this.rowRequests.clear();
    if (first) this.rows.set(first.index, first);
  }

  query<T>(query: PanelQuery): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (a: unknown) => void, reject });
      this.post({ type: 'query', id, query });
    });
  }

  accept(message: QueryResultMessage): void {
    const waiter = this.waiting.get(message.id);
    if (!waiter) return;
    this.waiting.delete(message.id);
    if (message.ok) waiter.resolve(message.answer);
    else waiter.reject(new Error(message.error));
  }

  cachedRow(index: number): SampleRow | undefined {
    const hit = this.rows.get(index);
    if (hit) {
      this.rows.delete(index); // most recently used last
      this.rows.set(index, hit);
    }
    return hit;
  }

  row(index: number): Promise<SampleRow> {
    const hit = this.cachedRow(index);
    if (hit) return Promise.resolve(hit);
    let pending = this.rowRequests.get(index);
    if (!pending) {
      pending = this.query<SampleRow>({ kind: 'row', index }).then((row) => {
        this.rows.set(index, row);
        if (this.rows.size > ROW_CACHE) this.rows.delete(this.rows.keys().next().value!);
        return row;
      });
      const settled = () => this.rowRequests.delete(index);
      pending.then(settled, settled);
      this.rowRequests.set(index, pending);
    }
    return pending;
  }
}

export class StaleQueryError extends Error {
  constructor() {
    super('stale query');
  }
}
