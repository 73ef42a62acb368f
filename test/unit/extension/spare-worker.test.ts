/**
 * The file worker booted ahead of the next analysis (spareWorker.ts): taken when it is alive and
 * connected the same way, never two kept, none after drop or dispose. Workers here are real
 * threads (an idle script), counted as they start and stop.
 */
import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { afterEach, test } from 'node:test';
import { SpareWorker, type SpareCandidate } from '../../../src/extension/spareWorker';

class IdleThread implements SpareCandidate {
  static running = new Set<IdleThread>();
  private readonly worker = new Worker('setInterval(() => {}, 1000)', { eval: true });
  alive = true;
  constructor(readonly parts: boolean) {
    IdleThread.running.add(this);
    this.worker.on('exit', () => (this.alive = false));
  }
  dispose(): void {
    this.alive = false;
    IdleThread.running.delete(this);
    void this.worker.terminate();
  }
}

const started: IdleThread[] = [];
const spares = () =>
  new SpareWorker((parts) => {
    const thread = new IdleThread(parts);
    started.push(thread);
    return thread;
  });

/** What is kept now (a call: the type checker does not carry an earlier assertion over an await). */
const kept = (s: SpareWorker<IdleThread>) => s.kept;

/** Restocks, lets the turn pass, and gives the spare then kept. */
async function restocked(s: SpareWorker<IdleThread>, parts: boolean): Promise<IdleThread> {
  s.restock(parts);
  await nextTurn();
  return s.kept!;
}

afterEach(() => {
  for (const thread of IdleThread.running) thread.dispose();
  started.length = 0;
});

test('the first worker is new; after a restock the next is the one booted then', async () => {
  const s = spares();
  const first = s.take(true);
  assert.equal(started.length, 1);
  s.restock(true);
  assert.equal(kept(s), null, 'started after this turn, not during it');
  await nextTurn();
  const spare = kept(s);
  assert.ok(spare && spare !== first && spare.alive && spare.parts);
  assert.equal(s.take(true), spare);
  assert.equal(s.kept, null, 'taken, so no longer kept');
  assert.equal(started.length, 2, 'no third worker');
  s.dispose();
});

test('restocks in one turn, or with a spare kept, start one worker only', async () => {
  const s = spares();
  s.restock(false);
  s.restock(false);
  await nextTurn();
  s.restock(false);
  await nextTurn();
  assert.equal(started.length, 1);
  assert.equal(IdleThread.running.size, 1);
  s.dispose();
});

test('a spare connected another way, or one that exited, is stopped and a new worker started', async () => {
  const s = spares();
  const unconnected = await restocked(s, false);
  const taken = s.take(true);
  assert.notEqual(taken, unconnected);
  assert.ok(taken.parts);
  assert.equal(unconnected.alive, false, 'the mismatched spare is stopped');

  const dying = await restocked(s, true);
  dying.dispose(); // as a thread that exited
  const next = s.take(true);
  assert.notEqual(next, dying);
  assert.ok(next.alive);
  assert.deepEqual([...IdleThread.running], [taken, next]);
  s.dispose();
});

test('a restock for another connection replaces the spare; drop stops it and a pending restock', async () => {
  const s = spares();
  const old = await restocked(s, false);
  assert.equal((await restocked(s, true)).parts, true);
  assert.equal(old.alive, false);
  s.drop();
  assert.equal(s.kept, null);
  assert.equal(IdleThread.running.size, 0);

  s.restock(true);
  s.drop(); // before its turn
  await nextTurn();
  assert.equal(s.kept, null, 'the pending restock did not run');
  assert.ok(await restocked(s, true), 'a restock after drop starts one again');
  s.dispose();
  s.restock(true);
  await nextTurn();
  assert.equal(s.kept, null);
  assert.equal(IdleThread.running.size, 0, 'none after dispose');
});
