/**
 * Hover on a sample: its loss, true and predicted class, p_true and the gradient ∂L/∂z, in the
 * reference document's notation, with a link to the sample's Jacobian.
 */
import * as vscode from 'vscode';
import { sampleAtOffset } from '../core/dataset';
import { summarizeSample, type ClassificationSampleSummary, type RegressionSampleSummary } from '../core/sampleSummary';
import type { AnalysisService, FileAnalysis } from './analysisService';
import { num, vector } from './format';
import { offsetOf, rangeOf } from './ranges';
import { networkHover } from './networkHover';
import { gradientFormula, isNamedLoss, lossFormula, lossLabel } from './lossText';
import { userGradientHover } from './userGradientHover';

export class SampleHoverProvider implements vscode.HoverProvider {
  constructor(private readonly service: AnalysisService) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Hover | null> {
    const analysis = await this.service.analyzeDocument(document, token);
    if (!analysis?.dataset || token.isCancellationRequested) return null;
    const offset = offsetOf(analysis.lines, position);
    const own = userGradientHover(analysis, offset);
    if (own) return own;
    if (analysis.dataset.task === 'network') return networkHover(analysis, offset);
    const hit = sampleAtOffset(analysis.dataset, offset);
    if (!hit || !analysis.analysis) return null;
    const summary = summarizeSample(analysis.dataset, analysis.analysis, hit.index);
    if (!summary) return null;
    const md = summary.task === 'classification' ? classificationHover(analysis, summary) : regressionHover(analysis, summary);
    const role = analysis.dataset.spans.find((s) => s.role === hit.role)!;
    const range = rangeOf(analysis.lines, role.spans[2 * hit.index], role.spans[2 * hit.index + 1]);
    return new vscode.Hover(md, range);
  }
}

export function commandLink(command: string, args: unknown[]): string {
  return `command:${command}?${encodeURIComponent(JSON.stringify(args))}`;
}

function trusted(text: string): vscode.MarkdownString {
  const md = new vscode.MarkdownString(text);
  md.isTrusted = { enabledCommands: ['gradientLens.showJacobian', 'gradientLens.showGradients', 'gradientLens.explainChainRule', 'gradientLens.showLossPerSample'] };
  md.supportThemeIcons = true;
  return md;
}

function classificationHover(file: FileAnalysis, s: ClassificationSampleSummary): vscode.MarkdownString {
  const uri = file.uri.toString();
  const mark = s.correct ? '$(pass) correct' : '$(error) wrong';
  const a = file.analysis!;
  const named = isNamedLoss(a);
  const sigmoid = a.lossSpec?.name.startsWith('binary_') ?? false;
  const lines = [
    `**Gradient Lens · sample ${s.index}** — ${named ? `${escape(lossLabel(a))} ` : ''}loss **${num(s.loss)}**`,
    '',
    sigmoid ? multiLabelLine(file, s.index) : `true class **${s.actualName}** · predicted **${s.predictedName}** · ${mark}`,
    '',
    `${sigmoid ? '' : `p_true = ${num(s.pTrue)} · `}𝓛 = ${named ? lossFormula(a) : '−Σ yᵢ log(pᵢ)'} = ${num(s.loss)}`,
    '',
    named ? `${gradientFormula(a)} · ‖∂𝓛/∂z‖ = ${num(s.gradientNorm)}` : `∂𝓛/∂z = p − y${s.scale !== 1 ? `, × 1/N = ${num(s.scale)}` : ''} · ‖∂𝓛/∂z‖ = ${num(s.gradientNorm)}`,
    '',
    '| class | p | y | ∂𝓛/∂z |',
    '|---|---:|---:|---:|',
    ...s.top.map((e) => `| ${escape(e.name)} | ${num(e.p)} | ${num(e.y)} | ${num(e.gradient)} |`),
  ];
  if (s.top.length < s.k) lines.push('', `_${s.top.length} largest |∂𝓛/∂z| of ${s.k} classes_`);
  lines.push(
    '',
    `[Jacobian](${commandLink('gradientLens.showJacobian', [uri, s.index])}) · [Gradient](${commandLink('gradientLens.showGradients', [uri, s.index])}) · [Chain rule](${commandLink('gradientLens.explainChainRule', [uri, s.index])})`,
  );
  return trusted(lines.join('\n'));
}

/** A multi-label sample has no single class: the outputs it predicts on (p ≥ ½) and its positive targets. */
function multiLabelLine(file: FileAnalysis, i: number): string {
  const a = file.analysis;
  if (a?.task !== 'classification' || file.dataset?.task !== 'classification') return '';
  const classes = file.dataset.classes;
  const names = (pick: (j: number) => boolean) => {
    const on = Array.from({ length: a.k }, (_, j) => j).filter(pick);
    return on.length ? on.map((j) => escape(classes?.[j] ?? String(j))).join(', ') : 'none';
  };
  return `predicted on **${names((j) => a.probabilities[i * a.k + j] >= 0.5)}** · targets on **${names((j) => a.targets[i * a.k + j] >= 0.5)}** (each output its own sigmoid)`;
}

function regressionHover(file: FileAnalysis, s: RegressionSampleSummary): vscode.MarkdownString {
  const a = file.analysis!;
  const lines = [
    `**Gradient Lens · sample ${s.index}** — ${isNamedLoss(a) ? `${escape(lossLabel(a))} ` : ''}loss **${num(s.loss)}**`,
    '',
    `ŷ = ${vector(s.predictions)} · y = ${vector(s.targets)}`,
    '',
    `𝓛 = ${lossFormula(a)} = ${num(s.loss)}`,
    '',
    `${isNamedLoss(a) ? gradientFormula(a) : '∂𝓛/∂ŷ = 2(ŷ − y)/(N·D)'} = ${vector(s.gradient)}`,
    '',
    `[Loss per sample](${commandLink('gradientLens.showLossPerSample', [file.uri.toString(), s.index])})`,
  ];
  return trusted(lines.join('\n'));
}

function escape(text: string): string {
  return text.replace(/[|\\`*_[\]<>]/g, (c) => `\\${c}`);
}
