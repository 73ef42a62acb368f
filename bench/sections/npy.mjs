// NumPy reading: readNpy on 10^7 float32 values (40 MB of data), little and big endian, in MB/s
// of .npy bytes, against the least work that gives the same float64 values: a typed-array copy
// `new Float64Array(new Float32Array(bytes))` of the same data (the peer). Also the old unit-test
// requirement, now a figure here: 10^7 float32 read in under a second.
import { QUICK, bundleAndRequire, emit, interleave, log, MB, row } from './common.mjs';

const N = QUICK ? 100_000 : 10_000_000;
const ROUNDS = QUICK ? 1 : 5;

/** src/core/npy.ts bundled as scripts/build.mjs bundles the Node code (what ships). */
function npyBundle() {
  return bundleAndRequire("export { readNpy } from './src/core/npy';", 'npy');
}

/** A version 1.0 .npy of `n` float32 values, header padded to 128 bytes so the data is aligned. */
function float32Npy(values, littleEndian) {
  const n = values.length;
  const header = `{'descr': '${littleEndian ? '<' : '>'}f4', 'fortran_order': False, 'shape': (${n},), }`.padEnd(117, ' ') + '\n';
  const bytes = new Uint8Array(128 + n * 4);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 118, 0]);
  bytes.set(new TextEncoder().encode(header), 10);
  if (littleEndian) bytes.set(new Uint8Array(values.buffer), 128);
  else {
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < n; i++) view.setFloat32(128 + 4 * i, values[i], false);
  }
  return bytes;
}

const { readNpy } = await npyBundle();
const values = new Float32Array(N);
for (let i = 0; i < N; i++) values[i] = i * 0.25 - 1000;
const le = float32Npy(values, true);
const be = float32Npy(values, false);
const check = (a) => {
  if (a.length !== N || a[N - 1] !== values[N - 1] || a[12345 % N] !== values[12345 % N]) throw new Error('readNpy returned wrong values');
};

log(`npy: ${N} float32 values, ${(le.length / MB).toFixed(1)} MB per file, ${ROUNDS} rounds`);
const t = interleave(
  [
    { name: 'readNpy <f4', run: () => readNpy(le).data, check },
    { name: 'readNpy >f4', run: () => readNpy(be).data, check },
    // The peer: a straight float32 → float64 typed-array copy of the same (aligned, native) bytes.
    { name: 'Float32Array copy', run: () => new Float64Array(new Float32Array(le.buffer, 128, N)), check },
  ],
  ROUNDS,
);

const mbps = (ms) => le.length / MB / (ms / 1000);
const peer = { name: 'new Float64Array(Float32Array)', value: Number(mbps(t['Float32Array copy'].median).toFixed(0)), unit: 'MB/s' };
const rows = [];
for (const [label, key] of [
  ['little endian', 'readNpy <f4'],
  ['big endian', 'readNpy >f4'],
]) {
  const ours = mbps(t[key].median);
  rows.push(
    row({
      name: `readNpy ${N.toExponential(0)} float32, ${label}: throughput vs a typed-array copy`,
      ours: { value: Number(ours.toFixed(0)), unit: 'MB/s' },
      peer,
      ratio: ours / peer.value,
      better: 'higher',
      note: `median of ${ROUNDS}`,
    }),
  );
  rows.push(
    row({
      name: `readNpy ${N.toExponential(0)} float32, ${label}: time (requirement: under 1 s for 10^7)`,
      ours: { value: Number(t[key].median.toFixed(0)), unit: 'ms' },
      pass: QUICK ? null : t[key].median < 1000,
      note: QUICK ? '--quick: not measured at 10^7' : '',
    }),
  );
}
emit({
  section: 'npy',
  title: 'NumPy .npy reading',
  rows,
  info: { n: N, bytes: le.length, timesMs: Object.fromEntries(Object.entries(t).map(([k, v]) => [k, v.times])) },
});
