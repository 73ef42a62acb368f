/**
 * Hover on a sample: its loss, true and predicted class, p_true and the gradient ∂L/∂z, in the
 * reference document's notation, with a link to the sample's Jacobian.
 */
import * as vscode from 'vscode';
import { sampleAtOffset } from '../core/dataset';
import { summarizeSample, type ClassificationSampleSummary, type RegressionSampleSummary } from '../core/sampleSummary';
import type { AnalysisService, FileAnalysis } from './analysisService';
import { classificationHoverText, HOVER_COMMANDS, regressionHoverText } from './hoverText';
import { offsetOf, rangeOf } from './ranges';
import { networkHover } from './networkHover';

export class SampleHoverProvider implements vscode.HoverProvider {
  constructor(private readonly service: AnalysisService) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Hover | null> {
    const analysis = await this.service.analyzeDocument(document, token);
    if (!analysis?.dataset || token.isCancellationRequested) return null;
    const offset = offsetOf(analysis.lines, position);
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

function trusted(text: string): vscode.MarkdownString {
  // Command links only where hoverText builds them (file text is escaped there); no HTML, no images.
  const md = new vscode.MarkdownString(text);
  md.isTrusted = { enabledCommands: [...HOVER_COMMANDS] };
  md.supportThemeIcons = true;
  md.supportHtml = false;
  return md;
}

function classificationHover(file: FileAnalysis, s: ClassificationSampleSummary): vscode.MarkdownString {
  return trusted(classificationHoverText(file.uri.toString(), s));
}

function regressionHover(file: FileAnalysis, s: RegressionSampleSummary): vscode.MarkdownString {
  return trusted(regressionHoverText(file.uri.toString(), s));
}
