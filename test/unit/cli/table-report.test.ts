/**
 * The table of a file the full reader reads (soft targets, a named loss, one-hot targets) makes
 * only the ∂L/∂z rows it prints (classificationTable): each row's loss, prediction and ‖∂L/∂z‖ must
 * be the batch analysis's, for the 50 rows shown, and ∂L/∂z the formula's.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runPipeline } from '../../../src/core/pipeline';
import { cli } from '../../helpers/cli';
import { seededUniform } from '../../helpers/seeded';

const dir = mkdtempSync(join(tmpdir(), 'gl-table-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The table's number format (src/cli/table.ts). */
const fmt = (x: number) => (Math.abs(x) >= 1e-3 && Math.abs(x) < 1e5 ? x.toFixed(6) : x.toExponential(4));

test('the full reader’s table: each shown row’s loss, prediction and ‖∂L/∂z‖ are the batch analysis’s', () => {
  const rand = seededUniform(61);
  const n = 120;
  const k = 6;
  const logits = Array.from({ length: n }, () => Array.from({ length: k }, () => Math.round((rand() - 0.5) * 8000) / 1000));
  const labels = logits.map(() => Math.floor(rand() * k));
  const soft = labels.map((l) => Array.from({ length: k }, (_, j) => (j === l ? 0.75 : 0.05)));
  const files: Record<string, object> = {
    'soft.json': { logits, targets: soft },
    'smoothing.json': { loss: { name: 'cross_entropy', label_smoothing: 0.1 }, logits, labels },
    'one-hot.json': { logits, targets: labels.map((l) => Array.from({ length: k }, (_, j) => +(j === l))) },
  };
  for (const [name, content] of Object.entries(files)) {
    const text = JSON.stringify(content);
    const path = join(dir, name);
    writeFileSync(path, text);
    const full = runPipeline(new TextEncoder().encode(text), name);
    const a = full.analysis!;
    assert.ok(a.task === 'classification' && a.logitGradient, name);
    const { status, stdout } = cli('analyze', path);
    assert.equal(status, 0, name);
    const rows = stdout.split('\n').filter((line) => /^\s+\d+\s/.test(line));
    assert.equal(rows.length, 50, `${name}: 50 rows shown`);
    rows.forEach((line, i) => {
      const [index, loss, predicted, norm] = line.trim().split(/\s+/);
      const g = Array.from(a.logitGradient.subarray(i * k, (i + 1) * k));
      assert.deepEqual(
        [index, loss, predicted, norm],
        [String(i), fmt(a.losses[i]), String(a.predicted[i]), fmt(Math.hypot(...g))],
        `${name} row ${i}`,
      );
    });
    assert.match(stdout, /… {2}70 more samples/);
  }
  // ∂L/∂z of the soft targets, by the formula: (softmax(z) − y)/N.
  const a = runPipeline(new TextEncoder().encode(JSON.stringify(files['soft.json'])), 'soft.json').analysis!;
  assert.ok(a.task === 'classification');
  const z = logits[7];
  const e = z.map((v) => Math.exp(v - Math.max(...z)));
  const sum = e.reduce((s, v) => s + v, 0);
  e.forEach((v, j) => assert.ok(Math.abs(a.logitGradient[7 * k + j] - (v / sum - soft[7][j]) / n) < 1e-16));
});
