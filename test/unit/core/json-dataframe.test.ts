/**
 * A DataFrame of logit_0…, label columns written by pandas' to_json, in each orient it writes
 * (compact, as pandas writes it): read as the CSV of the same frame, bit for bit, with each cell
 * placed where the file has it and each problem said at its cell, record or row.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../../src/core/analysis';
import type { ClassificationData, RegressionData } from '../../../src/core/dataset';
import { parseJson, parseJsonLines } from '../../../src/core/json';
import { rolesFromJson } from '../../../src/core/jsonRoles';
import { LineIndex } from '../../../src/core/lineIndex';
import { loadTensorFile } from '../../../src/core/load';
import { problemsAt } from '../../helpers/problemsAt';
import { looksLikeTensorFile, looksLikeTensorText } from '../../../src/extension/tensorFileCheck';
import { csvOf, seededLogitRows, seededProbabilityRows, type LogitRows } from '../../helpers/logitFiles';

const enc = (s: string) => new TextEncoder().encode(s);

/** The frame's columns and rows, an index of file names: what the orients below are written from. */
function frameOf({ logits, labels }: LogitRows, prefix = 'logit') {
  const columns = [...logits[0].map((_, j) => `${prefix}_${j}`), 'label'];
  const rows = logits.map((r, i) => [...r.map(Number), labels[i]]);
  const index = rows.map((_, i) => `img_${i}.jpg`);
  const record = (row: number[]) => Object.fromEntries(columns.map((c, j) => [c, row[j]]));
  return { columns, rows, index, record };
}

/** DataFrame.to_json(orient=…) of the frame, and to_json(orient='records', lines=True). */
function orientsOf(rows: LogitRows, prefix = 'logit'): [string, string][] {
  const f = frameOf(rows, prefix);
  const records = f.rows.map(f.record);
  return [
    ['records.json', JSON.stringify(records)],
    ['records.jsonl', records.map((r) => JSON.stringify(r)).join('\n') + '\n'],
    ['split.json', JSON.stringify({ columns: f.columns, index: f.index, data: f.rows })],
    ['index.json', JSON.stringify(Object.fromEntries(f.index.map((name, i) => [name, records[i]])))],
    [
      'columns.json',
      JSON.stringify(Object.fromEntries(f.columns.map((c, j) => [c, Object.fromEntries(f.index.map((name, i) => [name, f.rows[i][j]]))]))),
    ],
    [
      'table.json',
      JSON.stringify({
        schema: {
          fields: [{ name: 'index', type: 'string' }, ...f.columns.map((name) => ({ name, type: 'number' }))],
          primaryKey: ['index'],
        },
        data: records.map((r, i) => ({ index: f.index[i], ...r })),
      }),
    ],
  ];
}

/** "LINE:COL: message" and the text each problem's range covers. */
const problemsOf = (text: string, name = 'f.json') => problemsAt(text, name);

describe('a DataFrame written by to_json', () => {
  it('every orient reads as the CSV of the same frame: values, labels and loss bit for bit', () => {
    const rows = seededLogitRows(40, 5, 3);
    const csv = loadTensorFile(enc(csvOf(rows)), 'f.csv').dataset as ClassificationData;
    for (const [name, text] of orientsOf(rows)) {
      const loaded = loadTensorFile(enc(text), name);
      assert.deepEqual(loaded.problems, [], name);
      const d = loaded.dataset as ClassificationData;
      assert.deepEqual([d.n, d.k, d.input], [40, 5, 'logits'], name);
      assert.deepEqual(d.values, csv.values, name);
      assert.deepEqual(d.labels, csv.labels, name);
      assert.equal(analyze(d).loss, analyze(csv).loss, name);
    }
  });

  it('probability columns, and a regression of prediction and target columns', () => {
    const probs = seededProbabilityRows(12, 4, 9);
    const csv = loadTensorFile(enc(csvOf(probs, 'prob')), 'f.csv').dataset as ClassificationData;
    for (const [name, text] of orientsOf(probs, 'prob')) {
      const d = loadTensorFile(enc(text), name).dataset as ClassificationData;
      assert.equal(d.input, 'probabilities', name);
      assert.deepEqual(d.values, csv.values, name);
    }
    const regression = loadTensorFile(enc('[{"id":"a","prediction":2.5,"target":3},{"id":"b","prediction":1,"target":1.5}]'), 'r.json');
    assert.deepEqual(regression.problems, []);
    const r = regression.dataset as RegressionData;
    assert.deepEqual([r.task, [...r.predictions], [...r.targets]], ['regression', [2.5, 1], [3, 1.5]]);
    assert.equal(analyze(r).loss, 0.25); // the mean of (−0.5)² and (−0.5)²
  });

  it('each cell keeps its place: records, split (all numbers, and with a text column), index and columns', () => {
    const rows = seededLogitRows(6, 3, 12);
    const f = frameOf(rows);
    const withText = JSON.stringify({
      columns: ['file', ...f.columns],
      index: f.index,
      data: f.rows.map((r, i) => [f.index[i], ...r]),
    });
    for (const [name, text] of [...orientsOf(rows).filter(([n]) => n !== 'records.jsonl'), ['split-text.json', withText]]) {
      const roles = rolesFromJson(parseJson(enc(text)), enc(text));
      for (let i = 0; i < 6; i++) {
        for (let j = 0; j < 3; j++) {
          const at = roles.logits!.elementSpan(i, j);
          assert.equal(Number(text.slice(at.start, at.end)), roles.logits!.data[i * 3 + j], `${name} logit ${i},${j}`);
        }
        const label = roles.labels!.elementSpan(i, 0);
        assert.equal(text.slice(label.start, label.end), String(rows.labels[i]), `${name} label ${i}`);
      }
      assert.equal(roles.logits!.name, 'columns logit_0…logit_2', name);
      assert.equal(roles.labels!.name, 'column "label"', name);
    }
    // JSON Lines: each record's cells on its own line.
    const lines = orientsOf(rows)[1][1];
    const roles = rolesFromJson(parseJsonLines(enc(lines)), enc(lines));
    const index = new LineIndex(enc(lines));
    for (let i = 0; i < 6; i++) assert.equal(index.position(roles.logits!.elementSpan(i, 2).start).line, i);
  });

  it('a missing value, a record without a key, a label that is a name or out of range: each at its cell or record', () => {
    assert.deepEqual(problemsOf('[{"logit_0":1,"logit_1":2,"label":0},\n{"logit_0":null,"logit_1":2,"label":1}]'), [
      {
        at: '2:12: record 1: "logit_0" is null; it must be a number; a missing value (NaN) cannot be analysed: fill it in or drop the sample',
        text: 'null',
      },
    ]);
    assert.deepEqual(problemsOf('[{"logit_0":1,"logit_1":2,"label":0},\n{"logit_0":1,"label":1}]'), [
      { at: '2:1: record 1 has no "logit_1", which record 0 has; every record needs the same keys', text: '{' },
    ]);
    assert.deepEqual(problemsOf('[{"logit_0":1,"logit_1":2,"label":0},\n{"logit_0":1,"logit_1":2,"label":"cat"}]'), [
      { at: '2:34: record 1: "label" is the string "cat"; it must be a number (a label is a class index 0…K−1)', text: '"cat"' },
    ]);
    assert.deepEqual(problemsOf('[{"logit_0":1,"logit_1":"2.5","label":0}]'), [
      { at: '1:25: record 0: "logit_1" is the string "2.5"; it must be a number; remove the quotes to make it a number', text: '"2.5"' },
    ]);
    // Records in another key order are read by name.
    const reordered = loadTensorFile(enc('[{"logit_0":1,"logit_1":2,"label":0},{"label":1,"logit_1":4,"logit_0":3}]'), 'f.json');
    assert.deepEqual([...(reordered.dataset as ClassificationData).values], [1, 2, 3, 4]);
    assert.deepEqual(problemsOf('{"columns":["logit_0","logit_1","label"],"index":[0,1],"data":[[1,2,0],\n[1,2,3]]}'), [
      { at: '2:6: label 3 of sample 1 is out of range for 2 classes (valid: 0…1)', text: '3' },
    ]);
    assert.deepEqual(problemsOf('{"logit_0":{"a":1,"b":2},"logit_1":{"a":1,"b":2},\n"label":{"a":0,"b":2}}'), [
      { at: '2:20: label 2 of sample 1 is out of range for 2 classes (valid: 0…1)', text: '2' },
    ]);
  });

  it('a short row of "data", a column without a row, names with a gap or none it reads: each said at its place', () => {
    assert.deepEqual(problemsOf('{"columns":["logit_0","logit_1","label"],"index":[0,1],"data":[[1,2,0],[1,2]]}'), [
      { at: '1:72: row 1 of "data" has 2 values, but "columns" names 3; every row needs one value a column', text: '[1,2]' },
    ]);
    // A longer row would shift its values under other names: said too, also among rows with text.
    assert.deepEqual(problemsOf('{"columns":["logit_0","logit_1","label"],"index":[0,1],"data":[[1,2,0],[1,2,1,0]]}'), [
      { at: '1:72: row 1 of "data" has 4 values, but "columns" names 3; every row needs one value a column', text: '[1,2,1,0]' },
    ]);
    assert.equal(
      problemsOf('{"columns":["f","logit_0","logit_1","label"],"index":[0,1],"data":[["a",1,2,0],["b",1,2,1,0]]}')[0].at,
      '1:80: row 1 of "data" has 5 values, but "columns" names 4; every row needs one value a column',
    );
    assert.deepEqual(problemsOf('{"logit_0":{"a":1,"b":2},"logit_1":{"a":1},"label":{"a":0,"b":1}}'), [
      { at: '1:36: column "logit_1" has no row "b", which column "logit_0" has; every column needs the same rows', text: '{' },
    ]);
    assert.deepEqual(problemsOf('[{"logit_0":1,"logit_2":2,"label":0}]'), [
      { at: '1:15: record 0 has "logit_2" but no "logit_1"; number the columns logit_0, logit_1, … without gaps', text: '"logit_2"' },
    ]);
    const expected = 'expected logit_0…logit_{K-1} or prob_0… with label or target_0…, or prediction,target';
    assert.deepEqual(problemsOf('[{"logits_0":1,"logits_1":2,"label":0}]'), [
      { at: `1:3: unknown column "logits_0": did you mean logit_0, logit_1, …? (${expected})`, text: '"logits_0"' },
    ]);
    assert.equal(problemsOf('[{"label":3},{"label":1}]')[0].at, `1:3: no recognised columns in record 0 (label); ${expected}`);
    assert.deepEqual(problemsOf('{"columns":["logit_0","label"],"index":[],"data":[]}'), [
      { at: '1:13: "columns" names columns but the frame has no rows (N = 0); write one row per sample', text: '"logit_0"' },
    ]);
  });

  it('what is no DataFrame keeps its message; a run’s manifest and records of "logits" arrays keep their readers', () => {
    assert.match(problemsOf('[{"score": 1}]')[0].at, /^1:1: expected a JSON object .* found objects with no "logits"/);
    assert.match(problemsOf('{"a": {"x": 1}, "b": {"y": 2}}')[0].at, /^1:1: the object has "a", "b" but no "logits"/);
    // The object of tensors is never a frame: its own message for a tensor that is an object.
    assert.equal(
      problemsOf('{"logits": {"a": 1}, "labels": {"a": 0}}')[0].at,
      '1:12: "logits" must be an array of numbers, found an object',
    );
    assert.match(problemsOf('{"gradientLensRun": 1, "classes": ["a"]}\n', 'run.jsonl')[0].at, /^1:1: this is a training run's manifest/);
    const records = loadTensorFile(enc('[{"logits":[1,2],"label":1,"logit_0":"x"}]'), 'f.json');
    assert.deepEqual(records.problems, []);
    assert.deepEqual([...(records.dataset as ClassificationData).values], [1, 2]);
  });

  it('the editor takes each orient for a tensor file', () => {
    for (const [name, text] of orientsOf(seededLogitRows(3, 2, 1))) assert.equal(looksLikeTensorText(`/w/${name}`, text), true, name);
    assert.equal(looksLikeTensorText('/w/r.json', '[{"prediction": 1, "target": 2}]'), true);
    assert.equal(looksLikeTensorText('/w/package.json', '{"name": "x", "version": "1.0.0"}'), false);
    // "prediction" only as a key: a config's value is no tensor.
    assert.equal(looksLikeTensorText('/w/config.json', '{"task": "prediction", "head": "linear"}'), false);
    assert.equal(looksLikeTensorFile('/w/config.json', enc('{"task": "prediction", "x": "prediction" }')), false);
    assert.equal(looksLikeTensorFile('/w/r.json', enc('[{"task": "prediction", "prediction" :\n 2.5, "target": 3}]')), true);
    // Log-probabilities (nll, kl_div), as every reader takes them: the object, a record, a CSV's and a DataFrame's columns.
    const logp = '{"log_probabilities": [[-0.1, -2.4]], "labels": [0]}';
    const nll = loadTensorFile(enc(logp), 'n.json').dataset;
    assert.equal(nll?.task === 'classification' && nll.loss?.name, 'nll');
    for (const [name, text] of [
      ['n.json', logp],
      ['r.jsonl', '{"log_probabilities": [-0.1, -2.4], "label": 0}\n'],
      ['n.csv', 'logprob_0,logprob_1,label\n-0.1,-2.4,0\n'],
      ['c.json', '{"logprob_0": {"0": -0.1}, "logprob_1": {"0": -2.4}, "label": {"0": 0}}'],
    ]) {
      assert.equal(looksLikeTensorText(`/w/${name}`, text), true, name);
      assert.equal(looksLikeTensorFile(`/w/${name}`, enc(text)), true, name);
    }
  });
});
