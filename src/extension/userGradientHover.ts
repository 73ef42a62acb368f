/**
 * Hover on one of the user's own derivative entries (dinputs, jacobian, dweights…): the value
 * given, the exact one, their difference and the formula with its numbers.
 */
import * as vscode from 'vscode';
import { entryFormula, entryName, type CheckedTensor, type UserGradientReport } from '../core/userGradientCheck';
import type { FileAnalysis } from './analysisService';
import { num } from './format';
import { rangeOf } from './ranges';

export function userGradientHover(file: FileAnalysis, offset: number): vscode.Hover | null {
  const report = file.userCheck;
  if (!report) return null;
  for (const t of report.tensors) {
    const i = entryAt(t, offset);
    if (i < 0) continue;
    const md = new vscode.MarkdownString(entryMarkdown(report, t, i));
    md.supportThemeIcons = true;
    return new vscode.Hover(md, rangeOf(file.lines, t.spans![2 * i], t.spans![2 * i + 1]));
  }
  return null;
}

export function entryMarkdown(report: UserGradientReport, t: CheckedTensor, i: number): string {
  const name = entryName(t, i);
  const given = t.given[i];
  if (!t.expected)
    return [`**Gradient Lens · your ${name}** = ${num(given)}`, '', `$(error) not compared: ${t.unchecked ?? 'no exact value'}`].join('\n');
  const exact = t.expected[i];
  const diff = given - exact;
  const relative = diff === 0 ? 0 : exact === 0 ? Infinity : Math.abs(diff) / Math.abs(exact);
  const wrongHere = t.wrongMask?.[i] === 1;
  const mark = wrongHere ? '$(error) differs' : '$(pass) matches';
  const lines = [
    `**Gradient Lens · your ${name}** — ${mark}`,
    '',
    '| | |',
    '|---|---:|',
    `| given | ${num(given, 6)} |`,
    `| exact ${t.quantity} | ${num(exact, 6)} |`,
    `| difference | ${num(diff, 3)}${relative === 0 ? '' : ` (relative ${relative === Infinity ? '∞' : num(relative, 3)})`} |`,
    '',
    `${t.quantity} = ${entryFormula(t, i)}`,
    '',
    `_tolerance: |given − exact| ≤ ${report.atol} + ${report.rtol}·|exact|, reduction ${report.reduction}_`,
  ];
  if (t.diagnosis) lines.push('', `**The whole ${t.name}:** ${t.diagnosis}`);
  return lines.join('\n');
}

/** The entry whose [start, end] contains the offset, or -1. Spans are in file order except in odd CSVs. */
function entryAt(t: CheckedTensor, offset: number): number {
  const s = t.spans;
  if (!s || s.length === 0 || offset < t.span.start - 1 || (t.format !== 'csv' && offset > t.span.end)) return -1;
  let lo = 0;
  let hi = s.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (s[2 * mid + 1] < offset) lo = mid + 1;
    else if (s[2 * mid] > offset) hi = mid - 1;
    else return mid;
  }
  if (t.format === 'csv' && s.length <= 400_000) {
    for (let i = 0; i < s.length / 2; i++) if (s[2 * i] <= offset && offset <= s[2 * i + 1]) return i;
  }
  return -1;
}
