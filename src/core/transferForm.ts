/**
 * A pipeline result to move between threads without what the receiver can derive exactly: the
 * dense one-hot targets of a file that gives class indices, and ∂L/∂z of a logits file (the
 * probabilities and the targets give it, with the same functions and so the same bits as the
 * loss computed it). For a 10,000 × 1,000 file that is 160 MB the extension host does not have to
 * receive and hold unless something asks for them; `restoreDerived` makes them lazy properties.
 */
import type { ClassificationAnalysis } from './analysis';
import type { ClassificationData } from './dataset';
import { logitGradientFromLabels, logitGradientFromProbabilities } from './losses';
import type { PipelineResult } from './pipeline';

type Derivable = 'targets' | 'gradient';

export interface TransferResult extends PipelineResult {
  /** The fields left out (set to null), to be restored by `restoreDerived`. */
  derived?: Derivable[];
}

export function withoutDerived(result: PipelineResult): TransferResult {
  const { dataset, analysis } = result;
  if (dataset?.task !== 'classification' || analysis?.task !== 'classification') return result;
  if (analysis.lossSpec) return result; // a named loss's gradients and ignored labels are not derivable
  const derived: Derivable[] = [];
  const slimData: ClassificationData = { ...dataset };
  const slimAnalysis: ClassificationAnalysis = { ...analysis };
  if (dataset.labels && analysis.targets === dataset.targets) {
    derived.push('targets');
    slimData.targets = slimAnalysis.targets = null as unknown as Float64Array;
  }
  // Equal arrays, or both null when the pipeline ran with withoutLogitGradient.
  if (analysis.input === 'logits' && analysis.gradient === analysis.logitGradient) {
    derived.push('gradient');
    slimAnalysis.gradient = slimAnalysis.logitGradient = null as unknown as Float64Array;
  }
  return derived.length ? { ...result, dataset: slimData, analysis: slimAnalysis, derived } : result;
}

/** Puts back what `withoutDerived` left out, each computed on first use (and then kept). */
export function restoreDerived(result: TransferResult): PipelineResult {
  const { derived, ...rest } = result;
  if (!derived?.length) return rest;
  const dataset = rest.dataset as ClassificationData;
  const analysis = rest.analysis as ClassificationAnalysis;
  const { n, k, labels } = dataset;
  const once = <T>(make: () => T) => {
    let value: T | undefined;
    return () => (value ??= make());
  };
  const lazy = (target: object, field: string, get: () => unknown) =>
    Object.defineProperty(target, field, { get, enumerable: true, configurable: true });
  if (derived.includes('targets')) {
    const targets = once(() => {
      const y = new Float64Array(n * k);
      for (let i = 0; i < n; i++) y[i * k + labels![i]] = 1;
      return y;
    });
    lazy(dataset, 'targets', targets);
    lazy(analysis, 'targets', targets);
  }
  if (derived.includes('gradient')) {
    const gradient = once(() =>
      labels
        ? logitGradientFromLabels(analysis.probabilities, labels, n, k, analysis.reduction)
        : logitGradientFromProbabilities(analysis.probabilities, analysis.targets, n, k, analysis.reduction),
    );
    lazy(analysis, 'gradient', gradient);
    lazy(analysis, 'logitGradient', gradient);
  }
  return rest;
}
