/**
 * The one contract between the extension host and the panel's webview. Both sides import this
 * file. Tensors travel as typed arrays (structured clone, binary), never as JSON arrays of numbers.
 * The webview is untrusted: the host validates every message with `parseWebviewMessage`.
 */

export type ViewId = 'jacobian' | 'gradient' | 'matrix' | 'losses' | 'chain' | 'network';
export const VIEW_IDS: readonly ViewId[] = ['jacobian', 'gradient', 'matrix', 'losses', 'chain', 'network'];

/** A classification file's analysis: n samples × k classes, row-major. */
export interface ClassificationPayload {
  task: 'classification';
  fileName: string;
  input: 'logits' | 'probabilities';
  n: number;
  k: number;
  classes: string[] | null;
  reduction: 'mean' | 'sum';
  loss: number;
  losses: Float64Array;
  probabilities: Float64Array;
  targets: Float64Array;
  /** ∂L/∂z = (p − y)/N. */
  logitGradient: Float64Array;
  /** ∂L/∂(the file's own tensor): equal to logitGradient for logits, −y/(pN) for probabilities. */
  gradient: Float64Array;
  predicted: Int32Array;
  actual: Int32Array;
  pTrue: Float64Array;
}

export interface RegressionPayload {
  task: 'regression';
  fileName: string;
  n: number;
  d: number;
  reduction: 'mean' | 'sum';
  loss: number;
  losses: Float64Array;
  predictions: Float64Array;
  targets: Float64Array;
  gradient: Float64Array;
}

export type ActivationName = 'relu' | 'sigmoid' | 'tanh' | 'linear' | 'softmax';

/** One dense layer z = W x + b, a = σ(z), with its gradients and per-sample chain-rule factors. */
export interface LayerPayload {
  inputs: number;
  outputs: number;
  activation: ActivationName;
  /** outputs × inputs, one row per neuron. */
  weights: Float64Array;
  bias: Float64Array;
  gradWeights: Float64Array;
  gradBias: Float64Array;
  weightNorm: number;
  gradNorm: number;
  health: 'ok' | 'vanishing' | 'exploding';
  /** n × outputs each: pre-activation, activation, ∂L/∂a, ∂L/∂z per sample. */
  z: Float64Array;
  a: Float64Array;
  dA: Float64Array;
  dZ: Float64Array;
}

export interface NetworkPayload {
  task: 'network';
  fileName: string;
  n: number;
  head: 'cross-entropy' | 'mse';
  classes: string[] | null;
  reduction: 'mean' | 'sum';
  loss: number;
  losses: Float64Array;
  /** n × inputs of the first layer. */
  inputs: Float64Array;
  targets: Float64Array;
  layers: LayerPayload[];
  /** Worst relative error of the finite-difference check over all weights, if it was run. */
  gradientCheckError: number | null;
}

export type Payload = ClassificationPayload | RegressionPayload | NetworkPayload;

// ---- host → webview ----------------------------------------------------------------------

/** The analysis to show, replacing whatever was shown. */
export interface ShowMessage {
  type: 'show';
  payload: Payload;
  selected: number;
  /** View to bring forward, if the command asked for one. */
  view?: ViewId;
  /** Selected layer for network files. */
  layer?: number;
}
/** The editor's cursor moved to another sample. */
export interface SelectMessage {
  type: 'select';
  index: number;
}
/** A command asked for a particular view. */
export interface ShowViewMessage {
  type: 'showView';
  view: ViewId;
}
/** The file cannot be analysed (its problems are in the Problems panel). */
export interface ErrorMessage {
  type: 'error';
  fileName: string;
  message: string;
}
/** The host finished a request (export, copy). */
export interface AckMessage {
  type: 'ack';
  requestId: number;
  ok: boolean;
  message: string;
}

export type ToWebview = ShowMessage | SelectMessage | ShowViewMessage | ErrorMessage | AckMessage;

// ---- webview → host ----------------------------------------------------------------------

/** The page has loaded and wants its state. */
export interface ReadyMessage {
  type: 'ready';
}
/** The user picked a sample in the panel; the host reveals it in the file. */
export interface SelectSampleMessage {
  type: 'selectSample';
  index: number;
}
/** Save the current view or its values; the host asks where (never over the data file). */
export interface ExportMessage {
  type: 'export';
  requestId: number;
  format: 'svg' | 'png' | 'csv' | 'json';
  suggestedName: string;
  /** Text for svg/csv/json; PNG bytes. */
  data: string | Uint8Array;
}
/** Put text on the clipboard (the webview may not have clipboard access). */
export interface CopyMessage {
  type: 'copy';
  requestId: number;
  text: string;
}
/** The panel's own state changed (for restoring after a reload). */
export interface ViewStateMessage {
  type: 'viewState';
  view: ViewId;
  selected: number;
}
export interface LogMessage {
  type: 'log';
  level: 'info' | 'warn' | 'error';
  message: string;
}

/** A real (isTrusted) key press or click in the panel: the host copies only right after one. */
export interface UserGestureMessage {
  type: 'userGesture';
  kind: 'key' | 'pointer';
}

export type FromWebview = ReadyMessage | SelectSampleMessage | ExportMessage | CopyMessage | ViewStateMessage | LogMessage | UserGestureMessage;

const MAX_TEXT = 64 * 1024 * 1024;

/** Validates an untrusted message from the webview; null for anything not in the protocol. */
export function parseWebviewMessage(value: unknown): FromWebview | null {
  if (typeof value !== 'object' || value === null) return null;
  const m = value as Record<string, unknown>;
  const isIndex = (x: unknown) => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x < 2 ** 31;
  const isText = (x: unknown, max = MAX_TEXT) => typeof x === 'string' && x.length <= max;
  switch (m.type) {
    case 'ready':
      return { type: 'ready' };
    case 'selectSample':
      return isIndex(m.index) ? { type: 'selectSample', index: m.index as number } : null;
    case 'export': {
      const format = m.format;
      if (!isIndex(m.requestId) || !(format === 'svg' || format === 'png' || format === 'csv' || format === 'json')) return null;
      if (!isText(m.suggestedName, 200) || !/^[\w.\- ]+$/.test(m.suggestedName as string)) return null;
      const okData = format === 'png' ? m.data instanceof Uint8Array && m.data.length <= MAX_TEXT : isText(m.data);
      if (!okData) return null;
      return { type: 'export', requestId: m.requestId as number, format, suggestedName: m.suggestedName as string, data: m.data as string | Uint8Array };
    }
    case 'copy':
      return isIndex(m.requestId) && isText(m.text) ? { type: 'copy', requestId: m.requestId as number, text: m.text as string } : null;
    case 'userGesture':
      return m.kind === 'key' || m.kind === 'pointer' ? { type: 'userGesture', kind: m.kind } : null;
    case 'viewState':
      return VIEW_IDS.includes(m.view as ViewId) && isIndex(m.selected) ? { type: 'viewState', view: m.view as ViewId, selected: m.selected as number } : null;
    case 'log':
      return (m.level === 'info' || m.level === 'warn' || m.level === 'error') && isText(m.message, 10000) ? { type: 'log', level: m.level, message: m.message as string } : null;
    default:
      return null;
  }
}
