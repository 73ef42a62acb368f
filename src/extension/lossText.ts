/**
 * How the editor names the loss of an analysis (hover, CodeLens, status bar): its name with the
 * options that differ from torch's defaults, its formula, and what its gradient is.
 */
import type { AnalysisSummary as Analysis } from '../core/resultSummary';
import { lossFormula, lossLabel, lossSpecOf } from '../core/loss/describe';

export { lossFormula, lossLabel };

/** True when the file or the user named a loss (the default analyses keep their usual wording). */
export function isNamedLoss(a: Analysis): boolean {
  return a.lossSpec !== undefined;
}

/** ∂𝓛/∂(input) of one sample as a formula, scaled as the reduction scales it. */
export function gradientFormula(a: Analysis): string {
  const spec = lossSpecOf(a);
  // A named loss's sum is torch's (over all N × D terms); the default MSE's sum is Σ_i of per-sample means.
  const per = a.reduction === 'mean' ? (a.task === 'regression' ? '/(N·D)' : '/N') : a.task === 'regression' && !a.lossSpec ? '/D' : '';
  switch (spec.name) {
    case 'cross_entropy':
      if (spec.weight || spec.label_smoothing || a.task !== 'classification')
        return `∂𝓛/∂z = p Σc − c with c = the smoothed, weighted target${a.reduction === 'mean' ? ', over Σ w_y' : ''}`;
      return a.input === 'probabilities' ? `∂𝓛/∂p = −y/p${per}` : `∂𝓛/∂z = p − y${per}`;
    case 'nll':
      return `∂𝓛/∂log p = −w_y at the label${a.reduction === 'mean' ? ', over Σ w_y' : ''}`;
    case 'kl_div':
      return `∂𝓛/∂log p = −t${per}`;
    case 'binary_cross_entropy_with_logits':
      return `∂𝓛/∂z = ${spec.pos_weight ? '(1 − t) − (1 + (q − 1)t) σ(−z)' : 'σ(z) − t'}${a.reduction === 'mean' ? '/(N·K)' : ''}`;
    case 'binary_cross_entropy':
      return `∂𝓛/∂p = (p − t)/(p(1 − p))${a.reduction === 'mean' ? '/(N·K)' : ''} · through the sigmoid ∂𝓛/∂z = p − t`;
    case 'mse':
      return `∂𝓛/∂ŷ = 2(ŷ − y)${per}`;
    case 'l1':
      return `∂𝓛/∂ŷ = sign(ŷ − y)${per}`;
    case 'smooth_l1':
      return `∂𝓛/∂ŷ = clip((ŷ − y)/β, −1, 1)${per}`;
    case 'huber':
      return `∂𝓛/∂ŷ = clip(ŷ − y, −δ, δ)${per}`;
  }
}
