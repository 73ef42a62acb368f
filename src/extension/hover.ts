/**
 * Hover on a sample: its loss, true and predicted class, p_true and the gradient ∂L/∂z, in the
 * reference document's notation, with a link to the sample's Jacobian.
 */
import * as vscode from 'vscode';
import { sampleAtOffset } from '../core/dataset';
import { summarizeSample, type ClassificationSampleSummary, type RegressionSampleSummary } from '../core/sampleHover';
import type { ClassificationRow, SampleRow } from '../core/tensorQuery';
import type { AnalysisService, FileAnalysis } from './analysisService';
import { classificationHoverText, HOVER_COMMANDS, regressionHoverText, type NamedLossText } from './hoverText';
import { escapeMarkdown } from '../shared/markdownText';
import { offsetOf, rangeOf } from './ranges';
import { networkHover } from './networkHover';
import { gradientFormula, isNamedLoss, lossFormula, lossLabel } from './lossText';
import { userGradientHover } from './userGradientHover';

export class SampleHoverProvider implements vscode.HoverProvider {
  constructor(private readonly service: AnalysisService) {}

  async provideHover(
    document: vscode.TextDocument,
    position: vscode.Position,
    token: vscode.CancellationToken,
  ): Promise<vscode.Hover | null> {
    const analysis = await this.service.analyzeDocument(document, token);
    if (!analysis?.dataset || token.isCancellationRequested) return null;
    const offset = offsetOf(analysis.lines, position);
    const own = userGradientHover(analysis, offset);
    if (own) return own;
    if (analysis.dataset.task === 'network') return networkHover(analysis, offset);
    const hit = sampleAtOffset(analysis.dataset, offset);
    if (!hit || !analysis.analysis) return null;
    // The sample's row comes from wherever the arrays are (the worker, for a large file).
    const row = (await analysis.data.query({ kind: 'row', index: hit.index })) as SampleRow;
    if (token.isCancellationRequested) return null;
    const summary = summarizeSample(analysis.dataset, analysis.analysis, row);
    if (!summary) return null;
    const md = summary.task === 'classification' ? classificationHover(analysis, summary, row) : regressionHover(analysis, summary);
    const role = analysis.dataset.spans.find((s) => s.role === hit.role)!;
    const range = rangeOf(analysis.lines, role.spans[2 * hit.index], role.spans[2 * hit.index + 1]);
    return new vscode.Hover(md, range);
  }
}

function trusted(text: string): vscode.MarkdownString {
  // Command links only where hoverText builds them (file text is escaped there); no HTML, no images.
  const md = new vscode.MarkdownString(text);
  md.isTrusted = { enabledCommands: [...HOVER_COMMANDS] };
  md.supportThemeIcons = true;
  md.supportHtml = false;
  return md;
}

function classificationHover(file: FileAnalysis, s: ClassificationSampleSummary, row: SampleRow): vscode.MarkdownString {
  return trusted(classificationHoverText(file.uri.toString(), s, namedLossText(file, row)));
}

/** How the hover names a loss the file or the user chose; undefined for the default losses. */
function namedLossText(file: FileAnalysis, row?: SampleRow): NamedLossText | undefined {
  const a = file.analysis;
  if (!a || !isNamedLoss(a)) return undefined;
  const text: NamedLossText = { label: lossLabel(a), formula: lossFormula(a), gradient: gradientFormula(a) };
  if (row?.task === 'classification' && a.lossSpec?.name.startsWith('binary_')) text.multiLabel = multiLabelLine(file, row);
  return text;
}

/** A multi-label sample has no single class: the outputs it predicts on (p ≥ ½) and its positive targets. */
function multiLabelLine(file: FileAnalysis, row: ClassificationRow): string {
  const a = file.analysis;
  if (a?.task !== 'classification' || file.dataset?.task !== 'classification') return '';
  const classes = file.dataset.classes;
  const names = (pick: (j: number) => boolean) => {
    const on = Array.from({ length: a.k }, (_, j) => j).filter(pick);
    return on.length ? on.map((j) => escapeMarkdown(classes?.[j] ?? String(j))).join(', ') : 'none';
  };
  return `predicted on **${names((j) => row.p[j] >= 0.5)}** · targets on **${names((j) => row.y[j] >= 0.5)}** (each output its own sigmoid)`;
}

function regressionHover(file: FileAnalysis, s: RegressionSampleSummary): vscode.MarkdownString {
  return trusted(regressionHoverText(file.uri.toString(), s, namedLossText(file)));
}
