/**
 * Issue 14 inside a real extension host: a 400 MB logits file analysed from disk stays in its
 * worker. The host gets the loss and the length-N arrays (the summary's loss equals the formula
 * over every sample) and its memory grows by less than 100 MB; hovers on a small file keep being
 * answered while the big one is analysed. Time figures are the bench's (npm run bench).
 */
import assert from 'node:assert/strict';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import * as vscode from 'vscode';
import { logSoftmax } from '../../../src/core/softmax';
import { formatNumber } from '../../../src/shared/numberFormat';
import { open, workspaceFile } from './util';
import { seededUniform } from '../../helpers/seeded';

const N = 44_000;
const K = 1_000;
const DISTINCT = 97;
const labelOf = (i: number) => (7 * i) % K;

function baseRows(): string[][] {
  const next = seededUniform(11);
  return Array.from({ length: DISTINCT }, () => Array.from({ length: K }, () => (8 * next() - 4).toFixed(6)));
}

/** The host's own memory: V8 heap plus array buffers (a transferred N × K array would land in the second). */
function hostMemory(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

describe('a 400 MB file stays in its worker', function () {
  this.timeout(600_000);

  it('the host keeps the loss and length-N arrays, grows by < 100 MB, and answers hovers meanwhile', async () => {
    const rows = baseRows();
    const uri = workspaceFile('host-400mb.json');
    const fd = openSync(uri.fsPath, 'w');
    try {
      const text = rows.map((r) => `[${r.join(',')}]`);
      writeSync(fd, '{"logits": [\n');
      let chunk = '';
      for (let i = 0; i < N; i++) {
        chunk += text[i % DISTINCT] + (i + 1 < N ? ',\n' : '\n');
        if (chunk.length > 1 << 24) {
          writeSync(fd, chunk);
          chunk = '';
        }
      }
      writeSync(fd, `${chunk}], "labels": [${Array.from({ length: N }, (_, i) => labelOf(i)).join(',')}]}\n`);
    } finally {
      closeSync(fd);
    }
    // The loss from the formula: −log p of each sample's label, from the 97 rows' log-softmax.
    const logp = logSoftmax(Float64Array.from(rows.flat(), Number), DISTINCT, K);
    let sum = 0;
    for (let i = 0; i < N; i++) sum -= logp[(i % DISTINCT) * K + labelOf(i)];
    const expected = sum / N;

    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    await open('cifar10-logits.json'); // a small file to hover while the big one is analysed
    const small = vscode.window.activeTextEditor!.document;
    gc();
    const before = hostMemory();
    const analysed = Promise.resolve(vscode.commands.executeCommand<string>('gradientLens.analyzeFile', uri));
    let hovers = 0;
    let done = false;
    void analysed.finally(() => (done = true));
    while (!done) {
      const found = await vscode.commands.executeCommand<vscode.Hover[]>(
        'vscode.executeHoverProvider',
        small.uri,
        new vscode.Position(3, 8),
      );
      if (found.some((h) => h.contents.some((c) => (c as vscode.MarkdownString).value?.includes('sample')))) hovers++;
      await new Promise((r) => setTimeout(r, 200));
    }
    const summary = await analysed;
    assert.ok(summary.startsWith(`host-400mb.json: ${N} samples × ${K} classes`), summary);
    assert.ok(summary.endsWith(`mean cross-entropy ${formatNumber(expected, 4)}`), `${summary} vs ${expected}`);
    assert.ok(hovers > 0, 'hovers on the small file were answered during the analysis');
    gc();
    const grown = (hostMemory() - before) / 2 ** 20;
    assert.ok(grown < 100, `the host grew by ${grown.toFixed(1)} MB`);
    rmSync(uri.fsPath, { force: true });
  });
});
