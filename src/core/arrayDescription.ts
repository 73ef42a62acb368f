/** How NumPy arrays are named in messages and the viewer: shapes as NumPy prints them, dtypes as NumPy names them. */

export function shapeText(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** '<f4' → 'float32', '|b1' → 'bool', '>i8' → 'int64 (big-endian)'. */
export function dtypeName(dtype: string): string {
  const m = /^([<>|=]?)([a-zA-Z?])(\d*)$/.exec(dtype);
  if (!m) return dtype;
  const [, order, code, size] = m;
  const bits = Number(size) * 8;
  const base =
    code === 'f'
      ? `float${bits}`
      : code === 'i'
        ? `int${bits}`
        : code === 'u'
          ? `uint${bits}`
          : code === 'b' || code === '?'
            ? 'bool'
            : code === 'U'
              ? `str${size}`
              : code === 'S'
                ? `bytes${size}`
                : dtype;
  return order === '>' && Number(size) > 1 && code !== 'S' ? `${base} (big-endian)` : base;
}
