/**
 * Property-based fuzzing of the readers and the analysis (issue 8), with fast-check.
 *
 * Robustness: random bytes, JSON- and CSV-like token soup, random JSON trees with role keys, and
 * mutations of valid files (bit flips, truncations, insertions of ',', '[', '"', NaN, non-ASCII,
 * deletions, duplications) go through loadTensorFile and the CLI. No exception may escape; every
 * problem's span lies inside the file (0 ≤ start ≤ end ≤ length) and every printed LINE:COL is a
 * real position; a file that loads has a finite loss and gradient; a file that does not has an
 * error. Each input runs in a worker thread, so a hang is a failed run (fast-check's timeout plugin
 * fails the run and the stuck worker is replaced) rather than a hung test; interruptAfterTimeLimit
 * bounds the time of each property.
 *
 * Correctness: random datasets written in every accepted style (BOM, CRLF/CR, indentation,
 * ';'/tab delimiters, quotes, '+'/'.5' forms) must load to exactly their numbers and the loss a
 * direct formula gives; every decimal text of a double must scan to that double.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import fc from 'fast-check';
import { runCli } from '../../../src/cli/commands';
import { analyze } from '../../../src/core/analysis';
import { loadTensorFile } from '../../../src/core/load';
import { parseCsv } from '../../../src/core/csv';
import { LineIndex } from '../../../src/core/lineIndex';
import { scanNumber, type NumberScan } from '../../../src/core/numberScan';
import { writeNpy } from '../../../src/core/npy';
import { buildZip, member, type DirEntry, type RawMember } from '../../helpers/zipBuild';

/** What the worker reports about one input; the checks themselves run in the main thread. */
interface Report {
  thrown: string | null;
  length: number;
  problems: { severity: string; message: string; start: number; end: number; code: string }[];
  loaded: boolean;
  /** Loss and gradient finiteness from analyze(), for classification and regression datasets. */
  loss: number | null;
  gradientFinite: boolean;
  cli: { status: number; stdout: string; stderr: string } | null;
  cliThrown: string | null;
  /** UTF-16 length of each line, as an editor counts them (a UTF-8 BOM is not text). */
  lineLengths: number[];
}

const NAME = { json: 'fuzz.json', csv: 'fuzz.csv', tsv: 'fuzz.tsv', none: 'fuzz' } as const;

function inspect(bytes: Uint8Array, name: string): Report {
  const report: Report = {
    thrown: null,
    length: bytes.length,
    problems: [],
    loaded: false,
    loss: null,
    gradientFinite: true,
    cli: null,
    cliThrown: null,
    lineLengths: [],
  };
  try {
    const loaded = loadTensorFile(bytes, name);
    report.problems = loaded.problems.map(({ severity, message, start, end, code }) => ({ severity, message, start, end, code }));
    report.loaded = loaded.dataset !== null;
    if (loaded.dataset && loaded.dataset.task !== 'network') {
      const analysis = analyze(loaded.dataset);
      report.loss = analysis.loss;
      report.gradientFinite = analysis.gradient.every(Number.isFinite);
    }
  } catch (error) {
    report.thrown = String((error as Error)?.stack ?? error);
  }
  try {
    let stdout = '';
    let stderr = '';
    const status = runCli(['analyze', name, '--json', '--summary'], {
      // Only the file itself exists (no classes.txt beside it).
      readFile: (path) => {
        if (path === name) return bytes;
        throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
      },
      fileSize: () => bytes.length,
      out: (t) => (stdout += t),
      err: (t) => (stderr += t),
    });
    report.cli = { status, stdout, stderr };
  } catch (error) {
    report.cliThrown = String((error as Error)?.stack ?? error);
  }
  report.lineLengths = new TextDecoder('utf-8')
    .decode(bytes)
    .split(/\r\n|\r|\n/)
    .map((line) => line.length);
  return report;
}

if (!isMainThread) {
  parentPort!.on('message', ({ id, bytes, name }: { id: number; bytes: Uint8Array; name: string }) => {
    parentPort!.postMessage({ id, report: inspect(bytes, name) });
  });
} else {
  main();
}

function main(): void {
  /** One worker at a time; replaced when an input outlives fast-check's timeout. */
  class Inspector {
    private worker: Worker | null = null;
    private next = 0;
    private pending: { id: number; resolve: (r: Report) => void; reject: (e: Error) => void } | null = null;

    private start(): Worker {
      const self = fileURLToPath(import.meta.url);
      const tsx = createRequire(self).resolve('tsx/cjs/api');
      const worker = new Worker(`require(${JSON.stringify(tsx)}).require(${JSON.stringify(self)}, ${JSON.stringify(self)})`, {
        eval: true,
      });
      worker.on('message', ({ id, report }: { id: number; report: Report }) => {
        if (this.pending?.id === id) {
          const { resolve } = this.pending;
          this.pending = null;
          worker.unref();
          resolve(report);
        }
      });
      worker.on('error', (error) => this.pending?.reject(error));
      worker.unref();
      return worker;
    }

    run(bytes: Uint8Array, name: string): Promise<Report> {
      if (this.pending) {
        // The previous input never answered: fast-check has already failed that run on its
        // timeout. Kill the stuck worker so the next (shrunk) input gets a fresh one.
        void this.worker?.terminate();
        this.worker = null;
        this.pending = null;
      }
      this.worker ??= this.start();
      const id = ++this.next;
      return new Promise((resolve, reject) => {
        this.pending = { id, resolve, reject };
        // Referenced while an answer is awaited: an await outside fast-check (whose timers keep
        // the loop alive) must not find an empty event loop and end the file's tests early.
        this.worker!.ref();
        this.worker!.postMessage({ id, bytes, name });
      });
    }

    async close(): Promise<void> {
      await this.worker?.terminate();
      this.worker = null;
    }
  }

  const inspector = new Inspector();
  const encoder = new TextEncoder();

  /** FUZZ_SCALE=20 runs twenty times as many inputs (and allows twenty times as long) for a deeper hunt. */
  const SCALE = Math.max(1, Number(process.env.FUZZ_SCALE ?? 1));
  const PER_INPUT_MS = 5_000;
  const PER_PROPERTY_MS = 40_000 * SCALE;

  /** The properties every input must satisfy, whatever it is. */
  function check(bytes: Uint8Array, name: string, r: Report): void {
    const show = () => `${name} ${JSON.stringify(new TextDecoder().decode(bytes.subarray(0, 300)))}`;
    assert.equal(r.thrown, null, `loadTensorFile threw on ${show()}`);
    assert.equal(r.cliThrown, null, `the CLI threw on ${show()}`);
    for (const p of r.problems) {
      assert.ok(Number.isInteger(p.start) && Number.isInteger(p.end), `non-integer span ${p.start}..${p.end}: ${p.message}`);
      assert.ok(
        0 <= p.start && p.start <= p.end && p.end <= r.length,
        `span ${p.start}..${p.end} outside the ${r.length}-byte file: ${p.message} in ${show()}`,
      );
      assert.ok(
        p.message.length > 0 && !/undefined|\[object|NaN classes|Infinity classes/.test(p.message),
        `odd message "${p.message}" for ${show()}`,
      );
      assert.ok(p.severity === 'error' || p.severity === 'warning');
    }
    const errors = r.problems.filter((p) => p.severity === 'error').length;
    assert.equal(r.loaded, errors === 0, `loaded = ${r.loaded} with ${errors} errors for ${show()}`);
    if (r.loss !== null) {
      assert.ok(Number.isFinite(r.loss), `loss ${r.loss} for ${show()}`);
      assert.ok(r.gradientFinite, `a non-finite gradient for ${show()}`);
    }
    const cli = r.cli!;
    assert.ok(cli.status === 0 || cli.status === 1, `exit status ${cli.status}`);
    assert.equal(cli.status === 0, r.loaded, `exit ${cli.status} but loaded = ${r.loaded} for ${show()}`);
    const lines = cli.stderr.split('\n').filter(Boolean);
    assert.equal(lines.length, r.problems.length);
    const prefix = new RegExp(`^${name.replace('.', '\\.')}:(\\d+):(\\d+): (warning: )?\\S`);
    for (const line of lines) {
      const m = prefix.exec(line);
      assert.ok(m, `not FILE:LINE:COL: message: ${line}`);
      const ln = Number(m[1]);
      const col = Number(m[2]);
      assert.ok(ln >= 1 && ln <= r.lineLengths.length, `line ${ln} of a ${r.lineLengths.length}-line file: ${line}`);
      assert.ok(col >= 1 && col <= r.lineLengths[ln - 1] + 1, `column ${col} of a ${r.lineLengths[ln - 1]}-character line: ${line}`);
    }
    if (cli.status === 0) {
      const report = JSON.parse(cli.stdout) as { loss: unknown };
      assert.ok(typeof report.loss === 'number' && Number.isFinite(report.loss), `CLI loss ${String(report.loss)} for ${show()}`);
    } else {
      assert.equal(cli.stdout, '');
    }
  }

  async function holds(bytes: Uint8Array, name: string): Promise<void> {
    check(bytes, name, await inspector.run(bytes, name));
  }

  const parameters = (numRuns: number) => ({
    numRuns: numRuns * SCALE,
    plugins: [fc.timeout(PER_INPUT_MS), fc.interruptAfterTimeLimit(PER_PROPERTY_MS)],
  });

  // ---- Inputs --------------------------------------------------------------------------------

  const names = fc.constantFrom(NAME.json, NAME.csv, NAME.tsv, NAME.none);

  /** Numbers as files write them, including the awkward ones. */
  const numberText = fc.oneof(
    fc.constantFrom(
      '0',
      '1',
      '2',
      '-1',
      '0.5',
      '0.25',
      '1e308',
      '-1e308',
      '1e309',
      '1e-400',
      '-0',
      '01',
      '1.',
      '.5',
      '+1',
      '-.5',
      '5.e3',
      '1e',
      '-',
      '1e\u20118',
      '\u22121',
      '0.1234567890123456789',
      '-0.12345678901234567',
    ),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
    fc.integer({ min: -3, max: 5 }).map(String),
  );

  const JSON_TOKENS = [
    '{',
    '}',
    '[',
    ']',
    '[[',
    ']]',
    ',',
    ':',
    ' ',
    '\n',
    '\r',
    '\r\n',
    '\t',
    '"logits"',
    '"labels"',
    '"targets"',
    '"probabilities"',
    '"predictions"',
    '"classes"',
    '"network"',
    '"label"',
    '"x"',
    'NaN',
    '-Infinity',
    'Infinity',
    'nan',
    'true',
    'false',
    'null',
    'None',
    'True',
    '//',
    '/*',
    '*/',
    '"',
    "'",
    '\\',
    '\\u12',
    '\u2212',
    '\u2011',
    '\uFEFF',
    '\u00e9',
    '\u0000',
    '\u00a0',
    '\u{1F600}',
    '"cat"',
  ];
  const jsonSoup = fc.array(fc.oneof(fc.constantFrom(...JSON_TOKENS), numberText), { maxLength: 80 }).map((t) => t.join(''));

  const CSV_HEADER = [
    'logit_0',
    'logit_1',
    'logit_2',
    'prob_0',
    'prob_1',
    'label',
    'labels',
    'target',
    'target_0',
    'target_1',
    'prediction',
    'prediction_0',
    'class',
    '',
    '"label"',
    'logits_0',
    'x',
  ];
  const CSV_CELLS = [
    '',
    ' ',
    '"1"',
    '"0.5"',
    '""',
    '"',
    'nan',
    'NA',
    '-inf',
    '1,5',
    'cat',
    '\u22121',
    '1e\u20118',
    '1 000',
    '\u00e9',
    '\u0000',
  ];
  const csvSoup = fc
    .tuple(
      fc.constantFrom(',', ';', '\t'),
      fc.array(fc.constantFrom(...CSV_HEADER), { maxLength: 6 }),
      fc.array(fc.array(fc.oneof(numberText, fc.constantFrom(...CSV_CELLS)), { maxLength: 7 }), { maxLength: 6 }),
      fc.constantFrom('\n', '\r\n', '\r'),
      fc.boolean(),
    )
    .map(([d, header, rows, eol, bom]) => (bom ? '\uFEFF' : '') + [header.join(d), ...rows.map((r) => r.join(d))].join(eol));

  /** Valid JSON whose meaning is anything: role keys with right, wrong and odd values. */
  const jsonNumber = fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: -2, max: 4 }) },
    { weight: 2, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
    { weight: 1, arbitrary: fc.constantFrom(1e308, -1e308, 5e-324, 0.1, 0.2, 0.7, 1.5) },
  );
  const jsonValue = fc.oneof(
    fc
      .tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 4 }))
      .chain(([n, k]) => fc.array(fc.array(jsonNumber, { minLength: k, maxLength: k }), { minLength: n, maxLength: n })),
    fc.array(jsonNumber, { maxLength: 6 }),
    fc.array(fc.array(jsonNumber, { maxLength: 4 }), { maxLength: 4 }),
    fc.array(fc.array(fc.array(jsonNumber, { maxLength: 2 }), { maxLength: 2 }), { maxLength: 2 }),
    fc.array(fc.oneof(jsonNumber, fc.string({ maxLength: 4 }), fc.constant(null), fc.boolean()), { maxLength: 4 }),
    fc.string({ maxLength: 6 }),
    jsonNumber,
    fc.constantFrom(null, true, {}),
  );
  const jsonTree = fc
    .tuple(
      fc.dictionary(
        fc.constantFrom('logits', 'probabilities', 'predictions', 'labels', 'targets', 'classes', 'label', 'y', 'other'),
        jsonValue,
        { maxKeys: 4 },
      ),
      fc.constantFrom(undefined, 0, 1, 2, '\t'),
    )
    .map(([tree, indent]) => JSON.stringify(tree, null, indent));

  /** One object per sample, keys a record may hold (inherited names too) with arbitrary values, as a JSON array or JSON Lines. */
  const recordsTree = fc.tuple(
    fc.array(
      fc.dictionary(
        fc.constantFrom(
          'logits',
          'label',
          'labels',
          'probabilities',
          'prediction',
          'target',
          'id',
          'toString',
          '__proto__',
          'gradientLensRun',
        ),
        fc.oneof(jsonValue, fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { maxLength: 4 }), fc.nat(5)),
        { maxKeys: 4 },
      ),
      { maxLength: 6 },
    ),
    fc.boolean(),
  );

  /** A DataFrame of column names a frame may have and cells of any kind, in one of to_json's orients (jsonDataFrame.ts). */
  const dataFrame = fc
    .tuple(
      fc.uniqueArray(fc.constantFrom('logit_0', 'logit_1', 'logit_2', 'prob_0', 'prob_1', 'label', 'prediction', 'target', 'file', 'y'), {
        maxLength: 5,
      }),
      fc.array(
        fc.array(fc.oneof(jsonNumber, fc.constantFrom('cat', 'dog', '1', ''), fc.constant(null), fc.constant([1])), { maxLength: 6 }),
        {
          maxLength: 5,
        },
      ),
      fc.constantFrom('records', 'split', 'index', 'columns', 'table'),
      fc.boolean(),
    )
    .map(([columns, rows, orient, lines]) => {
      const record = (row: unknown[]) => Object.fromEntries(columns.map((c, j) => [c, row[j]]));
      const index = rows.map((_, i) => `r${i}`);
      const json =
        orient === 'records'
          ? rows.map(record)
          : orient === 'split'
            ? { columns, index, data: rows }
            : orient === 'index'
              ? Object.fromEntries(rows.map((r, i) => [index[i], record(r)]))
              : orient === 'columns'
                ? Object.fromEntries(columns.map((c, j) => [c, Object.fromEntries(rows.map((r, i) => [index[i], r[j]]))]))
                : { schema: { fields: columns.map((name) => ({ name })) }, data: rows.map(record) };
      const asLines = lines && orient === 'records';
      return {
        text: asLines ? rows.map((r) => JSON.stringify(record(r))).join('\n') : JSON.stringify(json),
        name: asLines ? 'fuzz.jsonl' : 'fuzz.json',
      };
    });

  // ---- Valid datasets, written in every accepted style -------------------------------------------

  interface Style {
    bom: boolean;
    eol: '\n' | '\r\n' | '\r';
    indent: boolean;
    delimiter: ',' | ';' | '\t';
    quote: boolean;
    blankLines: boolean;
    csvNumbers: boolean;
    index: boolean;
  }

  const style: fc.Arbitrary<Style> = fc.record({
    bom: fc.boolean(),
    eol: fc.constantFrom('\n' as const, '\r\n' as const, '\r' as const),
    indent: fc.boolean(),
    delimiter: fc.constantFrom(',' as const, ';' as const, '\t' as const),
    quote: fc.boolean(),
    blankLines: fc.boolean(),
    csvNumbers: fc.boolean(),
    index: fc.boolean(),
  });

  interface Data {
    kind: 'logits' | 'probabilities';
    n: number;
    k: number;
    values: number[][];
    labels: number[];
  }

  const logitData: fc.Arbitrary<Data> = fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 2, max: 5 })).chain(([n, k]) =>
    fc.record({
      kind: fc.constant('logits' as const),
      n: fc.constant(n),
      k: fc.constant(k),
      values: fc.array(
        fc.array(fc.oneof(fc.double({ min: -40, max: 40, noNaN: true }), fc.integer({ min: -5, max: 5 })), { minLength: k, maxLength: k }),
        { minLength: n, maxLength: n },
      ),
      labels: fc.array(fc.integer({ min: 0, max: k - 1 }), { minLength: n, maxLength: n }),
    }),
  );

  /** Rows of positive weights, normalised: they sum to 1 up to rounding, far inside the tolerance. */
  const probabilityData: fc.Arbitrary<Data> = logitData.map((d) => ({
    ...d,
    kind: 'probabilities' as const,
    values: d.values.map((row) => {
      const w = row.map((v) => Math.abs(v) + 1e-3);
      const total = w.reduce((a, b) => a + b, 0);
      return w.map((x) => x / total);
    }),
  }));

  /** A number as a CSV exporter might write it: '+1', '.5', '-.5', '5.'. */
  function csvNumber(x: number, loose: boolean): string {
    const s = String(x);
    if (!loose) return s;
    if (/^0\.\d/.test(s)) return s.slice(1);
    if (/^-0\.\d/.test(s)) return '-' + s.slice(2);
    if (/^\d+$/.test(s)) return s + '.';
    if (/^\d/.test(s)) return '+' + s;
    return s;
  }

  /** The number a CSV cell means, by Number() after undoing the exporter forms. */
  function denoted(cell: string): number {
    return Number(
      cell
        .replace(/"/g, '')
        .replace(/^\+/, '')
        .replace(/^(-?)\./, '$10.')
        .replace(/\.$/, ''),
    );
  }

  function writeJson(d: Data, s: Style): string {
    const nl = s.indent ? s.eol : '';
    const pad = s.indent ? '  ' : '';
    const rows = d.values.map((r) => `${pad}${pad}[${r.map(String).join(', ')}]`).join(`,${nl}`);
    const text = `{${nl}${pad}"${d.kind}": [${nl}${rows}${nl}${pad}],${nl}${pad}"labels": [${d.labels.join(', ')}]${nl}}${s.eol}`;
    return (s.bom ? '\uFEFF' : '') + text;
  }

  function writeCsv(d: Data, s: Style): string {
    const q = (t: string) => (s.quote ? `"${t}"` : t);
    const prefix = d.kind === 'logits' ? 'logit' : 'prob';
    const header = [...(s.index ? [''] : []), ...Array.from({ length: d.k }, (_, j) => q(`${prefix}_${j}`)), q('label')].join(s.delimiter);
    const rows = d.values.map((r, i) =>
      [...(s.index ? [String(i)] : []), ...r.map((x) => q(csvNumber(x, s.csvNumbers))), q(String(d.labels[i]))].join(s.delimiter),
    );
    const body = [header, ...rows].join(s.eol) + (s.blankLines ? s.eol + s.eol + '  ' + s.eol : s.eol);
    return (s.bom ? '\uFEFF' : '') + body;
  }

  /** Mean cross-entropy straight from the definition (log-sum-exp for logits, the 1e-7 clip for probabilities). */
  function referenceLoss(d: Data): number {
    let total = 0;
    d.values.forEach((row, i) => {
      const y = d.labels[i];
      if (d.kind === 'logits') {
        const max = Math.max(...row);
        total += max + Math.log(row.reduce((a, z) => a + Math.exp(z - max), 0)) - row[y];
      } else {
        total -= Math.log(Math.min(Math.max(row[y], 1e-7), 1 - 1e-7));
      }
    });
    return total / d.n;
  }

  // ---- Mutations of valid files -------------------------------------------------------------------

  const INSERTS = [
    ',',
    '[',
    ']',
    '"',
    '{',
    ':',
    'NaN',
    '-',
    '.',
    'e',
    '\u00e9',
    '\u2212',
    '\u0000',
    '\r',
    '\n',
    '\uFEFF',
    '1e309',
    '9'.repeat(30),
  ].map((t) => encoder.encode(t));

  type Mutation =
    | { op: 'flip'; at: number; bit: number }
    | { op: 'truncate'; at: number }
    | { op: 'insert'; at: number; what: number }
    | { op: 'delete'; at: number; length: number }
    | { op: 'duplicate'; at: number; length: number };

  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    fc.record({ op: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
    fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({ op: fc.constant('insert' as const), at: fc.nat(), what: fc.nat({ max: INSERTS.length - 1 }) }),
    fc.record({ op: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 8 }) }),
    fc.record({ op: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
  );

  function mutate(bytes: Uint8Array, m: Mutation): Uint8Array {
    const n = bytes.length;
    const at = n === 0 ? 0 : m.at % (n + 1);
    const concat = (...parts: Uint8Array[]) => {
      const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
      let k = 0;
      for (const p of parts) {
        out.set(p, k);
        k += p.length;
      }
      return out;
    };
    switch (m.op) {
      case 'flip': {
        if (n === 0) return bytes;
        const out = bytes.slice();
        out[at % n] ^= 1 << m.bit;
        return out;
      }
      case 'truncate':
        return bytes.subarray(0, at);
      case 'insert':
        return concat(bytes.subarray(0, at), INSERTS[m.what], bytes.subarray(at));
      case 'delete':
        return concat(bytes.subarray(0, at), bytes.subarray(Math.min(n, at + m.length)));
      case 'duplicate':
        return concat(bytes.subarray(0, Math.min(n, at + m.length)), bytes.subarray(at));
    }
  }

  const validFile = fc.oneof(
    fc.tuple(fc.oneof(logitData, probabilityData), style).map(([d, s]) => ({ name: NAME.json, text: writeJson(d, s) })),
    fc
      .tuple(fc.oneof(logitData, probabilityData), style)
      .map(([d, s]) => ({ name: s.delimiter === '\t' ? NAME.tsv : NAME.csv, text: writeCsv(d, s) })),
    fc.constantFrom(
      { name: NAME.json, text: '{"predictions": [[0.5, 1.5], [2, -1]], "targets": [[0.4, 1.6], [2.5, -1]]}' },
      {
        name: NAME.json,
        text: '{"logits": [[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]], "targets": [[1, 0, 0], [0.2, 0.7, 0.1]], "classes": ["a", "b", "c"]}',
      },
      { name: NAME.csv, text: 'prediction,target\n0.5,0.25\n1.5,2.0\n' },
      { name: NAME.csv, text: 'prob_0,prob_1,target_0,target_1\n0.25,0.75,0,1\n0.5,0.5,0.5,0.5\n' },
    ),
  );

  // ---- Properties ------------------------------------------------------------------------------

  describe('fuzzing the readers and the analysis: no exception, spans inside the file, finite losses', { concurrency: false }, () => {
    after(() => inspector.close());

    test('random bytes', async () => {
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), names, (bytes, name) => holds(bytes, name)),
        parameters(1500),
      );
    });

    test('JSON-like token soup', async () => {
      await fc.assert(
        fc.asyncProperty(jsonSoup, fc.constantFrom(NAME.json, NAME.none), (text, name) => holds(encoder.encode(text), name)),
        parameters(3000),
      );
    });

    test('CSV-like token soup', async () => {
      await fc.assert(
        fc.asyncProperty(csvSoup, fc.constantFrom(NAME.csv, NAME.tsv, NAME.none), (text, name) => holds(encoder.encode(text), name)),
        parameters(3000),
      );
    });

    test('well-formed JSON with role keys and arbitrary values', async () => {
      await fc.assert(
        fc.asyncProperty(jsonTree, (text) => holds(encoder.encode(text), NAME.json)),
        parameters(3000),
      );
    });

    test('records: an array of objects, or JSON Lines, with any keys and values', async () => {
      await fc.assert(
        fc.asyncProperty(recordsTree, async ([records, lines]) => {
          const text = lines ? records.map((r) => JSON.stringify(r)).join('\n') : JSON.stringify(records);
          await holds(encoder.encode(text), lines ? 'fuzz.jsonl' : NAME.json);
        }),
        parameters(2000),
      );
    });

    test('a DataFrame in any of to_json’s orients, with any columns and cells', async () => {
      await fc.assert(
        fc.asyncProperty(dataFrame, ({ text, name }) => holds(encoder.encode(text), name)),
        parameters(2000),
      );
    });

    test('mutations of valid files: flips, truncations, insertions, deletions, duplications', async () => {
      await fc.assert(
        fc.asyncProperty(validFile, fc.array(mutation, { minLength: 1, maxLength: 4 }), async ({ name, text }, mutations) => {
          const bytes = mutations.reduce(mutate, encoder.encode(text));
          await holds(bytes, name);
        }),
        parameters(4000),
      );
    });

    test('every truncation of a valid file is an error, located at or before the end', async () => {
      await fc.assert(
        fc.asyncProperty(validFile, fc.nat(), async ({ name, text }, at) => {
          const whole = encoder.encode(text);
          const cut = whole.subarray(0, at % whole.length);
          const r = await inspector.run(cut, name);
          check(cut, name, r);
          // A cut inside the JSON always breaks it (a CSV cut at a row boundary is still a valid file).
          const kept = new TextDecoder().decode(cut);
          if (name === NAME.json && kept.trim() !== text.replace(/^\uFEFF/, '').trim())
            assert.ok(!r.loaded, `a truncated JSON file loaded: ${JSON.stringify(kept)}`);
        }),
        parameters(1500),
      );
    });
  });

  // ---- .npz structure (issue 17): random central directories, overlapping members, CRC flips ----

  /** What every .npz input must satisfy: no exception, FILE: message lines, nothing raw on the terminal. */
  function checkBinary(bytes: Uint8Array, name: string, r: Report): void {
    const show = () => `${name} of ${bytes.length} bytes`;
    assert.equal(r.thrown, null, `loadTensorFile threw on ${show()}: ${r.thrown}`);
    assert.equal(r.cliThrown, null, `the CLI threw on ${show()}: ${r.cliThrown}`);
    const errors = r.problems.filter((p) => p.severity === 'error').length;
    assert.equal(r.loaded, errors === 0);
    for (const p of r.problems)
      assert.ok(
        0 <= p.start && p.start <= p.end && p.end <= r.length && p.message.length > 0 && !/undefined|\[object/.test(p.message),
        p.message,
      );
    const cli = r.cli!;
    assert.ok(cli.status === 0 || cli.status === 1, `exit status ${cli.status}`);
    const lines = cli.stderr.split('\n').filter(Boolean);
    assert.equal(lines.length, r.problems.length, cli.stderr);
    for (const line of lines) {
      assert.ok(line.startsWith(`${name}: `), line);
      assert.doesNotMatch(
        line,
        /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/,
        'a raw control character reached stderr',
      );
    }
    if (r.loss !== null) assert.ok(Number.isFinite(r.loss));
  }

  const NPZ = 'fuzz.npz';
  const LOGITS = Float64Array.from([2, 1, 0.1, 0.5, 2.5, 0.3]);
  const POOL: RawMember[] = [
    member('logits.npy', writeNpy(LOGITS, [2, 3]), 0),
    member('labels.npy', writeNpy(Int32Array.of(0, 1), [2]), 0),
    member('logits.npy', writeNpy(LOGITS, [2, 3]), 8),
    member('labels.npy', writeNpy(Int32Array.of(0, 1), [2]), 8),
    member('zeros.npy', writeNpy(new Float64Array(4096), [64, 64]), 8),
  ];
  const NAMES = [
    'logits.npy',
    'labels.npy',
    'Logits.npy',
    'targets.npy',
    'constructor.npy',
    '__proto__.npy',
    'x/',
    'a\u001b[2J.npy',
    'b\n.npy',
    'zeros.npy',
  ];
  // F.cross_entropy(tensor([[2, 1, .1], [.5, 2.5, .3]], dtype=float64), tensor([0, 1])), to 1e-15
  const TORCH_LOSS = 0.31853976964918573;

  const directoryEntry = fc.record({
    at: fc.nat({ max: 3 }),
    name: fc.constantFrom(...NAMES),
    size: fc.option(fc.oneof(fc.nat({ max: 1 << 20 }), fc.constantFrom(0, 176, 2 ** 31, 0xffffffff)), { nil: undefined }),
    crc: fc.option(fc.nat(), { nil: undefined }),
    method: fc.option(fc.constantFrom(0 as const, 8 as const), { nil: undefined }),
  }) as fc.Arbitrary<DirEntry>;

  const archive = fc
    .record({
      members: fc.array(fc.nat({ max: POOL.length - 1 }), { minLength: 1, maxLength: 4 }),
      entries: fc.option(fc.array(directoryEntry, { maxLength: 8 }), { nil: undefined }),
      // Edits of the end record: the entry count and the directory's size and offset.
      end: fc.array(fc.tuple(fc.constantFrom(8, 10, 12, 16), fc.integer({ min: -200, max: 200 })), { maxLength: 2 }),
    })
    .map(({ members, entries, end }) => {
      const locals = members.map((i) => POOL[i]);
      const bytes = buildZip(
        locals,
        entries?.map((e) => ({ ...e, at: e.at % locals.length })),
      );
      const view = new DataView(bytes.buffer);
      const e = bytes.length - 22;
      for (const [field, delta] of end) {
        if (field < 12) view.setUint16(e + field, Math.max(0, view.getUint16(e + field, true) + delta) & 0xffff, true);
        else view.setUint32(e + field, Math.max(0, view.getUint32(e + field, true) + delta), true);
      }
      return bytes;
    });

  describe('fuzzing .npz structure: random central directories, overlapping members, CRC flips', { concurrency: false }, () => {
    after(() => inspector.close());

    test('random directories over a pool of members (shared, lying, truncated, renamed)', async () => {
      await fc.assert(
        fc.asyncProperty(archive, async (bytes) => checkBinary(bytes, NPZ, await inspector.run(bytes, NPZ))),
        parameters(1500),
      );
    });

    test('every single-bit flip of a valid archive is refused or gives exactly the loss', async () => {
      const good = buildZip([POOL[0], POOL[3]]);
      const whole = await inspector.run(good, NPZ);
      assert.ok(whole.loss !== null && Math.abs(whole.loss - TORCH_LOSS) < 1e-15, `loss ${whole.loss}`);
      await fc.assert(
        fc.asyncProperty(fc.nat({ max: good.length * 8 - 1 }), async (bit) => {
          const bytes = good.slice();
          bytes[bit >> 3] ^= 1 << (bit & 7);
          const r = await inspector.run(bytes, NPZ);
          checkBinary(bytes, NPZ, r);
          if (r.loaded && r.loss !== null) assert.equal(r.loss, whole.loss, `bit ${bit} gave loss ${r.loss}`);
        }),
        parameters(1500),
      );
    });
  });

  describe('valid files load to exactly their numbers and the loss of the formula', () => {
    test('datasets in every accepted JSON and CSV style', () => {
      fc.assert(
        fc.property(fc.oneof(logitData, probabilityData), style, fc.boolean(), (d, s, csv) => {
          const text = csv ? writeCsv(d, s) : writeJson(d, s);
          const name = csv ? (s.delimiter === '\t' ? NAME.tsv : NAME.csv) : NAME.json;
          const { dataset, problems } = loadTensorFile(encoder.encode(text), name);
          assert.deepEqual(problems, [], JSON.stringify(text));
          assert.ok(dataset && dataset.task === 'classification');
          assert.equal(dataset.input, d.kind);
          assert.equal(dataset.n, d.n);
          assert.equal(dataset.k, d.k);
          assert.deepEqual(
            Array.from(dataset.values),
            d.values.flat().map((x) => (x === 0 ? 0 : x)),
          );
          assert.deepEqual(Array.from(dataset.labels!), d.labels);
          const loss = analyze(dataset).loss;
          const expected = referenceLoss(d);
          assert.ok(
            Math.abs(loss - expected) <= 1e-12 * Math.max(1, Math.abs(expected)),
            `loss ${loss}, expected ${expected} for ${JSON.stringify(text)}`,
          );
          // The sample spans point at the rows as written.
          const rows = dataset.spans[0].spans;
          const bytes = encoder.encode(text);
          for (let i = 0; i < d.n; i++) {
            const row = new TextDecoder().decode(bytes.subarray(rows[2 * i], rows[2 * i + 1]));
            assert.ok(
              csv ? !/[\r\n]/.test(row) && row.length > 0 : row.startsWith('[') && row.endsWith(']'),
              `span of sample ${i}: ${JSON.stringify(row)}`,
            );
          }
        }),
        { numRuns: SCALE * 1500 },
      );
    });

    test('every decimal text of a double scans to the double it denotes, in JSON and in CSV', () => {
      const scan: NumberScan = { value: 0, end: 0, error: null };
      fc.assert(
        fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: 0, max: 20 }), (x, digits) => {
          const texts = [
            String(x),
            x.toExponential(),
            x.toExponential(digits),
            x.toPrecision(Math.max(1, digits)),
            ...(Math.abs(x) < 1e21 ? [x.toFixed(digits)] : []),
          ]
            // JavaScript writes 1e+21; JSON allows the '+', and so does Number().
            .filter((t) => /^-?(0|[1-9]\d*)(\.\d+)?(e[+-]?\d+)?$/.test(t));
          for (const text of texts) {
            // Rounding to fewer digits can carry 1.8e308 up to 2e+308, which must overflow.
            const expected = Number(text);
            scanNumber(encoder.encode(text + ','), 0, scan);
            if (!Number.isFinite(expected)) {
              assert.match(scan.error ?? '', /too large for a 64-bit float/, text);
              continue;
            }
            assert.equal(scan.error, null, text);
            assert.equal(scan.end, text.length, text);
            assert.ok(Object.is(scan.value, expected), `${text} scanned as ${scan.value}, expected ${expected}`);
            // The CSV reader, with the forms exporters write ('+1', '.5', '5.') and in quotes.
            for (const cell of [text, `"${text}"`, csvNumber(expected, true)]) {
              const table = parseCsv(encoder.encode(`prediction\r\n${cell}\r\n`));
              assert.ok(Object.is(table.data[0], denoted(cell)), `CSV ${cell} read as ${table.data[0]}, expected ${denoted(cell)}`);
            }
          }
        }),
        { numRuns: SCALE * 5000 },
      );
    });

    test('LineIndex: every character boundary maps to a line and UTF-16 column and back, as an editor counts them', () => {
      const piece = fc.oneof(
        fc.constantFrom('\n', '\r', '\r\n', 'a', ' ', '\t', '\u00e9', '\u2212', '\u{1F600}', '\uFEFF'),
        fc.string({ maxLength: 4 }),
      );
      fc.assert(
        fc.property(fc.boolean(), fc.array(piece, { maxLength: 30 }), (bom, pieces) => {
          const whole = (bom ? '\uFEFF' : '') + pieces.join('');
          const bytes = encoder.encode(whole);
          const index = new LineIndex(bytes);
          // What an editor shows: the text without one leading BOM, split at \r\n, \r and \n.
          const hidden = whole.startsWith('\uFEFF');
          const text = hidden ? whole.slice(1) : whole;
          const lines = text.split(/\r\n|\r|\n/);
          assert.equal(index.lineCount, lines.length);
          let offset = hidden ? 3 : 0;
          let line = 0;
          let column = 0;
          for (let k = 0; k <= text.length;) {
            const position = index.position(offset);
            assert.deepEqual(position, { line, character: column }, `offset ${offset} of ${JSON.stringify(text)}`);
            assert.equal(index.offsetAt(position), offset);
            if (k === text.length) break;
            const cp = text.codePointAt(k)!;
            const units = cp > 0xffff ? 2 : 1;
            const width = encoder.encode(String.fromCodePoint(cp)).length;
            if (text[k] === '\r' && text[k + 1] === '\n') {
              // Between \r and \n is not a place an editor can point at; step over both.
              k += 2;
              offset += 2;
              line++;
              column = 0;
            } else if (text[k] === '\r' || text[k] === '\n') {
              k++;
              offset++;
              line++;
              column = 0;
            } else {
              k += units;
              offset += width;
              column += units;
            }
          }
        }),
        { numRuns: SCALE * 2000 },
      );
    });

    test('long mantissas and large exponents scan like Number(), or overflow with an error', () => {
      const scan: NumberScan = { value: 0, end: 0, error: null };
      fc.assert(
        fc.property(fc.stringMatching(/^-?(0|[1-9]\d{0,30})(\.\d{1,30})?([eE][+-]?\d{1,4})?$/), (text) => {
          scanNumber(encoder.encode(text), 0, scan);
          const expected = Number(text);
          if (Number.isFinite(expected)) {
            assert.equal(scan.error, null, text);
            assert.ok(Object.is(scan.value, expected), `${text} scanned as ${scan.value}, expected ${expected}`);
          } else {
            assert.match(scan.error ?? '', /too large for a 64-bit float/, text);
          }
        }),
        { numRuns: SCALE * 5000 },
      );
    });
  });
}
