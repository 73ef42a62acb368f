/**
 * The tests' one seeded generator (a 32-bit LCG, glibc's constants): the same numbers on every
 * run and machine, so a test's data is reproducible and its failures too. Not random.
 */
export function seededUniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 4294967296;
}
