// Commands whose view does not apply explain themselves, and agree with the panel on which views exist.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VIEW_IDS, type Payload } from '../../../src/shared/protocol';
import { viewUnavailable } from '../../../src/extension/viewAvailability';
import { viewsFor } from '../../../src/webview/state';

test('a view is unavailable exactly when the panel does not offer it for that kind of file', () => {
  for (const task of ['classification', 'regression', 'network'] as const) {
    const offered = viewsFor({ task } as Payload);
    for (const view of VIEW_IDS) assert.equal(viewUnavailable(task, view, 'f.json') === null, offered.includes(view), `${task} / ${view}`);
  }
});

test('the Jacobian of a regression file: says why and what there is instead', () => {
  assert.equal(
    viewUnavailable('regression', 'jacobian', 'regression.json'),
    'Gradient Lens: Show Softmax Jacobian applies to classification files: the softmax Jacobian needs class probabilities; regression.json is a regression file (predictions and targets, mean squared error). For it: Show Loss per Sample, Show Gradients.',
  );
  assert.match(
    viewUnavailable('regression', 'chain', 'regression.json')!,
    /Explain Chain Rule for Sample applies to classification and network files/,
  );
});
