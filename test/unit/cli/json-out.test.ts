/**
 * Issue 22: `analyze --json` (and `--out X.json`) write their JSON a piece at a time
 * (src/core/jsonChunks.ts), because a 10⁴ × 10³ analysis is more JSON than one V8 string holds. The bytes
 * must be exactly what JSON.stringify (+ escapeJsonOutput on stdout) gave: on hand-made values that
 * exercise every JSON.stringify rule, on seeded random values, on the bundled examples' reports, and
 * through the CLI; and a value whose JSON is longer than any string must still be written, in full.
 */
import assert from 'node:assert/strict';
import { constants } from 'node:buffer';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import { reportOf, runCli, type CliIo } from '../../../src/cli/commands';
import { jsonChunks, jsonFileChunks, writeJson, type NonFinite } from '../../../src/core/jsonChunks';
import { analysisBytes, analysisChunks } from '../../../src/cli/out';
import { readRegularFile } from '../../../src/cli/readRegular';
import { analyze } from '../../../src/core/analysis';
import { RowsForJson } from '../../../src/core/analysisReport';
import { labelledLogits, type ClassificationData } from '../../../src/core/dataset';
import { rowTextHere, type RowTextRunner } from '../../../src/core/rowTextBlock';
import { analysisCsvLines, lineChunks } from '../../../src/core/exportAnalysis';
import { loadTensorFile } from '../../../src/core/load';
import { writeNpy } from '../../../src/core/npy';
import { DEFAULT_MAX_FILE_BYTES } from '../../../src/core/limits';
import { escapeJsonOutput } from '../../../src/core/safeText';
import { cli } from '../../helpers/cli';
import { seededUniform } from '../../helpers/seeded';

const { MAX_STRING_LENGTH } = constants;
const EXAMPLES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'examples');
const scratch = mkdtempSync(join(tmpdir(), 'gradient-lens-json-out-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** The replacer of the file exports (src/core/exportAnalysis.ts): NaN and ±Infinity as strings. */
function finite(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
}

const SIZES = [1, 2, 3, 7, 64, 1000, undefined];

/** The pieces, joined, are JSON.stringify's text; none is empty; writeJson adds the escapes and the newline. */
function assertSame(value: unknown, what: string): void {
  for (const [nonFinite, replacer] of [
    ['null', undefined],
    ['string', finite],
  ] as const) {
    const want = JSON.stringify(value, replacer as ((k: string, v: unknown) => unknown) | undefined) ?? '';
    for (const chunkChars of SIZES) {
      const pieces = [...jsonChunks(value, { chunkChars, nonFinite: nonFinite as NonFinite })];
      assert.equal(pieces.join(''), want, `${what}, nonFinite ${nonFinite}, pieces of ${chunkChars}`);
      assert.ok(
        pieces.every((p) => p.length > 0),
        `${what}: an empty piece`,
      );
    }
  }
  for (const chunkChars of SIZES) {
    let out = '';
    writeJson(value, (t) => (out += t), { chunkChars });
    assert.equal(out, escapeJsonOutput(JSON.stringify(value) ?? '') + '\n', `${what}: writeJson, pieces of ${chunkChars}`);
  }
}

describe('jsonChunks: JSON.stringify in pieces', () => {
  test('every JSON.stringify rule: toJSON, wrappers, undefined / functions / symbols, holes, NaN, ±Infinity, −0', () => {
    const holes = [1, , 3]; // eslint-disable-line no-sparse-arrays
    const cases: [string, unknown][] = [
      ['empty object', {}],
      ['empty array', []],
      ['nested empties', { a: [], b: {}, c: [[], [{}], [[[]]]] }],
      ['numbers', [0, -0, 1, -1.5, 1e21, 1e-7, 5e-324, Number.MAX_VALUE, -Number.MIN_VALUE, 0.1 + 0.2, 123456789012345680000]],
      ['non-finite', { loss: NaN, grads: [Infinity, -Infinity, NaN, 1], deep: { x: [[NaN]] } }],
      ['undefined, functions, symbols', { a: undefined, b: () => 1, c: Symbol('s'), d: [undefined, () => 1, Symbol('t')], e: 1 }],
      ['holes', holes],
      ['toJSON', { when: new Date(0), custom: { toJSON: (key: string) => `key=${key}` }, list: [{ toJSON: () => undefined }] }],
      ['wrappers', [new Number(3), new String('s'), new Boolean(false), new Number(NaN)]],
      ['typed arrays as JSON.stringify writes them', { f: new Float64Array([1.5, NaN]), i: new Int32Array([1, -2]) }],
      ['key order and integer keys', { b: 1, a: 2, 10: 3, 2: 4, '': 5, 'key "quoted"\n': 6 }],
      ['booleans and null', [true, false, null, { t: true, n: null }]],
      ['top-level number', 42],
      ['top-level NaN', NaN],
      ['top-level string', 'x\u2028y'],
      ['top-level undefined', undefined],
      [
        'text escapeJsonOutput escapes and text it keeps',
        {
          classes: ['chat', 'Ünïcödé', '∂L/∂z', '日本語', '😀 emoji', 'C1\u0085', 'DEL\u007f', 'bidi\u202eevil', 'LRM\u200e', 'ALM\u061c'],
          'sep\u2028arator': ['tab\t', 'nl\n', 'esc\u001b', 'quote"', 'back\\', 'lone \ud800 surrogate', 'PDI\u2069'],
        },
      ],
      [
        'RowsForJson (the report matrices), non-finite entries and empty ones included',
        {
          m: RowsForJson.of(Float64Array.of(1, NaN, -0, Infinity, 2.5e-300, -7), 3, 2),
          one: RowsForJson.of(Float64Array.of(0.5), 1, 1),
          empty: RowsForJson.of(new Float64Array(0), 0, 3),
          emptyRows: RowsForJson.of(new Float64Array(0), 2, 0),
          inArray: [RowsForJson.of(Float64Array.of(1, 2), 1, 2)],
        },
      ],
      [
        'escapable text around and between report matrices (pieces of numbers alone are not escaped, the others are)',
        {
          classes: ['bidi\u202eevil', 'C1\u0085'],
          m: RowsForJson.of(Float64Array.of(0.25, -1e-300, 3, NaN), 2, 2),
          'sep\u2028arator': 'LRM\u200e',
          rows: [RowsForJson.of(Float64Array.of(1, 2, 3), 1, 3), 'PDI\u2069', RowsForJson.of(Float64Array.of(4), 1, 1)],
          last: { 'key\u061c': [1, 'x\u2029'] },
        },
      ],
      [
        'a report-like object',
        {
          task: 'classification',
          n: 2,
          k: 2,
          losses: [0.1, NaN],
          probabilities: [
            [0.5, 0.5],
            [1, 0],
          ],
          predicted: [0, 1],
        },
      ],
    ];
    for (const [what, value] of cases) assertSame(value, what);
  });

  test('a cycle and a BigInt throw as in JSON.stringify', () => {
    const cyclic: Record<string, unknown> = { a: [1] };
    cyclic.self = cyclic;
    assert.throws(() => JSON.stringify(cyclic), TypeError);
    assert.throws(() => [...jsonChunks(cyclic)], TypeError);
    assert.throws(() => [...jsonChunks({ n: [1n] })], TypeError);
    // The same object twice (not a cycle) is written twice, as JSON.stringify does.
    const shared = [1, 2];
    assertSame({ a: shared, b: [shared, shared] }, 'shared, not cyclic');
  });

  test('seeded random values: nested objects and arrays, numbers of every size, NaN, ±Infinity, escapable text', () => {
    const alphabet = [
      'a',
      'Z',
      '0',
      ' ',
      '"',
      '\\',
      '\n',
      '\t',
      '\u0000',
      '\u001b',
      '\u007f',
      '\u0085',
      'é',
      '∂',
      '\u2028',
      '\u202e',
      '\u2066',
      '😀',
    ];
    for (let seed = 1; seed <= 150; seed++) {
      const rand = seededUniform(seed);
      const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
      const text = () => Array.from({ length: Math.floor(rand() * 8) }, () => pick(alphabet)).join('');
      const number = () =>
        pick([
          () => (rand() - 0.5) * 10 ** Math.floor(rand() * 600 - 300),
          () => Math.floor(rand() * 1000),
          () => NaN,
          () => Infinity,
          () => -Infinity,
          () => -0,
          () => rand(),
        ])();
      const value = (depth: number): unknown => {
        const r = rand();
        if (depth > 3 || r < 0.35) return number();
        if (r < 0.45) return text();
        if (r < 0.5) return pick([true, false, null, undefined]);
        if (r < 0.8) return Array.from({ length: Math.floor(rand() * 12) }, () => value(depth + 1));
        const o: Record<string, unknown> = {};
        for (let m = Math.floor(rand() * 6); m > 0; m--) o[text()] = value(depth + 1);
        return o;
      };
      assertSame(value(0), `seed ${seed}`);
    }
  });

  test('pieces stay near chunkChars on rows of numbers (the bulk of a report), cut only between values', () => {
    const rand = seededUniform(22);
    const rows = Array.from({ length: 300 }, () => Array.from({ length: 50 }, () => (rand() - 0.5) * 1e-3));
    const report = { task: 'classification', n: 300, k: 50, losses: rows.map((r) => r[0]), gradient: rows };
    const pieces = [...jsonChunks(report, { chunkChars: 4096 })];
    assert.equal(pieces.join(''), JSON.stringify(report));
    assert.ok(pieces.length > 50, `${pieces.length} pieces`);
    // A piece is handed out once it reaches 4096 characters: at most one more run of numbers (≤ 4096 + a number).
    for (const p of pieces) assert.ok(p.length <= 2 * 4096 + 32, `a piece of ${p.length}`);
    // Every piece but the last ends just after a value: a digit, ] or }, or the "…": before one.
    for (const p of pieces.slice(0, -1)) assert.match(p, /[\d\]}]$/);
  });
});

/** Seeded n × k logits (magnitudes 1e-2…1e3) and labels in shared memory, as the parts reader holds them. */
function sharedLogits(rand: () => number, n: number, k: number): ClassificationData {
  const values = new Float64Array(new SharedArrayBuffer(8 * n * k));
  for (let i = 0; i < n * k; i++) values[i] = (rand() - 0.5) * 10 ** Math.floor(rand() * 6 - 2);
  const labels = new Int32Array(new SharedArrayBuffer(4 * n));
  for (let i = 0; i < n; i++) labels[i] = Math.floor(rand() * k);
  return labelledLogits(values, labels, n, k);
}

describe('RowsForJson: the report matrices a row at a time', () => {
  test('seeded rows of every magnitude, some with NaN or ±Infinity, rows wider than a piece: JSON.stringify of toJSON()', () => {
    const rand = seededUniform(2214);
    for (const [rows, cols] of [
      [200, 40],
      [3, 3000],
    ]) {
      const data = Float64Array.from({ length: rows * cols }, () => (rand() - 0.5) * 10 ** Math.floor(rand() * 40 - 20));
      for (const at of [5, cols + 1, 7 * cols - 1]) data[at] = [NaN, Infinity, -Infinity][at % 3];
      data[2 * cols] = -0;
      const m = RowsForJson.of(data, rows, cols);
      assertSame({ gradient: m }, `${rows} × ${cols}`);
      const pieces = [...jsonChunks({ gradient: m }, { chunkChars: 4096 })];
      // A piece is handed out once it reaches 4096 characters, a row at most past it (rows wider than a piece by runs).
      for (const p of pieces)
        assert.ok(p.length <= 4096 + Math.min(cols, 4096 / 24) * 24 + 2, `a piece of ${p.length} (${rows} × ${cols})`);
    }
  });
});

describe('JSON longer than a string can be', () => {
  test('a value whose JSON is longer than V8’s longest string is written in full, escapes included', () => {
    // 300 references to one 1.8 M-character string: ~550 M characters of JSON, past V8's 2²⁹ − 24
    // (JSON.stringify throws RangeError "Invalid string length" on it, after ~6 s: not run here).
    const unit = 'gradient lens '.repeat(1 << 17);
    const value = { classes: new Array<string>(300).fill(unit), n: 300, note: 'escaped \u2028 ∂ \u202e' };
    const got = createHash('sha256');
    let length = 0;
    let pieces = 0;
    writeJson(value, (t) => {
      got.update(t);
      length += t.length;
      pieces++;
    });
    // The same text assembled by hand, the separator and the bidi override escaped, and a newline.
    const want = createHash('sha256');
    const quoted = JSON.stringify(unit);
    want.update('{"classes":[');
    for (let i = 0; i < 300; i++) {
      if (i) want.update(',');
      want.update(quoted);
    }
    const tail = '],"n":300,"note":"escaped \\u2028 ∂ \\u202e"}\n';
    want.update(tail);
    assert.equal(length, 12 + 300 * quoted.length + 299 + tail.length);
    assert.ok(length > MAX_STRING_LENGTH, `${length} characters, V8's limit ${MAX_STRING_LENGTH}`);
    assert.ok(pieces >= 300, `${pieces} pieces`);
    assert.equal(got.digest('hex'), want.digest('hex'));
  });
});

/** The data files of examples/ (and examples/numpy) that load. */
function exampleFiles(): string[] {
  const files = readdirSync(EXAMPLES)
    .filter((f) => /\.(json|csv)$/.test(f))
    .map((f) => join(EXAMPLES, f));
  return [...files, join(EXAMPLES, 'numpy', 'scores.npy')];
}

function load(path: string) {
  const readSibling = (name: string) => {
    try {
      return readRegularFile(join(dirname(path), name), 1 << 20);
    } catch {
      return null;
    }
  };
  return loadTensorFile(readFileSync(path), path, { readSibling }).dataset;
}

/** The CLI in-process with file writes kept in memory (whole, or a chunk at a time). */
function cliWriting(args: string[], chunked: boolean) {
  let stdout = '';
  let stderr = '';
  const files = new Map<string, Uint8Array>();
  const io: CliIo = {
    readFile: (p, max = DEFAULT_MAX_FILE_BYTES) => readRegularFile(p, max),
    fileSize: (p) => statSync(p).size,
    out: (t) => (stdout += t),
    err: (t) => (stderr += t),
    writeFile: (p, bytes) => void files.set(p, bytes),
    ...(chunked
      ? { writeChunks: (p: string, chunks: Iterable<Uint8Array>) => (files.set(p, Buffer.concat([...chunks])), files.get(p)!.length) }
      : {}),
  };
  const status = runCli(args, io);
  return { status, stdout, stderr, files };
}

describe('the bundled examples and generated files', () => {
  test('each example’s report (full and --summary, both reductions): pieces of every size give JSON.stringify’s bytes', () => {
    let checked = 0;
    for (const path of exampleFiles()) {
      const dataset = load(path);
      if (!dataset) continue; // broken.json: its messages are other tests' business
      for (const reduction of ['mean', 'sum'] as const)
        for (const summary of [false, true]) {
          const what = `${basename(path)} ${reduction} ${summary}`;
          assertSame(reportOf(dataset, { reduction }, summary), what);
          // The CLI's report for JSON holds its matrices as RowsForJson: the same text.
          const forJson = reportOf(dataset, { reduction }, summary, true);
          assert.equal(JSON.stringify(forJson), JSON.stringify(reportOf(dataset, { reduction }, summary)), what);
          assertSame(forJson, `${what} for JSON`);
        }
      checked++;
    }
    assert.ok(checked >= 14, `${checked} examples`);
  });

  test('seeded logits of every scale: p and ∂L/∂z derived a row at a time for JSON are the full analysis’s bits', () => {
    const rand = seededUniform(1414);
    for (const [n, k] of [
      [40, 7],
      [3, 1000],
      [25, 2],
    ]) {
      const values = Float64Array.from({ length: n * k }, () => (rand() - 0.5) * 10 ** Math.floor(rand() * 8 - 3));
      values[k + 1] = 709.9; // exp overflow without the max shift
      values[2 * k] = -745.2; // exp underflow
      const labels = Int32Array.from({ length: n }, () => Math.floor(rand() * k));
      const dataset = labelledLogits(values, labels, n, k);
      for (const reduction of ['mean', 'sum'] as const) {
        const full: string = JSON.stringify(reportOf(dataset, { reduction }, false));
        const derived = reportOf(dataset, { reduction }, false, true);
        assert.ok(derived.probabilities instanceof RowsForJson, 'the rows are derived, not held');
        assert.equal(JSON.stringify(derived), full, `${n} × ${k} ${reduction}`);
        assertSame(derived, `${n} × ${k} ${reduction} in pieces`);
      }
    }
  });

  test('rows formatted elsewhere in blocks (the CLI’s threads), some left to the writer: the same JSON, window after window', () => {
    const rand = seededUniform(1415);
    const [n, k] = [500, 60];
    const dataset = sharedLogits(rand, n, k);
    for (const reduction of ['mean', 'sum'] as const) {
      const want: string = JSON.stringify(reportOf(dataset, { reduction }, false));
      const asked: number[] = [];
      let started = 0;
      let finished = 0;
      const runner: RowTextRunner = (specs) => {
        started++;
        asked.push(...specs.map((s) => s.from));
        const finish = rowTextHere(specs);
        // Every third block is left to the writer (as a thread would leave a row with NaN written as a string).
        return () => (finished++, finish().map((text, b) => (b % 3 === 1 ? null : text)));
      };
      const report = reportOf(dataset, { reduction }, false, true, null, runner);
      for (const chunkChars of [2000, undefined]) {
        started = finished = 0;
        assert.equal([...jsonChunks(report, { chunkChars })].join(''), want, `${reduction}, pieces of ${chunkChars}`);
        // p and ∂L/∂z (twice: the gradient is ∂L/∂z); pieces of 2,000: a row a block, 64 a window, 8 windows each.
        if (chunkChars === 2000) assert.equal(started, 3 * 8);
        assert.equal(finished, started, 'every window started is waited for');
      }
      assert.ok(asked.includes(n - 1) && asked.includes(0));
    }
  });

  test('CSV lines formatted elsewhere in blocks, some left to the writer: the same lines, joined', () => {
    const rand = seededUniform(1416);
    for (const [n, k] of [
      [300, 40],
      [7, 1000],
    ]) {
      const dataset = sharedLogits(rand, n, k);
      for (const reduction of ['mean', 'sum'] as const) {
        const full = analyze(dataset, { reduction });
        const want: string = [...analysisCsvLines(full)].join('\n');
        const onDemand = analyze(dataset, { reduction, rowsOnDemand: true });
        let blocks = 0;
        const runner: RowTextRunner = (specs) => {
          const finish = rowTextHere(specs);
          return () => finish().map((text, b) => (blocks++, b % 4 === 2 ? null : text));
        };
        const lines: string[] = [...analysisCsvLines(onDemand, {}, dataset, runner)];
        assert.equal(lines.join('\n'), want, `${n} × ${k} ${reduction}`);
        assert.ok(blocks > 1, `${blocks} blocks`);
        if (k === 40) assert.ok(lines.length < n + 1, `${lines.length} yields: blocks of several lines`);
      }
    }
  });

  test('analyze --json through the CLI prints escapeJsonOutput(JSON.stringify(report)) and a newline', () => {
    for (const path of exampleFiles()) {
      const dataset = load(path);
      if (!dataset) continue;
      for (const flags of [[], ['--summary'], ['--reduction', 'sum']]) {
        const { status, stdout } = cli('analyze', path, '--json', ...flags);
        assert.equal(status, 0, `${path} ${flags.join(' ')}`);
        const reduction: 'sum' | 'mean' = flags.includes('sum') ? 'sum' : 'mean';
        const want: string = escapeJsonOutput(JSON.stringify(reportOf(dataset, { reduction }, flags.includes('--summary')))) + '\n';
        assert.equal(stdout, want, `${basename(path)} ${flags.join(' ')}`);
      }
    }
  });

  test('--out X.json, X.csv, X.npz and X.safetensors: a piece at a time (pieces of any size) or whole, the bytes analysisBytes gives', () => {
    let csvs = 0;
    for (const path of exampleFiles()) {
      const dataset = load(path);
      if (!dataset) continue;
      const analysis = dataset.task === 'network' ? null : analyze(dataset, { reduction: 'mean' });
      for (const format of ['json', 'csv', 'npz', 'safetensors'] as const) {
        const whole: Buffer = Buffer.from(analysisBytes(dataset, analysis, format, { reduction: 'mean' }, basename(path)));
        const chunks = analysisChunks(dataset, analysis, format, { reduction: 'mean' }, basename(path));
        if (format !== 'json' && dataset.task === 'network') assert.equal(chunks, null);
        else assert.deepEqual(Buffer.concat([...chunks!]), whole, `${basename(path)} ${format}`);
        if (format === 'csv' && analysis) {
          const classes = dataset.task === 'classification' ? dataset.classes : null;
          for (const size of [1, 100]) {
            const small = Buffer.concat([...lineChunks(analysisCsvLines(analysis, { fileName: basename(path), classes }), size)]);
            assert.deepEqual(small, whole, `${basename(path)} csv in pieces of ${size}`);
          }
          csvs++;
        }
        const out = join(scratch, `out.${format}`);
        for (const chunked of [true, false]) {
          const r = cliWriting(['analyze', path, '--out', out, '--json'], chunked);
          assert.equal(r.status, 0, r.stderr);
          assert.deepEqual(Buffer.from(r.files.get(out)!), whole, `${basename(path)} ${format}`);
          assert.equal(r.stderr, `wrote ${out} (${whole.length} bytes)\n`);
          assert.equal(r.stdout, escapeJsonOutput(JSON.stringify(reportOf(dataset, { reduction: 'mean' }, false))) + '\n');
        }
      }
    }
    assert.ok(csvs >= 10, `${csvs} CSVs`);
  });

  test('seeded .npy logits, labels beside, escaped class names: --json is JSON.stringify, --out X.csv the export', () => {
    for (const [seed, n, k] of [
      [1, 1, 2],
      [2, 37, 5],
      [3, 200, 40],
    ]) {
      const rand = seededUniform(seed);
      const dir = mkdtempSync(join(scratch, 'npy-'));
      const z = new Float64Array(n * k).map(() => (rand() - 0.5) * 30);
      const labels = new Float64Array(n).map(() => Math.floor(rand() * k));
      writeFileSync(join(dir, 'x.npy'), writeNpy(z, [n, k]));
      writeFileSync(join(dir, 'x_labels.npy'), writeNpy(Int32Array.from(labels), [n]));
      writeFileSync(join(dir, 'classes.txt'), Array.from({ length: k }, (_, j) => `c${j} ∂\u2028\u202e\u0085é, "=q"`).join('\n') + '\n');
      const path = join(dir, 'x.npy');
      const dataset = load(path)!;
      assert.ok(dataset.task === 'classification' && dataset.classes?.length === k, `seed ${seed}: class names read`);
      const { status, stdout } = cli('analyze', path, '--json');
      assert.equal(status, 0);
      assert.equal(stdout, escapeJsonOutput(JSON.stringify(reportOf(dataset, { reduction: 'mean' }, false))) + '\n', `seed ${seed}`);
      assert.doesNotMatch(stdout, /[\u2028\u202e\u0085]/);
      for (const chunkChars of [5, 999]) {
        let small = '';
        writeJson(reportOf(dataset, { reduction: 'mean' }, false), (t) => (small += t), { chunkChars });
        assert.equal(small, stdout, `seed ${seed}, pieces of ${chunkChars}`);
      }
      // The CSV's header quotes and neutralises those names just as the whole-file export does.
      const csv = join(dir, 'out.csv');
      const r = cliWriting(['analyze', path, '--out', csv], true);
      assert.equal(r.status, 0, r.stderr);
      const whole = analysisBytes(dataset, analyze(dataset), 'csv', { reduction: 'mean' }, 'x.npy');
      assert.deepEqual(Buffer.from(r.files.get(csv)!), Buffer.from(whole), `seed ${seed} csv`);
    }
  });

  test('jsonFileChunks: UTF-8 of the JSON and a newline, non-ASCII split only between values', () => {
    const value = { classes: ['é', '😀', '日本'], x: [NaN, 1] };
    const bytes = Buffer.concat([...jsonFileChunks(value, 'string', 3)]);
    assert.equal(bytes.toString('utf8'), JSON.stringify(value, finite) + '\n');
  });
});
