/**
 * The finite-difference check of a network entry by entry (issue 18): every layer's ∂L/∂W and ∂L/∂b
 * against central differences of the whole network's loss, the relative error per entry as the
 * check defines it, a deliberately wrong analytic entry found where it is, the panel's payload and
 * "Finite differences" view holding the core's numbers, and the CLI listing the worst entries.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { NetworkData } from '../../../src/core/dataset';
import { loadTensorFile } from '../../../src/core/load';
import { analyzeNetwork, networkLoss, withLayerParameters, type NetworkAnalysis } from '../../../src/core/network';
import { entryLabel, networkFiniteDifferences, worstEntries } from '../../../src/core/networkFiniteDifferences';
import { finiteDifferencePayload } from '../../../src/extension/finiteDifferencePayload';
import type { Payload } from '../../../src/shared/protocol';
import { viewsFor } from '../../../src/webview/state';
import { rendererFor } from '../../../src/webview/views/index';
import { CHECK_PARAMETER_LIMIT, finiteDifferencesOf, networkPayload, networkPayloadOf } from '../../../src/extension/networkPayload';
import type { FileAnalysis } from '../../../src/extension/analysisService';
import { runPipeline } from '../../../src/core/pipeline';
import { cli } from '../../helpers/cli';
import { cells, DARK, dom } from '../webview/helpers';

const root = join(__dirname, '..', '..', '..');
const EXAMPLES = ['network.json', 'network-mse.json'];

function example(name: string): NetworkData {
  const { dataset, problems } = loadTensorFile(new Uint8Array(readFileSync(join(root, 'examples', name))), name);
  assert.deepEqual(problems, []);
  assert.equal(dataset?.task, 'network');
  return dataset as NetworkData;
}

/** The analysis with one analytic gradient entry moved by `by`: a wrong backward pass at a known place. */
function withWrongEntry(a: NetworkAnalysis, layer: number, part: 'weights' | 'bias', index: number, by: number): NetworkAnalysis {
  const layers = a.layers.map((l, i) => {
    if (i !== layer) return l;
    const g = Float64Array.from(part === 'weights' ? l.gradWeights : l.gradBias);
    g[index] += by;
    return part === 'weights' ? { ...l, gradWeights: g } : { ...l, gradBias: g };
  });
  return { ...a, layers };
}

describe('networkFiniteDifferences', () => {
  for (const name of EXAMPLES) {
    it(`${name}: every entry's relative error is |a − n| / max(|a|, |n|), n the central difference of the loss`, () => {
      const data = example(name);
      const analysis = analyzeNetwork(data);
      const tensors = networkFiniteDifferences(data, 'mean', analysis);
      assert.deepEqual(
        tensors.map((t) => [t.name, t.rows, t.cols]),
        data.layers.flatMap((l, i) => [
          [`layer ${i + 1} weights`, l.outputs, l.inputs],
          [`layer ${i + 1} biases`, 1, l.outputs],
        ]),
      );
      let probed = 0;
      for (const t of tensors) {
        const layer = data.layers[t.layer];
        const params = t.part === 'weights' ? layer.weights : layer.bias;
        assert.deepEqual(t.analytic, t.part === 'weights' ? analysis.layers[t.layer].gradWeights : analysis.layers[t.layer].gradBias);
        for (let i = 0; i < params.length; i++) {
          if (t.skipped[i]) {
            assert.ok(Number.isNaN(t.numeric[i]) && Number.isNaN(t.relative[i]), `${t.name}[${i}] skipped`);
            continue;
          }
          probed++;
          // The central difference, recomputed here with the check's step h = 1e-6.
          const h = Math.max(1e-6, Math.abs(params[i]) * 1e-10);
          const moved = (by: number) => {
            const p = Float64Array.from(params);
            p[i] += by;
            return networkLoss(
              t.part === 'weights' ? withLayerParameters(data, t.layer, p) : withLayerParameters(data, t.layer, undefined, p),
            );
          };
          const n = (moved(h) - moved(-h)) / (2 * h);
          assert.equal(t.numeric[i], n, `${t.name}[${i}] central difference`);
          const a = t.analytic[i];
          const scale = Math.max(Math.abs(a), Math.abs(n));
          assert.equal(t.relative[i], scale === 0 ? 0 : Math.abs(a - n) / scale, `${t.name}[${i}] relative error`);
          // Backpropagation is right: the central difference agrees to its own truncation and rounding error.
          assert.ok(t.relative[i] < 1e-6 || Math.abs(a - n) < 1e-9, `${t.name}[${i}]: ${a} vs ${n}`);
          assert.equal(t.wrong[i], 0);
        }
        assert.equal(t.check.checked, params.length - t.check.skipped);
        assert.equal(
          t.skipped.reduce((s, v) => s + v, 0),
          t.check.skipped,
        );
        assert.equal(t.check.maxRelativeError, Math.max(0, ...Array.from(t.relative).filter((v) => !Number.isNaN(v))));
        assert.ok(t.check.passed);
      }
      assert.ok(probed > 0);
    });
  }

  it('a deliberately wrong analytic entry is the one flagged, and the worst listed', () => {
    const data = example('network.json');
    const right = analyzeNetwork(data);
    // Layer 2 (3 × 5) weight [1][2]: index 7; and layer 1's bias [2].
    for (const [layer, part, index, label] of [
      [1, 'weights', 7, 'W2[1][2]'],
      [0, 'bias', 2, 'b1[2]'],
    ] as const) {
      const wrong = withWrongEntry(right, layer, part, index, 0.01);
      const tensors = networkFiniteDifferences(data, 'mean', wrong);
      const t = tensors.find((x) => x.layer === layer && x.part === part)!;
      assert.deepEqual(
        Array.from(t.wrong).flatMap((v, i) => (v ? [i] : [])),
        [index],
      );
      assert.equal(worstEntries(t, 3)[0], index);
      assert.equal(entryLabel(t, index), label);
      assert.equal(t.check.passed, false);
      assert.equal(t.check.worstIndex, index);
      // The central difference does not depend on the analytic gradient: |a − n| is the 0.01 put in.
      assert.ok(Math.abs(Math.abs(t.analytic[index] - t.numeric[index]) - 0.01) < 1e-8);
      for (const other of tensors) if (other !== t) assert.ok(other.check.passed, other.name);
    }
  });

  it('maxCoordinates probes evenly spaced entries and leaves the rest NaN', () => {
    const data = example('network.json');
    const t = networkFiniteDifferences(data, 'mean', undefined, 4).find((x) => x.layer === 1 && x.part === 'weights')!;
    const probed = Array.from(t.numeric).flatMap((v, i) => (Number.isNaN(v) ? [] : [i]));
    assert.deepEqual(probed, [0, 3, 7, 11]);
  });
});

describe('the panel’s "Finite differences" view', () => {
  it('draws the core’s central differences, analytic gradients and relative errors, wrong entry first', () => {
    const data = example('network.json');
    const analysis = withWrongEntry(analyzeNetwork(data), 1, 'weights', 7, 0.01);
    const tensors = networkFiniteDifferences(data, 'mean', analysis);
    const fd = finiteDifferencePayload(tensors);
    assert.equal(fd.wrongEntries, 1);
    assert.equal(
      fd.entries,
      tensors.reduce((s, t) => s + t.check.checked, 0),
    );
    const payload: Payload = { ...networkPayload(data, analysis, 'network.json', 'mean', null), finiteDifferences: fd };
    assert.deepEqual(viewsFor(payload), ['network', 'chain', 'losses', 'finite']);
    assert.ok(!viewsFor(networkPayload(data, analysis, 'network.json', 'mean', null)).includes('finite'));

    const { document, ui } = dom();
    const host = document.createElement('div');
    document.body.appendChild(host);
    rendererFor('finite', payload)(host, {
      doc: document,
      payload,
      row: null,
      pull: () => undefined,
      selected: 0,
      layer: 0,
      theme: DARK,
      width: 1000,
      ui,
      select: () => {},
      selectLayer: () => {},
    });
    const sections = Array.from(host.querySelectorAll('[data-testid="fd-tensor"]'));
    assert.deepEqual(
      sections.map((s) => s.getAttribute('data-name')),
      tensors.map((t) => t.name),
    );
    sections.forEach((section, k) => {
      const t = tensors[k];
      const read = (part: string) => cells(section.querySelector(`[data-testid="fd-${part}-heatmap"]`)!, '[data-testid="heatmap-cell"]');
      const same = (got: number, want: number) =>
        assert.ok(Object.is(got, want) || (Number.isNaN(got) && Number.isNaN(want)), `${got} ≠ ${want}`);
      for (const c of read('given')) same(c.value, t.numeric[c.row * t.cols + c.col]);
      for (const c of read('expected')) same(c.value, t.analytic[c.row * t.cols + c.col]);
      for (const c of read('relative')) same(c.value, t.relative[c.row * t.cols + c.col]);
      assert.equal(read('relative').length, t.rows * t.cols);
    });
    const w2 = sections[2];
    const first = w2.querySelector('[data-testid="fd-worst-entry"]')!;
    assert.equal(first.getAttribute('data-index'), '7');
    assert.equal(first.getAttribute('data-wrong'), 'true');
    assert.match(first.textContent!, /^W2\[1\]\[2\]: finite difference .*, analytic .* \(relative error/);
    assert.match(host.textContent!, /1 of \d+ entries differ/);
  });
});

describe('gradient-lens check on a network', () => {
  it('lists each tensor’s worst entries with the analytic value, the finite difference and their relative error', () => {
    const data = example('network.json');
    const tensors = networkFiniteDifferences(data, 'mean');
    const json = cli('check', join(root, 'examples', 'network.json'), '--json');
    assert.equal(json.status, 0);
    const checks = JSON.parse(json.stdout) as { name: string; worst: { entry: string; index: number; relativeError: number }[] }[];
    assert.deepEqual(
      checks.map((c) => c.name),
      tensors.map((t) => t.check.name),
    );
    checks.forEach((c, k) => {
      assert.deepEqual(
        c.worst.map((w) => w.index),
        worstEntries(tensors[k], 3),
      );
      for (const w of c.worst) assert.equal(w.relativeError, tensors[k].relative[w.index]);
    });
    const text = cli('check', join(root, 'examples', 'network.json'));
    const w = checks[2].worst[0];
    assert.ok(text.stdout.includes(`       ${w.entry}: analytic `), text.stdout);
  });
});

describe('the network payload carries the per-entry check', () => {
  it('for a small network, once per analysis, its worst error the payload’s gradientCheckError', () => {
    const bytes = new Uint8Array(readFileSync(join(root, 'examples', 'network.json')));
    const file = { ...runPipeline(bytes, 'network.json'), fileName: 'network.json' } as unknown as FileAnalysis;
    const payload = networkPayloadOf(file)!;
    const fd = finiteDifferencesOf(file.dataset as NetworkData, file.network!.analysis)!;
    // The same object the second time: the panel's shows and the command share one computation.
    assert.equal(finiteDifferencesOf(file.dataset as NetworkData, file.network!.analysis), fd);
    assert.equal(payload.finiteDifferences, fd.payload);
    assert.equal(payload.gradientCheckError, Math.max(...fd.tensors.map((t) => t.check.maxRelativeError)));
    assert.ok(payload.gradientCheckError! > 0 && payload.gradientCheckError! < 1e-6);
  });

  it(`above ${CHECK_PARAMETER_LIMIT} parameters it is left out (two forward passes per parameter)`, () => {
    const width = 71; // 71 × 71 + 71 + 3 × 71 + 3 = 5,328 parameters
    const row = (k: number, seed: number) => Array.from({ length: k }, (_, j) => Math.sin(seed * 7 + j) / 10);
    const file = {
      network: {
        layers: [
          { weights: Array.from({ length: width }, (_, i) => row(width, i)), bias: row(width, 99), activation: 'tanh' },
          { weights: Array.from({ length: 3 }, (_, i) => row(width, 200 + i)), bias: [0, 0, 0], activation: 'softmax' },
        ],
      },
      inputs: [row(width, 1), row(width, 2)],
      labels: [0, 2],
    };
    const result = runPipeline(new TextEncoder().encode(JSON.stringify(file)), 'big.json');
    const analysis = { ...result, fileName: 'big.json' } as unknown as FileAnalysis;
    const payload = networkPayloadOf(analysis)!;
    assert.equal(payload.finiteDifferences, null);
    assert.equal(payload.gradientCheckError, null);
    assert.ok(!viewsFor(payload).includes('finite'));
  });
});
