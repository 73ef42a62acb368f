/**
 * A CSV with no header row (np.savetxt without `header=`, and its default of spaces between the
 * numbers): the full reader says so from the first line alone, before it reads the body, with a
 * hint that stays one readable line at K = 1,000.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCsvHeader } from '../../../src/core/csv';
import { LineIndex, formatLocation } from '../../../src/core/lineIndex';
import { loadTensorFile } from '../../../src/core/load';
import { seededLogitRows } from '../../helpers/logitFiles';

const enc = (s: string) => new TextEncoder().encode(s);

/** "LINE:COL: message" of each problem, and the problem's span, as the CLI and the editor place them. */
function problemsOf(text: string, fileName = 'f.csv') {
  const bytes = enc(text);
  const index = new LineIndex(bytes);
  const loaded = loadTensorFile(bytes, fileName);
  assert.equal(loaded.dataset, null);
  return loaded.problems.map((p) => ({
    at: `${formatLocation('', index, p.start).slice(1)}: ${p.message}`,
    start: p.start,
    end: p.end,
    code: p.code,
  }));
}

/** np.savetxt's rows of n × (k logits, then the label), `%.18e` each, joined by `delimiter`. */
function savetxt(n: number, k: number, delimiter: string): string {
  const { logits, labels } = seededLogitRows(n, k, 7);
  const cell = (v: number) => v.toExponential(18).replace(/e([+-])(\d)$/, 'e$10$2');
  return logits.map((row, i) => [...row.map(Number), labels[i]].map(cell).join(delimiter)).join('\n') + '\n';
}

describe('CSV without a header row', () => {
  it('K = 3: every column name written out, at the first line', () => {
    const text = savetxt(4, 3, ',');
    const [only, ...rest] = problemsOf(text);
    assert.deepEqual(rest, []);
    assert.equal(only.at, '1:1: the first line holds numbers, not column names; add a header row such as logit_0,logit_1,logit_2,label');
    assert.deepEqual([only.start, only.end, only.code], [0, text.indexOf('\n'), 'no-header']);
  });

  it('K = 1,000: the hint names the ends and the count, not 1,001 names (it was 11 KB long)', () => {
    const [only] = problemsOf(savetxt(3, 1000, ','));
    assert.equal(
      only.at,
      '1:1: the first line holds numbers, not column names; add a header row such as logit_0,logit_1,…,logit_999,label (1000 logit columns, then the label)',
    );
    // K = 10 is the last written out whole.
    assert.match(
      problemsOf(savetxt(2, 10, ','))[0].at,
      /such as logit_0,logit_1,logit_2,logit_3,logit_4,logit_5,logit_6,logit_7,logit_8,logit_9,label$/,
    );
    assert.match(problemsOf(savetxt(2, 11, ','))[0].at, /such as logit_0,logit_1,…,logit_10,label \(11 logit columns, then the label\)$/);
  });

  it('numbers separated by spaces (np.savetxt’s default): said so, not “a number cannot contain spaces” on line 2', () => {
    for (const name of ['f.csv', 'f.txt']) {
      const text = savetxt(5, 4, ' ');
      const [only, ...rest] = problemsOf(text, name);
      assert.deepEqual(rest, [], name);
      assert.equal(
        only.at,
        "1:1: the first line holds numbers separated by spaces, not column names; separate them with commas and add a header row such as logit_0,logit_1,logit_2,logit_3,label (np.savetxt(path, a, delimiter=',', header='…'))",
        name,
      );
      assert.deepEqual([only.start, only.end], [0, text.indexOf('\n')], name);
    }
  });

  it('the first line decides before the body is read: a bad cell on line 3 does not hide it', () => {
    const lines = savetxt(4, 3, ',').split('\n');
    lines[2] = lines[2].replace(/^[^,]*/, 'abc');
    const problems = problemsOf(lines.join('\n'));
    assert.equal(problems.length, 1);
    assert.match(problems[0].at, /^1:1: the first line holds numbers, not column names/);
  });

  it('after a byte order mark and blank lines: at the line it is on', () => {
    const text = `\ufeff\n\n${savetxt(3, 3, ',')}`;
    const [only] = problemsOf(text);
    assert.match(only.at, /^3:1: the first line holds numbers, not column names/);
  });

  it('a header of names, even names with spaces, or a body that follows a real header: not this error', () => {
    for (const text of ['logit_0 logit_1 label\n1 2 0\n', 'logit_0,logit_1,label\n1 2 0\n', 'a b,c\n1,2\n']) {
      for (const p of problemsOf(text)) assert.doesNotMatch(p.at, /holds numbers/, text);
    }
  });

  it('parseCsvHeader reads the first line only: the body may hold anything', () => {
    const text = 'logit_0;logit_1;label\n1;2;"unclosed\nabc;;;\n';
    const header = parseCsvHeader(enc(text));
    assert.deepEqual(header.columns, ['logit_0', 'logit_1', 'label']);
    assert.equal(header.delimiter, ';');
    assert.equal(header.rows, 0);
    // The whole file's parse refuses that body.
    assert.equal(loadTensorFile(enc(text), 'f.csv').dataset, null);
  });
});
