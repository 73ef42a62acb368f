/** Hover on a network file: a weight's gradient and its layer's norm, or a sample's loss. */
import * as vscode from 'vscode';
import { sampleAtOffset } from '../core/dataset';
import { weightAt } from '../core/networkReport';
import type { FileAnalysis } from './analysisService';
import { num, vector } from './format';
import { deadNeuronNote, networkSampleHoverText } from './hoverText';
import { deadReluUnits } from '../core/deadUnits';
import { rangeOf } from './ranges';

export function networkHover(file: FileAnalysis, offset: number): vscode.Hover | null {
  const data = file.dataset;
  const result = file.network;
  if (data?.task !== 'network' || !result) return null;
  const at = weightAt(data, offset);
  if (at) {
    const layer = data.layers[at.layer];
    const r = result.analysis.layers[at.layer];
    const flag = r.health === 'ok' ? '' : ` · $(warning) **${r.health}**`;
    const lines = [`**Gradient Lens · layer ${at.layer + 1}** (${layer.inputs} → ${layer.outputs}, ${layer.activation})${flag}`, ''];
    if (at.kind === 'weight') {
      const i = at.neuron * layer.inputs + at.input;
      lines.push(
        `w[${at.neuron}][${at.input}] = ${num(layer.weights[i])} · ∂𝓛/∂w = **${num(r.gradWeights[i])}**`,
        '',
        `∂𝓛/∂w = Σ_samples ∂𝓛/∂z_${at.neuron} · a_prev,${at.input}`,
      );
    } else if (at.kind === 'bias') {
      lines.push(
        `b[${at.neuron}] = ${num(layer.bias[at.neuron])} · ∂𝓛/∂b = **${num(r.gradBias[at.neuron])}**`,
        '',
        `∂𝓛/∂b = Σ_samples ∂𝓛/∂z_${at.neuron}`,
      );
    } else {
      const row = Array.from(r.gradWeights.subarray(at.neuron * layer.inputs, (at.neuron + 1) * layer.inputs));
      lines.push(`neuron ${at.neuron}: ∂𝓛/∂w = ${vector(row)}`);
    }
    if (layer.activation === 'relu' && deadReluUnits(r.z, data.n, layer.outputs).includes(at.neuron))
      lines.push('', deadNeuronNote(at.neuron, data.n));
    lines.push('', `‖∂𝓛/∂W‖ = ${num(r.gradNorm)} · ‖W‖ = ${num(r.weightNorm)} · ratio ${num(r.ratio)}`);
    const md = new vscode.MarkdownString(lines.join('\n'));
    md.supportThemeIcons = true;
    return new vscode.Hover(md, rangeOf(file.lines, at.span.start, at.span.end));
  }
  const hit = sampleAtOffset(data, offset);
  if (!hit) return null;
  const i = hit.index;
  const loss = result.analysis.losses[i];
  const predicted = result.analysis.predicted?.[i];
  const name = (k: number) => data.classes?.[k] ?? String(k);
  // Class names come from the file: hoverText escapes them.
  const text = networkSampleHoverText(
    i,
    loss,
    predicted !== undefined && data.labels ? { actual: name(data.labels[i]), predicted: name(predicted) } : null,
  );
  const span = data.spans.find((s) => s.role === hit.role)!.spans;
  return new vscode.Hover(new vscode.MarkdownString(text), rangeOf(file.lines, span[2 * i], span[2 * i + 1]));
}
