/**
 * A network's weight gradients: the gradient-norm chart (log scale, vanishing / exploding
 * flagged) and one heatmap per weight gradient, the same shape as the weights, neurons as rows.
 */
import type { NetworkPayload } from '../../shared/protocol';
import { heatmap } from '../charts/heatmap';
import { SCROLL_BOX_H } from '../charts/heatmapFrame';
import type { HeatmapHandle } from '../charts/heatmapTypes';
import { legend } from '../charts/legend';
import { denseSource, symlogDecades } from '../charts/matrixSource';
import { normChart } from '../charts/normChart';
import { divergingScale, GRADIENT_DECADES } from '../colors';
import { precise, fmt } from '../format';
import { DEFAULT_FOCUS, el, heading, type ViewContext, type ViewHandle } from './common';
import { focusColumns } from './focusClasses';
import { focusControls } from './focusControls';
import { subMatrixSource } from '../charts/subMatrix';
import { deadReluUnits } from '../../core/deadUnits';
import { inputLabel, inputNames, layerName, layerShortName, neuronLabel, neuronNames } from './networkNames';

/** Layers wider or taller than this show their largest-gradient rows and columns by default. */
export const WEIGHT_FOCUS = 24;

function transpose(m: Float64Array, rows: number, cols: number): Float64Array {
  const t = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = m[r * cols + c];
  return t;
}
import { blockTooltip } from './describe';

function norm(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

export function renderNetwork(host: HTMLElement, ctx: ViewContext): ViewHandle {
  const payload = ctx.payload as NetworkPayload;
  const { doc } = ctx;
  const check = payload.gradientCheckError;
  host.appendChild(
    heading(
      doc,
      `Weight gradients · ${payload.layers.length} layer${payload.layers.length === 1 ? '' : 's'}`,
      `∂L/∂W per layer, neurons as rows and inputs as columns, like W itself. ${check === null ? '' : `Finite-difference check: worst relative error ${fmt(check)}.`}`,
    ),
  );
  host.appendChild(
    normChart(
      doc,
      {
        layers: payload.layers.map((layer, l) => ({
          name: layerShortName(l, layer),
          gradNorm: layer.gradNorm,
          weightNorm: layer.weightNorm,
          health: layer.health,
        })),
        selected: ctx.layer,
        width: Math.min(ctx.width, 720),
        select: ctx.selectLayer,
        describe: (l) => {
          const layer = payload.layers[l];
          return {
            title: layerName(l, layer),
            rows: [
              ['‖∂L/∂W‖', precise(layer.gradNorm)],
              ['‖W‖', precise(layer.weightNorm)],
              ['ratio', fmt(layer.gradNorm / layer.weightNorm)],
              ['health', layer.health],
            ],
            value: layer.gradNorm,
            note: 'Enter or click shows this layer in the chain rule.',
          };
        },
      },
      ctx.ui,
    ),
  );

  const charts: HeatmapHandle[] = [];
  payload.layers.forEach((layer, l) => {
    const section = el(doc, 'section', {
      class: `gl-layer${l === ctx.layer ? ' gl-layer-selected' : ''}`,
      'data-testid': 'layer-section',
      'data-layer': String(l),
    });
    const flag = layer.health === 'ok' ? '' : ` · ${layer.health === 'vanishing' ? '▼ vanishing' : '▲ exploding'}`;
    // A ReLU unit with z ≤ 0 for every sample: its row of ∂L/∂W is exactly zero, and stays so.
    const dead = layer.activation === 'relu' ? deadReluUnits(layer.z, payload.n, layer.outputs) : [];
    const isDead = new Set(dead);
    const rowNames = neuronNames(payload, l);
    const colNames = inputNames(payload, l);
    const rowLabel = (r: number) => `${rowNames ? rowNames[r] : r}${isDead.has(r) ? ' ✝' : ''}`;
    const colLabel = (c: number) => (colNames ? colNames[c] : String(c));
    section.appendChild(
      el(doc, 'h3', { 'data-export-text': 'title' }, `${layerName(l, layer)} · ∂L/∂W ${layer.outputs} × ${layer.inputs}${flag}`),
    );
    section.appendChild(
      el(
        doc,
        'p',
        { class: 'gl-caption', 'data-export-text': 'caption' },
        `‖∂L/∂W‖ = ${fmt(layer.gradNorm)}, ‖∂L/∂b‖ = ${fmt(norm(layer.gradBias))}, ‖W‖ = ${fmt(layer.weightNorm)}`,
      ),
    );
    if (dead.length)
      section.appendChild(
        el(
          doc,
          'p',
          { class: 'gl-caption gl-warning', 'data-testid': 'dead-units', 'data-units': dead.join(' ') },
          `✝ dead ReLU ${dead.length === 1 ? 'unit' : 'units'} ${dead.join(', ')}: z ≤ 0 for all ${payload.n} samples, so σ′(z) = 0, ` +
            `${dead.length === 1 ? 'its' : 'their'} ∂L/∂W rows and ∂L/∂b are exactly zero and ${dead.length === 1 ? 'it does' : 'they do'} not learn.`,
        ),
      );
    const full = denseSource(layer.gradWeights, layer.outputs, layer.inputs);
    // A large layer: by default the neurons (rows) and inputs (columns) with the largest |∂L/∂W|.
    const focus = ctx.focus ?? DEFAULT_FOCUS;
    const big = layer.outputs > WEIGHT_FOCUS || layer.inputs > WEIGHT_FOCUS;
    const rowIds =
      big && !focus.showAll && layer.outputs > WEIGHT_FOCUS
        ? focusColumns(transpose(layer.gradWeights, layer.outputs, layer.inputs), layer.inputs, layer.outputs, WEIGHT_FOCUS, [])
        : null;
    const colIds =
      big && !focus.showAll && layer.inputs > WEIGHT_FOCUS
        ? focusColumns(layer.gradWeights, layer.outputs, layer.inputs, WEIGHT_FOCUS, [])
        : null;
    const source = rowIds || colIds ? subMatrixSource(full, rowIds, colIds) : full;
    const rid = (r: number) => (rowIds ? rowIds[r] : r);
    const cid = (c: number) => (colIds ? colIds[c] : c);
    if (big) {
      section.appendChild(
        focusControls(doc, ctx, {
          k: layer.outputs * layer.inputs,
          shown: source.rows * source.cols,
          total: `${layer.outputs} × ${layer.inputs}`,
          noun: 'weights',
          summary: `the ${source.rows} neurons and ${source.cols} inputs with the largest |∂L/∂W|, in index order.`,
          name: String,
          strip: null,
        }),
      );
    }
    const scale = divergingScale(ctx.theme, source.maxAbs(), 'symlog', symlogDecades(source, GRADIENT_DECADES));
    const chart = heatmap(
      doc,
      {
        source,
        scale,
        theme: ctx.theme,
        // A narrow panel keeps 200 px for it and scrolls sideways.
        width: Math.max(200, Math.min(ctx.width - 260, 640)),
        maxHeight: 360,
        maxCell: 28,
        // A wide layer keeps readable rows and scrolls in its box rather than drawing them under a pixel.
        minCellH: 8,
        scrollable: true,
        rowTitle: rowNames ? 'class (output neuron)' : 'neuron',
        colTitle: l === 0 ? (colNames ? 'input feature' : 'input') : `${layerShortName(l - 1, payload.layers[l - 1])} unit`,
        rowLabels: rowIds
          ? rowIds.map(rowLabel)
          : dead.length || rowNames
            ? Array.from({ length: layer.outputs }, (_, r) => rowLabel(r))
            : null,
        colLabels: colIds ? colIds.map(colLabel) : colNames ? colNames.slice() : null,
        rowIds,
        colIds,
        label: `Gradient of the weights of ${layerName(l, layer)}`,
        testId: 'weight-gradient-heatmap',
        activate: () => ctx.selectLayer(l),
        describe(b, a) {
          if (a.count !== 1) return blockTooltip(b, a, '∂L/∂W', 'neuron', 'input');
          const [r, c] = [rid(b.r0), cid(b.c0)];
          const v = full.value(r, c);
          return {
            title: `${layerShortName(l, layer)} · ∂L/∂W[${r}, ${c}] · ${neuronLabel(payload, l, r)} ← ${inputLabel(payload, l, c)}`,
            rows: [
              ['∂L/∂W', precise(v)],
              ['W', precise(layer.weights[r * layer.inputs + c])],
              ...(isDead.has(r) ? [['neuron', `dead ReLU: z ≤ 0 for all ${payload.n} samples`] as [string, string]] : []),
            ],
            value: v,
            cell: { r0: r, r1: r + 1, c0: c, c1: c + 1 },
            note: 'Enter or click shows this layer in the chain rule.',
          };
        },
      },
      ctx.ui,
    );
    charts.push(chart);
    chart.element.setAttribute('data-layer', String(l));
    const row = el(doc, 'div', { class: 'gl-chart-row' });
    const box = chart.frame.height > SCROLL_BOX_H ? el(doc, 'div', { class: 'gl-scroll' }) : null;
    box?.appendChild(chart.element);
    row.append(box ?? chart.element, legend(doc, { scale, title: `∂L/∂W, layer ${l + 1}` }));
    section.appendChild(row);
    host.appendChild(section);
  });

  return {
    table() {
      const rows: (string | number)[][] = [];
      payload.layers.forEach((layer, l) => {
        for (let r = 0; r < layer.outputs; r++)
          for (let c = 0; c < layer.inputs; c++)
            rows.push([l + 1, r, c, layer.weights[r * layer.inputs + c], layer.gradWeights[r * layer.inputs + c]]);
      });
      return { name: 'weight-gradients', columns: ['layer', 'neuron', 'input', 'W', 'dL_dW'], rows };
    },
    // The batch's weight gradients do not depend on the selected sample.
    setSelected: () => true,
    destroy: () => charts.forEach((c) => c.destroy()),
  };
}
