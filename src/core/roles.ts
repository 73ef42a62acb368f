/**
 * Turns located tensors into a dataset: decides the task from the roles present and checks every
 * value a loss depends on, with messages that name the sample and point at its bytes.
 */
import type { ClassificationData, Dataset, RegressionData, RoleSpans } from './dataset';
import type { Located } from './located';
import { rowSpanOf } from './located';
import { problem, type Problem } from './problems';

export interface RoleOptions {
  /** |Σp − 1| allowed for probabilities and soft targets. */
  sumTolerance?: number;
}

export const DEFAULT_SUM_TOLERANCE = 1e-4;

export interface Roles {
  logits?: Located;
  probabilities?: Located;
  predictions?: Located;
  labels?: Located;
  targets?: Located;
  classes?: { names: string[]; span: { start: number; end: number } };
  /** Where to point when a required role is missing. */
  whole: { start: number; end: number };
}

const MAX_MESSAGES_PER_KIND = 20;

/** Collects problems, capping how many of one kind are listed so a broken 10⁶-row file stays readable. */
class ProblemSink {
  readonly list: Problem[] = [];
  private readonly counts = new Map<string, number>();
  add(p: Problem): void {
    const c = (this.counts.get(p.code) ?? 0) + 1;
    this.counts.set(p.code, c);
    if (c <= MAX_MESSAGES_PER_KIND) this.list.push(p);
  }
  get errors(): number {
    return this.list.filter((p) => p.severity === 'error').length;
  }
  summarize(): Problem[] {
    for (const [code, c] of this.counts) {
      if (c > MAX_MESSAGES_PER_KIND) {
        const last = [...this.list].reverse().find((p) => p.code === code)!;
        this.list.push({ ...last, message: `…and ${c - MAX_MESSAGES_PER_KIND} more like this (${c} in all)` });
      }
    }
    return this.list;
  }
}

export function buildDataset(roles: Roles, options: RoleOptions = {}): { dataset: Dataset | null; problems: Problem[] } {
  const sink = new ProblemSink();
  const tolerance = options.sumTolerance ?? DEFAULT_SUM_TOLERANCE;
  let dataset: Dataset | null = null;
  const input = roles.logits ?? roles.probabilities;
  if (input) dataset = buildClassification(roles, input, sink, tolerance);
  else if (roles.predictions) dataset = buildRegression(roles, roles.predictions, sink);
  else sink.add(problem('no tensor to analyse: expected "logits" or "probabilities" (with "labels" or "targets"), or "predictions" with "targets"', roles.whole.start, roles.whole.start + 1, 'no-tensor'));
  const problems = sink.summarize();
  return { dataset: problems.some((p) => p.severity === 'error') ? null : dataset, problems };
}

function spansOf(role: string, t: Located): RoleSpans {
  return { role, spans: t.rowSpans };
}

function checkMatrix(t: Located, sink: ProblemSink, what: string): boolean {
  if (t.rows === 0) {
    sink.add(problem(`"${t.name}" is empty (N = 0): there is no sample to analyse`, t.span.start, t.span.end, 'empty-tensor'));
    return false;
  }
  return true;
}

function buildClassification(roles: Roles, input: Located, sink: ProblemSink, tolerance: number): ClassificationData | null {
  const kind = input === roles.logits ? 'logits' : 'probabilities';
  if (!checkMatrix(input, sink, kind)) return null;
  const { rows: n, cols: k } = input;
  if (k < 2) {
    sink.add(problem(`"${input.name}" has K = ${k} class${k === 1 ? '' : 'es'} per sample; softmax over one class is always 1, so classification needs at least 2 classes`, input.span.start, input.span.end, 'one-class'));
    return null;
  }
  const errorsBefore = sink.errors;
  if (kind === 'probabilities') checkProbabilities(input, sink, tolerance);

  const targets = new Float64Array(n * k);
  let labels: Int32Array | null = null;
  const spans: RoleSpans[] = [spansOf(kind, input)];
  if (roles.labels) {
    const l = roles.labels;
    if (!l.vector && l.cols !== 1) {
      sink.add(problem(`"${l.name}" must be a list of class indices (one per sample); for one-hot or soft rows use "targets"`, l.span.start, l.span.end, 'labels-shape'));
      return null;
    }
    if (l.rows !== n) {
      sink.add(problem(`"${l.name}" has ${l.rows} entries but "${input.name}" has ${n} samples`, l.span.start, l.span.end, 'shape-mismatch'));
      return null;
    }
    labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const v = l.data[i];
      const at = l.elementSpan(i, 0);
      if (!Number.isInteger(v)) sink.add(problem(`label ${v} of sample ${i} is not a whole number; labels are class indices 0…${k - 1}`, at.start, at.end, 'label-not-integer'));
      else if (v < 0 || v >= k) sink.add(problem(`label ${v} of sample ${i} is out of range for ${k} classes (valid: 0…${k - 1})`, at.start, at.end, 'label-range'));
      else {
        labels[i] = v;
        targets[i * k + v] = 1;
      }
    }
    spans.push(spansOf(l.name, l));
  } else if (roles.targets) {
    const t = roles.targets;
    if (t.rows !== n || t.cols !== k || t.vector) {
      const hint = t.vector ? '; a list of class indices belongs in "labels"' : '';
      sink.add(problem(`"${t.name}" has shape ${shape(t)} but "${input.name}" has shape [${n}, ${k}]${hint}`, t.span.start, t.span.end, 'shape-mismatch'));
      return null;
    }
    checkDistributionRows(t, sink, tolerance, 'targets', 'target');
    targets.set(t.data);
    spans.push(spansOf(t.name, t));
  } else {
    sink.add(problem(`"${input.name}" needs "labels" (class indices) or "targets" (one-hot or soft rows) to compute a loss`, input.span.start, input.span.start + 1, 'no-targets'));
    return null;
  }
  let classes: string[] | null = null;
  if (roles.classes) {
    if (roles.classes.names.length === k) classes = roles.classes.names;
    else sink.add(problem(`"classes" has ${roles.classes.names.length} names but there are ${k} classes; the names are ignored`, roles.classes.span.start, roles.classes.span.end, 'classes-count', 'warning'));
  }
  if (sink.errors > errorsBefore) return null;
  return { task: 'classification', input: kind, n, k, values: input.data, targets, labels, classes, spans };
}

function checkProbabilities(t: Located, sink: ProblemSink, tolerance: number): void {
  checkDistributionRows(t, sink, tolerance, 'probabilities', 'probability');
}

/** Each row must lie in [0, 1] and sum to 1 within the tolerance. */
function checkDistributionRows(t: Located, sink: ProblemSink, tolerance: number, plural: string, singular: string): void {
  const { rows, cols, data } = t;
  for (let i = 0; i < rows; i++) {
    let sum = 0;
    let bad = false;
    for (let j = 0; j < cols; j++) {
      const v = data[i * cols + j];
      if (v < 0 || v > 1) {
        const at = t.elementSpan(i, j);
        sink.add(problem(`${singular} ${v} in sample ${i} (class ${j}) is outside [0, 1]`, at.start, at.end, `${plural}-range`));
        bad = true;
      }
      sum += v;
    }
    if (!bad && Math.abs(sum - 1) > tolerance) {
      const at = rowSpanOf(t, i);
      const hint = plural === 'probabilities' ? '; if these are raw scores, name them "logits"' : singular === 'target' && Number.isInteger(sum) && sum > 1 ? ` (a one-hot row has exactly one 1)` : '';
      sink.add(problem(`${plural} in sample ${i} sum to ${round(sum)}, expected 1${hint}`, at.start, at.end, `${plural}-sum`));
    }
  }
}

function buildRegression(roles: Roles, predictions: Located, sink: ProblemSink): RegressionData | null {
  if (!checkMatrix(predictions, sink, 'predictions')) return null;
  const t = roles.targets ?? roles.labels;
  if (!t) {
    sink.add(problem(`"${predictions.name}" needs "targets" of the same shape to compute the mean squared error`, predictions.span.start, predictions.span.start + 1, 'no-targets'));
    return null;
  }
  if (t.rows !== predictions.rows || t.cols !== predictions.cols) {
    sink.add(problem(`"${t.name}" has shape ${shape(t)} but "${predictions.name}" has shape ${shape(predictions)}`, t.span.start, t.span.end, 'shape-mismatch'));
    return null;
  }
  const n = predictions.rows;
  const d = predictions.cols;
  return {
    task: 'regression',
    n,
    d,
    shape: predictions.vector ? [n] : [n, d],
    predictions: predictions.data,
    targets: t.data,
    spans: [spansOf(predictions.name, predictions), spansOf(t.name, t)],
  };
}

function shape(t: Located): string {
  return t.vector ? `[${t.rows}]` : `[${t.rows}, ${t.cols}]`;
}

function round(x: number): string {
  return String(Number(x.toPrecision(6)));
}
