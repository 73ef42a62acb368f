// The readers' primer (src/core/readerPrimer.ts): its document must go all the way through every
// reader it is meant to warm (a reader that refused it at the first byte would warm nothing), and
// what they make of it must be the softmax cross-entropy of its rows, computed here from JSON.parse.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PRIMER_BLOCK_ROWS, PRIMER_ROWS, primerDocument, primerReads } from '../../../src/core/readerPrimer';
import { withSmallBlocks } from '../../../src/core/summaryRows';

const { json, jsonLabelsFirst, csv, logits, labels } = primerDocument();
const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');

/** Each row's loss, log Σ e^z − z[label] (log-sum-exp from the max), and whether argmax z is the label. */
const reference = (JSON.parse(text(json)).logits as number[][]).map((z, i) => {
  const max = Math.max(...z);
  const loss = max + Math.log(z.reduce((s, v) => s + Math.exp(v - max), 0)) - z[labels[i]];
  return { loss, hit: z.indexOf(max) === labels[i] };
});

function close(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= 1e-13 * Math.max(1, Math.abs(expected)), `${what}: ${actual} vs ${expected}`);
}

describe('readerPrimer: every reader takes its document whole', () => {
  it('the document holds the forms that cost a deopt when first met late', () => {
    const numbers = logits.flat();
    assert.ok(numbers.some((v) => /[eE]-/.test(v)) && numbers.some((v) => /[eE]\+/.test(v)), 'exponents of both signs');
    assert.ok(
      numbers.some((v) => /\.\d{9,16}$/.test(v)),
      'a fraction of 9 to 16 digits (the 8-digit step goes round again)',
    );
    assert.ok(
      numbers.some((v) => /\.\d{17,}$/.test(v)),
      'a fraction of 17 or more digits',
    );
    assert.ok(
      numbers.some((v) => v.replace(/[-.]/g, '').length > 19),
      'more digits than are kept (parseFloat)',
    );
    assert.deepEqual(JSON.parse(text(json)).labels, labels);
    assert.deepEqual(JSON.parse(text(jsonLabelsFirst)), JSON.parse(text(json)));
    const csvRows = text(csv).trimEnd().split('\n');
    assert.equal(csvRows.length, PRIMER_ROWS + 1);
    assert.deepEqual(
      csvRows.slice(1).map((row) => row.split(',').slice(0, -1)),
      logits,
    );
  });

  it('each read ends with the rows it was given, their losses and hits as computed from the formula', () => {
    // As primeTextReaders reads (blocks of a few rows, flushed inside the read) and with full-size blocks.
    const reads = [...withSmallBlocks(PRIMER_BLOCK_ROWS, primerReads), ...primerReads()];
    assert.equal(reads.length, 22);
    for (const { read, summer, target } of reads) {
      assert.ok(summer, `${read}: the reader refused the document`);
      const first = /last part/.test(read) ? 3 : 0;
      const rows = reference.slice(first, /first part/.test(read) ? 3 : PRIMER_ROWS);
      assert.equal(summer.n, rows.length, read);
      assert.equal(summer.hits, rows.filter((r) => r.hit).length, read);
      close(
        summer.total,
        rows.reduce((s, r) => s + r.loss, 0),
        `${read}: total`,
      );
      if (/kept/.test(read)) rows.forEach((r, i) => close(summer.kept!.losses[i], r.loss, `${read}: row ${first + i}`));
      if (target) rows.forEach((r, i) => close(target.losses[first + i], r.loss, `${read}: row ${first + i} in the arrays`));
    }
  });

  it('the extension-style reads fill every row of their arrays, spans at the rows in the file', () => {
    const reads = primerReads().filter((r) => r.target);
    assert.equal(reads.length, 4);
    for (const { read, target } of reads) {
      const bytes = read.startsWith('JSON') ? json : csv;
      for (let i = 0; i < PRIMER_ROWS; i++) {
        assert.equal(target!.labels[i], labels[i], `${read}: label ${i}`);
        const row = text(bytes.subarray(target!.spans[2 * i], target!.spans[2 * i + 1]));
        assert.ok(
          row.includes(logits[i].join(read.startsWith('JSON') ? ', ' : ',')),
          `${read}: span of row ${i} is ${JSON.stringify(row)}`,
        );
      }
    }
  });
});
