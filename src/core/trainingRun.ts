/**
 * The manifest of a training-run folder (`run.jsonl`, RUN-FORMAT.md version 1), read
 * incrementally: give it the bytes from where the last read stopped and it returns the complete
 * lines' records and where to continue. A training script appends while we read, so a last line
 * without its `\n` is pending (it is being written), not an error. Every problem of a complete
 * line is located by the manifest's line and column, and never stops the lines after it.
 */
import type { JsonNode, JsonObject } from './json';
import { parseJson } from './json';
import { LineIndex } from './lineIndex';
import { startsWithBom } from './fileSignature';
import { InputError } from './problems';

export const RUN_MANIFEST = 'run.jsonl';
export const RUN_FORMAT_VERSION = 1;

export interface RunHeader {
  version: number;
  created: string | null;
  maxSamples: number | null;
  maxValues: number | null;
  classes: string[] | null;
}

export interface RunParam {
  name: string;
  shape: number[];
  /** Frobenius norm of the gradient at the call, or null when the parameter had no `.grad`. */
  gradNorm: number | null;
  /** NaN when the writer logged null (a weight that holds NaN or ∞: JSON has neither). */
  weightNorm: number;
  hasGrad: boolean;
}

export interface RunStep {
  step: number;
  time: number;
  /** Relative to the run folder, forward slashes, never leaving it (checked). */
  file: string;
  /** The loss the user logged (over the whole batch), or null. */
  loss: number | null;
  /** Rows in the logged batch, when the writer says; the step file keeps at most maxSamples of them. */
  batchSize: number | null;
  params: RunParam[];
  /** 0-based manifest line of this record, and the column of its "file" value (for messages). */
  line: number;
  fileColumn: number;
}

/** A problem in the manifest: 0-based line and UTF-16 column, as the editor counts them. */
export interface RunProblem {
  severity: 'error' | 'warning';
  message: string;
  line: number;
  column: number;
  code: string;
}

/** Where to continue reading: a byte offset at a line start, and that line's 0-based number. */
export interface ManifestCursor {
  offset: number;
  line: number;
}

export const MANIFEST_START: ManifestCursor = { offset: 0, line: 0 };

export interface ManifestChunk {
  /** The header, when this chunk held line 1 and it was valid. */
  header: RunHeader | null;
  steps: RunStep[];
  problems: RunProblem[];
  cursor: ManifestCursor;
  /** Bytes of a last line without `\n` (being written), left for the next read; 0 when none. */
  pendingBytes: number;
}

/**
 * Reads the complete lines of `bytes`, which are the manifest's bytes from `from.offset` on.
 * Line 0 is the header; every other non-blank line is a step.
 */
export function readManifestChunk(bytes: Uint8Array, from: ManifestCursor = MANIFEST_START): ManifestChunk {
  const out: ManifestChunk = { header: null, steps: [], problems: [], cursor: { ...from }, pendingBytes: 0 };
  let start = 0;
  let line = from.line;
  // A UTF-8 byte-order mark is not part of line 1's text.
  if (from.offset === 0 && startsWithBom(bytes)) start = 3;
  for (;;) {
    const newline = bytes.indexOf(10, start);
    if (newline < 0) {
      out.pendingBytes = bytes.length - start;
      break;
    }
    const end = newline > start && bytes[newline - 1] === 13 ? newline - 1 : newline;
    readLine(bytes.subarray(start, end), line, out);
    start = newline + 1;
    line++;
    out.cursor = { offset: from.offset + start, line };
  }
  return out;
}

/** The whole manifest at once (the CLI): the chunk from the start, and a warning for a pending line. */
export function readManifest(bytes: Uint8Array): ManifestChunk {
  const chunk = readManifestChunk(bytes);
  if (chunk.pendingBytes > 0 && !isBlank(bytes.subarray(bytes.length - chunk.pendingBytes))) {
    chunk.problems.push({
      severity: 'warning',
      message: `line ${chunk.cursor.line + 1} has no newline yet (it is being written, or the writer stopped); it is ignored until it is complete`,
      line: chunk.cursor.line,
      column: 0,
      code: 'pending-line',
    });
  }
  return chunk;
}

function isBlank(bytes: Uint8Array): boolean {
  return bytes.every((c) => c === 32 || c === 9 || c === 13);
}

/** A located complaint about one line, thrown inside readLine and collected there. */
class LineProblem extends Error {
  constructor(
    message: string,
    readonly at: number,
    readonly code: string,
  ) {
    super(message);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function readLine(text: Uint8Array, line: number, out: ManifestChunk): void {
  if (isBlank(text)) return;
  if (readLineFast(text, line, out)) return;
  const index = new LineIndex(text);
  const column = (offset: number) => index.position(offset).character;
  const { bytes, special } = withNonFiniteAsNumbers(text);
  try {
    let root: JsonNode;
    try {
      root = parseJson(bytes);
    } catch (error) {
      if (error instanceof InputError) throw new LineProblem(`not valid JSON: ${error.message}`, error.start, 'manifest-json');
      throw error;
    }
    const fields = new Fields(root, special, line === 0 ? 'the header' : 'a step record');
    if (line === 0) out.header = header(fields);
    else out.steps.push(stepRecord(fields, line, (node) => column(node.start)));
  } catch (error) {
    if (!(error instanceof LineProblem)) throw error;
    out.problems.push({ severity: 'error', message: error.message, line, column: column(error.at), code: error.code });
  }
}

/**
 * The common case, 15× faster than the located parser: JSON.parse and the same checks on a tree
 * without positions. Anything unusual (a problem, NaN/Infinity, bad UTF-8) returns false and the
 * line is read again by the located path, which then says exactly where.
 */
function readLineFast(text: Uint8Array, line: number, out: ManifestChunk): boolean {
  let decoded: string;
  let value: unknown;
  try {
    decoded = utf8.decode(text);
    value = JSON.parse(decoded);
  } catch {
    return false;
  }
  if (line > 0) {
    const step = plainStep(value, line, decoded);
    if (step) out.steps.push(step);
    return step !== null;
  }
  try {
    out.header = header(new Fields(nodeOf(value), NO_SPECIALS, 'the header'));
    return true;
  } catch {
    // A problem (or nesting too deep for nodeOf's recursion): the located parser says where.
    return false;
  }
}

/** stepRecord's checks on a JSON.parse value, without building a tree; null when any fails. */
function plainStep(v: unknown, line: number, decoded: string): RunStep | null {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
  const { step, time, file, loss, params, batchSize } = v as Record<string, unknown>;
  if (!Number.isInteger(step) || (step as number) < 0 || typeof time !== 'number' || typeof file !== 'string' || !safeRelativePath(file))
    return null;
  if (!(loss === null || typeof loss === 'number') || !Array.isArray(params)) return null;
  if (!(batchSize === undefined || (Number.isInteger(batchSize) && (batchSize as number) >= 0))) return null;
  const out: RunParam[] = [];
  for (const p of params as unknown[]) {
    if (typeof p !== 'object' || p === null || Array.isArray(p)) return null;
    const { name, shape, gradNorm, weightNorm, hasGrad } = p as Record<string, unknown>;
    if (typeof name !== 'string' || !Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) return null;
    if (!(gradNorm === null || (typeof gradNorm === 'number' && gradNorm >= 0))) return null;
    if (!(weightNorm === null || (typeof weightNorm === 'number' && weightNorm >= 0))) return null;
    if (!(hasGrad === undefined || hasGrad === null || typeof hasGrad === 'boolean')) return null;
    out.push({
      name,
      shape: shape as number[],
      gradNorm,
      weightNorm: weightNorm ?? NaN,
      hasGrad: typeof hasGrad === 'boolean' ? hasGrad : gradNorm !== null,
    });
  }
  const rows = batchSize === undefined ? null : (batchSize as number);
  return { step: step as number, time, file, loss, batchSize: rows, params: out, line, fileColumn: topLevelValueColumn(decoded, 'file') };
}

function safeRelativePath(file: string): boolean {
  return !(file === '' || file.startsWith('/') || /^[A-Za-z]:/.test(file) || file.includes('\\') || file.split('/').includes('..'));
}

const NO_SPECIALS = new Map<number, number>();
const NOWHERE = { start: 0, end: 0 };

/** A JSON.parse value as the located parser's tree, every span empty. */
function nodeOf(value: unknown): JsonNode {
  if (value === null) return { kind: 'null', ...NOWHERE };
  if (value === true || value === false) return { kind: value ? 'true' : 'false', ...NOWHERE };
  if (typeof value === 'number') return { kind: 'number', value, ...NOWHERE };
  if (typeof value === 'string') return { kind: 'string', value, ...NOWHERE };
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v === 'number'))
      return { kind: 'vector', data: Float64Array.from(value as number[]), spans: new Float64Array(0), ...NOWHERE };
    return { kind: 'array', items: value.map(nodeOf), ...NOWHERE };
  }
  return {
    kind: 'object',
    entries: Object.entries(value as object).map(([key, v]) => ({ key, keySpan: NOWHERE, value: nodeOf(v) })),
    ...NOWHERE,
  };
}

/** The UTF-16 column where a key's value starts in a one-line JSON object (the key at depth 1 only). */
export function topLevelValueColumn(text: string, key: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 123 || c === 91) depth++;
    else if (c === 125 || c === 93) depth--;
    else if (c === 34) {
      const start = i;
      for (i++; i < text.length && text.charCodeAt(i) !== 34; i++) if (text.charCodeAt(i) === 92) i++;
      if (depth !== 1) continue;
      let j = i + 1;
      while (j < text.length && /\s/.test(text[j])) j++;
      if (text[j] !== ':') continue;
      if (JSON.parse(text.slice(start, i + 1)) !== key) continue;
      for (j++; j < text.length && /\s/.test(text[j]); j++);
      return j;
    }
  }
  return 0;
}

function header(f: Fields): RunHeader {
  const version = f.number('gradientLensRun', { integer: true });
  if (version !== RUN_FORMAT_VERSION) {
    throw new LineProblem(
      `run format version ${version} is not supported; this reader knows version ${RUN_FORMAT_VERSION}`,
      f.valueStart('gradientLensRun'),
      'manifest-version',
    );
  }
  const classes = f.optional('classes', (node) => {
    if (node.kind === 'vector' && node.data.length === 0) return [];
    if (node.kind !== 'array' || !node.items.every((i) => i.kind === 'string'))
      throw new LineProblem('"classes" must be a list of strings', node.start, 'manifest-type');
    return node.items.map((i) => (i.kind === 'string' ? i.value : ''));
  });
  return {
    version,
    created: f.optional('created', (n) => (n.kind === 'string' ? n.value : null)),
    maxSamples: f.optional('maxSamples', () => f.number('maxSamples', { integer: true })),
    maxValues: f.optional('maxValues', () => f.number('maxValues', { integer: true })),
    classes,
  };
}

function stepRecord(f: Fields, line: number, fileColumn: (value: JsonNode) => number): RunStep {
  const step = f.number('step', { integer: true, min: 0 });
  const time = f.number('time');
  const file = f.string('file');
  const fileStart = f.valueStart('file');
  if (!safeRelativePath(file)) {
    throw new LineProblem(
      `"file" must be a path inside the run folder with forward slashes (e.g. "steps/step-00000000.npz"), not ${JSON.stringify(file)}`,
      fileStart,
      'manifest-file',
    );
  }
  const loss = f.number('loss', { nullable: true });
  const paramsNode = f.node('params');
  const items = paramsNode.kind === 'array' ? paramsNode.items : paramsNode.kind === 'vector' && paramsNode.data.length === 0 ? [] : null;
  if (!items) throw new LineProblem(`"params" must be a list of objects, not ${kindName(paramsNode)}`, paramsNode.start, 'manifest-type');
  const params = items.map((item, i) => {
    const p = new Fields(item, f.special, `params[${i}]`);
    const gradNorm = p.number('gradNorm', { nullable: true, min: 0 });
    const hasGrad = p.optional('hasGrad', (n) => {
      if (n.kind !== 'true' && n.kind !== 'false')
        throw new LineProblem(`params[${i}]."hasGrad" must be true or false, not ${kindName(n)}`, n.start, 'manifest-type');
      return n.kind === 'true';
    });
    const weightNorm = p.number('weightNorm', { nullable: true, min: 0 }) ?? NaN;
    return { name: p.string('name'), shape: p.shape('shape'), gradNorm, weightNorm, hasGrad: hasGrad ?? gradNorm !== null };
  });
  const batchSize = f.optional('batchSize', () => f.number('batchSize', { integer: true, min: 0 })) ?? null;
  return { step, time, file, loss, batchSize, params, line, fileColumn: fileColumn(f.node('file')) };
}

/** Typed access to one JSON object's keys; a missing key or a wrong type throws a LineProblem. */
class Fields {
  private readonly object: JsonObject;
  constructor(
    node: JsonNode,
    readonly special: Map<number, number>,
    private readonly what: string,
  ) {
    if (node.kind !== 'object') throw new LineProblem(`${what} must be a JSON object, not ${kindName(node)}`, node.start, 'manifest-type');
    this.object = node;
  }

  private find(key: string): JsonNode | undefined {
    return this.object.entries.find((e) => e.key === key)?.value;
  }

  node(key: string): JsonNode {
    const value = this.find(key);
    if (!value) throw new LineProblem(`${this.what} has no "${key}"`, this.object.start, 'manifest-missing');
    return value;
  }

  valueStart(key: string): number {
    return this.node(key).start;
  }

  optional<T>(key: string, read: (node: JsonNode) => T): T | null {
    const value = this.find(key);
    return value === undefined || value.kind === 'null' ? null : read(value);
  }

  number(key: string, opts: { integer?: boolean; min?: number; nullable: true }): number | null;
  number(key: string, opts?: { integer?: boolean; min?: number; nullable?: false }): number;
  number(key: string, opts: { integer?: boolean; min?: number; nullable?: boolean } = {}): number | null {
    const node = this.node(key);
    if (node.kind === 'null' && opts.nullable) return null;
    const expected = `${opts.integer ? 'a whole number' : 'a number'}${opts.nullable ? ' or null' : ''}`;
    if (node.kind !== 'number') throw new LineProblem(`"${key}" must be ${expected}, not ${kindName(node)}`, node.start, 'manifest-type');
    const value = this.special.get(node.start) ?? node.value;
    if (opts.integer && !Number.isInteger(value))
      throw new LineProblem(`"${key}" must be ${expected}, not ${value}`, node.start, 'manifest-type');
    if (opts.min !== undefined && value < opts.min)
      throw new LineProblem(`"${key}" must be at least ${opts.min}, not ${value}`, node.start, 'manifest-range');
    return value;
  }

  string(key: string): string {
    const node = this.node(key);
    if (node.kind !== 'string') throw new LineProblem(`"${key}" must be a string, not ${kindName(node)}`, node.start, 'manifest-type');
    return node.value;
  }

  shape(key: string): number[] {
    const node = this.node(key);
    const dims = node.kind === 'vector' ? Array.from(node.data) : node.kind === 'array' && node.items.length === 0 ? [] : null;
    if (!dims || !dims.every((d) => Number.isInteger(d) && d >= 0))
      throw new LineProblem(`"${key}" must be a list of whole numbers (the parameter's shape)`, node.start, 'manifest-type');
    return dims;
  }
}

function kindName(node: JsonNode): string {
  switch (node.kind) {
    case 'object':
      return 'an object';
    case 'array':
    case 'vector':
    case 'matrix':
      return 'a list';
    case 'string':
      return `a string (${JSON.stringify(node.value).slice(0, 40)})`;
    case 'number':
      return 'a number';
    default:
      return node.kind;
  }
}

const NON_FINITE: [string, number][] = [
  ['-Infinity', -Infinity],
  ['Infinity', Infinity],
  ['NaN', NaN],
];
const NON_FINITE_BYTES = NON_FINITE.map(
  ([word, value]) =>
    [
      new TextEncoder().encode(word),
      value,
      new TextEncoder().encode(`${word.startsWith('-') ? '-' : ''}0.${'0'.repeat(word.length - (word.startsWith('-') ? 3 : 2))}`),
    ] as const,
);

/**
 * Python's json.dumps writes a diverging norm as NaN / Infinity, which JSON has no words for.
 * Outside strings they become zeros of the same length (so every column stays right), and
 * `special` maps each one's offset back to its value.
 */
function withNonFiniteAsNumbers(text: Uint8Array): { bytes: Uint8Array; special: Map<number, number> } {
  const special = new Map<number, number>();
  let bytes = text;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
      continue;
    }
    if (c === 34) {
      inString = true;
      continue;
    }
    if (c !== 45 && c !== 73 && c !== 78) continue;
    for (const [word, value, zeros] of NON_FINITE_BYTES) {
      if (i + word.length > text.length || !word.every((b, j) => text[i + j] === b)) continue;
      if (bytes === text) bytes = text.slice();
      bytes.set(zeros, i);
      special.set(i, value);
      i += word.length - 1;
      break;
    }
  }
  return { bytes, special };
}
