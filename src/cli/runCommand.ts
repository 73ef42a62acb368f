/**
 * `gradient-lens run DIR [--json]`: a training-run folder (RUN-FORMAT.md) as one line per step —
 * the loss recomputed from the step's logged tensors beside the logged loss, and each parameter's
 * gradient and weight norms from the manifest. Bad or partial runs (a malformed line, a missing
 * step file, a line still being written) come out as `FILE:LINE:COL: message` on stderr; any
 * error makes the exit status 1, but every readable step is still reported.
 */
import { dirname, join } from 'node:path';
import { formatLocation, LineIndex } from '../core/lineIndex';
import type { Reduction } from '../core/losses';
import { paramHealth, type HealthThresholds } from '../core/runHealth';
import { lossDisagreement, stepLoss } from '../core/runStep';
import { readManifest, RUN_MANIFEST, type RunStep } from '../core/trainingRun';

export interface RunIo {
  readFile(path: string): Uint8Array;
  out(text: string): void;
  err(text: string): void;
}

interface StepReport {
  step: number;
  loss: number | null;
  loggedLoss: number | null;
  layers: { name: string; gradNorm: number | null; weightNorm: number; health: string }[];
}

/** The manifest of DIR, or DIR itself when it names the `run.jsonl`. */
export function manifestPath(target: string): { manifest: string; folder: string } {
  const trimmed = target.replace(/[/\\]+$/, '');
  if (/\.jsonl$/i.test(trimmed)) return { manifest: trimmed, folder: dirname(trimmed) };
  return { manifest: join(trimmed || '/', RUN_MANIFEST), folder: trimmed || '/' };
}

export function runCommand(target: string, json: boolean, options: { reduction: Reduction } & HealthThresholds, io: RunIo): number {
  const { manifest, folder } = manifestPath(target);
  let bytes: Uint8Array;
  try {
    bytes = io.readFile(manifest);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? `no ${RUN_MANIFEST} here: not a training-run folder (see README, Training runs)`
        : `cannot read the file: ${code ?? (error as Error).message}`;
    io.err(`${manifest}: ${why}\n`);
    return 1;
  }
  const run = readManifest(bytes);
  const index = new LineIndex(bytes);
  const at = (line: number, column: number) => formatLocation(manifest, index, index.offsetAt({ line, character: column }));
  const lines: { line: number; text: string }[] = run.problems.map((p) => ({
    line: p.line,
    text: `${at(p.line, p.column)}: ${p.severity === 'warning' ? 'warning: ' : ''}${p.message}`,
  }));
  let errors = run.problems.some((p) => p.severity === 'error');
  const steps: StepReport[] = [];
  for (const s of run.steps) {
    const where = at(s.line, s.fileColumn);
    const loss = recompute(s, folder, options.reduction, io);
    if ('error' in loss) {
      errors = true;
      lines.push({ line: s.line, text: `${where}: step ${s.step}: ${loss.error}` });
    } else if (s.loss !== null && (s.batchSize === null || s.batchSize <= loss.n)) {
      // A logged loss over more rows than the step file keeps is not comparable; it is not checked.
      const off = lossDisagreement(loss.value, s.loss);
      if (off !== null) {
        const kept =
          run.header?.maxSamples && loss.n >= run.header.maxSamples
            ? ` (the file keeps only the first ${loss.n} samples of the batch, which can explain it)`
            : '';
        lines.push({
          line: s.line,
          text: `${where}: warning: step ${s.step}: the loss recomputed from ${s.file} is ${loss.value}, the logged loss is ${s.loss}: ${off.toExponential(2)} relative, more than 1e-6${kept}`,
        });
      }
    }
    steps.push({
      step: s.step,
      loss: 'error' in loss ? null : loss.value,
      loggedLoss: s.loss,
      layers: s.params.map((p) => ({ name: p.name, gradNorm: p.gradNorm, weightNorm: p.weightNorm, health: paramHealth(p, options) })),
    });
  }
  if (bytes.length === 0)
    lines.push({ line: 0, text: `${manifest}:1:1: warning: the manifest is empty (the run has not written its header yet)` });
  lines.sort((a, b) => a.line - b.line);
  for (const l of lines) io.err(l.text + '\n');
  io.out(json ? JSON.stringify({ steps }) + '\n' : table(manifest, steps));
  return errors ? 1 : 0;
}

function recompute(s: RunStep, folder: string, reduction: Reduction, io: RunIo): { value: number; n: number } | { error: string } {
  let bytes: Uint8Array;
  try {
    bytes = io.readFile(join(folder, s.file));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { error: code === 'ENOENT' ? `its file ${s.file} is missing` : `cannot read ${s.file}: ${code ?? (error as Error).message}` };
  }
  const result = stepLoss(bytes, s.file, reduction);
  return result.ok ? { value: result.loss, n: result.n } : { error: `${s.file}: ${result.message}` };
}

const MARK: Record<string, string> = { ok: ' ', none: ' ', vanishing: '↓', exploding: '↑' };

function table(manifest: string, steps: StepReport[]): string {
  const names = [...new Set(steps.flatMap((s) => s.layers.map((l) => l.name)))];
  const width = names.map((n) => Math.max(12, n.length + 1));
  const out = [
    `${manifest}: ${steps.length} step${steps.length === 1 ? '' : 's'}, ${names.length} parameters; gradient norms ‖∂L/∂W‖ (↓ vanishing, ↑ exploding)`,
    '',
  ];
  out.push(
    `${'step'.padStart(8)}  ${'loss'.padStart(12)}  ${'logged'.padStart(12)}` + names.map((n, i) => n.padStart(width[i]) + ' ').join(''),
  );
  for (const s of steps) {
    const norms = names.map((n, i) => {
      const layer = s.layers.find((l) => l.name === n);
      const text = !layer ? '' : layer.gradNorm === null ? '—' : fmt(layer.gradNorm);
      return ` ${text}`.padStart(width[i]) + (layer ? MARK[layer.health] : ' ');
    });
    out.push(
      `${String(s.step).padStart(8)}  ${(s.loss === null ? '—' : fmt(s.loss)).padStart(12)}  ${(s.loggedLoss === null ? '—' : fmt(s.loggedLoss)).padStart(12)}` +
        norms.join(''),
    );
  }
  return out.join('\n') + '\n';
}

function fmt(x: number): string {
  return Math.abs(x) >= 1e-3 && Math.abs(x) < 1e5 ? x.toFixed(6) : x.toExponential(4);
}
