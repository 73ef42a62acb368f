/**
 * `analyze` of a JSON Lines file (one object per sample, `.jsonl`) gives what the same records as
 * one JSON array give, and what the object layout of the same rows gives, whole or in pieces; with
 * an "id" in each record the full reader reads it, without one the records stream (recordStream.ts).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { partsFormat } from '../../../src/node/summaryParts';
import { cliWithChunks, pieces } from '../../helpers/cli';
import { jsonOf, seededLogitRows } from '../../helpers/logitFiles';

const dir = mkdtempSync(join(tmpdir(), 'gl-jsonl-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a .jsonl of records: the output of the same records as a JSON array, and of the object layout', () => {
  const rows = seededLogitRows(60, 5, 31);
  const records = rows.logits.map((r, i) => `{"id": "s${i}", "logits": [${r.join(', ')}], "label": ${rows.labels[i]}}`);
  const plain = records.map((r) => r.replace(/"id": "s\d+", /, ''));
  const files = {
    'preds.jsonl': records.join('\n') + '\n',
    'preds.json': `[${records.join(',\n')}]\n`,
    'plain.jsonl': plain.join('\n') + '\n',
    'plain.json': `[${plain.join(',\n')}]\n`,
    'columns.json': jsonOf(rows),
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  assert.equal(partsFormat('preds.jsonl'), 'jsonl');
  assert.equal(partsFormat('preds.NDJSON'), 'jsonl');
  for (const flags of [['--json', '--summary'], ['--json'], ['--summary', '--reduction', 'sum']]) {
    const out = (name: string, chunks: number | null) =>
      cliWithChunks(['analyze', join(dir, name), ...flags], chunks === null ? null : pieces(chunks));
    const lines = out('preds.jsonl', null);
    assert.equal(lines.status, 0, lines.stderr);
    for (const [other, chunks] of [
      ['preds.jsonl', 7],
      ['preds.json', null],
      ['plain.jsonl', null],
      ['plain.jsonl', 7],
      ['plain.json', null],
      ['columns.json', null],
    ] as const) {
      const that = out(other, chunks);
      const strip = (s: string) => s.split(join(dir, 'preds.jsonl')).join('X').split(join(dir, other)).join('X');
      assert.equal(strip(that.stdout), strip(lines.stdout), `${other} ${flags.join(' ')}`);
      assert.equal(that.status, 0);
    }
  }
});
