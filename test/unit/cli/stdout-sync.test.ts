/**
 * Issue 22: the CLI's stdout is written before `out` returns (src/cli/stdoutSync.ts), so a large
 * `analyze --json` through a pipe is never queued in memory, and a reader that stops early (`| head`)
 * ends the CLI quietly. Also: the whole report under a 64 MB heap, the bytes JSON.stringify gives.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import { reportOf } from '../../../src/cli/commands';
import { OutputClosedError, writeAllSync } from '../../../src/cli/stdoutSync';
import { loadTensorFile } from '../../../src/core/load';
import { writeNpy } from '../../../src/core/npy';
import { escapeJsonOutput } from '../../../src/core/safeText';
import { cliProcess } from '../../helpers/cliProcess';
import { seededUniform } from '../../helpers/seeded';

const scratch = mkdtempSync(join(tmpdir(), 'gradient-lens-stdout-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const errno = (code: string) => Object.assign(new Error(code), { code });

describe('writeAllSync', () => {
  test('short writes and EAGAIN (a non-blocking pipe that is full) are retried until every byte is out, in order', () => {
    const text = 'héllo ∂L/∂z 😀 '.repeat(100);
    const got: number[] = [];
    let calls = 0;
    writeAllSync(1, text, ((_fd: number, bytes: Uint8Array, at: number, length: number) => {
      calls++;
      if (calls % 3 === 1) throw errno('EAGAIN');
      const n = Math.min(length, 7); // a few bytes a time: splits inside multi-byte characters
      got.push(...bytes.subarray(at, at + n));
      return n;
    }) as never);
    assert.equal(Buffer.from(got).toString('utf8'), text);
    assert.ok(calls > 100);
  });

  test('successive writes through the reused buffer, longer and shorter, and one too long for it, each arrive whole', () => {
    const texts = ['∂L/∂z '.repeat(20_000), 'p − y', 'x'.repeat(90_000), '😀'.repeat(50_000), 'ok\n'];
    for (const text of texts) {
      const got: Buffer[] = [];
      writeAllSync(1, text, ((_fd: number, bytes: Uint8Array, at: number, length: number) => {
        got.push(Buffer.from(bytes.subarray(at, at + length)));
        return length;
      }) as never);
      assert.equal(Buffer.concat(got).toString('utf8'), text);
    }
  });

  test('EPIPE is OutputClosedError; any other error is thrown as it is', () => {
    assert.throws(
      () =>
        writeAllSync(1, 'x', (() => {
          throw errno('EPIPE');
        }) as never),
      OutputClosedError,
    );
    assert.throws(
      () =>
        writeAllSync(1, 'x', (() => {
          throw errno('EBADF');
        }) as never),
      /EBADF/,
    );
  });
});

/** A seeded N × K logits .npy with its labels beside it. */
function logitsFile(n: number, k: number, seed: number): string {
  const rand = seededUniform(seed);
  const dir = mkdtempSync(join(scratch, 'npy-'));
  writeFileSync(
    join(dir, 'z.npy'),
    writeNpy(
      new Float64Array(n * k).map(() => (rand() - 0.5) * 20),
      [n, k],
    ),
  );
  writeFileSync(
    join(dir, 'z_labels.npy'),
    writeNpy(
      Int32Array.from({ length: n }, () => Math.floor(rand() * k)),
      [n],
    ),
  );
  return join(dir, 'z.npy');
}

describe('the CLI process', () => {
  test('analyze --json of 2,000 × 500 logits (~55 MB of JSON) under a 64 MB heap: JSON.stringify’s bytes', () => {
    const path = logitsFile(2000, 500, 22);
    const r = cliProcess(['analyze', path, '--json'], { timeoutMs: 300_000, maxOldSpaceMB: 64, measure: true });
    assert.equal(r.stderr, '');
    assert.equal(r.status, 0);
    const readSibling = (name: string) => new Uint8Array(readFileSync(join(dirname(path), name)));
    const dataset = loadTensorFile(readFileSync(path), path, { readSibling }).dataset!;
    const want = escapeJsonOutput(JSON.stringify(reportOf(dataset, { reduction: 'mean' }, false))) + '\n';
    assert.ok(want.length > 50e6, `${want.length} characters`);
    assert.equal(r.stdout.length, want.length);
    assert.equal(createHash('sha256').update(r.stdout).digest('hex'), createHash('sha256').update(want).digest('hex'));
    // The 8 MB file, its analysis (3 × 8 MB) and a piece of JSON at a time: nowhere near the 55 MB text.
    assert.ok(r.maxRssBytes! < 200 * 2 ** 20, `peak ${(r.maxRssBytes! / 2 ** 20).toFixed(0)} MB`);
  });

  test('a reader that stops early (| head -c 100): status 141, nothing on stderr', async () => {
    const path = logitsFile(2000, 100, 7);
    const main = fileURLToPath(new URL('../../../src/cli/main.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', main, 'analyze', path, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const first = await new Promise<string>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(d.toString('utf8', 0, 100))));
    child.stdout.destroy();
    const status = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    assert.match(first, /^\{"task":"classification","input":"logits","n":2000,"k":100,/);
    assert.equal(stderr, '');
    assert.equal(status, 141);
  });
});
