/**
 * One file worker started ahead of the next analysis. Each analysis of a large file takes a new
 * worker (documentWorker.ts: terminating it is how an analysis is cancelled and freed), and a new
 * worker needs 50–110 ms to boot before it reads a byte: half the time of a 3 MB document's
 * analysis. Once a large file has been analysed, the next one (an edit, a save, another file)
 * finds a worker already booted. At most one is kept, and only while an analysis held by a worker
 * is open: it costs an idle thread (about 16 MB).
 */

export interface SpareCandidate {
  /** False once it exited or was disposed. */
  readonly alive: boolean;
  dispose(): void;
}

export class SpareWorker<W extends SpareCandidate> {
  private spare: { worker: W; parts: boolean } | null = null;
  private restocking: NodeJS.Immediate | null = null;
  private disposed = false;

  /** `start(parts)`: a new worker, connected to the part threads when `parts`. */
  constructor(private readonly start: (parts: boolean) => W) {}

  /** The spare when it is alive and connected the same way, else a new worker. */
  take(parts: boolean): W {
    const spare = this.spare;
    this.spare = null;
    if (spare && fits(spare, parts)) return spare.worker;
    spare?.worker.dispose();
    return this.start(parts);
  }

  /**
   * Starts a spare like the worker just used, after this turn of the event loop (the analysis's
   * answer goes out first); nothing when one is kept already or the spares are dropped for good.
   */
  restock(parts: boolean): void {
    if (this.disposed || this.restocking) return;
    this.restocking = setImmediate(() => {
      this.restocking = null;
      if (this.disposed || (this.spare && fits(this.spare, parts))) return;
      this.spare?.worker.dispose();
      this.spare = { worker: this.start(parts), parts };
    });
  }

  /** The worker kept, if any (tests, and the log). */
  get kept(): W | null {
    return this.spare?.worker ?? null;
  }

  /** Stops the spare (no large file left open); a later restock starts one again. */
  drop(): void {
    if (this.restocking) clearImmediate(this.restocking);
    this.restocking = null;
    this.spare?.worker.dispose();
    this.spare = null;
  }

  dispose(): void {
    this.disposed = true;
    this.drop();
  }
}

/** A kept worker still serves: alive, and connected to the part threads as the next file needs. */
function fits(spare: { worker: SpareCandidate; parts: boolean }, parts: boolean): boolean {
  return spare.worker.alive && spare.parts === parts;
}
