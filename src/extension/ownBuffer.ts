/**
 * The parsers hand out views over buffers reserved larger than the data; posting a view would
 * send its whole buffer, so views are copied to their own.
 */
export function withOwnBuffer<T extends Float64Array | Int32Array>(a: T): T {
  return (a.byteOffset === 0 && a.byteLength === a.buffer.byteLength ? a : a.slice()) as T;
}
