/**
 * When a large open document is read by its worker from its file instead of being sent as text
 * (savedFileInput.ts): only when the file holds exactly the document's UTF-8 bytes, as far as a
 * saved document and the file's size can tell. Real files, written in a temp folder.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { savedFileInput, type DocumentFacts } from '../../../src/extension/savedFileInput';

const dir = mkdtempSync(join(tmpdir(), 'gl-saved-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const statOf = async (path: string) => statSync(path);
const TEXT = '{"logits": [[1.5, -0.25, 3e-05]], "labels": [0], "classes": ["café", "🐈", "dog"]}\n';

function saved(name: string, bytes: Uint8Array | string, facts: Partial<DocumentFacts> = {}): DocumentFacts {
  const fsPath = join(dir, name);
  writeFileSync(fsPath, bytes);
  return { isDirty: false, uri: { scheme: 'file', fsPath }, ...facts };
}

test('a saved local document whose file holds its text in UTF-8 is read from the file', async () => {
  const document = saved('same.json', TEXT);
  const bytes = new TextEncoder().encode(TEXT).length;
  assert.ok(bytes > TEXT.length, 'the text has characters of several UTF-8 bytes');
  assert.deepEqual(await savedFileInput(document, TEXT, statOf), {
    path: document.uri.fsPath,
    byteLength: bytes,
    mtimeMs: statSync(document.uri.fsPath).mtimeMs,
  });
});

test('unsaved edits, another scheme, or a file that is not there: the text is sent', async () => {
  const asked: string[] = [];
  const spy = async (path: string) => (asked.push(path), statOf(path));
  assert.equal(await savedFileInput(saved('dirty.json', TEXT, { isDirty: true }), TEXT, spy), null);
  assert.equal(
    await savedFileInput(saved('remote.json', TEXT, { uri: { scheme: 'vscode-remote', fsPath: join(dir, 'remote.json') } }), TEXT, spy),
    null,
  );
  assert.deepEqual(asked, [], 'no file looked at for either');
  const gone = { isDirty: false, uri: { scheme: 'file', fsPath: join(dir, 'gone.json') } };
  assert.equal(await savedFileInput(gone, TEXT, statOf), null);
});

test('a file whose bytes are not the text in UTF-8 (BOM, another encoding, changed on disk): the text is sent', async () => {
  const utf8 = new TextEncoder().encode(TEXT);
  // VS Code drops a UTF-8 byte-order mark from the text: the file is 3 bytes longer.
  const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8]);
  assert.equal(await savedFileInput(saved('bom.json', bom), TEXT, statOf), null);
  // UTF-16 LE, as VS Code decodes it: the same text, twice the bytes and more.
  assert.equal(await savedFileInput(saved('utf16.json', Buffer.from(`\ufeff${TEXT}`, 'utf16le')), TEXT, statOf), null);
  // Latin-1: "café" is one byte shorter than in UTF-8 (and the cat is not there at all).
  const latin1Text = TEXT.replace('🐈', 'cat');
  assert.equal(await savedFileInput(saved('latin1.json', Buffer.from(latin1Text, 'latin1')), latin1Text, statOf), null);
  // The file rewritten with another number since VS Code read it.
  assert.equal(await savedFileInput(saved('changed.json', TEXT.replace('1.5', '1.25')), TEXT, statOf), null);
});
