import * as vscode from 'vscode';
import type { PipelineOptions } from '../core/pipeline';

export interface Settings {
  pipeline: PipelineOptions;
  codeLensEnabled: boolean;
  codeLensMaxSamples: number;
  maxFileBytes: number;
  workerThresholdBytes: number;
  /** Threads that read a large CSV or JSON logits file from disk (0: one per core). */
  readThreads: number;
  debounceMs: number;
}

export function readSettings(): Settings {
  const c = vscode.workspace.getConfiguration('gradientLens');
  const maxFileBytes = c.get<number>('maxFileSizeMB', 2048) * 1024 * 1024;
  const warnings = {
    confidentlyWrongBelow: c.get<boolean>('warnings.confidentlyWrong', true) ? c.get<number>('warnings.confidentlyWrongThreshold', 0.1) : 0,
    confidentAbove: c.get<number>('warnings.confidentPrediction', 0.5),
    outlierIqrMultiplier: c.get<boolean>('warnings.lossOutliers', true) ? c.get<number>('warnings.outlierIqrMultiplier', 3) : 0,
  };
  return {
    pipeline: {
      reduction: c.get<'mean' | 'sum'>('reduction', 'mean') === 'sum' ? 'sum' : 'mean',
      epsilon: c.get<number>('epsilon', 1e-7),
      sumTolerance: c.get<number>('probabilityTolerance', 1e-4),
      warnings,
      vanishingThreshold: c.get<number>('network.vanishingThreshold', 1e-6),
      explodingThreshold: c.get<number>('network.explodingThreshold', 1000),
      checkRtol: c.get<number>('check.rtol', 1e-5),
      checkAtol: c.get<number>('check.atol', 1e-8),
      loss: { fallback: c.get<unknown>('loss', '') },
      // An .npz inflates to no more than a file may be (issue 17: the budget follows the setting).
      maxArchiveBytes: maxFileBytes,
    },
    codeLensEnabled: c.get<boolean>('codeLens.enabled', true),
    codeLensMaxSamples: c.get<number>('codeLens.maxSamples', 2000),
    maxFileBytes,
    workerThresholdBytes: c.get<number>('workerThresholdKB', 512) * 1024,
    readThreads: Math.max(0, Math.floor(c.get<number>('threads', 0))),
    debounceMs: c.get<number>('diagnostics.debounceMs', 300),
  };
}
