/**
 * `gradient-lens check FILE` on a file that carries the user's own derivatives: exit 0 with one
 * line when every entry matches; else exit 1 with `FILE:LINE:COL: message` per wrong entry on
 * stderr (the first 20, then a count) and a summary naming the mistake when one is recognised.
 */
import type { Dataset } from '../core/dataset';
import { formatLocation, LineIndex } from '../core/lineIndex';
import { formatOf, isBinaryFormat } from '../core/load';
import type { Reduction } from '../core/losses';
import { checkUserGradients, entryName, reportSummary } from '../core/userGradientCheck';
import type { UserGradients } from '../core/userGradients';

export const CHECK_LISTED = 20;

export interface Tolerances {
  rtol?: number;
  atol?: number;
}

/** `--rtol` / `--atol` as non-negative numbers, or a message. */
export function parseTolerances(rtol: string | undefined, atol: string | undefined): Tolerances | string {
  const out: Tolerances = {};
  for (const [flag, text, key] of [
    ['--rtol', rtol, 'rtol'],
    ['--atol', atol, 'atol'],
  ] as const) {
    if (text === undefined) continue;
    const value = text.trim() === '' ? NaN : Number(text);
    if (!Number.isFinite(value) || value < 0) return `${flag} must be a number ≥ 0 such as 1e-5, not "${text}"`;
    out[key] = value;
  }
  return out;
}

interface Io {
  out(text: string): void;
  err(text: string): void;
}

export function userCheckCommand(
  file: string,
  bytes: Uint8Array,
  dataset: Dataset,
  user: UserGradients,
  reduction: Reduction,
  tolerances: Tolerances,
  json: boolean,
  io: Io,
): number {
  const report = checkUserGradients(dataset, user, { reduction, ...tolerances });
  // A binary file's entries are named by the file (their offsets are bytes); no line scan of them.
  const index = isBinaryFormat(formatOf(file)) ? null : new LineIndex(bytes);
  const where = (offset: number) => (index ? formatLocation(file, index, offset) : file);
  const failed = report.wrongEntries > 0;
  if (json) {
    const tensors = report.tensors.map((t) => ({
      name: t.name,
      entries: t.entries,
      wrong: t.wrong,
      worstRelative: finite(t.worstRelative),
      diagnosis: t.diagnosis,
      unchecked: t.unchecked,
    }));
    const wrong = report.wrong.map((w) => ({
      entry: entryName(report.tensors[w.tensor], w.index),
      at: where(w.start),
      given: w.given,
      expected: w.expected,
      message: w.message,
    }));
    const out = {
      passed: !failed,
      entries: report.entries,
      wrongEntries: report.wrongEntries,
      worstRelative: finite(report.worstRelative),
      rtol: report.rtol,
      atol: report.atol,
      reduction: report.reduction,
      tensors,
      wrong,
    };
    io.out(JSON.stringify(out) + '\n');
    return failed ? 1 : 0;
  }
  for (const p of report.problems) if (p.severity === 'warning') io.err(`${where(p.start)}: warning: ${p.message}\n`);
  if (!failed) {
    io.out(reportSummary(report) + '\n');
    return 0;
  }
  const errors = report.problems.filter((p) => p.severity === 'error');
  for (const p of errors.slice(0, CHECK_LISTED)) io.err(`${where(p.start)}: ${p.message}\n`);
  // Entries past the listed ones (the core lists at most MAX_WRONG_LISTED, but counts them all).
  const total =
    report.tensors.reduce((sum, t) => sum + (t.expected ? t.wrong : 0), 0) +
    errors.filter((p) => p.code === 'gradient-shape' || p.code === 'gradient-unchecked').length;
  const more = total - Math.min(errors.length, CHECK_LISTED);
  if (more > 0) io.err(`…and ${more} more wrong ${more === 1 ? 'entry' : 'entries'}\n`);
  io.err(reportSummary(report) + '\n');
  return 1;
}

function finite(x: number): number | string {
  return Number.isFinite(x) ? x : String(x);
}
