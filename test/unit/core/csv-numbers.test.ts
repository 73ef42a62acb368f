/**
 * The CSV reader's cells, read straight through when they are plain numbers and by the careful
 * loop otherwise, must hold exactly Number(cell) whatever the style of the cell and its neighbours.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseCsv } from '../../../src/core/csv';

/** A number as exporters write it: shortest repr, %.6g, %.17g, %.18e, integers, -0. */
const numberText = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e30, max: 1e30 }).map(String),
  fc.float({ noNaN: true, noDefaultInfinity: true }).map((f) => String(Math.fround(f))),
  fc.float({ noNaN: true, noDefaultInfinity: true }).map((f) => Math.fround(f).toPrecision(17)),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => x.toExponential(18)),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).map((x) => x.toPrecision(6)),
  fc.integer({ min: -1000, max: 1000 }).map(String),
  fc.constant('-0'),
);

/** The same number in the forms the reader tolerates, with the text Number() should read. */
const cell = fc.tuple(numberText, fc.constantFrom('plain', 'plain', 'plain', 'spaced', 'quoted', 'plus', 'dot')).map(([text, style]) => {
  switch (style) {
    case 'spaced':
      return { cell: ` ${text} `, value: Number(text) };
    case 'quoted':
      return { cell: `"${text}"`, value: Number(text) };
    case 'plus':
      return text.startsWith('-') ? { cell: text, value: Number(text) } : { cell: `+${text}`, value: Number(text) };
    case 'dot': {
      // '0.5' written '.5', '-0.5' written '-.5', '5' written '5.'.
      if (/^-?0\.\d/.test(text)) return { cell: text.replace('0.', '.'), value: Number(text) };
      if (/^-?\d+$/.test(text)) return { cell: `${text}.`, value: Number(text) };
      return { cell: text, value: Number(text) };
    }
    default:
      return { cell: text, value: Number(text) };
  }
});

describe('parseCsv reads every cell as Number() does', () => {
  it('random tables of mixed cell styles, delimiters and line endings', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 6 })
          .chain((width) =>
            fc.tuple(fc.constant(width), fc.array(fc.array(cell, { minLength: width, maxLength: width }), { minLength: 1, maxLength: 8 })),
          ),
        fc.constantFrom(',', ';', '\t'),
        fc.constantFrom('\n', '\r\n', '\r'),
        fc.boolean(),
        ([width, rows], delimiter, eol, finalEol) => {
          const header = Array.from({ length: width }, (_, j) => `logit_${j}`).join(delimiter);
          const lines = rows.map((r) => r.map((c) => c.cell).join(delimiter));
          const text = `${header}${eol}${lines.join(eol)}${finalEol ? eol : ''}`;
          const table = parseCsv(new TextEncoder().encode(text));
          assert.equal(table.rows, rows.length);
          const want = rows.flat().map((c) => c.value);
          assert.equal(table.data.length, want.length);
          for (let k = 0; k < want.length; k++)
            assert.ok(Object.is(table.data[k], want[k]), `cell ${k}: ${rows.flat()[k].cell} read as ${table.data[k]}`);
          // Each row's span is its text, without the line break.
          const bytes = new TextEncoder().encode(text);
          for (let r = 0; r < rows.length; r++) {
            assert.equal(new TextDecoder().decode(bytes.subarray(table.rowSpans[2 * r], table.rowSpans[2 * r + 1])), lines[r]);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('a bad cell after plain ones is reported at its own position', () => {
    const text = 'logit_0,logit_1,label\n1.2345678901234567,2.5,3\n-0.017703920602798462,1.5e,3\n';
    assert.throws(
      () => parseCsv(new TextEncoder().encode(text)),
      (error: Error & { start: number; end: number }) => {
        assert.match(error.message, /"1\.5e" \(sample 1, column "logit_1"\) is not a number/);
        assert.equal(text.slice(error.start, error.end), '1.5e');
        return true;
      },
    );
    // In a column no role reads (here "b"), the same cell is passed over: its value is NaN.
    const other = parseCsv(new TextEncoder().encode(text.replace('logit_1', 'b')));
    assert.deepEqual([...other.data], [1.2345678901234567, 2.5, 3, -0.017703920602798462, NaN, 3]);
  });
});
