/**
 * The worker's fast path for a large logits file (issue 14) against the full pipeline: the same
 * dataset, analysis, warnings and line tables, bit for bit, for one part and for many; and null
 * (the full reader runs) for every file it must not read itself.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { lineIndexOf } from '../../../src/core/load';
import { scanLines } from '../../../src/core/lineIndex';
import { DEFAULT_MAX_FILE_BYTES } from '../../../src/core/limits';
import type { PartsStop } from '../../../src/core/summaryStream';
import { streamedProblem, streamedProblemAnalysis } from '../../../src/node/streamedProblem';
import { runPipeline, type PipelineOptions } from '../../../src/core/pipeline';
import { buildSync } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { TensorStore, type ClassificationRow } from '../../../src/core/tensorQuery';
import { analyzeLogitFile } from '../../../src/node/logitFileAnalysis';
import { PartThreadPool, rowTextOnPool } from '../../../src/node/partThreads';
import { lineStretch, partsFor, planCsvParts, planJsonParts, runPlan, summarizePart, type PartJob } from '../../../src/node/summaryParts';
import { planRecordParts } from '../../../src/node/recordParts';
import { openChunkFile } from '../../../src/node/chunkFile';
import { joinLineStretches } from '../../../src/core/lineTableBuilder';
import { rowArrays } from '../../../src/core/summaryRows';
import { pieces } from '../../helpers/cli';
import { seededUniform } from '../../helpers/seeded';

const dir = mkdtempSync(join(tmpdir(), 'gl-logit-file-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function logits(seed: number, n: number, k: number): { rows: number[][]; labels: number[] } {
  const u = seededUniform(seed);
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const label = Math.floor(u() * k);
    labels.push(label);
    rows.push(Array.from({ length: k }, (_, j) => Number((6 * (u() - 0.5) + (j === label ? 3 : 0)).toPrecision(7))));
  }
  // A confidently wrong sample and an outlier, so the warnings have something to say.
  rows[1] = rows[1].map((_, j) => (j === (labels[1] + 1) % k ? 12 : -3));
  return { rows, labels };
}

const layouts: Record<string, (d: ReturnType<typeof logits>) => string> = {
  'json.dump (one line)': (d) => JSON.stringify({ logits: d.rows, labels: d.labels }).replace(/,/g, ', ').replace(/":/g, '": '),
  'a row a line': (d) => `{"logits": [\n${d.rows.map((r) => `  [${r.join(', ')}]`).join(',\n')}\n],\n"labels": [${d.labels.join(', ')}]}\n`,
  'CRLF, no spaces': (d) => `{"logits":[${d.rows.map((r) => `[${r.join(',')}]`).join(',\r\n')}],\r\n"labels":[${d.labels.join(',')}]}\r\n`,
  // json.dump of a dict built labels first: the labels from the head, the rows to the file's end.
  'labels first (json.dump)': (d) => JSON.stringify({ labels: d.labels, logits: d.rows }).replace(/,/g, ', ').replace(/":/g, '": '),
  'labels first, a row a line, CRLF': (d) =>
    `{"labels": [${d.labels.join(', ')}],\r\n "logits": [\r\n${d.rows.map((r) => `  [${r.join(', ')}]`).join(',\r\n')}\r\n]}\r\n`,
  // The file's own class names (the warnings name them), first, between or last, in either order.
  'classes last (json.dump)': (d) => JSON.stringify({ logits: d.rows, labels: d.labels, classes: namesOf(d) }).replace(/":/g, '": '),
  'classes first, a row a line': (d) =>
    `{"classes": ${JSON.stringify(namesOf(d))},\n"logits": [\n${d.rows.map((r) => `  [${r.join(', ')}]`).join(',\n')}\n],\n"labels": [${d.labels.join(', ')}]}\n`,
  'classes between the logits and the labels': (d) => JSON.stringify({ logits: d.rows, classes: namesOf(d), labels: d.labels }),
  'labels first, classes last, CRLF': (d) =>
    `{"labels": [${d.labels.join(', ')}],\r\n "logits": [\r\n${d.rows.map((r) => `  [${r.join(', ')}]`).join(',\r\n')}\r\n],\r\n "classes": ${JSON.stringify(namesOf(d))}}\r\n`,
  'classes, then the labels, then the logits': (d) => JSON.stringify({ classes: namesOf(d), labels: d.labels, logits: d.rows }),
  'labels, classes, logits': (d) => JSON.stringify({ labels: d.labels, classes: namesOf(d), logits: d.rows }),
  // Labels written as class names, numbered by the "classes" entry beside them (after or before them).
  'labels as class names, classes last (json.dump)': (d) =>
    JSON.stringify({ logits: d.rows, labels: d.labels.map((l) => namesOf(d)[l]), classes: namesOf(d) }),
  'labels as class names, the classes first': (d) =>
    JSON.stringify({ classes: namesOf(d), logits: d.rows, labels: d.labels.map((l) => namesOf(d)[l]) }),
  'labels as class names after the classes, padded, a row a line': (d) =>
    `{"logits": [\n${d.rows.map((r) => `  [${r.join(', ')}]`).join(',\n')}\n],\n"classes": ${JSON.stringify(namesOf(d))},\n"labels": [${d.labels.map((l, i) => JSON.stringify(i % 3 ? namesOf(d)[l] : ` ${namesOf(d)[l]} `)).join(', ')}]}\n`,
  // A byte order mark (PowerShell's Out-File): the first line is not ASCII.
  'a byte order mark, a row a line': (d) =>
    `\ufeff{"logits": [\n${d.rows.map((r) => `  [${r.join(', ')}]`).join(',\n')}\n],\n"labels": [${d.labels.join(', ')}]}\n`,
  'a byte order mark, labels first': (d) => '\ufeff' + JSON.stringify({ labels: d.labels, logits: d.rows }),
};

/** A name for each class, with a quote, a bracket and non-ASCII text. */
function namesOf(d: ReturnType<typeof logits>): string[] {
  return d.rows[0].map((_, j) => `class "${j}" [é]`);
}

function csv(d: ReturnType<typeof logits>, eol: string, trailing: string, label = (l: number, _i: number) => String(l)): string {
  const k = d.rows[0].length;
  const header = [...Array.from({ length: k }, (_, j) => `logit_${j}`), 'label'].join(',');
  return [header, ...d.rows.map((r, i) => `${r.join(',')},${label(d.labels[i], i)}`)].join(eol) + trailing;
}

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function assertSame(path: string, name: string, text: string, options: PipelineOptions, minPartBytes: number, count: number) {
  const fast = analyzeLogitFile(path, name, options, { count, minPartBytes });
  assert.ok(fast, `${name}: the fast path read it`);
  const bytes = new TextEncoder().encode(text);
  assertSameResult(fast, runPipeline(bytes, name, { ...options, rowsOnDemand: true }), bytes);
}

/** assertSame on one part, then cut in 2 and 3 parts of at least `partBytes` (a file of a few hundred bytes). */
function assertSameInParts(path: string, name: string, text: string, options: PipelineOptions = {}, partBytes = [300, 100]) {
  for (const [minPartBytes, count] of [
    [1 << 30, 1],
    [partBytes[0], 2],
    [partBytes[1], 3],
  ])
    assertSame(path, name, text, options, minPartBytes, count);
}

function assertSameResult(fast: NonNullable<ReturnType<typeof analyzeLogitFile>>, full: ReturnType<typeof runPipeline>, bytes: Uint8Array) {
  fast.logits.fillHere();
  const [a, b] = [fast.result.dataset!, full.dataset!];
  assert.equal(a.task, 'classification');
  assert.equal(b.task, 'classification');
  if (a.task !== 'classification' || b.task !== 'classification') return;
  assert.deepEqual([a.n, a.k, a.input, a.classes], [b.n, b.k, b.input, b.classes]);
  assert.deepEqual([...a.values], [...b.values]);
  assert.deepEqual(a.labels && [...a.labels], b.labels && [...b.labels]);
  assert.deepEqual(a.targets && [...a.targets], b.targets && [...b.targets]);
  assert.deepEqual(
    a.spans.map((s) => ({ role: s.role, spans: [...s.spans] })),
    b.spans.map((s) => ({ role: s.role, spans: [...s.spans] })),
  );
  const [x, y] = [fast.result.analysis!, full.analysis!];
  if (x.task !== 'classification' || y.task !== 'classification') throw new Error('not classification');
  assert.equal(x.loss, y.loss);
  assert.equal(x.reduction, y.reduction);
  for (const key of ['losses', 'predicted', 'actual', 'pTrue', 'pPredicted'] as const) assert.deepEqual([...x[key]], [...y[key]], key);
  assert.deepEqual(fast.result.problems, full.problems);
  const lines = scanLines(bytes);
  assert.ok(fast.lines, 'line tables built');
  assert.deepEqual([...fast.lines.lineStarts], [...lines.lineStarts]);
  assert.deepEqual([...fast.lines.firstNonAscii], [...lines.firstNonAscii]);
  assert.equal(fast.byteLength, bytes.length);
}

test("JSON layouts: the full pipeline's dataset, analysis, warnings and line tables, on 1 to 4 parts", () => {
  for (const [layout, make] of Object.entries(layouts)) {
    const d = logits(7, 60, 5);
    const text = make(d);
    const path = write('a.json', text);
    for (const [minPartBytes, count] of [
      [1 << 30, 1],
      [200, 2],
      [100, 3],
      [50, 4],
    ])
      assertSame(path, 'a.json', text, {}, minPartBytes, count);
    assert.ok(text.length > 0, layout);
  }
});

test('CSV, LF and CRLF, with and without a final newline or blank lines at the end, on 1 to 3 parts', () => {
  for (const [eol, trailing] of [
    ['\n', '\n'],
    ['\r\n', '\r\n'],
    ['\n', ''],
    ['\n', '\n\n\n'],
    ['\r\n', '\r\n\r\n'],
  ]) {
    const d = logits(11, 45, 4);
    const text = csv(d, eol, trailing);
    const path = write('a.csv', text);
    assertSameInParts(path, 'a.csv', text);
  }
});

test('a CSV with pandas’ index as its first, unnamed column (df.to_csv()), or an id column first: the full pipeline’s result, on 1 to 3 parts', () => {
  const d = logits(13, 45, 4);
  for (const [eol, index] of [
    ['\n', (i: number) => String(i)],
    ['\r\n', (i: number) => String(1000 + i)],
    ['\n', (i: number) => (i % 2 ? `${i}.0` : `-${i}e0`)],
  ] as const) {
    const lines = csv(d, eol, eol).split(eol);
    const text = [`,${lines[0]}`, ...lines.slice(1, -1).map((line, i) => `${index(i)},${line}`), ''].join(eol);
    const path = write('indexed.csv', text);
    assertSameInParts(path, 'indexed.csv', text);
  }
  // Any text in it (pandas' index of strings), or an empty cell: passed over, as the full reader passes it.
  const lines = csv(d, '\n', '\n').split('\n');
  const indexed = (cell: (i: number) => string, header = ',') =>
    [header + lines[0], ...lines.slice(1, -1).map((line, i) => `${cell(i)},${line}`), ''].join('\n');
  // So are two unnamed columns, and named ones no role reads (an id, a file name, pandas' index given a name).
  for (const [name, text] of [
    ['index-a.csv', indexed((i) => (i === 30 ? 'a' : String(i)))],
    ['index-empty.csv', indexed((i) => (i === 30 ? '' : String(i)))],
    ['index-strings.csv', indexed((i) => `"sample ${i}, ""a"""`)],
    ['index-two.csv', indexed((i) => `${i},${i}`, ',,')],
    ['id.csv', indexed((i) => `img_${i}.jpg`, 'id,')],
    // Text that is not ASCII (its line's columns count characters, not bytes).
    ['id-accents.csv', indexed((i) => (i % 7 === 3 ? `"café ${i}, 狗.jpg"` : `img_${i}.jpg`), 'file,')],
    ['id-split.csv', indexed((i) => `"img ${i}, a.jpg",${i % 3 ? 'train' : 'val'}`, 'file,split,')],
    // Columns after the label (df["id"] = … after it), and after the logits with the label first.
    [
      'after.csv',
      [`${lines[0]},id,split`, ...lines.slice(1, -1).map((line, i) => `${line},"é ${i}, a",${i % 2 ? 'val' : ''}`), ''].join('\n'),
    ],
    [
      'label-first-after.csv',
      [
        `label,${lines[0].replace(/,label$/, '')},id`,
        ...lines.slice(1, -1).map((line, i) => `${line.slice(line.lastIndexOf(',') + 1)},${line.slice(0, line.lastIndexOf(','))},s${i}`),
        '',
      ].join('\r\n'),
    ],
  ])
    assertSameInParts(write(name, text), name, text);
  // A quote not closed on its line, or a named column the full reader has a word for (`y`, near "label"; a name twice): refused.
  for (const [name, text] of [
    ['index-open.csv', indexed((i) => (i === 30 ? '"a' : String(i)))],
    ['near-miss.csv', indexed((i) => String(i % 4), 'y,')],
    ['id-twice.csv', indexed((i) => `${i},${i}`, 'id,Id,')],
    ['after-short.csv', [`${lines[0]},id`, ...lines.slice(1, -1).map((line, i) => (i === 30 ? line : `${line},${i}`)), ''].join('\n')],
    ['after-near-miss.csv', [`${lines[0]},y_true`, ...lines.slice(1, -1).map((line, i) => `${line},${i % 4}`), ''].join('\n')],
  ]) {
    const path = write(name, text);
    for (const count of [1, 3]) assert.equal(analyzeLogitFile(path, name, {}, { count, minPartBytes: 100 }), null, name);
  }
});

test('a CSV with its label column first (label,logit_0,…): the full pipeline’s result and logits, on 1 to 3 parts', () => {
  const d = logits(17, 45, 4);
  const k = d.rows[0].length;
  const labelFirst = (eol: string, label: (l: number) => string = String, header = 'label') =>
    [
      [header, ...Array.from({ length: k }, (_, j) => `logit_${j}`)].join(','),
      ...d.rows.map((r, i) => `${label(d.labels[i])},${r.join(',')}`),
      '',
    ].join(eol);
  for (const [eol, label] of [
    ['\n', String],
    ['\r\n', String],
    ['\n', (l: number) => `${l}.0`],
  ] as const) {
    const text = labelFirst(eol, label);
    const path = write('label-first.csv', text);
    assertSameInParts(path, 'label-first.csv', text);
  }
  // After pandas' index (df.to_csv() of a DataFrame built with the label first) of numbers or of
  // strings (quoted, with commas in them), and R's quoted row names: the logits fill from the rows too.
  for (const index of [String, (i: number) => `"${i + 1}"`, (i: number) => `img_${i}.jpg`, (i: number) => `"img ${i}, crop ""a"".jpg"`]) {
    const lines = labelFirst('\n').split('\n');
    const text = [`,${lines[0]}`, ...lines.slice(1, -1).map((line, i) => `${index(i)},${line}`), ''].join('\n');
    assertSameInParts(write('index-label-first.csv', text), 'index-label-first.csv', text);
  }
  // Larger than one read of the read-back (256 KB), rows of varied length: a row's last logit ends
  // its span, and what an earlier read left just after it must not be read as more digits.
  const wide = logits(23, 500, 150);
  for (const index of [null, String]) {
    const wideText = [
      [...(index ? [''] : []), 'label', ...wide.rows[0].map((_, j) => `logit_${j}`)].join(','),
      ...wide.rows.map((r, i) => [...(index ? [index(i)] : []), wide.labels[i], ...r].join(',')),
      '',
    ].join('\n');
    assert.ok(wideText.length > 2 * 256 * 1024, 'more than two reads');
    assertSame(write('wide-label-first.csv', wideText), 'wide-label-first.csv', wideText, {}, 1 << 30, 1);
  }
  // A label that is not a whole number, a logit that is not a number, a row a cell short, an index quoted and not closed: refused.
  const rowsOf = (text: string) => text.split('\n');
  const base = rowsOf(labelFirst('\n'));
  const withLine = (at: number, line: string) => [...base.slice(0, at), line, ...base.slice(at + 1)].join('\n');
  for (const [name, text] of [
    ['label-x.csv', withLine(20, `x,${d.rows[19].join(',')}`)],
    ['label-half.csv', withLine(20, `1.5,${d.rows[19].join(',')}`)],
    ['logit-x.csv', withLine(20, `1,${d.rows[19].slice(0, -1).join(',')},x`)],
    ['short.csv', withLine(20, `1,${d.rows[19].slice(0, -1).join(',')}`)],
    ['index-open-then-label.csv', [`,${base[0]}`, ...base.slice(1, -1).map((line, i) => `${i === 20 ? '"x' : i},${line}`), ''].join('\n')],
  ]) {
    const path = write(name, text);
    for (const count of [1, 3]) assert.equal(analyzeLogitFile(path, name, {}, { count, minPartBytes: 100 }), null, name);
  }
});

test('tab- and ;-separated CSVs, a .tsv, R’s write.csv (quoted names and row names): the full pipeline’s result and logits, on 1 to 3 parts', () => {
  const d = logits(19, 45, 4);
  const lines = csv(d, '\n', '\n').split('\n');
  const quoted = (line: string) => line.replace(/[^,]+/g, '"$&"');
  const files: [string, string][] = [
    ['tabs.csv', lines.join('\n').replace(/,/g, '\t')],
    ['semicolons.csv', lines.join('\r\n').replace(/,/g, ';')],
    ['tabs.tsv', lines.join('\n').replace(/,/g, '\t')],
    ['index.tsv', [`\t${lines[0]}`, ...lines.slice(1, -1).map((line, i) => `${i}\t${line}`), ''].join('\n').replace(/,/g, '\t')],
    [
      'label-first.tsv',
      [['label', ...lines[0].split(',').slice(0, -1)].join('\t'), ...d.rows.map((r, i) => [d.labels[i], ...r].join('\t')), ''].join('\n'),
    ],
    ['r-quoted.csv', [quoted(lines[0]), ...lines.slice(1)].join('\n')],
    ['r-rownames.csv', [`"",${quoted(lines[0])}`, ...lines.slice(1, -1).map((line, i) => `"${i + 1}",${line}`), ''].join('\n')],
    // A UTF-8 byte order mark: the first line's columns count from after it (the line tables say the line is not ASCII).
    ['bom.csv', '\ufeff' + lines.join('\r\n')],
    ['bom.tsv', '\ufeff' + lines.join('\n').replace(/,/g, '\t')],
    // np.savetxt's default header, after its comment mark '# '.
    ['savetxt.csv', '# ' + lines.join('\n')],
  ];
  for (const [name, text] of files) assertSameInParts(write(name, text), name, text);
  // A .tsv whose header has commas (the full reader splits it on tabs only), a header with two
  // delimiters, spaces around a tab, decimal commas, a quote left open: refused.
  const tabs = lines.join('\n').replace(/,/g, '\t');
  for (const [name, text] of [
    ['commas.tsv', lines.join('\n')],
    ['two-delimiters.csv', lines.join('\n').replace(',', ';')],
    ['spaced.tsv', tabs.replace(/\n([^\t]+)\t/, '\n$1 \t')],
    ['decimal-commas.csv', lines.join('\n').replace(/,/g, ';').replace(/\./g, ',')],
    [
      'r-open.csv',
      [`"",${quoted(lines[0])}`, ...lines.slice(1, -1).map((line, i) => `"${i + 1}${i === 20 ? '' : '"'},${line}`), ''].join('\n'),
    ],
  ]) {
    const path = write(name, text);
    for (const count of [1, 3]) assert.equal(analyzeLogitFile(path, name, {}, { count, minPartBytes: 100 }), null, name);
  }
});

test('CSV labels written as floats (pandas’ "3.0"), or "3.00", "3e0", "-0.0", np.savetxt’s "3.000000000000000000e+00": the full pipeline’s result, on 1 to 3 parts', () => {
  const d = logits(11, 45, 6);
  for (const label of [
    (l: number) => `${l}.0`,
    (l: number, i: number) => (i % 4 === 0 ? `${l}.00` : i % 4 === 1 ? `${l}e0` : l === 0 ? '-0.0' : `${l}`),
    // np.savetxt's default '%.18e': 24 characters.
    (l: number) => `${l}.${'0'.repeat(18)}e+00`,
  ]) {
    const text = csv(d, '\n', '\n', label);
    const path = write('floats.csv', text);
    assertSameInParts(path, 'floats.csv', text);
  }
});

test('each part’s line tables come from the chunks the reader takes: the same as a second read, whatever the chunk boundaries', () => {
  // A reader handing out a few bytes a call cuts rows, numbers and \r\n pairs at every place.
  const d = logits(13, 24, 5);
  const files: [string, string][] = [
    ['c.csv', csv(d, '\r\n', '\r\n')],
    ['c.json', layouts['CRLF, no spaces'](d)],
    ['d.json', layouts['a row a line'](d)],
  ];
  for (const [name, text] of files) {
    const path = write(name, text);
    const f = openChunkFile(path, 1 << 30)!;
    try {
      const parts = partsFor(3, 100);
      const plan = (name.endsWith('.csv') ? planCsvParts(path, f, parts) : planJsonParts(path, f, parts))!;
      assert.ok(plan.jobs.length >= 2, `${name}: in parts`);
      const n = plan.n;
      for (const piece of [1, 3, 7, 64]) {
        const arrays = rowArrays(n);
        // A JSON plan's parts after the first learn their first rows from its counts (runPlan).
        const jobs = plan.jobs.map((job, i) => ({ ...job, target: { firstRow: plan.firstRows[i] ?? 0, ...arrays } }));
        const ran = runPlan(plan, jobs, undefined, (job) => summarizePart(job, pieces(piece)))!;
        const stretches = plan.jobs.map((job, i) => {
          const r = ran.results[i];
          assert.ok(r.ok && r.lines, `${name} part ${i}, ${piece}-byte reads`);
          assert.deepEqual(r.lines, lineStretch(f, job.start, job.end), `${name} part ${i}, ${piece}-byte reads`);
          return r.lines;
        });
        const joined = joinLineStretches([lineStretch(f, 0, plan.rowsStart), ...stretches], f.size);
        const whole = scanLines(new TextEncoder().encode(text));
        assert.deepEqual([...joined.lineStarts], [...whole.lineStarts], `${name}, ${piece}-byte reads`);
        assert.deepEqual([...joined.firstNonAscii], [...whole.firstNonAscii], `${name}, ${piece}-byte reads`);
      }
    } finally {
      f.close();
    }
  }
});

test('the reduction, the warning settings and classes.txt beside the file are applied as the full pipeline applies them', () => {
  const d = logits(3, 30, 3);
  const text = layouts['a row a line'](d);
  const path = write('b.json', text);
  const siblings = { 'classes.txt': new TextEncoder().encode('cat\ndog\nbird\n') };
  assertSame(path, 'b.json', text, { reduction: 'sum', siblings }, 100, 2);
  assertSame(path, 'b.json', text, { warnings: false }, 100, 2);
  assertSame(path, 'b.json', text, { warnings: { confidentlyWrongBelow: 0.5, outlierIqrMultiplier: 0 } }, 100, 2);
});

test('anything the fast path must leave to the full reader gives null', () => {
  const d = logits(5, 20, 3);
  const good = layouts['a row a line'](d);
  const refuse = (name: string, text: string, options: PipelineOptions = {}) => {
    const path = write(name, text);
    for (const count of [1, 3]) assert.equal(analyzeLogitFile(path, name, options, { count, minPartBytes: 64 }), null, name);
  };
  // Labels first, then something the simple layout does not have: another key, labels that are not class indices, no logits.
  refuse('labels-first-key.json', `{"labels": [${d.labels.join(', ')}], "logits": ${JSON.stringify(d.rows)}, "note": 1}`);
  refuse('labels-first-half.json', `{"labels": [0.5, ${d.labels.slice(1).join(', ')}], "logits": ${JSON.stringify(d.rows)}}`);
  refuse('labels-first-count.json', `{"labels": [${d.labels.slice(1).join(', ')}], "logits": ${JSON.stringify(d.rows)}}`);
  refuse('labels-only.json', `{"labels": [${d.labels.join(', ')}], "probabilities": ${JSON.stringify(d.rows)}}`);
  refuse('label.json', good.replace(/"labels": \[\d+/, '"labels": [3'));
  refuse('nan.json', good.replace(/\],\n {2}\[[^,]+/, '],\n  [NaN'));
  refuse('ragged.json', good.replace(/\[([^[\]]+)\]/, '[$1, 1]'));
  refuse('extra-key.json', good.replace('{', '{"note": "x", '));
  refuse('targets.json', JSON.stringify({ logits: d.rows, targets: d.rows }));
  // The object of logits and targets with anything the full reader reports or reads otherwise.
  const onehot = d.labels.map((l) => d.rows[0].map((_, j) => +(j === l)));
  refuse('targets-short.json', JSON.stringify({ logits: d.rows, targets: onehot.slice(1) }));
  refuse('targets-ragged.json', JSON.stringify({ logits: d.rows, targets: onehot.map((r, i) => (i === 7 ? r.slice(1) : r)) }));
  refuse('targets-sum.json', JSON.stringify({ logits: d.rows, targets: onehot.map((r, i) => (i === 9 ? r.map((v) => v * 1.1) : r)) }));
  refuse('targets-labels.json', JSON.stringify({ logits: d.rows, targets: onehot, labels: d.labels }));
  refuse('targets-classes-count.json', JSON.stringify({ logits: d.rows, targets: onehot, classes: ['a', 'b'] }));
  refuse('targets-after.json', JSON.stringify({ logits: d.rows, targets: onehot }) + ' x');
  refuse('probabilities.json', JSON.stringify({ probabilities: d.rows, labels: d.labels }));
  // max − z[label] overflows: the full reader reports it.
  refuse('overflow.json', JSON.stringify({ logits: [[1e308, -1e308, -1e308], ...d.rows.slice(1)], labels: [1, ...d.labels.slice(1)] }));
  refuse('blank.csv', csv(d, '\n', '\n').replace('\n', '\n\n'));
  refuse('short.csv', csv(d, '\n', '\n').replace(/\n[^\n]+\n/, '\n1,2\n'));
  refuse('named-loss.json', good, { loss: { fallback: 'nll_loss' } });
  refuse('classes-count.json', good, { siblings: { 'classes.txt': new TextEncoder().encode('cat\ndog\n') } });
  // Probabilities (prob_0…) checked with another sum tolerance or clipped with another ε than the
  // parts check and clip with; and the worker's read for problems refuses them at the header (the
  // full reader reads them next).
  const probabilities = csv(d, '\n', '\n')
    .replace(/logit_/g, 'prob_')
    .replace(/\n[^\n]+(?=,\d+\n)/g, '\n0.5,0.25,0.25');
  refuse('probabilities.csv', probabilities, { sumTolerance: 1e-3 });
  refuse('probabilities.csv', probabilities, { epsilon: 1e-6 });
  const jsonProbabilities = JSON.stringify({ probabilities: d.rows.map(() => [0.5, 0.25, 0.25]), labels: [7, ...d.labels.slice(1)] });
  for (const [name, text] of [
    ['probabilities.csv', probabilities.replace(/,\d+\n/, ',7\n')],
    ['probabilities.json', jsonProbabilities],
  ]) {
    const f = openChunkFile(write(name, text), 1 << 30)!;
    try {
      assert.equal(streamedProblem(f, name), null, `no read of ${name} for its problems`);
    } finally {
      f.close();
    }
  }
});

test('300 seeded byte mutations: the fast path reads a file only when the full reader finds no error, and then gives its result', () => {
  const d = logits(9, 12, 3);
  const p = probabilityRows(9, 12, 3);
  const sources = {
    'm.json': layouts['a row a line'](d),
    'm.csv': csv(d, '\n', '\n'),
    'p.json': layouts['a row a line'](p).replace('"logits"', '"probabilities"'),
    'p.csv': csv(p, '\n', '\n').replace(/logit_/g, 'prob_'),
  };
  const alphabet = '0123456789-+.eE,[]{} \n\r"labelsogitNa\u00e9';
  let read = 0;
  const readOf = Object.fromEntries(Object.keys(sources).map((name) => [name, 0]));
  let fromStop = 0;
  for (let seed = 1; seed <= 300; seed++) {
    const u = seededUniform(seed);
    for (const [name, source] of Object.entries(sources)) {
      const chars = [...source];
      for (let m = 0; m < 1 + Math.floor(u() * 3); m++) chars[Math.floor(u() * chars.length)] = alphabet[Math.floor(u() * alphabet.length)];
      const text = chars.join('');
      const path = write(name, text);
      const bytes = new TextEncoder().encode(text);
      const full = runPipeline(bytes, name, { rowsOnDemand: true });
      for (const count of [1, 2]) {
        let stop: PartsStop | undefined;
        const fast = analyzeLogitFile(path, name, {}, { count, minPartBytes: 60, gaveUp: (s) => (stop = s) });
        if (stop) {
          // Where the parts stopped, or labels out of range or ragged rows they read past: the full reader's problems from there, or null.
          const found = streamedProblemAnalysis(path, name, DEFAULT_MAX_FILE_BYTES, undefined, stop);
          if (found) {
            fromStop++;
            assert.deepEqual(found.result, full, `seed ${seed} ${name}`);
            assert.deepEqual(found.lines, lineIndexOf(bytes, name).tables, `seed ${seed} ${name}`);
          }
        }
        if (!fast) continue;
        read++;
        readOf[name]++;
        assert.ok(!full.problems.some((p) => p.severity === 'error'), `seed ${seed} ${name}: the full reader reports an error`);
        assertSameResult(fast, full, bytes);
      }
    }
  }
  assert.ok(read > 100, `the fast path read ${read} of the mutated files`);
  for (const [name, count] of Object.entries(readOf)) assert.ok(count >= 20, `the fast path read ${count} mutants of ${name}`);
  assert.ok(fromStop > 500, `only ${fromStop} mutated files' problems found from the parts' stop`);
});

/** Rows of probabilities (a seeded softmax to 10 digits), with p = 0 and p = 1 at a label, where the loss clips p. */
function probabilityRows(seed: number, n: number, k: number): ReturnType<typeof logits> {
  const d = logits(seed, n, k);
  const rows = d.rows.map((r) => {
    const e = r.map((z) => Math.exp(z - Math.max(...r)));
    const sum = e.reduce((a, b) => a + b, 0);
    return e.map((v) => Number((v / sum).toPrecision(10)));
  });
  rows[2] = rows[2].map((_, j) => (j === d.labels[2] ? 0 : j === (d.labels[2] + 1) % k ? 1 : 0));
  rows[3] = rows[3].map((_, j) => (j === d.labels[3] ? 1 : 0));
  return { rows, labels: d.labels };
}

test('probabilities (prob_0…, "probabilities"): the full pipeline’s result, every row and every export, on 1 to 3 parts', () => {
  const d = probabilityRows(29, 60, 5);
  const k = 5;
  const names = Array.from({ length: k }, (_, j) => `prob_${j}`);
  const files: Record<string, string> = {
    'p.csv': csv(d, '\n', '\n').replace(/logit_/g, 'prob_'),
    'p-crlf.csv': csv(d, '\r\n', '\r\n').replace(/logit_/g, 'prob_'),
    'p-label-first.tsv': [['label', ...names].join('\t'), ...d.rows.map((r, i) => [d.labels[i], ...r].join('\t')), ''].join('\n'),
    'p.json': layouts['a row a line'](d).replace('"logits"', '"probabilities"'),
    'p-labels-first.json': layouts['labels first (json.dump)'](d).replace('"logits"', '"probabilities"'),
    'p-classes.json': layouts['classes first, a row a line'](d).replace('"logits"', '"probabilities"'),
  };
  for (const [name, text] of Object.entries(files)) {
    const path = write(name, text);
    const bytes = new TextEncoder().encode(text);
    const full = runPipeline(bytes, name);
    assert.equal(full.dataset?.task === 'classification' && full.dataset.input, 'probabilities', name);
    for (const [minPartBytes, count] of [
      [1 << 30, 1],
      [400, 2],
      [200, 3],
    ]) {
      assertSame(path, name, text, {}, minPartBytes, count);
      // What the panel, the hover and an export read: p (the file's), ∂L/∂p and ∂L/∂z, derived a
      // row at a time here, the full analysis's batch arrays there.
      const fast = analyzeLogitFile(path, name, {}, { count, minPartBytes })!;
      assert.equal(fast.result.analysis?.task === 'classification' && fast.result.analysis.gradient, null, 'no N × K ∂L/∂p held');
      const store = new TensorStore(fast.result, (r0, r1) => fast.logits.ensureRows(r0, r1));
      const fullStore = new TensorStore(full);
      for (const i of [0, 2, 3, 31, 59])
        assert.deepEqual(store.answer({ kind: 'row', index: i }), fullStore.answer({ kind: 'row', index: i }), `${name} row ${i}`);
      for (const field of ['probabilities', 'logitGradient', 'values'] as const) {
        const block = { kind: 'block', field, r0: 0, r1: 60, cols: null } as const;
        assert.deepEqual(store.answer(block), fullStore.answer(block), `${name} ${field}`);
      }
      for (const format of ['json', 'csv', 'npz'] as const) {
        const query = { kind: 'export', jacobianOf: null, format, fileName: name, classes: null } as const;
        const got = Buffer.concat([...store.exportPieces(query)]);
        assert.ok(got.equals(Buffer.concat([...fullStore.exportPieces(query)])), `${name} ${format} export on ${count} parts`);
      }
      const npy = { kind: 'export', jacobianOf: null, format: 'npy', fileName: name, classes: null, npy: 'gradient' } as const;
      assert.ok(Buffer.concat([...store.exportPieces(npy)]).equals(Buffer.concat([...fullStore.exportPieces(npy)])), `${name} ∂L/∂p .npy`);
    }
  }
  // ∂L/∂p where the loss clips p: 0 at p = 0 and at p = 1 (rows 2 and 3), −1/(N·p) elsewhere.
  const fast = analyzeLogitFile(write('p.csv', files['p.csv']), 'p.csv', {}, { count: 1 })!;
  const store = new TensorStore(fast.result, (r0, r1) => fast.logits.ensureRows(r0, r1));
  const row = (i: number) => store.answer({ kind: 'row', index: i }) as { dLdInput: Float64Array; p: Float64Array };
  assert.deepEqual([...row(2).dLdInput], [0, 0, 0, 0, 0]);
  assert.deepEqual([...row(3).dLdInput], [0, 0, 0, 0, 0]);
  const label = d.labels[31];
  assert.equal(row(31).dLdInput[label], (-1 / row(31).p[label]) * (1 / 60)); // as the mean scales it
  assert.equal(row(31).dLdInput.filter((v) => v !== 0).length, 1);
  // A row that is not a distribution: the full reader's, which reports it.
  const bad = files['p.csv'].replace(/\n[^\n]+(?=,\d+\n)/, '\n0.5,0.5,0.5,0,0');
  assert.match(runPipeline(new TextEncoder().encode(bad), 'bad.csv').problems[0].message, /sum to 1\.5, expected 1/);
  // A row that is not a distribution, and labels out of range: the parts read them past, and they
  // are listed as the full reader lists them.
  const outOfRange = files['p.json'].replace(/"labels": \[\d+/, '"labels": [7');
  for (const [name, text] of [
    ['bad.csv', bad],
    ['range.json', outOfRange],
  ] as const) {
    for (const count of [1, 3]) {
      let stop: PartsStop | undefined;
      const path = write(name, text);
      assert.equal(analyzeLogitFile(path, name, {}, { count, minPartBytes: 200, gaveUp: (s) => (stop = s) }), null);
      assert.ok(stop, `${name}: the parts read it whole`);
      const found = streamedProblemAnalysis(path, name, DEFAULT_MAX_FILE_BYTES, undefined, stop);
      assert.deepEqual(found?.result, runPipeline(new TextEncoder().encode(text), name), name);
    }
  }
});

test('the logits are read after the analysis: a row on demand, or on threads, the same bits as the full reader', async () => {
  const d = logits(21, 700, 6);
  const text = layouts['a row a line'](d);
  const path = write('fill.json', text);
  const full = runPipeline(new TextEncoder().encode(text), 'fill.json', { rowsOnDemand: true });
  const want = (full.dataset as { values: Float64Array }).values;
  const rowOf = (values: Float64Array, i: number) => [...values.subarray(i * 6, i * 6 + 6)];

  // No thread: a row is read from the file when asked, and no other.
  const lazy = analyzeLogitFile(path, 'fill.json', {}, { count: 1 })!;
  const store = new TensorStore(lazy.result, (r0, r1) => lazy.logits.ensureRows(r0, r1));
  const fullStore = new TensorStore(full);
  assert.deepEqual(rowOf(lazy.logits.values, 699), [0, 0, 0, 0, 0, 0]);
  assert.deepEqual(store.answer({ kind: 'row', index: 699 }), fullStore.answer({ kind: 'row', index: 699 }));
  assert.deepEqual(rowOf(lazy.logits.values, 699), rowOf(want, 699));
  assert.deepEqual(rowOf(lazy.logits.values, 698), [0, 0, 0, 0, 0, 0]);
  const block = { kind: 'block', field: 'values', r0: 0, r1: 700, cols: null } as const;
  assert.deepEqual(store.answer(block), fullStore.answer(block));

  // valuesNow (the CLI's --json, --out, check): the parts keep the logits as they read them.
  for (const [count, minPartBytes] of [
    [1, 1 << 20],
    [3, 1000],
    [4, 300],
  ]) {
    const now = analyzeLogitFile(path, 'fill.json', {}, { count, minPartBytes, valuesNow: true })!;
    assert.deepEqual([...now.logits.values], [...want], `${count} parts, nothing read after`);
    // The CLI's road: no line tables, the same analysis.
    const bare = analyzeLogitFile(path, 'fill.json', {}, { count, minPartBytes, valuesNow: true, lineTables: false })!;
    assert.equal(bare.lines, null);
    assert.deepEqual([...bare.result.analysis!.losses], [...full.analysis!.losses]);
    assert.deepEqual([...bare.logits.values], [...want]);
  }

  // Real threads, the extension worker's own script: a query over every row waits for them.
  const dir2 = mkdtempSync(join(tmpdir(), 'gl-fill-script-'));
  try {
    const script = join(dir2, 'worker.cjs');
    buildSync({
      entryPoints: [fileURLToPath(new URL('../../../src/extension/worker.ts', import.meta.url))],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      outfile: script,
      logLevel: 'silent',
    });
    for (const count of [1, 3]) {
      // The parts are read on real threads too (the extension worker's runParts).
      const runParts = (jobs: PartJob[]) => new PartThreadPool(script).run(jobs, count);
      const threaded = analyzeLogitFile(path, 'fill.json', {}, { count, minPartBytes: 1000, runParts })!;
      const analysis = threaded.result.analysis!;
      const fullAnalysis = full.analysis!;
      assert.equal(analysis.loss, fullAnalysis.loss);
      assert.deepEqual([...analysis.losses], [...fullAnalysis.losses]);
      const kept = analyzeLogitFile(path, 'fill.json', {}, { count, minPartBytes: 1000, runParts, valuesNow: true })!;
      assert.deepEqual([...kept.logits.values], [...want], 'the logits kept by the part threads');
      // More parts than threads (the extension's warm host threads): the same result.
      const finer = analyzeLogitFile(path, 'fill.json', {}, { count, minPartBytes: 1000, runParts, partsPerThread: 4 })!;
      assert.deepEqual([...finer.result.analysis!.losses], [...fullAnalysis.losses]);
      assert.deepEqual(finer.lines, threaded.lines);
      finer.logits.startThreads(script);
      finer.logits.ensureRows(0, fullAnalysis.n);
      assert.deepEqual([...finer.logits.values], [...want]);
      threaded.logits.startThreads(script);
      const all = new TensorStore(threaded.result, (r0, r1) => threaded.logits.ensureRows(r0, r1));
      const max = { kind: 'columnMaxAbs', field: 'values' } as const;
      assert.deepEqual(all.answer(max), fullStore.answer(max));
      assert.deepEqual([...threaded.logits.values], [...want]);
      // An export as JSON or CSV formats its derived rows on the part threads (the worker's
      // rowText): the bytes of the full analysis's export.
      const pool = new PartThreadPool(script);
      const rowText = rowTextOnPool((jobs) => pool.start(jobs, count));
      const exporting = new TensorStore(threaded.result, (r0, r1) => threaded.logits.ensureRows(r0, r1), rowText);
      for (const format of ['json', 'csv'] as const) {
        const query = { kind: 'export', jacobianOf: null, format, fileName: 'fill.json', classes: null } as const;
        const got = Buffer.concat([...exporting.exportPieces(query)]);
        assert.ok(got.equals(Buffer.concat([...fullStore.exportPieces(query)])), `${format} on ${count} threads`);
      }
      pool.close();
    }
  } finally {
    rmSync(dir2, { recursive: true, force: true });
  }
});

test('lineStretch of a file of several reads, non-ASCII in some: the whole file’s line tables', () => {
  // Reads of 256 KB: the all-ASCII ones are not scanned for non-ASCII bytes (Node's isAscii says so).
  // LF only: a read with a \r is scanned byte by byte anyway.
  const line = (i: number) => (i % 5000 === 7 ? `row ${i}, café ☕\n` : `${i},${i * 2}\n`);
  const text = Array.from({ length: 90_000 }, (_, i) => line(i)).join('');
  const path = write('mixed.csv', text);
  const bytes = new TextEncoder().encode(text);
  assert.ok(bytes.length > 4 * (256 << 10));
  const f = openChunkFile(path, bytes.length)!;
  try {
    const got = joinLineStretches([lineStretch(f, 0, f.size, false)], f.size);
    const want = scanLines(bytes);
    assert.deepEqual(got, want);
    assert.ok(
      want.firstNonAscii.some((v, i) => i + 1 < want.lineStarts.length && v < want.lineStarts[i + 1] - 2),
      'some line has a non-ASCII byte',
    );
  } finally {
    f.close();
  }
});

/** JSON records as users write them: json.dump of a list of dicts, or one a line (JSON Lines). */
const recordLayouts: Record<string, { name: string; make: (d: ReturnType<typeof logits>) => string }> = {
  'json.dump of a list of dicts': { name: 'r.json', make: (d) => JSON.stringify(records(d)).replace(/,/g, ', ').replace(/":/g, '": ') },
  'json.dump(indent=2), the label first': {
    name: 'r.json',
    make: (d) => JSON.stringify(records(d, true), null, 2),
  },
  'keys in either order, no spaces, CRLF': {
    name: 'r.json',
    make: (d) =>
      `[${records(d, false)
        .map((r, i) => JSON.stringify(i % 2 ? { label: r.label, logits: r.logits } : r))
        .join(',\r\n')}]\r\n`,
  },
  'JSON Lines': {
    name: 'r.jsonl',
    make: (d) =>
      records(d)
        .map((r) => JSON.stringify(r).replace(/":/g, '": ') + '\n')
        .join(''),
  },
  'JSON Lines, CRLF, blank lines at the end': {
    name: 'r.jsonl',
    make: (d) =>
      records(d, true)
        .map((r) => JSON.stringify(r) + '\r\n')
        .join('') + '\r\n\r\n',
  },
  'JSON Lines, no final line break': {
    name: 'r.ndjson',
    make: (d) =>
      records(d)
        .map((r) => JSON.stringify(r))
        .join('\n'),
  },
};

function records(d: ReturnType<typeof logits>, labelFirst = false): { logits: number[]; label: number }[] {
  return d.rows.map((logits, i) => (labelFirst ? { label: d.labels[i], logits } : { logits, label: d.labels[i] }));
}

test("JSON records, in an array or one a line: the full pipeline's dataset (each label's own span), analysis, warnings and line tables, on 1 to 4 parts", () => {
  for (const [layout, { name, make }] of Object.entries(recordLayouts)) {
    const d = logits(19, 60, 5);
    const text = make(d);
    const path = write(name, text);
    for (const [minPartBytes, count] of [
      [1 << 30, 1],
      [300, 2],
      [150, 3],
      [60, 4],
    ])
      assertSame(path, name, text, {}, minPartBytes, count);
    // Cut where asked: every part a record or more (60 records).
    const f = openChunkFile(path, DEFAULT_MAX_FILE_BYTES)!;
    try {
      const plan = planRecordParts(path, f, partsFor(4, 60), { lines: name !== 'r.json' });
      assert.ok(plan && plan.jobs.length === 4 && plan.n === 60, `${layout}: 4 parts of 60 records`);
    } finally {
      f.close();
    }
  }
  // Probabilities (Keras' predict as records), checked as the full reader checks them.
  const d = logits(23, 40, 4);
  const probs = d.rows.map((r) => {
    const e = r.map((z) => Math.exp(z));
    const sum = e.reduce((a, b) => a + b, 0);
    return e.map((v) => Number((v / sum).toPrecision(12)));
  });
  const text = probs.map((p, i) => JSON.stringify({ probabilities: p, label: d.labels[i] }) + '\n').join('');
  const path = write('p.jsonl', text);
  for (const count of [1, 3]) assertSame(path, 'p.jsonl', text, {}, 100, count);
});

test('JSON records the full reader must read, or reports a problem in: refused on 1 and 3 parts', () => {
  const d = logits(29, 40, 4);
  const lines = records(d).map((r) => JSON.stringify(r));
  const withLine = (at: number, line: string) => [...lines.slice(0, at), line, ...lines.slice(at + 1)].join('\n') + '\n';
  const row = d.rows[30].join(',');
  for (const [name, text] of [
    // A key the full reader passes over, but whose value is not plain: nested, a bad escape, a control character, a word.
    ['id-nested.jsonl', withLine(30, `{"id": {"a": 1}, "logits": [${row}], "label": 1}`)],
    ['id-array.jsonl', withLine(30, `{"logits": [${row}], "crop": [1, 2], "label": 1}`)],
    ['id-escape.jsonl', withLine(30, `{"id": "a\\x.jpg", "logits": [${row}], "label": 1}`)],
    ['id-tab.jsonl', withLine(30, `{"id": "a\t.jpg", "logits": [${row}], "label": 1}`)],
    ['id-word.jsonl', withLine(30, `{"id": yes, "logits": [${row}], "label": 1}`)],
    ['id-trailing-comma.jsonl', withLine(30, `{"id": 1, "logits": [${row}], "label": 1,}`)],
    // Another tensor key (the full reader reads it, or says so), a label's name, a key missing or twice, "labels".
    ['target.jsonl', withLine(30, `{"logits": [${row}], "label": 1, "target": 2}`)],
    ['name.jsonl', withLine(30, `{"logits": [${row}], "label": "cat"}`)],
    ['missing.jsonl', withLine(30, `{"logits": [${row}]}`)],
    ['twice.jsonl', withLine(30, `{"logits": [${row}], "label": 1, "label": 2}`)],
    ['labels-key.jsonl', withLine(30, `{"logits": [${row}], "labels": 1}`)],
    // A label out of range or not whole, a row of another length, a bad number, a nested array.
    ['range.jsonl', withLine(30, `{"logits": [${row}], "label": 4}`)],
    ['half.jsonl', withLine(30, `{"logits": [${row}], "label": 1.5}`)],
    ['short.jsonl', withLine(30, `{"logits": [${d.rows[30].slice(1).join(',')}], "label": 1}`)],
    ['nan.jsonl', withLine(30, `{"logits": [NaN, ${d.rows[30].slice(1).join(',')}], "label": 1}`)],
    ['nested.jsonl', withLine(30, `{"logits": [[${row}]], "label": 1}`)],
    // A blank line inside, white space or a byte order mark before the first record, text after.
    ['blank.jsonl', withLine(30, `\n${lines[30]}`)],
    ['spaced.jsonl', ' ' + lines.join('\n')],
    ['bom.jsonl', '\ufeff' + lines.join('\n')],
    ['after.json', `[${lines.join(', ')}] x`],
    ['unclosed.json', `[${lines.join(', ')}`],
    ['cut.jsonl', lines.join('\n').slice(0, -10)],
  ]) {
    const path = write(name, text);
    for (const count of [1, 3]) assert.equal(analyzeLogitFile(path, name, {}, { count, minPartBytes: 100 }), null, `${name} on ${count}`);
  }
  // A record over two lines is one JSON value to the full reader too; other keys of plain values it
  // passes over (an id, a file name with escapes, a number, true, false, null): read, the same.
  const twoLines = withLine(30, lines[30].replace(', "label"', ',\n"label"'));
  const ids = records(d)
    .map((r, i) => JSON.stringify({ id: `img "${i}"\\a/\u0007 é 狗.jpg`, epoch: i % 3 ? 1.5e3 : -2, ...r, ok: [true, false, null][i % 3] }))
    .join('\n');
  for (const [name, text] of [
    ['two-lines.jsonl', twoLines],
    ['ids.jsonl', ids],
    ['ids.json', `[${ids.replace(/\n/g, ', ')}]`],
  ])
    for (const count of [1, 3]) assertSame(write(name, text), name, text, {}, 100, count);
});

test('a CSV of labels written as class names, with a classes.txt: the full pipeline’s dataset (each label’s span its cell), analysis and warnings, on 1 to 3 parts', () => {
  const d = logits(31, 50, 4);
  const names = ['cat', 'dog', 'bird, small', 'ïbis "red"'];
  const siblings = { 'classes.txt': new TextEncoder().encode(names.join('\n') + '\n') };
  const quoted = (name: string) => (/[,"]/.test(name) ? `"${name.replace(/"/g, '""')}"` : name);
  const header = Array.from({ length: 4 }, (_, j) => `logit_${j}`).join(',');
  const named = (l: number, i: number) => (i % 5 === 2 ? ` ${quoted(names[l])} ` : quoted(names[l]));
  const cases: [string, string][] = [
    ['last.csv', [header + ',label', ...d.rows.map((r, i) => `${r.join(',')},${named(d.labels[i], i)}`)].join('\n') + '\n'],
    ['first.csv', ['label,' + header, ...d.rows.map((r, i) => `${named(d.labels[i], i)},${r.join(',')}`)].join('\r\n') + '\r\n'],
    ['id-first.csv', ['id,label,' + header, ...d.rows.map((r, i) => `img_${i}.jpg,${named(d.labels[i], i)},${r.join(',')}`)].join('\n')],
    // Columns after the label: an id with the delimiter inside, an empty split.
    [
      'id-after.csv',
      [header + ',label,id,split', ...d.rows.map((r, i) => `${r.join(',')},${named(d.labels[i], i)},"a, ${i}",${i % 2 ? 'x' : ''}`)].join(
        '\n',
      ),
    ],
  ];
  for (const [name, text] of cases) {
    assertSameInParts(write(name, text), name, text, { siblings }, [400, 200]);
  }
  // A name none of the classes is, a number among names, no classes.txt, one of the wrong count,
  // a bad logit or a short row after names: the full reader's to report (no part stops at a line:
  // a window of that line alone would read its label as a number).
  const [, last] = cases[0];
  const lines = last.split('\n');
  const withLine = (at: number, line: string) => [...lines.slice(0, at), line, ...lines.slice(at + 1)].join('\n');
  const row = d.rows[29].join(',');
  for (const [name, text, beside] of [
    ['unknown.csv', withLine(30, `${row},horse`), siblings],
    ['number.csv', withLine(30, `${row},1`), siblings],
    ['no-classes.csv', last, {}],
    ['wrong-count.csv', last, { 'classes.txt': new TextEncoder().encode('cat\ndog\n') }],
    ['bad-logit.csv', withLine(30, `x,${d.rows[29].slice(1).join(',')},cat`), siblings],
    ['short.csv', withLine(30, `${d.rows[29].slice(1).join(',')},cat`), siblings],
  ] as const) {
    const path = write(name, text);
    for (const count of [1, 3]) {
      let stop: PartsStop | undefined;
      const fast = analyzeLogitFile(path, name, { siblings: beside }, { count, minPartBytes: 100, gaveUp: (s) => (stop = s) });
      assert.equal(fast, null, `${name} on ${count}`);
      assert.equal(stop, undefined, `${name} on ${count}: no stop to look for the problem from`);
    }
    assert.ok(
      runPipeline(new TextEncoder().encode(text), name, { siblings: beside }).problems.length > 0,
      `${name}: the full reader has a word`,
    );
  }
});

test('JSON records of labels written as class names, with a classes.txt, and UTF-8 text beside: the full pipeline’s result (each label’s span its string), on 1 to 3 parts; refused where the full reader has a word', () => {
  const d = logits(37, 40, 4);
  const names = ['cat', 'dog', 'bird, small', 'ïbis "red"'];
  const siblings = { 'classes.txt': new TextEncoder().encode(names.join('\n') + '\n') };
  const lines = d.rows.map((logits, i) =>
    JSON.stringify({ text: `phrase ${i}: café — 狗`, logits, label: i % 6 === 1 ? ` ${names[d.labels[i]]} ` : names[d.labels[i]] }),
  );
  const jsonl = lines.join('\n') + '\n';
  const array = `[${lines.join(',\n ')}]`;
  for (const [name, text] of [
    ['names.jsonl', jsonl],
    ['names.json', array],
  ])
    for (const [minPartBytes, count] of [
      [1 << 30, 1],
      [500, 2],
      [300, 3],
    ])
      assertSame(write(name, text), name, text, { siblings }, minPartBytes, count);
  const withLine = (at: number, line: string) => [...lines.slice(0, at), line, ...lines.slice(at + 1)].join('\n') + '\n';
  const row = JSON.stringify(d.rows[30]);
  const latin1 = Buffer.from(withLine(30, `{"text": "caf\u00e9", "logits": ${row}, "label": "cat"}`), 'latin1');
  for (const [name, text, beside] of [
    ['unknown.jsonl', withLine(30, `{"logits": ${row}, "label": "horse"}`), siblings],
    ['number.jsonl', withLine(30, `{"logits": ${row}, "label": 1}`), siblings],
    ['no-classes.jsonl', jsonl, {}],
    ['wrong-count.jsonl', jsonl, { 'classes.txt': new TextEncoder().encode('cat\ndog\n') }],
    ['latin1.jsonl', latin1, siblings],
  ] as const) {
    const path = join(dir, name);
    writeFileSync(path, text);
    for (const count of [1, 3])
      assert.equal(analyzeLogitFile(path, name, { siblings: beside }, { count, minPartBytes: 100 }), null, `${name} on ${count}`);
    const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : new Uint8Array(text);
    assert.ok(
      runPipeline(bytes, name, { siblings: beside }).problems.some((p) => p.severity !== 'warning'),
      `${name}: the full reader has an error`,
    );
  }
});

/** A DataFrame of logit_0… and a label, as pandas' to_json(orient="records") writes it: keys in one order, no spaces. */
function frameRecords(
  d: ReturnType<typeof logits>,
  row: (r: number[], label: number | string, i: number) => Record<string, unknown>,
): string[] {
  return d.rows.map((r, i) => JSON.stringify(row(r, d.labels[i], i)));
}

function logitColumns(r: number[], prefix = 'logit'): Record<string, number> {
  return Object.fromEntries(r.map((z, j) => [`${prefix}_${j}`, z]));
}

test('a DataFrame as records (to_json(orient="records"), lines=True too, and the index, table and split orients): the full pipeline’s result (the row and a number label spanning the record, a name its string), on 1 to 4 parts', () => {
  const d = logits(41, 50, 5);
  const names = ['cat', 'dog', 'bird, small', 'ïbis "red"', 'ox [狗]'];
  const siblings = { 'classes.txt': new TextEncoder().encode(names.join('\n') + '\n') };
  // A split row is an array: a ']' in a name would end it (the full reader's, then).
  const splitNames = names.map((name) => name.replace(/[[\]]/g, ''));
  const plain = frameRecords(d, (r, label) => ({ ...logitColumns(r), label }));
  const probs = frameRecords(d, (r, label) => {
    const e = r.map((z) => Math.exp(z));
    const sum = e.reduce((a, b) => a + b, 0);
    return {
      ...logitColumns(
        e.map((v) => Number((v / sum).toPrecision(12))),
        'prob',
      ),
      label,
    };
  });
  const cases: [string, string, PipelineOptions][] = [
    ['records.json', `[${plain.join(',')}]`, {}],
    ['records.jsonl', plain.join('\n') + '\n', {}],
    ['no-final-break.jsonl', plain.join('\n'), {}],
    ['crlf.json', `[${plain.join(',\r\n')}]\r\n`, {}],
    // df.insert(0, "id", …), pandas' index as a column, a split after the label, the label first, "labels" and "Label".
    [
      'id.jsonl',
      frameRecords(d, (r, label, i) => ({ id: `img "${i}" é.jpg`, ...logitColumns(r), label, split: i % 3 ? null : 'val' })).join('\n') +
        '\n',
      {},
    ],
    ['index-column.json', `[${frameRecords(d, (r, label, i) => ({ index: i, label, ...logitColumns(r) })).join(',')}]`, {}],
    ['labels.jsonl', frameRecords(d, (r, label) => ({ ...logitColumns(r), labels: label })).join('\n') + '\n', {}],
    ['upper.jsonl', frameRecords(d, (r, label) => ({ ...logitColumns(r), Label: label })).join('\n') + '\n', {}],
    // to_json(indent=2); a float label column (3.0).
    [
      'indent.json',
      JSON.stringify(
        plain.map((line) => JSON.parse(line)),
        null,
        2,
      ),
      {},
    ],
    ['float-label.jsonl', plain.map((line) => line.replace(/"label":(\d+)/, '"label":$1.0')).join('\n') + '\n', {}],
    ['probs.jsonl', probs.join('\n') + '\n', {}],
    ['names.jsonl', frameRecords(d, (r, label) => ({ ...logitColumns(r), label: names[label as number] })).join('\n') + '\n', { siblings }],
    // The same records in pandas' index orient ({"0": {…}, …}) and table orient ({"schema": …, "data": […]}).
    ['index-orient.json', `{${plain.map((r, i) => `"${i}":${r}`).join(',')}}`, {}],
    ['index-spaced.json', `{\n  ${plain.map((r, i) => `"${i}" : ${r}`).join(',\n  ')}\n}\n`, {}],
    // df.set_index("file").to_json(orient="index"): file names, escapes and UTF-8 in them.
    ['index-names.json', `{${plain.map((r, i) => `${JSON.stringify(`img "${i}" é\t.jpg`)}:${r}`).join(',')}}`, {}],
    ['table.json', tableOrient(d, plain), {}],
    [
      'table-names.json',
      tableOrient(
        d,
        frameRecords(d, (r, label) => ({ ...logitColumns(r), label: names[label as number] })),
      ),
      { siblings },
    ],
    // The split orient: the names, the index (or none: index=False), a row an array.
    [
      'split.json',
      splitOrient(
        d.rows.map((r, i) => [...r, d.labels[i]]),
        [...Object.keys(logitColumns(d.rows[0])), 'label'],
      ),
      {},
    ],
    [
      'split-ids.json',
      splitOrient(
        d.rows.map((r, i) => [`img "${i}" é.jpg`, ...r, splitNames[d.labels[i]], i % 2 ? null : 'val']),
        ['id', ...Object.keys(logitColumns(d.rows[0])), 'label', 'split'],
        false,
      ),
      { siblings: { 'classes.txt': new TextEncoder().encode(splitNames.join('\n') + '\n') } },
    ],
  ];
  for (const [name, text, options] of cases) {
    const path = write(name, text);
    for (const [minPartBytes, count] of [
      [1 << 30, 1],
      [2000, 2],
      [1000, 3],
      [300, 4],
    ])
      assertSame(path, name, text, options, minPartBytes, count);
  }
  // Cut where asked: every part a record or more (50 records).
  const path = join(dir, 'records.jsonl');
  const f = openChunkFile(path, DEFAULT_MAX_FILE_BYTES)!;
  try {
    const plan = planRecordParts(path, f, partsFor(4, 60), { lines: true });
    assert.ok(plan && plan.jobs.length === 4 && plan.n === 50 && plan.k === 5, 'records.jsonl: 4 parts of 50 records, K = 5');
  } finally {
    f.close();
  }
});

/** Records as pandas' to_json(orient="table") wraps them: a schema, then each record with its "index". */
function tableOrient(d: ReturnType<typeof logits>, records: string[]): string {
  const fields = [
    { name: 'index', type: 'integer' },
    ...d.rows[0].map((_, j) => ({ name: `logit_${j}`, type: 'number' })),
    { name: 'label', type: 'integer' },
  ];
  const schema = JSON.stringify({ fields, primaryKey: ['index'], pandas_version: '1.4.0' });
  return `{"schema":${schema},"data":[${records.map((r, i) => `{"index":${i},${r.slice(1)}`).join(',')}]}`;
}

/** Rows as pandas' to_json(orient="split") writes them, with its index or without (index=False). */
function splitOrient(rows: unknown[][], columns: string[], index = true): string {
  return `{"columns":${JSON.stringify(columns)},${index ? `"index":${JSON.stringify(rows.map((_, i) => i))},` : ''}"data":[${rows.map((r) => JSON.stringify(r)).join(',')}]}`;
}

test('a DataFrame as records the full reader must read, or has a word about: refused on 1 and 3 parts', () => {
  const d = logits(43, 40, 4);
  const lines = frameRecords(d, (r, label) => ({ ...logitColumns(r), label }));
  const withLine = (at: number, line: string) => [...lines.slice(0, at), line, ...lines.slice(at + 1)].join('\n') + '\n';
  const record = (edit: (r: Record<string, unknown>) => Record<string, unknown>) => JSON.stringify(edit(JSON.parse(lines[30])));
  const only = (make: (r: number[], label: number) => Record<string, unknown>) =>
    frameRecords(d, (r, label) => make(r, label as number)).join('\n') + '\n';
  for (const [name, text] of [
    // Keys in another order, one missing, one more, one twice: the full reader reads by name, or says which.
    [
      'order.jsonl',
      withLine(
        30,
        record(({ label, ...rest }) => ({ label, ...rest })),
      ),
    ],
    [
      'missing.jsonl',
      withLine(
        30,
        record(({ logit_2: _, ...rest }) => rest),
      ),
    ],
    [
      'more.jsonl',
      withLine(
        30,
        record((r) => ({ ...r, extra: 1 })),
      ),
    ],
    ['twice.jsonl', withLine(30, lines[30].replace('}', ',"label":1}'))],
    // NaN (pandas writes null), a number in quotes, a label out of range, 1.5, a name without a classes.txt.
    [
      'null.jsonl',
      withLine(
        30,
        record((r) => ({ ...r, logit_1: null })),
      ),
    ],
    [
      'quoted.jsonl',
      withLine(
        30,
        record((r) => ({ ...r, logit_1: '0.5' })),
      ),
    ],
    [
      'range.jsonl',
      withLine(
        30,
        record((r) => ({ ...r, label: 4 })),
      ),
    ],
    [
      'half.jsonl',
      withLine(
        30,
        record((r) => ({ ...r, label: 1.5 })),
      ),
    ],
    [
      'name.jsonl',
      withLine(
        30,
        record((r) => ({ ...r, label: 'cat' })),
      ),
    ],
    // Columns the full reader guesses a role for or reads: "pred", target_0, a "logits" key; a gap (logit_2 missing everywhere).
    ['pred.jsonl', only((r, label) => ({ ...logitColumns(r), label, pred: 1 }))],
    ['target.jsonl', only((r, label) => ({ ...logitColumns(r), label, target_0: 1 }))],
    ['logits-key.jsonl', only((r, label) => ({ ...logitColumns(r), label, logits: 1 }))],
    ['gap.jsonl', only((r, label) => ({ logit_0: r[0], logit_1: r[1], logit_3: r[3], label }))],
    ['no-label.jsonl', only((r) => logitColumns(r))],
    // A nested value beside, a '}' in a string.
    [
      'nested.jsonl',
      withLine(
        30,
        record((r) => ({ id: [1], ...r })),
      ),
    ],
    ['brace.jsonl', only((r, label) => ({ id: 'a}b', ...logitColumns(r), label }))],
    // The index orient with a row named "label" (the full reader reads such a frame by column), a key out of order or twice, text after the frame, no
    // '}' at its end or one too many; the table orient with a schema the full reader refuses (a
    // trailing comma), another key after "data", no '}' at its end.
    ['index-label-key.json', `{${lines.map((r, i) => `"${i === 20 ? 'label' : `img_${i}`}":${r}`).join(',')}}`],
    ['index-order.json', `{${lines.map((r, i) => `"${i === 7 ? 8 : i === 8 ? 7 : i}":${r}`).join(',')}}`],
    ['index-twice.json', `{${lines.map((r, i) => `"${i === 8 ? 7 : i}":${r}`).join(',')}}`],
    ['index-after.json', `{${lines.map((r, i) => `"${i}":${r}`).join(',')}} x`],
    ['index-open.json', `{${lines.map((r, i) => `"${i}":${r}`).join(',')}`],
    ['index-closed-twice.json', `{${lines.map((r, i) => `"${i}":${r}`).join(',')}}}`],
    ['table-schema.json', tableOrient(d, lines).replace('["index"]', '["index",]')],
    ['table-more.json', tableOrient(d, lines).replace(/\]\}$/, '],"x":1}')],
    ['table-open.json', tableOrient(d, lines).slice(0, -1)],
    // The split orient with a row a cell short, a ']' in a string, a name that is not a string, no '}' at its end.
    [
      'split-short.json',
      splitOrient(
        d.rows.map((r, i) => (i === 7 ? r : [...r, d.labels[i]])),
        ['logit_0', 'logit_1', 'logit_2', 'logit_3', 'label'],
      ),
    ],
    [
      'split-bracket.json',
      splitOrient(
        d.rows.map((r, i) => [`a]${i}`, ...r, d.labels[i]]),
        ['id', 'logit_0', 'logit_1', 'logit_2', 'logit_3', 'label'],
      ),
    ],
    [
      'split-number-name.json',
      splitOrient(
        d.rows.map((r, i) => [0, ...r, d.labels[i]]),
        ['logit_0', 'logit_1', 'logit_2', 'logit_3', 'label'],
      ).replace('"columns":[', '"columns":[0,'),
    ],
    [
      'split-open.json',
      splitOrient(
        d.rows.map((r, i) => [...r, d.labels[i]]),
        ['logit_0', 'logit_1', 'logit_2', 'logit_3', 'label'],
      ).slice(0, -1),
    ],
  ]) {
    const path = write(name, text);
    for (const count of [1, 3]) assert.equal(analyzeLogitFile(path, name, {}, { count, minPartBytes: 100 }), null, `${name} on ${count}`);
  }
});

/** A DataFrame as pandas' df.to_json() writes it by default (the columns orient): one object a column, keyed by the index. */
function frameColumns(columns: Record<string, unknown[]>, index = (i: number) => String(i)): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    Object.entries(columns).map(([name, values]) => [name, Object.fromEntries(values.map((v, i) => [index(i), v]))]),
  );
}

function logitColumnsOf(d: ReturnType<typeof logits>, prefix = 'logit', rows = d.rows): Record<string, number[]> {
  return Object.fromEntries(rows[0].map((_, j) => [`${prefix}_${j}`, rows.map((r) => r[j])]));
}

test('a DataFrame in the columns orient (df.to_json()’s default), its index numbers or names: the full pipeline’s result (a row spanning its logit_0 cell, a label its cell)', () => {
  const d = logits(47, 40, 4);
  const names = ['cat', 'dog', 'bird, small', 'ïbis "red" 狗'];
  const siblings = { 'classes.txt': new TextEncoder().encode(names.join('\n') + '\n') };
  const probs = d.rows.map((r) => {
    const e = r.map((z) => Math.exp(z));
    const sum = e.reduce((a, b) => a + b, 0);
    return e.map((v) => Number((v / sum).toPrecision(12)));
  });
  const cases: [string, unknown, PipelineOptions, number?][] = [
    ['columns.json', frameColumns({ ...logitColumnsOf(d), label: d.labels }), {}],
    ['id-first.json', frameColumns({ id: d.labels.map((_, i) => `img "${i}" é.jpg`), ...logitColumnsOf(d), label: d.labels }), {}],
    [
      'label-first.json',
      frameColumns({ label: d.labels, ...logitColumnsOf(d), split: d.labels.map((_, i) => (i % 2 ? null : 'val')) }),
      {},
    ],
    ['float-labels.json', frameColumns({ ...logitColumnsOf(d), Label: d.labels.map((l) => l + 0.0) }), {}],
    ['probs.json', frameColumns({ ...logitColumnsOf(d, 'prob', probs), label: d.labels }), {}],
    ['names.json', frameColumns({ ...logitColumnsOf(d), label: d.labels.map((l) => names[l]) }), { siblings }],
    // df.set_index("file").to_json(): an index of names, escapes and UTF-8 in them.
    ['named-index.json', frameColumns({ ...logitColumnsOf(d), label: d.labels }, (i) => `img "${i}" é\t.jpg`), {}],
    // json.dumps(indent=2) of the same dict, CRLF.
    ['indent.json', frameColumns({ ...logitColumnsOf(d), label: d.labels }), {}, 2],
  ];
  for (const [name, frame, options, indent] of cases) {
    const text = indent ? JSON.stringify(frame, null, indent).replace(/\n/g, '\r\n') + '\r\n' : JSON.stringify(frame);
    assertSame(write(name, text), name, text, options, 1 << 30, 1);
    // The plan is one part, whatever the threads.
    assertSame(join(dir, name), name, text, options, 100, 3);
  }
  // A column of 1,200 rows (keys "0"…"1199") read across several chunks.
  const wide = logits(53, 1200, 3);
  const text = JSON.stringify(frameColumns({ ...logitColumnsOf(wide), label: wide.labels }));
  assertSame(write('long.json', text), 'long.json', text, {}, 1 << 30, 1);
});

test('a DataFrame in the columns orient the full reader must read, or has a word about: refused', () => {
  const d = logits(59, 30, 3);
  const base = { ...logitColumnsOf(d), label: d.labels as unknown[] };
  const edited = (edit: (columns: Record<string, unknown[]>) => void) => {
    const columns = Object.fromEntries(Object.entries(base).map(([k, v]) => [k, [...v]]));
    edit(columns);
    return JSON.stringify(frameColumns(columns));
  };
  const plain = JSON.stringify(frameColumns(base));
  for (const [name, text] of [
    // The index out of order in one column; a row missing from one column, or one more.
    ['order.json', plain.replace('"0":', '"x":').replace('"1":', '"0":').replace('"x":', '"1":')],
    ['missing-row.json', edited((c) => c.logit_1.pop())],
    ['more-rows.json', edited((c) => c.label.push(0))],
    // NaN (null), a number in quotes, a label out of range, 1.5, a name without a classes.txt.
    ['null.json', edited((c) => (c.logit_1[7] = null))],
    ['quoted.json', edited((c) => (c.logit_1[7] = '0.5'))],
    ['range.json', edited((c) => (c.label[7] = 3))],
    ['half.json', edited((c) => (c.label[7] = 1.5))],
    ['name.json', edited((c) => (c.label = c.label.map(() => 'cat')))],
    // A '}' in a string, a column the full reader guesses a role for, a gap, no label, text after the frame.
    ['brace.json', edited((c) => (c.id = c.label.map((_, i) => `a}${i}`)))],
    ['pred.json', edited((c) => (c.pred = c.label))],
    ['gap.json', edited((c) => ((c.logit_3 = c.logit_2), delete c.logit_2))],
    ['no-label.json', edited((c) => delete c.label)],
    ['after.json', plain + ' x'],
    ['cut.json', plain.slice(0, -1)],
  ]) {
    const path = write(name, text);
    for (const count of [1, 3]) assert.equal(analyzeLogitFile(path, name, {}, { count, minPartBytes: 100 }), null, `${name} on ${count}`);
  }
});

test('one-hot and soft targets in place of labels (a CSV’s target_0…, records’ "target" or "targets"): the full pipeline’s result and rows, on 1 to 3 parts; targets that are no distribution listed as the full reader lists them', () => {
  const d = logits(29, 45, 4);
  const k = 4;
  const soft = d.labels.map((l, i) => Array.from({ length: k }, (_, j) => (i % 3 ? (j === l ? 0.85 : 0.05) : +(j === l))));
  const header = (inputs: string) =>
    [...Array.from({ length: k }, (_, j) => `${inputs}_${j}`), ...Array.from({ length: k }, (_, j) => `target_${j}`)].join(',');
  const probs = d.rows.map((r) => {
    const e = r.map((z) => Math.exp(z));
    const sum = e.reduce((a, b) => a + b, 0);
    return e.map((v) => Number((v / sum).toPrecision(12)));
  });
  const cases: [string, string][] = [
    ['t.csv', [header('logit'), ...d.rows.map((r, i) => `${r.join(',')},${soft[i].join(',')}`)].join('\n') + '\n'],
    ['t-crlf.csv', [header('logit'), ...d.rows.map((r, i) => `${r.join(',')},${soft[i].join(',')}`)].join('\r\n') + '\r\n'],
    ['p-t.csv', [header('prob'), ...probs.map((r, i) => `${r.join(',')},${soft[i].join(',')}`)].join('\n') + '\n'],
    ['t.jsonl', d.rows.map((r, i) => JSON.stringify({ logits: r, target: soft[i] })).join('\n') + '\n'],
    [
      't.json',
      JSON.stringify(
        d.rows.map((r, i) => ({ logits: r, targets: soft[i] })),
        null,
        1,
      ),
    ],
    // The object of two arrays (json.dump of {"logits", "targets"}): read in step on one thread.
    ['pair.json', JSON.stringify({ logits: d.rows, targets: soft })],
    ['p-pair.json', JSON.stringify({ probabilities: probs, targets: soft, classes: ['a', 'b', 'c', 'd'] }, null, 1)],
    [
      'pair-crlf.json',
      `\ufeff{"classes": ["é", "b", "c", "d"],\r\n "logits": [\r\n${d.rows.map((r) => `  [${r.join(', ')}]`).join(',\r\n')}\r\n],\r\n "targets": [\r\n${soft.map((r) => `  [${r.join(', ')}]`).join(',\r\n')}\r\n]}\r\n`,
    ],
  ];
  for (const [name, text] of cases) {
    const path = write(name, text);
    assertSameInParts(path, name, text, {}, [400, 200]);
    // Each row as hover and the panel show it: the full pipeline's, and ∂L/∂z = (p − y)/N.
    const fast = analyzeLogitFile(path, name, {}, { count: 2, minPartBytes: 200 })!;
    const store = new TensorStore(fast.result, (r0, r1) => fast.logits.ensureRows(r0, r1));
    const full = new TensorStore(runPipeline(new TextEncoder().encode(text), name));
    for (const i of [0, 1, 17, 44]) {
      const row = store.answer({ kind: 'row', index: i }) as ClassificationRow;
      assert.deepEqual(row, full.answer({ kind: 'row', index: i }), `${name} row ${i}`);
      assert.deepEqual([...row.y], soft[i], `${name} y of ${i}`);
      const p = name.startsWith('p-') ? probs[i] : softmax(d.rows[i]);
      for (let j = 0; j < k; j++) assert.ok(Math.abs(row.dLdz[j] - (p[j] - soft[i][j]) / 45) < 1e-15, `${name} ∂L/∂z (${i}, ${j})`);
    }
  }
  // A target row that is no distribution: the parts read it past, and it is listed as the full reader lists it.
  const bad = cases[0][1].replace(/\n([^\n]+),0\.85,0\.05,0\.05\n/, (_, row) => `\n${row},0.85,0.05,0.15\n`);
  assert.notEqual(bad, cases[0][1]);
  const path = write('bad-t.csv', bad);
  for (const count of [1, 3]) {
    let stop: PartsStop | undefined;
    assert.equal(analyzeLogitFile(path, 'bad-t.csv', {}, { count, minPartBytes: 200, gaveUp: (s) => (stop = s) }), null);
    assert.ok(stop, 'the parts read it whole');
    const found = streamedProblemAnalysis(path, 'bad-t.csv', DEFAULT_MAX_FILE_BYTES, undefined, stop);
    const full = runPipeline(new TextEncoder().encode(bad), 'bad-t.csv', { rowsOnDemand: true });
    assert.deepEqual(found?.result, full);
    assert.match(full.problems[0].message, /^targets in sample \d+ sum to 1\.1, expected 1/);
  }
});

function softmax(z: number[]): number[] {
  const max = Math.max(...z);
  const e = z.map((v) => Math.exp(v - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}
