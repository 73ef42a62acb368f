/**
 * What the read-only viewer shows of a .safetensors or .pt file: its tensors, its metadata and,
 * for a state dict, shapes and norms per Linear layer. A local .safetensors is read lazily: the
 * header, then each tensor's byte range while within a budget, so a multi-GB checkpoint opens
 * without reading it all (larger tensors are listed by shape and dtype only). No vscode import.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { NpyArray } from '../core/npy';
import { readSafetensorsHeader, readSafetensorsTensor, bytesSource, type ByteSource } from '../core/safetensors';
import { readTensorArchive, stateDictSummary, type LayerSummary } from '../core/tensorArchives';

/** Tensors above this, or past this total, are not read by the viewer. */
export const VIEW_TENSOR_BYTES = 64 * 2 ** 20;
export const VIEW_TOTAL_BYTES = 256 * 2 ** 20;

export interface ArchiveView {
  /** A tensor, or its header entry when it was not read. */
  tensors: { name: string; array: NpyArray | null; dtype: string; shape: number[]; bytes: number }[];
  metadata: [string, string][];
  layers: LayerSummary[];
}

export function isArchiveName(fileName: string): boolean {
  return /\.(safetensors|pt|pth)$/i.test(fileName);
}

/** From a local path (lazy for .safetensors) or from bytes. Throws NpyError for a bad file. */
export function archiveView(fileName: string, source: { path: string } | { bytes: Uint8Array }): ArchiveView {
  if (/\.safetensors$/i.test(fileName)) {
    const src = 'path' in source ? fileSource(source.path) : { ...bytesSource(source.bytes), close() {} };
    try {
      const header = readSafetensorsHeader(src, fileName);
      let budget = VIEW_TOTAL_BYTES;
      const tensors = header.tensors.map((t) => {
        const bytes = t.end - t.begin;
        const read = bytes <= VIEW_TENSOR_BYTES && bytes <= budget;
        if (read) budget -= bytes;
        return { name: t.name, array: read ? readSafetensorsTensor(src, t, fileName) : null, dtype: t.dtype, shape: t.shape, bytes };
      });
      const loaded = new Map(tensors.filter((t) => t.array).map((t) => [t.name, t.array!]));
      return { tensors, metadata: [...(header.metadata ?? [])], layers: stateDictSummary(loaded) };
    } finally {
      src.close();
    }
  }
  const bytes = 'bytes' in source ? source.bytes : readAll(source.path);
  const archive = readTensorArchive(bytes, fileName);
  const tensors = [...archive.arrays].map(([name, array]) => ({
    name,
    array,
    dtype: array.dtype,
    shape: array.shape,
    bytes: array.data.length * 8,
  }));
  return { tensors, metadata: [...archive.metadata], layers: stateDictSummary(archive.arrays) };
}

function fileSource(path: string): ByteSource & { close(): void } {
  const fd = openSync(path, 'r');
  const size = fstatSync(fd).size;
  return {
    size,
    read(offset, length) {
      const out = new Uint8Array(Math.max(0, Math.min(length, size - offset)));
      let done = 0;
      while (done < out.length) {
        const n = readSync(fd, out, done, out.length - done, offset + done);
        if (n === 0) break;
        done += n;
      }
      return done === out.length ? out : out.subarray(0, done);
    },
    close: () => closeSync(fd),
  };
}

function readAll(path: string): Uint8Array {
  const src = fileSource(path);
  try {
    return src.read(0, src.size);
  } finally {
    src.close();
  }
}
