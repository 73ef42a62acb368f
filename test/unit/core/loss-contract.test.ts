/**
 * The loss contract's edges (issue 19): located errors for unknown names and options, a weight or
 * pos_weight of the wrong length, BCE targets outside [0, 1]; a warning for a top-level key the
 * product does not read; the loss from an .npz string, from the setting, and from CLI flags.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { zipSync } from 'fflate';
import { runCli } from '../../../src/cli/commands';
import type { ClassificationData } from '../../../src/core/dataset';
import { LineIndex, formatLocation } from '../../../src/core/lineIndex';
import { loadTensorFile } from '../../../src/core/load';
import { writeNpy } from '../../../src/core/npy';
import { runPipeline } from '../../../src/core/pipeline';

const enc = (s: string) => new TextEncoder().encode(s);

/** The file's problems as "LINE:COL: severity: message" (1-based), as the CLI prints them. */
function problemsOf(text: string, options = {}): string[] {
  const bytes = enc(text);
  const index = new LineIndex(bytes);
  return loadTensorFile(bytes, 'f.json', options).problems.map(
    (p) => `${formatLocation('', index, p.start).slice(1)}: ${p.severity}: ${p.message}`,
  );
}

/** The text under a problem's range. */
function under(text: string, code: string): string {
  const bytes = enc(text);
  const p = loadTensorFile(bytes, 'f.json').problems.find((x) => x.code === code);
  assert.ok(p, `no problem ${code}`);
  return new TextDecoder().decode(bytes.subarray(p.start, p.end));
}

describe('located errors in the "loss"', () => {
  it('an unknown loss name points at the name', () => {
    const text = '{"loss": "cross_entropyy", "logits": [[1, 2]], "labels": [0]}';
    assert.equal(under(text, 'loss-name'), '"cross_entropyy"');
    assert.match(problemsOf(text)[0], /^1:10: error: unknown loss "cross_entropyy"; the losses are cross_entropy, nll, kl_div/);
  });
  it('accepts torch’s spellings: mse_loss, CrossEntropyLoss, BCEWithLogitsLoss', () => {
    for (const [name, file] of [
      ['mse_loss', '"predictions": [1], "targets": [2]'],
      ['CrossEntropyLoss', '"logits": [[1, 2]], "labels": [0]'],
      ['BCEWithLogitsLoss', '"logits": [[1, 2]], "targets": [[0, 1]]'],
    ]) {
      assert.deepEqual(problemsOf(`{"loss": "${name}", ${file}}`), [], name);
    }
  });
  it('an unknown option points at its key and says what the loss takes', () => {
    const text = '{"loss": {"name": "huber", "beta": 2}, "predictions": [1], "targets": [2]}';
    assert.equal(under(text, 'loss-option'), '"beta"');
    assert.match(problemsOf(text)[0], /huber has no option "beta"; it takes delta and reduction/);
  });
  it('an option of the wrong kind points at its value', () => {
    const text = '{"loss": {"name": "cross_entropy", "label_smoothing": 1.5}, "logits": [[1, 2]], "labels": [0]}';
    assert.equal(under(text, 'loss-option'), '1.5');
  });
  it('a weight of the wrong length points at the weight', () => {
    const text = '{"loss": {"name": "cross_entropy", "weight": [1, 2]}, "logits": [[1, 2, 3]], "labels": [0]}';
    assert.equal(under(text, 'loss-weight'), '[1, 2]');
    assert.match(problemsOf(text)[0], /weight has 2 values but there are 3 classes; it needs 3, one per class/);
  });
  it('a pos_weight that is neither K nor 1 long points at the pos_weight', () => {
    const text =
      '{"loss": {"name": "binary_cross_entropy_with_logits", "pos_weight": [1, 2]}, "logits": [[1, 2, 3]], "targets": [[0, 1, 1]]}';
    assert.equal(under(text, 'loss-pos-weight'), '[1, 2]');
    assert.deepEqual(problemsOf(text.replace('[1, 2]}', '[2]}')), []);
  });
  it('BCE targets outside [0, 1] point at the value', () => {
    const text = '{"loss": "binary_cross_entropy_with_logits", "logits": [[1, 2]], "targets": [[0, 1.5]]}';
    assert.equal(under(text, 'targets-range'), '1.5');
  });
  it('a loss that does not take the file’s tensor says which would', () => {
    assert.match(
      problemsOf('{"loss": "l1", "logits": [[1, 2]], "labels": [0]}')[0],
      /l1 takes "predictions", but the file has "logits"; for "logits" use "cross_entropy" or "binary_cross_entropy_with_logits"/,
    );
  });
  it('every label ignored: the mean would be 0/0', () => {
    assert.match(problemsOf('{"loss": "cross_entropy", "logits": [[1, 2]], "labels": [-100]}')[0], /every label equals ignore_index -100/);
  });
  it('without a "loss", a label of -100 is still out of range (the product’s default has no ignore_index)', () => {
    assert.match(problemsOf('{"logits": [[1, 2]], "labels": [-100]}')[0], /label -100 of sample 0 is out of range/);
  });
});

describe('a network file’s "loss"', () => {
  const net = (loss: string) =>
    `{"loss": ${loss}, "network": {"layers": [{"weights": [[1, 0], [0, 1]], "bias": [0, 0], "activation": "softmax"}]}, "inputs": [[1, 2]], "labels": [1]}`;
  it('matching the head: nothing to say; another loss: a warning at it; an unknown one: an error', () => {
    assert.deepEqual(problemsOf(net('"cross_entropy"')), []);
    assert.match(
      problemsOf(net('"huber"'))[0],
      /^1:10: warning: this network's head computes cross_entropy \(its last layer is a softmax\), not huber/,
    );
    assert.match(problemsOf(net('"hubber"'))[0], /^1:10: error: unknown loss "hubber"/);
  });
});

describe('unknown top-level keys', () => {
  it('get a warning at the key; the analysis goes on', () => {
    const text = '{"logits": [[1, 2]], "labels": [0], "lossfn": "huber"}';
    assert.deepEqual(problemsOf(text), [
      '1:37: warning: the key "lossfn" is not one Gradient Lens reads, so it is ignored; the keys it reads are logits, probabilities, log_probabilities, predictions, labels, targets, classes and loss',
    ]);
    assert.ok(loadTensorFile(enc(text), 'f.json').dataset);
  });
  it('the keys of the other readers (own derivatives) are known', () => {
    assert.deepEqual(problemsOf('{"logits": [[1, 2]], "labels": [0], "dlogits": [[0.1, -0.1]], "sample": 0}'), []);
  });
});

/** A 1-D '<U' .npy holding one string. */
function npyString(value: string): Uint8Array {
  const width = Math.max(1, [...value].length);
  let header = `{'descr': '<U${width}', 'fortran_order': False, 'shape': (1,), }`;
  header += ' '.repeat(64 - ((10 + header.length + 1) % 64)) + '\n';
  const out = new Uint8Array(10 + header.length + 4 * width);
  out.set([0x93, ...enc('NUMPY'), 1, 0, header.length & 255, header.length >> 8]);
  out.set(enc(header), 10);
  const view = new DataView(out.buffer);
  [...value].forEach((c, i) => view.setUint32(10 + header.length + 4 * i, c.codePointAt(0)!, true));
  return out;
}

describe('the loss from outside a JSON file', () => {
  const npz = (loss: string) =>
    zipSync({
      'logits.npy': writeNpy(Float64Array.from([1000, -1000, 0.5, -2]), [2, 2]),
      'targets.npy': writeNpy(Float64Array.from([1, 0, 0, 1]), [2, 2]),
      'loss.npy': npyString(loss),
    });
  it('an .npz names it with a `loss` string (a name or a JSON object)', () => {
    const r = runPipeline(npz('{"name": "binary_cross_entropy_with_logits", "pos_weight": [2, 1]}'), 'run.npz');
    assert.deepEqual(r.problems, []);
    assert.equal(r.analysis?.lossSpec?.name, 'binary_cross_entropy_with_logits');
    // ℓ = mean of (0, 0, log(1 + e^0.5), 1·log(1 + e^2)) over the 4 outputs; no overflow at ±1000.
    assert.ok(Math.abs(r.analysis!.loss - (Math.log1p(Math.exp(0.5)) + Math.log1p(Math.exp(2))) / 4) < 1e-15);
    assert.match(loadTensorFile(npz('bce2'), 'run.npz').problems[0].message, /array "loss" in run.npz: unknown loss "bce2"/);
  });
  it('the gradientLens.loss setting is the default of a file that names none, not of one that does', () => {
    const text = '{"predictions": [1, 4], "targets": [2, 2]}';
    const setting = { fallback: { name: 'huber', delta: 1 } };
    assert.equal(runPipeline(enc(text), 'f.json', { loss: setting }).analysis!.loss, (0.5 + 1.5) / 2);
    assert.equal(runPipeline(enc(text.replace('{', '{"loss": "l1", ')), 'f.json', { loss: setting }).analysis!.loss, 1.5);
    assert.match(
      runPipeline(enc(text), 'f.json', { loss: { fallback: 'hubr' } }).problems[0].message,
      /gradientLens.loss: unknown loss "hubr"/,
    );
  });
  it('a CSV takes its loss from the setting; logprob_0… columns are log-probabilities', () => {
    const csv = enc('logit_0,logit_1,target_0,target_1\n0,0,1,0\n2,-2,1,1\n');
    const r = runPipeline(csv, 'f.csv', { loss: { fallback: '{"name": "binary_cross_entropy_with_logits"}' } });
    assert.equal(r.analysis?.lossSpec?.name, 'binary_cross_entropy_with_logits');
    const softplus = (x: number) => Math.log1p(Math.exp(x));
    assert.ok(Math.abs(r.analysis!.loss - (2 * Math.LN2 + softplus(-2) + softplus(2)) / 4) < 1e-15);
    const lp = runPipeline(enc(`logprob_0,logprob_1,label\n${Math.log(0.25)},${Math.log(0.75)},1\n`), 'lp.csv');
    assert.equal(lp.analysis?.lossSpec?.name, 'nll');
    assert.ok(Math.abs(lp.analysis!.loss + Math.log(0.75)) < 1e-15);
  });
  it('log_probabilities without a "loss" mean nll (labels) or kl_div (targets)', () => {
    const lp = [Math.log(0.25), Math.log(0.75)];
    const nll = loadTensorFile(enc(JSON.stringify({ log_probabilities: [lp], labels: [1] })), 'f.json').dataset as ClassificationData;
    assert.equal(nll.loss?.name, 'nll');
    const kl = loadTensorFile(enc(JSON.stringify({ log_probabilities: [lp], targets: [[0.5, 0.5]] })), 'f.json')
      .dataset as ClassificationData;
    assert.equal(kl.loss?.name, 'kl_div');
    assert.match(
      loadTensorFile(enc('{"log_probabilities": [[0.5, -1]], "labels": [0]}'), 'f.json').problems[0].message,
      /log-probability 0.5 in sample 0 \(class 0\) is above 0/,
    );
    const unnormalized = problemsOf('{"log_probabilities": [[-0.2, -1.8]], "labels": [0]}');
    assert.equal(unnormalized.length, 1);
    assert.match(unnormalized[0], /^1:24: warning: the log-probabilities of sample 0 add up, as probabilities, to 0\.98403, not 1/);
  });
});

describe('CLI loss flags', () => {
  const run = (text: string, ...args: string[]) => {
    let out = '';
    let err = '';
    const status = runCli(['analyze', 'f.json', '--json', ...args], {
      readFile: () => enc(text),
      fileSize: () => text.length,
      out: (t) => (out += t),
      err: (t) => (err += t),
    });
    return { status, out, err, report: out ? JSON.parse(out) : null };
  };
  const file = '{"loss": {"name": "cross_entropy", "weight": [1, 3]}, "logits": [[0, 0], [0, 0]], "labels": [0, 1]}';
  it('override the file’s options one by one and keep the others', () => {
    const r = run(file, '--label-smoothing', '0.5');
    assert.deepEqual(r.report.lossFunction, { name: 'cross_entropy', weight: [1, 3], label_smoothing: 0.5, ignore_index: -100 });
    assert.equal(r.report.loss, Math.LN2); // p = ½ everywhere: every term is log 2
  });
  it('--loss with another name drops the file’s options', () => {
    assert.deepEqual(run(file, '--loss', 'binary_cross_entropy_with_logits').report?.lossFunction, undefined); // labels: needs targets
    const r = run('{"logits": [[0, 0]], "targets": [[1, 0]]}', '--loss', 'binary_cross_entropy_with_logits', '--pos-weight', '2');
    assert.deepEqual(r.report.lossFunction, { name: 'binary_cross_entropy_with_logits', pos_weight: [2] });
    assert.ok(Math.abs(r.report.loss - (2 * Math.LN2 + Math.LN2) / 2) < 1e-15);
  });
  it('bad flags: exit 2 for a malformed number, 1 with FILE:1:1 for an option the loss does not take', () => {
    assert.equal(run(file, '--weight', '1,x').status, 2);
    const r = run(file, '--beta', '0.5');
    assert.equal(r.status, 1);
    assert.match(r.err, /^f\.json:1:1: --beta: cross_entropy has no option "beta"/);
  });
});
