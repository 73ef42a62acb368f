/**
 * A large document with unsaved edits is its saved file plus the edits since (editLog.ts): the
 * edits replayed on the file's text give the text a string rebuilt after each edit gives, and
 * the log hands them out only for the version they lead to, once the file was read as the base.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EditLog, replayEdits, type TextEdit } from '../../../src/extension/editLog';
import { seededUniform } from '../../helpers/seeded';

/** The reference: the whole string rebuilt after each edit. */
function rebuilt(text: string, edits: TextEdit[]): string {
  for (const e of edits) text = text.slice(0, e.rangeOffset) + e.text + text.slice(e.rangeOffset + e.rangeLength);
  return text;
}

const FILE = { path: '/tmp/x.json', byteLength: 10, mtimeMs: 1 };

test('seeded edits of every kind (insert, delete, replace, at either end, surrogate pairs): the rebuilt text', () => {
  const next = seededUniform(14);
  const pick = <T>(xs: T[]) => xs[Math.floor(next() * xs.length)];
  for (let round = 0; round < 400; round++) {
    let text = Array.from({ length: Math.floor(next() * 60) }, () => pick(['1', ',', ' ', '[', ']', '\n', 'é', '🐱'])).join('');
    const original = text;
    const edits: TextEdit[] = [];
    for (let i = 0, count = Math.floor(next() * 30); i < count; i++) {
      const rangeOffset = Math.floor(next() * (text.length + 1));
      const rangeLength = Math.floor(next() * (text.length - rangeOffset + 1) * (next() < 0.5 ? 0 : 1));
      const edit = { rangeOffset, rangeLength, text: pick(['', ' ', '0.5', '\n', '🐶', 'ab\r\n']) };
      edits.push(edit);
      text = rebuilt(text, [edit]);
    }
    assert.equal(replayEdits(original, edits, text.length), text, `round ${round}`);
  }
});

test('a multi-cursor event: changes from the last cursor to the first, each applied on the text the previous left', () => {
  const text = '[1, 2, 3]\n[4, 5, 6]\n';
  // A space typed after each comma at once: VS Code reports the changes last first.
  const commas = [...text.matchAll(/,/g)].map((m) => m.index! + 1).reverse();
  const edits = commas.map((rangeOffset) => ({ rangeOffset, rangeLength: 0, text: ' ' }));
  assert.equal(replayEdits(text, edits, text.length + 4), '[1,  2,  3]\n[4,  5,  6]\n');
});

test('an edit past the end, or a result of another length: null (the text is sent instead)', () => {
  assert.equal(replayEdits('abc', [{ rangeOffset: 2, rangeLength: 2, text: '' }], 1), null);
  assert.equal(replayEdits('abc', [{ rangeOffset: 4, rangeLength: 0, text: 'x' }], 4), null);
  assert.equal(replayEdits('abc', [{ rangeOffset: 3, rangeLength: 0, text: 'x' }], 5), null);
  assert.equal(replayEdits('abc', [{ rangeOffset: 3, rangeLength: 0, text: 'x' }], 4), 'abcx');
  assert.equal(replayEdits('', [], 0), '');
});

test('the log gives the edits for the version they lead to, once the file was read as the base', () => {
  const log = new EditLog();
  const uri = 'file:///tmp/x.json';
  log.record(uri, 2, [{ rangeOffset: 0, rangeLength: 0, text: ' ' }]);
  assert.equal(log.edited(uri, 2, 11), null, 'no base: nothing recorded');

  log.begin(uri, 1);
  assert.equal(log.edited(uri, 1, 10), null, 'the file not read yet');
  const space = { rangeOffset: 3, rangeLength: 0, text: ' ' };
  log.record(uri, 2, [space]);
  assert.equal(log.edited(uri, 2, 11), null, 'the file is not yet known to be version 1');
  log.confirm(uri, 7, FILE, 10);
  assert.equal(log.edited(uri, 2, 11), null, 'a file read for another version is no base');
  log.confirm(uri, 1, FILE, 10);
  assert.deepEqual(log.edited(uri, 2, 11), { file: FILE, edits: [space], units: 11 });
  assert.equal(log.edited(uri, 3, 11), null, 'a version whose edits were not all seen');

  log.record(uri, 2, []); // a change event without changes (the dirty state only)
  const cut = { rangeOffset: 0, rangeLength: 2, text: '' };
  log.record(uri, 3, [cut]);
  const edited = log.edited(uri, 3, 9)!;
  assert.deepEqual(edited.edits, [space, cut]);
  edited.edits.length = 0;
  assert.equal(log.edited(uri, 3, 9)!.edits.length, 2, 'the caller gets a copy');
  assert.deepEqual(log.edited(uri, 2, 11)!.edits, [space], 'an older version: the edits up to it');
  assert.deepEqual(log.edited(uri, 1, 10)!.edits, [], 'the base itself: its file as it is');
  assert.equal(log.edited(uri, 0, 10), null, 'before the base');

  log.distrust(uri, { ...FILE }); // another file's failure: this base stands
  assert.ok(log.edited(uri, 3, 9));
  log.distrust(uri, edited.file); // the file changed under the edits
  assert.equal(log.edited(uri, 3, 9), null);
  log.record(uri, 4, [space]);
  assert.equal(log.awaitsSave(uri, 4), true, 'still recorded: a save of version 4 gives it a base');
  assert.equal(log.awaitsSave(uri, 3), true);
  log.saved(uri, 4, FILE, 10);
  assert.equal(log.awaitsSave(uri, 4), false, 'saved');
  assert.equal(log.awaitsSave(uri, 3), false, 'an older save gives no newer base');
  assert.deepEqual(log.edited(uri, 4, 10)!.edits, [], 'the saved version: its file as it is');
  log.record(uri, 5, [cut]);
  assert.deepEqual(log.edited(uri, 5, 8)!.edits, [cut]);
  log.saved(uri, 3, { ...FILE, mtimeMs: 9 }, 9);
  assert.equal(log.edited(uri, 5, 8)!.file, FILE, 'an older version saved late: the newer base stands');

  log.forget(uri);
  log.confirm(uri, 5, FILE, 8);
  log.record(uri, 6, [space]);
  assert.equal(log.edited(uri, 6, 9), null, 'forgotten');
  assert.equal(log.awaitsSave(uri, 6), false, 'a save of a document whose edits are not recorded starts nothing');
  log.saved(uri, 6, FILE, 9);
  assert.equal(log.edited(uri, 6, 9), null);
});

test('a save the user typed past: its file is the base, the edits since stay; found by its size when its event came too late', () => {
  const log = new EditLog();
  const uri = 'file:///tmp/z.csv';
  const typed = (version: number, text: string, at = 0) => log.record(uri, version, [{ rangeOffset: at, rangeLength: 0, text }]);
  const file = (byteLength: number, mtimeMs: number) => ({ path: '/tmp/z.csv', byteLength, mtimeMs });
  const v1 = file(10, 1);
  log.begin(uri, 1);
  log.confirm(uri, 1, v1, 10);
  typed(2, 'x');
  typed(3, 'y');
  typed(4, 'z');
  // The save's event says version 2 (the user typed 3 and 4 since).
  const v2 = file(11, 2);
  log.saved(uri, 2, v2, 11);
  assert.deepEqual(log.edited(uri, 4, 13), {
    file: v2,
    edits: [
      { rangeOffset: 0, rangeLength: 0, text: 'y' },
      { rangeOffset: 0, rangeLength: 0, text: 'z' },
    ],
    units: 13,
  });

  // Then the file is written again, with version 3, and no event says so yet.
  const v3 = file(12, 3);
  assert.equal(log.resync(uri, v2, v3), false, 'no save announced: another program wrote it');
  assert.equal(log.announcedSave(uri), false);
  log.willSave(uri);
  assert.equal(log.announcedSave(uri), true);
  assert.equal(log.resync(uri, v1, v3), false, 'not the file of the base');
  assert.equal(log.resync(uri, v2, { ...v2 }), false, 'not written since');
  assert.equal(log.resync(uri, v2, file(14, 3)), false, 'no version of its size');
  assert.equal(log.resync(uri, v2, v3), true);
  assert.deepEqual(log.edited(uri, 4, 13), { file: v3, edits: [{ rangeOffset: 0, rangeLength: 0, text: 'z' }], units: 13 });
  assert.equal(log.edited(uri, 2, 11), null, 'before the new base');
  assert.equal(log.announcedSave(uri), false, 'a resync ends the announced save');
  assert.equal(log.resync(uri, v3, file(13, 4)), false);

  // Two versions of the size: no base (the text is sent), as when a version is not all ASCII.
  log.willSave(uri);
  log.record(uri, 5, [{ rangeOffset: 0, rangeLength: 1, text: '' }]);
  typed(6, 'w');
  assert.equal(log.resync(uri, v3, file(13, 5)), false, 'versions 4 and 6 are both 13 long');
  // An event of several edits is one version: its first edit alone gives no text of the file.
  log.record(uri, 7, [
    { rangeOffset: 0, rangeLength: 0, text: 'a' },
    { rangeOffset: 0, rangeLength: 0, text: 'b' },
  ]);
  assert.equal(log.resync(uri, v3, file(14, 5)), false, 'no version is 14 long');
  assert.equal(log.resync(uri, v3, file(15, 5)), true, 'version 7');
  log.willSave(uri);
  typed(8, 'é');
  assert.equal(log.resync(uri, file(15, 5), file(16, 6)), false, 'é is 2 bytes in UTF-8: sizes are no lengths');

  // A base that is not ASCII: the same.
  log.begin(uri, 1);
  log.confirm(uri, 1, file(12, 1), 10);
  log.willSave(uri);
  typed(2, 'x');
  assert.equal(log.resync(uri, file(12, 1), file(13, 2)), false);
});

test('past 2,000 edits, or 2²⁰ characters typed, the log stops: the text is sent until the file is read again', () => {
  const log = new EditLog();
  const uri = 'file:///tmp/y.json';
  log.begin(uri, 1);
  log.confirm(uri, 1, FILE, 10);
  for (let v = 2; v <= 2001; v++) log.record(uri, v, [{ rangeOffset: 0, rangeLength: 0, text: 'x' }]);
  assert.equal(log.edited(uri, 2001, 2010)?.edits.length, 2000);
  log.record(uri, 2002, [{ rangeOffset: 0, rangeLength: 0, text: 'x' }]);
  assert.equal(log.edited(uri, 2002, 2011), null);

  log.begin(uri, 1);
  log.confirm(uri, 1, FILE, 10);
  log.record(uri, 2, [{ rangeOffset: 0, rangeLength: 0, text: 'x'.repeat(1 << 20) }]);
  assert.ok(log.edited(uri, 2, 10 + (1 << 20)));
  log.record(uri, 3, [{ rangeOffset: 0, rangeLength: 0, text: 'x' }]);
  assert.equal(log.edited(uri, 3, 11 + (1 << 20)), null);
});
