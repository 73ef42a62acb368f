/** Limits shared by the CLI and the extension, so both refuse the same inputs. */

/** Default of `gradientLens.maxFileSizeMB`: no file above this is read. */
export const DEFAULT_MAX_FILE_SIZE_MB = 2048;
export const DEFAULT_MAX_FILE_BYTES = DEFAULT_MAX_FILE_SIZE_MB * 1024 * 1024;

/** Above this a "classes.txt" / "labels.txt" is not a list of class names (and is not read). */
export const MAX_CLASS_FILE_BYTES = 16 * 1024 * 1024;

/** How many bytes a sibling file may have before it is passed over unread. */
export function siblingByteLimit(name: string, maxFileBytes = DEFAULT_MAX_FILE_BYTES): number {
  return /\.txt$/i.test(name) ? Math.min(MAX_CLASS_FILE_BYTES, maxFileBytes) : maxFileBytes;
}

/** "3.0 GB", "12.5 MB", "900 bytes". */
export function byteSize(n: number): string {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(1)} GB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${n} bytes`;
}
