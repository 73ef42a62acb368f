/** Helpers for suites that run inside the real extension host (code-server or test-electron). */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { runPipeline, type PipelineResult } from '../../../src/core/pipeline';
import type { AnalysisService, FileAnalysis } from '../../../src/extension/analysisService';

export function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the suite needs a workspace folder (a copy of examples/)');
  return vscode.Uri.joinPath(folder.uri, name);
}

/** The core's own analysis of a file, with default settings (and the sibling files given): what the editor must show. */
export function coreAnalysis(uri: vscode.Uri, siblings?: Record<string, Uint8Array>): PipelineResult & { bytes: Uint8Array } {
  const bytes = new Uint8Array(readFileSync(uri.fsPath));
  return { bytes, ...runPipeline(bytes, uri.path.split('/').pop()!, { siblings }) };
}

/** The editor's analysis is the core's on `text`: its loss, and its problems (one at least) at the same byte ranges. */
export function assertSameAsCore(file: FileAnalysis, text: string): void {
  const core = runPipeline(new TextEncoder().encode(text), file.fileName);
  assert.equal(file.analysis?.loss, core.analysis?.loss, 'loss');
  assert.deepEqual(
    file.problems.map((p) => `${p.code} ${p.start}-${p.end}`),
    core.problems.map((p) => `${p.code} ${p.start}-${p.end}`),
    'problems and their byte ranges',
  );
  assert.ok(file.problems.length > 0, 'a problem to place');
}

export function sha256(uri: vscode.Uri): string {
  return createHash('sha256').update(readFileSync(uri.fsPath)).digest('hex');
}

export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  timeoutMs = 15000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function open(name: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(workspaceFile(name));
  return vscode.window.showTextDocument(document);
}

export function hoverText(hovers: vscode.Hover[]): string {
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
}

/** Byte offset → position, for ASCII example files (what the core's spans index). */
export function positionAt(document: vscode.TextDocument, byteOffset: number): vscode.Position {
  return document.positionAt(byteOffset);
}

/**
 * For a Mocha suite: the extension activated and `settings` (full keys) set in the workspace before
 * its tests, put back after them. Returns the extension's AnalysisService, once `before` has run.
 */
export function activatedWith(settings: Record<string, unknown>): () => AnalysisService {
  let service: AnalysisService | undefined;
  const update = (value: (key: string) => unknown) =>
    Promise.all(
      Object.keys(settings).map((key) => vscode.workspace.getConfiguration().update(key, value(key), vscode.ConfigurationTarget.Workspace)),
    );
  before(async () => {
    const extension = vscode.extensions.getExtension<{ service: AnalysisService }>('gradient-lens.gradient-lens')!;
    service = (await extension.activate()).service;
    await update((key) => settings[key]);
  });
  after(() => update(() => undefined));
  return () => service!;
}
