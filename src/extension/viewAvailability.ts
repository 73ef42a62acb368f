/**
 * Which panel views a kind of file has, and the sentence a command says instead of doing nothing
 * when its view does not apply (the softmax Jacobian of a regression file, say).
 */
import type { ViewId } from '../shared/protocol';

type Task = 'classification' | 'regression' | 'network';

const VIEWS: Record<Task, readonly ViewId[]> = {
  classification: ['jacobian', 'gradient', 'matrix', 'losses', 'chain'],
  regression: ['losses', 'gradient'],
  network: ['network', 'chain', 'losses'],
};

const WHAT: Record<ViewId, string> = {
  jacobian: 'Show Softmax Jacobian',
  gradient: 'Show Gradients',
  matrix: 'the batch gradient',
  losses: 'Show Loss per Sample',
  chain: 'Explain Chain Rule for Sample',
  network: 'the weight gradients',
  own: "Yours vs exact (the file's own derivatives)",
  finite: 'the per-entry finite-difference check',
};

const KIND: Record<Task, string> = {
  classification: 'a classification file (logits or probabilities with labels or targets)',
  regression: 'a regression file (predictions and targets, mean squared error)',
  network: 'a network file',
};

const NEEDS: Partial<Record<ViewId, string>> = {
  jacobian: 'classification files: the softmax Jacobian needs class probabilities',
  chain: 'classification and network files',
  gradient: 'classification and regression files',
  matrix: 'classification files',
  network: 'network files',
  finite: 'network files of at most 5,000 parameters',
};

/** null when `view` applies to a file of this task, else why not and what there is instead. */
export function viewUnavailable(task: Task, view: ViewId, fileName: string): string | null {
  if (VIEWS[task].includes(view)) return null;
  const offered = VIEWS[task].map((v) => WHAT[v]).join(', ');
  return `Gradient Lens: ${WHAT[view]} applies to ${NEEDS[view] ?? 'other files'}; ${fileName} is ${KIND[task]}. For it: ${offered}.`;
}
