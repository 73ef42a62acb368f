import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tableToCsv, tableToJson } from '../../../src/webview/export';

const table = {
  name: 't',
  columns: ['class', 'name, quoted', 'v'],
  rows: [[0, 'cat "big"', 0.1 + 0.2] as (string | number)[], [1, 'dog', -Infinity]],
};

test('CSV quotes what needs quoting and keeps every digit of a double', () => {
  assert.equal(tableToCsv(table), 'class,"name, quoted",v\n0,"cat ""big""",0.30000000000000004\n1,dog,-Infinity\n');
  assert.equal(tableToCsv({ ...table, rows: [], note: 'first 0 rows' }), '# first 0 rows\nclass,"name, quoted",v\n');
});

test('JSON gives one object per row; values JSON cannot hold become strings', () => {
  const parsed = JSON.parse(tableToJson(table));
  assert.deepEqual(parsed.columns, table.columns);
  assert.deepEqual(parsed.rows, [
    { class: 0, 'name, quoted': 'cat "big"', v: 0.30000000000000004 },
    { class: 1, 'name, quoted': 'dog', v: '-Infinity' },
  ]);
  assert.equal(parsed.rows[0].v, 0.1 + 0.2, 'round-trips exactly');
});
