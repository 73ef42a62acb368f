/**
 * The chain rule for one sample and one layer of a network, factor by factor:
 *   ∂L/∂z = ∂L/∂a ⊙ σ′(z)   (or Jᵀ · ∂L/∂a for a softmax layer)
 *   ∂L/∂W (this sample) = ∂L/∂z ⊗ a_prev
 * with checks against the analysis's own ∂L/∂z and, summed over samples, its ∂L/∂W.
 */
import type { ActivationName, NetworkPayload } from '../../shared/protocol';
import { matTransposeVec, softmaxJacobian } from '../../core/softmax';
import { heatmap } from '../charts/heatmap';
import { heatmapFrame } from '../charts/heatmapFrame';
import type { HeatmapHandle, HeatmapOptions } from '../charts/heatmapTypes';
import { legend } from '../charts/legend';
import { denseSource, jacobianSource, type MatrixSource } from '../charts/matrixSource';
import { divergingScale } from '../colors';
import { precise, fmt, sub } from '../format';
import { checkLine, figure, operator } from './check';
import { checkTolerance, el, heading, maxAbsDiff, row, type ViewContext, type ViewHandle } from './common';
import { blockTooltip } from './describe';
import { inputNames, layerName, neuronNames } from './networkNames';

const VECTOR_W = 56;

/** σ′(z) per unit from z and a = σ(z) (not for softmax, whose derivative is a Jacobian). */
export function activationDerivative(activation: Exclude<ActivationName, 'softmax'>, z: Float64Array, a: Float64Array): Float64Array {
  const d = new Float64Array(z.length);
  for (let j = 0; j < z.length; j++) {
    switch (activation) {
      case 'relu':
        d[j] = z[j] > 0 ? 1 : 0;
        break;
      case 'sigmoid':
        d[j] = a[j] * (1 - a[j]);
        break;
      case 'tanh':
        d[j] = 1 - a[j] * a[j];
        break;
      case 'linear':
        d[j] = 1;
        break;
    }
  }
  return d;
}

const DERIVATIVE_TEXT: Record<ActivationName, string> = {
  relu: '1 if z > 0, else 0',
  sigmoid: 'a(1 − a)',
  tanh: '1 − a²',
  linear: '1',
  softmax: 'Jⱼₖ = aⱼ(δⱼₖ − aₖ)',
};

/** Narrowest room a matrix beside its vectors gets: a narrower panel scrolls sideways rather than drop it. */
const MIN_MATRIX_ROOM = 160;

/** The width a matrix beside its vectors may take, at most `most`: what the panel leaves, but never under MIN_MATRIX_ROOM. */
function matrixRoom(ctx: ViewContext, most: number): number {
  return Math.max(MIN_MATRIX_ROOM, Math.min(ctx.width - 300, most));
}

export function renderNetworkChain(host: HTMLElement, ctx: ViewContext): ViewHandle {
  const payload = ctx.payload as NetworkPayload;
  const { doc, selected: i } = ctx;
  const l = Math.min(ctx.layer, payload.layers.length - 1);
  const layer = payload.layers[l];
  const out = layer.outputs;
  const inp = layer.inputs;
  const z = row(layer.z, out, i);
  const a = row(layer.a, out, i);
  const dA = row(layer.dA, out, i);
  const dZ = row(layer.dZ, out, i);
  const aPrev = l === 0 ? row(payload.inputs, inp, i) : row(payload.layers[l - 1].a, inp, i);
  const softmax = layer.activation === 'softmax';
  const deriv = softmax ? null : activationDerivative(layer.activation as Exclude<ActivationName, 'softmax'>, z, a);
  const dZcalc = softmax ? matTransposeVec(softmaxJacobian(a), dA) : dA.map((v, j) => v * deriv![j]);
  const outer = new Float64Array(out * inp);
  for (let r = 0; r < out; r++) for (let c = 0; c < inp; c++) outer[r * inp + c] = dZ[r] * aPrev[c];

  host.appendChild(
    heading(
      doc,
      `Chain rule · sample ${i} · ${layerName(l, layer)}`,
      `${l + 1 < payload.layers.length ? 'First ∂L/∂a = W⁽ˡ⁺¹⁾ᵀ · ∂L/∂z⁽ˡ⁺¹⁾, the gradient the next layer sends back; then ' : ''}∂L/∂z = ${softmax ? 'Jᵀ · ∂L/∂a' : '∂L/∂a ⊙ σ′(z)'} with σ′ = ${DERIVATIVE_TEXT[layer.activation]}; then this sample's ∂L/∂W = ∂L/∂z ⊗ a_prev (outer product), ${out} × ${inp}. ${payload.reduction === 'mean' ? `L is the batch-mean loss: every ∂L/∂a and ∂L/∂z here is sample ${i}'s share, its own gradient ÷ N = ${payload.n}.` : 'L is the batch sum: ∂L/∂a and ∂L/∂z here are the sample’s own.'}`,
    ),
  );

  const vecMax = Math.max(
    1e-300,
    ...[dA, dZ, dZcalc, aPrev, deriv ?? new Float64Array()].flatMap((v) => Array.from(v).filter(Number.isFinite).map(Math.abs)),
  );
  const vScale = divergingScale(ctx.theme, vecMax);
  const charts: HeatmapHandle[] = [];
  const unitFrame = heatmapFrame({
    rows: out,
    cols: softmax ? out : 1,
    width: softmax ? matrixRoom(ctx, 400) : VECTOR_W + 8,
    maxHeight: 320,
    square: softmax,
    cell: softmax ? undefined : { w: VECTOR_W, h: Math.min(28, 320 / out) },
    colLabels: softmax ? null : ['x'],
  });
  const ch = unitFrame.ch;
  // The output layer's units are the file's classes when it names them.
  const unitNames = neuronNames(payload, l);
  const prevNames = inputNames(payload, l);
  const vector = (
    values: Float64Array,
    title: string,
    testId: string,
    formula: (j: number) => string,
    labels = false,
    names: string[] | null = unitNames,
  ): HeatmapHandle => {
    const c = heatmap(
      doc,
      {
        source: denseSource(values, values.length, 1),
        scale: vScale,
        theme: ctx.theme,
        width: VECTOR_W + (labels ? 60 : 8),
        maxHeight: 320,
        cell: { w: VECTOR_W, h: ch },
        minTop: unitFrame.top,
        noRowLabels: !labels,
        rowLabels: labels ? Array.from({ length: values.length }, (_, j) => (names ? names[j] : `unit ${j}`)) : null,
        colLabels: [title],
        showValues: 'auto',
        label: title,
        testId,
        describe: (b, ag) =>
          ag.count === 1
            ? {
                title: `${title} · ${names ? names[b.r0] : `unit ${b.r0}`}`,
                formula: formula(b.r0),
                rows: [['value', precise(values[b.r0])]],
                value: values[b.r0],
                cell: b,
              }
            : blockTooltip(b, ag, title, 'unit', 'column'),
      },
      ctx.ui,
    );
    charts.push(c);
    return c;
  };
  const matrix = (source: MatrixSource, title: string, testId: string, opts: Partial<HeatmapOptions>): HeatmapHandle => {
    const scale = divergingScale(ctx.theme, source.maxAbs());
    const c = heatmap(
      doc,
      {
        source,
        scale,
        theme: ctx.theme,
        width: matrixRoom(ctx, 460),
        maxHeight: 320,
        minTop: unitFrame.top,
        label: title,
        testId,
        showValues: 'auto',
        describe: (b, ag) =>
          ag.count === 1
            ? {
                title: `${title} [${b.r0}, ${b.c0}]`,
                rows: [['value', precise(source.value(b.r0, b.c0))]],
                value: source.value(b.r0, b.c0),
                cell: b,
              }
            : blockTooltip(b, ag, title, 'row', 'column'),
        ...opts,
      },
      ctx.ui,
    );
    charts.push(c);
    return c;
  };

  // Backprop's step into this layer: ∂L/∂a = W⁽ˡ⁺¹⁾ᵀ · ∂L/∂z⁽ˡ⁺¹⁾ (the next layer's gradient sent back through its weights).
  const next = l + 1 < payload.layers.length ? payload.layers[l + 1] : null;
  if (next) {
    const dZnext = row(next.dZ, next.outputs, i);
    const dAcalc = new Float64Array(out);
    for (let k = 0; k < next.outputs; k++) for (let j = 0; j < out; j++) dAcalc[j] += next.weights[k * out + j] * dZnext[k];
    const wT = new Float64Array(out * next.outputs);
    for (let k = 0; k < next.outputs; k++) for (let j = 0; j < out; j++) wT[j * next.outputs + k] = next.weights[k * out + j];
    const nextName = layerName(l + 1, next);
    const eq0 = el(doc, 'div', { class: 'gl-equation', 'data-testid': 'chain-backprop-equation' });
    const wChart = matrix(denseSource(wT, out, next.outputs), `Wᵀ of ${nextName}`, 'chain-next-weights', {
      rowTitle: 'unit',
      colTitle: `${nextName} neuron`,
      cell: { w: Math.min(28, (matrixRoom(ctx, 460) - 40) / next.outputs), h: ch },
    });
    const nextChart = vector(
      dZnext,
      `∂L/∂z, ${nextName}`,
      'chain-next-dLdz',
      (k) => `∂L/∂z${sub(k)} of ${nextName} = ${fmt(dZnext[k])}`,
      false,
      neuronNames(payload, l + 1),
    );
    const backChart = vector(
      dAcalc,
      '∂L/∂a',
      'chain-backprop-dLda',
      (j) => `Σₖ W[k, ${j}] · ∂L/∂zₖ = ${fmt(dAcalc[j])} (analysis: ${fmt(dA[j])})`,
    );
    eq0.append(
      figure(doc, `W⁽ˡ⁺¹⁾ᵀ (${nextName})`, wChart.element),
      operator(doc, '·', 'times'),
      figure(doc, `∂L/∂z⁽ˡ⁺¹⁾ (${nextName})`, nextChart.element),
      operator(doc, '=', 'equals'),
      figure(doc, '∂L/∂a of this layer', backChart.element),
    );
    host.appendChild(eq0);
    host.appendChild(
      checkLine(
        doc,
        'chain-backprop-check',
        `W⁽ˡ⁺¹⁾ᵀ · ∂L/∂z⁽ˡ⁺¹⁾ and the analysis's ∂L/∂a`,
        maxAbsDiff(dAcalc, dA),
        checkTolerance(dAcalc, dA),
      ),
    );
  }

  const eq1 = el(doc, 'div', { class: 'gl-equation', 'data-testid': 'chain-equation' });
  const dAChart = vector(dA, '∂L/∂a', 'chain-dLda', (j) => `∂L/∂a${sub(j)} = ${fmt(dA[j])}`, true);
  const zChart = vector(dZcalc, '∂L/∂z', 'chain-dLdz', (j) => `= ${fmt(dZcalc[j])} (analysis: ${fmt(dZ[j])})`);
  if (softmax) {
    const jChart = matrix(jacobianSource(a), '∂a/∂z', 'chain-dadz', {
      square: true,
      diagonal: true,
      cell: undefined,
      width: matrixRoom(ctx, 400),
    });
    eq1.append(
      figure(doc, 'Jᵀ = ∂a/∂z', jChart.element),
      operator(doc, '×', 'times'),
      figure(doc, '∂L/∂a', dAChart.element),
      operator(doc, '=', 'equals'),
      figure(doc, '∂L/∂z', zChart.element),
    );
  } else {
    const dChart = vector(
      deriv!,
      '∂a/∂z',
      'chain-dadz',
      (j) => `σ′(z${sub(j)}) = ${DERIVATIVE_TEXT[layer.activation]} = ${fmt(deriv![j])} (z = ${fmt(z[j])}, a = ${fmt(a[j])})`,
    );
    eq1.append(
      figure(doc, '∂L/∂a', dAChart.element),
      operator(doc, '⊙', 'elementwise times'),
      figure(doc, `σ′(z), ${layer.activation}`, dChart.element),
      operator(doc, '=', 'equals'),
      figure(doc, '∂L/∂z', zChart.element),
    );
  }
  host.appendChild(eq1);
  host.appendChild(
    checkLine(
      doc,
      'chain-product-check',
      `${softmax ? 'Jᵀ · ∂L/∂a' : '∂L/∂a ⊙ σ′(z)'} and the analysis's ∂L/∂z`,
      maxAbsDiff(dZcalc, dZ),
      checkTolerance(dZcalc, dZ),
    ),
  );

  const eq2 = el(doc, 'div', { class: 'gl-equation', 'data-testid': 'chain-outer-equation' });
  const dz2 = vector(dZ, '∂L/∂z', 'chain-dLdz-outer', (j) => `∂L/∂z${sub(j)} = ${fmt(dZ[j])}`, true);
  const prevChart = matrix(denseSource(aPrev, 1, inp), 'a_prev', 'chain-aprev', {
    maxHeight: 28,
    cell: { w: Math.min(28, (matrixRoom(ctx, 460) - 20) / inp), h: 28 },
    colLabels: prevNames ? prevNames.slice() : null,
    colTitle: l === 0 ? 'input x' : `a of ${layerName(l - 1, payload.layers[l - 1])}`,
    rowLabels: ['a'],
  });
  const outerChart = matrix(denseSource(outer, out, inp), `∂L/∂W · sample ${i}`, 'chain-outer', {
    rowTitle: unitNames ? 'class (output neuron)' : 'neuron',
    colTitle: l === 0 ? 'input' : `unit of ${layerName(l - 1, payload.layers[l - 1])}`,
    rowLabels: unitNames ? unitNames.slice() : undefined,
    colLabels: prevNames ? prevNames.slice() : undefined,
    cell: { w: Math.min(28, (matrixRoom(ctx, 460) - 40) / inp), h: ch },
  });
  eq2.append(
    figure(doc, '∂L/∂z', dz2.element),
    operator(doc, '⊗', 'outer product with'),
    figure(doc, 'a_prev (as a row)', prevChart.element),
    operator(doc, '=', 'equals'),
    figure(doc, `∂L/∂W for sample ${i}`, outerChart.element),
  );
  host.appendChild(eq2);

  const sum = new Float64Array(out * inp);
  const prevAll = l === 0 ? payload.inputs : payload.layers[l - 1].a;
  for (let s = 0; s < payload.n; s++)
    for (let r = 0; r < out; r++) for (let c = 0; c < inp; c++) sum[r * inp + c] += layer.dZ[s * out + r] * prevAll[s * inp + c];
  host.appendChild(
    checkLine(
      doc,
      'chain-batch-check',
      `Σ over the ${payload.n} samples of ∂L/∂z ⊗ a_prev and the analysis's ∂L/∂W`,
      maxAbsDiff(sum, layer.gradWeights),
      checkTolerance(sum, layer.gradWeights),
    ),
  );
  host.appendChild(legend(doc, { scale: vScale, title: 'vectors', testId: 'legend-vectors' }));

  return {
    table: () => ({
      name: `chain-rule-sample-${i}-layer-${l + 1}`,
      columns: ['unit', 'z', 'a', 'dL_da', 'da_dz', 'dL_dz', 'dL_dz_analysis'],
      rows: Array.from({ length: out }, (_, j) => [j, z[j], a[j], dA[j], deriv ? deriv[j] : 'softmax Jacobian', dZcalc[j], dZ[j]]),
    }),
    destroy: () => charts.forEach((c) => c.destroy()),
  };
}
