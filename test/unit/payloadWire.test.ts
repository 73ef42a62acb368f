// The host → webview payload in its wire form (src/shared/payloadWire.ts): what the webview
// assembles must be, value for value, the analysis the host computed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runPipeline } from '../../src/core/pipeline';
import type { FileAnalysis } from '../../src/extension/analysisService';
import { payloadOf } from '../../src/extension/payload';
import { CHUNK_ELEMENTS, PayloadAssembler, toWire, type ChunkMessage, type WireToWebview } from '../../src/shared/payloadWire';
import type { ClassificationPayload, ShowMessage, ToWebview } from '../../src/shared/protocol';

/** A deterministic n × k classification file (logits or probabilities, labels or soft targets). */
function file(n: number, k: number, input: 'logits' | 'probabilities', targets: 'labels' | 'soft'): FileAnalysis {
  let seed = 99;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296;
  const rows: number[][] = [];
  const ys: (number | number[])[] = [];
  for (let i = 0; i < n; i++) {
    const z = Array.from({ length: k }, () => 8 * next() - 4);
    if (input === 'logits') rows.push(z);
    else {
      const e = z.map(Math.exp);
      const s = e.reduce((a, b) => a + b, 0);
      rows.push(e.map((v) => v / s));
    }
    if (targets === 'labels') ys.push(Math.floor(next() * k));
    else {
      const t = Array.from({ length: k }, () => next());
      const s = t.reduce((a, b) => a + b, 0);
      ys.push(t.map((v) => v / s));
    }
  }
  const json = JSON.stringify({ [input]: rows, [targets === 'labels' ? 'labels' : 'targets']: ys });
  const result = runPipeline(new TextEncoder().encode(json), 'batch.json', { sumTolerance: 1e-6 });
  assert.ok(result.analysis, JSON.stringify(result.problems.slice(0, 2)));
  return { ...result, fileName: 'batch.json' } as unknown as FileAnalysis;
}

function send(f: FileAnalysis, id: number): { messages: WireToWebview[]; bytes: number } {
  const payload = payloadOf(f)!;
  const { show, chunks } = toWire({ type: 'show', payload, selected: 3 }, id);
  const messages: WireToWebview[] = [show, ...chunks()];
  let bytes = 0;
  for (const m of messages) {
    const values = m.type === 'chunk' ? [m.data] : m.type === 'show' ? Object.values(m.payload) : [];
    for (const v of values) if (ArrayBuffer.isView(v)) bytes += v.byteLength;
  }
  return { messages, bytes };
}

function assertSame(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++)
    if (!Object.is(actual[i], expected[i])) assert.fail(`${what}[${i}] = ${actual[i]}, the host has ${expected[i]}`);
}

function assembled(messages: WireToWebview[]): ToWebview[] {
  const assembler = new PayloadAssembler();
  return messages.flatMap((m) => assembler.accept(m));
}

describe('payload wire form', () => {
  for (const [input, targets] of [
    ['logits', 'labels'],
    ['logits', 'soft'],
    ['probabilities', 'labels'],
    ['probabilities', 'soft'],
  ] as const) {
    it(`${input} with ${targets}: the assembled payload equals the host's analysis bit for bit`, () => {
      const n = 700;
      const k = 1000; // 700,000 > CHUNK_ELEMENTS: p (and dense arrays) arrive in chunks
      assert.ok(n * k > CHUNK_ELEMENTS);
      const f = file(n, k, input, targets);
      const a = f.analysis!;
      assert.equal(a.task, 'classification');
      if (a.task !== 'classification') return;
      const { messages, bytes } = send(f, 1);
      assert.ok(messages.filter((m) => m.type === 'chunk').length >= 2);
      const out = assembled(messages);
      assert.equal(out.length, 1);
      const show = out[0] as ShowMessage;
      assert.equal(show.type, 'show');
      assert.equal(show.selected, 3);
      const p = show.payload as ClassificationPayload;
      assertSame(p.probabilities, a.probabilities, 'probabilities');
      assertSame(p.targets, a.targets, 'targets');
      assertSame(p.logitGradient, a.logitGradient, 'logitGradient');
      assertSame(p.gradient, a.gradient, 'gradient');
      assertSame(p.losses, a.losses, 'losses');
      assertSame(p.predicted, a.predicted, 'predicted');
      assertSame(p.actual, a.actual, 'actual');
      assertSame(p.pTrue, a.pTrue, 'pTrue');
      assert.equal(p.loss, a.loss);
      // What travels: p, plus the targets only when they are not labels, plus ∂L/∂p for probabilities.
      const dense = n * k * 8;
      const expected = dense * (1 + (targets === 'soft' ? 1 : 0) + (input === 'probabilities' ? 1 : 0));
      assert.ok(bytes >= expected && bytes < expected + 64 * n, `${bytes} bytes sent, expected about ${expected}`);
    });
  }

  it('messages that arrive while a show is incomplete follow it, in order; a newer show drops the older one', () => {
    const f = file(600, 1000, 'logits', 'labels');
    const first = send(f, 1).messages;
    const second = send(f, 2).messages;
    const select: ToWebview = { type: 'select', index: 5 };
    const ack: ToWebview = { type: 'ack', requestId: 1, ok: true, message: 'ok' };
    // The first show, half its chunks, then the second show replaces it; the first's remaining
    // chunks arrive late and are ignored; a select and an ack wait behind the second.
    const half = 1 + Math.floor((first.length - 1) / 2);
    const order: WireToWebview[] = [...first.slice(0, half), second[0], select, ...first.slice(half), second[1], ack, ...second.slice(2)];
    const out = assembled(order);
    assert.deepEqual(
      out.map((m) => m.type),
      ['show', 'select', 'ack'],
    );
    assertSame((out[0] as ShowMessage).payload.losses, f.analysis!.losses, 'losses');
    assert.equal((out[1] as { index: number }).index, 5);
  });

  it('a chunk that does not fit its array is ignored rather than written out of bounds', () => {
    const f = file(600, 1000, 'logits', 'labels');
    const [show, ...chunks] = send(f, 7).messages;
    const assembler = new PayloadAssembler();
    assert.deepEqual(assembler.accept(show), []);
    const bad: ChunkMessage = { ...(chunks[0] as ChunkMessage), offset: 600 * 1000 - 10 };
    assert.deepEqual(assembler.accept(bad), []);
    const wrongType: ChunkMessage = { ...(chunks[0] as ChunkMessage), data: new Int32Array(4) };
    assert.deepEqual(assembler.accept(wrongType), []);
    const out = chunks.flatMap((c) => assembler.accept(c));
    assert.equal(out.length, 1);
    assertSame(
      (out[0] as ShowMessage).payload.task === 'classification'
        ? ((out[0] as ShowMessage).payload as ClassificationPayload).probabilities
        : [],
      (f.analysis as { probabilities: Float64Array }).probabilities,
      'probabilities',
    );
  });

  it('a payload posted whole (no transfer) passes through unchanged', () => {
    const f = file(4, 3, 'logits', 'soft');
    const a = f.analysis as unknown as ClassificationPayload;
    const whole: ShowMessage = { type: 'show', selected: 0, payload: { ...a, fileName: 'x.json', classes: null } as ClassificationPayload };
    const out = assembled([whole]);
    assert.equal((out[0] as ShowMessage).payload, whole.payload);
  });
});
