/**
 * Exports as users write them, in the editor: a CSV with an id and a quoted file name beside the
 * logits, and a JSON of one object per sample. No diagnostics, and the hover on a sample after a
 * quoted comma gives the core's loss for that sample.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { sampleSpan } from '../../../src/core/dataset';
import { lineIndexOf } from '../../../src/core/load';
import { num } from '../../../src/extension/format';
import { activatedWith, coreAnalysis, hoverText, open, waitFor, workspaceFile } from './util';

const CSV = [
  'id,file,logit_0,logit_1,logit_2,label,taken',
  '0,"cat, 1.jpg",2.0,1.0,0.1,0,2024-01-05',
  '1,"dog ""big"".jpg",0.5,2.5,0.3,1,',
  '2,"bird, 2, small.jpg",1.2,0.2,3.1,0,2024-01-07',
  '',
].join('\n');

const RECORDS = `[${[
  '{"id": "a.jpg", "logits": [2.0, 1.0, 0.1], "label": 0}',
  '{"id": "b.jpg", "logits": [0.5, 2.5, 0.3], "label": 1}',
  '{"id": "c.jpg", "logits": [1.2, 0.2, 3.1], "label": 0}',
].join(',\n ')}]\n`;

/** The same samples as a DataFrame's to_json(orient='records'), a record a line. */
const FRAME = `[${[
  '{"file":"a.jpg","logit_0":2.0,"logit_1":1.0,"logit_2":0.1,"label":0}',
  '{"file":"b.jpg","logit_0":0.5,"logit_1":2.5,"logit_2":0.3,"label":1}',
  '{"file":"c.jpg","logit_0":1.2,"logit_1":0.2,"logit_2":3.1,"label":0}',
].join(',\n')}]\n`;

describe('exports as users write them', function () {
  this.timeout(60000);

  before(() => {
    writeFileSync(workspaceFile('with-ids.csv').fsPath, CSV);
    writeFileSync(workspaceFile('records.json').fsPath, RECORDS);
    // The same records as JSON Lines, one a line.
    writeFileSync(workspaceFile('records.jsonl').fsPath, RECORDS.slice(1, -2).split(',\n ').join('\n') + '\n');
    writeFileSync(workspaceFile('frame.json').fsPath, FRAME);
    // to_json(orient='records', lines=True).
    writeFileSync(workspaceFile('frame.jsonl').fsPath, FRAME.slice(1, -2).split(',\n').join('\n') + '\n');
  });

  for (const name of ['with-ids.csv', 'records.json', 'records.jsonl', 'frame.json', 'frame.jsonl']) {
    it(`${name}: no diagnostics, and each sample's hover is the core's loss for it`, async () => {
      const editor = await open(name);
      const core = coreAnalysis(editor.document.uri);
      assert.deepEqual(core.problems, []);
      assert.ok(core.dataset?.task === 'classification' && core.analysis?.task === 'classification');
      for (const i of [0, 1, 2]) {
        const span = sampleSpan(core.dataset, i)!;
        // Past the quoted file name (its comma) on the CSV's row; inside the record's logits in the JSON.
        const at = editor.document.positionAt(name.endsWith('.csv') ? span.end - 2 : span.start + 2);
        if (name.endsWith('.jsonl')) assert.equal(at.line, i, 'one record a line');
        const text = await waitFor(`hover on sample ${i}`, async () => {
          const t = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, at));
          return t.includes('Gradient Lens') && t;
        });
        assert.ok(text.includes(`sample ${i}** — loss **${num(core.analysis.losses[i])}**`), text);
      }
      assert.deepEqual(vscode.languages.getDiagnostics(editor.document.uri), []);
    });
  }

  it('a broken .jsonl: the Problems panel has the core’s problem at its line', async () => {
    writeFileSync(workspaceFile('broken.jsonl').fsPath, '{"logits": [1, 2], "label": 0}\n{"logits": [2, 1], "label": 5}\n');
    const editor = await open('broken.jsonl');
    const diagnostics = await waitFor('diagnostics', () => {
      const d = vscode.languages.getDiagnostics(editor.document.uri);
      return d.length > 0 && d;
    });
    assert.deepEqual(
      diagnostics.map((d) => [d.message, d.range.start.line, d.range.start.character]),
      [['label 5 of sample 1 is out of range for 2 classes (valid: 0…1)', 1, 28]],
    );
  });

  for (const name of ['records.json', 'records.jsonl', 'frame.json']) {
    it(`${name}: a CodeLens with each sample’s loss on its record’s line`, async () => {
      const editor = await open(name);
      const core = coreAnalysis(editor.document.uri);
      assert.ok(core.analysis?.task === 'classification');
      const lenses = await waitFor('code lenses', async () => {
        const l = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri, 100);
        return l.some((x) => x.command?.title.startsWith('loss')) && l;
      });
      const losses = lenses.filter((l) => l.command?.title.startsWith('loss '));
      assert.deepEqual(
        losses.map((l) => [l.command!.title, l.range.start.line]),
        [0, 1, 2].map((i) => [`loss ${num(core.analysis!.losses[i], 3)}`, i]),
      );
    });
  }

  it('a DataFrame’s records with a missing value: the Problems panel has it at its cell', async () => {
    writeFileSync(workspaceFile('broken-frame.json').fsPath, FRAME.replace('"logit_1":2.5', '"logit_1":null'));
    const editor = await open('broken-frame.json');
    const diagnostics = await waitFor('diagnostics', () => {
      const d = vscode.languages.getDiagnostics(editor.document.uri);
      return d.length > 0 && d;
    });
    assert.deepEqual(
      diagnostics.map((d) => [d.message, d.range.start.line, d.range.start.character, editor.document.getText(d.range)]),
      [
        [
          'record 1: "logit_1" is null; it must be a number; a missing value (NaN) cannot be analysed: fill it in or drop the sample',
          1,
          40,
          'null',
        ],
      ],
    );
  });

  it('a CSV whose labels are class names, with a classes.txt beside it: the hover names the true class and gives the core’s loss', async () => {
    // A folder of its own: its classes.txt must not name the classes of the other files.
    mkdirSync(workspaceFile('named').fsPath, { recursive: true });
    const classes = 'cat\ndog\nbird, small\n';
    writeFileSync(workspaceFile('named/classes.txt').fsPath, classes);
    writeFileSync(
      workspaceFile('named/names.csv').fsPath,
      'logit_0,logit_1,logit_2,label\n2.0,1.0,0.1,cat\n0.5,0.3,2.5,"bird, small"\n1.2,3.1,0.2,dog\n',
    );
    const editor = await open('named/names.csv');
    const core = coreAnalysis(editor.document.uri, { 'classes.txt': new TextEncoder().encode(classes) });
    assert.deepEqual(core.problems, []);
    assert.ok(core.dataset?.task === 'classification' && core.analysis?.task === 'classification');
    assert.deepEqual([...core.dataset.labels!], [0, 2, 1]);
    // Sample 1: logits (0.5, 0.3, 2.5), true class 2 ("bird, small"): log(e^0.5 + e^0.3 + e^2.5) − 2.5.
    assert.ok(Math.abs(core.analysis.losses[1] - (Math.log(Math.exp(0.5) + Math.exp(0.3) + Math.exp(2.5)) - 2.5)) < 1e-15);
    const text = await waitFor('hover on sample 1', async () => {
      const t = hoverText(
        await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, new vscode.Position(2, 3)),
      );
      return t.includes('Gradient Lens') && t;
    });
    assert.ok(text.includes(`sample 1** — loss **${num(core.analysis.losses[1])}**`), text);
    assert.ok(text.includes('true class **bird\\, small**'), text); // Markdown-escaped
    assert.deepEqual(vscode.languages.getDiagnostics(editor.document.uri), []);
  });

  it('the CSV’s losses are those of its logits alone (the text columns read nothing)', () => {
    const core = coreAnalysis(workspaceFile('with-ids.csv'));
    // Sample 1: logits (0.5, 2.5, 0.3), label 1: log(e^0.5 + e^2.5 + e^0.3) − 2.5.
    const expected = Math.log(Math.exp(0.5) + Math.exp(2.5) + Math.exp(0.3)) - 2.5;
    assert.ok(core.analysis?.task === 'classification');
    assert.ok(Math.abs(core.analysis.losses[1] - expected) < 1e-15);
  });
});

describe('exports as users write them, read by the worker in parts', function () {
  this.timeout(60000);
  // Every file here goes to a worker (its threshold 1 KB), which reads it from disk in parts.
  const service = activatedWith({ 'gradientLens.workerThresholdKB': 1 });
  const names = ['cat', 'dog', 'bird, small'];
  const classes = names.join('\n') + '\n';
  const n = 60;
  // The true class's logit the largest by a modest margin: no warning to draw.
  const labelOf = (i: number) => (i * 13) % 3;
  const logitsOf = (i: number) => [0, 1, 2].map((j) => (j === labelOf(i) ? 1 + ((i * 7) % 5) / 10 : ((i * (j + 3)) % 7) / 14 - 0.25));
  const quoted = (name: string) => (name.includes(',') ? `"${name}"` : name);
  const files: Record<string, string> = {
    // An id first, then the label as a class name, then a split after it.
    'parts/ids.csv': [
      'id,logit_0,logit_1,logit_2,label,split',
      ...Array.from(
        { length: n },
        (_, i) => `"img ${i}, é.jpg",${logitsOf(i).join(',')},${quoted(names[labelOf(i)])},${i % 2 ? 'val' : ''}`,
      ),
      '',
    ].join('\n'),
    // JSON Lines of records with UTF-8 text and names as labels; a json.dump of records with ids and indices.
    'parts/records.jsonl': Array.from(
      { length: n },
      (_, i) =>
        JSON.stringify({ text: `phrase ${i} — café`, logits: logitsOf(i), label: names[labelOf(i)] }).replace(/\\u2014/g, '—') + '\n',
    ).join(''),
    'parts/records.json': JSON.stringify(Array.from({ length: n }, (_, i) => ({ id: `s${i}`, logits: logitsOf(i), label: labelOf(i) }))),
    // A DataFrame with an id and names as labels, to_json(orient="records", lines=True): a key a column.
    'parts/frame.jsonl': Array.from(
      { length: n },
      (_, i) =>
        JSON.stringify({
          id: `img_${i}.jpg`,
          ...Object.fromEntries(logitsOf(i).map((z, j) => [`logit_${j}`, z])),
          label: names[labelOf(i)],
        }) + '\n',
    ).join(''),
    // The same frame as df.to_json() writes it by default: one object a column, keyed by the index.
    'parts/columns.json': JSON.stringify({
      id: Object.fromEntries(Array.from({ length: n }, (_, i) => [i, `img_${i}.jpg`])),
      ...Object.fromEntries(
        [0, 1, 2].map((j) => [`logit_${j}`, Object.fromEntries(Array.from({ length: n }, (_, i) => [i, logitsOf(i)[j]]))]),
      ),
      label: Object.fromEntries(Array.from({ length: n }, (_, i) => [i, names[labelOf(i)]])),
    }),
  };

  before(() => {
    mkdirSync(workspaceFile('parts').fsPath, { recursive: true });
    writeFileSync(workspaceFile('parts/classes.txt').fsPath, classes);
    for (const [name, text] of Object.entries(files)) writeFileSync(workspaceFile(name).fsPath, text);
  });

  for (const name of Object.keys(files)) {
    it(`${name}: read in parts; no diagnostics, and each sample's hover is the core's loss and true class`, async () => {
      const editor = await open(name);
      const core = coreAnalysis(editor.document.uri, { 'classes.txt': new TextEncoder().encode(classes) });
      assert.deepEqual(core.problems, []);
      assert.ok(core.dataset?.task === 'classification' && core.analysis?.task === 'classification');
      assert.deepEqual(
        [...core.dataset.labels!],
        Array.from({ length: n }, (_, i) => labelOf(i)),
      );
      const file = await waitFor('the analysis', () => service().get(editor.document.uri));
      assert.equal(file.data.where, 'worker');
      assert.equal(file.read, 'in parts', name);
      const lines = lineIndexOf(core.bytes, name);
      for (const i of [0, 31, n - 1]) {
        const span = sampleSpan(core.dataset, i)!;
        // The spans are byte offsets, and the files hold UTF-8 text: the core's line tables place them.
        // (A column's cell may be one digit: its first byte.)
        const place = lines.position(name.endsWith('.csv') ? span.end - 2 : name.endsWith('columns.json') ? span.start : span.start + 2);
        const at = new vscode.Position(place.line, place.character);
        const text = await waitFor(`hover on sample ${i}`, async () => {
          const t = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, at));
          return t.includes('Gradient Lens') && t;
        });
        assert.ok(text.includes(`sample ${i}** — loss **${num(core.analysis.losses[i])}**`), text);
        assert.ok(text.includes(`true class **${names[labelOf(i)].replace(',', '\\,')}**`), text);
      }
      assert.deepEqual(vscode.languages.getDiagnostics(editor.document.uri), []);
    });
  }
});
