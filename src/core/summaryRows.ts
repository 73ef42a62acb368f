/**
 * The per-row part of `analyze --summary` for a streamed logits file (issue 22): rows arrive a
 * block at a time and go through `summarizeClassification` itself, so every per-sample loss is the
 * same bits as the full path's, and the losses are summed here in file order, as it sums them.
 * Anything the full reader would report (a label out of range, a loss that overflows, a row of
 * probabilities that is not a distribution) makes `flush` return false: the caller then runs the
 * full reader, whose messages are the reference.
 */
import { summarizeClassification, summarizeNll } from './lossSummary';
import type { ClassificationData, ClassTargets } from './dataset';
import { DEFAULT_SUM_TOLERANCE } from './buildDataset';
import { distributionRowFaults, type DistributionRole } from './distributionRows';
import { expSum, firstAboveZero } from './loss/logProbabilityRows';

/**
 * Where a part of a file read for the extension's worker puts every row (issue 14): arrays of the
 * whole file (shared memory, one writer per row), indexed from the part's first row.
 */
export interface RowTarget {
  firstRow: number;
  /** n × k logits, when the reader keeps them (the worker fills them afterwards, src/node/valueFill.ts). */
  values?: Float64Array;
  /** n × k one-hot or soft targets, for a file of rows of targets in place of labels (the views show them). */
  targets?: Float64Array;
  /** Each row's [start, end) in the file. */
  spans: Float64Array;
  /** Each row's label's [start, end), when the label is apart from the row (a JSON record's "label"; recordStream.ts). */
  labelSpans?: Float64Array;
  losses: Float64Array;
  bounds: Float64Array;
  labels: Int32Array;
  predicted: Int32Array;
  pTrue: Float64Array;
  pPredicted: Float64Array;
  /**
   * Shared by the parts of a file read on several threads: [0] becomes 1 once any part has found
   * the file faulty (a row it read past, a label out of range, a stop). Its logits are then never
   * asked for, so no part keeps them after.
   */
  faulty?: Int32Array;
}

/** A RowTarget's arrays for n rows, each in a buffer of `buffer` (shared memory when threads fill them). */
export function rowArrays(
  n: number,
  buffer: (bytes: number) => ArrayBufferLike = (bytes) => new ArrayBuffer(bytes),
): Omit<RowTarget, 'firstRow' | 'values'> {
  return {
    spans: new Float64Array(buffer(16 * n)),
    losses: new Float64Array(buffer(8 * n)),
    bounds: new Float64Array(buffer(8 * n)),
    labels: new Int32Array(buffer(4 * n)),
    predicted: new Int32Array(buffer(4 * n)),
    pTrue: new Float64Array(buffer(8 * n)),
    pPredicted: new Float64Array(buffer(8 * n)),
  };
}

/** What a summer's rows are: logits, probabilities, or log_softmax outputs (whose loss is nll). */
export type SummedInput = ClassificationData['input'];

/**
 * The last released block, for the next summer of the same size on this thread: a file read in
 * parts has a summer per part, and a fresh 2 MB block costs hundreds of first-touch page faults.
 */
let spareBlock: Float64Array | null = null;

/**
 * Rows a block holds when set: the readers' primer (readerPrimer.ts), whose few rows then fill
 * blocks as a large file's do, and which touches no 2 MB block.
 */
let smallBlockRows = 0;

/** Runs `read` with summers of blocks of `rows` rows. */
export function withSmallBlocks<T>(rows: number, read: () => T): T {
  smallBlockRows = rows;
  try {
    return read();
  } finally {
    smallBlockRows = 0;
  }
}

/**
 * Labels out of range that a summer notes instead of stopping at them (streamedProblem.ts: the
 * full reader's problems for a file whose only fault they are): the first `keep` (row, value and
 * row span), how many in all, and whether any label is 0, which the full reader's "1-based?" hint
 * asks.
 */
export class OutOfRangeLabels {
  readonly rows: number[] = [];
  readonly values: number[] = [];
  /** [start, end) of each kept row in the file, as the stream gave the summer. */
  readonly spans: number[] = [];
  count = 0;
  sawZero = false;

  constructor(readonly keep: number) {}

  note(row: number, value: number, start: number, end: number): void {
    if (this.rows.length < this.keep) {
      this.rows.push(row);
      this.values.push(value);
      this.spans.push(start, end);
    }
    this.count++;
  }

  /** Another stretch's labels, after the ones noted here (a part of a file read in parts, its rows from `firstRow`). */
  add(later: NotedLabels, firstRow: number): void {
    for (let j = 0; j < later.rows.length; j++)
      this.note(firstRow + later.rows[j], later.values[j], later.spans[2 * j], later.spans[2 * j + 1]);
    this.count += later.count - later.rows.length;
    this.sawZero ||= later.sawZero;
  }
}

/** OutOfRangeLabels as data, as a part's thread sends them back (summaryParts.ts). */
export type NotedLabels = Pick<OutOfRangeLabels, 'rows' | 'values' | 'spans' | 'count' | 'sawZero'>;

/**
 * Rows of another width that a part read past (summaryParts.ts): a CSV's ragged lines, a JSON's
 * rows of plain numbers of another length. The first `keep` (row, [start, end) in the file, a
 * CSV line's break included, and a JSON row's length) and how many in all. A CSV's messages name
 * the row's number in the file, which a part learns only when the parts before it are counted; a
 * JSON's are listed only while the first row's length stays the most common, which needs every
 * row's length (a JSON part keeps them all).
 */
export class OddRows {
  readonly rows: number[] = [];
  readonly spans: number[] = [];
  /** Each kept JSON row's length; none for a CSV's. */
  readonly lengths: number[] = [];
  count = 0;

  constructor(readonly keep: number) {}

  note(row: number, start: number, end: number, length?: number): void {
    if (this.rows.length < this.keep) {
      this.rows.push(row);
      this.spans.push(start, end);
      if (length !== undefined) this.lengths.push(length);
    }
    this.count++;
  }

  /** Another part's, after the ones noted here (its rows from `firstRow`). */
  add(later: NotedOddRows, firstRow: number): void {
    for (let j = 0; j < later.rows.length; j++)
      this.note(firstRow + later.rows[j], later.spans[2 * j], later.spans[2 * j + 1], later.lengths[j]);
    this.count += later.count - later.rows.length;
  }
}

/** OddRows as data, as a part's thread sends them back. */
export type NotedOddRows = Pick<OddRows, 'rows' | 'spans' | 'lengths' | 'count'>;

/**
 * Rows of probabilities or targets that are not distributions, noted by a whole file's read
 * instead of stopping at them (streamedProblem.ts lists them as the full reader does): each fault
 * in file order while its kind (a value outside [0, 1], a sum off 1) has fewer than `keep` listed,
 * and how many of each in all.
 */
export class DistributionFaults {
  /** Kept faults in file order: the sample, the class (−1 for a sum), the value or the sum, and the row's [start, end) in the file. */
  readonly listed: { row: number; column: number; value: number; start: number; end: number }[] = [];
  outside = 0;
  offSum = 0;

  constructor(
    readonly role: DistributionRole,
    readonly keep: number,
  ) {}

  /** Another stretch's faults, after the ones noted here (a part of a file read in parts, its rows from `firstRow`). */
  add(later: NotedFaults, firstRow: number): void {
    let outside = 0;
    for (const fault of later.listed) {
      const sum = fault.column < 0;
      if (!sum) outside++;
      if ((sum ? ++this.offSum : ++this.outside) <= this.keep) this.listed.push({ ...fault, row: firstRow + fault.row });
    }
    this.outside += later.outside - outside;
    this.offSum += later.offSum - (later.listed.length - outside);
  }

  /** Row `row` (at `base` in `values`, at [start, end) in the file) checked as the full reader checks it, its faults noted. */
  check(values: Float64Array, base: number, k: number, row: number, start: number, end: number): void {
    distributionRowFaults(
      values,
      base,
      k,
      DEFAULT_SUM_TOLERANCE,
      (column, value) => {
        if (++this.outside <= this.keep) this.listed.push({ row, column, value, start, end });
      },
      (value) => {
        if (++this.offSum <= this.keep) this.listed.push({ row, column: -1, value, start, end });
      },
    );
  }
}

/** DistributionFaults as data, as a part's thread sends them back (summaryParts.ts). */
export type NotedFaults = Pick<DistributionFaults, 'role' | 'listed' | 'outside' | 'offSum'>;

/** Notes of rows that are not distributions: the probabilities' (the input) and the targets'. */
export interface NotedDistributions {
  probabilities: DistributionFaults;
  targets: DistributionFaults;
}

/** Empty notes, keeping the first `keep` faults of each kind. */
export function notedDistributions(keep: number): NotedDistributions {
  return { probabilities: new DistributionFaults('probabilities', keep), targets: new DistributionFaults('targets', keep) };
}

/** How many faults the notes hold (of data sent back by a part's thread too). */
export function faultCount(noted: { probabilities: NotedFaults; targets: NotedFaults }): number {
  const { probabilities: p, targets: t } = noted;
  return p.outside + p.offSum + t.outside + t.offSum;
}

/** How a LogitRowSummer sums its rows (each absent: the one-thread summary of a file of logits and labels). */
export interface SummerOptions {
  /** A part of a file read by several threads: every row's loss and bound are kept, in order (LogitRowSummer.kept). */
  keep?: boolean;
  /** Where every row goes, for a reader that keeps them (the extension's worker: RowTarget). */
  target?: RowTarget | null;
  /** Labels out of range are noted there and summed on (class 0 stands in), instead of failing the flush. */
  outOfRange?: OutOfRangeLabels | null;
  /**
   * What the rows are: logits, or probabilities (prob_0…, "probabilities"), which must each lie in
   * [0, 1] and sum to 1 within the full reader's default tolerance, else the flush fails; or
   * log-probabilities (logprob_0…, "log_probabilities", with labels only), summed as nll, each row
   * ≤ 0 with Σ exp within that tolerance, else the flush fails (the full reader warns about such a
   * row, and reports the rest).
   */
  input?: SummedInput;
  /** The reader gives each label's span apart from its row's. */
  labelSpans?: boolean;
  /** Each row comes with a row of targets instead of a label (a RowTarget then keeps them too: RowTarget.targets). */
  targets?: boolean;
  /**
   * Rows of probabilities or targets that are not distributions are noted there and summed on,
   * instead of failing the flush (the file has errors: its figures are never reported).
   */
  distributions?: NotedDistributions | null;
}

export class LogitRowSummer {
  /** Rows of the current block, row-major, `blockRows` × k. */
  readonly block: Float64Array;
  readonly labels: Int32Array;
  /** With `targets`: each row's one-hot or soft targets (a CSV's target_0…), row-major like `block`; the labels are then unused. */
  readonly targets: Float64Array | null;
  readonly blockRows: number;
  /** Rows in the current block. */
  rows = 0;
  /** The current block's rows' [start, end) in the file, when a reader gives them (see RowTarget). */
  readonly spans: Float64Array;
  /** The current block's labels' [start, end), when the reader gives them apart from the rows' (RowTarget.labelSpans). */
  readonly labelSpans: Float64Array | null;
  /** Rows flushed so far. */
  n = 0;
  total = 0;
  hits = 0;
  /** Rows a stream read past (ragged rows, summarised as neutral rows): the file has errors. */
  rowsReadPast = 0;
  /** logitLossIsFinite's running total of the per-row bounds. */
  private boundTotal = 0;
  private readonly logK: number;
  private readonly target: RowTarget | null;
  private readonly outOfRange: OutOfRangeLabels | null;
  readonly input: SummedInput;
  private readonly distributions: NotedDistributions | null;

  /** With `keep` (a part of a file read by several threads): every row's loss and bound, in order. */
  readonly kept: { losses: number[]; bounds: number[] } | null;

  constructor(
    readonly k: number,
    {
      keep = false,
      target = null,
      outOfRange = null,
      input = 'logits',
      labelSpans = false,
      targets = false,
      distributions = null,
    }: SummerOptions = {},
  ) {
    this.target = target;
    this.outOfRange = outOfRange;
    this.input = input;
    this.distributions = distributions;
    if (targets && target && !target.targets) throw new Error('a file of targets keeps them');
    this.kept = keep && !target ? { losses: [], bounds: [] } : null;
    // About 2 MB of logits a block: rows stay in cache, the block stays small for any K.
    this.blockRows = smallBlockRows || Math.max(1, Math.floor((1 << 18) / k));
    this.block = spareBlock?.length === this.blockRows * k ? spareBlock : new Float64Array(this.blockRows * k);
    if (this.block === spareBlock) spareBlock = null;
    this.spans = new Float64Array(2 * this.blockRows);
    this.labelSpans = labelSpans ? new Float64Array(2 * this.blockRows) : null;
    this.labels = new Int32Array(this.blockRows);
    this.targets = targets ? new Float64Array(this.blockRows * k) : null;
    this.logK = Math.log(k);
  }

  /** The block may be reused by the next summer on this thread (this one is not used again). */
  release(): void {
    spareBlock = this.block;
  }

  /** Summarises the block's rows; false when the full reader would report a problem in them. */
  flush(): boolean {
    const { k, rows, block, labels } = this;
    if (rows === 0) return true;
    const values = rows === this.blockRows ? block : block.subarray(0, rows * k);
    if (this.targets) {
      if (this.input === 'log_probabilities') return false; // kl_div: the full reader's
      return this.targetRowsChecked(this.targets) && this.summed(values, { labels: null, targets: this.targets.subarray(0, rows * k) });
    }
    for (let i = 0; i < rows; i++) {
      let label = labels[i];
      if (this.outOfRange) label = this.noted(i, label);
      if (!(label >= 0 && label < k)) return false;
      let bound = 0;
      if (this.input === 'probabilities') {
        if (!isDistribution(block, i * k, k) && !this.faultsNoted(this.distributions?.probabilities, block, i)) return false;
      } else {
        // logitLossIsFinite (buildDataset.ts): max − z[label] + log K must not overflow (the full
        // reader builds log-probabilities as logits too, lossDataset.ts).
        let max = -Infinity;
        for (let j = i * k; j < (i + 1) * k; j++) if (block[j] > max) max = block[j];
        bound = 0 + (max - block[i * k + label]) + this.logK;
        if (this.input === 'log_probabilities' && !isLogSoftmaxRow(block, i * k, k)) return false;
      }
      this.boundTotal += bound;
      if (!Number.isFinite(bound) || !Number.isFinite(this.boundTotal)) return false;
      this.kept?.bounds.push(bound);
      if (this.target) this.target.bounds[this.target.firstRow + this.n + i] = bound;
    }
    return this.summed(values, { labels: labels.subarray(0, rows), targets: null });
  }

  /** The checked block's rows summarised: each loss added in order, the hits counted, the rows kept for the target. */
  private summed(values: Float64Array, targets: ClassTargets): boolean {
    const { k, rows } = this;
    const s =
      this.input === 'log_probabilities'
        ? summarizeNll(values, targets.labels!, rows, k)
        : summarizeClassification({ task: 'classification', input: this.input, n: rows, k, values, ...targets, classes: null, spans: [] });
    for (let i = 0; i < rows; i++) {
      this.total += s.losses[i];
      this.kept?.losses.push(s.losses[i]);
      if (s.predicted[i] === s.actual[i]) this.hits++;
    }
    if (this.target) this.keep(this.target, values, s);
    this.n += rows;
    this.rows = 0;
    return true;
  }

  /**
   * Whether the block's rows with their targets are as the full reader takes them: each target row
   * a distribution (checkDistributionRows), each probability row one, or the logits' bound
   * (logitLossIsFinite: Σ_y≠0 y·(max − z) + Σy·log K) finite, alone and added up.
   */
  private targetRowsChecked(targets: Float64Array): boolean {
    const { k, rows, block } = this;
    for (let i = 0; i < rows; i++) {
      const base = i * k;
      // A NaN (which the full reader's comparisons pass) is the full reader's to report.
      if (!isFiniteRow(targets, base, k)) return false;
      let bound = 0;
      const targetsNoted = !isDistribution(targets, base, k);
      if (targetsNoted && !this.faultsNoted(this.distributions?.targets, targets, i)) return false;
      if (this.input === 'probabilities') {
        if (!isDistribution(block, base, k) && !this.faultsNoted(this.distributions?.probabilities, block, i)) return false;
      } else if (!targetsNoted) {
        // (A file with a row of targets noted has errors: the full reader checks no bound.)
        let max = -Infinity;
        for (let j = base; j < base + k; j++) if (block[j] > max) max = block[j];
        bound = targetRowBound(block, targets, base, k, max, this.logK);
      }
      this.boundTotal += bound;
      if (!Number.isFinite(bound) || !Number.isFinite(this.boundTotal)) return false;
      this.kept?.bounds.push(bound);
      if (this.target) this.target.bounds[this.target.firstRow + this.n + i] = bound;
    }
    return true;
  }

  /** Row i of the block, read past (a ragged row), as a row no check refuses: logits 0, probabilities [1, 0, …], log-probabilities −log K each. */
  neutralRow(i: number): void {
    this.block.fill(this.input === 'log_probabilities' ? -this.logK : 0, i * this.k, (i + 1) * this.k);
    if (this.input === 'probabilities') this.block[i * this.k] = 1;
  }

  /** Row i of the block's `values` (its probabilities or targets), not a distribution: whether `faults` noted it (else the flush fails). */
  private faultsNoted(faults: DistributionFaults | undefined, values: Float64Array, i: number): boolean {
    if (!faults) return false;
    faults.check(values, i * this.k, this.k, this.n + i, this.spans[2 * i], this.spans[2 * i + 1]);
    return true;
  }

  /** The label row i is summarised with: its own, or 0 for one out of range, which is noted. */
  private noted(i: number, label: number): number {
    const found = this.outOfRange!;
    if (label === 0) found.sawZero = true;
    if (label >= 0 && label < this.k) return label;
    found.note(this.n + i, label, this.spans[2 * i], this.spans[2 * i + 1]);
    this.labels[i] = 0; // the file has errors: these losses are never reported
    return 0;
  }

  private keep(t: RowTarget, values: Float64Array, s: ReturnType<typeof summarizeClassification>): void {
    const at = t.firstRow + this.n;
    // After a label out of range or a ragged row, here or in another part, the file has errors:
    // its logits are never asked for (a part that kept them all made `check` of a 1 GB file of
    // 1-based labels hold 1 GB).
    const faulty =
      (this.outOfRange?.count ?? 0) > 0 || this.rowsReadPast > 0 || (this.distributions !== null && faultCount(this.distributions) > 0);
    if (faulty && t.faulty) Atomics.store(t.faulty, 0, 1);
    if (!faulty && !(t.faulty && Atomics.load(t.faulty, 0) > 0)) {
      t.values?.set(values, at * this.k);
      if (this.targets) t.targets?.set(this.targets.subarray(0, this.rows * this.k), at * this.k);
    }
    t.spans.set(this.spans.subarray(0, 2 * this.rows), 2 * at);
    if (this.labelSpans && t.labelSpans) t.labelSpans.set(this.labelSpans.subarray(0, 2 * this.rows), 2 * at);
    t.losses.set(s.losses, at);
    t.labels.set(s.actual, at);
    t.predicted.set(s.predicted, at);
    t.pTrue.set(s.pTrue, at);
    t.pPredicted.set(s.pPredicted, at);
  }

  /** Loss and accuracy as summarizeClassification reports them for the whole file. */
  result(reduction: 'mean' | 'sum'): { loss: number; accuracy: number } {
    const n = this.n;
    const scale = reduction === 'mean' && n > 0 ? 1 / n : 1;
    return { loss: this.total * scale, accuracy: n ? this.hits / n : 0 };
  }
}

/** logitLossIsFinite's (buildDataset.ts) bound of the row at `base` with its targets: Σ_y≠0 y·(max − z) + Σy·log K. */
export function targetRowBound(z: Float64Array, y: Float64Array, base: number, k: number, max: number, logK: number): number {
  let bound = 0;
  let ySum = 0;
  for (let j = base; j < base + k; j++) {
    if (y[j] !== 0) {
      bound += y[j] * (max - z[j]);
      ySum += y[j];
    }
  }
  return bound + ySum * logK;
}

/** isDistribution of a row of finite values (a NaN passes checkDistributionRows' comparisons: the full reader decides). */
export function isFiniteDistribution(block: Float64Array, at: number, k: number): boolean {
  return isFiniteRow(block, at, k) && isDistribution(block, at, k);
}

/** Whether the row's k values from `at` are all finite. */
function isFiniteRow(block: Float64Array, at: number, k: number): boolean {
  for (let j = at; j < at + k; j++) if (block[j] - block[j] !== 0) return false;
  return true;
}

/**
 * checkDistributionRows (buildDataset.ts) of one row of probabilities: every value in [0, 1] and
 * their sum, taken in order, within the default tolerance of 1 (distributionRowFaults, its rule).
 */
export function isDistribution(block: Float64Array, at: number, k: number): boolean {
  return distributionRowFaults(block, at, k, DEFAULT_SUM_TOLERANCE, ignoreFault, ignoreFault);
}

function ignoreFault(): void {}

/**
 * Whether the full reader takes a row of log-probabilities without a word (logProbabilityRows.ts):
 * no value above 0 and Σ exp within the default tolerance of 1 (a NaN makes the sum NaN).
 */
function isLogSoftmaxRow(block: Float64Array, at: number, k: number): boolean {
  return firstAboveZero(block, at, k) < 0 && Math.abs(expSum(block, at, k) - 1) <= DEFAULT_SUM_TOLERANCE;
}
