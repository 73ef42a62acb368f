/**
 * Logits files in the simple layout for the tests that compare a streamed CLI path with the full
 * reader (stream-table, stream-commands): seeded rows, their CSV and JSON text, the example and
 * bad-input files, and seeded byte mutations of a text.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { seededUniform } from './seeded';

export interface LogitRows {
  logits: string[][];
  labels: number[];
}

/** n rows of k logits written with 1 to 17 significant digits, and a label each. */
export function seededLogitRows(n: number, k: number, seed: number): LogitRows {
  const rand = seededUniform(seed);
  const logits = Array.from({ length: n }, () =>
    Array.from({ length: k }, () => ((rand() - 0.5) * 24).toPrecision(1 + Math.floor(rand() * 17))),
  );
  return { logits, labels: Array.from({ length: n }, () => Math.floor(rand() * k)) };
}

/**
 * n rows of k probabilities (a seeded softmax to 12 digits) and a label each; row 0's label has
 * p = 0 and row 1's p = 1, where the loss clips p (∂L/∂p is 0 there). Written with csvOf(…, 'prob')
 * and jsonOf(…, 'probabilities'), as Keras' predict and scikit-learn's predict_proba give them.
 */
export function seededProbabilityRows(n: number, k: number, seed: number): LogitRows {
  const rand = seededUniform(seed);
  const rows = Array.from({ length: n }, () => {
    const e = Array.from({ length: k }, () => Math.exp((rand() - 0.5) * 5));
    const sum = e.reduce((a, b) => a + b, 0);
    return e.map((v) => (v / sum).toPrecision(12));
  });
  const labels = Array.from({ length: n }, () => Math.floor(rand() * k));
  rows[0] = rows[0].map((_, j) => (j === labels[0] ? '0' : j === (labels[0] + 1) % k ? '1' : '0'));
  rows[1] = rows[1].map((_, j) => (j === labels[1] ? '1' : '0'));
  return { logits: rows, labels };
}

/** `logit_0,…,logit_{K−1},label` (or `prob_0,…`), a row a line. */
export const csvOf = ({ logits, labels }: LogitRows, name: 'logit' | 'prob' = 'logit') =>
  [logits[0].map((_, j) => `${name}_${j}`).join(',') + ',label', ...logits.map((r, i) => `${r.join(',')},${labels[i]}`)].join('\n') + '\n';

/** `{"logits": [[…], …], "labels": […]}` (or "probabilities"), a row a line. */
export const jsonOf = ({ logits, labels }: LogitRows, key: 'logits' | 'probabilities' = 'logits') =>
  `{"${key}": [${logits.map((r) => `[${r.join(', ')}]`).join(',\n  ')}], "labels": [${labels.join(', ')}]}\n`;

/** Seeded logits files, by name: CSV (LF and CRLF) and JSON, few and many rows, one with extreme logits, and probabilities. */
export function generatedLogitFiles(): Record<string, string> {
  return {
    'few.csv': csvOf(seededLogitRows(12, 5, 1)),
    'many.csv': csvOf(seededLogitRows(130, 7, 2)),
    'crlf.csv': csvOf(seededLogitRows(70, 4, 3)).replace(/\n/g, '\r\n'),
    'few.json': jsonOf(seededLogitRows(9, 3, 4)),
    'many.json': jsonOf(seededLogitRows(120, 12, 5)),
    // Extreme logits: one sample's loss is large and its ∂L/∂z is the one-hot's.
    'extreme.json': jsonOf({
      logits: [['1000', '-1000', '0'], ...seededLogitRows(60, 3, 6).logits],
      labels: [1, ...seededLogitRows(60, 3, 6).labels],
    }),
    // Probabilities: the file's p, its ∂L/∂p and ∂L/∂z derived from them.
    'probs.csv': csvOf(seededProbabilityRows(80, 6, 7), 'prob'),
    'probs.json': jsonOf(seededProbabilityRows(50, 4, 8), 'probabilities'),
  };
}

/** Every example and bad-input fixture the CLI reads as JSON or CSV. */
export function exampleAndBadFiles(root: string): string[] {
  return [
    ...readdirSync(join(root, 'examples')).map((f) => join(root, 'examples', f)),
    ...readdirSync(join(root, 'test/fixtures/bad')).map((f) => join(root, 'test/fixtures/bad', f)),
  ].filter((p) => /\.(json|csv)$/.test(p) && !p.endsWith('expected.json'));
}

/** `count` cuts of `text` at seeded places after `from`, as a run killed while writing leaves a file. */
export function* cutsOf(text: string, from: number, count: number, rand: () => number): Generator<{ what: string; text: string }> {
  for (let i = 0; i < count; i++) {
    const at = from + Math.floor(rand() * (text.length - from));
    yield { what: `cut after ${at} of ${text.length} characters`, text: text.slice(0, at) };
  }
}

/** `count` mutations of `text`: at a seeded place, up to 2 bytes cut and most often one put in. */
export function* byteMutations(text: string, count: number, rand: () => number): Generator<{ at: number; mutated: string }> {
  const pick = (s: string) => s[Math.floor(rand() * s.length)];
  for (let i = 0; i < count; i++) {
    const at = Math.floor(rand() * text.length);
    const cut = Math.floor(rand() * 3);
    yield { at, mutated: text.slice(0, at) + (rand() < 0.7 ? pick('0123456789.,-eE[]{}"\n\r x') : '') + text.slice(at + cut) };
  }
}

/** What a cell of a large CSV is found to hold instead of a number: the full reader refuses most; a few it reads. */
export const BAD_CELLS = [
  'x',
  'NaN',
  'nan',
  'inf',
  '-Infinity',
  '',
  '1.2.3',
  '1e999',
  '"1.5',
  '"1,5"',
  '1,5',
  '\u22121',
  '1\u00a0',
  '\u00ff',
  'na',
  '?',
  '1 2',
  '0x1F',
  '1e',
  '.',
  '-',
  '1_000',
  '\u0000',
  '1\r2',
  '1\t',
  '+1',
  ' 1.5',
  '"2"',
  '5.',
  'caf\u00e9',
  '\ufeff1',
];

/**
 * One entry of `cells` replaced by `pick()` at a seeded row and column (of `columns`), and
 * sometimes a second defect in another row, before or after it: the row cut short, or its first
 * entry replaced too. `blankBefore`: a row before which a caller may put a blank line (else −1).
 */
function withDefects(cells: string[][], columns: number, pick: () => string, rand: () => number): { what: string; blankBefore: number } {
  const row = Math.floor(rand() * cells.length);
  const col = Math.floor(rand() * columns);
  cells[row][col] = pick();
  let what = `row ${row} column ${col}: ${JSON.stringify(cells[row][col])}`;
  const other = Math.floor(rand() * cells.length);
  const second = rand();
  if (other !== row && second < 0.15) {
    cells[other].pop();
    what += `; row ${other} short`;
  } else if (other !== row && second < 0.3) {
    cells[other][0] = pick();
    what += `; row ${other} column 0: ${JSON.stringify(cells[other][0])}`;
  }
  return { what, blankBefore: other !== row && second >= 0.3 && second < 0.4 ? other : -1 };
}

/**
 * `count` CSVs of `rows` with one cell replaced by a BAD_CELLS entry, at a seeded row and column
 * (the label's too); some with CRLF line ends, and some with a second defect before or after it
 * (a short row, a blank line, another bad cell), so the first problem is not always the cell.
 */
export function* cellMutations(rows: LogitRows, count: number, rand: () => number): Generator<{ what: string; text: string }> {
  const k = rows.logits[0].length;
  const pick = () => BAD_CELLS[Math.floor(rand() * BAD_CELLS.length)];
  for (let i = 0; i < count; i++) {
    const cells = rows.logits.map((r, j) => [...r, String(rows.labels[j])]);
    const { blankBefore, ...defect } = withDefects(cells, k + 1, pick, rand);
    let what = defect.what;
    const lines = [[...Array.from({ length: k }, (_, j) => `logit_${j}`), 'label'].join(','), ...cells.map((r) => r.join(','))];
    if (blankBefore >= 0) {
      lines.splice(blankBefore + 1, 0, '');
      what += `; a blank line before row ${blankBefore}`;
    }
    const eol = rand() < 0.25 ? '\r\n' : '\n';
    yield { what: `${what}${eol === '\n' ? '' : ', CRLF'}`, text: lines.join(eol) + eol };
  }
}

/** What a JSON row holds instead of a number: most are parse errors; some the parser takes (a string, null, a nested list). */
export const BAD_VALUES = [
  'x',
  'NaN',
  'Infinity',
  '-Infinity',
  '1.2.3',
  '01',
  '1.',
  '.5',
  '+1',
  '1e',
  '1e999',
  '-',
  '1 2',
  '"1.5"',
  'null',
  'True',
  '[1]',
  '//c',
  '\u0000',
  'caf\u00e9',
  '\u00ff',
  '1,',
  ',1',
  '1]',
  '"open',
  '\t',
  '\u22121',
  '0x1F',
];

/**
 * `count` JSON files of `rows` with one logit replaced by a BAD_VALUES entry at a seeded row and
 * place, in one of three layouts (one line; a row a line; CRLF, labels first), some with a second
 * defect before or after it (a short row, another bad value).
 */
export function* jsonValueMutations(rows: LogitRows, count: number, rand: () => number): Generator<{ what: string; text: string }> {
  const k = rows.logits[0].length;
  const pick = () => BAD_VALUES[Math.floor(rand() * BAD_VALUES.length)];
  for (let i = 0; i < count; i++) {
    const cells = rows.logits.map((r) => [...r]);
    const { what } = withDefects(cells, k, pick, rand);
    const layout = Math.floor(rand() * 3);
    const labels = `"labels": [${rows.labels.join(', ')}]`;
    const text =
      layout === 0
        ? `{"logits": [${cells.map((r) => `[${r.join(', ')}]`).join(', ')}], ${labels}}`
        : layout === 1
          ? `{"logits": [\n${cells.map((r) => `  [${r.join(', ')}]`).join(',\n')}\n],\n${labels}}\n`
          : `{${labels},\r\n"logits":[${cells.map((r) => `[${r.join(',')}]`).join(',\r\n')}]}\r\n`;
    yield { what: `${what}, layout ${layout}`, text };
  }
}
