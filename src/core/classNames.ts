/**
 * Class names from a file beside the data file (`classes.txt`, else `labels.txt`; one name per
 * line), for any format whose file has no `classes` of its own. Siblings are read through a
 * callback so the core never touches a file system: the CLI reads from disk, the extension from
 * the workspace file system (pre-read, so the bytes can cross into a worker thread).
 */
import type { LoadResult, NetworkData } from './dataset';
import { problem, type Problem } from './problems';
import { buildDataset } from './datasetFromRoles';
import { classesCountProblem, type RoleOptions, type Roles } from './buildDataset';
// Above MAX_CLASS_FILE_BYTES a "classes.txt" is not a list of class names; readers check it first.
import { MAX_CLASS_FILE_BYTES } from './limits';
import { numberNamedLabels } from './labelNames';

/** Reads a file in the data file's folder by base name ("classes.txt"); null when there is none. */
export type ReadSibling = (name: string) => Uint8Array | null;

/** How a loader is given sibling files: a callback, or the bytes already read (by base name). */
export interface SiblingSource {
  readSibling?: ReadSibling;
  /** Plain data, for callers that cannot pass a function (worker threads, postMessage). */
  siblings?: Record<string, Uint8Array | null>;
}

/** Looked for in this order; the first whose line count equals the number of classes is used. */
export const CLASS_NAME_FILES = ['classes.txt', 'labels.txt'] as const;

export function siblingReader(source: SiblingSource): ReadSibling {
  const { readSibling, siblings } = source;
  if (readSibling) {
    const cache = new Map<string, Uint8Array | null>();
    return (name) => {
      if (!cache.has(name)) {
        let bytes: Uint8Array | null = null;
        try {
          bytes = readSibling(name);
        } catch {
          bytes = null;
        }
        cache.set(name, bytes);
      }
      return cache.get(name)!;
    };
  }
  if (siblings) return (name) => (Object.prototype.hasOwnProperty.call(siblings, name) ? (siblings[name] ?? null) : null);
  return () => null;
}

/**
 * One class name per line: UTF-8 (a byte-order mark is dropped), LF, CRLF or CR line ends, each
 * name trimmed, blank lines at the end dropped. A blank line inside the list keeps its place and
 * is named by its index, so the names stay aligned with the classes.
 */
export function parseClassNames(bytes: Uint8Array): string[] {
  let text = new TextDecoder('utf-8').decode(bytes);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text.split(/\r\n|\r|\n/).map((l) => l.trim());
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.map((l, i) => (l === '' ? String(i) : l));
}

export interface SiblingClasses {
  names: string[] | null;
  /** The file the names came from. */
  file: string | null;
  problems: Problem[];
}

/**
 * Names for `k` classes from classes.txt or labels.txt. A classes.txt with the wrong count is
 * reported as a warning (it is surely meant as class names); a labels.txt with the wrong count is
 * passed over silently, since many projects keep per-sample labels in a file of that name.
 */
export function siblingClassNames(k: number, read: ReadSibling): SiblingClasses {
  const problems: Problem[] = [];
  for (const file of CLASS_NAME_FILES) {
    const bytes = read(file);
    if (!bytes) continue;
    if (bytes.length > MAX_CLASS_FILE_BYTES || bytes.includes(0)) {
      if (file === 'classes.txt')
        problems.push(
          problem(`classes.txt beside this file is not a text list of class names; it is ignored`, 0, 0, 'classes-file', 'warning'),
        );
      continue;
    }
    const names = parseClassNames(bytes);
    if (names.length === k) return { names, file, problems };
    if (file === 'classes.txt') {
      problems.push(
        problem(
          `classes.txt beside this file has ${names.length} name${names.length === 1 ? '' : 's'} but there are ${k} classes; the names are ignored`,
          0,
          0,
          'classes-count',
          'warning',
        ),
      );
    }
  }
  return { names: null, file: null, problems };
}

/** buildDataset, taking class names from a sibling file when the roles have none. */
export function buildWithSiblingClasses(roles: Roles, options: RoleOptions & SiblingSource): LoadResult {
  const extra: Problem[] = [];
  const input = roles.logits ?? roles.probabilities;
  let classesFrom = roles.classes ? '"classes"' : null;
  if (!roles.classes && input && !input.vector && input.cols >= 2) {
    const found = siblingClassNames(input.cols, siblingReader(options));
    if (found.names) roles.classes = { names: found.names, span: { start: 0, end: 0 } };
    classesFrom = found.file;
    extra.push(...found.problems);
  }
  numberNamedLabels(roles, classesFrom);
  const built = buildDataset(roles, options);
  return { dataset: built.dataset, problems: built.problems.concat(extra) };
}

/** Sibling class names for a network file with a softmax head and no "classes" of its own. */
export function withSiblingNetworkClasses(result: LoadResult, source: SiblingSource): LoadResult {
  const data = result.dataset;
  if (!data || data.task !== 'network' || data.classes || data.head !== 'cross-entropy' || data.layers.length === 0) return result;
  const k = data.layers[data.layers.length - 1].outputs;
  const found = siblingClassNames(k, siblingReader(source));
  const dataset: NetworkData = found.names ? { ...data, classes: found.names } : data;
  return { dataset, problems: result.problems.concat(found.problems) };
}

/**
 * Names for `k` classes of a file that may hold its own (a JSON's "classes", read by the streaming
 * readers: jsonClasses.ts): then no sibling is read, and a count other than k is the full
 * reader's warning (classNamesFor) with no names; else the siblings' (siblingClassNames).
 */
export function ownOrSiblingClassNames(
  k: number,
  own: { names: string[]; start: number; end: number } | null | undefined,
  read: ReadSibling,
): SiblingClasses {
  if (!own) return siblingClassNames(k, read);
  if (own.names.length === k) return { names: own.names, file: null, problems: [] };
  return { names: null, file: null, problems: [classesCountProblem(own.names.length, k, 'classes', own)] };
}

/**
 * The class names beside a file for `k` classes when the full reader takes them without a word
 * (labels written as names are numbered by them: a CSV's, JSON records'); null when there are none
 * or they draw a problem.
 */
export function cleanSiblingClassNames(k: number, read: ReadSibling): string[] | null {
  const beside = siblingClassNames(k, read);
  return beside.problems.length === 0 ? beside.names : null;
}
