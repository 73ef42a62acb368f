/**
 * Bytes in, everything the editor shows out: the one function the extension runs (inline for
 * small files, in a worker thread for large ones). Plain data only, so it crosses postMessage.
 */
import { analyze, type Analysis } from './analysis';
import type { Dataset } from './dataset';
import { loadTensorFile } from './load';
import type { Reduction } from './losses';
import type { Problem } from './problems';
import { dataWarnings, type WarningOptions } from './warnings';
import { analyzeNetworkDataset, type NetworkResult } from './networkPipeline';
import type { RoleAssignment } from './npzRoles';
import type { LossChoice } from './loss/lossDataset';
import { checkUserGradients, type UserGradientReport } from './userGradientCheck';

export interface PipelineOptions {
  reduction?: Reduction;
  epsilon?: number;
  sumTolerance?: number;
  warnings?: WarningOptions | false;
  vanishingThreshold?: number;
  explodingThreshold?: number;
  /** Sibling files (labels.npy, classes.txt) read by the caller, so the core needs no file system. */
  siblings?: Record<string, Uint8Array | null>;
  /** The user's choice of arrays for an ambiguous .npz. */
  roleChoice?: RoleAssignment;
  /** See AnalysisOptions: the worker's analysis, whose store derives the N × K rows when asked. */
  rowsOnDemand?: boolean;
  /** Tolerances for the check of the user's own derivatives (gradientLens.check.rtol / atol). */
  checkRtol?: number;
  checkAtol?: number;
  /** The loss chosen outside the file (CLI flags, the gradientLens.loss setting); see src/core/loss. */
  loss?: LossChoice;
  /** Most bytes an .npz may inflate in all: the gradientLens.maxFileSizeMB limit. */
  maxArchiveBytes?: number;
  /** The caller gives up the bytes (it will not change, reuse or transfer them): a .npy's data may be a view of them. */
  bytesHandedOver?: boolean;
}

export interface PipelineResult {
  dataset: Dataset | null;
  analysis: Analysis | null;
  network: NetworkResult | null;
  problems: Problem[];
  /** The user's own derivatives (dinputs, jacobian, dweights…) checked entry by entry, when the file has any. */
  userCheck?: UserGradientReport | null;
}

export function runPipeline(bytes: Uint8Array, fileName: string, options: PipelineOptions = {}): PipelineResult {
  const loaded = loadTensorFile(bytes, fileName, {
    sumTolerance: options.sumTolerance,
    siblings: options.siblings,
    roleChoice: options.roleChoice,
    loss: options.loss,
    maxArchiveBytes: options.maxArchiveBytes,
    bytesHandedOver: options.bytesHandedOver,
  });
  const problems = [...loaded.problems];
  const dataset = loaded.dataset;
  if (!dataset) return { dataset: null, analysis: null, network: null, problems };
  const userCheck = loaded.userGradients?.tensors.length
    ? checkUserGradients(dataset, loaded.userGradients, {
        reduction: options.reduction,
        epsilon: options.epsilon,
        rtol: options.checkRtol,
        atol: options.checkAtol,
      })
    : null;
  if (userCheck) problems.push(...userCheck.problems);
  if (dataset.task === 'network') {
    const network = analyzeNetworkDataset(dataset, options);
    return { dataset, analysis: null, network, problems: problems.concat(network.problems), userCheck };
  }
  const analysis = analyze(dataset, {
    reduction: options.reduction,
    epsilon: options.epsilon,
    rowsOnDemand: options.rowsOnDemand,
  });
  if (options.warnings !== false) problems.push(...dataWarnings(dataset, analysis, options.warnings ?? {}));
  return { dataset, analysis, network: null, problems, userCheck };
}
