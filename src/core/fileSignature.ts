/**
 * What a file's first bytes say it is: the magic numbers of NumPy's .npy, zip archives (.npz and
 * torch.save's .pt), Python pickles and gzip, tested in one place for every reader, the CLI and the host.
 */
import { firstInvalidUtf8 } from './charNames';
import { InputError } from './problems';

/** Whether b starts with a UTF-8 byte order mark (Excel's "CSV UTF-8", PowerShell's Out-File), which every text reader skips. */
export function startsWithBom(b: Uint8Array): boolean {
  return b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf;
}

/** "\x93NUMPY", the first six bytes of every .npy file. */
export const NPY_MAGIC: readonly number[] = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

/** The whole "\x93NUMPY" magic string. */
export function hasNpyMagic(b: Uint8Array): boolean {
  return NPY_MAGIC.every((x, k) => b[k] === x);
}

/** "\x93N": the first two bytes of the .npy magic, enough to guess a format (and to tell a .npy from the other binaries). */
export function startsLikeNpy(b: Uint8Array): boolean {
  return b[0] === 0x93 && b[1] === 0x4e;
}

/** "PK": the first two bytes of a zip archive, enough to guess a format. */
export function startsLikeZip(b: Uint8Array): boolean {
  return b[0] === 0x50 && b[1] === 0x4b;
}

/** "PK" and a local-file header (3 4) or the end record of an empty archive (5 6): a zip archive. */
export function hasZipMagic(b: Uint8Array): boolean {
  return b[0] === 0x50 && b[1] === 0x4b && (b[2] === 3 || b[2] === 5) && (b[3] === 4 || b[3] === 6);
}

/** A Python pickle: the PROTO opcode (0x80) with protocol 2–5, as a legacy torch.save writes. */
export function hasPickleMagic(b: Uint8Array): boolean {
  return b[0] === 0x80 && b[1] !== undefined && b[1] >= 2 && b[1] <= 5;
}

/** gzip's 1f 8b. */
export function hasGzipMagic(b: Uint8Array): boolean {
  return b[0] === 0x1f && b[1] === 0x8b;
}

/**
 * Recognises files that are not UTF-8 text at all (UTF-16, NumPy, zip, gzip, anything with NUL
 * bytes near the start), so that they get one clear message instead of a syntax error at byte 0.
 */
export function notTextProblem(b: Uint8Array, format: string): InputError | null {
  const n = b.length;
  const at = (k: number) => (k < n ? b[k] : -1);
  if ((at(0) === 0xff && at(1) === 0xfe) || (at(0) === 0xfe && at(1) === 0xff)) {
    const utf32 = at(0) === 0xff && at(2) === 0 && at(3) === 0;
    return new InputError(
      `the file is ${utf32 ? 'UTF-32' : 'UTF-16'} text (it starts with a ${utf32 ? 'UTF-32' : 'UTF-16'} byte-order mark); save it as UTF-8 (PowerShell's > writes UTF-16: use Out-File -Encoding utf8)`,
      0,
      Math.min(n, 2),
      'encoding',
    );
  }
  if (n >= 4 && at(0) !== 0 && at(1) === 0 && at(2) !== 0 && at(3) === 0) {
    return new InputError('the file looks like UTF-16 text (every other byte is 0); save it as UTF-8', 0, 2, 'encoding');
  }
  if (hasNpyMagic(b)) {
    return new InputError(`this is a NumPy .npy file, not ${format} text; give it the .npy extension`, 0, 6, 'binary');
  }
  if (hasZipMagic(b)) {
    return new InputError(
      `this is a zip archive, not ${format} text; if it is a NumPy .npz file, give it the .npz extension, otherwise unzip it`,
      0,
      4,
      'binary',
    );
  }
  if (hasGzipMagic(b)) {
    return new InputError(`this is a gzip-compressed file, not ${format} text; decompress it first (gunzip)`, 0, 2, 'binary');
  }
  const limit = Math.min(n, 8192);
  for (let i = 0; i < limit; i++) {
    if (b[i] !== 0) continue;
    // Point at a stray NUL in otherwise readable text; for a binary file, line numbers mean nothing.
    if (firstInvalidUtf8(b, 0, i) < 0)
      return new InputError(`a NUL byte (0x00), which ${format} text never contains; remove it`, i, i + 1, 'binary');
    return new InputError(`the file is binary, not ${format} text (it has a NUL byte at byte ${i}); is it the right file?`, 0, 1, 'binary');
  }
  return null;
}
