/**
 * Issue 16, quiet commands: the panel follows the active tensor file unless pinned (the rule, and
 * the pin's menu entries); Export Analysis is in the explorer menu of tensor files; an exported
 * `*.analysis.json` is not itself taken for a tensor file.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { defaultView, followTarget } from '../../../src/extension/panelFollow';
import { looksLikeTensorFile, looksLikeTensorText, notATensorFileMessage } from '../../../src/extension/tensorFileCheck';

const open = { panelOpen: true, pinned: false, shownUri: 'file:///a.json', view: 'gradient' as const };
const regression = { uri: 'file:///r.json', fileName: 'r.json', task: 'regression' as const };

describe('the panel follows the active tensor file', () => {
  it('keeps the current view when it applies to the new file, else opens the file’s default view', () => {
    assert.equal(followTarget(open, regression), 'gradient');
    assert.equal(followTarget({ ...open, view: 'jacobian' }, regression), 'losses');
    assert.equal(followTarget({ ...open, view: 'jacobian' }, { ...regression, task: 'network' }), 'network');
    assert.equal(followTarget({ ...open, view: 'losses' }, { ...regression, task: 'classification' }), 'losses');
  });

  it('does not follow when pinned, when the panel is closed, or to the file it already shows', () => {
    assert.equal(followTarget({ ...open, pinned: true }, regression), null);
    assert.equal(followTarget({ ...open, panelOpen: false }, regression), null);
    assert.equal(followTarget(open, { ...regression, uri: 'file:///a.json' }), null);
    assert.equal(followTarget(open, null), null);
  });

  it('follows a tensor file with errors too (the panel says what is wrong), in the current view', () => {
    assert.equal(followTarget(open, { ...regression, task: undefined }), 'gradient');
    assert.equal(followTarget({ ...open, view: null }, { ...regression, task: undefined }), 'jacobian');
  });

  it('default views by task', () => {
    assert.deepEqual([defaultView('classification'), defaultView('regression'), defaultView('network')], ['jacobian', 'losses', 'network']);
  });
});

describe('exported analyses are not tensor files', () => {
  // What Export Analysis writes as JSON: it has "probabilities", which alone would make it look like an input.
  const exported = '{"task": "classification", "n": 1, "k": 2, "loss": 0.3, "probabilities": [[0.7, 0.3]], "gradient": [[-0.3, 0.3]]}';

  it('by name: run.analysis.json is skipped, the same text named run.json is read', () => {
    assert.equal(looksLikeTensorText('/w/run.analysis.json', exported), false);
    assert.equal(looksLikeTensorFile('/w/RUN.Analysis.JSON', new TextEncoder().encode(exported)), false);
    assert.equal(looksLikeTensorText('/w/run.json', exported), true);
    assert.equal(looksLikeTensorText('/w/analysis.json', exported), true, 'only the <stem>.analysis.json suffix');
  });

  it('Analyze File on one says what it is', () => {
    assert.match(notATensorFileMessage('run.analysis.json'), /^run\.analysis\.json is an analysis written by Export Analysis/);
    assert.match(notATensorFileMessage('notes.json'), /^notes\.json is not a tensor file/);
  });
});

describe('Analyze File on a CSV with no header row (np.savetxt without header=)', () => {
  const enc = (s: string) => new TextEncoder().encode(s);

  it('is not taken for a tensor file (no diagnostics on open), and the command says what the reader would', () => {
    const text = '\n1.5,-0.25,2\n0.5,0.75,0\n';
    assert.equal(looksLikeTensorFile('/w/x.csv', enc(text)), false);
    assert.equal(looksLikeTensorText('/w/x.csv', text), false);
    assert.equal(
      notATensorFileMessage('x.csv', enc(text)),
      'x.csv is not a tensor file yet: the first line holds numbers, not column names; add a header row such as logit_0,logit_1,label',
    );
    assert.match(notATensorFileMessage('x.tsv', enc('1.5\t2\t0\n')), /^x\.tsv is not a tensor file yet: the first line holds numbers/);
    assert.match(
      notATensorFileMessage('x.csv', enc('1.5 2 0\n')),
      /^x\.csv is not a tensor file yet: the first line holds numbers separated by spaces/,
    );
  });

  it('any other CSV or JSON keeps the general message', () => {
    for (const [name, text] of [
      ['notes.csv', 'name,age\nada,36\n'],
      ['notes.json', '[1, 2]'],
      ['odd.csv', '\u0000\u0001'],
    ]) {
      assert.equal(notATensorFileMessage(name, enc(text)), notATensorFileMessage(name), name);
      assert.match(notATensorFileMessage(name, enc(text)), new RegExp(`^${name.replace('.', '\\.')} is not a tensor file: expected`));
    }
  });
});

describe('menus (package.json)', () => {
  const menus = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')).contributes.menus;
  /** The regular expression of a `resourceFilename =~ /…/i` when clause. */
  const filenameRegex = (when: string) => {
    const m = /resourceFilename =~ \/(.*)\/([a-z]*)$/.exec(when);
    assert.ok(m, when);
    return new RegExp(m[1], m[2]);
  };

  it('Export Analysis is in the explorer menu of tensor files, not of exported analyses', () => {
    const entry = menus['explorer/context'].find((e: { command: string }) => e.command === 'gradientLens.exportAnalysis');
    assert.ok(entry, 'explorer/context has gradientLens.exportAnalysis');
    const re = filenameRegex(entry.when);
    for (const name of [
      'iris.json',
      'preds.jsonl',
      'preds.NDJSON',
      'logits.CSV',
      'x.tsv',
      'a.npy',
      'a.npz',
      'm.safetensors',
      'm.pt',
      'm.pth',
    ])
      assert.equal(re.test(name), true, name);
    for (const name of ['iris.analysis.json', 'notes.txt', 'run.jsonl']) assert.equal(re.test(name), false, name);
  });

  it('a run’s run.jsonl is never taken for a tensor file, whatever its lines hold; another .jsonl of records is', () => {
    const line = '{"gradientLensRun": 1, "note": "\\"logits\\""}\n{"logits": [1, 2], "label": 0}\n';
    assert.equal(looksLikeTensorText('/w/run/run.jsonl', line), false);
    assert.equal(looksLikeTensorFile('/w/run/RUN.jsonl', new TextEncoder().encode(line)), false);
    assert.equal(looksLikeTensorText('/w/preds.jsonl', line), true);
    assert.equal(looksLikeTensorText('/w/my-run.jsonl', line), true);
  });

  it('Analyze File and the views are in the explorer menu of a .jsonl, not of a run’s run.jsonl (Open Training Run is)', () => {
    const analyze = menus['explorer/context'].filter((e: { command: string }) => e.command !== 'gradientLens.openTrainingRun');
    const extname = (when: string) => {
      const m = /resourceExtname =~ \/(.*)\/([a-z]*) && resourceFilename != run\.jsonl/.exec(when);
      assert.ok(m, when);
      return new RegExp(m[1], m[2]);
    };
    for (const entry of analyze.filter((e: { when: string }) => e.when.startsWith('resourceExtname'))) {
      assert.equal(extname(entry.when).test('.jsonl'), true, entry.command);
      assert.equal(extname(entry.when).test('.ndjson'), true, entry.command);
    }
    const run = menus['explorer/context'].find((e: { command: string }) => e.command === 'gradientLens.openTrainingRun');
    assert.match(run.when, /resourceFilename == run\.jsonl/);
  });

  it('the panel’s title bar has Pin when unpinned and Unpin when pinned', () => {
    const title = menus['editor/title'];
    const pin = title.find((e: { command: string }) => e.command === 'gradientLens.pinPanel');
    const unpin = title.find((e: { command: string }) => e.command === 'gradientLens.unpinPanel');
    assert.equal(pin.when, "activeWebviewPanelId == 'gradientLens.panel' && !gradientLens.panelPinned");
    assert.equal(unpin.when, "activeWebviewPanelId == 'gradientLens.panel' && gradientLens.panelPinned");
  });
});
