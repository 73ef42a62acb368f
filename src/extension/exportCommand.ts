/**
 * gradientLens.exportAnalysis: the analysis of a file (losses, gradients, probabilities) or one
 * sample's softmax Jacobian, saved as JSON, CSV, .npz or .npy to a new file the user chooses.
 * The save dialog opens beside the data file with a new name, and the data file itself is refused:
 * the extension never writes to the user's data.
 *
 * Arguments (all optional, for the explorer, the NumPy viewer's buttons and tests):
 *   (uri | string, { kind?: ExportKind, target?: uri | string, sample?: number })
 * With `kind` and `target` no question is asked.
 */
import * as vscode from 'vscode';
import type { NetworkData } from '../core/dataset';
import { exportNetwork, type ExportFormat, type NpyQuantity } from '../core/exportAnalysis';
import { analyzeNetwork } from '../core/network';
import type { AnalysisService, FileAnalysis } from './analysisService';
import { analyseForCommand, commandTarget } from './commandTarget';
import { readSettings } from './config';
import { isSameFile } from './sameResource';

export type ExportKind =
  'json' | 'csv' | 'npz' | 'safetensors' | 'npy-gradient' | 'npy-losses' | 'jacobian-json' | 'jacobian-csv' | 'jacobian-npy';

interface KindInfo {
  label: string;
  detail: string;
  format: ExportFormat;
  /** Suffix of the suggested name: <stem>.<suffix>. */
  suffix: (sample: number) => string;
  jacobian?: boolean;
  npy?: NpyQuantity;
  /** Shown for these tasks only. */
  tasks?: string[];
}

const KINDS: Record<ExportKind, KindInfo> = {
  json: {
    label: 'Analysis as JSON',
    detail: 'loss, per-sample losses, probabilities, gradients, predictions, classes',
    format: 'json',
    suffix: () => 'analysis.json',
  },
  csv: {
    label: 'Analysis as CSV',
    detail: 'one row per sample: loss, p_<class>…, grad_<class>…',
    format: 'csv',
    suffix: () => 'analysis.csv',
  },
  npz: { label: 'Analysis as NumPy .npz', detail: 'every array, for np.load', format: 'npz', suffix: () => 'analysis.npz' },
  safetensors: {
    label: 'Analysis as .safetensors',
    detail: 'every array, for safetensors load_file (NumPy or PyTorch)',
    format: 'safetensors',
    suffix: () => 'analysis.safetensors',
  },
  'npy-gradient': {
    label: 'Gradient as NumPy .npy',
    detail: '∂L/∂(the file’s tensor), N × K',
    format: 'npy',
    npy: 'gradient',
    suffix: () => 'gradient.npy',
    tasks: ['classification', 'regression'],
  },
  'npy-losses': { label: 'Per-sample losses as NumPy .npy', detail: 'N values', format: 'npy', npy: 'losses', suffix: () => 'losses.npy' },
  'jacobian-json': {
    label: 'Softmax Jacobian of one sample as JSON',
    detail: 'K × K, ∂p_j/∂z_k',
    format: 'json',
    jacobian: true,
    suffix: (i) => `jacobian-${i}.json`,
    tasks: ['classification'],
  },
  'jacobian-csv': {
    label: 'Softmax Jacobian of one sample as CSV',
    detail: 'K × K table, rows p_j, columns z_k',
    format: 'csv',
    jacobian: true,
    suffix: (i) => `jacobian-${i}.csv`,
    tasks: ['classification'],
  },
  'jacobian-npy': {
    label: 'Softmax Jacobian of one sample as NumPy .npy',
    detail: 'K × K',
    format: 'npy',
    jacobian: true,
    suffix: (i) => `jacobian-${i}.npy`,
    tasks: ['classification'],
  },
};

export interface ExportArgs {
  kind?: ExportKind;
  target?: vscode.Uri | string;
  sample?: number;
}

/** `visibleFile`: the panel's file, used when no editor is active (optional). */
export function registerExportCommand(service: AnalysisService, panel?: { readonly visibleFile: string | null }): vscode.Disposable {
  return vscode.commands.registerCommand('gradientLens.exportAnalysis', async (target?: vscode.Uri | string, args: ExportArgs = {}) => {
    const uri = commandTarget(target, panel);
    if (!uri) {
      void vscode.window.showWarningMessage(
        'Gradient Lens: open a tensor file (.json, .csv, .npy or .npz) or pick one in the explorer to export its analysis.',
      );
      return undefined;
    }
    const file = await analyseForCommand(service, uri);
    if (!file) return undefined;
    return exportFile(file, args);
  });
}

async function exportFile(file: FileAnalysis, args: ExportArgs): Promise<vscode.Uri | undefined> {
  const task = file.dataset!.task;
  let kind = args.kind;
  if (kind && !(kind in KINDS)) {
    void vscode.window.showErrorMessage(`Gradient Lens: unknown export "${kind}"; one of ${Object.keys(KINDS).join(', ')}.`);
    return undefined;
  }
  if (!kind) {
    const items = (Object.keys(KINDS) as ExportKind[])
      .filter((k) => !KINDS[k].tasks || KINDS[k].tasks!.includes(task))
      .map((k) => ({ label: KINDS[k].label, detail: KINDS[k].detail, exportKind: k }));
    const picked = await vscode.window.showQuickPick(items, {
      title: `Export the analysis of ${file.fileName}`,
      placeHolder: 'What to export, in which format',
    });
    if (!picked) return undefined;
    kind = picked.exportKind;
  }
  const info = KINDS[kind];
  if (info.tasks && !info.tasks.includes(task)) {
    void vscode.window.showErrorMessage(
      `Gradient Lens: "${info.label}" needs a ${info.tasks.join(' or ')} file; ${file.fileName} is a ${task} file.`,
    );
    return undefined;
  }
  let sample = 0;
  if (info.jacobian) {
    const n = file.dataset!.n;
    if (typeof args.sample === 'number') sample = args.sample;
    else if (n > 1) {
      const text = await vscode.window.showInputBox({
        title: 'Softmax Jacobian of which sample?',
        value: '0',
        prompt: `A sample index from 0 to ${n - 1}`,
        validateInput: (v) => (/^\d+$/.test(v.trim()) && Number(v) < n ? null : `a whole number from 0 to ${n - 1}`),
      });
      if (text === undefined) return undefined;
      sample = Number(text.trim());
    }
    if (!Number.isInteger(sample) || sample < 0 || sample >= n) {
      void vscode.window.showErrorMessage(`Gradient Lens: sample must be a whole number from 0 to ${n - 1}, not ${sample}.`);
      return undefined;
    }
  }

  const stem = file.fileName.replace(/\.[^.]*$/, '') || file.fileName;
  const folder = vscode.Uri.joinPath(file.uri, '..');
  let target: vscode.Uri | undefined = typeof args.target === 'string' ? vscode.Uri.parse(args.target) : args.target;
  if (!target) {
    target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.joinPath(folder, `${stem}.${info.suffix(sample)}`),
      filters: { [info.format === 'npy' || info.format === 'npz' ? `NumPy .${info.format}` : info.format.toUpperCase()]: [info.format] },
      title: `Export: ${info.label}`,
      saveLabel: 'Export',
    });
    if (!target) return undefined;
  }
  if (isSameFile(target, file.uri)) {
    void vscode.window.showErrorMessage(`Gradient Lens will not write over the data file ${file.fileName}; choose another name.`);
    return undefined;
  }

  try {
    const dataset = file.dataset!;
    if (dataset.task === 'network') await vscode.workspace.fs.writeFile(target, renderNetwork(file, info));
    else {
      // Made where the arrays are: a worker writes a local file itself, so the bytes skip the host.
      const classes = dataset.task === 'classification' ? dataset.classes : null;
      const jacobianOf = info.jacobian ? sample : null;
      await file.data.exportTo(
        { kind: 'export', jacobianOf, format: info.format, npy: info.npy, fileName: file.fileName, classes },
        target,
      );
    }
  } catch (error) {
    void vscode.window.showErrorMessage(
      `Gradient Lens: cannot export ${file.fileName} to ${target.fsPath || target.toString()}: ${(error as Error).message}`,
    );
    return undefined;
  }
  void vscode.window.showInformationMessage(
    `Gradient Lens: saved ${target.path.slice(target.path.lastIndexOf('/') + 1)} (${info.label} of ${file.fileName}).`,
  );
  return target;
}

function renderNetwork(file: FileAnalysis, info: KindInfo): Uint8Array {
  const dataset = file.dataset as NetworkData;
  const ctx = { fileName: file.fileName, compress: true, npy: info.npy };
  // The pipeline already ran the network; recompute only if an older analysis lacks it.
  const analysis = file.network?.analysis ?? analyzeNetwork(dataset, { reduction: readSettings().pipeline.reduction });
  return exportNetwork(dataset, analysis, info.format, { ...ctx, classes: dataset.classes });
}
