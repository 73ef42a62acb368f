/**
 * The one contract between the extension host and the panel's webview. Both sides import this
 * file. Tensors travel as typed arrays (structured clone, binary), never as JSON arrays of numbers.
 * The webview is untrusted: the host validates every message with `parseWebviewMessage`.
 */

export type ViewId = 'jacobian' | 'gradient' | 'matrix' | 'losses' | 'chain' | 'network' | 'own' | 'finite';
export const VIEW_IDS: readonly ViewId[] = ['jacobian', 'gradient', 'matrix', 'losses', 'chain', 'network', 'own', 'finite'];

/** One of the user's own derivative tensors beside the exact one (issue 18), as a rows × cols grid. */
export interface OwnTensorPayload {
  /** "dinputs", "layer 1 dweights". */
  name: string;
  /** "∂L/∂z". */
  quantity: string;
  formula: string;
  rows: number;
  cols: number;
  given: Float64Array;
  expected: Float64Array;
  /** 1 where the entry is outside the tolerance. */
  wrong: Uint8Array;
  /** The entries with the largest relative error (wrong ones first), at most 10. */
  worst: { index: number; entry: string; given: number; expected: number; relative: number; wrong: boolean }[];
  diagnosis: string | null;
  /** Per-entry relative error as its producer defines it; without it the view shows |given − expected| / |expected|. */
  relative?: Float64Array;
  /** What `given` and `expected` are called; "yours" and "exact" by default ("finite difference" / "analytic" for the FD check). */
  givenLabel?: string;
  expectedLabel?: string;
}

export interface OwnGradientsPayload {
  tensors: OwnTensorPayload[];
  /** Tensors that could not be compared entry by entry, with the reason. */
  unchecked: string[];
  summary: string;
  entries: number;
  wrongEntries: number;
}

/** A classification file's analysis: n samples × k classes, row-major. */
export interface ClassificationPayload {
  task: 'classification';
  fileName: string;
  input: 'logits' | 'probabilities' | 'log_probabilities';
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
  /** The user's own derivatives against the exact ones, when the file carries any. */
  own?: OwnGradientsPayload | null;
  /** The named loss (src/core/loss), e.g. "cross_entropy (label_smoothing=0.1)", and its per-sample formula. */
  lossName?: string;
  lossFormula?: string;
  /** For a named loss: what the batch ∂L/∂z scales p·Σy − y by (1/Σw_y for a weighted mean), when not 1/N. */
  gradientScale?: number;
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
  own?: OwnGradientsPayload | null;
  lossName?: string;
  lossFormula?: string;
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
  own?: OwnGradientsPayload | null;
  /** The finite-difference check entry by entry (given = finite difference, expected = analytic), for small networks. */
  finiteDifferences?: OwnGradientsPayload | null;
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

/** The user clicked one of their own derivative entries; the host reveals it in the file. */
export interface RevealEntryMessage {
  type: 'revealEntry';
  tensor: number;
  index: number;
}

/** A real (isTrusted) key press or click in the panel: the host copies only right after one. */
export interface UserGestureMessage {
  type: 'userGesture';
  kind: 'key' | 'pointer';
}

export type FromWebview =
  | ReadyMessage
  | SelectSampleMessage
  | ExportMessage
  | CopyMessage
  | ViewStateMessage
  | LogMessage
  | RevealEntryMessage
  | UserGestureMessage;

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
      return {
        type: 'export',
        requestId: m.requestId as number,
        format,
        suggestedName: m.suggestedName as string,
        data: m.data as string | Uint8Array,
      };
    }
    case 'copy':
      return isIndex(m.requestId) && isText(m.text) ? { type: 'copy', requestId: m.requestId as number, text: m.text as string } : null;
    case 'userGesture':
      return m.kind === 'key' || m.kind === 'pointer' ? { type: 'userGesture', kind: m.kind } : null;
    case 'viewState':
      return VIEW_IDS.includes(m.view as ViewId) && isIndex(m.selected)
        ? { type: 'viewState', view: m.view as ViewId, selected: m.selected as number }
        : null;
    case 'revealEntry':
      return isIndex(m.tensor) && isIndex(m.index) ? { type: 'revealEntry', tensor: m.tensor as number, index: m.index as number } : null;
    case 'log':
      return (m.level === 'info' || m.level === 'warn' || m.level === 'error') && isText(m.message, 10000)
        ? { type: 'log', level: m.level, message: m.message as string }
        : null;
    default:
      return null;
  }
}

// ---- the training-run panel (a second webview: src/webview/run, src/extension/runPanel.ts) --

/** One step of a run as the timeline draws it, from the manifest alone (no step file is read). */
export interface RunPoint {
  step: number;
  time: number;
  /** The logged loss, or null. */
  loss: number | null;
  /** Per parameter (an index into RunUpdateMessage.params): ‖∂L/∂W‖, null without a gradient or when absent. */
  gradNorms: (number | null)[];
  /** ‖W‖ per parameter, null when the parameter is absent at this step. */
  weightNorms: (number | null)[];
}

/** New steps of the run (appended), or all of it (reset: first show, or the manifest was rewritten). */
export interface RunUpdateMessage {
  type: 'runUpdate';
  reset: boolean;
  /** Folder name, for the title. */
  runName: string;
  /** Every parameter name seen so far, in order of first appearance: indices never change. */
  params: string[];
  steps: RunPoint[];
  /** Every problem of the manifest so far, as `run.jsonl:LINE:COL: message`. */
  problems: string[];
  /** A last line is being written (not yet read). */
  pending: boolean;
  thresholds: { vanishing: number; exploding: number };
}

/** The host opened (or could not open) a step's file in the Gradient Lens panel. */
export interface RunStepOpenedMessage {
  type: 'runStepOpened';
  index: number;
  ok: boolean;
  message: string;
}

export type ToRunWebview = RunUpdateMessage | RunStepOpenedMessage;

/** The user chose a step (slider, chart): open its .npz in the existing panel. `index` is into the steps shown. */
export interface OpenStepMessage {
  type: 'openStep';
  index: number;
}

export type FromRunWebview = ReadyMessage | OpenStepMessage | LogMessage;

/** Validates an untrusted message from the run panel; null for anything not in its protocol. */
export function parseRunWebviewMessage(value: unknown): FromRunWebview | null {
  if (typeof value !== 'object' || value === null) return null;
  const m = value as Record<string, unknown>;
  if (m.type === 'openStep')
    return typeof m.index === 'number' && Number.isInteger(m.index) && m.index >= 0 && m.index < 2 ** 31
      ? { type: 'openStep', index: m.index }
      : null;
  if (m.type === 'ready' || m.type === 'log') {
    const parsed = parseWebviewMessage(value);
    return parsed && (parsed.type === 'ready' || parsed.type === 'log') ? parsed : null;
  }
  return null;
}
