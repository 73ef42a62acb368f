/**
 * A deflated .npz member read in order a piece at a time (np.savez_compressed): its compressed
 * bytes go through fflate's streaming Inflate a read at a time, so a member of 10⁷ logits is
 * never whole in memory (binaryStream.ts reads its rows in blocks). As the full reader (npz.ts)
 * the member must inflate to exactly the size its directory entry declares: `ended`, once that
 * much is read, says it gives no more; a corrupt stream, or one that inflates to more, reads as
 * the member's end.
 */
import { Inflate } from 'fflate';
import type { ZipMember } from '../core/zipDirectory';
import { readAt, READ_CHUNK_BYTES, type ChunkFile } from '../node/chunkFile';

/** The smallest read of compressed bytes (the full reader's chunk near a member's end). */
const INFLATE_NEAR_END = 16 << 10;

/** A member's bytes as a ChunkFile whose reads come in order: each at or after the previous one's start. */
export function inflatedMember(f: ChunkFile, m: ZipMember): ChunkFile & { ended(): boolean } {
  /** Inflated bytes kept: member offsets [kept, kept + filled). */
  let buffer = new Uint8Array(4 * READ_CHUNK_BYTES);
  let kept = 0;
  let filled = 0;
  let produced = 0;
  let final = false;
  let broken = false;
  let next = m.dataStart;
  const window = new Uint8Array(READ_CHUNK_BYTES);
  // fflate copies what it keeps of each input, so the window is reused; each output is its own.
  const inflater = new Inflate((chunk, last) => {
    produced += chunk.length;
    if (last) final = true;
    // More than declared: the member is the full reader's to refuse, and nothing more is kept.
    if (produced > m.size) return void (broken = true);
    if (filled + chunk.length > buffer.length) {
      const bigger = new Uint8Array(Math.max(2 * buffer.length, filled + chunk.length));
      bigger.set(buffer.subarray(0, filled));
      buffer = bigger;
    }
    buffer.set(chunk, filled);
    filled += chunk.length;
  });
  /**
   * Inflates one more read of compressed bytes; false when there are none or the stream broke. As
   * the full reader does, a read near the declared end is small: a push inflates to at most ~1032×
   * its bytes, so a member that lies about its size costs at most ~17 MB more.
   */
  const pump = (): boolean => {
    if (broken || final || next >= m.dataEnd) return false;
    const want = Math.max(INFLATE_NEAR_END, Math.min(window.length, Math.ceil((m.size + 1 - produced) / 1032)));
    const got = f.read(window, 0, Math.min(want, m.dataEnd - next), next);
    if (got <= 0) return ((broken = true), false);
    next += got;
    try {
      inflater.push(window.subarray(0, got), next >= m.dataEnd);
    } catch {
      broken = true;
    }
    return !broken;
  };
  return {
    size: m.size,
    read(into, at, length, position) {
      if (position < kept) throw new Error('an inflated member is read in order');
      while (!broken && kept + filled < position + length && pump());
      if (broken) return 0;
      // What comes before this read is never asked for again.
      const drop = Math.min(position - kept, filled);
      if (drop > buffer.length / 2) {
        buffer.copyWithin(0, drop, filled);
        filled -= drop;
        kept += drop;
      }
      const from = position - kept;
      const count = Math.max(0, Math.min(length, filled - from));
      into.set(buffer.subarray(from, from + count), at);
      return count;
    },
    ended() {
      // Read to its end, a member that gave its declared size has given no more (broken else).
      while (pump());
      return !broken;
    },
    close() {},
  };
}

/** A member's bytes, inflated when deflated; null when they are not its declared size. */
export function memberBytes(f: ChunkFile, m: ZipMember): Uint8Array | null {
  if (m.method === 0) {
    const bytes = readAt(f, m.dataStart, m.dataEnd - m.dataStart);
    return bytes.length === m.size ? bytes : null;
  }
  const member = inflatedMember(f, m);
  const bytes = readAt(member, 0, m.size);
  return bytes.length === m.size && member.ended() ? bytes : null;
}
