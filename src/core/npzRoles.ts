/**
 * Named arrays (.npz, .safetensors, a .pt dict) → roles → dataset. The arrays are matched to roles
 * by name (exact role names first, then common aliases such as `y_pred` / `y_true`, then by
 * content), and when two arrays could play the same role the match is reported as ambiguous with
 * the choices, so the editor can ask with a quick pick and the CLI can be told with `--role`. A
 * single `.npy` and its sibling files are `npySiblings.ts`.
 *
 * NumPy arrays have no text position: every problem is located at byte 0 and names the array.
 */
import { dtypeName, shapeText } from './arrayDescription';
import { buildWithSiblingClasses, type SiblingSource } from './classNames';
import type { LoadResult } from './dataset';
import { unlocated, type Located } from './located';
import { NpyError, type NpyArray } from './npy';
import { openNpz } from './npz';
import { problem, type Problem } from './problems';
import { DEFAULT_SUM_TOLERANCE, type RoleOptions, type Roles } from './buildDataset';
import { takeNpzLoss } from './loss/npzLoss';
import { metadataLoss } from './loss/metadataLoss';
import { USER_GRADIENT_ARRAYS, userGradientsFromNpz, withUserGradients } from './userGradients';

export const ROLE_NAMES = ['logits', 'probabilities', 'predictions', 'labels', 'targets', 'classes', 'log_probabilities'] as const;
export type RoleName = (typeof ROLE_NAMES)[number];
/** Which array (by its name in the archive) plays which role. */
export type RoleAssignment = Partial<Record<RoleName, string>>;

export interface RoleChoice {
  assignment: RoleAssignment;
  /** "logits ← preds · labels ← y" */
  label: string;
  /** "preds float32 [4, 3] · y int32 [4]" */
  description: string;
}

export type RoleMatch =
  | { kind: 'unique'; assignment: RoleAssignment }
  | {
      kind: 'ambiguous';
      /** Which arrays compete, for the quick pick's title and the error message. */
      question: string;
      /** Every complete assignment that fits, most likely first (at most MAX_CHOICES). */
      choices: RoleChoice[];
    };

export interface MatchOptions {
  sumTolerance?: number;
  /** Roles already decided (by the user); the rest are matched around them. */
  fixed?: RoleAssignment;
}

export interface NumpyLoadOptions extends RoleOptions, SiblingSource {
  /** Array names for roles in an .npz, from the quick pick or `--role`. */
  roleChoice?: RoleAssignment;
  /** Most bytes an .npz may inflate in all (see openNpz's maxBytes). */
  maxArchiveBytes?: number;
  /** The file's bytes are handed over (see readNpy): a .npy's float64 data may be a view of them. */
  bytesHandedOver?: boolean;
}

const INPUT_ROLES = ['logits', 'probabilities', 'predictions', 'log_probabilities'] as const;
const TARGET_ROLES = ['labels', 'targets'] as const;
export type InputRole = (typeof INPUT_ROLES)[number];
type TargetRole = (typeof TARGET_ROLES)[number];
type Slot = 'input' | 'target' | 'classes';

/** Names people give these arrays (lower case). A hint fixes the role; without one, content decides. */
// A Map, not a plain object: an array named "constructor" or "__proto__" must not find a role.
const ALIASES = new Map<string, { slot: Slot; hint?: RoleName }>();
const alias = (slot: Slot, hint: RoleName | undefined, ...names: string[]) => names.forEach((n) => ALIASES.set(n, { slot, hint }));
alias(
  'input',
  undefined,
  'y_pred',
  'ypred',
  'pred',
  'preds',
  'output',
  'outputs',
  'out',
  'score',
  'scores',
  'y_score',
  'y_scores',
  'y_hat',
  'yhat',
  'prediction',
  'predicted',
  'model_output',
  'model_outputs',
);
alias('input', 'logits', 'logit', 'z', 'raw_scores', 'unnormalized');
// log_softmax outputs for nll / kl_div (src/core/loss), as JSON's "log_probabilities" key.
alias('input', 'log_probabilities', 'log_probs', 'log_prob', 'logprobs', 'logprob', 'logp', 'log_p', 'log_softmax', 'logsoftmax');
alias('input', 'probabilities', 'probs', 'prob', 'proba', 'y_prob', 'y_probs', 'y_proba', 'probability', 'softmax', 'p');
alias(
  'target',
  undefined,
  'y',
  'y_true',
  'ytrue',
  'label',
  'target',
  'gt',
  'ground_truth',
  'truth',
  'true',
  'true_labels',
  'y_test',
  'class_ids',
  'class_idx',
  'soft_targets',
  'soft_labels',
  'onehot',
  'one_hot',
  'y_onehot',
);
alias(
  'classes',
  'classes',
  'class_names',
  'classnames',
  'names',
  'label_names',
  'labelnames',
  'categories',
  'class_labels',
  'target_names',
);

const MAX_CHOICES = 24;

/** What matching needs to know about one array, computed lazily. */
export class ArrayFacts {
  readonly lower: string;
  readonly numeric: boolean;
  readonly dims: number;
  readonly rows: number;
  readonly cols: number;
  private intCache: boolean | undefined;
  private distCache: boolean | undefined;
  constructor(
    readonly name: string,
    readonly array: NpyArray,
    private readonly tolerance: number,
  ) {
    this.lower = name.trim().toLowerCase();
    this.numeric = array.kind !== 'string';
    this.dims = array.shape.length;
    this.rows = array.shape[0] ?? 1;
    this.cols = this.dims === 2 ? array.shape[1] : 1;
  }
  /** 1-D, or N × 1. */
  get columnLike(): boolean {
    return this.dims === 1 || (this.dims === 2 && this.cols === 1);
  }
  get matrix(): boolean {
    return this.dims === 2 && this.cols >= 2;
  }
  /** Whole numbers only: int, uint and bool dtypes, or floats that happen to be whole. */
  get intValued(): boolean {
    if (this.intCache === undefined) {
      const k = this.array.kind;
      this.intCache = this.numeric && (k !== 'float' || this.array.data.every((v) => Number.isInteger(v)));
    }
    return this.intCache;
  }
  /** Every row in [0, 1] and summing to 1: probabilities (or one-hot / soft targets). */
  get distributionRows(): boolean {
    if (this.distCache === undefined) {
      this.distCache = false;
      if (this.numeric && this.matrix && this.rows > 0) {
        const { data } = this.array;
        const k = this.cols;
        let ok = true;
        for (let i = 0; ok && i < this.rows; i++) {
          let s = 0;
          for (let j = 0; j < k; j++) {
            const v = data[i * k + j];
            if (!(v >= 0 && v <= 1)) ok = false;
            s += v;
          }
          if (Math.abs(s - 1) > this.tolerance) ok = false;
        }
        this.distCache = ok;
      }
    }
    return this.distCache;
  }
  describe(): string {
    return `${this.name} ${dtypeName(this.array.dtype)} ${shapeText(this.array.shape)}`;
  }
}

/**
 * Matches arrays to roles. Exact role names win (and, as in JSON, logits win over probabilities
 * and labels over targets); then aliases; then content: a 2-D float array is the input (rows in
 * [0, 1] summing to 1 → probabilities, else logits, or predictions when its partner is a
 * same-shaped array of non-distributions) and an array with one entry per sample is its labels
 * (whole numbers) or targets. Two candidates for one slot make the match ambiguous.
 */
export function matchRoles(names: readonly string[], arrays: readonly NpyArray[], options: MatchOptions = {}): RoleMatch {
  const tolerance = options.sumTolerance ?? DEFAULT_SUM_TOLERANCE;
  const facts = names.map((n, i) => new ArrayFacts(n, arrays[i], tolerance));
  const byName = new Map(facts.map((f) => [f.name, f]));
  const fixed = options.fixed ?? {};
  const used = new Set(Object.values(fixed).filter((v): v is string => typeof v === 'string'));
  const free = facts.filter((f) => !used.has(f.name) && !isRunMember(f.name));
  const exact = (role: RoleName) => exactName(free, role);
  /** Candidates for a slot by name: aliases, else names that contain a role word. */
  const byAlias = (pool: ArrayFacts[], slot: Slot, ok: (f: ArrayFacts) => boolean) => {
    const strong = pool.filter((f) => ALIASES.get(f.lower)?.slot === slot && ok(f));
    return strong.length > 0 ? strong : pool.filter((f) => !ALIASES.has(f.lower) && fuzzySlot(f.lower)?.slot === slot && ok(f));
  };
  const named = (f: ArrayFacts) =>
    (ROLE_NAMES as readonly string[]).includes(f.lower) || ALIASES.has(f.lower) || fuzzySlot(f.lower) !== null;
  const hintOf = (f: ArrayFacts) => (ALIASES.get(f.lower) ?? fuzzySlot(f.lower))?.hint;

  // ---- the input: logits, probabilities or predictions ----
  const fixedInput = INPUT_ROLES.find((r) => fixed[r] !== undefined);
  let inputs: { facts: ArrayFacts; role: InputRole | null }[];
  if (fixedInput) inputs = [{ facts: byName.get(fixed[fixedInput]!)!, role: fixedInput }];
  else {
    const exactRole = INPUT_ROLES.find((r) => exact(r));
    if (exactRole) inputs = [{ facts: exact(exactRole)!, role: exactRole }];
    else {
      const candidates = byAlias(free, 'input', (f) => f.numeric && (f.dims === 1 || f.dims === 2));
      if (candidates.length > 0) inputs = candidates.map((f) => ({ facts: f, role: (hintOf(f) as InputRole | undefined) ?? null }));
      else inputs = contentInputs(free.filter((f) => !named(f))).map((f) => ({ facts: f, role: null }));
    }
  }
  inputs = inputs.filter((i) => i.facts !== undefined);

  // ---- for each possible input, its targets; then the classes ----
  const fixedTarget = TARGET_ROLES.find((r) => fixed[r] !== undefined);
  const complete: RoleAssignment[] = [];
  for (const input of inputs.length > 0 ? inputs : [null]) {
    const rest = free.filter((f) => f !== input?.facts);
    let targets: { facts: ArrayFacts; role: TargetRole | null }[];
    if (fixedTarget) targets = [{ facts: byName.get(fixed[fixedTarget]!)!, role: fixedTarget }];
    else {
      const exactRole = TARGET_ROLES.find((r) => exactName(rest, r));
      if (exactRole) targets = [{ facts: exactName(rest, exactRole)!, role: exactRole }];
      else {
        const fits = (f: ArrayFacts) => f.numeric && (!input || fitsInput(input.facts, f));
        const aliasCandidates = byAlias(rest, 'target', fits);
        targets = (aliasCandidates.length > 0 ? aliasCandidates : rest.filter((f) => !named(f) && fits(f) && (!input || f.dims <= 2))).map(
          (f) => ({ facts: f, role: null }),
        );
        // Without an input, an unnamed array is no evidence of a target.
        if (!input && aliasCandidates.length === 0) targets = [];
      }
    }
    for (const target of targets.length > 0 ? targets : [null]) {
      const assignment: RoleAssignment = {};
      const inputRole = input ? (input.role ?? inputRoleByContent(input.facts, target?.facts ?? null)) : null;
      if (input && inputRole) assignment[inputRole] = input.facts.name;
      if (target) assignment[target.role === 'labels' ? 'labels' : targetRole(inputRole, target.facts, target.role)] = target.facts.name;
      const classes =
        fixed.classes ??
        pickClasses(
          rest.filter((f) => f !== target?.facts),
          input?.facts ?? null,
        );
      if (classes) assignment.classes = classes;
      complete.push({ ...fixedRest(fixed), ...assignment });
      if (complete.length >= MAX_CHOICES) break;
    }
    if (complete.length >= MAX_CHOICES) break;
  }
  if (complete.length === 1) return { kind: 'unique', assignment: complete[0] };
  const choices = complete.map((a) => choiceOf(a, byName));
  const contested = contestedArrays(complete);
  return { kind: 'ambiguous', question: contested, choices };
}

/**
 * Members a training-run step file (RUN-FORMAT.md) stores beside the roles: `sample_indices`, the
 * logged `loss` and `grad.<param>`. They are never a role, so content matching must not take
 * them (an int64 `sample_indices` of length N would otherwise pass for the labels).
 */
export function isRunMember(name: string): boolean {
  return name === 'sample_indices' || name === 'loss' || name.startsWith('grad.');
}

/**
 * The array named `role`: exactly (NumPy's `np.load(f)["logits"]` is exact-case), else the one
 * array whose name differs only in case or surrounding spaces; two such ("Logits", "LOGITS") are
 * left to the aliases and content, which then ask.
 */
function exactName(pool: ArrayFacts[], role: string): ArrayFacts | undefined {
  const exact = pool.find((f) => f.name === role);
  if (exact) return exact;
  const folded = pool.filter((f) => f.lower === role);
  return folded.length === 1 ? folded[0] : undefined;
}

function fixedRest(fixed: RoleAssignment): RoleAssignment {
  const out: RoleAssignment = {};
  for (const r of ROLE_NAMES) if (fixed[r] !== undefined) out[r] = fixed[r];
  return out;
}

/** Unnamed 2-D float arrays that could be the input; of a pair, the one that is not a distribution. */
function contentInputs(unnamed: ArrayFacts[]): ArrayFacts[] {
  const candidates = unnamed.filter((f) => f.numeric && f.matrix && f.array.kind === 'float');
  if (candidates.length === 2) {
    const [a, b] = candidates;
    const sameShape = a.rows === b.rows && a.cols === b.cols;
    // Logits beside one-hot / soft targets: the non-distribution is the input.
    if (sameShape && a.distributionRows !== b.distributionRows) return [a.distributionRows ? b : a];
  }
  return candidates;
}

/** Whether `t` can be the labels or targets of `input`. */
export function fitsInput(input: ArrayFacts, t: ArrayFacts): boolean {
  if (t.rows !== input.rows || t.dims === 0 || t.dims > 2) return false;
  if (input.matrix) return (t.columnLike && t.intValued) || (t.dims === 2 && t.cols === input.cols);
  return t.dims === input.dims && t.cols === input.cols;
}

export function inputRoleByContent(input: ArrayFacts, target: ArrayFacts | null): InputRole {
  if (!input.matrix) return 'predictions';
  if (input.distributionRows) return 'probabilities';
  // Same-shaped partner that is neither class indices nor distributions: a regression.
  if (target && target.dims === 2 && target.cols === input.cols && !target.distributionRows) return 'predictions';
  return 'logits';
}

export function targetRole(inputRole: InputRole | null, t: ArrayFacts, named: TargetRole | null): TargetRole {
  if (inputRole === 'predictions') return 'targets';
  // PyTorch's `target` of class indices: a column of whole numbers next to logits is labels.
  if (t.columnLike && t.intValued) return 'labels';
  return named ?? 'targets';
}

function pickClasses(rest: ArrayFacts[], input: ArrayFacts | null): string | undefined {
  const exact = exactName(rest, 'classes');
  if (exact) return exact.name;
  const aliased = rest.filter((f) => ALIASES.get(f.lower)?.slot === 'classes' && f.dims === 1);
  if (aliased.length === 1) return aliased[0].name;
  // A list of strings, one per class, named like classes or not named like anything else.
  const strings = rest.filter(
    (f) =>
      !f.numeric &&
      f.dims === 1 &&
      !ALIASES.has(f.lower) &&
      (fuzzySlot(f.lower) ?? { slot: 'classes' }).slot === 'classes' &&
      (!input || f.rows === input.cols),
  );
  return strings.length === 1 ? strings[0].name : undefined;
}

/** A role word inside a longer name: "val_logits", "train_labels", "class_names_v2". */
function fuzzySlot(lower: string): { slot: Slot; hint?: RoleName } | null {
  if (/logit/.test(lower)) return { slot: 'input', hint: 'logits' };
  if (/log_?prob|log_?softmax/.test(lower)) return { slot: 'input', hint: 'log_probabilities' };
  if (/prob/.test(lower)) return { slot: 'input', hint: 'probabilities' };
  if (/pred|output|score/.test(lower)) return { slot: 'input' };
  if (/label|target|(^|_)y(_|$)/.test(lower)) return { slot: 'target' };
  if (/class|categor/.test(lower)) return { slot: 'classes' };
  return null;
}

function choiceOf(assignment: RoleAssignment, byName: Map<string, ArrayFacts>): RoleChoice {
  const roles = ROLE_NAMES.filter((r) => assignment[r] !== undefined && r !== 'classes');
  return {
    assignment,
    label: roles.map((r) => `${r} ← ${assignment[r]}`).join(' · '),
    description: roles.map((r) => byName.get(assignment[r]!)?.describe() ?? assignment[r]).join(' · '),
  };
}

/** "preds" and "scores" could both be the logits; … */
function contestedArrays(choices: RoleAssignment[]): string {
  const parts: string[] = [];
  for (const role of ROLE_NAMES) {
    const options = [...new Set(choices.map((c) => c[role]).filter((v): v is string => v !== undefined))];
    if (options.length > 1) parts.push(`${quoteList(options)} could each be the ${role}`);
  }
  if (parts.length === 0) {
    const arrays = [...new Set(choices.flatMap((c) => Object.values(c)))];
    parts.push(`the arrays ${quoteList(arrays)} can be read in more than one way`);
  }
  return parts.join('; ');
}

function quoteList(names: string[]): string {
  const q = names.map((n) => `"${n}"`);
  return q.length <= 2 ? q.join(' and ') : `${q.slice(0, -1).join(', ')} and ${q[q.length - 1]}`;
}

// ---------------------------------------------------------------------------------------------
// Loaders

/** An .npz archive: read, match roles (or use `roleChoice`), build the dataset. */
export function loadNpzFile(bytes: Uint8Array, fileName: string, options: NumpyLoadOptions = {}): LoadResult {
  // Members are inflated when first used (openNpz): a damaged member fails wherever it is read.
  try {
    return loadNamedArrays(openNpz(bytes, baseName(fileName), { maxBytes: options.maxArchiveBytes }), baseName(fileName), options);
  } catch (e) {
    if (e instanceof NpyError) return fail(e.message, 'npz');
    throw e;
  }
}

/**
 * Named arrays (an .npz, a .safetensors, a .pt dict) → roles → dataset, as for an .npz. `metadata`
 * (safetensors `__metadata__`) may name the loss when no string array `loss` does.
 */
export function loadNamedArrays(
  arrays: Map<string, NpyArray>,
  file: string,
  options: NumpyLoadOptions = {},
  metadata?: ReadonlyMap<string, string>,
): LoadResult {
  let named = takeNpzLoss(arrays, file);
  if (!named.source && !named.error) named = metadataLoss(metadata, file);
  if (named.error) return fail(named.error, 'loss-name');
  // The user's own derivatives (dinputs, jacobian…) play no role; they are checked against it.
  const names = [...arrays.keys()].filter((n) => !USER_GRADIENT_ARRAYS.includes(n));
  const list = names.map((n) => arrays.get(n)!);
  const inventory = names.length ? names.map((n) => new ArrayFacts(n, arrays.get(n)!, 0).describe()).join(', ') : 'none';
  const choice = options.roleChoice ?? {};
  for (const role of Object.keys(choice)) {
    const name = choice[role as RoleName];
    if (!(ROLE_NAMES as readonly string[]).includes(role))
      return fail(`"${role}" is not a role; roles are ${ROLE_NAMES.join(', ')}`, 'role-choice');
    if (name !== undefined && !arrays.has(name))
      return fail(`${file} has no array "${name}" (for the ${role}); its arrays: ${inventory}`, 'role-choice');
  }
  const match = matchRoles(names, list, { sumTolerance: options.sumTolerance, fixed: choice });
  if (match.kind === 'ambiguous') {
    const example = match.choices[0].assignment;
    const flag = ROLE_NAMES.filter((r) => r !== 'classes' && example[r] !== undefined)
      .map((r) => `--role ${r}=${example[r]}`)
      .join(' ');
    return fail(
      `${file}: ${match.question}; choose which (in VS Code a quick pick asks; on the command line add e.g. ${flag}, or rename the arrays)`,
      'ambiguous-roles',
    );
  }
  const a = match.assignment;
  if (!INPUT_ROLES.some((r) => a[r] !== undefined)) {
    return fail(
      `${file} has no array to analyse: name the model's outputs "logits" (or "probabilities", or "predictions" for regression) and the answers "labels" or "targets", e.g. np.savez(path, logits=..., labels=...). Its arrays: ${inventory}`,
      'no-tensor',
    );
  }
  const problems: Problem[] = [];
  // Labels win over targets, as in JSON, CSV and network files; say so rather than drop them silently.
  const assigned = new Set(Object.values(a));
  const unusedTargets = a.labels !== undefined ? names.find((n) => n.trim().toLowerCase() === 'targets' && !assigned.has(n)) : undefined;
  if (unusedTargets !== undefined)
    problems.push(
      problem(
        `array "${unusedTargets}" in ${file} is ignored because "${a.labels}" gives the labels; keep one of them`,
        0,
        0,
        'ignored-targets',
        'warning',
      ),
    );
  const roles: Roles = { whole: { start: 0, end: 0 }, loss: named.source };
  for (const role of ROLE_NAMES) {
    const name = a[role];
    if (name === undefined) continue;
    const array = arrays.get(name)!;
    if (role === 'classes') {
      const names = classNamesOf(array);
      if (names) roles.classes = { names, span: { start: 0, end: 0 } };
      else
        problems.push(
          problem(
            `array "${name}" in ${file} should hold class names (strings), but it has shape ${shapeText(array.shape)}; the names are ignored`,
            0,
            0,
            'classes',
            'warning',
          ),
        );
      continue;
    }
    const located = locate(name, `array "${name}" in ${file}`, array, role, problems);
    if (located) roles[role] = located;
  }
  return withUserGradients(finish(roles, problems, options), userGradientsFromNpz(arrays));
}

export function finish(roles: Roles, problems: Problem[], options: NumpyLoadOptions): LoadResult {
  if (problems.some((p) => p.severity === 'error')) return { dataset: null, problems };
  const built = buildWithSiblingClasses(roles, options);
  return { dataset: built.dataset, problems: problems.concat(built.problems) };
}

/**
 * An array as a Located tensor for `role`, or null after adding a problem that names it: strings
 * where numbers belong, a shape the role cannot have, or a NaN / infinity.
 */
export function locate(
  name: string,
  what: string,
  array: NpyArray,
  role: Exclude<RoleName, 'classes'>,
  problems: Problem[],
): Located | null {
  const shape = array.shape;
  if (array.kind === 'string') {
    problems.push(problem(`${what} holds strings (dtype ${array.dtype}) but the ${role} must be numbers`, 0, 0, 'npy-strings'));
    return null;
  }
  const dims = shape.length;
  const matrixRole = role === 'logits' || role === 'probabilities' || role === 'log_probabilities';
  if (dims === 0 || dims > 2 || (matrixRole && dims !== 2)) {
    const expected = matrixRole
      ? '(N, K): one row of K class scores per sample'
      : role === 'labels'
        ? '(N,): one class index per sample'
        : '(N,) or (N, K)';
    problems.push(problem(`${what} has shape ${shapeText(shape)}, but the ${role} must have shape ${expected}`, 0, 0, 'npy-shape'));
    return null;
  }
  const data = array.data;
  const rows = shape[0];
  const cols = dims === 2 ? shape[1] : 1;
  let bad = 0;
  for (let i = 0; i < data.length; i++) {
    if (Number.isFinite(data[i])) continue;
    if (bad < 5) {
      const at = dims === 2 ? `[${Math.floor(i / cols)}, ${i % cols}]` : `[${i}]`;
      problems.push(
        problem(
          `${what}: element ${at} (sample ${dims === 2 ? Math.floor(i / cols) : i}) is ${data[i]}; the ${role} must be finite numbers`,
          0,
          0,
          'non-finite',
        ),
      );
    }
    bad++;
  }
  if (bad > 5) problems.push(problem(`${what}: …and ${bad - 5} more non-finite values (${bad} in all)`, 0, 0, 'non-finite'));
  if (bad > 0) return null;
  return unlocated(name, data, rows, cols, dims === 1);
}

function classNamesOf(array: NpyArray): string[] | null {
  if (array.shape.length !== 1) return null;
  if (array.strings) return array.strings;
  return Array.from(array.data, (v) => String(v));
}

export function fail(message: string, code: string): LoadResult {
  return { dataset: null, problems: [problem(message, 0, 0, code)] };
}

export function baseName(fileName: string): string {
  return fileName.slice(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
}
