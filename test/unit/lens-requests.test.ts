// Issue 16, live update: which analyses the CodeLens provider announces. One that a live request of
// VS Code for the same version is waiting for is not (its answer renders it); every other one is.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LensRequests } from '../../src/extension/lensRequests';

const token = () => ({ isCancellationRequested: false });

test('a live, uncancelled request for the same version delivers; anything else is announced', () => {
  const requests = new LensRequests();
  const a = 'file:///w/a.json';
  assert.equal(requests.delivers(a, 2), false, 'no request: the diagnostics’ analysis is announced');
  const t = token();
  const done = requests.begin(a, 2, t);
  assert.equal(requests.delivers(a, 2), true, 'VS Code asked for version 2 and waits for it');
  assert.equal(requests.delivers(a, 1), false, 'another version');
  assert.equal(requests.delivers(a, 3), false, 'another version');
  assert.equal(requests.delivers('file:///w/b.json', 2), false, 'another file');
  assert.equal(requests.delivers(a, undefined), false, 'a file from disk has no request');
  t.isCancellationRequested = true;
  assert.equal(requests.delivers(a, 2), false, 'a cancelled request renders nothing: announce');
  done();
  assert.equal(requests.delivers(a, 2), false);
});

test('two editors on one document: delivered while either request is live; finished requests are forgotten', () => {
  const requests = new LensRequests();
  const a = 'file:///w/a.json';
  const first = token();
  const second = token();
  const doneFirst = requests.begin(a, 5, first);
  const doneSecond = requests.begin(a, 5, second);
  first.isCancellationRequested = true;
  assert.equal(requests.delivers(a, 5), true, 'the second editor’s request still renders it');
  doneSecond();
  assert.equal(requests.delivers(a, 5), false, 'only the cancelled one is left');
  doneFirst();
  const again = requests.begin(a, 5, token());
  assert.equal(requests.delivers(a, 5), true, 'a new request after the others finished');
  again();
  assert.equal(requests.delivers(a, 5), false);
});
