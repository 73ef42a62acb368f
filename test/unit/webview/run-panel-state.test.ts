// The run panel's protocol validation and its state (appends, resets, flags, log-scale domain),
// fed with the manifest of the good fixture run.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readManifestChunk } from '../../../src/core/trainingRun';
import { parseRunWebviewMessage, type RunPoint, type RunUpdateMessage } from '../../../src/shared/protocol';
import { RunState } from '../../../src/webview/run/runState';

const RUNS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'runs');

function update(steps: RunPoint[], params: string[], reset = false, thresholds = { vanishing: 1e-6, exploding: 1e3 }): RunUpdateMessage {
  return { type: 'runUpdate', reset, runName: 'good', params, steps, problems: [], pending: false, thresholds };
}

describe('run panel', () => {
  it('accepts only its own messages, with whole non-negative step indices', () => {
    assert.deepEqual(parseRunWebviewMessage({ type: 'openStep', index: 3 }), { type: 'openStep', index: 3 });
    assert.deepEqual(parseRunWebviewMessage({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseRunWebviewMessage({ type: 'log', level: 'warn', message: 'x' }), { type: 'log', level: 'warn', message: 'x' });
    for (const bad of [
      null,
      'openStep',
      { type: 'openStep' },
      { type: 'openStep', index: -1 },
      { type: 'openStep', index: 1.5 },
      { type: 'openStep', index: '2' },
      { type: 'selectSample', index: 1 },
      { type: 'log', level: 'x', message: '' },
    ]) {
      assert.equal(parseRunWebviewMessage(bad), null, JSON.stringify(bad));
    }
  });

  it('appends updates, resets on a rewrite, and flags with the thresholds it is given', () => {
    const run = readManifestChunk(new Uint8Array(readFileSync(join(RUNS, 'good', 'run.jsonl'))));
    const params = run.steps[0].params.map((p) => p.name);
    const points: RunPoint[] = run.steps.map((s) => ({
      step: s.step,
      time: s.time,
      loss: s.loss,
      gradNorms: s.params.map((p) => p.gradNorm),
      weightNorms: s.params.map((p) => p.weightNorm),
    }));
    const state = new RunState();
    assert.equal(state.apply(update(points.slice(0, 2), params, true)), 2);
    assert.equal(state.apply(update(points.slice(2), params)), 3);
    assert.deepEqual(
      state.steps.map((s) => s.step),
      [0, 1, 2, 3, 4],
    );
    assert.equal(state.gradNorm(3, 2), run.steps[3].params[2].gradNorm);
    const all = run.steps.flatMap((s) => s.params.map((p) => p.gradNorm!));
    assert.deepEqual(state.normRange(), [Math.min(...all), Math.max(...all)]);
    assert.deepEqual(
      state.flagCounts().map((f) => f.vanishing + f.exploding),
      [0, 0, 0, 0],
    );
    // Thresholds that make every ratio ‖∂L/∂W‖/‖W‖ (0.08–0.4 here) vanishing, and 0.3 exploding.
    state.apply(update([], params, false, { vanishing: 1, exploding: 0.3 }));
    const ratios = run.steps.map((s) => s.params.map((p) => (p.gradNorm! > 0.3 ? 'exploding' : 'vanishing')));
    for (let i = 0; i < 5; i++) for (let p = 0; p < 4; p++) assert.equal(state.health(i, p), ratios[i][p], `step ${i} param ${p}`);
    state.apply(update(points.slice(0, 1), params, true));
    assert.deepEqual(
      state.steps.map((s) => s.step),
      [0],
    );
    assert.equal(state.health(0, 7), 'none');
  });
});
