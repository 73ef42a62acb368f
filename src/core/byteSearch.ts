/**
 * Finding one byte value in a byte array: the newlines of a CSV, the `]` that ends a JSON row.
 * The core is portable, so by default this is the array's own indexOf; a host with a faster
 * native search hands it in once at start-up (src/node/nativeByteSearch.ts: Node's memchr behind
 * Buffer#indexOf). Measured here (Node 20), 48 MB with a `]` every 10 KB: 18–36 ms with
 * Uint8Array#indexOf, 3.3–6.5 ms with memchr.
 */

/** The first index ≥ `from` where `bytes` holds `byte`, else −1, as Uint8Array#indexOf gives it. */
export type ByteSearch = (bytes: Uint8Array, byte: number, from: number) => number;

/** The array's own indexOf: the search until a host hands in another, and the one to go back to. */
export const portableByteSearch: ByteSearch = (bytes, byte, from) => bytes.indexOf(byte, from);

let search = portableByteSearch;

/** The first index ≥ `from` where `bytes` holds `byte`, else −1 (Uint8Array#indexOf's semantics). */
export function indexOfByte(bytes: Uint8Array, byte: number, from = 0): number {
  return search(bytes, byte, from);
}

/** Uses `native` for every indexOfByte from now on: it must give exactly what Uint8Array#indexOf gives. */
export function useByteSearch(native: ByteSearch): void {
  search = native;
}
