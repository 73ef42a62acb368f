/**
 * The roles of named columns: logit_0…logit_{K−1} or prob_0…, with label or target_0…; or
 * prediction,target / prediction_0…,target_0… for regression. One rule for a CSV's header and for
 * a DataFrame written as JSON (jsonTables.ts), so both read the same names the same way.
 */
import { clip } from './charNames';
import { InputError } from './problems';
import type { NearMiss } from './buildDataset';

const GROUPS = [
  { prefix: 'logit', role: 'logits' },
  { prefix: 'prob', role: 'probabilities' },
  { prefix: 'target', role: 'targets' },
  { prefix: 'prediction', role: 'predictions' },
  { prefix: 'logprob', role: 'log_probabilities' }, // nll, kl_div (src/core/loss)
] as const;

export type ColumnRole = (typeof GROUPS)[number]['role'] | 'labels';

/** Columns one role reads, in order; `vector` for a single unnumbered column (label, prediction, target). */
export interface ColumnPick {
  role: ColumnRole;
  cols: number[];
  vector: boolean;
}

export interface ColumnRoles {
  /** Narrowest first: the widest group last (a CSV may build it in the table's own buffer). */
  picks: ColumnPick[];
  nearMisses: NearMiss[];
}

interface Span {
  start: number;
  end: number;
}

const EXPECTED = 'expected logit_0…logit_{K-1} or prob_0… with label or target_0…, or prediction,target';

/**
 * The roles the names give. `where` names the place the names are in messages ("the header",
 * "record 0"). Throws for a name given twice, a numbered group with a gap, and names none of
 * which is logits, probabilities, predictions or log-probabilities (with a guess when one is near).
 */
export function columnRoles(names: readonly string[], spanOf: (c: number) => Span, where: string): ColumnRoles {
  const nearMisses: NearMiss[] = [];
  const seen = new Map<string, number>();
  names.forEach((name, c) => {
    const key = name.trim().toLowerCase();
    if (key === '') return; // unnamed columns are ignored, however many there are
    const previous = seen.get(key);
    if (previous !== undefined) {
      const { start, end } = spanOf(c);
      throw new InputError(
        `column "${clip(name)}" appears twice (columns ${previous + 1} and ${c + 1}); rename or remove one`,
        start,
        end,
        'duplicate-column',
      );
    }
    seen.set(key, c);
    const role = guessColumnRole(key);
    if (role) nearMisses.push({ name, role, span: spanOf(c) });
  });
  const picks: ColumnPick[] = [];
  for (const { prefix, role } of GROUPS) {
    const single = seen.get(prefix);
    const indexed: number[] = [];
    for (let j = 0; seen.has(`${prefix}_${j}`); j++) indexed.push(seen.get(`${prefix}_${j}`)!);
    // Catch gaps such as logit_0, logit_2 (logit_1 missing).
    for (const [name, c] of seen) {
      const m = name.match(new RegExp(`^${prefix}_(\\d+)$`));
      if (m && Number(m[1]) >= indexed.length) {
        const { start, end } = spanOf(c);
        throw new InputError(
          `${where} has "${names[c].trim()}" but no "${prefix}_${indexed.length}"; number the columns ${prefix}_0, ${prefix}_1, … without gaps`,
          start,
          end,
          'missing-column',
        );
      }
    }
    if (indexed.length > 0) picks.push({ role, cols: indexed, vector: false });
    else if (single !== undefined) picks.push({ role, cols: [single], vector: true });
  }
  const label = seen.get('label') ?? seen.get('labels');
  if (label !== undefined) picks.push({ role: 'labels', cols: [label], vector: true });
  picks.sort((a, b) => a.cols.length - b.cols.length);
  if (!picks.some((p) => p.role === 'logits' || p.role === 'probabilities' || p.role === 'predictions' || p.role === 'log_probabilities'))
    throw noPrimaryColumns(names, nearMisses, spanOf, where);
  return { picks, nearMisses };
}

/** True when some name is one columnRoles reads, or one it would guess a role for. */
export function namesAnyColumn(names: readonly string[]): boolean {
  return names.some((name) => {
    const key = name.trim().toLowerCase();
    return (
      key === 'label' ||
      key === 'labels' ||
      GROUPS.some(({ prefix }) => key === prefix || new RegExp(`^${prefix}_\\d+$`).test(key)) ||
      guessColumnRole(key) !== null
    );
  });
}

/** A name for all K values of a sample (`df["logits"] = list(z)`), which to_csv writes as text in one cell. */
const WHOLE_ROW = /^(logits|scores|probabilities|probs|probas?)$/;

function noPrimaryColumns(names: readonly string[], nearMisses: NearMiss[], spanOf: (c: number) => Span, where: string): InputError {
  const miss = nearMisses.find((m) => m.role === 'logits' || m.role === 'probabilities' || m.role === 'predictions');
  if (miss && WHOLE_ROW.test(miss.name.trim().toLowerCase())) {
    const [prefix, matrix] = miss.role === 'logits' ? ['logit', 'z'] : ['prob', 'p'];
    return new InputError(
      `column "${clip(miss.name.trim())}" holds a sample's ${miss.role} in one cell; a table needs one column a class, ${prefix}_0, ${prefix}_1, … (pandas: pd.DataFrame(${matrix}, columns=[f"${prefix}_{j}" for j in range(K)]))`,
      miss.span.start,
      miss.span.end,
      'no-tensor',
    );
  }
  if (miss) {
    const want =
      miss.role === 'logits'
        ? 'logit_0, logit_1, …'
        : miss.role === 'probabilities'
          ? 'prob_0, prob_1, …'
          : 'prediction (or prediction_0, prediction_1, …)';
    return new InputError(
      `unknown column "${clip(miss.name)}": did you mean ${want}? (${EXPECTED})`,
      miss.span.start,
      miss.span.end,
      'no-tensor',
    );
  }
  const shown = names.map((c) => clip(c, 20));
  // pd.DataFrame(clf.predict_proba(X), columns=clf.classes_) with the labels beside: columns named by class.
  const others = names.filter((n) => n.trim() !== '' && !/^labels?$/i.test(n.trim()));
  const byClass =
    others.length >= 2 && others.length < names.length
      ? `; if ${clip(others.slice(0, 3).join(', '), 60)}${others.length > 3 ? ', …' : ''} are the classes' scores, name them logit_0, logit_1, … (prob_0, … for probabilities) in that order, and list the class names in a classes.txt beside the file`
      : '';
  return new InputError(
    `no recognised columns in ${where} (${shown.length > 8 ? shown.slice(0, 8).join(', ') + ', …' : shown.join(', ')})${byClass}; ${EXPECTED}`,
    spanOf(0).start,
    spanOf(names.length - 1).end,
    'no-tensor',
  );
}

/** The role a column that no group claims most likely means ("logits_0", "class", "y_true"), if any. */
function guessColumnRole(key: string): NearMiss['role'] | null {
  if (/^(logits|scores|logit)_?\d+$/.test(key) && !/^logit_\d+$/.test(key)) return 'logits';
  if (/^(logits|scores)$/.test(key)) return 'logits';
  if (/^(probs|probabilities|probability|proba|p)_?\d+$/.test(key) || /^prob\d+$/.test(key)) return 'probabilities';
  if (/^(probabilities|probs|probas?)$/.test(key)) return 'probabilities';
  if (/^(predictions|preds|pred|y_pred|yhat|y_hat)(_?\d+)?$/.test(key)) return 'predictions';
  if (/^(class|classes|class_id|class_index|y|y_true|truth|ground_truth|target_class)$/.test(key)) return 'labels';
  if (/^(targets|y_true)_?\d+$/.test(key) || /^target\d+$/.test(key)) return 'targets';
  return null;
}
