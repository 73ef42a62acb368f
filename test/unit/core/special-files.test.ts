/**
 * Issue 17, hangs and unbounded reads: the CLI checks a file's type and size before reading it,
 * the file given and every sibling it looks for (classes.txt, labels.txt, X_labels.npy, …). The
 * special files are made here at run time (FIFOs, symlinks to /dev/zero, a sparse 3 GB file) and
 * the CLI runs in a child process with a timeout, so a hang fails the test instead of hanging it.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync, closeSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { cliProcess } from '../../helpers/cliProcess';
import { writeNpy } from '../../../src/core/npy';

const dir = mkdtempSync(join(tmpdir(), 'gradient-lens-special-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const hasDevZero = existsSync('/dev/zero');
const mkfifo = (path: string) => execFileSync('mkfifo', [path]);

const LOGITS = '{"logits": [[2, 1, 0.1], [0.5, 2.5, 0.2]], "labels": [0, 1]}\n';
// PyTorch, float64: F.cross_entropy(tensor([[2, 1, .1], [.5, 2.5, .2]]), tensor([0, 1]))
const LOSS = 0.31429097256981015;

function lines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l !== '');
}

describe('the CLI refuses special files before reading them', { skip: process.platform === 'win32' }, () => {
  test('a FIFO as the input: a located refusal, exit 1, no hang', () => {
    const path = join(dir, 'x.json');
    mkfifo(path);
    const r = cliProcess(['analyze', path], { timeoutMs: 30_000 });
    assert.equal(r.timedOut, false, 'the CLI hung on a FIFO');
    assert.equal(r.status, 1);
    assert.deepEqual(lines(r.stderr), [`${path}: cannot read the file: it is a named pipe (FIFO), not a regular file`]);
    assert.equal(r.stdout, '');
  });

  test('a symlink to /dev/zero as the input: refused, not read until memory runs out', { skip: !hasDevZero }, () => {
    const path = join(dir, 'z.json');
    symlinkSync('/dev/zero', path);
    const r = cliProcess(['analyze', path], { timeoutMs: 30_000, maxOldSpaceMB: 200 });
    assert.equal(r.timedOut, false);
    assert.equal(r.status, 1);
    assert.deepEqual(lines(r.stderr), [`${path}: cannot read the file: it is a character device, not a regular file`]);
  });

  test('a directory as the input', () => {
    const path = join(dir, 'folder.json');
    mkdirSync(path);
    const r = cliProcess(['analyze', path], { timeoutMs: 30_000 });
    assert.equal(r.status, 1);
    assert.deepEqual(lines(r.stderr), [`${path}: cannot read the file: it is a directory, not a regular file`]);
  });

  test('a file above the size limit (sparse, 3 GB) is refused with its size before a byte is read', () => {
    const path = join(dir, 'huge.json');
    closeSync(openSync(path, 'w'));
    truncateSync(path, 3 * 2 ** 30);
    const r = cliProcess(['analyze', path], { timeoutMs: 30_000, maxOldSpaceMB: 200 });
    assert.equal(r.timedOut, false);
    assert.equal(r.status, 1);
    assert.deepEqual(lines(r.stderr), [
      `${path}: cannot read the file: it is 3.0 GB, above the limit of 2.0 GB (the default of gradientLens.maxFileSizeMB, 2048 MB)`,
    ]);
  });

  for (const sibling of ['classes.txt', 'labels.txt']) {
    test(`a FIFO or /dev/zero named ${sibling} beside a JSON file is passed over; the analysis runs`, () => {
      for (const kind of ['fifo', 'zero'] as const) {
        if (kind === 'zero' && !hasDevZero) continue;
        const folder = join(dir, `${sibling}-${kind}`);
        mkdirSync(folder);
        const path = join(folder, 'data.json');
        writeFileSync(path, LOGITS);
        if (kind === 'fifo') mkfifo(join(folder, sibling));
        else symlinkSync('/dev/zero', join(folder, sibling));
        const r = cliProcess(['analyze', path, '--json', '--summary'], { timeoutMs: 30_000, maxOldSpaceMB: 200 });
        assert.equal(r.timedOut, false, `${kind} ${sibling}: the CLI hung`);
        assert.equal(r.status, 0, r.stderr);
        assert.ok(Math.abs(JSON.parse(r.stdout).loss - LOSS) < 1e-12);
      }
    });
  }

  test('a sparse classes.txt above 16 MB is not read (and not decoded)', () => {
    const folder = join(dir, 'big-classes');
    mkdirSync(folder);
    const path = join(folder, 'data.json');
    writeFileSync(path, LOGITS);
    closeSync(openSync(join(folder, 'classes.txt'), 'w'));
    truncateSync(join(folder, 'classes.txt'), 1.5 * 2 ** 30);
    const r = cliProcess(['analyze', path, '--json', '--summary'], { timeoutMs: 30_000, maxOldSpaceMB: 200 });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).classes, undefined);
  });

  test('a FIFO or /dev/zero named X_labels.npy or labels.npy beside a .npy of logits: passed over, no hang', () => {
    const logits = writeNpy(Float64Array.from([2, 1, 0.1, 0.5, 2.5, 0.2]), [2, 3]);
    for (const [name, kind] of [
      ['X_labels.npy', 'fifo'],
      ['labels.npy', 'zero'],
    ] as const) {
      if (kind === 'zero' && !hasDevZero) continue;
      const folder = join(dir, `npy-${kind}`);
      mkdirSync(folder);
      writeFileSync(join(folder, 'X.npy'), logits);
      if (kind === 'fifo') mkfifo(join(folder, name));
      else symlinkSync('/dev/zero', join(folder, name));
      // With targets.npy beside it the analysis still finds its labels.
      writeFileSync(join(folder, 'targets.npy'), writeNpy(Float64Array.from([1, 0, 0, 0, 1, 0]), [2, 3]));
      const r = cliProcess(['analyze', join(folder, 'X.npy'), '--json', '--summary'], { timeoutMs: 30_000, maxOldSpaceMB: 200 });
      assert.equal(r.timedOut, false, `${kind} ${name}: the CLI hung`);
      assert.equal(r.status, 0, r.stderr);
      assert.ok(Math.abs(JSON.parse(r.stdout).loss - LOSS) < 1e-12, r.stdout);
    }
  });
});
