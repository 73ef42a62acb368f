/** The pieces joined into one array (a file's bytes when it is wanted whole). */
export function concatBytes(pieces: Iterable<Uint8Array>): Uint8Array {
  const all = [...pieces];
  const out = new Uint8Array(all.reduce((n, piece) => n + piece.length, 0));
  let at = 0;
  for (const piece of all) {
    out.set(piece, at);
    at += piece.length;
  }
  return out;
}
