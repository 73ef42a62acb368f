import assert from 'node:assert/strict';

/** |a − b| ≤ atol + rtol·|b|, element by element through nested arrays and objects. */
export function assertClose(actual: unknown, expected: unknown, rtol = 1e-9, atol = 1e-12, path = '$'): void {
  if (typeof expected === 'number') {
    assert.equal(typeof actual, 'number', `${path}: expected a number, got ${typeof actual}`);
    const a = actual as number;
    assert.ok(
      Math.abs(a - expected) <= atol + rtol * Math.abs(expected),
      `${path}: ${a} is not within tolerance of ${expected} (diff ${Math.abs(a - expected)})`,
    );
    return;
  }
  if (Array.isArray(expected) || ArrayBuffer.isView(expected)) {
    const e = Array.from(expected as ArrayLike<unknown>);
    const a = Array.from(actual as ArrayLike<unknown>);
    assert.equal(a.length, e.length, `${path}: length ${a.length} ≠ ${e.length}`);
    e.forEach((v, i) => assertClose(a[i], v, rtol, atol, `${path}[${i}]`));
    return;
  }
  if (expected !== null && typeof expected === 'object') {
    assert.ok(
      actual !== null && typeof actual === 'object',
      `${path}: expected an object, got ${actual === null ? 'null' : typeof actual}`,
    );
    assert.deepEqual(Object.keys(actual as object).sort(), Object.keys(expected).sort(), `${path}: keys differ`);
    for (const [k, v] of Object.entries(expected)) assertClose((actual as Record<string, unknown>)[k], v, rtol, atol, `${path}.${k}`);
    return;
  }
  assert.deepEqual(actual, expected, path);
}
