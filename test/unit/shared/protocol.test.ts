/** The webview is untrusted: only well-formed protocol messages get through to the host. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseWebviewMessage } from '../../../src/shared/protocol';

describe('parseWebviewMessage', () => {
  it('accepts each message of the protocol, keeping only its known fields', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'ready', extra: 1 }), { type: 'ready' });
    assert.deepEqual(parseWebviewMessage({ type: 'selectSample', index: 3 }), { type: 'selectSample', index: 3 });
    assert.deepEqual(parseWebviewMessage({ type: 'copy', requestId: 1, text: 'a,b' }), { type: 'copy', requestId: 1, text: 'a,b' });
    assert.deepEqual(parseWebviewMessage({ type: 'viewState', view: 'chain', selected: 2 }), {
      type: 'viewState',
      view: 'chain',
      selected: 2,
    });
    assert.deepEqual(parseWebviewMessage({ type: 'log', level: 'warn', message: 'x' }), { type: 'log', level: 'warn', message: 'x' });
    const png = new Uint8Array([137, 80, 78, 71]);
    assert.deepEqual(
      parseWebviewMessage({ type: 'export', requestId: 2, format: 'png', suggestedName: 'jacobian-sample-0.png', data: png }),
      {
        type: 'export',
        requestId: 2,
        format: 'png',
        suggestedName: 'jacobian-sample-0.png',
        data: png,
      },
    );
  });

  it('rejects unknown types, wrong field types, negative or fractional indices', () => {
    for (const bad of [
      null,
      42,
      'ready',
      { type: 'eval', code: '1' },
      { type: 'selectSample', index: -1 },
      { type: 'selectSample', index: 1.5 },
      { type: 'selectSample', index: '3' },
      { type: 'viewState', view: 'nope', selected: 0 },
      { type: 'log', level: 'debug', message: 'x' },
      { type: 'copy', requestId: 1, text: 7 },
    ]) {
      assert.equal(parseWebviewMessage(bad), null, JSON.stringify(bad));
    }
  });

  it('export names cannot climb out of the chosen folder, and PNG must be bytes', () => {
    for (const suggestedName of ['../../etc/passwd', '/abs/path.svg', 'a\\b.svg', 'x/y.csv']) {
      assert.equal(
        parseWebviewMessage({ type: 'export', requestId: 1, format: 'svg', suggestedName, data: '<svg/>' }),
        null,
        suggestedName,
      );
    }
    assert.equal(parseWebviewMessage({ type: 'export', requestId: 1, format: 'png', suggestedName: 'a.png', data: 'not bytes' }), null);
  });

  it('never throws on arbitrary values (property)', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        const parsed = parseWebviewMessage(value);
        return parsed === null || typeof parsed.type === 'string';
      }),
      { numRuns: 2000 },
    );
  });
});
