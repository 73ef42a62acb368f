/**
 * A sample's K × K softmax Jacobian written one row at a time, so no K² string or array is ever
 * held: the CLI streams it to stdout or to `--out`, and refuses, with the size it would need, an
 * output above the limit (K = 66,000 is 4.4 × 10⁹ entries: 105 GB of JSON).
 */
import { columnNames, csvCell } from './exportAnalysis';
import { byteSize, DEFAULT_MAX_FILE_BYTES } from './limits';
import { npyHeaderBytes } from './npy';

export type JacobianFormat = 'json' | 'csv' | 'npy' | 'npz' | 'table';

/** No Jacobian output (stdout or file) above this; the .npz is built in memory, so less for it. */
export const JACOBIAN_OUTPUT_LIMIT = DEFAULT_MAX_FILE_BYTES;
export const JACOBIAN_NPZ_LIMIT = 256 * 1024 * 1024;
/** A Jacobian entry p_j(δ_jk − p_k) printed by String(): at most ~24 characters and a separator. */
const TEXT_BYTES_PER_ENTRY = 24;

/** Row j of J = diag(p) − p pᵀ, the same arithmetic as softmaxJacobian. */
export function jacobianRow(p: ArrayLike<number>, j: number, row: Float64Array): Float64Array {
  const pj = p[j];
  for (let c = 0; c < row.length; c++) row[c] = -pj * p[c];
  row[j] += pj;
  return row;
}

/** About how many bytes the Jacobian of K classes takes in `format` (`width`: a table column's). */
export function jacobianOutputBytes(k: number, format: JacobianFormat, width = 10): number {
  const entries = k * k;
  if (format === 'npy' || format === 'npz') return entries * 8 + 128;
  if (format === 'table') return entries * width + k * (width + 1);
  return entries * TEXT_BYTES_PER_ENTRY;
}

/**
 * Why the Jacobian of K classes cannot be written in `format`, or null when it can. `sigmoidToo`:
 * the output holds the sigmoid Jacobian beside the softmax one (a sigmoid loss's JSON), twice the size.
 */
export function jacobianTooLarge(k: number, format: JacobianFormat, width = 10, sigmoidToo = false): string | null {
  const matrices = sigmoidToo ? 2 : 1;
  const bytes = matrices * jacobianOutputBytes(k, format, width);
  const limit = format === 'npz' ? JACOBIAN_NPZ_LIMIT : JACOBIAN_OUTPUT_LIMIT;
  if (bytes <= limit) return null;
  const what =
    format === 'table'
      ? 'as a table'
      : format === 'npz'
        ? 'in an .npz (built in memory)'
        : `as ${format === 'npy' ? '.npy' : format.toUpperCase()}`;
  const hint =
    format === 'npz' && k * k * 8 + 128 <= JACOBIAN_OUTPUT_LIMIT
      ? '; --out J.npy streams it'
      : "; J = diag(p) − p pᵀ follows from the sample's probabilities (analyze --json)";
  const which = sigmoidToo ? 'the sigmoid and softmax Jacobians' : 'the softmax Jacobian';
  return `${which} of ${k.toLocaleString('en-US')} classes ha${sigmoidToo ? 've' : 's'} ${(matrices * k * k).toLocaleString('en-US')} entries, about ${byteSize(bytes)} ${what}, above the ${byteSize(limit)} an output may have${hint}`;
}

const encoder = new TextEncoder();

/** The CLI's `--json`: {"sample":I,"jacobian":[[…],…]} and a newline, row by row. */
export function* jacobianJsonLines(p: Float64Array, sample: number): Generator<string> {
  const row = new Float64Array(p.length);
  yield `{"sample":${sample},"jacobian":[`;
  for (let j = 0; j < p.length; j++) yield `${j ? ',' : ''}[${jacobianRow(p, j, row).join(',')}]`;
  yield ']}\n';
}

export interface JacobianFileContext {
  fileName?: string;
  classes?: string[] | null;
}

/**
 * The Jacobian file export (the bytes exportJacobian gives for json, csv and npy), in chunks of
 * one row: JSON {source, sample, classes, probabilities, jacobian}; CSV rows p_j × columns z_k;
 * .npy the K × K float64 matrix.
 */
export function* jacobianFileChunks(
  p: Float64Array,
  sample: number,
  format: 'json' | 'csv' | 'npy',
  ctx: JacobianFileContext = {},
): Generator<Uint8Array> {
  const k = p.length;
  const row = new Float64Array(k);
  if (format === 'npy') {
    yield npyHeaderBytes('<f8', [k, k]);
    const little = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
    for (let j = 0; j < k; j++) {
      jacobianRow(p, j, row);
      if (little) yield new Uint8Array(row.buffer.slice(0));
      else {
        const out = new Uint8Array(8 * k);
        const view = new DataView(out.buffer);
        for (let c = 0; c < k; c++) view.setFloat64(8 * c, row[c], true);
        yield out;
      }
    }
    return;
  }
  if (format === 'json') {
    const probabilities = Array.from(p, (v) => (Number.isFinite(v) ? v : String(v)));
    yield encoder.encode(
      `{"source":${JSON.stringify(ctx.fileName ?? null)},"sample":${sample},"classes":${JSON.stringify(ctx.classes ?? null)},"probabilities":${JSON.stringify(probabilities)},"jacobian":[`,
    );
    for (let j = 0; j < k; j++) yield encoder.encode(`${j ? ',' : ''}[${jacobianRow(p, j, row).join(',')}]`);
    yield encoder.encode(']}\n');
    return;
  }
  const names = columnNames(k, ctx.classes);
  yield encoder.encode(['dp/dz', ...names.map((c) => `z_${c}`)].map(csvCell).join(','));
  for (let j = 0; j < k; j++) yield encoder.encode(`\n${csvCell(`p_${names[j]}`)},${jacobianRow(p, j, row).join(',')}`);
  yield encoder.encode('\n');
}
