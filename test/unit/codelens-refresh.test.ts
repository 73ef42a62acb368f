// Issue 16, live update: the CodeLens provider does not restart VS Code's own re-request after an
// edit (which made lenses trail the status bar by ~1.4 s); it still refreshes what VS Code cannot see.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LensRefreshRule } from '../../src/extension/codeLensRefresh';

test('an edit’s analysis does not fire; a re-analysis of a version VS Code has lenses for does; disk analyses always do', () => {
  const rule = new LensRefreshRule();
  const a = 'file:///w/a.json';
  assert.equal(rule.shouldFire(a, 1), false, 'first analysis of an opened document: VS Code asks for its lenses anyway');
  rule.served(a, 1);
  assert.equal(rule.shouldFire(a, 2), false, 'the user typed: VS Code asks again for version 2 by itself');
  assert.equal(rule.shouldFire(a, 1), true, 'version 1 analysed again (a setting changed): its lenses are stale');
  rule.served(a, 2);
  assert.equal(rule.shouldFire(a, 2), true);
  assert.equal(rule.shouldFire(a, 3), false);
  assert.equal(rule.shouldFire('file:///w/big.json', undefined), true, 'a file analysed from disk has no version');
  rule.forget(a);
  assert.equal(rule.shouldFire(a, 2), false, 'closed: nothing to refresh');
});
