/**
 * Issue 17, "memory stays bounded": no input makes the CLI use more than 300 MB plus 3× the file.
 * Each hostile input (generated here, small) runs through src/cli/main.ts in a child process whose
 * peak resident memory (getrusage maxRSS, including the TypeScript loader's own) is checked.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { after, describe, test } from 'node:test';
import { crc32 } from '../../../src/core/crc32';
import { writeNpy } from '../../../src/core/npy';
import { writeNpz } from '../../../src/core/npz';
import { cliProcess } from '../../helpers/cliProcess';
import { buildZip, member } from '../../helpers/zipBuild';

const dir = mkdtempSync(join(tmpdir(), 'gradient-lens-memory-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const MB = 1024 * 1024;

function bounded(label: string, args: string[], file: string, expectStatus: number, dataBytes = 0): string {
  // An honest compressed archive holds its data inflated: its allowance is 3× that, not 3× the zip.
  const size = Math.max(dataBytes, existsSync(file) && statSync(file).isFile() ? Math.min(statSync(file).size, 2048 * MB) : 0);
  // A sparse or special file is never read: its apparent size is no allowance.
  const allowance = 300 * MB + 3 * (label.includes('sparse') ? 0 : size);
  const r = cliProcess(args, { timeoutMs: 300_000, measure: true });
  assert.equal(r.timedOut, false, `${label}: timed out`);
  assert.equal(r.status, expectStatus, `${label}: ${r.stderr}`);
  assert.ok(r.maxRssBytes !== null, `${label}: no memory figure`);
  assert.ok(r.maxRssBytes! <= allowance, `${label}: peak ${(r.maxRssBytes! / MB).toFixed(0)} MB > ${(allowance / MB).toFixed(0)} MB`);
  return r.stderr;
}

describe('peak memory of the CLI on hostile input', { concurrency: false }, () => {
  test('a member declaring 8 KB that inflates to 512 MB', () => {
    const head = writeNpy(new Float64Array(1000), [500, 2]);
    const content = new Uint8Array(512 * MB);
    content.set(head);
    const path = join(dir, 'bomb.npz');
    writeFileSync(
      path,
      buildZip([{ name: 'logits.npy', stored: new Uint8Array(deflateRawSync(content)), method: 8, crc: crc32(head), size: head.length }]),
    );
    const stderr = bounded('inflate bomb', ['analyze', path], path, 1);
    assert.match(stderr, /member 'logits\.npy': this member inflates to more than the 8128 bytes the zip directory says/);
  });

  test('600 entries sharing one deflate stream', () => {
    const shared = member('a.npy', writeNpy(new Float64Array(1 << 21), [1 << 21]));
    const path = join(dir, 'shared.npz');
    writeFileSync(
      path,
      buildZip(
        [shared],
        Array.from({ length: 600 }, (_, i) => ({ at: 0, name: `a${i}.npy` })),
      ),
    );
    bounded('overlapping entries', ['analyze', path], path, 1);
  });

  test('an honest 64 MB array of zeros deflated to 64 KB is read within the bound', () => {
    const n = 8 * MB;
    const path = join(dir, 'zeros.npz');
    writeFileSync(
      path,
      writeNpz(
        { logits: { data: new Float64Array(n), shape: [n / 4, 4] }, labels: { data: new Int32Array(n / 4), shape: [n / 4] } },
        { compress: true },
      ),
    );
    bounded('honest zeros', ['analyze', path, '--summary'], path, 0, n * 8 + (n / 4) * 4);
  });

  test('jacobian of K = 66,000 and K = 1,500', () => {
    const big = join(dir, 'k66000.json');
    writeFileSync(big, `{"logits": [[${new Array(66_000).fill('0').join(',')}]], "labels": [0]}`);
    bounded('jacobian K = 66,000', ['jacobian', big, '--json'], big, 1);
    const mid = join(dir, 'k1500.json');
    writeFileSync(mid, `{"logits": [[${Array.from({ length: 1500 }, (_, j) => (j % 7) / 4).join(',')}]], "labels": [0]}`);
    bounded('jacobian K = 1,500 --json', ['jacobian', mid, '--json'], mid, 0);
  });

  test('special files: /dev/zero, a FIFO, a sparse 3 GB file', { skip: process.platform === 'win32' }, () => {
    if (existsSync('/dev/zero')) {
      const zero = join(dir, 'z.json');
      symlinkSync('/dev/zero', zero);
      bounded('/dev/zero', ['analyze', zero], zero, 1);
    }
    const fifo = join(dir, 'f.json');
    execFileSync('mkfifo', [fifo]);
    bounded('fifo', ['analyze', fifo], fifo, 1);
    const sparse = join(dir, 'sparse.json');
    closeSync(openSync(sparse, 'w'));
    truncateSync(sparse, 3 * 1024 * MB);
    bounded('sparse 3 GB', ['analyze', sparse], sparse, 1);
  });
});
