import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { zipSync } from 'fflate';
import { NpyError, readNpy, writeNpy, type NpyArray } from '../../../src/core/npy';
import { readNpz, writeNpz } from '../../../src/core/npz';
import { readZipDirectory } from '../../../src/core/zipDirectory';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'numpy');
const MAKE_FIXTURES = join(FIXTURES, 'make_fixtures.py');
const PYTHON = '/usr/bin/python3';

const fixture = (name: string) => new Uint8Array(readFileSync(join(FIXTURES, name)));

type Encoded = number | 'nan' | 'inf' | '-inf';
interface ExpectedArray {
  dtype: string;
  kind: string;
  shape: number[];
  values: Encoded[];
  strings?: string[];
}

const encodeValue = (v: number): Encoded => (Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : v);

/** The NpyArray in the fixtures' JSON form (NaN/inf as strings; -0 stays -0 so deepStrictEqual checks it). */
function asExpected(a: NpyArray): ExpectedArray {
  const out: ExpectedArray = { dtype: a.dtype, kind: a.kind, shape: a.shape, values: Array.from(a.data, encodeValue) };
  if (a.strings !== undefined) out.strings = a.strings;
  return out;
}

function expectNpyError(fn: () => unknown, offset: number, includes: string | RegExp): NpyError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(
    caught instanceof NpyError,
    `expected an NpyError, got ${caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught)}`,
  );
  assert.equal(caught.name, 'NpyError');
  if (typeof includes === 'string')
    assert.ok(caught.message.includes(includes), `message ${JSON.stringify(caught.message)} should include ${JSON.stringify(includes)}`);
  else assert.match(caught.message, includes);
  assert.equal(caught.offset, offset, `offset in: ${caught.message}`);
  assert.ok(caught.message.includes(`(at byte ${offset})`), caught.message);
  return caught;
}

// ------------------------------------------------------------------------------------------------
// A small independent .npy encoder for tests: any supported dtype, byte order, layout and version.

interface DtypeSpec {
  code: 'f' | 'i' | 'u' | 'b';
  size: 1 | 2 | 4 | 8;
}
const DTYPES: DtypeSpec[] = [
  { code: 'f', size: 2 },
  { code: 'f', size: 4 },
  { code: 'f', size: 8 },
  { code: 'i', size: 1 },
  { code: 'i', size: 2 },
  { code: 'i', size: 4 },
  { code: 'i', size: 8 },
  { code: 'u', size: 1 },
  { code: 'u', size: 2 },
  { code: 'u', size: 4 },
  { code: 'u', size: 8 },
  { code: 'b', size: 1 },
];

/** C-order index → Fortran-order index, computed from explicit multi-indices. */
function cToFortranIndex(c: number, shape: number[]): number {
  const idx: number[] = new Array(shape.length).fill(0);
  let rest = c;
  for (let j = shape.length - 1; j >= 0; j--) {
    idx[j] = rest % shape[j];
    rest = Math.floor(rest / shape[j]);
  }
  let f = 0;
  let stride = 1;
  for (let j = 0; j < shape.length; j++) {
    f += idx[j] * stride;
    stride *= shape[j];
  }
  return f;
}

/** float16 bits for sign/exponent/mantissa, and the value they denote. */
function half(sign: number, exp: number, mant: number): { bits: number; value: number } {
  const bits = (sign << 15) | (exp << 10) | mant;
  const mag = exp === 0 ? mant / 2 ** 24 : exp === 31 ? (mant === 0 ? Infinity : NaN) : (1 + mant / 1024) * 2 ** (exp - 15);
  return { bits, value: sign && !Number.isNaN(mag) ? -mag : mag };
}

function encodeNpy(opts: {
  descr: string;
  spec: DtypeSpec;
  littleEndian: boolean;
  fortran: boolean;
  version: 1 | 2 | 3;
  shape: number[];
  /** raw values in C order: numbers, or float16 bit patterns for f2, or bigint for 8-byte ints */
  raw: (number | bigint)[];
}): Uint8Array {
  const { spec, littleEndian: le, shape, raw } = opts;
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const header = `{'descr': '${opts.descr}', 'fortran_order': ${opts.fortran ? 'True' : 'False'}, 'shape': ${tuple}, }`;
  const prefix = opts.version === 1 ? 10 : 12;
  const total = Math.ceil((prefix + header.length + 1) / 64) * 64;
  const out = new Uint8Array(total + raw.length * spec.size);
  const dv = new DataView(out.buffer);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, opts.version, 0]);
  if (opts.version === 1) dv.setUint16(8, total - prefix, true);
  else dv.setUint32(8, total - prefix, true);
  out.set(new TextEncoder().encode(header.padEnd(total - prefix - 1, ' ') + '\n'), prefix);
  for (let c = 0; c < raw.length; c++) {
    const pos = total + (opts.fortran ? cToFortranIndex(c, shape) : c) * spec.size;
    const v = raw[c];
    const key = `${spec.code}${spec.size}`;
    if (key === 'f8') dv.setFloat64(pos, v as number, le);
    else if (key === 'f4') dv.setFloat32(pos, v as number, le);
    else if (key === 'f2' || key === 'u2') dv.setUint16(pos, v as number, le);
    else if (key === 'i1') dv.setInt8(pos, v as number);
    else if (key === 'u1' || key === 'b1') dv.setUint8(pos, v as number);
    else if (key === 'i2') dv.setInt16(pos, v as number, le);
    else if (key === 'i4') dv.setInt32(pos, v as number, le);
    else if (key === 'u4') dv.setUint32(pos, v as number, le);
    else if (key === 'i8') dv.setBigInt64(pos, v as bigint, le);
    else if (key === 'u8') dv.setBigUint64(pos, v as bigint, le);
    else throw new Error(key);
  }
  return out;
}

/** Arbitrary raw value for a dtype, with the float64 the reader must produce for it. */
function valueArb(spec: DtypeSpec): fc.Arbitrary<{ raw: number | bigint; value: number }> {
  const same = (a: fc.Arbitrary<number>) => a.map((v) => ({ raw: v, value: v }));
  switch (`${spec.code}${spec.size}`) {
    case 'f8':
      return same(fc.double());
    case 'f4':
      return same(fc.float());
    case 'f2':
      return fc
        .tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 31 }), fc.integer({ min: 0, max: 1023 }))
        .map(([s, e, m]) => {
          const h = half(s, e, m);
          return { raw: h.bits, value: h.value };
        });
    case 'i1':
      return same(fc.integer({ min: -128, max: 127 }));
    case 'i2':
      return same(fc.integer({ min: -32768, max: 32767 }));
    case 'i4':
      return same(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }));
    case 'u1':
      return same(fc.integer({ min: 0, max: 255 }));
    case 'u2':
      return same(fc.integer({ min: 0, max: 65535 }));
    case 'u4':
      return same(fc.integer({ min: 0, max: 2 ** 32 - 1 }));
    case 'i8':
      return fc.bigInt({ min: -(2n ** 53n), max: 2n ** 53n }).map((b) => ({ raw: b, value: Number(b) }));
    case 'u8':
      return fc.bigInt({ min: 0n, max: 2n ** 53n }).map((b) => ({ raw: b, value: Number(b) }));
    case 'b1':
      return fc.integer({ min: 0, max: 255 }).map((b) => ({ raw: b, value: b === 0 ? 0 : 1 }));
    default:
      throw new Error(spec.code);
  }
}

const shapeArb = fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 });
const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

// ------------------------------------------------------------------------------------------------

describe('readNpy / readNpz: NumPy-written fixtures', () => {
  const expectedFiles = readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.expected.json'))
    .sort();

  it('has the fixtures (run test/fixtures/numpy/make_fixtures.py)', () => {
    assert.ok(expectedFiles.length >= 40, `only ${expectedFiles.length} fixtures`);
  });

  for (const file of expectedFiles) {
    const base = file.slice(0, -'.expected.json'.length);
    const expected = JSON.parse(readFileSync(join(FIXTURES, file), 'utf8'));
    if (existsSync(join(FIXTURES, `${base}.npz`))) {
      it(`${base}.npz`, () => {
        const map = readNpz(fixture(`${base}.npz`), `${base}.npz`);
        assert.deepStrictEqual([...map.keys()], expected.keys);
        for (const key of expected.keys) assert.deepStrictEqual(asExpected(map.get(key)!), expected.members[key], `member ${key}`);
      });
    } else if (expected.error) {
      it(`${base}.npy is rejected`, () => {
        const err = expectNpyError(() => readNpy(fixture(`${base}.npy`), `${base}.npy`), expected.error.offset, expected.error.includes);
        assert.ok(err.message.startsWith(`${base}.npy: `), err.message);
      });
    } else {
      it(`${base}.npy`, () => {
        assert.deepStrictEqual(asExpected(readNpy(fixture(`${base}.npy`))), expected);
      });
    }
  }

  it('reads a file whose bytes sit at an odd offset in a larger buffer (unaligned views)', () => {
    for (const name of ['float64_values', 'big_endian_f8', 'int64_labels', 'fortran_2d_f4', 'class_names', 'float16_edge']) {
      const bytes = fixture(`${name}.npy`);
      const big = new Uint8Array(bytes.length + 3);
      big.set(bytes, 1);
      const view = big.subarray(1, 1 + bytes.length);
      assert.deepStrictEqual(asExpected(readNpy(view)), asExpected(readNpy(bytes)), name);
    }
  });

  it('returns data that does not alias the input bytes', () => {
    const bytes = fixture('float64_values.npy');
    const a = readNpy(bytes);
    a.data[0] = 123;
    assert.notEqual(readNpy(bytes).data[0], 123);
  });

  it('with the bytes handed over, aligned float64 in host order is a view of them, anything else a copy; the same values', () => {
    const cases: [string, Uint8Array, boolean][] = [['float64_values.npy', fixture('float64_values.npy'), true]];
    // One byte further into a larger buffer: no longer 8-byte aligned.
    const shifted = new Uint8Array(fixture('float64_values.npy').length + 1);
    shifted.set(fixture('float64_values.npy'), 1);
    cases.push(['float64_values.npy at offset 1', shifted.subarray(1), false]);
    for (const name of ['big_endian_f8.npy', 'c_3d_f8.npy', 'fortran_2d_f4.npy', 'big_endian_f4.npy'])
      cases.push([name, fixture(name), name === 'c_3d_f8.npy']);
    for (const [name, bytes, view] of cases) {
      const handed = readNpy(bytes, name, true);
      assert.equal(handed.data.buffer === bytes.buffer, view, `${name}: ${view ? 'a view' : 'a copy'}`);
      assert.deepEqual(handed, readNpy(bytes, name), name);
    }
  });
});

describe('writeNpy', () => {
  it('writes a version 1.0 header padded to 64 bytes, C order', () => {
    const bytes = writeNpy(Float64Array.from([1, 2, 3, 4, 5, 6]), [2, 3]);
    const headerLen = bytes[8] | (bytes[9] << 8);
    assert.deepStrictEqual(Array.from(bytes.subarray(0, 8)), [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    assert.equal((10 + headerLen) % 64, 0);
    const header = new TextDecoder().decode(bytes.subarray(10, 10 + headerLen));
    assert.equal(header.trimEnd(), "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }");
    assert.ok(header.endsWith('\n'));
    assert.equal(bytes.length, 10 + headerLen + 48);
    const i4 = writeNpy(Int32Array.from([7]), [1]);
    assert.equal(i4.length, 128 + 4);
    assert.match(new TextDecoder().decode(i4.subarray(10, 128)), /^\{'descr': '<i4', 'fortran_order': False, 'shape': \(1,\), \} +\n$/);
    const scalar = writeNpy(Float64Array.of(1), []);
    assert.equal(scalar.length, 128 + 8);
    assert.match(new TextDecoder().decode(scalar.subarray(10, 128)), /^\{'descr': '<f8', 'fortran_order': False, 'shape': \(\), \} +\n$/);
  });

  it('rejects a shape that does not match the data', () => {
    assert.throws(() => writeNpy(new Float64Array(5), [2, 3]), RangeError);
    assert.throws(() => writeNpy(new Float64Array(0), [-1]), RangeError);
    assert.throws(() => writeNpy(new Float64Array(2), [2.5]), RangeError);
    assert.throws(() => writeNpy(new Float32Array(2) as unknown as Float64Array, [2]), TypeError);
  });

  it('round-trips through readNpy (property: random shapes, f8 and i4, incl. NaN/-0/inf)', () => {
    const arb = fc.oneof(
      shapeArb.chain((shape) =>
        fc
          .array(fc.double(), { minLength: size(shape), maxLength: size(shape) })
          .map((v) => ({ shape, data: Float64Array.from(v) as Float64Array | Int32Array })),
      ),
      shapeArb.chain((shape) =>
        fc
          .array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { minLength: size(shape), maxLength: size(shape) })
          .map((v) => ({ shape, data: Int32Array.from(v) as Float64Array | Int32Array })),
      ),
    );
    fc.assert(
      fc.property(arb, ({ shape, data }) => {
        const back = readNpy(writeNpy(data, shape));
        assert.equal(back.dtype, data instanceof Float64Array ? '<f8' : '<i4');
        assert.equal(back.kind, data instanceof Float64Array ? 'float' : 'int');
        assert.deepStrictEqual(back.shape, shape);
        assert.deepStrictEqual(back.data, Float64Array.from(data));
      }),
      { numRuns: 300 },
    );
  });

  it('writes from a subarray view (non-zero byteOffset)', () => {
    const whole = Float64Array.from([9, 1, 2, 3, 9]);
    const back = readNpy(writeNpy(whole.subarray(1, 4), [3]));
    assert.deepStrictEqual(Array.from(back.data), [1, 2, 3]);
  });
});

describe('readNpy: every dtype, byte order, layout and header version (property)', () => {
  it('reads back what an independent encoder wrote', () => {
    const arb = fc
      .record({
        spec: fc.constantFrom(...DTYPES),
        littleEndian: fc.boolean(),
        fortran: fc.boolean(),
        version: fc.constantFrom(1 as const, 2 as const, 3 as const),
        shape: shapeArb,
      })
      .chain((c) => fc.array(valueArb(c.spec), { minLength: size(c.shape), maxLength: size(c.shape) }).map((values) => ({ ...c, values })));
    fc.assert(
      fc.property(arb, (c) => {
        const order = c.spec.size === 1 ? '|' : c.littleEndian ? '<' : '>';
        const descr = `${order}${c.spec.code}${c.spec.size}`;
        const bytes = encodeNpy({ ...c, descr, raw: c.values.map((v) => v.raw) });
        const a = readNpy(bytes);
        assert.equal(a.dtype, descr);
        assert.equal(a.kind, { f: 'float', i: 'int', u: 'uint', b: 'bool' }[c.spec.code]);
        assert.deepStrictEqual(a.shape, c.shape);
        assert.deepStrictEqual(
          a.data,
          Float64Array.from(c.values, (v) => v.value),
        );
      }),
      { numRuns: 500 },
    );
  });
});

describe('readNpz / writeNpz', () => {
  const arrays = {
    logits: { data: Float64Array.from([0.5, -1, NaN, -0, Infinity, 3]), shape: [2, 3] },
    labels: { data: Int32Array.from([2, 0]), shape: [2] },
    'odd name.npy': { data: new Float64Array(0), shape: [0, 4] },
  };

  for (const compress of [false, true]) {
    it(`round-trips (${compress ? 'deflated' : 'stored'})`, () => {
      const zip = writeNpz(arrays, { compress });
      const map = readNpz(zip);
      assert.deepStrictEqual([...map.keys()], ['logits', 'labels', 'odd name.npy']);
      assert.deepStrictEqual(map.get('logits')!.data, arrays.logits.data);
      assert.deepStrictEqual(map.get('logits')!.shape, [2, 3]);
      assert.equal(map.get('labels')!.dtype, '<i4');
      assert.deepStrictEqual(Array.from(map.get('labels')!.data), [2, 0]);
      assert.deepStrictEqual(map.get('odd name.npy')!.shape, [0, 4]);
    });
  }

  it('is deterministic (fixed timestamps)', () => {
    assert.deepStrictEqual(writeNpz(arrays), writeNpz(arrays));
  });

  it('compressed: deflates the members deflate shrinks, stores the float64 noise it cannot', () => {
    // 2 MB of float64 with full mantissas (deflate saves a few %) beside 2 MB of one-hot rows.
    const n = 1 << 18;
    const noise = new Float64Array(n);
    let s = 12345;
    for (let i = 0; i < n; i++) noise[i] = ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32) * Math.exp(-(i % 50));
    const oneHot = new Float64Array(n);
    for (let i = 0; i < n; i += 1000) oneHot[i + (i % 7)] = 1;
    const small = Float64Array.of(0.25, 0.5);
    const zip = writeNpz(
      { noise: { data: noise, shape: [n] }, one_hot: { data: oneHot, shape: [n] }, small: { data: small, shape: [2] } },
      { compress: true },
    );
    const methods = Object.fromEntries(readZipDirectory(zip).map((m) => [m.name, m.method]));
    assert.deepEqual(methods, { 'noise.npy': 0, 'one_hot.npy': 8, 'small.npy': 8 });
    assert.ok(zip.length < 8 * n + 50_000, `${zip.length} bytes: the one-hot member deflated`);
    const back = readNpz(zip);
    assert.deepEqual(back.get('noise')!.data, noise);
    assert.deepEqual(back.get('one_hot')!.data, oneHot);
    assert.deepEqual(back.get('small')!.data, small);
  });

  it("a deflated member's float64 stays in its inflated bytes, a stored one's is copied out of the archive: the same values", () => {
    const z = Float64Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 7);
    const member = writeNpy(z, [100, 10]);
    const stored = zipSync({ 'logits.npy': [member, { level: 0 }] });
    const deflated = zipSync({ 'logits.npy': [member, { level: 6 }] });
    const fromStored = readNpz(stored).get('logits')!;
    const fromDeflated = readNpz(deflated).get('logits')!;
    assert.deepEqual(fromDeflated.data, z);
    assert.deepEqual(fromStored.data, z);
    // The view spans the member's data inside the inflated buffer (its .npy header before it).
    assert.ok(fromDeflated.data.byteOffset >= 64 && fromDeflated.data.buffer.byteLength > z.byteLength, 'a view of the inflated member');
    assert.ok(fromStored.data.byteOffset === 0 && fromStored.data.buffer !== stored.buffer, 'a copy, not a view of the archive');
  });

  it('reads an empty archive and skips non-array members', () => {
    assert.equal(readNpz(zipSync({})).size, 0);
    const zip = zipSync({
      'README.txt': new TextEncoder().encode('hello'),
      'x.npy': writeNpy(Float64Array.of(1), [1]),
      raw: writeNpy(Int32Array.of(2), [1]),
    });
    const map = readNpz(zip);
    assert.deepStrictEqual([...map.keys()], ['x', 'raw']);
  });

  it('round-trips random archives (property)', () => {
    const entry = shapeArb.chain((shape) =>
      fc.array(fc.double(), { minLength: size(shape), maxLength: size(shape) }).map((v) => ({ shape, data: Float64Array.from(v) })),
    );
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string({ minLength: 1, maxLength: 8 }).filter((s) => s !== '__proto__'),
          entry,
          { maxKeys: 4 },
        ),
        fc.boolean(),
        (dict, compress) => {
          const map = readNpz(writeNpz(dict, { compress }));
          assert.deepStrictEqual(new Set(map.keys()), new Set(Object.keys(dict)));
          for (const [k, v] of Object.entries(dict)) {
            assert.deepStrictEqual(map.get(k)!.shape, v.shape);
            assert.deepStrictEqual(map.get(k)!.data, v.data);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('NumPy reads what we write', () => {
  const numpy = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;

  it('np.load reads writeNpy and writeNpz output', (t) => {
    if (!numpy) {
      t.skip(`${PYTHON} with numpy is not available; skipping the check that NumPy reads our files`);
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'npy-test-'));
    try {
      const f8 = Float64Array.from([0.1, -0, NaN, Infinity, -Infinity, 5e-324, 1.7976931348623157e308, -2.5, 1e300, 3, 4, 5]);
      const i4 = Int32Array.from([-(2 ** 31), 2 ** 31 - 1, 0, 7, -7, 1]);
      const cases: { file: string; bytes: Uint8Array; expected: unknown }[] = [
        {
          file: 'f8.npy',
          bytes: writeNpy(f8, [3, 4]),
          expected: { dtype: '<f8', kind: 'float', shape: [3, 4], values: Array.from(f8, encodeValue) },
        },
        {
          file: 'i4.npy',
          bytes: writeNpy(i4, [2, 1, 3]),
          expected: { dtype: '<i4', kind: 'int', shape: [2, 1, 3], values: Array.from(i4) },
        },
        {
          file: 'scalar.npy',
          bytes: writeNpy(Float64Array.of(2.5), []),
          expected: { dtype: '<f8', kind: 'float', shape: [], values: [2.5] },
        },
        {
          file: 'empty.npy',
          bytes: writeNpy(new Float64Array(0), [0, 3]),
          expected: { dtype: '<f8', kind: 'float', shape: [0, 3], values: [] },
        },
      ];
      for (const compress of [false, true]) {
        cases.push({
          file: `arch${compress ? 'c' : 's'}.npz`,
          bytes: writeNpz({ logits: { data: f8, shape: [4, 3] }, labels: { data: i4, shape: [6] } }, { compress }),
          expected: {
            keys: ['logits', 'labels'],
            members: {
              logits: { dtype: '<f8', kind: 'float', shape: [4, 3], values: Array.from(f8, encodeValue) },
              labels: { dtype: '<i4', kind: 'int', shape: [6], values: Array.from(i4) },
            },
          },
        });
      }
      for (const c of cases) writeFileSync(join(dir, c.file), c.bytes);
      const run = spawnSync(PYTHON, [MAKE_FIXTURES, '--describe', ...cases.map((c) => join(dir, c.file))], { encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      const lines = run.stdout.trim().split('\n');
      assert.equal(lines.length, cases.length);
      cases.forEach((c, i) => assert.deepStrictEqual(JSON.parse(lines[i]), c.expected, c.file));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('readNpy errors', () => {
  const good = writeNpy(Float64Array.from([1, 2, 3, 4, 5, 6]), [2, 3]); // header 10..128, data 128..176
  const at = (header: string, needle: string) => 10 + header.indexOf(needle);

  it('names the file and gives the offset in the message', () => {
    const e = expectNpyError(() => readNpy(good.subarray(0, 150), 'logits.npy'), 150, 'the data is truncated');
    assert.ok(e.message.startsWith('logits.npy: '));
    assert.equal(e.fileName, 'logits.npy');
    assert.equal(e.member, undefined);
    assert.ok(e instanceof Error);
  });

  it('truncated files: offset is where the bytes ran out', () => {
    expectNpyError(() => readNpy(new Uint8Array(0)), 0, 'the file is empty');
    expectNpyError(() => readNpy(good.subarray(0, 3)), 3, 'inside the "\\x93NUMPY" magic string');
    expectNpyError(() => readNpy(good.subarray(0, 7)), 7, 'before the format version');
    expectNpyError(() => readNpy(good.subarray(0, 9)), 9, 'header-length field');
    expectNpyError(
      () => readNpy(good.subarray(0, 40)),
      40,
      'the header is 118 bytes long (ending at byte 128), but the file is only 40 bytes long',
    );
    expectNpyError(
      () => readNpy(good.subarray(0, 128)),
      128,
      'needs 48 bytes of data starting at byte 128, but the file ends at byte 128 (0 bytes of data)',
    );
    expectNpyError(() => readNpy(good.subarray(0, 175)), 175, 'needs 48 bytes of data');
    // One element short of an int64 array.
    const i8 = fixture('int64_labels.npy');
    expectNpyError(() => readNpy(i8.subarray(0, i8.length - 1)), i8.length - 1, "dtype '<i8' needs 64 bytes");
  });

  it('bad magic: offset of the first wrong byte, with a hint for zip and pickle files', () => {
    const bad = good.slice();
    bad[3] = 0x58;
    expectNpyError(
      () => readNpy(bad),
      3,
      'not a NumPy .npy file: it should start with the magic string "\\x93NUMPY" but starts with "\\x93NUXPY"',
    );
    expectNpyError(() => readNpy(new TextEncoder().encode('1,2,3\n4,5,6\n')), 0, 'not a NumPy .npy file');
    expectNpyError(
      () => readNpy(fixture('savez_archive.npz')),
      0,
      'this is a zip archive (an .npz file?), not a .npy file; read it with readNpz',
    );
    expectNpyError(() => readNpy(Uint8Array.from([0x80, 4, 0x95, 0, 0, 0, 0, 0])), 0, 'Python pickle');
  });

  it('unsupported version', () => {
    const bad = good.slice();
    bad[6] = 4;
    expectNpyError(() => readNpy(bad), 6, 'unsupported .npy format version 4.0; this reader supports versions 1.0, 2.0 and 3.0');
  });

  it('pickled object arrays', () => {
    expectNpyError(
      () => readNpy(fixture('object_pickled.npy')),
      20,
      'object arrays (pickled) are not supported; save with allow_pickle=False',
    );
  });

  /** Replace the header text of `good` (same length, padded with spaces). */
  const withHeader = (header: string, data = good.subarray(128)): Uint8Array => {
    const out = new Uint8Array(128 + data.length);
    out.set(good.subarray(0, 10));
    out.set(new TextEncoder().encode(header.padEnd(117, ' ') + '\n'), 10);
    out.set(data, 128);
    return out;
  };

  it('header lies about the size of the data', () => {
    // shape says 4x3 (96 bytes) but only 48 bytes follow.
    expectNpyError(
      () => readNpy(withHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (4, 3), }")),
      176,
      "shape (4, 3) of dtype '<f8' needs 96 bytes of data starting at byte 128, but the file ends at byte 176 (48 bytes of data)",
    );
    // header-length field claims more header than the file has
    const longLen = good.slice();
    longLen[8] = 0xff;
    longLen[9] = 0x7f;
    expectNpyError(() => readNpy(longLen), 176, 'the header-length field at byte 8 says the header is 32767 bytes long');
    // header-length field claims less: the dict is cut off
    const shortLen = good.slice();
    shortLen[8] = 30;
    expectNpyError(() => readNpy(shortLen), 40, 'malformed header: unterminated string');
    shortLen[8] = 55; // cuts "(2, 3), }" after the 3
    expectNpyError(() => readNpy(shortLen), 65, "malformed header: expected ',' or ')', found end of header");
    // absurd shapes are not allocated
    expectNpyError(
      () => readNpy(withHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (9999999, 9999999), }")),
      176,
      'needs 799999840000008 bytes',
    );
    const huge = "{'descr': '|u1', 'fortran_order': False, 'shape': (9007199254740993,), }";
    expectNpyError(() => readNpy(withHeader(huge)), at(huge, '9007'), "every entry of 'shape' must be a non-negative integer");
    const product = "{'descr': '|u1', 'fortran_order': False, 'shape': (4294967296, 4294967296), }";
    expectNpyError(() => readNpy(withHeader(product)), at(product, '('), 'the shape (4294967296, 4294967296) has too many elements');
  });

  it('malformed headers point at the offending character', () => {
    // [header, text the offset must point at, message]
    const cases: [string, string | number, string][] = [
      [
        "{'descr': '<f8' 'fortran_order': False, 'shape': (2, 3), }",
        "'fortran",
        "malformed header: expected ',' or '}' in the dictionary, found '''",
      ],
      ["{'descr': '<f8', 'fortran_order': Flase, 'shape': (2, 3), }", 'Flase', "malformed header: unexpected name 'Flase'"],
      ["{'descr': '<f8', 'fortran_order': 0, 'shape': (2, 3), }", '0', "malformed header: 'fortran_order' must be True or False"],
      [
        "{'descr': '<f8', 'fortran_order': False, 'shape': (2, -3), }",
        '-3',
        "malformed header: every entry of 'shape' must be a non-negative integer",
      ],
      ["{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3.0), }", '.0', 'malformed header: expected an integer'],
      ["{'descr': '<f8', 'fortran_order': False, 'shape': 6, }", '6', "malformed header: 'shape' must be a tuple"],
      ["{'descr': '<f8', 'fortran_order': False, 'shape': (6), }", '6', "malformed header: 'shape' must be a tuple"],
      ["{'descr': '<f8', 'fortran_order': False}", '{', "malformed header: the key 'shape' is missing"],
      ["{'descr': '<f8', 'fortran_order': False, 'shape': (6,), 'x': 1}", "'x'", "malformed header: unexpected key 'x'"],
      [
        "{'descr': '<f8', 'fortran_order': False, 'shape': (6,), 'descr': '<f8'}",
        "'descr': '<f8'}",
        "malformed header: key 'descr' appears twice",
      ],
      ["{'descr': '<c16', 'fortran_order': False, 'shape': (3,), }", "'<c16'", "complex arrays (dtype '<c16') are not supported"],
      ["{'descr': '<f16', 'fortran_order': False, 'shape': (3,), }", "'<f16'", 'long double'],
      ["{'descr': '<M8[ns]', 'fortran_order': False, 'shape': (6,), }", "'<M8", 'datetime'],
      ["{'descr': 'float32', 'fortran_order': False, 'shape': (6,), }", "'float32'", "unrecognised dtype 'float32'"],
      ["{'descr': '<i3', 'fortran_order': False, 'shape': (6,), }", "'<i3'", "unrecognised dtype '<i3'"],
      ["{'descr': [('x', '<f8')], 'fortran_order': False, 'shape': (6,), }", '[', 'structured (record) dtypes are not supported'],
      ["{'descr': '<f8', 'fortran_order': False, 'shape': (6,), } x", 'x', "malformed header: unexpected 'x' after the header dictionary"],
      // the quoted string runs into the '\n' that ends the padded header (byte 127)
      [
        "{'descr': '<f8', 'fortran_order': False, 'shape': (6,), 'unterminated}",
        117,
        'malformed header: unterminated string (a quoted string runs into the end of the line)',
      ],
      ['[1, 2, 3]', '[', "malformed header: expected the header to be a Python dict starting with '{', found '['"],
    ];
    for (const [header, needle, message] of cases) {
      expectNpyError(() => readNpy(withHeader(header)), typeof needle === 'number' ? 10 + needle : at(header, needle), message);
    }
    // The 17th nested bracket is refused (no unbounded recursion on hostile headers).
    expectNpyError(() => readNpy(withHeader('{' + '('.repeat(40))), 10 + 17, 'malformed header: values are nested too deeply');
  });

  it('accepts liberal but valid Python syntax in headers', () => {
    const a = readNpy(withHeader('{"shape":(2,3),"fortran_order":True,"descr":"<f8"}'));
    assert.deepStrictEqual(a.shape, [2, 3]);
    assert.deepStrictEqual(Array.from(a.data), [1, 3, 5, 2, 4, 6]);
  });

  it('int64 beyond 2^53: offset of the element', () => {
    const dataStart = 128;
    const e = expectNpyError(
      () => readNpy(fixture('int64_too_big.npy')),
      dataStart + 8,
      'int64 element 1 is 9007199254740993, which is beyond ±2^53',
    );
    assert.match(e.message, /astype\(np\.float64\)/);
  });
});

describe('readNpz errors', () => {
  it('names the member whose .npy is broken', () => {
    const broken = writeNpy(Float64Array.from([1, 2, 3]), [3]).subarray(0, 140);
    const zip = zipSync({ 'ok.npy': writeNpy(Float64Array.of(1), [1]), 'logits.npy': broken });
    const e = expectNpyError(() => readNpz(zip, 'run.npz'), 140, 'the data is truncated');
    assert.equal(e.member, 'logits.npy');
    assert.equal(e.fileName, 'run.npz');
    assert.ok(e.message.startsWith('run.npz:logits.npy: '), e.message);
  });

  it('pickled member', () => {
    const zip = zipSync({ 'obj.npy': fixture('object_pickled.npy') });
    const e = expectNpyError(() => readNpz(zip), 20, 'object arrays (pickled) are not supported');
    assert.equal(e.member, 'obj.npy');
  });

  it('not a zip / truncated zip / a .npy given to readNpz', () => {
    expectNpyError(() => readNpz(new TextEncoder().encode('hello')), 5, 'not a zip archive');
    const zip = fixture('savez_archive.npz');
    expectNpyError(() => readNpz(zip.subarray(0, zip.length - 30)), zip.length - 30, 'no end-of-central-directory record found');
    expectNpyError(() => readNpz(fixture('float32_2x3.npy')), 0, 'this is a single .npy file, not an .npz archive; read it with readNpy');
  });

  it('corrupt deflate data names the member and points at its local header', () => {
    const zip = writeNpz(
      { a: { data: Float64Array.of(1, 2, 3), shape: [3] }, b: { data: new Float64Array(100).fill(0.5), shape: [100] } },
      { compress: true },
    );
    // Find member b's local header and garble its compressed data.
    let lh = -1;
    for (let i = 1; i < zip.length - 4; i++) if (zip[i] === 0x50 && zip[i + 1] === 0x4b && zip[i + 2] === 3 && zip[i + 3] === 4) lh = i;
    assert.ok(lh > 0);
    const bad = zip.slice();
    const dataStart = lh + 30 + (bad[lh + 26] | (bad[lh + 27] << 8));
    bad.fill(0xff, dataStart, dataStart + 8);
    const e = expectNpyError(() => readNpz(bad), lh, /member 'b\.npy': could not extract this member|member 'b\.npy'/);
    assert.equal(e.member, 'b.npy');
  });

  it('duplicate array names are reported', () => {
    const zip = zipSync({ x: writeNpy(Float64Array.of(1), [1]), 'x.npy': writeNpy(Float64Array.of(2), [1]) }, { level: 0 });
    const second = writeNpy(Float64Array.of(1), [1]).length + 30 + 1; // local header + name 'x' + data of member 1
    const e = expectNpyError(() => readNpz(zip), second, "members 'x' and 'x.npy' both give the array name 'x'");
    assert.equal(e.member, 'x.npy');
  });
});

describe('robustness (property): mutated files only ever throw NpyError', () => {
  type Mutation = { op: 'set' | 'insert' | 'delete' | 'truncate'; at: number; byte: number; inHeader: boolean };
  const mutationArb: fc.Arbitrary<Mutation> = fc.record({
    op: fc.constantFrom('set' as const, 'set' as const, 'set' as const, 'insert' as const, 'delete' as const, 'truncate' as const),
    at: fc.nat(),
    byte: fc.oneof(
      fc.integer({ min: 0, max: 255 }),
      fc.constantFrom(...Array.from("0123456789(),' :{}[]<>|=TrueFalsL", (c) => c.charCodeAt(0))),
    ),
    inHeader: fc.boolean(),
  });

  function mutate(src: Uint8Array, muts: Mutation[], headerEnd: number): Uint8Array {
    let b = Array.from(src);
    for (const m of muts) {
      const limit = m.inHeader ? Math.min(headerEnd, b.length) : b.length;
      if (limit === 0) continue;
      const at = m.at % limit;
      if (m.op === 'set') b[at] = m.byte;
      else if (m.op === 'insert') b.splice(at, 0, m.byte);
      else if (m.op === 'delete') b.splice(at, 1);
      else b = b.slice(0, at);
    }
    return Uint8Array.from(b);
  }

  function check(read: () => unknown, length: number): void {
    try {
      read();
    } catch (e) {
      if (!(e instanceof NpyError)) throw new Error(`threw a non-NpyError: ${e instanceof Error ? e.stack : String(e)}`);
      // Offsets of errors inside an .npz member are within that member's (decompressed) bytes.
      const limit = e.member === undefined ? length : Infinity;
      assert.ok(Number.isInteger(e.offset) && e.offset >= 0 && e.offset <= limit, `offset ${e.offset} out of range: ${e.message}`);
    }
  }

  const npyFiles = [
    'float32_2x3',
    'int64_labels',
    'big_endian_f8',
    'fortran_3d_i2',
    'class_names',
    'header_v3',
    'float16_edge',
    'bool_labels',
  ].map((n) => fixture(`${n}.npy`));

  it('readNpy', () => {
    fc.assert(
      fc.property(fc.constantFrom(...npyFiles), fc.array(mutationArb, { minLength: 1, maxLength: 4 }), (file, muts) => {
        const bytes = mutate(file, muts, 128);
        check(() => readNpy(bytes), bytes.length);
      }),
      { numRuns: 3000 },
    );
  });

  const npzFiles = ['savez_archive', 'savez_compressed_archive', 'ambiguous_names'].map((n) => fixture(`${n}.npz`));

  it('readNpz', () => {
    fc.assert(
      fc.property(fc.constantFrom(...npzFiles), fc.array(mutationArb, { minLength: 1, maxLength: 3 }), (file, muts) => {
        // "inHeader" targets the zip's end-of-central-directory and central directory (the tail).
        const bytes = mutate(
          file,
          muts.map((m) => (m.inHeader ? { ...m, inHeader: false, at: file.length - 1 - (m.at % Math.min(file.length, 200)) } : m)),
          file.length,
        );
        check(() => readNpz(bytes), bytes.length);
      }),
      { numRuns: 1500 },
    );
  });
});

// Speed is measured by `npm run bench` (bench/sections/npy.mjs: MB/s against a typed-array copy,
// and the 10^7-values-in-under-a-second requirement); here only the values are checked.
describe('large arrays', () => {
  it('reads 10^5 + 3 float32 values in either byte order, every value exact', () => {
    const n = 100_003;
    const values = new Float32Array(n);
    for (let i = 0; i < n; i++) values[i] = i * 0.25 - 1000 + (i % 3) * 1e-3;
    const headerText = `{'descr': '<f4', 'fortran_order': False, 'shape': (${n},), }`.padEnd(117, ' ') + '\n';
    const le = new Uint8Array(128 + n * 4);
    le.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 118, 0]);
    le.set(new TextEncoder().encode(headerText), 10);
    le.set(new Uint8Array(values.buffer), 128);
    assert.deepEqual(readNpy(le).data, Float64Array.from(values));

    // big endian, and at an odd offset in its buffer (misaligned: forces the copying path)
    const be = new Uint8Array(le.length + 1).subarray(1);
    be.set(le);
    be[10 + headerText.indexOf('<')] = '>'.charCodeAt(0);
    const dv = new DataView(be.buffer, be.byteOffset);
    for (let i = 0; i < n; i++) dv.setFloat32(128 + 4 * i, values[i], false);
    assert.deepEqual(readNpy(be).data, Float64Array.from(values));
  });
});
