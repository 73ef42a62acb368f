/**
 * What the NumPy viewer is told about its file (src/shared/protocol.ts, NpyShowMessage): each
 * array's outline, which array the analysis took for which role, and the analysis in sentences.
 * Values are not here: the page asks for the rows it shows (npyEditor.ts answers).
 */
import { arrayStats } from '../core/arraySlice';
import { tableShape } from '../core/arrayRows';
import { className } from '../core/dataset';
import type { NpyArray } from '../core/npy';
import { dtypeName } from '../core/numpyRoles';
import type { PipelineResult } from '../core/pipeline';
import { accuracy } from '../core/report';
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

/**
 * Which array plays which role, and the columns that follow from it: the class names over the
 * columns of the logits / probabilities / one-hot targets, and the true and predicted class beside
 * each row of the input (class names when the file or its siblings give them).
 */
export function withRoles(arrays: NpyArrayInfo[], file: PipelineResult | null, classSource: string | null): NpyArrayInfo[] {
  const dataset = file?.dataset;
  if (!dataset || dataset.task === 'network') return arrays;
  const input = dataset.spans[0]?.role;
  const target = dataset.spans[1]?.role;
  return arrays.map((info) => {
    if (dataset.task === 'regression') {
      if (info.name === input) return { ...info, role: 'predictions' };
      if (info.name === target) return { ...info, role: 'targets' };
      return info.name === classSource ? { ...info, role: 'classes' } : info;
    }
    const k = dataset.k;
    const classes = dataset.classes && dataset.classes.length === k ? dataset.classes : null;
    const columnNames = classes && info.cols === k && info.rows === dataset.n ? classes : undefined;
    if (info.name === input)
      return { ...info, role: dataset.input, ...(columnNames ? { columnNames } : {}), rowColumns: ['label', 'predicted'] };
    if (info.name === target) {
      if (dataset.labels) return { ...info, role: 'labels', ...(classes && info.cols === 1 ? { rowColumns: ['class'] } : {}) };
      return { ...info, role: 'targets', ...(columnNames ? { columnNames } : {}) };
    }
    return info.name === classSource ? { ...info, role: 'classes' } : info;
  });
}

/** The class names of row i of each of `names` (rowColumns): the true class, the predicted one. */
export function rowColumnValues(
  names: readonly string[],
  file: PipelineResult | null,
  row0: number,
  row1: number,
  labels?: ArrayLike<number>,
): string[][] {
  const a = file?.analysis;
  const classes = file?.dataset?.task === 'classification' ? file.dataset.classes : null;
  return names.map((name) => {
    const out: string[] = [];
    for (let i = row0; i < row1; i++) {
      if (name === 'class' && labels) out.push(className(classes, labels[i]));
      else if (a?.task === 'classification' && i < a.n) out.push(className(classes, name === 'label' ? a.actual[i] : a.predicted[i]));
      else out.push('');
    }
    return out;
  });
}

/** "logits ← scores", "labels ← y_labels.npy", "class names ← classes.txt". */
export function rolesOf(file: PipelineResult | null, classSource: string | null): NpyRoleInfo[] {
  const dataset = file?.dataset;
  if (!dataset) return [];
  const roles: NpyRoleInfo[] = [];
  if (dataset.task === 'network') {
    roles.push({ role: 'network', source: `${dataset.layers.length} Linear layer${dataset.layers.length === 1 ? '' : 's'}` });
    for (const s of dataset.spans) roles.push({ role: s.role, source: s.role });
    return roles;
  }
  const [input, target] = dataset.spans;
  const inputRole = dataset.task === 'regression' ? 'predictions' : dataset.input;
  const targetRole = dataset.task === 'classification' && dataset.labels ? 'labels' : 'targets';
  if (input) roles.push({ role: inputRole, source: input.role });
  if (target) roles.push({ role: targetRole, source: target.role });
  if (dataset.task === 'classification' && dataset.classes && classSource) roles.push({ role: 'class names', source: classSource });
  return roles;
}

/** The analysis in sentences, with the buttons that apply to it. */
export function analysisInfo(file: PipelineResult | null, error: string | null, classSource: string | null): NpyAnalysisInfo {
  const empty: NpyAnalysisInfo = { status: 'pending', lines: [], errors: [], warnings: [], roles: [], actions: [], retry: false };
  if (error) return { ...empty, status: 'failed', errors: [error], retry: true };
  if (!file) return empty;
  const warnings = file.problems.filter((p) => p.severity === 'warning').map((p) => p.message);
  const done = { ...empty, status: 'done' as const, warnings, roles: rolesOf(file, classSource) };
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
