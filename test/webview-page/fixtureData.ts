/**
 * The host's side of the pull protocol for the webview's tests: a full fixture (a payload with
 * its N × K arrays, as the test builders make them) answers the page's queries through the core's
 * own TensorStore, exactly as the extension answers them from a file's analysis.
 */
import type { Analysis } from '../../src/core/analysis';
import type { Dataset } from '../../src/core/dataset';
import type { PipelineResult } from '../../src/core/pipeline';
import { TensorStore, type SampleRow, type TensorQuery } from '../../src/core/tensorQuery';
import type { ClassificationPayload, Payload, RegressionPayload } from '../../src/shared/protocol';

export interface FullClassification extends ClassificationPayload {
  probabilities: Float64Array;
  targets: Float64Array;
  logitGradient: Float64Array;
  gradient: Float64Array;
  /** The logits, when the fixture has them. */
  values?: Float64Array;
}

export interface FullRegression extends RegressionPayload {
  predictions: Float64Array;
  targets: Float64Array;
  gradient: Float64Array;
}

export type FullPayload = FullClassification | FullRegression | Exclude<Payload, ClassificationPayload | RegressionPayload>;

export function storeOf(full: Payload): TensorStore | null {
  if (full.task === 'classification') {
    const f = full as FullClassification;
    if (!f.probabilities) return null;
    const dataset: Dataset = {
      task: 'classification',
      input: f.input,
      n: f.n,
      k: f.k,
      values: f.values ?? f.probabilities,
      targets: f.targets,
      labels: null,
      classes: f.classes,
      spans: [],
    };
    const analysis: Analysis = {
      task: 'classification',
      input: f.input,
      n: f.n,
      k: f.k,
      reduction: f.reduction,
      loss: f.loss,
      losses: f.losses,
      probabilities: f.probabilities,
      targets: f.targets,
      labels: null,
      gradient: f.gradient,
      logitGradient: f.logitGradient,
      predicted: f.predicted,
      actual: f.actual,
      pTrue: f.pTrue,
      pPredicted: Float64Array.from(f.predicted, (c, i) => f.probabilities![i * f.k + c]),
    };
    return new TensorStore({ dataset, analysis, network: null, problems: [] } satisfies PipelineResult);
  }
  if (full.task === 'regression') {
    const f = full as FullRegression;
    if (!f.predictions) return null;
    const shape = [f.n, f.d];
    const dataset: Dataset = { task: 'regression', n: f.n, d: f.d, shape, predictions: f.predictions, targets: f.targets, spans: [] };
    const analysis: Analysis = {
      task: 'regression',
      n: f.n,
      d: f.d,
      shape,
      reduction: f.reduction,
      loss: f.loss,
      losses: f.losses,
      gradient: f.gradient,
    };
    return new TensorStore({ dataset, analysis, network: null, problems: [] });
  }
  return null;
}

/** What a view's context needs of the data: the selected row, pulls answered at once. */
export function fixtureData(full: Payload | TensorStore, selected: number) {
  const store = full instanceof TensorStore ? full : storeOf(full);
  const row = (i: number) => (store ? (store.answer({ kind: 'row', index: i }) as SampleRow) : null);
  return {
    row: row(selected),
    pull: <T>(_key: string, query: TensorQuery) => (store ? (store.answer(query) as T) : undefined),
    cachedRow: (i: number) => row(i) ?? undefined,
    prefetchRow: () => {},
  };
}
