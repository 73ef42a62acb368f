/**
 * Reading a file from a terminal user safely: only a regular file, only up to a size limit, both
 * checked before a byte is read. A FIFO would block `readFileSync` forever and `/dev/zero` (or a
 * symlink to it) would fill memory; both are refused. The file is opened non-blocking (opening a
 * FIFO for reading otherwise waits for a writer) and checked with fstat on the open descriptor, so
 * a swap between the check and the read cannot slip a special file in.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { byteSize, DEFAULT_MAX_FILE_SIZE_MB } from '../core/limits';

/** Thrown when a path is not a regular file or is too large; the message completes "FILE: ". */
export class UnreadableFileError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'UnreadableFileError';
  }
}

function kindOf(s: Stats): string {
  if (s.isDirectory()) return 'a directory';
  if (s.isFIFO()) return 'a named pipe (FIFO)';
  if (s.isCharacterDevice()) return 'a character device';
  if (s.isBlockDevice()) return 'a block device';
  if (s.isSocket()) return 'a socket';
  return 'not a regular file';
}

export function readRegularFile(path: string, maxBytes: number): Uint8Array {
  const fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const s = fstatSync(fd);
    if (!s.isFile()) throw new UnreadableFileError(`cannot read the file: it is ${kindOf(s)}, not a regular file`, 'ENOTREG');
    if (s.size > maxBytes) {
      const limit =
        maxBytes === DEFAULT_MAX_FILE_SIZE_MB * 2 ** 20
          ? ` (the default of gradientLens.maxFileSizeMB, ${DEFAULT_MAX_FILE_SIZE_MB} MB)`
          : '';
      throw new UnreadableFileError(
        `cannot read the file: it is ${byteSize(s.size)}, above the limit of ${byteSize(maxBytes)}${limit}`,
        'EFBIG',
      );
    }
    // Read what fstat promised and no more, even if the file grows meanwhile.
    const bytes = new Uint8Array(s.size);
    let got = 0;
    while (got < bytes.length) {
      const n = readSync(fd, bytes, got, Math.min(bytes.length - got, 1 << 30), null);
      if (n === 0) break;
      got += n;
    }
    return got === bytes.length ? bytes : bytes.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}
