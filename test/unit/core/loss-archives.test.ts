/**
 * Issue 19's leftovers against PyTorch's float64 golden values (test/fixtures/loss-reference.json,
 * test/reference/make_loss_reference.py):
 *  - log-probabilities in .npz / .safetensors arrays (`log_probs`, `logp`, …) are the input of nll
 *    and kl_div, as JSON's "log_probabilities" key;
 *  - a .safetensors `__metadata__` names the loss and its options like JSON's "loss" key;
 *  - reduction "sum" of a named elementwise loss is torch's (all N × D terms), while the unnamed
 *    default MSE keeps its documented Σ_i of per-sample means.
 */
import { fixtureData } from '../../webview-page/fixtureData';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../../../src/cli/commands';
import { writeNpz, type NpzArray } from '../../../src/core/npz';
import { writeSafetensors } from '../../../src/core/safetensors';
import { regressionLoss } from '../../../src/core/loss/regression';
import type { Payload } from '../../../src/shared/protocol';
import { rendererFor } from '../../../src/webview/views/index';
import { regressionPayload } from '../../webview-page/payloads';
import { assertClose } from '../../helpers/close';
import { DARK, dom } from '../webview/helpers';

interface Case {
  name: string;
  file: Record<string, unknown>;
  reduction: 'mean' | 'sum';
  loss: number;
  losses: number[];
  gradient: number[] | number[][];
  cli?: string[];
}

const reference = JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'loss-reference.json'), 'utf8')) as {
  suggestedTolerance: { relative: number; absolute: number };
  cases: Case[];
};
const { relative, absolute } = reference.suggestedTolerance;
const byName = (name: string) => reference.cases.find((c) => c.name === name)!;
const INPUTS = ['logits', 'probabilities', 'log_probabilities', 'predictions'];

/** `gradient-lens analyze FILE --json` on these bytes, in process. */
function analyzeBytes(bytes: Uint8Array, name: string, args: string[] = []) {
  let out = '';
  let err = '';
  const status = runCli(['analyze', name, '--json', ...args], {
    readFile: (path) => {
      if (path === name) return bytes;
      throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
    },
    fileSize: () => bytes.length,
    out: (t) => (out += t),
    err: (t) => (err += t),
  });
  return { status, err, report: status === 0 ? (JSON.parse(out) as Record<string, unknown>) : null };
}

function tensor(value: unknown, integer: boolean): NpzArray {
  const rows = value as number[] | number[][];
  const flat = rows.flat() as number[];
  const shape = Array.isArray(rows[0]) ? [rows.length, (rows[0] as number[]).length] : [rows.length];
  return { data: integer ? Int32Array.from(flat) : Float64Array.from(flat), shape };
}

/** The case's input and targets as arrays, the input under `inputName`. */
function arraysOf(c: Case, inputName?: string): Record<string, NpzArray> {
  const out: Record<string, NpzArray> = {};
  for (const [key, value] of Object.entries(c.file)) {
    if (key === 'loss') continue;
    out[INPUTS.includes(key) ? (inputName ?? key) : key] = tensor(value, key === 'labels');
  }
  return out;
}

function expectGolden(report: Record<string, unknown> | null, c: Case, label: string): void {
  assert.ok(report, label);
  assertClose(report.loss, c.loss, relative, absolute, `${label} loss`);
  assertClose(report.losses, c.losses, relative, absolute, `${label} losses`);
  assertClose(report.gradient, c.gradient, relative, absolute, `${label} gradient`);
}

describe('log-probabilities in .npz and .safetensors arrays', () => {
  for (const name of ['log_probabilities', 'log_probs', 'logp', 'log_softmax', 'val_log_probs']) {
    it(`an array named ${name} is the input of nll (labels) and kl_div (targets)`, () => {
      for (const [caseName, loss] of [
        ['nll', 'nll'],
        ['kl_div_zero_targets', 'kl_div'],
      ] as const) {
        const c = byName(caseName);
        const { report, err } = analyzeBytes(writeNpz(arraysOf(c, name)), 'case.npz');
        assert.ok(report, err);
        assert.equal(report.input, 'log_probabilities');
        assert.equal((report.lossFunction as { name: string }).name, loss);
        expectGolden(report, c, `${name} ${caseName}`);
      }
    });
  }

  it('with options from the command line (weight, ignore_index -100 in the labels), and in a .safetensors', () => {
    const c = byName('nll_weight_ignore');
    const args = ['--weight', (c.file.loss as { weight: number[] }).weight.join(',')];
    expectGolden(analyzeBytes(writeNpz(arraysOf(c, 'logp')), 'case.npz', args).report, c, 'npz');
    expectGolden(analyzeBytes(writeSafetensors(arraysOf(c, 'log_probs')), 'case.safetensors', args).report, c, 'safetensors');
  });

  it('--role log_probabilities=ARRAY picks an array whose name says nothing', () => {
    const c = byName('nll');
    const arrays = arraysOf(c, 'scores');
    const { report } = analyzeBytes(writeNpz(arrays), 'case.npz', ['--role', 'log_probabilities=scores']);
    assert.equal(report?.input, 'log_probabilities');
    expectGolden(report, c, '--role');
    // Without it, "scores" are read as logits (cross_entropy), not as log-probabilities (labels -100 → 0 for the default loss).
    const labels = arrays.labels.data.map((v) => (v < 0 ? 0 : v));
    const plain = analyzeBytes(writeNpz({ ...arrays, labels: { ...arrays.labels, data: labels } }), 'case.npz').report;
    assert.equal(plain?.input, 'logits');
    assert.equal((plain?.lossFunction as { name: string }).name, 'cross_entropy');
  });

  it('a positive "log-probability" is refused with the array named', () => {
    const c = byName('nll');
    const arrays = arraysOf(c, 'log_probs');
    (arrays.log_probs.data as Float64Array)[4] = 0.5;
    const { status, err } = analyzeBytes(writeNpz(arrays), 'case.npz');
    assert.equal(status, 1);
    assert.match(err, /log-probability 0\.5 in sample 1 \(class 1\) is above 0/);
  });
});

describe('.safetensors __metadata__ names the loss', () => {
  // Archives hold N × K inputs (a flat list of logits is JSON's convenience only).
  const named = reference.cases.filter((c) => c.file.loss && !c.cli && c.name !== 'bce_logits_binary_column');
  /** {"loss": "cross_entropy", "label_smoothing": "0.1", "weight": "[0.5,2,1,3]", "reduction": "sum"}: strings only. */
  const flat = (loss: unknown): Record<string, string> => {
    if (typeof loss === 'string') return { loss };
    const { name, ...options } = loss as Record<string, unknown>;
    const out: Record<string, string> = { loss: name as string };
    for (const [k, v] of Object.entries(options)) out[k] = typeof v === 'string' ? v : JSON.stringify(v);
    return out;
  };
  it(`as a name with options beside it: every one of ${named.length} reference cases equals PyTorch`, () => {
    for (const c of named) {
      const bytes = writeSafetensors(arraysOf(c), { ...flat(c.file.loss), format: 'pt' });
      const { report, err } = analyzeBytes(bytes, 'case.safetensors');
      assert.ok(report, `${c.name}: ${err}`);
      expectGolden(report, c, c.name);
      assert.equal(report.reduction, c.reduction, c.name);
    }
  });

  it('as one JSON object in a string, like the .npz loss member', () => {
    for (const name of ['ce_smoothing_weight_ignore_sum', 'bce_logits_pos_weight', 'huber_delta_2_sum', 'kl_div_sum']) {
      const c = byName(name);
      const bytes = writeSafetensors(arraysOf(c), { loss: JSON.stringify(c.file.loss) });
      expectGolden(analyzeBytes(bytes, 'case.safetensors').report, c, name);
    }
  });

  it('without a loss in the metadata the default applies; a number is a logged value, not a name', () => {
    const c = byName('ce_soft_smoothing');
    const plain = analyzeBytes(writeSafetensors(arraysOf(c)), 'case.safetensors').report!;
    const logged = analyzeBytes(writeSafetensors(arraysOf(c), { loss: '0.35' }), 'case.safetensors').report!;
    assert.deepEqual(logged, plain);
    assert.ok(Math.abs((plain.loss as number) - c.loss) > 1e-3, 'label smoothing changes the loss');
  });

  it('an unknown name or a bad option is an error naming the metadata', () => {
    const c = byName('ce_smoothing');
    const bad = analyzeBytes(writeSafetensors(arraysOf(c), { loss: 'cross_entropyy' }), 'case.safetensors');
    assert.equal(bad.status, 1);
    assert.match(bad.err, /"loss" in the metadata of case\.safetensors: /);
    const option = analyzeBytes(writeSafetensors(arraysOf(c), { loss: 'cross_entropy', label_smoothing: '1.5' }), 'case.safetensors');
    assert.equal(option.status, 1);
    assert.match(option.err, /"loss" in the metadata of case\.safetensors: label_smoothing must be a number from 0 to 1, found 1\.5/);
  });
});

describe('reduction "sum": torch\'s for a named loss, the documented Σ_i of per-sample means for the default MSE', () => {
  const sums = reference.cases.filter((c) => c.reduction === 'sum' && c.file.predictions !== undefined);
  it(`each named regression loss's sum is torch's sum over all N × D terms (${sums.length} cases)`, () => {
    assert.deepEqual(
      sums.map((c) => (c.file.loss as { name: string }).name),
      ['mse', 'l1', 'smooth_l1', 'smooth_l1', 'smooth_l1', 'huber', 'huber'],
    );
    for (const c of sums) {
      const bytes = new TextEncoder().encode(JSON.stringify(c.file));
      const { report } = analyzeBytes(bytes, 'case.json');
      expectGolden(report, c, c.name);
      // torch's sum is D times the sum of the per-sample means (the `losses`).
      const d = (c.file.predictions as number[][])[0].length;
      assertClose(report!.loss, d * c.losses.reduce((s, v) => s + v, 0), 1e-12, 1e-12, c.name);
    }
  });

  it("the sum of the binary losses is torch's too", () => {
    const c = byName('bce_logits_weight_pos_weight_sum');
    expectGolden(analyzeBytes(new TextEncoder().encode(JSON.stringify(c.file)), 'case.json').report, c, c.name);
  });

  it('"loss": "mse" with --reduction sum is torch\'s sum; no loss named keeps Σ_i mean_d (torch\'s sum / D)', () => {
    const c = byName('mse_sum');
    const { loss, ...data } = c.file;
    assert.deepEqual(loss, { name: 'mse', reduction: 'sum' });
    const d = (c.file.predictions as number[][])[0].length;
    const named = analyzeBytes(new TextEncoder().encode(JSON.stringify({ ...data, loss: 'mse' })), 'case.json', ['--reduction', 'sum']);
    expectGolden(named.report, c, 'named mse, --reduction sum');
    const plain = analyzeBytes(new TextEncoder().encode(JSON.stringify(data)), 'case.json', ['--reduction', 'sum']).report!;
    assertClose(plain.loss, c.loss / d, 1e-12, 1e-12, 'default MSE sum');
    assertClose(
      plain.gradient,
      (c.gradient as number[][]).map((row) => row.map((g) => g / d)),
      1e-12,
      1e-15,
      'default MSE gradient',
    );
    // The mean is the same number either way (torch's mean).
    const mean = byName('mse');
    const { loss: _, ...meanData } = mean.file;
    expectGolden(analyzeBytes(new TextEncoder().encode(JSON.stringify(meanData)), 'case.json').report, mean, 'default MSE mean');
  });
});

describe('the panel says which sum it shows', () => {
  const heading = (payload: Payload) => {
    const { document, ui } = dom();
    const host = document.createElement('div');
    document.body.appendChild(host);
    const ctx = {
      doc: document,
      payload,
      ...fixtureData(payload, 0),
      selected: 0,
      layer: 0,
      theme: DARK,
      width: 800,
      ui,
      select: () => {},
      selectLayer: () => {},
    };
    rendererFor('losses', payload)(host, ctx);
    return host.textContent ?? '';
  };
  it('a named l1 summed over 5 × 3 terms is 3 × the sum of the bars; the default MSE sum is the bars’ sum', () => {
    const base = regressionPayload(5, 3);
    const l1 = regressionLoss(base.predictions, base.targets, 5, 3, { name: 'l1' }, 'sum');
    const sumOfBars = l1.losses.reduce((s, v) => s + v, 0);
    assertClose(l1.loss, 3 * sumOfBars, 1e-12, 1e-12);
    const named = heading({
      ...base,
      reduction: 'sum',
      loss: l1.loss,
      losses: l1.losses,
      gradient: l1.gradient,
      lossName: 'l1',
    } as Payload);
    assert.match(named, /Sum over all 5 × 3 terms, as torch's reduction="sum" \(3 × the sum of these per-sample means\)/);
    assert.match(heading({ ...base, reduction: 'sum' }), /Sum over 5 samples/);
  });
});
