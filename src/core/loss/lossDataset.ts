/**
 * Builds the dataset for a named loss (src/core/loss/spec.ts): which tensor it reads, which
 * targets it takes, and the checks its options need (a weight of K entries, a pos_weight of K or
 * 1, targets in [0, 1] for the binary losses, labels equal to ignore_index left out), each with a
 * located message. The softmax and regression checks are buildDataset.ts's own, reused.
 */
import type { ClassificationData, Dataset, RegressionData } from '../dataset';
import type { Located } from '../located';
import { rowSpanOf } from '../located';
import { problem } from '../problems';
import { buildClassification, buildRegression, classNamesFor, tensorNameIn, type ProblemSink, type Roles } from '../buildDataset';
import { checkOption, lossFromValue, type LossSource } from './parse';
import { expSum, firstAboveZero } from './logProbabilityRows';
import { DEFAULT_IGNORE_INDEX, LOSS_INPUTS, isPlainSpec, isRegressionLoss, type LossName, type LossOption, type LossSpec } from './spec';

/** What the user chose outside the file. */
export interface LossChoice {
  /** The CLI's --loss and option flags: they replace the file's name, and its options one by one. */
  override?: { name?: string; options?: Record<string, unknown> };
  /** The gradientLens.loss setting: the loss of a file that names none. */
  fallback?: unknown;
}

type Span = { start: number; end: number };

/**
 * The loss of this file: its own "loss" with the CLI's overrides, else the setting, else null
 * (the product's default, nothing named). Log-probabilities without a loss mean nll (labels) or
 * kl_div (targets). Problems (a bad setting or flag) go to the sink; then the result is 'error'.
 */
export function resolveLoss(roles: Roles, choice: LossChoice | undefined, sink: ProblemSink): LossSource | null | 'error' {
  const whole: Span = { start: roles.whole.start, end: roles.whole.start + 1 };
  let source: LossSource | null = roles.loss ?? null;
  if (!source && choice?.fallback !== undefined && choice.fallback !== null && choice.fallback !== '') {
    const spec = lossFromValue(choice.fallback);
    if (typeof spec === 'string') {
      sink.add(problem(`the setting gradientLens.loss: ${spec}`, whole.start, whole.end, 'loss-setting'));
      return 'error';
    }
    source = { spec, span: whole, options: {} };
  }
  const o = choice?.override;
  if (o && (o.name !== undefined || Object.keys(o.options ?? {}).length > 0)) {
    let spec: LossSpec;
    if (o.name !== undefined) {
      const named = lossFromValue(o.name);
      if (typeof named === 'string') {
        sink.add(problem(`--loss: ${named}`, whole.start, whole.end, 'loss-name'));
        return 'error';
      }
      spec = source && source.spec.name === named.name ? { ...source.spec } : named;
      if (!source || source.spec.name !== named.name) source = { spec, span: whole, options: {} };
    } else spec = { ...(source?.spec ?? { name: defaultName(roles) }) };
    const options = { ...(source?.options ?? {}) };
    for (const [key, value] of Object.entries(o.options ?? {})) {
      const checked = checkOption(spec.name, key, value);
      if ('error' in checked) {
        sink.add(problem(`--${key.replace(/_/g, '-')}: ${checked.error}`, whole.start, whole.end, 'loss-option'));
        return 'error';
      }
      (spec as unknown as Record<string, unknown>)[key] = checked.value;
      delete options[key as LossOption];
    }
    source = { spec, span: source?.span ?? whole, options };
  }
  if (!source && roles.log_probabilities) source = { spec: { name: roles.labels ? 'nll' : 'kl_div' }, span: whole, options: {} };
  return source;
}

function defaultName(roles: Roles): LossName {
  if (roles.log_probabilities) return roles.labels ? 'nll' : 'kl_div';
  if (roles.predictions && !roles.logits && !roles.probabilities) return 'mse';
  return 'cross_entropy';
}

export function buildNamedLossDataset(roles: Roles, source: LossSource, sink: ProblemSink, tolerance: number): Dataset | null {
  const spec = source.spec;
  const inputs = LOSS_INPUTS[spec.name];
  const present = (['logits', 'probabilities', 'log_probabilities', 'predictions'] as const).filter((r) => roles[r]);
  const role = inputs.find((r) => roles[r]);
  if (!role) {
    const has = present.length ? `the file has "${present[0]}"` : 'the file has no input tensor';
    const instead =
      present[0] === 'logits'
        ? '"cross_entropy" or "binary_cross_entropy_with_logits"'
        : present[0] === 'probabilities'
          ? '"cross_entropy" or "binary_cross_entropy"'
          : present[0] === 'log_probabilities'
            ? '"nll" (labels) or "kl_div" (targets)'
            : present[0] === 'predictions'
              ? '"mse", "l1", "smooth_l1" or "huber"'
              : '';
    const at = source.span;
    sink.add(
      problem(
        `${spec.name} takes "${inputs.join('" or "')}", but ${has}${instead ? `; for "${present[0]}" use ${instead}` : ''}`,
        at.start,
        at.end,
        'loss-input',
      ),
    );
    return null;
  }
  if (isRegressionLoss(spec.name)) {
    const data = buildRegression(roles, roles.predictions!, sink);
    // A named mse keeps its name even without options: its reduction "sum" is torch's (all N × D terms),
    // unlike the unnamed default's Σ_i of per-sample means.
    return data ? withLoss(data, spec) : data;
  }
  if (spec.name === 'binary_cross_entropy_with_logits' || spec.name === 'binary_cross_entropy')
    return buildBinary(roles, roles[role]!, role as 'logits' | 'probabilities', source, sink);
  const input = roles[role]!;
  if (role === 'probabilities') {
    // Cross-entropy on probabilities is the product's clipped form; torch's options need logits.
    const option = (['weight', 'label_smoothing'] as const).find((o) => spec[o] !== undefined);
    if (option) {
      const at = source.options[option] ?? source.span;
      sink.add(
        problem(
          `${option} is an option of torch's cross_entropy on logits; this file gives "probabilities": write the logits, or leave ${option} out`,
          at.start,
          at.end,
          'loss-input',
        ),
      );
      return null;
    }
    return buildClassification(roles, input, sink, tolerance);
  }
  if (spec.name === 'nll' && !roles.labels) {
    sink.add(
      problem(
        'nll takes class indices in "labels"; for probability targets use "kl_div"',
        source.span.start,
        source.span.end,
        'loss-targets',
      ),
    );
    return null;
  }
  if (spec.name === 'kl_div' && !roles.targets) {
    sink.add(
      problem(
        'kl_div takes probability "targets" (one row per sample); for class indices use "nll"',
        source.span.start,
        source.span.end,
        'loss-targets',
      ),
    );
    return null;
  }
  // Labels equal to ignore_index are set aside while buildDataset.ts checks the others, then put back.
  const ignore = spec.ignore_index ?? DEFAULT_IGNORE_INDEX;
  const labels = roles.labels;
  let ignored = 0;
  let checkedLabels = labels;
  if (labels && spec.name !== 'kl_div') {
    const data = Float64Array.from(labels.data);
    for (let i = 0; i < data.length; i++) {
      if (data[i] !== ignore) continue;
      data[i] = 0;
      ignored++;
    }
    if (ignored) checkedLabels = { ...labels, data };
  }
  const data = buildClassification({ ...roles, logits: input, probabilities: undefined, labels: checkedLabels }, input, sink, tolerance);
  if (!data) return null;
  if (ignored && data.labels) {
    for (let i = 0; i < data.n; i++) {
      if (labels!.data[i] !== ignore) continue;
      data.labels[i] = ignore; // its target row is all zeros (dataset.ts, denseTargets)
    }
  }
  if (role === 'log_probabilities') {
    data.input = 'log_probabilities';
    if (!logProbabilitiesAreLogs(input, sink)) return null;
    logProbabilitiesNormalized(input, sink, tolerance);
  }
  if (!checkLength(source, 'weight', data.k, 'class', sink)) return null;
  if (data.labels && (spec.reduction ?? 'mean') === 'mean' && ignored === data.n) {
    sink.add(
      problem(
        `every label equals ignore_index ${ignore}, so the mean loss is 0/0 (torch gives nan); keep at least one sample`,
        labels!.span.start,
        labels!.span.end,
        'loss-all-ignored',
      ),
    );
    return null;
  }
  if (data.labels && spec.weight && (spec.reduction ?? 'mean') === 'mean') {
    let total = 0;
    for (let i = 0; i < data.n; i++) if (data.labels[i] !== ignore) total += spec.weight[data.labels[i]];
    if (total === 0) {
      const at = source.options.weight ?? source.span;
      sink.add(
        problem(
          'the weights of the labelled classes sum to 0, so the weighted mean is 0/0 (torch gives nan)',
          at.start,
          at.end,
          'loss-weight',
        ),
      );
      return null;
    }
  }
  if (role === 'logits' && spec.name === 'cross_entropy' && isPlainSpec(spec) && !ignored) return data; // the default kernels
  return withLoss(data, spec);
}

function withLoss<T extends ClassificationData | RegressionData>(data: T, spec: LossSpec): T {
  data.loss = spec;
  return data;
}

/** log p ≤ 0: a positive value is not a log-probability (raw scores belong in "logits"). */
function logProbabilitiesAreLogs(t: Located, sink: ProblemSink): boolean {
  for (let i = 0; i < t.rows; i++) {
    const j = firstAboveZero(t.data, i * t.cols, t.cols);
    if (j < 0) continue;
    const v = t.data[i * t.cols + j];
    const at = t.elementSpan(i, j);
    sink.add(
      problem(
        `log-probability ${v} in sample ${i} (class ${j}) is above 0, so it is not the log of a probability; if these are raw scores, name them "logits" and use cross_entropy`,
        at.start,
        at.end,
        'log-probabilities-range',
      ),
    );
    return false;
  }
  return true;
}

/**
 * Σ exp(log p) = 1 for log_softmax outputs. torch's nll and kl_div do not ask for it, so other rows
 * get a warning, not an error: their loss is torch's, but ∂L/∂z through log_softmax assumes it.
 */
function logProbabilitiesNormalized(t: Located, sink: ProblemSink, tolerance: number): void {
  for (let i = 0; i < t.rows; i++) {
    const sum = expSum(t.data, i * t.cols, t.cols);
    if (Math.abs(sum - 1) <= tolerance) continue;
    const at = rowSpanOf(t, i);
    sink.add(
      problem(
        `the log-probabilities of sample ${i} add up, as probabilities, to ${Number(sum.toPrecision(6))}, not 1: they are not log_softmax outputs; the loss is torch's, but the gradient through log_softmax (logitGradient, the chain rule) assumes they are`,
        at.start,
        at.end,
        'log-probabilities-sum',
        'warning',
      ),
    );
  }
}

/** weight (K) and pos_weight (K, or 1 broadcast): a located error when the length is not K. */
function checkLength(source: LossSource, option: 'weight' | 'pos_weight', k: number, what: string, sink: ProblemSink): boolean {
  const values = source.spec[option];
  if (!values || values.length === k || (option === 'pos_weight' && values.length === 1)) return true;
  const at = source.options[option] ?? source.span;
  const expected = option === 'pos_weight' ? `${k} (one per ${what}) or 1` : `${k}, one per ${what}`;
  sink.add(
    problem(
      `${option} has ${values.length} value${values.length === 1 ? '' : 's'} but there ${k === 1 ? 'is 1 ' + what : `are ${k} ${what === 'class' ? 'classes' : what + 's'}`}; it needs ${expected}`,
      at.start,
      at.end,
      `loss-${option.replace('_', '-')}`,
    ),
  );
  return false;
}

/** A flat list of N scores read as one sample of N: the N × 1 column a binary head means. */
function asColumn(t: Located): Located {
  const rowSpans = new Float64Array(2 * t.cols);
  for (let i = 0; i < t.cols; i++) {
    const s = t.elementSpan(0, i);
    rowSpans[2 * i] = s.start;
    rowSpans[2 * i + 1] = s.end;
  }
  return { ...t, rows: t.cols, cols: 1, vector: true, rowSpans, elementSpan: (i) => t.elementSpan(0, i) };
}

function buildBinary(
  roles: Roles,
  given: Located,
  role: 'logits' | 'probabilities',
  source: LossSource,
  sink: ProblemSink,
): ClassificationData | null {
  const spec = source.spec;
  const target = roles.targets ?? roles.labels;
  const name = (t: Located) => tensorNameIn(t, roles);
  if (given.rows === 0 || given.cols === 0) {
    sink.add(problem(`${name(given)} is empty: there is no output to analyse`, given.span.start, given.span.end, 'empty-tensor'));
    return null;
  }
  if (!target) {
    sink.add(
      problem(
        `${spec.name} needs "targets" (0…1 per output, the same shape as ${name(given)}) to compute a loss; add them to the object`,
        given.span.start,
        given.span.start + 1,
        'no-targets',
      ),
    );
    return null;
  }
  const input =
    given.rows === 1 && !given.vector && target.vector && target.rows === given.cols && given.cols > 1 ? asColumn(given) : given;
  const n = input.rows;
  const k = input.cols;
  if (target.rows !== n || target.data.length !== n * k) {
    const shape = (t: Located) => (t.vector ? `[${t.rows}]` : `[${t.rows}, ${t.cols}]`);
    sink.add(
      problem(
        `${name(target)} has shape ${shape(target)} but ${name(input)} has shape [${n}, ${k}]; ${spec.name} needs one target per output`,
        target.span.start,
        target.span.end,
        'shape-mismatch',
      ),
    );
    return null;
  }
  let bad = 0;
  const inRange = (t: Located, what: string, code: string, hint: string) => {
    for (let i = 0; i < t.rows; i++) {
      for (let j = 0; j < t.cols; j++) {
        const v = t.data[i * t.cols + j];
        if (v >= 0 && v <= 1) continue;
        const at = t.elementSpan(i, j);
        sink.add(
          problem(`${what} ${v} in sample ${i}${t.cols > 1 ? ` (output ${j})` : ''} is outside [0, 1]; ${hint}`, at.start, at.end, code),
        );
        bad++;
      }
    }
  };
  inRange(target, 'target', 'targets-range', `${spec.name} takes targets from 0 to 1`);
  if (role === 'probabilities')
    inRange(
      input,
      'probability',
      'probabilities-range',
      'if these are raw scores, name them "logits" and use binary_cross_entropy_with_logits',
    );
  if (bad) return null;
  if (!checkLength(source, 'weight', k, 'output', sink) || !checkLength(source, 'pos_weight', k, 'output', sink)) return null;
  const classes = classNamesFor(roles, k, 'outputs', sink);
  const spans = [
    { role, spans: input.rowSpans },
    { role: target.name, spans: target.rowSpans },
  ];
  return {
    task: 'classification',
    input: role,
    n,
    k,
    values: input.data,
    targets: Float64Array.from(target.data),
    labels: null,
    classes,
    spans,
    loss: spec,
  };
}
