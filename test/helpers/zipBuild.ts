/**
 * A tiny zip writer for tests that need archives no honest tool writes: members sharing bytes,
 * directory entries that lie about sizes or CRCs, truncated directories.
 */
import { deflateRawSync } from 'node:zlib';
import { crc32 } from '../../src/core/crc32';

export interface RawMember {
  name: string;
  /** The bytes stored in the archive (already deflated when method is 8). */
  stored: Uint8Array;
  method: 0 | 8;
  crc: number;
  size: number;
}

export function member(name: string, content: Uint8Array, method: 0 | 8 = 8): RawMember {
  return {
    name,
    stored: method === 8 ? new Uint8Array(deflateRawSync(content)) : content,
    method,
    crc: crc32(content),
    size: content.length,
  };
}

/** Directory entries; `at` picks the local header they point to (default: their own). */
export interface DirEntry extends Partial<RawMember> {
  at: number;
  name: string;
}

const enc = new TextEncoder();
/** Bit 11: the name is UTF-8 (as Python's zipfile sets it for non-ASCII names). */
const utf8Flag = (name: string) => (/[^\x00-\x7f]/.test(name) ? 0x800 : 0);

/** Local headers for `locals`, then a central directory of `dir` (default: one entry per local). */
export function buildZip(locals: RawMember[], dir?: DirEntry[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const offsets: number[] = [];
  let pos = 0;
  for (const m of locals) {
    const name = enc.encode(m.name);
    const h = new DataView(new ArrayBuffer(30));
    h.setUint32(0, 0x04034b50, true);
    h.setUint16(4, 20, true);
    h.setUint16(6, utf8Flag(m.name), true);
    h.setUint16(8, m.method, true);
    h.setUint32(14, m.crc, true);
    h.setUint32(18, m.stored.length, true);
    h.setUint32(22, m.size, true);
    h.setUint16(26, name.length, true);
    offsets.push(pos);
    parts.push(new Uint8Array(h.buffer), name, m.stored);
    pos += 30 + name.length + m.stored.length;
  }
  const cdStart = pos;
  const entries = dir ?? locals.map((m, i) => ({ at: i, name: m.name }));
  for (const e of entries) {
    const m = { ...locals[e.at], ...e };
    const name = enc.encode(m.name);
    const c = new DataView(new ArrayBuffer(46));
    c.setUint32(0, 0x02014b50, true);
    c.setUint16(4, 20, true);
    c.setUint16(6, 20, true);
    c.setUint16(8, utf8Flag(m.name), true);
    c.setUint16(10, m.method, true);
    c.setUint32(16, m.crc, true);
    c.setUint32(20, m.stored.length, true);
    c.setUint32(24, m.size, true);
    c.setUint16(28, name.length, true);
    c.setUint32(42, offsets[e.at], true);
    parts.push(new Uint8Array(c.buffer), name);
    pos += 46 + name.length;
  }
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, entries.length, true);
  end.setUint16(10, entries.length, true);
  end.setUint32(12, pos - cdStart, true);
  end.setUint32(16, cdStart, true);
  parts.push(new Uint8Array(end.buffer));
  const out = new Uint8Array(pos + 22);
  let p = 0;
  for (const part of parts) {
    out.set(part, p);
    p += part.length;
  }
  return out;
}
