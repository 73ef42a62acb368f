/**
 * The finite-difference check of a network entry by entry (issue 18): for every layer's weights and
 * biases, the analytic gradient, the central difference of the whole network's loss and their
 * relative error |a − n| / max(|a|, |n|) per entry, as `checkGradient` defines it. The panel draws
 * them as heatmaps; `gradient-lens check` lists the worst entries.
 */
import type { NetworkData } from './dataset';
import { checkGradient, type GradientCheck } from './gradcheck';
import type { Reduction } from './losses';
import { analyzeNetwork, networkLoss, reluPattern, withLayerParameters, type NetworkAnalysis } from './network';

export interface FiniteDifferenceTensor {
  /** "layer 1 weights", "layer 1 biases". */
  name: string;
  layer: number;
  /** 'input': the file's own tensor (logits, probabilities, predictions) of a non-network file. */
  part: 'weights' | 'bias' | 'input';
  /** Weights: outputs × inputs (W's own layout); biases: one row. */
  rows: number;
  cols: number;
  analytic: Float64Array;
  /** The central difference per entry; NaN where the entry was not probed (skipped, or sampled out). */
  numeric: Float64Array;
  /** |a − n| / max(|a|, |n|) (0 where both are 0); NaN where not probed. */
  relative: Float64Array;
  /** 1 where the entry fails the check's tolerance. */
  wrong: Uint8Array;
  /** 1 where the entry sits on a ReLU kink, where a central difference measures neither side. */
  skipped: Uint8Array;
  /** The summary `checkGradient` returns, with the title the CLI prints. */
  check: GradientCheck & { name: string };
}

/**
 * Both tensors of every layer. `analysis` gives the analytic gradients (a test passes a wrong one);
 * `maxCoordinates` probes at most that many evenly spaced entries per tensor (all by default).
 */
export function networkFiniteDifferences(
  data: NetworkData,
  reduction: Reduction,
  analysis: NetworkAnalysis = analyzeNetwork(data, { reduction }),
  maxCoordinates = Infinity,
): FiniteDifferenceTensor[] {
  const out: FiniteDifferenceTensor[] = [];
  data.layers.forEach((layer, l) => {
    const title = `layer ${l + 1} (${layer.activation}, ${layer.outputs}×${layer.inputs})`;
    const reluFromHere = data.layers.slice(l).some((x) => x.activation === 'relu');
    const parts = [
      ['weights', layer.weights, analysis.layers[l].gradWeights, (p: Float64Array) => withLayerParameters(data, l, p)],
      ['bias', layer.bias, analysis.layers[l].gradBias, (p: Float64Array) => withLayerParameters(data, l, undefined, p)],
    ] as const;
    for (const [part, params, analytic, rebuild] of parts) {
      const size = params.length;
      const numeric = new Float64Array(size).fill(NaN);
      const relative = new Float64Array(size).fill(NaN);
      const wrong = new Uint8Array(size);
      const skipped = new Uint8Array(size);
      const kink = reluFromHere ? reluKink(data, params, rebuild) : undefined;
      const r = checkGradient((p) => networkLoss(rebuild(p), reduction), params, analytic, {
        maxCoordinates: Math.min(size, maxCoordinates),
        skip: kink
          ? (i, h) => {
              const at = kink(i, h);
              if (at) skipped[i] = 1;
              return at;
            }
          : undefined,
        onEntry(i, n, rel, failed) {
          numeric[i] = n;
          relative[i] = rel;
          wrong[i] = failed ? 1 : 0;
        },
      });
      const what = part === 'weights' ? '∂L/∂W' : '∂L/∂b';
      out.push({
        name: `layer ${l + 1} ${part === 'weights' ? 'weights' : 'biases'}`,
        layer: l,
        part,
        rows: part === 'weights' ? layer.outputs : 1,
        cols: part === 'weights' ? layer.inputs : layer.outputs,
        analytic,
        numeric,
        relative,
        wrong,
        skipped,
        check: { name: `${what} ${title}`, ...r },
      });
    }
  });
  return out;
}

/** The entries with the largest relative error, failing ones first (skipped and unprobed ones left out). */
export function worstEntries(t: FiniteDifferenceTensor, count: number): number[] {
  const order: number[] = [];
  for (let i = 0; i < t.relative.length; i++) if (!Number.isNaN(t.relative[i])) order.push(i);
  order.sort((a, b) => t.wrong[b] - t.wrong[a] || t.relative[b] - t.relative[a] || a - b);
  return order.slice(0, count);
}

/** "W[2][0]" or "b[3]": an entry as the CLI and the panel name it. */
export function entryLabel(t: FiniteDifferenceTensor, i: number): string {
  if (t.part === 'input') return `[${Math.floor(i / t.cols)}][${i % t.cols}]`;
  return t.part === 'weights' ? `W${t.layer + 1}[${Math.floor(i / t.cols)}][${i % t.cols}]` : `b${t.layer + 1}[${i}]`;
}

/**
 * ReLU is not differentiable at 0: a step that switches a unit on or off makes the central
 * difference measure neither side, so such coordinates are skipped (as at the probability clip).
 */
function reluKink(data: NetworkData, params: Float64Array, rebuild: (p: Float64Array) => NetworkData): (i: number, h: number) => boolean {
  const here = reluPattern(data);
  return (i, h) => {
    const probe = Float64Array.from(params);
    probe[i] = params[i] + h;
    const plus = reluPattern(rebuild(probe));
    probe[i] = params[i] - h;
    const minus = reluPattern(rebuild(probe));
    return plus.some((v, j) => v !== here[j] || minus[j] !== here[j]);
  };
}
