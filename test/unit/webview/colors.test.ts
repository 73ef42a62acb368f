import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  contrastRatio,
  DEFAULT_THEMES,
  DIVERGING_ENDS,
  divergingScale,
  oklabDistance,
  parseColor,
  simulateCvd,
  toHex,
  type ThemeKind,
} from '../../../src/webview/colors';

const KINDS = Object.keys(DIVERGING_ENDS) as ThemeKind[];
// Distance in OKLab below which two colours read as "the same hue family" at a glance.
const DISTINCT = 0.2;

test('parseColor reads hex, short hex and rgb(a); transparent is no colour', () => {
  assert.deepEqual(parseColor('#1f1f1f'), [31, 31, 31]);
  assert.deepEqual(parseColor('#fff'), [255, 255, 255]);
  assert.deepEqual(parseColor('#ffffff80'), [255, 255, 255]);
  assert.deepEqual(parseColor('rgb(12, 34, 56)'), [12, 34, 56]);
  assert.deepEqual(parseColor('rgba(12, 34, 56, 0.5)'), [12, 34, 56]);
  assert.equal(parseColor('rgba(0, 0, 0, 0)'), null);
  assert.equal(parseColor('transparent'), null);
  assert.equal(toHex([31, 31, 31]), '#1f1f1f');
});

test('the two arms stay apart for protanopes and deuteranopes in every theme', () => {
  for (const kind of KINDS) {
    const [neg, pos] = DIVERGING_ENDS[kind].map((c) => parseColor(c)!);
    for (const cvd of ['protan', 'deutan'] as const) {
      const d = oklabDistance(simulateCvd(neg, cvd), simulateCvd(pos, cvd));
      assert.ok(d >= DISTINCT, `${kind} ${cvd}: simulated arms only ${d.toFixed(3)} apart`);
    }
  }
});

test('the same check rejects red–green ends (so it can fail)', () => {
  // RdYlGn's ends: distinct for trichromats, nearly the same for a deuteranope.
  const red = parseColor('#d73027')!;
  const green = parseColor('#1a9850')!;
  assert.ok(oklabDistance(red, green) > DISTINCT);
  assert.ok(oklabDistance(simulateCvd(red, 'deutan'), simulateCvd(green, 'deutan')) < DISTINCT);
});

test('both ends contrast with their theme background (WCAG ≥ 4.5, graphics need 3)', () => {
  for (const kind of KINDS) {
    for (const end of DIVERGING_ENDS[kind]) {
      const ratio = contrastRatio(parseColor(end)!, DEFAULT_THEMES[kind].background);
      assert.ok(ratio >= 4.5, `${kind} ${end}: contrast ${ratio.toFixed(2)}`);
    }
  }
});

test('zero is the background, the ends are the arm colours, the sign picks the arm', () => {
  for (const kind of KINDS) {
    const theme = DEFAULT_THEMES[kind];
    const s = divergingScale(theme, 2);
    assert.equal(s.color(0), toHex(theme.background));
    assert.equal(s.color(-2), DIVERGING_ENDS[kind][0]);
    assert.equal(s.color(2), DIVERGING_ENDS[kind][1]);
    assert.equal(s.color(-50), DIVERGING_ENDS[kind][0], 'beyond the domain it clamps');
    assert.equal(s.color(Number.NaN), 'transparent');
    const neg = parseColor(s.color(-1))!;
    const pos = parseColor(s.color(1))!;
    assert.ok(oklabDistance(neg, parseColor(DIVERGING_ENDS[kind][0])!) < oklabDistance(neg, parseColor(DIVERGING_ENDS[kind][1])!));
    assert.ok(oklabDistance(pos, parseColor(DIVERGING_ENDS[kind][1])!) < oklabDistance(pos, parseColor(DIVERGING_ENDS[kind][0])!));
  }
});

test('magnitude reads as distance from the background, monotonically on each arm', () => {
  const theme = DEFAULT_THEMES.dark;
  const s = divergingScale(theme, 1);
  for (const sign of [-1, 1]) {
    let last = -1;
    for (let v = 0; v <= 1.0001; v += 0.05) {
      const d = oklabDistance(parseColor(s.color(sign * v))!, theme.background);
      assert.ok(d >= last - 1e-9, `not monotonic at ${sign * v}`);
      last = d;
    }
  }
  // √ mapping: a quarter of the maximum sits halfway along the arm.
  const quarter = oklabDistance(parseColor(s.color(0.25))!, theme.background);
  const full = oklabDistance(parseColor(s.color(1))!, theme.background);
  assert.ok(Math.abs(quarter / full - 0.5) < 0.03, `quarter at ${(quarter / full).toFixed(3)} of the arm`);
});

test('write() fills RGBA like color() and leaves NaN transparent', () => {
  const s = divergingScale(DEFAULT_THEMES.light, 3);
  const out = new Uint8ClampedArray(8);
  s.write(-1.2, out, 0);
  s.write(Number.NaN, out, 4);
  assert.equal(toHex([out[0], out[1], out[2]]), s.color(-1.2));
  assert.equal(out[3], 255);
  assert.equal(out[7], 0);
  assert.equal(divergingScale(DEFAULT_THEMES.light, 0).max, 1, 'an all-zero matrix still gets a usable domain');
});

test('writeAll colours a run of values exactly as write does one by one', () => {
  const values = [0, -0, 1, -1, 0.5, -0.5, 2, -2, 1e-300, -1e-300, Number.NaN, Infinity, -Infinity, 0.25, -0.7];
  for (let i = 0; i < 2000; i++) values.push(Math.sin(i * 12.9898) * 1.3 * (i % 7 === 0 ? 1e-6 : 1));
  for (const kind of ['light', 'dark', 'high-contrast', 'high-contrast-light'] as const) {
    const scale = divergingScale(DEFAULT_THEMES[kind], 1.1);
    const one = new Uint8ClampedArray(4 * values.length);
    values.forEach((v, i) => scale.write(v, one, 4 * i));
    const all = new Uint8ClampedArray(4 * values.length);
    scale.writeAll(Float64Array.from(values), values.length, all);
    assert.deepEqual(all, one, kind);
    // A view that does not start on a 4-byte boundary takes the byte-by-byte path.
    const unaligned = new Uint8ClampedArray(new ArrayBuffer(4 * values.length + 1), 1, 4 * values.length);
    scale.writeAll(values, values.length, unaligned);
    assert.deepEqual(Array.from(unaligned), Array.from(one), `${kind}, unaligned`);
  }
});
