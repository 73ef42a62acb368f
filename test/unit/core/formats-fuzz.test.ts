/**
 * Fuzzing of the .safetensors and .pt readers (issue 20) with fast-check: mutated fixtures
 * (bit flips, truncations, overwritten header lengths, offsets past the end, huge claimed shapes),
 * random headers and random pickle opcode soup inside a torch.save-shaped zip. A reader may
 * return or throw its located NpyError (offset inside the file), nothing else; loadTensorFile
 * never throws. Zip bombs are refused from the directory, before anything is inflated.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { unzipSync, zipSync } from 'fflate';
import { loadTensorFile } from '../../../src/core/load';
import { NpyError } from '../../../src/core/npy';
import { readSafetensors } from '../../../src/core/safetensors';
import { readTorchFile } from '../../../src/core/torchPickle';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'formats');
const ST = ['logits_labels.safetensors', 'dtypes.safetensors', 'mlp_data.safetensors', 'library.safetensors'].map(
  (f) => new Uint8Array(readFileSync(join(FIXTURES, f))),
);
const PT = ['dict.pt', 'view.pt', 'state_dict.pth', 'half.pt'].map((f) => new Uint8Array(readFileSync(join(FIXTURES, 'pt', f))));
const RUNS = 300;

/** The reader either returns or throws an NpyError located inside the input. */
function readsOrLocates(read: () => unknown, length: number): void {
  try {
    read();
  } catch (e) {
    if (!(e instanceof NpyError)) throw e;
    assert.ok(e.offset >= 0 && e.offset <= length, `offset ${e.offset} outside 0…${length}: ${e.message}`);
    assert.ok(e.message.length > 0);
  }
}

function loadsSafely(bytes: Uint8Array, name: string): void {
  const loaded = loadTensorFile(bytes, name);
  for (const p of loaded.problems) assert.ok(p.start >= 0 && p.end <= Math.max(bytes.length, 0) && p.start <= p.end, p.message);
  if (!loaded.dataset) assert.ok(loaded.problems.some((p) => p.severity === 'error'));
}

const mutation = (sources: Uint8Array[]) =>
  fc
    .record({
      source: fc.integer({ min: 0, max: sources.length - 1 }),
      edits: fc.array(
        fc.oneof(
          fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
          fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
          fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
          fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ maxLength: 16 }) }),
        ),
        { minLength: 1, maxLength: 4 },
      ),
    })
    .map(({ source, edits }) => {
      let b = sources[source].slice();
      for (const e of edits) {
        const at = b.length === 0 ? 0 : e.at % b.length;
        if (e.kind === 'flip' && b.length) b[at] ^= 1 << e.bit;
        else if (e.kind === 'set' && b.length) b[at] = e.value;
        else if (e.kind === 'cut') b = b.slice(0, at);
        else if (e.kind === 'insert') b = new Uint8Array([...b.subarray(0, at), ...e.bytes, ...b.subarray(at)]);
      }
      return b;
    });

describe('fuzzing the safetensors reader', () => {
  it('mutated files: returned or a located error', () => {
    fc.assert(
      fc.property(mutation(ST), (b) => {
        readsOrLocates(() => readSafetensors(b, 'f.safetensors'), b.length);
        loadsSafely(b, 'f.safetensors');
      }),
      { numRuns: RUNS, seed: 20 },
    );
  });

  it('random headers (any dtype, shape and offsets, up to 2^60) never allocate past the file', () => {
    const dim = fc.oneof(fc.integer({ min: 0, max: 8 }), fc.constantFrom(2 ** 31, 2 ** 53, 2 ** 60, -1, 1.5));
    const tensor = fc.record({
      dtype: fc.constantFrom('F64', 'F32', 'F16', 'BF16', 'I64', 'I8', 'U8', 'BOOL', 'F8_E4M3', 'X'),
      shape: fc.array(dim, { maxLength: 4 }),
      data_offsets: fc.tuple(
        fc.oneof(fc.integer({ min: 0, max: 64 }), fc.constant(2 ** 53)),
        fc.oneof(fc.integer({ min: 0, max: 64 }), fc.constant(2 ** 60)),
      ),
    });
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 4 }), tensor, { maxKeys: 4 }), fc.integer({ min: 0, max: 96 }), (header, data) => {
        const text = new TextEncoder().encode(JSON.stringify(header));
        const b = new Uint8Array(8 + text.length + data);
        new DataView(b.buffer).setUint32(0, text.length, true);
        b.set(text, 8);
        readsOrLocates(() => readSafetensors(b, 'f.safetensors'), b.length);
        loadsSafely(b, 'f.safetensors');
      }),
      { numRuns: RUNS, seed: 21 },
    );
  });
});

/** A torch.save-shaped zip with the given data.pkl (and one 64-byte storage "0"). */
function torchZip(pickle: Uint8Array): Uint8Array {
  return zipSync({
    'a/data.pkl': [pickle, { level: 0 }],
    'a/data/0': [new Uint8Array(64), { level: 0 }],
    'a/version': [new TextEncoder().encode('3\n'), { level: 0 }],
  });
}

describe('fuzzing the .pt reader', () => {
  const pickles = PT.map((b) => {
    const files = unzipSync(b);
    return files[Object.keys(files).find((n) => n.endsWith('data.pkl'))!];
  });

  it('mutated files: returned or a located error', () => {
    fc.assert(
      fc.property(mutation(PT), (b) => {
        readsOrLocates(() => readTorchFile(b, 'f.pt'), b.length);
        loadsSafely(b, 'f.pt');
      }),
      { numRuns: RUNS, seed: 22 },
    );
  });

  it('mutated pickles inside a valid zip: returned or an error located in data.pkl', () => {
    fc.assert(
      fc.property(mutation(pickles), (pkl) => {
        const zip = torchZip(pkl);
        try {
          readTorchFile(zip, 'f.pt');
        } catch (e) {
          if (!(e instanceof NpyError)) throw e;
          if (e.member === 'a/data.pkl') assert.ok(e.offset >= 0 && e.offset <= pkl.length, e.message);
        }
        loadsSafely(zip, 'f.pt');
      }),
      { numRuns: RUNS, seed: 23 },
    );
  });

  it('opcode soup: random bytes after PROTO 2', () => {
    const ops = fc.constantFrom(
      ...[
        0x28, 0x29, 0x5d, 0x7d, 0x74, 0x85, 0x86, 0x87, 0x73, 0x75, 0x61, 0x65, 0x71, 0x68, 0x4b, 0x4a, 0x52, 0x51, 0x62, 0x2e, 0x30, 0x31,
        0x32, 0x8c, 0x8a, 0x4e, 0x88, 0x94, 0x93, 0x63, 0x0a,
      ],
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(ops, fc.integer({ min: 0, max: 255 })), { maxLength: 200 }), (body) => {
        const pkl = new Uint8Array([0x80, 0x02, ...body]);
        readsOrLocates(() => readTorchFile(torchZip(pkl), 'f.pt'), Infinity);
      }),
      { numRuns: RUNS * 3, seed: 24 },
    );
  });

  it('an expanded tensor claiming 2^40 elements from a 1-element storage is refused, not allocated', () => {
    // _rebuild_tensor_v2(('storage', torch.FloatStorage, '0', 'cpu', 1), 0, (2^40,), (0,), False, OrderedDict())
    const s = (t: string) => [0x8c, t.length, ...new TextEncoder().encode(t)];
    const g = (m: string, n: string) => [0x63, ...new TextEncoder().encode(`${m}\n${n}\n`)];
    const pkl = new Uint8Array([
      0x80,
      0x02,
      ...g('torch._utils', '_rebuild_tensor_v2'),
      0x28,
      0x28,
      ...s('storage'),
      ...g('torch', 'FloatStorage'),
      ...s('0'),
      ...s('cpu'),
      0x4b,
      1,
      0x74,
      0x51,
      0x4b,
      0,
      0x8a,
      6,
      0,
      0,
      0,
      0,
      0,
      1,
      0x85,
      0x4b,
      0,
      0x85,
      0x89,
      ...g('collections', 'OrderedDict'),
      0x29,
      0x52,
      0x74,
      0x52,
      0x2e,
    ]);
    assert.throws(() => readTorchFile(torchZip(pkl), 'f.pt'), /claims 1099511627776 elements from a storage of 16; refusing/);
  });

  it('zip bombs: a member claiming to inflate past the budget is refused before inflating', () => {
    // 300 kB of incompressible bytes, deflated, then the directory patched to claim 300 MB
    // (within deflate's 1032:1 limit, beyond the 256 MiB budget).
    const junk = new Uint8Array(300_000);
    let x = 2463534242;
    for (let i = 0; i < junk.length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      junk[i] = x & 0xff;
    }
    const zip = zipSync({ 'a/data.pkl': [new Uint8Array([0x80, 0x02, 0x4e, 0x2e]), { level: 0 }], 'a/data/0': [junk, { level: 1 }] });
    const view = new DataView(zip.buffer);
    let patched = 0;
    for (let p = 0; p + 46 < zip.length; p++) {
      if (view.getUint32(p, true) === 0x02014b50 && view.getUint16(p + 10, true) === 8) {
        view.setUint32(p + 24, 300_000_000, true);
        patched++;
      }
    }
    assert.equal(patched, 1);
    assert.throws(() => readTorchFile(zip, 'bomb.pt'), /compressed members add up to more than 268435456 bytes.*zip bomb/);
    const ratio = zipSync({
      'a/data.pkl': [new Uint8Array([0x80, 0x02, 0x4e, 0x2e]), { level: 0 }],
      'a/data/0': [new Uint8Array(1000), { level: 9 }],
    });
    const rv = new DataView(ratio.buffer);
    for (let p = 0; p + 46 < ratio.length; p++)
      if (rv.getUint32(p, true) === 0x02014b50 && rv.getUint16(p + 10, true) === 8) rv.setUint32(p + 24, 2 ** 31, true);
    assert.throws(() => readTorchFile(ratio, 'bomb.pt'), /which deflate cannot do/);
  });
});
