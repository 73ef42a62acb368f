/**
 * The extension's worker writes an export a piece at a time (a large analysis's JSON or CSV is
 * more text than one V8 string holds, issue 22): the pieces, joined, are exportAnalysis's bytes
 * for every format, for the full analysis and for the worker's (rows derived on demand).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze } from '../../../src/core/analysis';
import { EXPORT_FORMATS, exportAnalysis, exportJacobian, type ExportFormat } from '../../../src/core/exportAnalysis';
import { runPipeline } from '../../../src/core/pipeline';
import { TensorStore } from '../../../src/core/tensorQuery';
import { seededUniform } from '../../helpers/seeded';

function logitsFile(n: number, k: number, soft = false): Uint8Array {
  const u = seededUniform(17);
  const rows = Array.from({ length: n }, () => `[${Array.from({ length: k }, () => (8 * u() - 4).toFixed(5)).join(', ')}]`);
  if (soft) {
    // Soft targets (rows summing to 1): the analysis holds p but, with rowsOnDemand, no ∂L/∂z.
    const targets = Array.from({ length: n }, () => {
      const w = Array.from({ length: k }, () => u());
      const sum = w.reduce((a, b) => a + b, 0);
      return `[${w.map((x) => x / sum).join(', ')}]`;
    });
    return new TextEncoder().encode(`{"logits": [${rows.join(', ')}], "targets": [${targets.join(', ')}]}`);
  }
  const labels = Array.from({ length: n }, () => Math.floor(u() * k));
  return new TextEncoder().encode(`{"logits": [${rows.join(', ')}], "labels": [${labels.join(', ')}]}`);
}

test('export pieces joined equal exportAnalysis in every format, from the full analysis and from rows on demand', () => {
  for (const soft of [false, true]) exportPiecesMatch(logitsFile(1500, 60, soft));
  // Matrices of 2.4 MB: the .npz stores p and ∂L/∂z (deflate does not pay) and deflates the
  // one-hot targets; given by rows, each is made in blocks of about 1 MB, twice for a stored one.
  exportPiecesMatch(logitsFile(3000, 100));
});

function exportPiecesMatch(bytes: Uint8Array): void {
  const ctx = { fileName: 'big.json', classes: null };
  const full = runPipeline(bytes, 'big.json');
  assert.equal(full.problems.filter((p) => p.severity === 'error').length, 0);
  const reference = analyze(full.dataset as never);
  for (const rowsOnDemand of [false, true]) {
    const store = new TensorStore(runPipeline(bytes, 'big.json', { rowsOnDemand }));
    for (const format of EXPORT_FORMATS as readonly ExportFormat[]) {
      const pieces = [...store.exportPieces({ kind: 'export', jacobianOf: null, format, fileName: 'big.json', classes: null })];
      const joined = Buffer.concat(pieces);
      const want = exportAnalysis(reference, format, { ...ctx, compress: true });
      assert.ok(joined.equals(Buffer.from(want)), `${format}, rowsOnDemand ${rowsOnDemand}: ${joined.length} vs ${want.length} bytes`);
      if (format === 'json' || format === 'csv') assert.ok(pieces.length > 1, `${format} in ${pieces.length} piece(s)`);
    }
    // A .npy is one array: each quantity's.
    for (const npy of ['gradient', 'logitGradient', 'probabilities', 'losses'] as const) {
      const query = { kind: 'export', jacobianOf: null, format: 'npy', fileName: 'big.json', classes: null, npy } as const;
      const joined = Buffer.concat([...store.exportPieces(query)]);
      const want = exportAnalysis(reference, 'npy', { ...ctx, npy });
      assert.ok(joined.equals(Buffer.from(want)), `.npy of ${npy}, rowsOnDemand ${rowsOnDemand}`);
    }
  }
}

test('a sample’s Jacobian export reads that row only, and equals exportJacobian of the full analysis in every format', () => {
  const bytes = logitsFile(300, 12);
  const reference = analyze(runPipeline(bytes, 'big.json').dataset as never);
  for (const rowsOnDemand of [false, true]) {
    const asked: [number, number][] = [];
    const store = new TensorStore(runPipeline(bytes, 'big.json', { rowsOnDemand }), (r0, r1) => asked.push([r0, r1]));
    for (const format of EXPORT_FORMATS as readonly ExportFormat[]) {
      for (const sample of [0, 7, 299]) {
        const joined = Buffer.concat([
          ...store.exportPieces({ kind: 'export', jacobianOf: sample, format, fileName: 'big.json', classes: null }),
        ]);
        const want = exportJacobian(reference as never, sample, format, { fileName: 'big.json', classes: null, compress: true });
        assert.ok(joined.equals(Buffer.from(want)), `${format}, sample ${sample}, rowsOnDemand ${rowsOnDemand}`);
      }
    }
    assert.ok(
      asked.every(([r0, r1]) => r1 - r0 === 1),
      `only single rows asked for: ${JSON.stringify(asked.slice(0, 3))}`,
    );
    assert.throws(
      () => [...store.exportPieces({ kind: 'export', jacobianOf: 300, format: 'npy', fileName: 'big.json', classes: null })],
      /from 0 to 299, not 300/,
    );
  }
});
