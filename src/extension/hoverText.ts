/**
 * The Markdown of a sample's hover, built without `vscode` so it can be tested as text. Everything
 * that comes from the file (class names) goes through escapeMarkdown; the only links are the
 * command links built here, for the commands in HOVER_COMMANDS (the hover's isTrusted list).
 */
import type { ClassificationSampleSummary, RegressionSampleSummary } from '../core/sampleHover';
import { escapeMarkdown } from '../shared/markdownText';
import { num, vector } from './format';

export const HOVER_COMMANDS = [
  'gradientLens.showJacobian',
  'gradientLens.showGradients',
  'gradientLens.explainChainRule',
  'gradientLens.showLossPerSample',
] as const;

export function commandLink(command: (typeof HOVER_COMMANDS)[number], args: unknown[]): string {
  return `command:${command}?${encodeURIComponent(JSON.stringify(args))}`;
}

/**
 * A loss the file or the user named (src/core/loss), as the hover words it; absent for the default
 * softmax cross-entropy and MSE, whose wording stays as it was. `multiLabel` is a sigmoid head's
 * "predicted on … · targets on …" line, its class names already escaped.
 */
export interface NamedLossText {
  label: string;
  formula: string;
  gradient: string;
  multiLabel?: string;
}

const titleOf = (index: number, loss: number, named?: NamedLossText) =>
  `**Gradient Lens · sample ${index}** — ${named ? `${escapeMarkdown(named.label)} ` : ''}loss **${num(loss)}**`;

export function classificationHoverText(uri: string, s: ClassificationSampleSummary, named?: NamedLossText): string {
  const mark = s.correct ? '$(pass) correct' : '$(error) wrong';
  const sigmoid = named?.multiLabel !== undefined;
  const lines = [
    titleOf(s.index, s.loss, named),
    '',
    sigmoid
      ? named!.multiLabel!
      : `true class **${escapeMarkdown(s.actualName)}** · predicted **${escapeMarkdown(s.predictedName)}** · ${mark}`,
    '',
    `${sigmoid ? '' : `p_true = ${num(s.pTrue)} · `}𝓛 = ${named ? named.formula : '−Σ yᵢ log(pᵢ)'} = ${num(s.loss)}`,
    '',
    named ? `${named.gradient} · ‖∂𝓛/∂z‖ = ${num(s.gradientNorm)}` : `${gradientWords(s.scale)} · ‖∂𝓛/∂z‖ = ${num(s.gradientNorm)}`,
    '',
    `| class | p (predicted) | y (target) | ${named ? '∂𝓛/∂z' : gradientFormula(s.scale)} |`,
    '|:---|---:|---:|---:|',
    ...s.top.map((e) => `| ${escapeMarkdown(e.name)} | ${num(e.p)} | ${num(e.y)} | ${num(e.gradient)} |`),
  ];
  if (s.top.length < s.k) lines.push('', `_${s.top.length} largest |∂𝓛/∂z| of ${s.k} classes_`);
  lines.push(
    '',
    `[Jacobian](${commandLink('gradientLens.showJacobian', [uri, s.index])}) · [Gradient](${commandLink('gradientLens.showGradients', [uri, s.index])}) · [Chain rule](${commandLink('gradientLens.explainChainRule', [uri, s.index])})`,
  );
  return lines.join('\n');
}

/** N from the 1/N a mean scales by (1 for a sum). */
const batchSize = (scale: number) => Math.round(1 / scale);

/** The gradient column's heading: the formula with N written out, so no bare "× 1/N" reads as the gradient. */
function gradientFormula(scale: number): string {
  return scale === 1 ? '∂𝓛/∂z = p − y' : `∂𝓛/∂z = (p − y) / ${batchSize(scale)}`;
}

/**
 * The 1/N in words (issue 16: "p − y, × 1/N = 0.04167" read as if the gradient were 0.04167): the
 * batch-mean loss gives each sample 1/N of p − y; the per-sample loss's own gradient is p − y.
 */
function gradientWords(scale: number): string {
  if (scale === 1) return '∂𝓛/∂z = p − y (the batch loss is a sum, so each sample’s gradient is its own)';
  const n = batchSize(scale);
  return `∂𝓛/∂z = (p − y) / N with N = ${n} samples: the batch-mean loss’s gradient, this sample’s 1/${n} share (its own loss’s gradient is p − y)`;
}

export function regressionHoverText(uri: string, s: RegressionSampleSummary, named?: NamedLossText): string {
  return [
    titleOf(s.index, s.loss, named),
    '',
    `ŷ = ${vector(s.predictions)} · y = ${vector(s.targets)}`,
    '',
    `𝓛 = ${named ? named.formula : 'mean (ŷ − y)²'} = ${num(s.loss)}`,
    '',
    `${named ? named.gradient : '∂𝓛/∂ŷ = 2(ŷ − y)/(N·D)'} = ${vector(s.gradient)}`,
    '',
    `[Loss per sample](${commandLink('gradientLens.showLossPerSample', [uri, s.index])})`,
  ].join('\n');
}

/** A network sample's hover: loss, and true and predicted class when the head is a softmax. */
export function networkSampleHoverText(index: number, loss: number, names: { actual: string; predicted: string } | null): string {
  const lines = [`**Gradient Lens · sample ${index}** — loss **${num(loss)}**`];
  if (names) lines.push('', `true class **${escapeMarkdown(names.actual)}** · predicted **${escapeMarkdown(names.predicted)}**`);
  return lines.join('\n');
}

/** Issue 16: a dead ReLU neuron named in the weight hover, with why its gradient is zero. */
export function deadNeuronNote(neuron: number, n: number): string {
  return `$(warning) **dead ReLU neuron ${neuron}**: z ≤ 0 for all ${n} samples, so σ′(z) = 0 and its ∂𝓛/∂w and ∂𝓛/∂b are exactly 0 (it does not learn)`;
}
