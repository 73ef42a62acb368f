/**
 * The one contract between the extension host and the panel's webview. Both sides import this
 * file. Tensors travel as typed arrays (structured clone, binary), never as JSON arrays of numbers.
 * The webview is untrusted: the host validates every message with `parseWebviewMessage`.
 *
 * The panel pulls (issue 14): 'show' carries the scalars, the length-N arrays and the selected
 * sample's row; a view asks for anything else — another sample's row, a block of a matrix, a
 * column statistic — with a 'query', answered by a 'queryResult' with the same id, from wherever
 * the file's arrays are (a worker thread for a large file). A query the view no longer needs is
 * cancelled ('cancelQuery'), and its answer is dropped.
 */
import { MATRIX_FIELDS, type MatrixField, type SampleRow, type TensorQuery } from '../core/tensorQuery';

export type { ClassificationRow, MatrixField, RegressionRow, SampleRow } from '../core/tensorQuery';

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
  /** Compare with Finite Differences, entry by entry (a small file), once the command ran. */
  finiteDifferences?: OwnGradientsPayload | null;
}

export interface RegressionPayload {
  task: 'regression';
  fileName: string;
  n: number;
  d: number;
  reduction: 'mean' | 'sum';
  loss: number;
  losses: Float64Array;
  own?: OwnGradientsPayload | null;
  lossName?: string;
  lossFormula?: string;
  finiteDifferences?: OwnGradientsPayload | null;
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
  /** The layer's name in the file, if it gives one. */
  name?: string;
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
  /** The file's input feature names, one per input of the first layer. */
  features?: string[] | null;
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
  /** The selected sample's row (classification and regression), so the first view draws at once. */
  row?: SampleRow | null;
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

/** What a view may ask of the file's data (exports and checks are the host's, not the panel's). */
export type PanelQuery = Extract<TensorQuery, { kind: 'row' | 'block' | 'columnMaxAbs' | 'table' }>;

/** The answer to a 'query' (a SampleRow, a MatrixBlock, a Float64Array or text, by the query's kind). */
export type QueryResultMessage =
  { type: 'queryResult'; id: number; ok: true; answer: unknown } | { type: 'queryResult'; id: number; ok: false; error: string };

export type ToWebview = ShowMessage | SelectMessage | ShowViewMessage | ErrorMessage | AckMessage | QueryResultMessage;

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

/** A view asks for part of the file's data; answered by a 'queryResult' with the same id. */
export interface QueryMessage {
  type: 'query';
  id: number;
  query: PanelQuery;
}
/** The view moved on: drop the answer to this query. */
export interface CancelQueryMessage {
  type: 'cancelQuery';
  id: number;
}
/** Copy a whole matrix as CSV/JSON: the text is made where the data is and goes to the clipboard from the host. */
export interface CopyQueryMessage {
  type: 'copyQuery';
  requestId: number;
  query: Extract<PanelQuery, { kind: 'table' }>;
}

export type FromWebview =
  | QueryMessage
  | CancelQueryMessage
  | CopyQueryMessage
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
    case 'query': {
      const query = parseQuery(m.query);
      return isIndex(m.id) && query ? { type: 'query', id: m.id as number, query } : null;
    }
    case 'cancelQuery':
      return isIndex(m.id) ? { type: 'cancelQuery', id: m.id as number } : null;
    case 'copyQuery': {
      const query = parseQuery(m.query);
      return isIndex(m.requestId) && query?.kind === 'table' ? { type: 'copyQuery', requestId: m.requestId as number, query } : null;
    }
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

/** A view's query, validated field by field (it comes from the untrusted page). */
export function parseQuery(value: unknown): PanelQuery | null {
  if (typeof value !== 'object' || value === null) return null;
  const q = value as Record<string, unknown>;
  const isIndex = (x: unknown) => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x < 2 ** 31;
  const isField = (x: unknown): x is MatrixField => MATRIX_FIELDS.includes(x as MatrixField);
  switch (q.kind) {
    case 'row':
      return isIndex(q.index) ? { kind: 'row', index: q.index as number } : null;
    case 'columnMaxAbs':
      return isField(q.field) ? { kind: 'columnMaxAbs', field: q.field } : null;
    case 'block': {
      const cols = q.cols;
      const okCols = cols === null || (Array.isArray(cols) && cols.length <= 1 << 16 && cols.every(isIndex));
      if (!isField(q.field) || !isIndex(q.r0) || !isIndex(q.r1) || !okCols) return null;
      return {
        kind: 'block',
        field: q.field,
        r0: q.r0 as number,
        r1: q.r1 as number,
        cols: cols === null ? null : [...(cols as number[])],
      };
    }
    case 'table': {
      const classes = q.classes;
      const okClasses =
        classes === null || (Array.isArray(classes) && classes.length <= 1 << 20 && classes.every((c) => typeof c === 'string'));
      if (!isField(q.field) || (q.format !== 'csv' && q.format !== 'json') || !isIndex(q.maxCells) || !okClasses) return null;
      if (typeof q.name !== 'string' || q.name.length > 200) return null;
      return {
        kind: 'table',
        field: q.field,
        format: q.format,
        maxCells: q.maxCells as number,
        name: q.name,
        classes: classes === null ? null : [...(classes as string[])],
      };
    }
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

// ---- the NumPy viewer (a third webview: src/webview/npy, src/extension/npyEditor.ts) --------
// The viewer gets the file's outline (arrays, roles, analysis) up front and asks for the rows and
// slices it shows, in the manner of vscode-hexeditor's ReadRangeRequest: a large array never
// crosses to the page whole.

/** The commands the viewer's buttons may run on its file; the host runs nothing else. */
export const NPY_COMMANDS = [
  'gradientLens.analyzeFile',
  'gradientLens.showLossPerSample',
  'gradientLens.showGradients',
  'gradientLens.showJacobian',
  'gradientLens.explainChainRule',
  'gradientLens.compareFiniteDifferences',
  'gradientLens.exportAnalysis',
] as const;
export type NpyCommand = (typeof NPY_COMMANDS)[number];

/** One array of the file, without its values. */
export interface NpyArrayInfo {
  name: string;
  /** '<f4' and 'float32'. */
  dtype: string;
  dtypeName: string;
  shape: number[];
  count: number;
  /** 'unread': a tensor the viewer did not read (too large); no rows, no slice. */
  kind: 'number' | 'bool' | 'string' | 'unread';
  /** The table view: rows = the first axis, cols = the product of the others (a vector is one column). */
  rows: number;
  cols: number;
  stats: { min: number; max: number; mean: number; std: number; nan: number; inf: number } | null;
  /** Numeric, rank ≥ 2, not empty: a heatmap of a chosen 2-D slice. */
  sliceable: boolean;
  note?: string;
  /** The role the analysis gave this array ("logits", "labels"…), when it plays one. */
  role?: string;
  /** Column headers when the columns are the classes (one name per column). */
  columnNames?: string[];
  /** Per-row class columns the host adds to the rows it sends ("label", "predicted"). */
  rowColumns?: string[];
}

/** Which array (or file) the analysis took for which role. */
export interface NpyRoleInfo {
  role: string;
  /** The array's name or the sibling file's; empty when the role has no single source (a network's). */
  source: string;
}

export interface NpyAnalysisInfo {
  status: 'pending' | 'failed' | 'done';
  /** Sentences, in order: the loss, the worst sample, the classes… */
  lines: string[];
  /** The part of the first line to show in bold (the loss). */
  emphasis?: string;
  errors: string[];
  warnings: string[];
  roles: NpyRoleInfo[];
  actions: { command: NpyCommand; label: string }[];
  /** A failed analysis may be tried again. */
  retry: boolean;
}

/** The file's outline, replacing whatever the viewer shows. */
export interface NpyShowMessage {
  type: 'npyShow';
  fileName: string;
  /** The file could not be read: nothing else is shown. */
  error: string | null;
  arrays: NpyArrayInfo[];
  metadata: [string, string][];
  layers: { name: string; weightShape: number[]; weightNorm: number; biasShape: number[] | null; biasNorm: number | null }[];
  analysis: NpyAnalysisInfo;
}

/** The rows [row0, row1) × columns [col0, col1) of an array's table view, as asked. */
export interface NpyRowsMessage {
  type: 'npyRows';
  requestId: number;
  array: number;
  row0: number;
  row1: number;
  col0: number;
  col1: number;
  /** Row-major numbers (booleans as 0/1), or null for a string array. */
  values: Float64Array | null;
  strings: string[] | null;
  /** One entry per NpyArrayInfo.rowColumns, each with row1 − row0 class names. */
  rowColumns: string[][];
  error?: string;
}

export interface NpySliceMessage {
  type: 'npySlice';
  array: number;
  rows: number;
  cols: number;
  totalRows: number;
  totalCols: number;
  values: Float64Array;
  error?: string;
}

export type ToNpyViewer = NpyShowMessage | NpyRowsMessage | NpySliceMessage;

/** Run one of NPY_COMMANDS on the viewer's file. */
export interface NpyRunMessage {
  type: 'run';
  command: NpyCommand;
}
/** Analyse the file again (after a failure). */
export interface NpyRetryMessage {
  type: 'retry';
}
/** Ask for a block of an array's table view; the answer is an NpyRowsMessage with the same requestId. */
export interface NpyRowsRequest {
  type: 'npyRows';
  requestId: number;
  array: number;
  row0: number;
  row1: number;
  col0: number;
  col1: number;
}
/** Ask for a 2-D slice of an array of any rank: two axes drawn, an index for every other. */
export interface NpySliceRequest {
  type: 'npySlice';
  array: number;
  rowAxis: number;
  colAxis: number;
  index: number[];
}

export type FromNpyViewer = ReadyMessage | LogMessage | NpyRunMessage | NpyRetryMessage | NpyRowsRequest | NpySliceRequest;

/** Most rows and columns one request may ask for (a screenful is far less). */
export const NPY_MAX_REQUEST_ROWS = 2000;
export const NPY_MAX_REQUEST_COLS = 512;
/** Highest rank a slice request may name (NumPy's own limit is 64). */
const NPY_MAX_RANK = 64;

/** Validates an untrusted message from the NumPy viewer; null for anything not in its protocol. */
export function parseNpyViewerMessage(value: unknown): FromNpyViewer | null {
  if (typeof value !== 'object' || value === null) return null;
  const m = value as Record<string, unknown>;
  const isIndex = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x < 2 ** 31;
  switch (m.type) {
    case 'ready':
    case 'log': {
      const parsed = parseWebviewMessage(value);
      return parsed && (parsed.type === 'ready' || parsed.type === 'log') ? parsed : null;
    }
    case 'run':
      return (NPY_COMMANDS as readonly unknown[]).includes(m.command) ? { type: 'run', command: m.command as NpyCommand } : null;
    case 'retry':
      return { type: 'retry' };
    case 'npyRows': {
      const { requestId, array, row0, row1, col0, col1 } = m;
      if (!isIndex(requestId) || !isIndex(array) || !isIndex(row0) || !isIndex(row1) || !isIndex(col0) || !isIndex(col1)) return null;
      if (row1 < row0 || row1 - row0 > NPY_MAX_REQUEST_ROWS || col1 < col0 || col1 - col0 > NPY_MAX_REQUEST_COLS) return null;
      return { type: 'npyRows', requestId, array, row0, row1, col0, col1 };
    }
    case 'npySlice': {
      const { array, rowAxis, colAxis, index } = m;
      if (!isIndex(array) || !isIndex(rowAxis) || !isIndex(colAxis) || !Array.isArray(index) || index.length > NPY_MAX_RANK) return null;
      if (!index.every(isIndex)) return null;
      return { type: 'npySlice', array, rowAxis, colAxis, index: index.slice() as number[] };
    }
    default:
      return null;
  }
}
