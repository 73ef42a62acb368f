/** The NumPy viewer is untrusted too: only well-formed messages of its protocol reach the host. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { NPY_COMMANDS, NPY_MAX_REQUEST_COLS, NPY_MAX_REQUEST_ROWS, parseNpyViewerMessage } from '../../../src/shared/protocol';

const rows = { type: 'npyRows', requestId: 7, array: 1, row0: 100, row1: 164, col0: 0, col1: 32 };

describe('parseNpyViewerMessage', () => {
  it('accepts each message of the viewer, keeping only its known fields', () => {
    assert.deepEqual(parseNpyViewerMessage({ type: 'ready', x: 1 }), { type: 'ready' });
    assert.deepEqual(parseNpyViewerMessage({ type: 'retry', x: 1 }), { type: 'retry' });
    assert.deepEqual(parseNpyViewerMessage({ type: 'log', level: 'info', message: 'm' }), { type: 'log', level: 'info', message: 'm' });
    for (const command of NPY_COMMANDS) assert.deepEqual(parseNpyViewerMessage({ type: 'run', command, x: 1 }), { type: 'run', command });
    assert.deepEqual(parseNpyViewerMessage({ ...rows, extra: 'x' }), rows);
    const index = [0, 2, 0, 0];
    const slice = parseNpyViewerMessage({ type: 'npySlice', array: 0, rowAxis: 0, colAxis: 3, index });
    assert.deepEqual(slice, { type: 'npySlice', array: 0, rowAxis: 0, colAxis: 3, index });
    assert.notEqual((slice as { index: number[] }).index, index, 'the index is copied, not kept');
  });

  it('refuses commands outside the fixed list and messages of the panel', () => {
    for (const command of ['workbench.action.terminal.new', 'gradientLens.analyzeFile ', '', 3, null])
      assert.equal(parseNpyViewerMessage({ type: 'run', command }), null);
    for (const type of ['selectSample', 'export', 'copy', 'viewState', 'openStep', 'slice', 'npyShow'])
      assert.equal(parseNpyViewerMessage({ type, index: 0, requestId: 1, text: 'x', array: 0, rowAxis: 0, colAxis: 1, values: [] }), null);
    assert.equal(parseNpyViewerMessage(null), null);
    assert.equal(parseNpyViewerMessage('ready'), null);
    assert.equal(parseNpyViewerMessage({ type: 'log', level: 'fatal', message: 'm' }), null);
  });

  it('refuses row requests that are not index ranges, run backwards or ask for more than a bounded block', () => {
    const bad: Record<string, unknown>[] = [
      { row0: -1 },
      { row0: 1.5 },
      { row1: '164' },
      { row0: 200, row1: 100 },
      { col0: 40, col1: 32 },
      { row0: 0, row1: NPY_MAX_REQUEST_ROWS + 1 },
      { col0: 0, col1: NPY_MAX_REQUEST_COLS + 1 },
      { array: NaN },
      { requestId: 2 ** 31 },
      { requestId: undefined },
    ];
    for (const change of bad) assert.equal(parseNpyViewerMessage({ ...rows, ...change }), null, JSON.stringify(change));
    assert.ok(parseNpyViewerMessage({ ...rows, row0: 0, row1: NPY_MAX_REQUEST_ROWS }));
    assert.ok(parseNpyViewerMessage({ ...rows, row0: 5, row1: 5 }), 'an empty range is a valid question');
  });

  it('refuses slice requests with a non-integer axis or index, or an index longer than any NumPy rank', () => {
    const ok = { type: 'npySlice', array: 0, rowAxis: 0, colAxis: 1, index: [0, 0] };
    assert.ok(parseNpyViewerMessage(ok));
    for (const change of [{ rowAxis: -1 }, { colAxis: 0.5 }, { index: [0, -1] }, { index: 'x' }, { index: new Array(65).fill(0) }])
      assert.equal(parseNpyViewerMessage({ ...ok, ...change }), null, JSON.stringify(change));
  });

  it('never throws and returns either null or a message of the protocol, whatever the page sends', () => {
    const types = new Set(['ready', 'log', 'run', 'retry', 'npyRows', 'npySlice']);
    fc.assert(
      fc.property(
        fc.oneof(fc.anything(), fc.record({ type: fc.constantFrom(...types, 'x'), requestId: fc.anything(), array: fc.anything() })),
        (v) => {
          const m = parseNpyViewerMessage(v);
          return m === null || types.has(m.type);
        },
      ),
      { seed: 14, numRuns: 2000 },
    );
  });
});
