/**
 * Located tensors → a dataset: decides the task from the roles present (or the loss the file or
 * the user named) and hands over to the builder that checks every value that loss depends on.
 */
import type { Dataset } from './dataset';
import { buildNamedLossDataset, resolveLoss } from './loss/lossDataset';
import { problem, type Problem } from './problems';
import {
  buildClassification,
  buildRegression,
  DEFAULT_SUM_TOLERANCE,
  nearMiss,
  ProblemSink,
  renameHint,
  type RoleOptions,
  type Roles,
} from './buildDataset';

export function buildDataset(roles: Roles, options: RoleOptions = {}): { dataset: Dataset | null; problems: Problem[] } {
  const sink = new ProblemSink();
  const tolerance = options.sumTolerance ?? DEFAULT_SUM_TOLERANCE;
  let dataset: Dataset | null = null;
  for (const w of roles.warnings ?? []) sink.add(w);
  for (const e of roles.errors ?? []) sink.add(e);
  const named = resolveLoss(roles, options.loss, sink);
  const input = roles.logits ?? roles.probabilities;
  if (named === 'error') dataset = null;
  else if (named) dataset = buildNamedLossDataset(roles, named, sink, tolerance);
  else if (input) dataset = buildClassification(roles, input, sink, tolerance);
  else if (roles.predictions) dataset = buildRegression(roles, roles.predictions, sink);
  else {
    const miss = nearMiss(roles, 'logits', 'probabilities', 'predictions');
    if (miss)
      sink.add(
        problem(
          `no "logits", "probabilities" or "predictions" to analyse: ${renameHint(miss, roles)}`,
          miss.span.start,
          miss.span.end,
          'no-tensor',
        ),
      );
    else
      sink.add(
        problem(
          'no tensor to analyse: expected "logits" or "probabilities" (with "labels" or "targets"), or "predictions" with "targets"',
          roles.whole.start,
          roles.whole.start + 1,
          'no-tensor',
        ),
      );
  }
  const problems = sink.summarize();
  return { dataset: problems.some((p) => p.severity === 'error') ? null : dataset, problems };
}
