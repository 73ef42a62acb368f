/**
 * Labels written as class names ("cat"), as scikit-learn's `y` and a DataFrame's label column
 * often are: numbered by the file's class names (a JSON's "classes", or a classes.txt beside the
 * file), so "cat" is the index of "cat" among them, in the order of the logits.
 */
import type { Located } from './located';
import { problem, type Problem } from './problems';
import { clip } from './charNames';
import type { Roles } from './buildDataset';

/** Per-sample names for a labels tensor whose data waits for them to be numbered. */
export interface LabelNames {
  names: string[];
  /** The file may hold its own "classes" (a JSON object), so the hint names it too. */
  classesKey: boolean;
}

/** A labels tensor of names: its data NaN until numberNamedLabels, each sample's place its name's. */
export function namedLabelsLocated(name: string, spans: Float64Array, whole: { start: number; end: number }): Located {
  const n = spans.length / 2;
  return {
    name,
    rows: n,
    cols: 1,
    vector: true,
    data: new Float64Array(n).fill(NaN),
    span: whole,
    rowSpans: spans,
    elementSpan: (i) => ({ start: spans[2 * i], end: spans[2 * i + 1] }),
  };
}

/**
 * roles.labels' data from roles.labelNames and roles.classes (named by `classesFrom`, "classes.txt"
 * or "\"classes\""). A name that is none of the classes, or names with no classes at all, are
 * errors at the label (in roles.errors, so the other roles are still checked); such a label is
 * left 0, which no later check flags.
 */
export function numberNamedLabels(roles: Roles, classesFrom: string | null): void {
  const named = roles.labelNames;
  const labels = roles.labels;
  if (!named || !labels) return;
  const classes = roles.classes?.names ?? [];
  const indexOf = classIndex(classes);
  for (let i = 0; i < labels.rows; i++) {
    const j = indexOf.get(named.names[i].trim());
    labels.data[i] = j ?? 0;
    if (j !== undefined) continue;
    const errors = (roles.errors ??= []);
    if (classes.length === 0) {
      errors.push(noClassesError(named, labels));
      labels.data.fill(0);
      return;
    }
    errors.push(unknownNameError(named.names[i], i, classes, classesFrom ?? 'the class names', labels));
  }
}

/** Each class name's index, trimmed, the first of a name given twice: how a label's name is numbered (the streams too). */
export function classIndex(names: readonly string[]): Map<string, number> {
  const index = new Map<string, number>();
  names.forEach((name, j) => {
    if (!index.has(name.trim())) index.set(name.trim(), j);
  });
  return index;
}

function noClassesError(named: LabelNames, labels: Located): Problem {
  const shown = [...new Set(named.names)].slice(0, 3).map((n) => JSON.stringify(clip(n)));
  const more = new Set(named.names).size > 3 ? ', …' : '';
  const orKey = named.classesKey ? ' (or as "classes": [...] in the file)' : '';
  const { start, end } = labels.elementSpan(0, 0);
  return problem(
    `the labels are class names (${shown.join(', ')}${more}), but no class names are given to number them by: list the classes in the order of the logits in a classes.txt beside the file, one a line${orKey}`,
    start,
    end,
    'label-names',
  );
}

function unknownNameError(name: string, i: number, classes: string[], from: string, labels: Located): Problem {
  // Quoted: a class name may hold a comma ("bird, small").
  const quoted = classes.slice(0, 6).map((c) => JSON.stringify(clip(c)));
  const listed = classes.length > 6 ? `${quoted.join(', ')}, …` : quoted.join(', ');
  const { start, end } = labels.elementSpan(i, 0);
  return problem(
    `label ${JSON.stringify(clip(name))} of sample ${i} is not one of the ${classes.length} class names in ${from} (${listed})`,
    start,
    end,
    'label-names',
  );
}
