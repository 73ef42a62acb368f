/**
 * A JSON file of one object per sample, [{"logits": [...], "label": 3}, …], as a loop that appends
 * a dict per sample and calls json.dump writes it: read as the object of tensors, bit for bit, with
 * every message, range and element placed inside the record it came from.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../../src/core/analysis';
import type { ClassificationData, RegressionData } from '../../../src/core/dataset';
import { parseJson } from '../../../src/core/json';
import { rolesFromJson } from '../../../src/core/jsonRoles';
import { LineIndex, formatLocation } from '../../../src/core/lineIndex';
import { loadTensorFile } from '../../../src/core/load';
import { problemsAt } from '../../helpers/problemsAt';
import { jsonOf, seededLogitRows, seededProbabilityRows, type LogitRows } from '../../helpers/logitFiles';

const enc = (s: string) => new TextEncoder().encode(s);

/** One record a line, an id first, as json.dump(records, indent=None) with a newline after each. */
function recordsOf({ logits, labels }: LogitRows, key = 'logits', labelKey = 'label'): string {
  return `[${logits.map((row, i) => `{"id": "img_${i}.jpg", "${key}": [${row.join(', ')}], "${labelKey}": ${labels[i]}}`).join(',\n ')}]\n`;
}

/** "LINE:COL: message" and the text each problem's range covers. */
const problemsOf = (text: string) => problemsAt(text, 'r.json');

describe('JSON records: one object per sample', () => {
  it('logits and a label (or "labels"), with an id beside them: the object layout’s data and loss, bit for bit', () => {
    const rows = seededLogitRows(50, 6, 21);
    const columns = loadTensorFile(enc(jsonOf(rows)), 'c.json').dataset as ClassificationData;
    for (const labelKey of ['label', 'labels']) {
      const loaded = loadTensorFile(enc(recordsOf(rows, 'logits', labelKey)), 'r.json');
      assert.deepEqual(loaded.problems, [], labelKey);
      const records = loaded.dataset as ClassificationData;
      assert.deepEqual([records.n, records.k, records.input], [50, 6, 'logits']);
      assert.deepEqual(records.values, columns.values);
      assert.deepEqual(records.labels, columns.labels);
      assert.equal(analyze(records).loss, analyze(columns).loss);
    }
  });

  it('probabilities; a regression of one prediction and target a record; soft targets', () => {
    const probs = seededProbabilityRows(20, 4, 5);
    const p = loadTensorFile(enc(recordsOf(probs, 'probabilities')), 'r.json').dataset as ClassificationData;
    assert.equal(p.input, 'probabilities');
    assert.deepEqual(p.values, (loadTensorFile(enc(jsonOf(probs, 'probabilities')), 'c.json').dataset as ClassificationData).values);
    const regression = loadTensorFile(enc('[{"prediction": 2.5, "target": 3}, {"prediction": 1, "target": 1.5}]'), 'r.json');
    assert.deepEqual(regression.problems, []);
    const r = regression.dataset as RegressionData;
    assert.deepEqual([r.task, [...r.predictions], [...r.targets]], ['regression', [2.5, 1], [3, 1.5]]);
    // MSE of (−0.5, −0.5): 0.25.
    assert.equal(analyze(r).loss, 0.25);
    const soft = loadTensorFile(enc('[{"logits": [0, 0], "targets": [0.25, 0.75]}, {"logits": [1, 0], "targets": [1, 0]}]'), 'r.json');
    assert.deepEqual(soft.problems, []);
    // Row 0: log 2; row 1: log(1 + e⁻¹).
    assert.ok(Math.abs(analyze(soft.dataset!).loss - (Math.log(2) + Math.log1p(Math.exp(-1))) / 2) < 1e-15);
  });

  it('every element of every record keeps its place in the file', () => {
    const text = recordsOf(seededLogitRows(5, 3, 8));
    const root = parseJson(enc(text));
    const roles = rolesFromJson(root, enc(text));
    const lines = text.split('\n');
    for (let i = 0; i < 5; i++) {
      for (let j = 0; j < 3; j++) {
        const at = roles.logits!.elementSpan(i, j);
        assert.equal(Number(text.slice(at.start, at.end)), roles.logits!.data[i * 3 + j], `logit ${i},${j}`);
        assert.equal(new LineIndex(enc(text)).position(at.start).line, i, `logit ${i},${j} on record ${i}'s line`);
      }
      const label = roles.labels!.elementSpan(i, 0);
      assert.equal(text.slice(label.start, label.end), String(roles.labels!.data[i]));
      assert.ok(lines[i].includes(`"label": ${roles.labels!.data[i]}}`));
    }
  });

  it('a short row, a label out of range, a record without a key, a value of another kind: each at its record', () => {
    const two = '[{"logits": [1, 2, 3], "label": 2},\n {"logits": [1, 2], "label": 7}]\n';
    assert.deepEqual(problemsOf(two), [
      { at: '2:13: sample 1 of "logits" has 2 values, expected 3 like sample 0; every row needs one value per class', text: '[1, 2]' },
      { at: '2:30: label 7 of sample 1 is out of range for 3 classes (valid: 0…2)', text: '7' },
    ]);
    assert.deepEqual(problemsOf('[{"logits": [1, 2, 3], "label": 2},\n {"logits": [1, 2, 3]}]'), [
      { at: '2:2: record 1 has no "label", which record 0 has; every record needs the same keys', text: '{' },
    ]);
    assert.deepEqual(problemsOf('[{"logits": [1, 2], "label": 1},\n {"logits": [1, 2], "label": "dog"}]'), [
      {
        at: '2:30: record 1: "label" is the string "dog"; it must be a number, as record 0\'s is (a label is a class index 0…K−1)',
        text: '"dog"',
      },
    ]);
    // A flat array where record 0 has a number: named an array (it was "the boolean vector").
    assert.deepEqual(problemsOf('[{"logits": [1, 2], "label": 1},\n {"logits": [1, 2], "label": [1]}]'), [
      { at: '2:30: record 1: "label" is an array; it must be a number, as record 0\'s is (a label is a class index 0…K−1)', text: '[1]' },
    ]);
    assert.deepEqual(problemsOf('[{"logits": [[1, 2]], "label": 1}]'), [
      { at: '1:13: record 0: "logits" is an array of arrays; it must be a number or a flat array of numbers', text: '[[1, 2]]' },
    ]);
  });

  it('JSON Lines (.jsonl, .ndjson): the same records, one a line, blank lines and CRLF between; in a .json, the message says to rename it', () => {
    const rows = seededLogitRows(30, 4, 17);
    const array = loadTensorFile(enc(recordsOf(rows)), 'r.json').dataset as ClassificationData;
    const lines = recordsOf(rows).slice(1, -2).split(',\n ');
    for (const [name, text] of [
      ['r.jsonl', lines.join('\n') + '\n'],
      ['r.ndjson', '\ufeff' + lines.join('\r\n\r\n')],
    ]) {
      const loaded = loadTensorFile(enc(text), name);
      assert.deepEqual(loaded.problems, [], name);
      const d = loaded.dataset as ClassificationData;
      assert.deepEqual([d.n, d.k], [30, 4], name);
      assert.deepEqual(d.values, array.values, name);
      assert.deepEqual(d.labels, array.labels, name);
    }
    const two = '{"logits": [1, 2, 3], "label": 2}\n{"logits": [3, 2, 1], "label": 0}\n';
    assert.deepEqual(problemsOf(two), [
      {
        at: "2:1: unexpected '{' after the end of the JSON value; a JSON file holds one value (one object per line is JSON Lines: name the file .jsonl, or put the objects in one array, [{…}, {…}])",
        text: '{',
      },
    ]);
    // Each sample's loss: log(e¹ + e² + e³) − 3 for both.
    const expected = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)) - 3;
    assert.ok(Math.abs(analyze(loadTensorFile(enc(two), 'r.jsonl').dataset!).loss - expected) < 1e-15);
  });

  it('JSON Lines: two values on a line, an empty file, a label out of range, a run’s manifest: each said at its place', () => {
    const at = (text: string, name = 'r.jsonl') => {
      const loaded = loadTensorFile(enc(text), name);
      assert.equal(loaded.dataset, null, text);
      const index = new LineIndex(enc(text));
      return loaded.problems.map((p) => `${formatLocation('', index, p.start).slice(1)}: ${p.message}`);
    };
    assert.deepEqual(at('{"logits": [1, 2], "label": 1} {"logits": [2, 1], "label": 0}\n'), [
      "1:32: unexpected '{' after the JSON value on its line; a JSON Lines file holds one value a line",
    ]);
    assert.deepEqual(at('\n\n'), ['1:1: the file is empty; expected one JSON object a line, such as {"logits": [...], "label": 3}']);
    assert.deepEqual(at('{"logits": [1, 2], "label": 0}\n\n{"logits": [2, 1], "label": 5}\n'), [
      '3:29: label 5 of sample 1 is out of range for 2 classes (valid: 0…1)',
    ]);
    assert.deepEqual(at('{"gradientLensRun": 1, "classes": ["a", "b"]}\n{"step": 0, "file": "steps/0.npz"}\n', 'run.jsonl'), [
      "1:1: this is a training run's manifest (run.jsonl), not a tensor file; open it with Gradient Lens: Open Training Run, or `gradient-lens run DIR`",
    ]);
  });

  it('keys: each record’s own, whether it repeats the one before, differs from it by a byte, or is escaped', () => {
    const text = '[{"ab": 1, "logits": [1]}, {"ab": 2, "logitz": 3}, {"ac": 3, "log\\u0069ts": [2], "\u00e9": 4}, {"a": 5}]';
    const root = parseJson(enc(text));
    assert.equal(root.kind, 'array');
    const keys = (root as { items: { entries: { key: string; keySpan: { start: number; end: number } }[] }[] }).items.map((r) =>
      r.entries.map((e) => [e.key, new TextDecoder().decode(enc(text).subarray(e.keySpan.start, e.keySpan.end))]),
    );
    assert.deepEqual(keys, [
      [
        ['ab', '"ab"'],
        ['logits', '"logits"'],
      ],
      [
        ['ab', '"ab"'],
        ['logitz', '"logitz"'],
      ],
      [
        ['ac', '"ac"'],
        ['logits', '"log\\u0069ts"'],
        ['\u00e9', '"\u00e9"'],
      ],
      [['a', '"a"']],
    ]);
  });

  it('arrays that are not records keep the object layout’s message, which now names both layouts', () => {
    const expected =
      'expected a JSON object such as {"logits": [[...]], "labels": [...]}, or one object per sample such as [{"logits": [...], "label": 3}, …]; found';
    assert.equal(problemsOf('[[1, 2], [3, 4]]')[0].at, `1:1: ${expected} an array`);
    assert.equal(
      problemsOf('[{"score": 1}, {"score": 2}]')[0].at,
      `1:1: ${expected} objects with no "logits", "probabilities" or "predictions"`,
    );
    assert.equal(problemsOf('[]')[0].at, `1:1: ${expected} an array`);
    // Keys an object inherits are keys like any other: passed over, not taken for tensors.
    assert.equal(
      problemsOf('[{"toString": 1, "constructor": [1], "__proto__": 2}]')[0].at,
      `1:1: ${expected} objects with no "logits", "probabilities" or "predictions"`,
    );
    const inherited = loadTensorFile(enc('[{"logits": [1, 2], "label": 0, "toString": "x", "hasOwnProperty": [3]}]'), 'r.json');
    assert.deepEqual(inherited.problems, []);
    assert.deepEqual([...(inherited.dataset as ClassificationData).values], [1, 2]);
  });
});
