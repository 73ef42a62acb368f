import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { analyze } from '../../../src/core/analysis';
import { parseClassNames, siblingClassNames } from '../../../src/core/classNames';
import type { ClassificationData, Dataset } from '../../../src/core/dataset';
import { loadTensorFile, type LoadOptions } from '../../../src/core/load';
import { writeNpy, type NpyArray } from '../../../src/core/npy';
import { writeNpz } from '../../../src/core/npz';
import { dtypeName } from '../../../src/core/arrayDescription';
import { siblingFilesFor } from '../../../src/core/npySiblings';
import { matchRoles, type RoleAssignment } from '../../../src/core/npzRoles';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'numpy');
const EXPECTED = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as Record<string, Expected>;

interface Expected {
  task: 'classification' | 'regression';
  input?: 'logits' | 'probabilities';
  n: number;
  k?: number;
  d?: number;
  loss: number;
  losses: number[];
  probabilities?: number[][];
  gradient: number[][] | number[];
  logit_gradient?: number[][];
  predicted?: number[];
  labels?: number[];
  classes?: string[];
}

/** Reads files beside `path` from disk, as the CLI does. */
const diskSiblings = (path: string) => (name: string) => {
  const p = join(dirname(path), name);
  return existsSync(p) ? new Uint8Array(readFileSync(p)) : null;
};

function load(rel: string, options: LoadOptions = {}) {
  const path = join(FIXTURES, rel);
  return loadTensorFile(new Uint8Array(readFileSync(path)), basename(path), { readSibling: diskSiblings(path), ...options });
}

/**
 * Equal to 1e-9 relative. The small absolute floor is for entries that are differences of O(1)
 * terms (p − y with p ≈ 1): float64 can only promise those to about 1e-16 absolute.
 */
function assertClose(actual: ArrayLike<number>, expected: number[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i];
    const a = actual[i];
    assert.ok(
      Math.abs(a - e) <= 1e-9 * Math.abs(e) + 1e-15,
      `${what}[${i}]: ${a} vs torch ${e} (relative error ${Math.abs(a - e) / Math.abs(e)})`,
    );
  }
}

function assertMatchesTorch(dataset: Dataset | null, expected: Expected, label: string): void {
  assert.ok(dataset, `${label}: no dataset`);
  assert.equal(dataset.task, expected.task, label);
  const a = analyze(dataset);
  assert.equal(a.n, expected.n);
  assertClose([a.loss], [expected.loss], `${label} loss`);
  assertClose(a.losses, expected.losses, `${label} losses`);
  assertClose(a.gradient, (expected.gradient as (number | number[])[]).flat(), `${label} gradient`);
  if (a.task === 'classification') {
    assert.equal(a.input, expected.input, `${label} input role`);
    assert.equal(a.k, expected.k);
    assertClose(a.probabilities, expected.probabilities!.flat(), `${label} probabilities`);
    assertClose(a.logitGradient, expected.logit_gradient!.flat(), `${label} logit gradient`);
    assert.deepEqual(Array.from(a.predicted), expected.predicted, `${label} predicted`);
    const data = dataset as ClassificationData;
    if (expected.labels) assert.deepEqual(Array.from(data.labels ?? []), expected.labels, `${label} labels`);
    else assert.equal(data.labels, null, `${label}: soft targets, no labels`);
    assert.deepEqual(data.classes, expected.classes ?? null, `${label} classes`);
  }
}

describe('NumPy files analysed match PyTorch', () => {
  const cases = Object.keys(EXPECTED).filter((k) => !k.includes('#'));
  it('has every fixture case (a guard against an empty loop)', () => {
    assert.equal(cases.length, 13);
  });
  for (const rel of cases) {
    it(rel, () => {
      const loaded = load(rel);
      assert.deepEqual(loaded.problems, []);
      assertMatchesTorch(loaded.dataset, EXPECTED[rel], rel);
    });
  }

  it('the ambiguous archive with either choice', () => {
    const path = join(FIXTURES, 'ambiguous.npz');
    const bytes = new Uint8Array(readFileSync(path));
    for (const array of ['preds', 'scores']) {
      const loaded = loadTensorFile(bytes, 'ambiguous.npz', { roleChoice: { logits: array, labels: 'y' } });
      assert.deepEqual(loaded.problems, []);
      assertMatchesTorch(loaded.dataset, EXPECTED[`ambiguous.npz#${array}`], array);
      // A partial choice: the labels are still found by matching.
      const partial = loadTensorFile(bytes, 'ambiguous.npz', { roleChoice: { logits: array } });
      assertMatchesTorch(partial.dataset, EXPECTED[`ambiguous.npz#${array}`], `${array} (partial choice)`);
    }
  });

  it('with siblings read ahead into a plain object (as the extension passes them to a worker)', () => {
    const path = join(FIXTURES, 'pair', 'scores.npy');
    const read = diskSiblings(path);
    const siblings: Record<string, Uint8Array | null> = {};
    for (const name of siblingFilesFor('scores.npy')) siblings[name] = read(name);
    assert.deepEqual(
      Object.keys(siblings).filter((n) => siblings[n]),
      ['scores_labels.npy', 'classes.txt'],
    );
    const direct = loadTensorFile(new Uint8Array(readFileSync(path)), 'scores.npy', { siblings });
    assertMatchesTorch(direct.dataset, EXPECTED['pair/scores.npy'], 'siblings map');
  });
});

describe('matchRoles', () => {
  const f64 = (shape: number[], values?: number[]): NpyArray => {
    const count = shape.reduce((a, b) => a * b, 1);
    return {
      dtype: '<f8',
      kind: 'float',
      shape,
      data: Float64Array.from(values ?? Array.from({ length: count }, (_, i) => (i % 7) - 3.5)),
    };
  };
  const i64 = (values: number[]): NpyArray => ({ dtype: '<i8', kind: 'int', shape: [values.length], data: Float64Array.from(values) });
  const str = (values: string[]): NpyArray => ({
    dtype: '<U5',
    kind: 'string',
    shape: [values.length],
    data: new Float64Array(0),
    strings: values,
  });
  const probs = f64([2, 3], [0.2, 0.3, 0.5, 0.1, 0.1, 0.8]);
  const match = (arrays: Record<string, NpyArray>, fixed?: RoleAssignment) =>
    matchRoles(Object.keys(arrays), Object.values(arrays), { fixed });
  const unique = (arrays: Record<string, NpyArray>, fixed?: RoleAssignment) => {
    const m = match(arrays, fixed);
    assert.equal(m.kind, 'unique', JSON.stringify(m));
    return m.kind === 'unique' ? m.assignment : {};
  };

  it('exact names win over aliases and content', () => {
    assert.deepEqual(
      unique({ scores: f64([2, 3]), logits: f64([2, 3]), y: i64([0, 1]), labels: i64([1, 1]), classes: str(['a', 'b', 'c']) }),
      { logits: 'logits', labels: 'labels', classes: 'classes' },
    );
  });

  it('exact names keep their role even when the content looks otherwise (logits that sum to 1)', () => {
    assert.deepEqual(unique({ logits: probs, labels: i64([0, 1]) }), { logits: 'logits', labels: 'labels' });
  });

  it('aliases: rows in [0, 1] summing to 1 are probabilities, others logits', () => {
    assert.deepEqual(unique({ y_pred: probs, y_true: i64([2, 0]) }), { probabilities: 'y_pred', labels: 'y_true' });
    assert.deepEqual(unique({ outputs: f64([2, 3]), label: i64([2, 0]) }), { logits: 'outputs', labels: 'label' });
    // A name that says which wins over the content.
    assert.deepEqual(unique({ probs: probs, target: f64([2, 3], [0, 0, 1, 1, 0, 0]) }), { probabilities: 'probs', targets: 'target' });
  });

  it('names that contain a role word ("val_logits", "val_labels")', () => {
    assert.deepEqual(unique({ val_logits: f64([2, 3]), val_labels: i64([0, 2]), embeddings: f64([2, 8]) }), {
      logits: 'val_logits',
      labels: 'val_labels',
    });
  });

  it('by content: np.savez(path, logits, labels) gives arr_0 and arr_1', () => {
    assert.deepEqual(unique({ arr_0: f64([2, 3]), arr_1: i64([0, 2]) }), { logits: 'arr_0', labels: 'arr_1' });
    // Logits beside one-hot rows: the one that is not a distribution is the input.
    assert.deepEqual(unique({ arr_0: f64([2, 3], [1, 0, 0, 0, 0, 1]), arr_1: f64([2, 3]) }), { logits: 'arr_1', targets: 'arr_0' });
    // An unnamed list of strings, one per class.
    assert.deepEqual(unique({ arr_0: f64([2, 3]), arr_1: i64([0, 2]), arr_2: str(['a', 'b', 'c']) }), {
      logits: 'arr_0',
      labels: 'arr_1',
      classes: 'arr_2',
    });
  });

  it('a column of whole numbers named "targets" is read as labels (PyTorch\'s convention)', () => {
    assert.deepEqual(unique({ logits: f64([2, 3]), targets: i64([0, 2]) }), { logits: 'logits', labels: 'targets' });
  });

  it('regression: same-shaped partners that are not distributions', () => {
    assert.deepEqual(unique({ outputs: f64([2, 3]), y: f64([2, 3], [9, 8, 7, 6, 5, 4]) }), { predictions: 'outputs', targets: 'y' });
    assert.deepEqual(unique({ preds: f64([4]), y: f64([4], [0.5, 1.5, 2.5, 3.5]) }), { predictions: 'preds', targets: 'y' });
  });

  it('targets that do not fit the input are not candidates', () => {
    // y has the wrong length for the logits; gt fits.
    assert.deepEqual(unique({ logits: f64([2, 3]), y: i64([0, 1, 2]), gt: i64([1, 1]) }), { logits: 'logits', labels: 'gt' });
  });

  it('two candidates for the input: ambiguous, with every complete choice', () => {
    const m = match({ preds: f64([2, 3]), scores: f64([2, 3]), y: i64([0, 1]) });
    assert.equal(m.kind, 'ambiguous');
    if (m.kind !== 'ambiguous') return;
    assert.equal(m.question, '"preds" and "scores" could each be the logits');
    assert.deepEqual(
      m.choices.map((c) => c.assignment),
      [
        { logits: 'preds', labels: 'y' },
        { logits: 'scores', labels: 'y' },
      ],
    );
    assert.equal(m.choices[0].label, 'logits ← preds · labels ← y');
    assert.equal(m.choices[1].description, 'scores float64 (2, 3) · y int64 (2,)');
  });

  it('two candidates for the labels: ambiguous', () => {
    const m = match({ logits: f64([2, 3]), y: i64([0, 1]), label: i64([1, 1]) });
    assert.equal(m.kind, 'ambiguous');
    if (m.kind !== 'ambiguous') return;
    assert.equal(m.question, '"y" and "label" could each be the labels');
    assert.equal(m.choices.length, 2);
  });

  it('a fixed (user-chosen) role removes the ambiguity and the rest is matched around it', () => {
    assert.deepEqual(unique({ preds: f64([2, 3]), scores: f64([2, 3]), y: i64([0, 1]) }, { logits: 'scores' }), {
      logits: 'scores',
      labels: 'y',
    });
  });

  it('nothing to analyse: no input in the assignment', () => {
    assert.deepEqual(unique({ weights: f64([3]), names: str(['x']) }), { classes: 'names' });
  });
});

describe('single .npy files', () => {
  const logits = writeNpy(Float64Array.from([1, 2, 3, 4, 5, 6]), [2, 3]);
  const labels = writeNpy(Int32Array.from([0, 2]), [2]);
  const load1 = (name: string, bytes: Uint8Array, siblings: Record<string, Uint8Array>) =>
    loadTensorFile(bytes, name, { readSibling: (n) => siblings[n] ?? null });

  it('finds <stem>_labels.npy before labels.npy', () => {
    const other = writeNpy(Int32Array.from([1, 1]), [2]);
    const r = load1('run.npy', logits, { 'run_labels.npy': labels, 'labels.npy': other });
    assert.deepEqual(Array.from((r.dataset as ClassificationData).labels!), [0, 2]);
    const spans = r.dataset!.spans.map((s) => s.role);
    assert.deepEqual(spans, ['logits', 'run_labels.npy']);
  });

  it('passes over a sibling of the wrong length for one that fits', () => {
    const wrong = writeNpy(Int32Array.from([0, 1, 2]), [3]);
    const r = load1('run.npy', logits, { 'run_labels.npy': wrong, 'targets.npy': writeNpy(Float64Array.from([0, 0, 1, 1, 0, 0]), [2, 3]) });
    assert.deepEqual(r.problems, []);
    assert.deepEqual(Array.from((r.dataset as ClassificationData).targets!), [0, 0, 1, 1, 0, 0]);
  });

  it('reports a sibling of the wrong length when none fits, naming both files', () => {
    const r = load1('run.npy', logits, { 'labels.npy': writeNpy(Int32Array.from([0, 1, 2]), [3]) });
    assert.equal(r.dataset, null);
    assert.equal(r.problems[0].message, '"labels.npy" has 3 entries but "run.npy" has 2 samples; there must be one label per sample');
  });

  it('without labels: an error that says where to put them', () => {
    const r = load1('run.npy', logits, {});
    assert.equal(r.dataset, null);
    assert.deepEqual(r.problems, [
      {
        severity: 'error',
        code: 'no-targets',
        start: 0,
        end: 0,
        message:
          'run.npy holds logits (2, 3); to compute a loss, save the labels (class indices) or targets (one-hot or soft rows) beside it as run_labels.npy, run_targets.npy, labels.npy or targets.npy, or save both in one .npz with np.savez(path, logits=..., labels=...)',
      },
    ]);
  });

  it('a corrupt sibling is named in the message', () => {
    const r = load1('run.npy', logits, { 'labels.npy': Uint8Array.from([0x93, 0x4e, 0x55]) });
    assert.equal(r.dataset, null);
    assert.match(r.problems[0].message, /^labels\.npy \(beside run\.npy, read for its labels\): labels\.npy: the file is truncated/);
  });

  it('a labels file alone explains that there is nothing to analyse', () => {
    const r = load1('labels.npy', labels, {});
    assert.equal(r.problems[0].code, 'npy-labels-only');
    assert.match(r.problems[0].message, /^labels\.npy holds 2 class indices \(int32\)/);
  });

  it('1-D floats are predictions, with targets from a sibling', () => {
    const preds = writeNpy(Float64Array.from([0.5, 2]), [2]);
    const r = load1('out.npy', preds, { 'targets.npy': writeNpy(Float64Array.from([1, 1]), [2]) });
    assert.equal(r.dataset?.task, 'regression');
    assert.equal(analyze(r.dataset!).loss, (0.25 + 1) / 2);
  });

  it('3-D arrays and strings are refused with their shape or dtype', () => {
    const cube = writeNpy(new Float64Array(8), [2, 2, 2]);
    assert.equal(
      load1('cube.npy', cube, {}).problems[0].message,
      'cube.npy has shape (2, 2, 2); expected logits or probabilities of shape (N, K), or predictions of shape (N,) or (N, D)',
    );
  });

  it("a corrupt .npy is a problem at byte 0 carrying the reader's message", () => {
    const r = loadTensorFile(logits.slice(0, 40), 'cut.npy');
    assert.equal(r.dataset, null);
    assert.equal(r.problems.length, 1);
    assert.equal(r.problems[0].start, 0);
    assert.equal(r.problems[0].end, 0);
    assert.match(r.problems[0].message, /^cut\.npy: the file is truncated/);
  });

  it('NaN in a sibling file names that file and the element', () => {
    const r = load1('run.npy', writeNpy(Float64Array.from([1, 2, Infinity, 4, NaN, 6]), [2, 3]), { 'labels.npy': labels });
    assert.deepEqual(
      r.problems.map((p) => p.message),
      [
        'run.npy: element [0, 2] (sample 0) is Infinity; the logits must be finite numbers',
        'run.npy: element [1, 1] (sample 1) is NaN; the logits must be finite numbers',
      ],
    );
  });
});

describe('.npz problems are named and located at byte 0', () => {
  const problemsOf = (rel: string, options: LoadOptions = {}) => {
    const r = load(rel, options);
    assert.equal(r.dataset, null);
    for (const p of r.problems) assert.deepEqual([p.start, p.end], [0, 0]);
    return r.problems.map((p) => `${p.code}: ${p.message}`);
  };

  it('ambiguous arrays (without a choice)', () => {
    assert.deepEqual(problemsOf('ambiguous.npz'), [
      'ambiguous-roles: ambiguous.npz: "preds" and "scores" could each be the logits; choose which (in VS Code a quick pick asks; on the command line add e.g. --role logits=preds --role labels=y, or rename the arrays)',
    ]);
  });
  it('a 3-D logits array', () => {
    assert.deepEqual(problemsOf('bad_shape.npz'), [
      'npy-shape: array "logits" in bad_shape.npz has shape (2, 3, 4), but the logits must have shape (N, K): one row of K class scores per sample',
    ]);
  });
  it('strings where numbers belong', () => {
    assert.deepEqual(problemsOf('string_logits.npz'), [
      'npy-strings: array "logits" in string_logits.npz holds strings (dtype <U1) but the logits must be numbers',
    ]);
  });
  it('no array to analyse lists what there is', () => {
    assert.deepEqual(problemsOf('nothing.npz'), [
      'no-tensor: nothing.npz has no array to analyse: name the model\'s outputs "logits" (or "probabilities", or "predictions" for regression) and the answers "labels" or "targets", e.g. np.savez(path, logits=..., labels=...). Its arrays: weights float64 (3,), names str1 (1,)',
    ]);
  });
  it('a label out of range', () => {
    assert.deepEqual(
      problemsOf('bad_label.npz').map((m) => m.split(':')[0]),
      ['label-range'],
    );
  });
  it('a NaN in a .npy beside its labels', () => {
    assert.deepEqual(problemsOf('nan/logits.npy'), [
      'non-finite: logits.npy: element [1, 0] (sample 1) is NaN; the logits must be finite numbers',
    ]);
  });
  it('a choice naming an array the archive does not have', () => {
    assert.deepEqual(problemsOf('ambiguous.npz', { roleChoice: { logits: 'nope' } }), [
      'role-choice: ambiguous.npz has no array "nope" (for the logits); its arrays: preds float32 (4, 3), scores float32 (4, 3), y int32 (4,)',
    ]);
  });
  it('a truncated archive', () => {
    const bytes = new Uint8Array(readFileSync(join(FIXTURES, 'classified.npz'))).slice(0, 100);
    const r = loadTensorFile(bytes, 'x.npz');
    assert.equal(r.problems[0].code, 'npz');
    assert.match(r.problems[0].message, /^x\.npz: /);
  });
  it('an archive written by writeNpz with positional names and classes as a warning when numeric 2-D', () => {
    const bytes = writeNpz({
      logits: { data: Float64Array.from([1, 2, 3, 4]), shape: [2, 2] },
      labels: { data: Int32Array.from([0, 1]), shape: [2] },
      classes: { data: Int32Array.from([7, 8, 9, 10]), shape: [2, 2] },
    });
    const r = loadTensorFile(bytes, 'w.npz');
    assert.ok(r.dataset);
    assert.deepEqual(
      r.problems.map((p) => [p.severity, p.message]),
      [['warning', 'array "classes" in w.npz should hold class names (strings), but it has shape (2, 2); the names are ignored']],
    );
  });
});

describe('class names from a sibling file', () => {
  it('parses one name per line: BOM, CRLF and CR, trimmed, trailing blank lines dropped, inner blanks by index', () => {
    const bytes = new TextEncoder().encode('\ufeffcat \r\n dog\r\rbird\n\n\n');
    assert.deepEqual(parseClassNames(bytes), ['cat', 'dog', '2', 'bird']);
  });

  it('classes.txt first, then labels.txt; a wrong-count classes.txt is a warning, a wrong-count labels.txt is silent', () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    const files: Record<string, Uint8Array> = { 'classes.txt': enc('a\nb\n'), 'labels.txt': enc('x\ny\nz\n') };
    const found = siblingClassNames(3, (n) => files[n] ?? null);
    assert.deepEqual(found.names, ['x', 'y', 'z']);
    assert.equal(found.file, 'labels.txt');
    assert.deepEqual(
      found.problems.map((p) => p.message),
      ['classes.txt beside this file has 2 names but there are 3 classes; the names are ignored'],
    );
    const silent = siblingClassNames(5, (n) => (n === 'labels.txt' ? files[n] : null));
    assert.deepEqual([silent.names, silent.problems], [null, []]);
  });

  it("a file's own classes win over a sibling classes.txt", () => {
    const r = load('classified.npz', { readSibling: (n) => (n === 'classes.txt' ? new TextEncoder().encode('x\ny\nz\n') : null) });
    assert.deepEqual((r.dataset as ClassificationData).classes, ['red', 'green', 'blue']);
  });

  it('JSON with a classes.txt of the wrong count: analysed, names ignored, one warning', () => {
    const r = load('wrong_count/data.json');
    assert.ok(r.dataset);
    assert.equal((r.dataset as ClassificationData).classes, null);
    assert.deepEqual(
      r.problems.map((p) => [p.severity, p.code]),
      [['warning', 'classes-count']],
    );
  });

  it('a network file takes sibling names for its softmax head', () => {
    const json = JSON.stringify({
      network: {
        layers: [
          {
            weights: [
              [1, 0],
              [0, 1],
              [1, 1],
            ],
            bias: [0, 0, 0],
            activation: 'softmax',
          },
        ],
      },
      inputs: [[1, 2]],
      labels: [2],
    });
    const r = loadTensorFile(new TextEncoder().encode(json), 'net.json', {
      siblings: { 'classes.txt': new TextEncoder().encode('a\nb\nc\n') },
    });
    assert.equal(r.dataset?.task, 'network', JSON.stringify(r.problems));
    assert.deepEqual(r.dataset?.task === 'network' && r.dataset.classes, ['a', 'b', 'c']);
  });

  it('siblingFilesFor lists what a caller should read ahead', () => {
    assert.deepEqual(siblingFilesFor('dir/run.npy'), [
      'run_labels.npy',
      'run_targets.npy',
      'labels.npy',
      'targets.npy',
      'classes.txt',
      'labels.txt',
    ]);
    assert.deepEqual(siblingFilesFor('labels.npy'), [
      'labels_labels.npy',
      'labels_targets.npy',
      'targets.npy',
      'classes.txt',
      'labels.txt',
    ]);
    assert.deepEqual(siblingFilesFor('data.npz'), ['classes.txt', 'labels.txt']);
  });

  it('dtype names', () => {
    assert.deepEqual(['<f4', '>f8', '|b1', '<i8', '<U7', '|u1'].map(dtypeName), [
      'float32',
      'float64 (big-endian)',
      'bool',
      'int64',
      'str7',
      'uint8',
    ]);
  });
});
