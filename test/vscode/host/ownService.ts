/**
 * For suites that watch which worker ran an analysis, or what it was read from: an
 * AnalysisService of their own in this real extension host (no other suite's open analyses
 * share its workers or its edit log), and a file written to the workspace, opened in an editor.
 */
import * as vscode from 'vscode';
import { AnalysisService } from '../../../src/extension/analysisService';
import { workspaceFile } from './util';

export function ownAnalysisService(name: string): { service: AnalysisService; dispose: () => void } {
  const extension = vscode.extensions.getExtension('gradient-lens.gradient-lens')!;
  const log = vscode.window.createOutputChannel(`Gradient Lens ${name} test`, { log: true });
  const service = new AnalysisService(extension.extensionUri, log);
  return {
    service,
    dispose: () => {
      service.dispose();
      log.dispose();
    },
  };
}

export async function openWritten(
  name: string,
  text: string,
): Promise<{ uri: vscode.Uri; document: vscode.TextDocument; editor: vscode.TextEditor }> {
  const uri = workspaceFile(name);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  const document = await vscode.workspace.openTextDocument(uri);
  return { uri, document, editor: await vscode.window.showTextDocument(document) };
}
