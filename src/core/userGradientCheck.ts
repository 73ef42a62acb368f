/**
 * "Is my gradient right?": each of the user's derivative entries against the exact value,
 * |given − exact| ≤ atol + rtol·|exact| (rtol applied to the size of the terms where the formula
 * cancels, see ExactTensor.scale), with a located message per wrong entry and, when the whole
 * tensor equals a known wrong formula, the mistake in words.
 */
import type { Dataset } from './dataset';
import { checkContext, exactFor, type CheckContext, type ExactTensor } from './exactGradients';
import { mistakesFor, type Mistake } from './gradientMistakes';
import type { Reduction } from './losses';
import { problem, type Problem } from './problems';
import type { UserGradientKind, UserGradients, UserTensor } from './userGradients';

export const DEFAULT_CHECK_RTOL = 1e-5;
export const DEFAULT_CHECK_ATOL = 1e-8;
/** Wrong entries given a message and a position; the rest are counted. */
export const MAX_WRONG_LISTED = 1000;

export interface UserCheckOptions {
  reduction?: Reduction;
  epsilon?: number;
  rtol?: number;
  atol?: number;
}

export interface CheckedTensor {
  kind: UserGradientKind;
  name: string;
  format: UserTensor['format'];
  columns?: string[];
  shape: number[];
  given: Float64Array;
  /** Same length as `given` when the shapes agree, else null. */
  expected: Float64Array | null;
  spans: Float64Array | null;
  span: { start: number; end: number };
  quantity: string;
  formula: string;
  constants: string;
  paramNames: string[];
  params: Float64Array;
  entries: number;
  wrong: number;
  /** Largest |given − exact| / |exact| (Infinity where exact is 0 and given is not). */
  worstRelative: number;
  worstIndex: number;
  /** The classic mistake the whole tensor matches, in words, or null. */
  diagnosis: string | null;
  /** Why it could not be compared entry by entry (shape), or null. */
  unchecked: string | null;
  /** 1 for each entry outside the tolerance (null when not compared). */
  wrongMask: Uint8Array | null;
}

export interface WrongEntry {
  tensor: number;
  index: number;
  start: number;
  end: number;
  given: number;
  expected: number;
  relative: number;
  message: string;
}

export interface UserGradientReport {
  reduction: Reduction;
  rtol: number;
  atol: number;
  tensors: CheckedTensor[];
  /** The first MAX_WRONG_LISTED wrong entries, in file order per tensor. */
  wrong: WrongEntry[];
  entries: number;
  wrongEntries: number;
  worstRelative: number;
  /** One error per listed wrong entry and per tensor that could not be compared. */
  problems: Problem[];
}

export function checkUserGradients(dataset: Dataset, user: UserGradients, options: UserCheckOptions = {}): UserGradientReport {
  const reduction = user.reduction ?? options.reduction ?? 'mean';
  const rtol = options.rtol ?? DEFAULT_CHECK_RTOL;
  const atol = options.atol ?? DEFAULT_CHECK_ATOL;
  const ctx = checkContext(dataset, reduction, options.epsilon);
  const report: UserGradientReport = {
    reduction,
    rtol,
    atol,
    tensors: [],
    wrong: [],
    entries: 0,
    wrongEntries: 0,
    worstRelative: 0,
    problems: [],
  };
  for (const t of user.tensors) {
    const checked = checkTensor(t, ctx, rtol, atol, report);
    report.tensors.push(checked);
    report.entries += checked.entries;
    report.wrongEntries += checked.wrong;
    report.worstRelative = Math.max(report.worstRelative, checked.worstRelative);
  }
  return report;
}

function checkTensor(t: UserTensor, ctx: CheckContext, rtol: number, atol: number, report: UserGradientReport): CheckedTensor {
  const exact = exactFor(t, ctx);
  const base = {
    kind: t.kind,
    name: t.name,
    format: t.format,
    columns: t.columns,
    shape: t.shape,
    given: t.data,
    spans: t.spans,
    span: t.span,
    entries: t.data.length,
  };
  const tensorIndex = report.tensors.length;
  // A tensor that cannot be compared is not verified: it counts as wrong (one entry at least).
  const all = Math.max(1, t.data.length);
  if (typeof exact === 'string') {
    report.problems.push(problem(exact, t.span.start, t.span.end, 'gradient-unchecked'));
    return {
      ...base,
      entries: all,
      expected: null,
      quantity: '',
      formula: '',
      constants: '',
      paramNames: [],
      params: new Float64Array(0),
      wrong: all,
      worstRelative: Infinity,
      worstIndex: -1,
      diagnosis: null,
      unchecked: exact,
      wrongMask: null,
    };
  }
  const described = {
    quantity: exact.quantity,
    formula: exact.formula,
    constants: exact.constants,
    paramNames: exact.paramNames,
    params: exact.params,
  };
  if (!sameShape(t.shape, exact.shape)) {
    const mistake = diagnose(t, exact, ctx, rtol, atol);
    const why = `${quoted(t)} has shape ${shapeText(t.shape)} but ${exact.quantity} has shape ${shapeText(exact.shape)}${mistake ? `: ${mistake}` : ''}`;
    report.problems.push(problem(why, t.span.start, t.span.end, 'gradient-shape'));
    return {
      ...base,
      ...described,
      entries: all,
      expected: null,
      wrong: all,
      worstRelative: Infinity,
      worstIndex: -1,
      diagnosis: mistake,
      unchecked: why,
      wrongMask: null,
    };
  }
  const checked: CheckedTensor = {
    ...base,
    ...described,
    expected: exact.values,
    wrong: 0,
    worstRelative: 0,
    worstIndex: -1,
    diagnosis: null,
    unchecked: null,
    wrongMask: new Uint8Array(t.data.length),
  };
  const firstWrong: number[] = [];
  for (let i = 0; i < t.data.length; i++) {
    const g = t.data[i];
    const e = exact.values[i];
    const diff = Math.abs(g - e);
    const relative = diff === 0 ? 0 : e === 0 ? Infinity : diff / Math.abs(e);
    if (relative > checked.worstRelative) {
      checked.worstRelative = relative;
      checked.worstIndex = i;
    }
    if (within(g, e, exact.scale ? exact.scale[i] : Math.abs(e), rtol, atol)) continue;
    checked.wrong++;
    checked.wrongMask![i] = 1;
    if (firstWrong.length < MAX_WRONG_LISTED) firstWrong.push(i);
  }
  if (checked.wrong > 0) checked.diagnosis = diagnose(t, exact, ctx, rtol, atol);
  for (const i of firstWrong) {
    if (report.wrong.length >= MAX_WRONG_LISTED) break;
    const at = t.spans ? { start: t.spans[2 * i], end: t.spans[2 * i + 1] } : t.span;
    const entry: WrongEntry = {
      tensor: tensorIndex,
      index: i,
      start: at.start,
      end: at.end,
      given: t.data[i],
      expected: exact.values[i],
      relative: 0,
      message: '',
    };
    const diff = Math.abs(entry.given - entry.expected);
    entry.relative = entry.expected === 0 ? Infinity : diff / Math.abs(entry.expected);
    entry.message = wrongEntryMessage(checked, i);
    report.wrong.push(entry);
    report.problems.push(problem(entry.message, at.start, at.end, 'gradient-mismatch'));
  }
  return checked;
}

function within(given: number, exact: number, scale: number, rtol: number, atol: number): boolean {
  if (given === exact) return true; // also ±Infinity where the exact value is infinite
  return Math.abs(given - exact) <= atol + rtol * Math.max(Math.abs(exact), scale);
}

/** The first mistake whose tensor the user's equals everywhere (and the exact one does not). */
function diagnose(t: UserTensor, exact: ExactTensor, ctx: CheckContext, rtol: number, atol: number): string | null {
  const fits = (m: Mistake) => {
    if (!sameShape(t.shape, m.shape) || m.shape.reduce((a, b) => a * b, 1) !== t.data.length) return false;
    let distinguishable = !sameShape(m.shape, exact.shape);
    for (let i = 0; i < t.data.length; i++) {
      const v = m.value(i);
      if (!within(t.data[i], v, m.scale ? m.scale(i) : Math.abs(v), rtol, atol)) return false;
      if (!distinguishable && !within(v, exact.values[i], exact.scale ? exact.scale[i] : Math.abs(exact.values[i]), rtol, atol))
        distinguishable = true;
    }
    return distinguishable;
  };
  for (const m of mistakesFor(t, exact, ctx)) if (fits(m)) return m.words;
  return null;
}

/** Shapes agree up to axes of length 1 (a flat list for one sample, nnfs's (1, K) dbiases). */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  const sa = a.filter((d) => d !== 1);
  const sb = b.filter((d) => d !== 1);
  if (a.includes(0) || b.includes(0)) return a.reduce((x, y) => x * y, 1) === 0 && b.reduce((x, y) => x * y, 1) === 0;
  return sa.length === sb.length && sa.every((d, i) => d === sb[i]);
}

// ---- words ------------------------------------------------------------------------------------

/** "dinputs[3][2] is 0.0711 but ∂L/∂z is 0.0211 ((p − y)/N with p = 0.127, y = 0, N = 6)". */
export function wrongEntryMessage(t: CheckedTensor, i: number): string {
  const [g, e] = distinct(t.given[i], t.expected![i]);
  return `${entryName(t, i)} is ${g} but ${t.quantity} is ${e} (${entryFormula(t, i)})`;
}

/** "(p − y)/N with p = 0.127, y = 0, N = 6". */
export function entryFormula(t: CheckedTensor, i: number): string {
  const m = t.paramNames.length;
  const params = t.paramNames.map((name, j) => `${name} = ${num(t.params[i * m + j])}`);
  const all = [...params, ...(t.constants ? [t.constants] : [])];
  return all.length ? `${t.formula} with ${all.join(', ')}` : t.formula;
}

/** "dinputs[3][2]", "layer 1 dweights[0][1]", "dinput_2 of sample 3". */
export function entryName(t: Pick<CheckedTensor, 'name' | 'shape' | 'format' | 'columns'>, i: number): string {
  if (t.format === 'csv' && t.columns) {
    const k = t.columns.length;
    return `${t.columns[i % k]} of sample ${Math.floor(i / k)}`;
  }
  const idx: number[] = [];
  let rest = i;
  for (let a = t.shape.length - 1; a >= 0; a--) {
    idx.unshift(rest % t.shape[a]);
    rest = Math.floor(rest / t.shape[a]);
  }
  return t.name + idx.map((x) => `[${x}]`).join('');
}

function quoted(t: UserTensor): string {
  return t.format === 'csv' ? `${t.columns && t.columns.length === 1 ? 'column' : 'columns'} ${t.name}` : `"${t.name}"`;
}

export function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** Three significant digits, as the messages show numbers. */
export function num(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return String(Number(x.toPrecision(3)));
}

/** Both numbers with the fewest digits (3 or more) that still tell them apart. */
export function distinct(a: number, b: number): [string, string] {
  for (let d = 3; d <= 17; d++) {
    const x = Number.isFinite(a) ? String(Number(a.toPrecision(d))) : String(a);
    const y = Number.isFinite(b) ? String(Number(b.toPrecision(d))) : String(b);
    if (x !== y || d === 17) return [x, y];
  }
  return [String(a), String(b)];
}

/** One line for the whole check: "24 entries match" or "3 of 24 entries differ …". */
export function reportSummary(r: UserGradientReport): string {
  const tol = `rtol ${r.rtol.toExponential()}, atol ${r.atol.toExponential()}`;
  if (r.wrongEntries === 0) {
    const names = r.tensors
      .filter((t) => !t.unchecked)
      .map((t) => t.name)
      .join(', ');
    return `gradient check: all ${r.entries} entries of ${names || 'nothing'} match (${tol}, reduction ${r.reduction})`;
  }
  const worst =
    r.worstRelative === Infinity ? 'infinite (an exact 0 given as non-zero, or a tensor not compared)' : r.worstRelative.toExponential(2);
  const parts = [
    `gradient check: ${r.wrongEntries} of ${r.entries} entries differ (${tol}, reduction ${r.reduction}); worst relative error ${worst}`,
  ];
  for (const t of r.tensors) {
    if (t.wrong === 0) continue;
    if (t.diagnosis) parts.push(`${t.name}: ${t.diagnosis}`);
    else if (t.unchecked)
      parts.push(`${t.name}: not compared (${t.unchecked.length > 100 ? t.unchecked.slice(0, 100) + '…' : t.unchecked})`);
    else if (!t.unchecked) {
      const listed = r.wrong
        .filter((w) => r.tensors[w.tensor] === t)
        .slice(0, 5)
        .map((w) => entryName(t, w.index));
      const more = t.wrong > listed.length ? `, … (${t.wrong} in all)` : '';
      parts.push(
        `${t.name}: ${t.wrong === t.entries ? 'every entry differs' : `${t.wrong} of ${t.entries} entries differ`}: ${listed.join(', ')}${more}`,
      );
    }
  }
  return parts.join('\n');
}
