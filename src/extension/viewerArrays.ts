/**
 * The NumPy viewer's arrays, decoded and held where they are read: in the extension host for a
 * small file, in a worker thread for a large one (documentWorker.ts), so a 400 MB .npy never lands
 * in the host's heap (issues 14 and 17). The host gets an outline (each array's shape, dtype,
 * statistics, the first rows that tell the input array apart, string arrays whole) and asks for
 * the blocks and slices the page shows. No vscode import: the worker runs it too.
 */
import { readFileSync } from 'node:fs';
import { clampBlock, readNumberBlock, readStringBlock, tableShape } from '../core/arrayRows';
import { checkSlice, sliceArray } from '../core/arraySlice';
import { startsLikeZip } from '../core/fileSignature';
import { NpyError, readNpy, type NpyArray } from '../core/npy';
import { readNpz } from '../core/npz';
import type { NpyArrayInfo, NpyRowsMessage, NpyRowsRequest, NpySliceMessage, NpySliceRequest } from '../shared/protocol';
import { archiveView, isArchiveName } from './archiveView';
import { arrayInfo, type ViewerArray } from './npyViewModel';

/** Rows of each array the outline carries: enough to tell which array the analysis took for its input. */
export const HEAD_ROWS = 8;

export interface ViewerSource {
  input: { path: string } | { bytes: Uint8Array };
  fileName: string;
}

export interface ViewerLayer {
  name: string;
  weightShape: number[];
  weightNorm: number;
  biasShape: number[] | null;
  biasNorm: number | null;
}

export interface ViewerOutline {
  /** The arrays with only their first HEAD_ROWS rows of data (string arrays whole). */
  arrays: ViewerArray[];
  infos: NpyArrayInfo[];
  metadata: [string, string][];
  layers: ViewerLayer[];
  error: string | null;
}

/** A block of an array's table view: the page's NpyRowsMessage without what the host adds. */
export type ViewerBlock = Omit<NpyRowsMessage, 'type' | 'requestId' | 'array' | 'rowColumns'>;

/** A 2-D slice: the page's NpySliceMessage without its envelope. */
export type ViewerSlice = Omit<NpySliceMessage, 'type' | 'array'>;

export class ViewerArrays {
  private constructor(
    private readonly arrays: ViewerArray[],
    private readonly outlineOf: ViewerOutline,
  ) {}

  /** Reads and decodes the file; a bad file is an outline with an error, not a throw. */
  static open(source: ViewerSource): ViewerArrays {
    try {
      const { input, fileName } = source;
      if (isArchiveName(fileName)) {
        // A local .safetensors is read lazily (header, then the tensors within the viewer's budget).
        const lazy = 'path' in input && /\.safetensors$/i.test(fileName);
        const view = archiveView(fileName, lazy ? input : { bytes: bytesOf(input) });
        const arrays: ViewerArray[] = view.tensors.map((t) =>
          t.array
            ? { name: t.name, array: t.array }
            : {
                name: t.name,
                array: null,
                dtype: t.dtype,
                shape: t.shape,
                note: `not read by the viewer (${(t.bytes / 2 ** 20).toFixed(0)} MB)`,
              },
        );
        const layers = view.layers.map(({ name, weightShape, weightNorm, biasShape, biasNorm }) => ({
          name,
          weightShape,
          weightNorm,
          biasShape,
          biasNorm,
        }));
        return ViewerArrays.of(arrays, view.metadata, layers);
      }
      const bytes = bytesOf(input);
      const decoded: [string, NpyArray][] =
        /\.npz$/i.test(fileName) || startsLikeZip(bytes)
          ? [...readNpz(bytes, fileName).entries()]
          : // Bytes read here for this viewer alone are handed over: its float64 stay where they were read.
            [[fileName, readNpy(bytes, fileName, 'path' in input)]];
      return ViewerArrays.of(
        decoded.map(([name, array]) => ({ name, array })),
        [],
        [],
      );
    } catch (error) {
      const message = error instanceof NpyError ? error.message : `cannot read the file: ${(error as Error).message}`;
      return new ViewerArrays([], { arrays: [], infos: [], metadata: [], layers: [], error: message });
    }
  }

  private static of(arrays: ViewerArray[], metadata: [string, string][], layers: ViewerLayer[]): ViewerArrays {
    const heads = arrays.map((a): ViewerArray => (a.array && a.array.kind !== 'string' ? { name: a.name, array: headOf(a.array) } : a));
    return new ViewerArrays(arrays, { arrays: heads, infos: arrays.map(arrayInfo), metadata, layers, error: null });
  }

  outline(): ViewerOutline {
    return this.outlineOf;
  }

  /** A block of an array's table view, clamped to the array. */
  rows(m: Pick<NpyRowsRequest, 'array' | 'row0' | 'row1' | 'col0' | 'col1'>): ViewerBlock {
    const a = this.arrays[m.array]?.array;
    if (!a) return { row0: m.row0, row1: m.row0, col0: m.col0, col1: m.col0, values: null, strings: null, error: 'no such array' };
    const table = tableShape(a.shape);
    const b = clampBlock(table, m);
    if (a.kind === 'string') return { ...b, values: null, strings: readStringBlock(a.strings ?? [], table, b) };
    return { ...b, values: readNumberBlock(a.data, table, b), strings: null };
  }

  /** A 2-D slice of an array of any rank: checked, cut (at most 512 × 512). */
  slice(m: Pick<NpySliceRequest, 'array' | 'rowAxis' | 'colAxis' | 'index'>): ViewerSlice {
    const a = this.arrays[m.array]?.array;
    const none = { rows: 0, cols: 0, totalRows: 0, totalCols: 0, values: new Float64Array(0) };
    if (!a || a.kind === 'string') return { ...none, error: 'no such array' };
    const problem = checkSlice(a.shape, m);
    if (problem) return { ...none, error: problem };
    return sliceArray(a.shape, a.data, m);
  }
}

function bytesOf(input: ViewerSource['input']): Uint8Array {
  if ('bytes' in input) return input.bytes;
  // A plain Uint8Array over the Buffer's own memory: `new Uint8Array(buffer)` would copy it.
  const b = readFileSync(input.path);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** The array with its data cut to the first HEAD_ROWS rows (the shape stays the whole array's). */
function headOf(a: NpyArray): NpyArray {
  const { cols } = tableShape(a.shape);
  return { ...a, data: a.data.slice(0, HEAD_ROWS * cols) };
}
