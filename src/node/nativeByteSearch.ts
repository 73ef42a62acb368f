import { useByteSearch } from '../core/byteSearch';

/**
 * The core's byte searches through memchr (Buffer#indexOf, which takes any Uint8Array), 5–10×
 * V8's Uint8Array#indexOf on this machine: each bundle's entry point calls this once.
 */
export function useNativeByteSearch(): void {
  const memchr = Buffer.prototype.indexOf;
  useByteSearch((bytes, byte, from) => memchr.call(bytes, byte, from));
}
