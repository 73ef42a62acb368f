/**
 * How a payload travels from the host to the webview without blocking the extension host.
 *
 * VS Code copies every posted message on the host's thread: a 10,000 × 1,000 analysis posted as
 * one message (p, one-hot targets, ∂L/∂z twice: 336 MB) held the host for most of a second. So
 *  - what the webview can derive exactly is not sent: ∂L/∂z is (p·Σy − y)·scale from p and the
 *    targets, computed with the core's own function (the same bits as the host's); the targets of a
 *    label file travel as n class indices, not n × k one-hot rows; and ∂L/∂(input) of a logits
 *    file is ∂L/∂z itself;
 *  - typed arrays larger than CHUNK_ELEMENTS follow the 'show' message in 'chunk' messages, one
 *    host turn each, and the webview assembles them before the app sees the 'show'.
 * Both sides import this file; the host builds with `toWire`, the webview undoes it with
 * `PayloadAssembler`.
 */
import { logitGradientFromLabels, logitGradientFromProbabilities } from '../core/losses';
import type { ClassificationPayload, Payload, ShowMessage, ToWebview } from './protocol';

/** 2¹⁹ doubles = 4 MB per message: a few ms of the host's time each. */
export const CHUNK_ELEMENTS = 1 << 19;

/** A classification payload as sent: derivable arrays left out (null), labels instead of one-hot rows. */
export interface ClassificationWire extends Omit<ClassificationPayload, 'targets' | 'logitGradient' | 'gradient'> {
  /** n × k targets, or null when `labels` gives them. */
  targets: Float64Array | null;
  labels: Int32Array | null;
  /** ∂L/∂(the file's tensor); null when the input is logits (it is then ∂L/∂z). */
  gradient: Float64Array | null;
  /** Sent only for a named loss (src/core/loss), whose ∂L/∂z is not (p·Σy − y)·scale. */
  logitGradient?: Float64Array;
}

export type PayloadWire = ClassificationWire | Exclude<Payload, ClassificationPayload>;

type ChunkedArray = 'f64' | 'i32';
/** A top-level typed array of the payload that arrives in chunks (it is sent empty). */
export interface PendingArray {
  field: string;
  kind: ChunkedArray;
  length: number;
}

export interface ShowWireMessage extends Omit<ShowMessage, 'payload'> {
  payload: PayloadWire | Payload;
  /** Set on a chunked show: its id and the arrays still to come. */
  transfer?: { id: number; pending: PendingArray[] };
}

export interface ChunkMessage {
  type: 'chunk';
  id: number;
  field: string;
  offset: number;
  data: Float64Array | Int32Array;
}

/** What the host posts: the app's messages, with 'show' in its wire form, and chunks. */
export type WireToWebview = Exclude<ToWebview, ShowMessage> | ShowWireMessage | ChunkMessage;

/**
 * The show message, and its chunks made one at a time as the host posts them. Chunks are copies
 * (`slice`): VS Code would post a view's whole underlying buffer.
 */
export function toWire(
  message: ShowMessage | (Omit<ShowMessage, 'payload'> & { payload: PayloadWire }),
  id: number,
): { show: ShowWireMessage; chunks: () => Generator<ChunkMessage> } {
  const payload: Record<string, unknown> = { ...message.payload };
  const pending: PendingArray[] = [];
  const large: [string, Float64Array | Int32Array][] = [];
  for (const [field, value] of Object.entries(payload)) {
    if (!(value instanceof Float64Array || value instanceof Int32Array) || value.length <= CHUNK_ELEMENTS) continue;
    pending.push({ field, kind: value instanceof Float64Array ? 'f64' : 'i32', length: value.length });
    large.push([field, value]);
    payload[field] = value instanceof Float64Array ? new Float64Array(0) : new Int32Array(0);
  }
  const show: ShowWireMessage = {
    ...message,
    payload: payload as unknown as PayloadWire,
    ...(pending.length ? { transfer: { id, pending } } : {}),
  };
  function* chunks(): Generator<ChunkMessage> {
    for (const [field, value] of large) {
      for (let offset = 0; offset < value.length; offset += CHUNK_ELEMENTS)
        yield { type: 'chunk', id, field, offset, data: value.slice(offset, offset + CHUNK_ELEMENTS) };
    }
  }
  return { show, chunks };
}

/**
 * The webview's side: holds a chunked show until its arrays are complete (messages that arrive
 * meanwhile wait behind it, in order), and restores the arrays the host left out.
 */
export class PayloadAssembler {
  private current: {
    show: ShowWireMessage;
    arrays: Map<string, { data: Float64Array | Int32Array; missing: number }>;
    queued: ToWebview[];
  } | null = null;

  /** The app messages this one completes, in order (none while a show is still arriving). */
  accept(message: WireToWebview): ToWebview[] {
    if (message.type === 'chunk') return this.chunk(message);
    if (message.type === 'show') {
      this.current = null; // a newer show replaces one still arriving
      const pending = message.transfer?.pending ?? [];
      if (pending.length === 0) return [complete(message)];
      const arrays = new Map<string, { data: Float64Array | Int32Array; missing: number }>();
      for (const p of pending)
        arrays.set(p.field, {
          data: p.kind === 'f64' ? new Float64Array(p.length) : new Int32Array(p.length),
          missing: Math.ceil(p.length / CHUNK_ELEMENTS),
        });
      this.current = { show: message, arrays, queued: [] };
      return [];
    }
    if (this.current) {
      this.current.queued.push(message);
      return [];
    }
    return [message];
  }

  private chunk(message: ChunkMessage): ToWebview[] {
    const current = this.current;
    if (!current || current.show.transfer?.id !== message.id) return []; // for a show since replaced
    const target = current.arrays.get(message.field);
    if (!target || target.data.constructor !== message.data.constructor || message.offset + message.data.length > target.data.length)
      return [];
    target.data.set(message.data as never, message.offset);
    target.missing--;
    for (const a of current.arrays.values()) if (a.missing > 0) return [];
    const payload: Record<string, unknown> = { ...current.show.payload };
    for (const [field, a] of current.arrays) payload[field] = a.data;
    this.current = null;
    return [complete({ ...current.show, payload: payload as unknown as PayloadWire }), ...current.queued];
  }
}

/** The app's ShowMessage: derivable arrays restored, each computed on first use. */
function complete(message: ShowWireMessage): ShowMessage {
  const { transfer: _transfer, ...rest } = message;
  return { ...rest, payload: expandPayload(message.payload) };
}

export function expandPayload(payload: PayloadWire | Payload): Payload {
  if (payload.task !== 'classification') return payload;
  const wire = payload as ClassificationWire | ClassificationPayload;
  if (wire.targets && wire.gradient && wire.logitGradient) return wire as ClassificationPayload;
  const { n, k, reduction } = wire;
  const labels = (wire as ClassificationWire).labels ?? null;
  const out = { ...wire } as Record<string, unknown>;
  const lazy = <T>(field: string, make: () => T) => {
    let value: T | undefined;
    Object.defineProperty(out, field, { enumerable: true, configurable: true, get: () => (value ??= make()) });
  };
  if (!wire.targets) {
    if (!labels) throw new Error('a classification payload needs targets or labels');
    lazy('targets', () => {
      const y = new Float64Array(n * k);
      for (let i = 0; i < n; i++) y[i * k + labels[i]] = 1;
      return y;
    });
  }
  if (!wire.logitGradient) {
    lazy('logitGradient', () =>
      labels && !wire.targets
        ? logitGradientFromLabels(wire.probabilities, labels, n, k, reduction)
        : logitGradientFromProbabilities(wire.probabilities, out.targets as Float64Array, n, k, reduction),
    );
  }
  if (!wire.gradient) {
    if (wire.input !== 'logits') throw new Error('a probabilities payload needs its gradient');
    lazy('gradient', () => out.logitGradient);
  }
  return out as unknown as ClassificationPayload;
}
