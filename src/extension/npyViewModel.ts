/**
 * What the NumPy viewer is told about its file (src/shared/protocol.ts, NpyShowMessage): each
 * array's outline, which array the analysis took for which role, and the analysis in sentences.
 * Values are not here: the page asks for the rows it shows (npyEditor.ts answers).
 */
import { arrayStats } from '../core/arraySlice';
import { tableShape } from '../core/arrayRows';
import { className } from '../core/dataset';
import type { NpyArray } from '../core/npy';
import { dtypeName } from '../core/arrayDescription';
import type { ResultSummary } from '../core/resultSummary';
import { accuracy } from '../core/analysisReport';
import { NPY_COMMANDS, type NpyAnalysisInfo, type NpyArrayInfo, type NpyCommand, type NpyRoleInfo } from '../shared/protocol';
import { formatNumber as formatDigits } from '../shared/numberFormat';
import { lossLabel } from './lossText';

/** Six significant digits in the panel's one number format. */
const formatNumber = (v: number) => formatDigits(v, 6);

const ACTION_LABELS: Record<NpyCommand, string> = {
  'gradientLens.analyzeFile': 'Analyze',
  'gradientLens.showLossPerSample': 'Loss per sample',
  'gradientLens.showGradients': 'Gradients',
  'gradientLens.showJacobian': 'Softmax Jacobian',
  'gradientLens.explainChainRule': 'Chain rule',
  'gradientLens.compareFiniteDifferences': 'Finite differences',
  'gradientLens.exportAnalysis': 'Export…',
};

/** An array the viewer read, or one it only lists (a large tensor of an archive). */
export type ViewerArray = { name: string; array: NpyArray } | { name: string; array: null; dtype: string; shape: number[]; note: string };

/** The outline of one array, before the analysis says what it is. */
export function arrayInfo(a: ViewerArray): NpyArrayInfo {
  const shape = a.array ? a.array.shape : a.shape;
  const dtype = a.array ? a.array.dtype : a.dtype;
  const count = shape.reduce((x, y) => x * y, 1);
  const { rows, cols } = tableShape(shape);
  const kind = !a.array ? 'unread' : a.array.kind === 'string' ? 'string' : a.array.kind === 'bool' ? 'bool' : 'number';
  const numeric = kind === 'number' || kind === 'bool';
  return {
    name: a.name,
    dtype,
    dtypeName: dtypeName(dtype),
    shape,
    count,
    kind,
    rows,
    cols,
    stats: a.array && numeric && count > 0 ? arrayStats(a.array.data) : null,
    sliceable: numeric && shape.length >= 2 && count > 0,
    ...(a.array ? {} : { note: a.note }),
  };
}

/** Which array (or sibling file) the analysis took for its input, its labels or targets, and its class names. */
export interface RoleSources {
  input: string | null;
  target: string | null;
  classes: string | null;
}

/**
 * The dataset names its targets by their array (or sibling file), but a classification input by its
 * kind ("logits"), so the input is the array of the dataset's shape whose first rows hold exactly
 * the input's first rows (`head`, asked of the analysis: the host keeps no N × K array).
 */
export function roleSources(
  file: ResultSummary | null,
  arrays: readonly ViewerArray[],
  classSource: string | null,
  head: Float64Array | null = null,
): RoleSources {
  const dataset = file?.dataset;
  if (!dataset || dataset.task === 'network') return { input: null, target: null, classes: null };
  const [first, second] = dataset.spans;
  let input = first && arrays.some((a) => a.name === first.role) ? first.role : null;
  if (!input && dataset.task === 'classification' && head) {
    const { n, k } = dataset;
    const same = (a: NpyArray) => a.shape.length === 2 && a.shape[0] === n && a.shape[1] === k && head.every((v, i) => a.data[i] === v);
    input = arrays.find((a) => a.array && a.array.kind !== 'string' && same(a.array))?.name ?? null;
  }
  return { input, target: second?.role ?? null, classes: dataset.task === 'classification' && dataset.classes ? classSource : null };
}

/**
 * Each array's role, and the columns that follow from it: the class names over the columns of
 * the logits / probabilities / one-hot targets, and the true and predicted class beside each row
 * of the input (class names when the file or its siblings give them).
 */
export function withRoles(arrays: NpyArrayInfo[], file: ResultSummary | null, sources: RoleSources): NpyArrayInfo[] {
  const dataset = file?.dataset;
  if (!dataset || dataset.task === 'network') return arrays;
  return arrays.map((info) => {
    if (info.name === sources.classes) return { ...info, role: 'classes' };
    if (dataset.task === 'regression') {
      if (info.name === sources.input) return { ...info, role: 'predictions' };
      return info.name === sources.target ? { ...info, role: 'targets' } : info;
    }
    const k = dataset.k;
    const classes = dataset.classes && dataset.classes.length === k ? dataset.classes : null;
    const columnNames = classes && info.cols === k && info.rows === dataset.n ? classes : undefined;
    if (info.name === sources.input)
      return { ...info, role: dataset.input, ...(columnNames ? { columnNames } : {}), rowColumns: ['label', 'predicted'] };
    if (info.name === sources.target) {
      if (dataset.labels) return { ...info, role: 'labels', ...(classes && info.cols === 1 ? { rowColumns: ['class'] } : {}) };
      return { ...info, role: 'targets', ...(columnNames ? { columnNames } : {}) };
    }
    return info;
  });
}

/** The class names of rows [row0, row1) for each of `names` (rowColumns): the true class, the predicted one, a label's. */
export function rowColumnValues(
  names: readonly string[],
  file: ResultSummary | null,
  row0: number,
  row1: number,
  labels?: ArrayLike<number>,
  /** The row `labels[0]` holds (a block of the labels array starts at its first row). */
  labelsRow0 = 0,
): string[][] {
  const a = file?.analysis;
  const classes = file?.dataset?.task === 'classification' ? file.dataset.classes : null;
  return names.map((name) => {
    const out: string[] = [];
    for (let i = row0; i < row1; i++) {
      if (name === 'class' && labels) out.push(className(classes, labels[i - labelsRow0]));
      else if (a?.task === 'classification' && i < a.n) out.push(className(classes, name === 'label' ? a.actual[i] : a.predicted[i]));
      else out.push('');
    }
    return out;
  });
}

/** "logits ← scores", "labels ← y_labels.npy", "class names ← classes.txt". */
export function rolesOf(file: ResultSummary | null, sources: RoleSources): NpyRoleInfo[] {
  const dataset = file?.dataset;
  if (!dataset) return [];
  if (dataset.task === 'network') {
    const layers = dataset.layers.length;
    return [
      { role: 'network', source: `${layers} Linear layer${layers === 1 ? '' : 's'}` },
      ...dataset.spans.map((s) => ({ role: s.role, source: '' })),
    ];
  }
  const roles: NpyRoleInfo[] = [];
  const inputRole = dataset.task === 'regression' ? 'predictions' : dataset.input;
  const targetRole = dataset.task === 'classification' && dataset.labels ? 'labels' : 'targets';
  roles.push({ role: inputRole, source: sources.input ?? inputRole });
  if (sources.target) roles.push({ role: targetRole, source: sources.target });
  if (sources.classes) roles.push({ role: 'class names', source: sources.classes });
  return roles;
}

/** The analysis in sentences, with the buttons that apply to it. */
export function analysisInfo(file: ResultSummary | null, error: string | null, sources: RoleSources): NpyAnalysisInfo {
  const empty: NpyAnalysisInfo = { status: 'pending', lines: [], errors: [], warnings: [], roles: [], actions: [], retry: false };
  if (error) return { ...empty, status: 'failed', errors: [error], retry: true };
  if (!file) return empty;
  const warnings = file.problems.filter((p) => p.severity === 'warning').map((p) => p.message);
  const done = { ...empty, status: 'done' as const, warnings, roles: rolesOf(file, sources) };
  if (!file.dataset && file.problems.some((p) => p.code === 'state-dict'))
    return {
      ...done,
      lines: [
        'Weights only (a state dict): save "inputs" and "labels" (or "targets") in the same file, or inputs.npy and labels.npy beside it, to see the loss and the gradient of every layer.',
      ],
    };
  if (!file.dataset) {
    const errors = file.problems.filter((p) => p.severity === 'error').map((p) => p.message);
    const ambiguous = file.problems.some((p) => p.code === 'ambiguous-roles');
    return { ...done, errors, actions: ambiguous ? [{ command: 'gradientLens.analyzeFile', label: 'Choose the arrays…' }] : [] };
  }
  const lines: string[] = [];
  let emphasis: string | undefined;
  const a = file.analysis;
  if (a?.task === 'classification') {
    const classes = file.dataset.task === 'classification' ? file.dataset.classes : null;
    emphasis = formatNumber(a.loss);
    lines.push(
      `${a.lossSpec ? lossLabel(a) : 'Cross-entropy'} (${a.reduction}) ${emphasis} over ${a.n} samples × ${a.k} classes, from ${a.input}; accuracy ${(accuracy(a.predicted, a.actual) * 100).toFixed(1)}%`,
    );
    let worst = 0;
    for (let i = 1; i < a.n; i++) if (a.losses[i] > a.losses[worst]) worst = i;
    if (a.n > 0)
      lines.push(
        `Highest loss: sample ${worst} (${formatNumber(a.losses[worst])}), true ${className(classes, a.actual[worst])}, predicted ${className(classes, a.predicted[worst])}`,
      );
    if (classes) lines.push(`Classes: ${classes.slice(0, 50).join(', ')}${classes.length > 50 ? ', …' : ''}`);
  } else if (a?.task === 'regression') {
    emphasis = formatNumber(a.loss);
    lines.push(`${a.lossSpec ? lossLabel(a) : 'Mean squared error'} (${a.reduction}) ${emphasis} over ${a.n} samples × ${a.d} outputs`);
  } else if (file.network) {
    emphasis = formatNumber(file.network.loss);
    lines.push(`Network, ${file.network.n} samples, loss ${emphasis}`);
  }
  const task = file.dataset.task;
  const applies = (c: NpyCommand) => task !== 'regression' || (c !== 'gradientLens.showJacobian' && c !== 'gradientLens.explainChainRule');
  const actions = NPY_COMMANDS.filter(applies).map((command) => ({ command, label: ACTION_LABELS[command] }));
  return { ...done, lines, ...(emphasis ? { emphasis } : {}), actions };
}
