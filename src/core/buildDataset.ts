/**
 * Turns located tensors into a dataset: decides the task from the roles present and checks every
 * value a loss depends on, with messages that name the sample and point at its bytes.
 */
import type { ClassificationData, ClassTargets, RegressionData, RoleSpans } from './dataset';
import type { Located } from './located';
import { rowSpanOf } from './located';
import { labelProblem } from './labelCheck';
import { distributionRowFaults, offSumProblem, outsideUnitProblem, type DistributionRole } from './distributionRows';
import { problem, type Problem } from './problems';
import type { LossChoice } from './loss/lossDataset';
import type { LossSource } from './loss/parse';
import type { LabelNames } from './labelNames';

export interface RoleOptions {
  /** |Σp − 1| allowed for probabilities and soft targets. */
  sumTolerance?: number;
  /** The loss chosen outside the file (CLI flags, the gradientLens.loss setting); see src/core/loss. */
  loss?: LossChoice;
}

export const DEFAULT_SUM_TOLERANCE = 1e-4;

/** A key or column that looks like a misspelt role, for "did you mean" messages. */
export interface NearMiss {
  /** As written in the file. */
  name: string;
  /** The role it probably means; 'labels or targets' when it could be either. */
  role: 'logits' | 'probabilities' | 'predictions' | 'labels' | 'targets' | 'labels or targets';
  span: { start: number; end: number };
}

export interface Roles {
  logits?: Located;
  probabilities?: Located;
  predictions?: Located;
  labels?: Located;
  targets?: Located;
  /** log_softmax outputs, for nll and kl_div. */
  log_probabilities?: Located;
  /** The loss the file names (its top-level "loss", an .npz's `loss` string). */
  loss?: LossSource;
  /** Warnings found while reading the roles (a top-level key the product does not know). */
  warnings?: Problem[];
  /** Errors found while reading one role (a ragged row) that leave the other roles checkable. */
  errors?: Problem[];
  classes?: { names: string[]; span: { start: number; end: number } };
  /** Labels written as class names: `labels`' data waits for the class names (labelNames.ts). */
  labelNames?: LabelNames;
  /** Where to point when a required role is missing. */
  whole: { start: number; end: number };
  /** Which reader produced the roles, so messages name keys or columns as the file does. */
  format?: 'json' | 'csv';
  nearMisses?: NearMiss[];
}

export const MAX_MESSAGES_PER_KIND = 20;

/** Collects problems, capping how many of one kind are listed so a broken 10⁶-row file stays readable. */
export class ProblemSink {
  readonly list: Problem[] = [];
  private readonly counts = new Map<string, number>();
  add(p: Problem): void {
    const c = (this.counts.get(p.code) ?? 0) + 1;
    this.counts.set(p.code, c);
    if (c <= MAX_MESSAGES_PER_KIND) this.list.push(p);
  }
  /** `n` more of kind `code` beyond those added: counted, not listed (a list found a chunk at a time). */
  countMore(code: string, n: number): void {
    this.counts.set(code, (this.counts.get(code) ?? 0) + n);
  }
  get errors(): number {
    return this.list.filter((p) => p.severity === 'error').length;
  }
  summarize(): Problem[] {
    for (const [code, c] of this.counts) {
      if (c > MAX_MESSAGES_PER_KIND) {
        const last = [...this.list].reverse().find((p) => p.code === code)!;
        this.list.push({
          ...last,
          message: `…and ${c - MAX_MESSAGES_PER_KIND} more like this (${c} in all)`,
          more: c - MAX_MESSAGES_PER_KIND,
        });
      }
    }
    return this.list;
  }
}

function spansOf(role: string, t: Located): RoleSpans {
  return { role, spans: t.rowSpans };
}

/** How messages name a tensor: the JSON key in quotes, or the CSV column(s) as csvRoles named them. */
export function tensorNameIn(t: Located, roles: Roles): string {
  return roles.format === 'csv' ? t.name : `"${t.name}"`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function nearMiss(roles: Roles, ...wanted: string[]): NearMiss | undefined {
  return roles.nearMisses?.find((m) => wanted.some((w) => m.role.includes(w)));
}

/** "rename the key "label" to "labels" if that is what it holds". */
export function renameHint(miss: NearMiss, roles: Roles): string {
  const csv = roles.format === 'csv';
  const to =
    miss.role === 'labels or targets'
      ? csv
        ? '"label" (class indices) or target_0… (one-hot or soft rows)'
        : '"labels" (class indices) or "targets" (one-hot or soft rows)'
      : `"${csv ? csvName(miss.role) : miss.role}"`;
  return `rename the ${csv ? 'column' : 'key'} "${miss.name}" to ${to} if that is what it holds`;
}

function csvName(role: NearMiss['role']): string {
  return role === 'logits'
    ? 'logit_0'
    : role === 'probabilities'
      ? 'prob_0'
      : role === 'predictions'
        ? 'prediction'
        : role === 'labels'
          ? 'label'
          : 'target_0';
}

function checkMatrix(t: Located, sink: ProblemSink, roles: Roles): boolean {
  if (t.rows === 0) {
    sink.add(
      problem(
        `${tensorNameIn(t, roles)} is empty (N = 0): there is no sample to analyse; add at least one`,
        t.span.start,
        t.span.end,
        'empty-tensor',
      ),
    );
    return false;
  }
  return true;
}

export function buildClassification(roles: Roles, input: Located, sink: ProblemSink, tolerance: number): ClassificationData | null {
  const kind = input === roles.logits ? 'logits' : 'probabilities';
  if (!checkMatrix(input, sink, roles)) return null;
  const { rows: n, cols: k } = input;
  const csv = roles.format === 'csv';
  if (k === 0) {
    sink.add(
      problem(
        `the samples of ${tensorNameIn(input, roles)} are empty lists (K = 0); each sample needs one ${kind === 'logits' ? 'logit' : 'probability'} per class`,
        input.span.start,
        input.span.end,
        'one-class',
      ),
    );
    return null;
  }
  if (k === 1) {
    const two =
      kind === 'logits'
        ? `a binary classifier with one logit z per sample, write two logits per sample, 0 and z ${csv ? '(columns logit_0 and logit_1)' : '([0, z])'}`
        : `one probability p per sample, write two per sample, 1 − p and p ${csv ? '(columns prob_0 and prob_1)' : '([1 − p, p])'}`;
    const subject = csv
      ? `only one ${kind === 'logits' ? 'logit' : 'probability'} ${input.name} (K = 1)`
      : `"${input.name}" has K = 1 class per sample`;
    sink.add(
      problem(
        `${subject}: a softmax over one class is always 1, so there is no loss to compute; for ${two}`,
        input.span.start,
        input.span.end,
        'one-class',
      ),
    );
    return null;
  }
  const errorsBefore = sink.errors;
  if (kind === 'probabilities') checkDistributionRows(input, sink, tolerance, 'probabilities', roles);

  let target: ClassTargets | null = null;
  const spans: RoleSpans[] = [spansOf(kind, input)];
  if (roles.labels) {
    const l = roles.labels;
    // The rule, stated: labels win over targets (as in network files), and the user is told.
    if (roles.targets)
      sink.add(
        problem(
          `${tensorNameIn(roles.targets, roles)} ${roles.format === 'csv' ? 'are' : 'is'} ignored because ${tensorNameIn(l, roles)} ${roles.format === 'csv' ? 'is' : 'are'} given; keep one of them`,
          roles.targets.span.start,
          roles.targets.span.end,
          'ignored-targets',
          'warning',
        ),
      );
    if (!l.vector && l.cols !== 1) {
      sink.add(
        problem(
          `${tensorNameIn(l, roles)} must be a list of class indices (one per sample), found rows of ${l.cols}; for one-hot or soft rows use "targets"`,
          l.span.start,
          l.span.end,
          'labels-shape',
        ),
      );
      return null;
    }
    if (l.rows !== n) {
      const flat =
        !csv && n === 1 && l.rows === k
          ? `; a flat list of ${kind} is one sample of K = ${k} classes: write one row per sample, [[…], […], …]`
          : '';
      sink.add(
        problem(
          `${tensorNameIn(l, roles)} has ${l.rows} ${l.rows === 1 ? 'entry' : 'entries'} but ${tensorNameIn(input, roles)} has ${plural(n, 'sample')}${flat || '; there must be one label per sample'}`,
          l.span.start,
          l.span.end,
          'shape-mismatch',
        ),
      );
      return null;
    }
    const labels = new Int32Array(n);
    target = { labels, targets: null };
    // "1-based?" only when that would explain every label: none is 0 and one is K.
    const oneBased = !l.data.includes(0);
    for (let i = 0; i < n; i++) {
      const v = l.data[i];
      if (Number.isInteger(v) && v >= 0 && v < k) {
        labels[i] = v;
        continue;
      }
      // Only a bad label needs its span: for CSV, finding it rescans the row.
      const at = l.elementSpan(i, 0);
      const bad = labelProblem(v, i, k, `${k} classes`, oneBased)!;
      sink.add(problem(bad.message, at.start, at.end, bad.code));
    }
    spans.push(spansOf(l.name, l));
  } else if (roles.targets) {
    const t = roles.targets;
    if (t.rows !== n || t.cols !== k || t.vector) {
      if (csv) {
        const message = t.vector
          ? `${t.name} holds one value per sample but there are ${k} classes; name it "label" if it holds class indices, or write one-hot rows in target_0…target_${k - 1}`
          : `there are ${t.cols} target columns but ${k} ${kind === 'logits' ? 'logit' : 'probability'} columns; there must be one target column per class`;
        sink.add(problem(message, t.span.start, t.span.end, 'shape-mismatch'));
      } else {
        const hint = t.vector
          ? '; a list of class indices belongs in "labels"'
          : t.rows === n
            ? '; each target row needs one value per class'
            : '';
        sink.add(
          problem(
            `"${t.name}" has shape ${shape(t)} but "${input.name}" has shape [${n}, ${k}]${hint}`,
            t.span.start,
            t.span.end,
            'shape-mismatch',
          ),
        );
      }
      return null;
    }
    checkDistributionRows(t, sink, tolerance, 'targets', roles);
    target = { labels: null, targets: Float64Array.from(t.data) };
    spans.push(spansOf(t.name, t));
  } else {
    const miss = nearMiss(roles, 'labels', 'targets');
    if (miss)
      sink.add(
        problem(
          `no labels or targets for ${tensorNameIn(input, roles)}, so no loss: ${renameHint(miss, roles)}`,
          miss.span.start,
          miss.span.end,
          'no-targets',
        ),
      );
    else if (csv)
      sink.add(
        problem(
          `the file has ${input.name} but no "label" column (class indices) or target_0…target_${k - 1} columns (one-hot or soft rows); add one to compute a loss`,
          input.span.start,
          input.span.end,
          'no-targets',
        ),
      );
    else
      sink.add(
        problem(
          `"${input.name}" needs "labels" (class indices) or "targets" (one-hot or soft rows) to compute a loss; add one of them to the object`,
          input.span.start,
          input.span.start + 1,
          'no-targets',
        ),
      );
    return null;
  }
  const classes = classNamesFor(roles, k, 'classes', sink);
  if (sink.errors > errorsBefore || !target) return null;
  if (kind === 'logits' && !logitLossIsFinite(input, target, sink)) return null;
  return { task: 'classification', input: kind, n, k, values: input.data, ...target, classes, spans };
}

/**
 * Every finite logit is accepted, but the loss −Σ y (z − logsumexp z) is at most Σ y (max z − z)
 * + log K, which overflows when the logits of one sample are more than ~1.8e308 apart (or when the
 * losses of many such samples add up past it). Those files get a located error, not an Infinity.
 */
function logitLossIsFinite(t: Located, { labels, targets }: ClassTargets, sink: ProblemSink): boolean {
  const { rows: n, cols: k, data } = t;
  const logK = Math.log(k);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const base = i * k;
    let max = -Infinity;
    for (let j = 0; j < k; j++) if (data[base + j] > max) max = data[base + j];
    let bound = 0;
    let ySum = 0;
    if (labels) {
      bound = max - data[base + labels[i]];
      ySum = 1;
    } else
      for (let j = 0; j < k; j++) {
        const y = targets[base + j];
        if (y !== 0) {
          bound += y * (max - data[base + j]);
          ySum += y;
        }
      }
    bound += ySum * logK;
    total += bound;
    if (!Number.isFinite(bound)) {
      const at = rowSpanOf(t, i);
      sink.add(
        problem(
          `the loss of sample ${i} overflows a 64-bit float: its logits are more than 1.8e308 apart; rescale the logits (subtracting the row maximum does not change the softmax)`,
          at.start,
          at.end,
          'loss-overflow',
        ),
      );
      return false;
    }
    if (!Number.isFinite(total)) {
      sink.add(
        problem(
          `the per-sample losses add up past the largest 64-bit float (by sample ${i}), so the total loss overflows; rescale the logits`,
          t.span.start,
          t.span.end,
          'loss-overflow',
        ),
      );
      return false;
    }
  }
  return true;
}

/** Each row must lie in [0, 1] and sum to 1 within the tolerance (distributionRows.ts). */
function checkDistributionRows(t: Located, sink: ProblemSink, tolerance: number, role: DistributionRole, roles: Roles): void {
  const { rows, cols, data } = t;
  const wording = { names: roles.classes?.names.length === cols ? roles.classes.names : null, csv: roles.format === 'csv' };
  for (let i = 0; i < rows; i++)
    distributionRowFaults(
      data,
      i * cols,
      cols,
      tolerance,
      (j, v) => {
        const at = t.elementSpan(i, j);
        sink.add(outsideUnitProblem(role, v, i, j, wording, at.start, at.end));
      },
      (sum) => {
        const at = rowSpanOf(t, i);
        sink.add(offSumProblem(role, i, sum, cols, tolerance, wording, at.start, at.end));
      },
    );
}

export function buildRegression(roles: Roles, predictions: Located, sink: ProblemSink): RegressionData | null {
  if (!checkMatrix(predictions, sink, roles)) return null;
  const t = roles.targets ?? roles.labels;
  const csv = roles.format === 'csv';
  if (!t) {
    const miss = nearMiss(roles, 'targets');
    if (miss)
      sink.add(
        problem(
          `no targets for ${tensorNameIn(predictions, roles)}, so no mean squared error: ${renameHint(miss, roles)}`,
          miss.span.start,
          miss.span.end,
          'no-targets',
        ),
      );
    else if (csv)
      sink.add(
        problem(
          `the file has ${predictions.name} but no ${predictions.vector ? '"target" column' : 'target_0… columns'} to compare with; add ${predictions.vector ? 'one' : 'them'} to compute the mean squared error`,
          predictions.span.start,
          predictions.span.end,
          'no-targets',
        ),
      );
    else
      sink.add(
        problem(
          `"${predictions.name}" needs "targets" of the same shape to compute the mean squared error; add them to the object`,
          predictions.span.start,
          predictions.span.start + 1,
          'no-targets',
        ),
      );
    return null;
  }
  if (t.rows !== predictions.rows || t.cols !== predictions.cols) {
    const message = csv
      ? `there ${t.cols === 1 ? 'is 1 target column' : `are ${t.cols} target columns`} but ${predictions.cols === 1 ? '1 prediction column' : `${predictions.cols} prediction columns`}; there must be one target per prediction`
      : `"${t.name}" has shape ${shape(t)} but "${predictions.name}" has shape ${shape(predictions)}; they must match`;
    sink.add(problem(message, t.span.start, t.span.end, 'shape-mismatch'));
    return null;
  }
  const n = predictions.rows;
  const d = predictions.cols;
  if (!squaredErrorIsFinite(predictions, t, sink)) return null;
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

/** (ŷ − y)² overflows once |ŷ − y| passes ~1.3e154; such files get a located error, not an Infinity loss. */
function squaredErrorIsFinite(p: Located, t: Located, sink: ProblemSink): boolean {
  const { rows: n, cols: d } = p;
  let total = 0;
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0; j < d; j++) {
      const diff = p.data[i * d + j] - t.data[i * d + j];
      sum += diff * diff;
    }
    total += sum / d;
    if (!Number.isFinite(sum)) {
      const at = rowSpanOf(p, i);
      sink.add(
        problem(
          `the squared error of sample ${i} overflows a 64-bit float (|prediction − target| is above 1.3e154); rescale the values`,
          at.start,
          at.end,
          'loss-overflow',
        ),
      );
      return false;
    }
    if (!Number.isFinite(total)) {
      sink.add(
        problem(
          `the total squared error overflows a 64-bit float by sample ${i}; rescale the values`,
          p.span.start,
          p.span.end,
          'loss-overflow',
        ),
      );
      return false;
    }
  }
  return true;
}

function shape(t: Located): string {
  return t.vector ? `[${t.rows}]` : `[${t.rows}, ${t.cols}]`;
}

/** The file's class names when there is one per class (or output); otherwise a warning and none. */
export function classNamesFor(roles: Roles, k: number, unit: 'classes' | 'outputs', sink: ProblemSink): string[] | null {
  const given = roles.classes;
  if (!given) return null;
  if (given.names.length === k) return given.names;
  sink.add(classesCountProblem(given.names.length, k, unit, given.span));
  return null;
}

/** The warning for a "classes" of `count` names where there are k classes (or outputs) at `span`. */
export function classesCountProblem(count: number, k: number, unit: 'classes' | 'outputs', span: { start: number; end: number }): Problem {
  return problem(
    `"classes" has ${count} names but there are ${k} ${unit}; the names are ignored`,
    span.start,
    span.end,
    'classes-count',
    'warning',
  );
}
