// Parse: our CSV and JSON readers (which keep source positions) against JSON.parse of the same
// numbers, uDSV, d3-dsv and papaparse, on a 10,000 × 1,000 logits file, in two number formats.
//
// Our readers take the file's bytes; the peers need a string, and decoding it is not charged to
// them (the strictest comparison: a "peer + decode" figure is given as INFO). "The same numbers":
// the CSV and the JSON file hold the same 10,010,000 numbers (logits and labels), so CSV vs
// JSON.parse compares numbers per second; against the CSV peers (same bytes) it is MB/s.
import { readFileSync } from 'node:fs';
import { cachedLogitsFile, FORMATS } from '../generate.mjs';
import { QUICK, STAT, STAT_TEXT, coreBundle, emit, interleave, log, MB, require, row } from './common.mjs';

const N = QUICK ? 500 : 10000;
const K = 1000;
const ROUNDS = QUICK ? 1 : 3;

const core = await coreBundle();
const uDSV = require('udsv');
const d3 = require('d3-dsv');
const Papa = require('papaparse');

const rows = [];
const info = { n: N, k: K, rounds: ROUNDS, statistic: STAT_TEXT, formats: {} };

for (const variant of ['short', 'long']) {
  const csvInfo = cachedLogitsFile({ kind: 'csv', variant, n: N, k: K });
  const jsonInfo = cachedLogitsFile({ kind: 'json', variant, n: N, k: K });
  const csvBytes = new Uint8Array(readFileSync(csvInfo.path));
  const jsonBytes = new Uint8Array(readFileSync(jsonInfo.path));
  const csvText = Buffer.from(csvBytes.buffer, csvBytes.byteOffset, csvBytes.length).toString('latin1');
  const jsonText = Buffer.from(jsonBytes.buffer, jsonBytes.byteOffset, jsonBytes.length).toString('latin1');
  const numbers = csvInfo.numbers;
  info.formats[variant] = {
    describe: FORMATS[variant].describe,
    csvBytes: csvInfo.bytes,
    jsonBytes: jsonInfo.bytes,
    numbers,
    meanSignificantDigits: Number(csvInfo.significantDigits.toFixed(2)),
  };
  log(`parse [${variant}]: CSV ${(csvInfo.bytes / MB).toFixed(1)} MB, JSON ${(jsonInfo.bytes / MB).toFixed(1)} MB, ${numbers} numbers`);

  // Every reader must see the same numbers: compare checksums once, outside the timing.
  const expected = checksumCsv(core.parseCsv(csvBytes).data);
  const sameAs = (what) => (sum) => {
    if (Math.abs(sum - expected) > 1e-7 * Math.abs(expected) + 1e-3)
      throw new Error(`${what} read different numbers (checksum ${sum} vs ${expected})`);
  };
  const uSchema = uDSV.inferSchema(csvText);
  const uParser = uDSV.initParser(uSchema);

  const cases = [
    { name: 'ours CSV', run: () => core.parseCsv(csvBytes), check: (t) => sameAs('parseCsv')(checksumCsv(t.data)) },
    { name: 'ours JSON', run: () => core.parseJson(jsonBytes), check: (j) => sameAs('parseJson')(checksumJsonNode(j)) },
    { name: 'JSON.parse', run: () => JSON.parse(jsonText), check: (j) => sameAs('JSON.parse')(checksumPlain(j)) },
    { name: 'uDSV typedArrs', run: () => uParser.typedArrs(csvText), check: (r) => sameAs('uDSV')(checksumRows(r)) },
    { name: 'uDSV typedCols', run: () => uParser.typedCols(csvText), check: (c) => sameAs('uDSV cols')(checksumRows(c)) },
    { name: 'd3-dsv', run: () => d3.csvParseRows(csvText, toNumbers), check: (r) => sameAs('d3-dsv')(checksumRows(r)) },
    {
      name: 'papaparse',
      run: () => Papa.parse(csvText, { dynamicTyping: true, skipEmptyLines: true }).data.slice(1),
      check: (r) => sameAs('papaparse')(checksumRows(r)),
    },
    { name: 'ours loadTensorFile CSV', run: () => core.loadTensorFile(csvBytes, 'bench.csv') },
    { name: 'ours loadTensorFile JSON', run: () => core.loadTensorFile(jsonBytes, 'bench.json') },
    { name: 'decode CSV (utf-8)', run: () => new TextDecoder().decode(csvBytes).length },
    { name: 'decode JSON (utf-8)', run: () => new TextDecoder().decode(jsonBytes).length },
  ];
  const t = interleave(cases, ROUNDS);
  const ms = (name) => t[name][STAT];
  const mbps = (bytes, name) => bytes / MB / (ms(name) / 1000);
  const mnps = (name) => numbers / 1e6 / (ms(name) / 1000);
  const speed = (bytes, name) => ({
    value: Number(mbps(bytes, name).toFixed(1)),
    unit: 'MB/s',
    ms: Number(ms(name).toFixed(1)),
    mnumPerS: Number(mnps(name).toFixed(2)),
  });
  const tag = `[${variant}]`;

  rows.push(
    row({
      name: `${tag} CSV with positions vs JSON.parse, same numbers (Mnum/s)`,
      ours: {
        value: Number(mnps('ours CSV').toFixed(2)),
        unit: 'Mnum/s',
        ms: Number(ms('ours CSV').toFixed(1)),
        mbps: Number(mbps(csvInfo.bytes, 'ours CSV').toFixed(1)),
      },
      peer: {
        name: 'JSON.parse',
        value: Number(mnps('JSON.parse').toFixed(2)),
        unit: 'Mnum/s',
        ms: Number(ms('JSON.parse').toFixed(1)),
        mbps: Number(mbps(jsonInfo.bytes, 'JSON.parse').toFixed(1)),
      },
      ratio: ms('JSON.parse') / ms('ours CSV'),
      target: 1,
    }),
  );
  const uBest = ms('uDSV typedArrs') <= ms('uDSV typedCols') ? 'uDSV typedArrs' : 'uDSV typedCols';
  rows.push(
    row({
      name: `${tag} CSV with positions vs uDSV (MB/s)`,
      ours: speed(csvInfo.bytes, 'ours CSV'),
      peer: { name: `${uBest} (the faster uDSV output)`, ...speed(csvInfo.bytes, uBest) },
      ratio: ms(uBest) / ms('ours CSV'),
      target: 2,
    }),
  );
  rows.push(
    row({
      name: `${tag} CSV with positions vs d3-dsv (MB/s)`,
      ours: speed(csvInfo.bytes, 'ours CSV'),
      peer: { name: 'd3-dsv csvParseRows + Number', ...speed(csvInfo.bytes, 'd3-dsv') },
      ratio: ms('d3-dsv') / ms('ours CSV'),
    }),
  );
  rows.push(
    row({
      name: `${tag} CSV with positions vs papaparse (MB/s)`,
      ours: speed(csvInfo.bytes, 'ours CSV'),
      peer: { name: 'papaparse dynamicTyping', ...speed(csvInfo.bytes, 'papaparse') },
      ratio: ms('papaparse') / ms('ours CSV'),
    }),
  );
  rows.push(
    row({
      name: `${tag} JSON with positions vs JSON.parse (MB/s)`,
      ours: speed(jsonInfo.bytes, 'ours JSON'),
      peer: { name: 'JSON.parse', ...speed(jsonInfo.bytes, 'JSON.parse') },
      ratio: ms('JSON.parse') / ms('ours JSON'),
      target: 0.8,
    }),
  );
  rows.push(
    row({
      name: `${tag} JSON with positions vs JSON.parse + utf-8 decode (MB/s)`,
      ours: speed(jsonInfo.bytes, 'ours JSON'),
      peer: {
        name: 'TextDecoder + JSON.parse',
        value: Number((jsonInfo.bytes / MB / ((ms('JSON.parse') + ms('decode JSON (utf-8)')) / 1000)).toFixed(1)),
        unit: 'MB/s',
      },
      ratio: (ms('JSON.parse') + ms('decode JSON (utf-8)')) / ms('ours JSON'),
      note: 'what a caller holding the bytes pays for JSON.parse',
    }),
  );
  rows.push(
    row({
      name: `${tag} loadTensorFile CSV (parse + roles + dataset) (MB/s)`,
      ours: speed(csvInfo.bytes, 'ours loadTensorFile CSV'),
      note: 'end to end to a dataset',
    }),
  );
  rows.push(
    row({
      name: `${tag} loadTensorFile JSON (parse + roles + dataset) (MB/s)`,
      ours: speed(jsonInfo.bytes, 'ours loadTensorFile JSON'),
      note: 'end to end to a dataset',
    }),
  );
  info.formats[variant].timesMs = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, v.times.map((x) => Number(x.toFixed(1)))]));
}

emit({ section: 'parse', title: `Parse: ${N} × ${K} logits file`, rows, info });

function toNumbers(row, i) {
  if (i === 0) return null; // header
  for (let j = 0; j < row.length; j++) row[j] = +row[j];
  return row;
}

function checksumCsv(data) {
  let s = 0;
  for (let i = 0; i < data.length; i++) s += data[i];
  return s;
}

function checksumRows(rows) {
  let s = 0;
  for (const r of rows) for (let j = 0; j < r.length; j++) s += r[j];
  return s;
}

function checksumPlain(obj) {
  return checksumRows(obj.logits) + obj.labels.reduce((a, b) => a + b, 0);
}

function checksumJsonNode(node) {
  let s = 0;
  for (const e of node.entries) {
    const v = e.value;
    if (v.kind === 'matrix' || v.kind === 'vector') s += checksumCsv(v.data);
  }
  return s;
}
