/**
 * .safetensors and PyTorch .pt files (issue 20): every analysable fixture in test/fixtures/formats
 * (written by hand per the safetensors spec, by safetensors.torch.save_file, and by torch.save)
 * against the loss and gradients PyTorch computed from the same stored values (expected.json,
 * from make_formats.py); the malicious pickle runs nothing; located errors for broken files.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli, type CliIo } from '../../../src/cli/commands';
import { analyze } from '../../../src/core/analysis';
import { exportAnalysis } from '../../../src/core/exportAnalysis';
import { readNpz } from '../../../src/core/npz';
import type { ClassificationData, Dataset } from '../../../src/core/dataset';
import { loadTensorFile, type LoadOptions } from '../../../src/core/load';
import { analyzeNetwork } from '../../../src/core/network';
import { NpyError } from '../../../src/core/npy';
import {
  bytesSource,
  readSafetensors,
  readSafetensorsHeader,
  readSafetensorsTensor,
  writeSafetensors,
  type ByteSource,
} from '../../../src/core/safetensors';
import { readTensorArchive, stateDictSummary } from '../../../src/core/tensorArchives';
import { readTorchFile } from '../../../src/core/torchPickle';
import { archiveView } from '../../../src/extension/archiveView';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'formats');
const EXPECTED = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as Record<string, Record<string, unknown>>;
const MARKER = '/tmp/gradient_lens_pt_marker';

const bytesOf = (rel: string) => new Uint8Array(readFileSync(join(FIXTURES, rel)));
const load = (rel: string, options: LoadOptions = {}) => loadTensorFile(bytesOf(rel), rel, options);

function assertClose(actual: ArrayLike<number>, expected: number[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i];
    const a = actual[i];
    assert.ok(Math.abs(a - e) <= 1e-9 * Math.abs(e) + 1e-15, `${what}[${i}]: ${a} vs torch ${e}`);
  }
}

const flat = (v: unknown): number[] => (v as (number | number[])[]).flat() as number[];

function assertMatchesTorch(dataset: Dataset | null, expected: Record<string, unknown>, label: string): void {
  assert.ok(dataset, `${label}: no dataset`);
  assert.equal(dataset.task, expected.task, label);
  if (dataset.task === 'network') {
    const a = analyzeNetwork(dataset);
    assertClose([a.loss], [expected.loss as number], `${label} loss`);
    const grads = expected.gradients as { weights: number[][]; bias: number[] }[];
    assert.equal(a.layers.length, grads.length);
    a.layers.forEach((l, i) => {
      assertClose(l.gradWeights, grads[i].weights.flat(), `${label} dL/dW${i + 1}`);
      assertClose(l.gradBias, grads[i].bias, `${label} dL/db${i + 1}`);
    });
    return;
  }
  const a = analyze(dataset);
  assertClose([a.loss], [expected.loss as number], `${label} loss`);
  assertClose(a.losses, expected.losses as number[], `${label} losses`);
  assertClose(a.gradient, flat(expected.gradient), `${label} gradient`);
  if (a.task === 'classification') {
    assertClose(a.probabilities, flat(expected.probabilities), `${label} probabilities`);
    assertClose(a.logitGradient, flat(expected.logit_gradient), `${label} logit gradient`);
    assert.deepEqual(Array.from(a.predicted), expected.predicted, `${label} predicted`);
    const data = dataset as ClassificationData;
    if (expected.labels) assert.deepEqual(Array.from(data.labels ?? []), expected.labels, `${label} labels`);
    else assert.equal(data.labels, null);
    assert.deepEqual(data.classes, expected.classes ?? null, `${label} classes`);
  }
}

describe('safetensors and .pt files analysed match PyTorch', () => {
  const cases = Object.keys(EXPECTED).filter(
    (k) => !k.includes('#') && ['classification', 'regression', 'network'].includes(EXPECTED[k].task as string),
  );
  it('has every fixture case (a guard against an empty loop)', () => assert.equal(cases.length, 14));
  for (const rel of cases) {
    it(rel, () => {
      const readSibling = (name: string) => (existsSync(join(FIXTURES, dirname(rel), name)) ? bytesOf(join(dirname(rel), name)) : null);
      const loaded = load(rel, { readSibling });
      assert.deepEqual(
        loaded.problems.filter((p) => p.severity === 'error'),
        [],
      );
      assertMatchesTorch(loaded.dataset, EXPECTED[rel], rel);
    });
  }

  it('an ambiguous file asks, and takes --role either way', () => {
    const loaded = load('ambiguous.safetensors');
    assert.equal(loaded.dataset, null);
    assert.equal(loaded.problems[0].code, 'ambiguous-roles');
    assert.match(loaded.problems[0].message, /"first" and "second" could each be the logits/);
    for (const name of ['first', 'second']) {
      assertMatchesTorch(
        load('ambiguous.safetensors', { roleChoice: { logits: name } }).dataset,
        EXPECTED[`ambiguous.safetensors#${name}`],
        name,
      );
    }
  });

  it('state dicts: shapes and norms per Linear layer, as torch computes them', () => {
    for (const rel of ['mlp_state.safetensors', 'pt/state_dict.pth']) {
      const expected = EXPECTED[rel].layers as {
        name: string;
        weight_shape: number[];
        bias_shape: number[];
        weight_norm: number;
        bias_norm: number;
      }[];
      const summary = stateDictSummary(readTensorArchive(bytesOf(rel), rel).arrays);
      assert.deepEqual(
        summary.map((l) => [l.name, l.weightShape, l.biasShape]),
        expected.map((l) => [l.name, l.weight_shape, l.bias_shape]),
      );
      assertClose(
        summary.map((l) => l.weightNorm),
        expected.map((l) => l.weight_norm),
        `${rel} ‖W‖`,
      );
      assertClose(
        summary.map((l) => l.biasNorm!),
        expected.map((l) => l.bias_norm),
        `${rel} ‖b‖`,
      );
      const loaded = load(rel);
      assert.equal(loaded.dataset, null);
      assert.equal(loaded.problems[0].code, 'state-dict');
    }
  });

  it('the network in mlp_data.safetensors takes its activations from the gradient_lens metadata (no warning)', () => {
    const loaded = load('mlp_data.safetensors');
    assert.deepEqual(loaded.problems, []);
    assert.equal(loaded.dataset?.task, 'network');
  });

  it('a state dict with inputs.npy and labels.npy beside it: ReLU and softmax assumed, with a warning', () => {
    const rel = 'pt/with_data/state_dict.pth';
    const loaded = load(rel, {
      readSibling: (name) => (existsSync(join(FIXTURES, 'pt', 'with_data', name)) ? bytesOf(`pt/with_data/${name}`) : null),
    });
    assert.deepEqual(
      loaded.problems.map((p) => [p.severity, p.message]),
      [['warning', 'state_dict.pth: no "gradient_lens" metadata names the activations; assuming relu, softmax']],
    );
    assert.equal(load(rel).problems[0].code, 'state-dict', 'without the siblings: the summary');
  });
});

describe('safetensors reader', () => {
  it('with the bytes handed over, an aligned F64 tensor is a view of them and a misaligned one or an I32 a copy: the same values', () => {
    const z = Float64Array.from({ length: 12 }, (_, i) => (i - 5.5) / 3);
    const labels = Int32Array.from([0, 2, 1, 3]);
    // I32 labels of odd count first leave the F64 logits at an offset that is not a multiple of 8.
    const aligned = writeSafetensors({ logits: { data: z, shape: [4, 3] }, labels: { data: labels, shape: [4] } });
    const misaligned = writeSafetensors({ labels: { data: labels.subarray(0, 3), shape: [3] }, logits: { data: z, shape: [4, 3] } });
    for (const [bytes, view] of [
      [aligned, true],
      [misaligned, false],
    ] as const) {
      const handed = readSafetensors(bytes, 'x.safetensors', true).arrays;
      const copied = readSafetensors(bytes, 'x.safetensors').arrays;
      assert.equal(handed.get('logits')!.data.buffer === bytes.buffer, view);
      assert.notEqual(handed.get('labels')!.data.buffer, bytes.buffer, 'I32 becomes float64: a copy');
      assert.notEqual(copied.get('logits')!.data.buffer, bytes.buffer, 'not handed over: never a view');
      assert.deepEqual(handed, copied);
      assert.deepEqual(Array.from(handed.get('logits')!.data), Array.from(z));
    }
  });

  it('decodes every dtype exactly (F64 … BOOL, BF16, F8_E4M3, F8_E5M2)', () => {
    const { arrays } = readSafetensors(bytesOf('dtypes.safetensors'), 'dtypes.safetensors');
    const values = EXPECTED['dtypes.safetensors'].values as Record<string, (number | string)[]>;
    assert.equal(arrays.size, Object.keys(values).length);
    for (const [name, expected] of Object.entries(values)) {
      const got = Array.from(arrays.get(name)!.data);
      assert.deepEqual(
        got,
        expected.map((v) => (typeof v === 'string' ? Number(v) : v)),
        name,
      );
    }
  });

  it('reads the metadata, and the file the safetensors library wrote', () => {
    assert.deepEqual(
      [...readSafetensors(bytesOf('logits_labels.safetensors')).header.metadata!],
      [
        ['format', 'pt'],
        ['source', 'make_formats.py'],
      ],
    );
    assert.deepEqual(
      [...readSafetensors(bytesOf('library.safetensors')).header.metadata!],
      [['written_by', 'safetensors.torch.save_file']],
    );
  });

  it('reads lazily: the header and one tensor touch only their byte ranges', () => {
    const bytes = bytesOf('mlp_data.safetensors');
    const reads: [number, number][] = [];
    const src: ByteSource = { size: bytes.length, read: (o, l) => (reads.push([o, l]), bytes.subarray(o, o + l)) };
    const header = readSafetensorsHeader(src, 'mlp_data.safetensors');
    const info = header.tensors.find((t) => t.name === '2.bias')!;
    const bias = readSafetensorsTensor(src, info);
    assert.deepEqual(bias.shape, [3]);
    assert.deepEqual(reads, [
      [0, 8],
      [8, header.dataStart - 8],
      [info.begin, 12],
    ]);
  });

  /** A file with the given header JSON and `data` bytes after it. */
  const make = (header: string, data = 0): Uint8Array => {
    const h = new TextEncoder().encode(header);
    const out = new Uint8Array(8 + h.length + data);
    new DataView(out.buffer).setUint32(0, h.length, true);
    out.set(h, 8);
    return out;
  };
  const error = (bytes: Uint8Array): NpyError => {
    try {
      readSafetensors(bytes, 'x.safetensors');
    } catch (e) {
      assert.ok(e instanceof NpyError, String(e));
      return e;
    }
    assert.fail('no error');
  };

  it('refuses broken files with a located message', () => {
    const F = (shape: string, offsets: string) => `{"dtype":"F32","shape":${shape},"data_offsets":${offsets}}`;
    /** [header, data bytes, message, where: a substring of the header the offset points at, or a byte offset] */
    const cases: [string, number, RegExp, string | number][] = [
      [`{"a":${F('[2]', '[0,8]')}}`, 4, /ends at data offset 8, past the end of the data \(4 bytes\).*header line 1, column 48/, '[0,8]'],
      [`{"a":${F('[3]', '[0,8]')}}`, 8, /needs 3 × 4 = 12 bytes, but its data_offsets give 8/, '[0,8]'],
      [`{"a":${F('[1]', '[0,4]')},"b":${F('[1]', '[2,6]')}}`, 6, /"b".*overlaps the tensor before it, which ends at 4/, '"b"'],
      [`{"a":${F('[1]', '[4,8]')}}`, 8, /starts at data offset 4, leaving a gap after 0/, '"a"'],
      [
        `{"a":${F('[1]', '[0,4]')}}`,
        6,
        /tensors end at byte \d+ but the file is \d+ bytes long \(2 bytes are not part of any tensor\)/,
        -2,
      ],
      [`{"a":{"dtype":"C64","shape":[1],"data_offsets":[0,8]}}`, 8, /dtype "C64", which this reader does not support/, '"C64"'],
      [`{"a":${F('[1e20]', '[0,4]')}}`, 4, /shape of tensor "a" must be a list of non-negative integers/, '[1e20]'],
      [`{"a":${F('[-1]', '[0,4]')}}`, 4, /shape of tensor "a" must be a list of non-negative integers/, '[-1]'],
      [`{"a":${F('[1]', '[0,4]')},\n}`, 4, /JSON header is malformed: a trailing comma.*header line 1, column 54/, ','],
      [`{"a":${F('[1]', '[0,4]')}\n  "b"}`, 4, /JSON header is malformed.*header line 2, column 3/, '"b"'],
      [`{"__metadata__":{"k":1}}`, 0, /"__metadata__" value "k" must be a string/, '1'],
      [`{"a":1,"a":2}`, 0, /the key "a" appears twice/, '"a":2'],
      [`{"a":1}`, 0, /tensor "a" must be an object/, '1'],
      [`[1, 2]`, 0, /must be a JSON object starting with '\{'/, '['],
    ];
    for (const [header, data, pattern, where] of cases) {
      const bytes = make(header, data);
      const e = error(bytes);
      assert.match(e.message, pattern);
      const offset =
        typeof where === 'number' ? bytes.length + where : 8 + new TextEncoder().encode(header.slice(0, header.lastIndexOf(where))).length;
      assert.equal(e.offset, offset, e.message);
    }
    // Truncations: every prefix of a valid file is refused with an offset inside it.
    const valid = bytesOf('logits_labels.safetensors');
    for (let cut = 0; cut < valid.length; cut++) {
      const e = error(valid.subarray(0, cut));
      assert.ok(e.offset >= 0 && e.offset <= cut, `${cut}: ${e.message}`);
    }
  });

  it('a header length above 100 MB is refused before anything is read', () => {
    const big = new Uint8Array(16);
    new DataView(big.buffer).setUint32(0, 100_000_001, true);
    let reads = 0;
    const src: ByteSource = { size: 1e12, read: (o, l) => (reads++, big.subarray(o, o + l)) };
    assert.throws(() => readSafetensorsHeader(src), /above the format's limit of 100 MB/);
    assert.equal(reads, 1);
    // A claimed 2^40-byte header in a 16-byte file: truncated, not an allocation.
    new DataView(big.buffer).setUint32(4, 256, true);
    assert.throws(() => readSafetensorsHeader(bytesSource(big)), /above the format's limit/);
  });
});

describe('PyTorch .pt reader', () => {
  it('refuses the os.system pickle, naming the global, and runs nothing', () => {
    rmSync(MARKER, { force: true });
    const loaded = load('pt/malicious.pt');
    assert.equal(loaded.dataset, null);
    assert.match(loaded.problems[0].message, /malicious\/data\.pkl: refusing to load the global posix\.system.*\(at byte 184\)/);
    assert.throws(() => readTorchFile(bytesOf('pt/malicious.pt')), /posix\.system/);
    assert.equal(existsSync(MARKER), false, 'the marker file exists: something ran');
  });

  it('says how to re-save a legacy (pre-1.6) file', () => {
    const loaded = load('pt/legacy.pt');
    assert.match(loaded.problems[0].message, /legacy \(pre-1\.6, non-zip\).*re-save it with a newer PyTorch \(torch\.save\(obj, path\)\)/);
  });

  it('float64 tensors stay in their storage member: two tensors of one storage share its buffer, values exact', () => {
    // pt/make_f64.py: logits = base[1:4] of a float64 base saved beside it (storage offset 10).
    const expected = JSON.parse(readFileSync(join(FIXTURES, 'pt', 'f64_shared.expected.json'), 'utf8'));
    const { arrays } = readTorchFile(bytesOf('pt/f64_shared.pt'), 'f64_shared.pt');
    const logits = arrays.get('logits')!;
    const base = arrays.get('base')!;
    assert.deepEqual(logits.shape, expected.shape);
    assert.deepEqual(Array.from(logits.data), expected.logits);
    assert.equal(logits.data.buffer, base.data.buffer, 'one storage, one buffer: views, not copies');
    assert.equal(logits.data.byteOffset - base.data.byteOffset, 10 * 8);
    assert.deepEqual(Array.from(base.data.subarray(10, 40)), expected.logits);
  });

  it('honours storage offsets, strides and shared storages', () => {
    const { arrays } = readTorchFile(bytesOf('pt/view.pt'), 'view.pt');
    const base = arrays.get('base')!;
    const view = arrays.get('logits')!;
    assert.deepEqual(view.shape, [6, 4]);
    for (let i = 0; i < 6; i++) for (let j = 0; j < 4; j++) assert.equal(view.data[i * 4 + j], base.data[(i + 2) * 10 + 1 + 2 * j]);
    assert.deepEqual(Array.from(arrays.get('labels')!.data), [0, 3, 1, 2, 2, 0]);
  });

  it('a tuple is named by position', () => {
    assert.deepEqual([...readTorchFile(bytesOf('pt/tuple.pt')).arrays.keys()], ['0', '1']);
  });
});

describe('CLI on .safetensors and .pt', () => {
  const run = (...args: string[]) => {
    let out = '';
    let err = '';
    const io: CliIo = {
      readFile: (p) => new Uint8Array(readFileSync(p)),
      fileSize: () => 0,
      out: (t) => (out += t),
      err: (t) => (err += t),
    };
    const status = runCli(args, io);
    return { status, out, err };
  };

  it('analyze --json gives the torch loss', () => {
    const r = run('analyze', join(FIXTURES, 'pt', 'dict.pt'), '--json');
    assert.equal(r.status, 0, r.err);
    assertClose([JSON.parse(r.out).loss], [EXPECTED['pt/dict.pt'].loss as number], 'loss');
  });

  it('--role picks among ambiguous arrays', () => {
    const r = run('analyze', join(FIXTURES, 'ambiguous.safetensors'), '--json', '--role', 'logits=second');
    assert.equal(r.status, 0, r.err);
    assertClose([JSON.parse(r.out).loss], [EXPECTED['ambiguous.safetensors#second'].loss as number], 'loss');
  });

  it('a state dict prints its layers', () => {
    const r = run('analyze', join(FIXTURES, 'pt', 'state_dict.pth'), '--json');
    assert.equal(r.status, 0, r.err);
    const report = JSON.parse(r.out);
    assert.equal(report.task, 'state_dict');
    assert.deepEqual(
      report.layers.map((l: { weightShape: number[] }) => l.weightShape),
      [
        [5, 4],
        [3, 5],
      ],
    );
  });

  it('a refused file: exit 1 and FILE: message', () => {
    const file = join(FIXTURES, 'pt', 'malicious.pt');
    const r = run('analyze', file);
    assert.equal(r.status, 1);
    assert.ok(r.err.startsWith(`${file}: malicious/data.pkl: refusing to load the global posix.system`), r.err);
  });
});

describe('the viewer reading archives', () => {
  it('a 3 GB .safetensors (sparse) opens from its header; only the small tensor is read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gl-st-'));
    try {
      const big = 3 * 2 ** 30;
      const header = JSON.stringify({
        __metadata__: { note: 'sparse' },
        small: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
        huge: { dtype: 'U8', shape: [big], data_offsets: [8, 8 + big] },
      });
      const head = new Uint8Array(8 + header.length + 8);
      new DataView(head.buffer).setUint32(0, header.length, true);
      head.set(new TextEncoder().encode(header), 8);
      new DataView(head.buffer).setFloat32(8 + header.length, 1.5, true);
      new DataView(head.buffer).setFloat32(8 + header.length + 4, -2, true);
      const path = join(dir, 'big.safetensors');
      writeFileSync(path, head);
      truncateSync(path, 8 + header.length + 8 + big);
      const view = archiveView('big.safetensors', { path });
      assert.deepEqual(view.metadata, [['note', 'sparse']]);
      assert.deepEqual(Array.from(view.tensors[0].array!.data), [1.5, -2]);
      assert.equal(view.tensors[1].array, null);
      assert.deepEqual(view.tensors[1].shape, [big]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a .pt state dict shows its layers and a .pt dict its string entries as metadata', () => {
    assert.deepEqual(
      archiveView('state_dict.pth', { bytes: bytesOf('pt/state_dict.pth') }).layers.map((l) => l.name),
      ['0', '2'],
    );
    assert.deepEqual(archiveView('mlp_data.safetensors', { bytes: bytesOf('mlp_data.safetensors') }).metadata, [
      ['gradient_lens', '{"activations": ["relu", "softmax"]}'],
    ]);
  });
});

describe('export to .safetensors', () => {
  it('the analysis round-trips: every array as written, loss and gradient as torch computed them', () => {
    const dataset = load('logits_labels.safetensors').dataset!;
    const a = analyze(dataset);
    const bytes = exportAnalysis(a, 'safetensors', { fileName: 'logits_labels.safetensors' });
    const { header, arrays } = readSafetensors(bytes, 'analysis.safetensors');
    assert.deepEqual(
      [...header.metadata!],
      [
        ['source', 'logits_labels.safetensors'],
        ['written_by', 'gradient-lens'],
      ],
    );
    assert.equal((header.dataStart - 8) % 8, 0, 'header padded to 8 bytes');
    const e = EXPECTED['logits_labels.safetensors'];
    assertClose(arrays.get('loss')!.data, [e.loss as number], 'loss');
    assert.deepEqual(arrays.get('gradient')!.shape, [6, 4]);
    assertClose(arrays.get('gradient')!.data, flat(e.gradient), 'gradient');
    assert.equal(arrays.get('labels')!.dtype, '<i4');
    assert.deepEqual(Array.from(arrays.get('labels')!.data), e.labels);
    const npz = [...readNpz(exportAnalysis(a, 'npz'), 'a.npz')];
    assert.deepEqual(
      npz.map(([k, v]) => [k, v.shape, Array.from(v.data)]),
      [...arrays].map(([k, v]) => [k, v.shape, Array.from(v.data)]),
      'the same arrays as the .npz export',
    );
  });

  it('the CLI writes --out x.safetensors, and a network export holds every layer gradient', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gl-out-'));
    try {
      const out = join(dir, 'net.safetensors');
      const io: CliIo = {
        readFile: (p) => new Uint8Array(readFileSync(p)),
        fileSize: () => 0,
        out: () => {},
        err: () => {},
        writeFile: (p, b) => writeFileSync(p, b),
        sameFile: () => false,
      };
      assert.equal(runCli(['analyze', join(FIXTURES, 'mlp_data.safetensors'), '--out', out], io), 0);
      const { arrays } = readSafetensors(new Uint8Array(readFileSync(out)));
      const grads = EXPECTED['mlp_data.safetensors'].gradients as { weights: number[][] }[];
      assertClose(arrays.get('grad_weights_0')!.data, grads[0].weights.flat(), 'dL/dW1');
      assertClose(arrays.get('grad_weights_1')!.data, grads[1].weights.flat(), 'dL/dW2');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
