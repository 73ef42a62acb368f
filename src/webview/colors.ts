/**
 * Colour scales for the heatmaps and bars.
 *
 * Signed values (Jacobian entries, gradients) use a blue–orange diverging scale whose centre is the
 * panel's own background, interpolated in OKLab:
 * - blue vs orange differ along the blue–yellow opponent channel, which protanopes and deuteranopes
 *   keep; red–green schemes (RdYlGn, RdGn) collapse for them (test/unit/webview/colors.test.ts
 *   simulates both deficiencies and checks the two arms stay apart);
 * - zero is the background, so "no gradient" reads as empty and magnitude reads as distance from
 *   the background in lightness too, which survives any hue confusion and greyscale printing;
 * - each theme kind gets its own end colours, light enough on dark backgrounds and dark enough on
 *   light ones; high-contrast themes get the most saturated pair.
 * Colour follows √(|v| / max) rather than |v| / max: gradients and Jacobian entries span orders
 * of magnitude, and on a linear ramp everything but the largest few would be the background.
 * The legends say so.
 */

export type ThemeKind = 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';
export type Rgb = [number, number, number];

export interface Theme {
  kind: ThemeKind;
  /** Effective background behind the charts (the diverging scale's centre). */
  background: Rgb;
  foreground: Rgb;
}

/** Arm colours per theme kind: [negative, positive]. */
export const DIVERGING_ENDS: Record<ThemeKind, [string, string]> = {
  light: ['#1d5fa8', '#b45309'],
  dark: ['#5ea8ff', '#f5a03c'],
  'high-contrast': ['#8cc8ff', '#ffb347'],
  'high-contrast-light': ['#0a3f8a', '#8a3a00'],
};

export const DEFAULT_THEMES: Record<ThemeKind, Theme> = {
  light: { kind: 'light', background: [255, 255, 255], foreground: [59, 59, 59] },
  dark: { kind: 'dark', background: [31, 31, 31], foreground: [204, 204, 204] },
  'high-contrast': { kind: 'high-contrast', background: [0, 0, 0], foreground: [255, 255, 255] },
  'high-contrast-light': { kind: 'high-contrast-light', background: [255, 255, 255], foreground: [41, 41, 41] },
};

export function parseColor(css: string): Rgb | null {
  const s = css.trim().toLowerCase();
  let m = /^#([0-9a-f]{3,8})$/.exec(s);
  if (m) {
    const h = m[1];
    if (h.length === 3 || h.length === 4) return [0, 1, 2].map((i) => parseInt(h[i] + h[i], 16)) as Rgb;
    if (h.length === 6 || h.length === 8) return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)) as Rgb;
    return null;
  }
  m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:[\s,/]+([\d.]+%?))?\s*\)$/.exec(s);
  if (m) {
    // A fully transparent colour says nothing about what is behind it.
    if (m[4] !== undefined && parseFloat(m[4]) === 0) return null;
    return [Number(m[1]), Number(m[2]), Number(m[3])];
  }
  return null;
}

export function toHex(c: Rgb): string {
  return (
    '#' +
    c
      .map((v) =>
        Math.round(Math.min(255, Math.max(0, v)))
          .toString(16)
          .padStart(2, '0'),
      )
      .join('')
  );
}

const toLinear = (v: number) => {
  const c = v / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
};
const fromLinear = (c: number) => 255 * (c <= 0.0031308 ? 12.92 * c : 1.055 * Math.max(0, c) ** (1 / 2.4) - 0.055);

export type Lab = [number, number, number];

export function rgbToOklab(c: Rgb): Lab {
  const r = toLinear(c[0]);
  const g = toLinear(c[1]);
  const b = toLinear(c[2]);
  const l = Math.cbrt(0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b);
  const m = Math.cbrt(0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b);
  const s = Math.cbrt(0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b);
  return [
    0.2104542553 * l + 0.793617785 * m - 0.0040720468 * s,
    1.9779984951 * l - 2.428592205 * m + 0.4505937099 * s,
    0.0259040371 * l + 0.7827717662 * m - 0.808675766 * s,
  ];
}

export function oklabToRgb(lab: Lab): Rgb {
  const l = (lab[0] + 0.3963377774 * lab[1] + 0.2158037573 * lab[2]) ** 3;
  const m = (lab[0] - 0.1055613458 * lab[1] - 0.0638541728 * lab[2]) ** 3;
  const s = (lab[0] - 0.0894841775 * lab[1] - 1.291485548 * lab[2]) ** 3;
  return [
    fromLinear(4.0767416621 * l - 3.3077115913 * m + 0.2309699292 * s),
    fromLinear(-1.2684380046 * l + 2.6097574011 * m - 0.3413193965 * s),
    fromLinear(-0.0041960863 * l - 0.7034186147 * m + 1.707614701 * s),
  ];
}

export function oklabDistance(a: Rgb, b: Rgb): number {
  const p = rgbToOklab(a);
  const q = rgbToOklab(b);
  return Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
}

/**
 * Dichromat simulation (Machado, Oliveira & Fernandes 2009, severity 1), in linear RGB. Used by
 * the tests to show the scale stays readable; not used for drawing.
 */
const CVD: Record<'protan' | 'deutan', number[]> = {
  protan: [0.152286, 1.052583, -0.204868, 0.114503, 0.786281, 0.099216, -0.003882, -0.048116, 1.051998],
  deutan: [0.367322, 0.860646, -0.227968, 0.280085, 0.672501, 0.047413, -0.01182, 0.04294, 0.968881],
};

export function simulateCvd(c: Rgb, kind: 'protan' | 'deutan'): Rgb {
  const m = CVD[kind];
  const v = c.map(toLinear);
  return [0, 1, 2].map((i) => fromLinear(m[3 * i] * v[0] + m[3 * i + 1] * v[1] + m[3 * i + 2] * v[2])) as Rgb;
}

export interface DivergingScale {
  /** Largest |value| the scale spans; the domain is [−max, max]. */
  max: number;
  /** CSS colour of a value (NaN → transparent). */
  color(v: number): string;
  /** RGBA of a value written into `out` at `offset` (canvas fast path). */
  write(v: number, out: Uint8ClampedArray, offset: number): void;
  /** write for values[0..n) into out's pixels 0..n (a whole tile in one loop). */
  writeAll(values: ArrayLike<number>, n: number, out: Uint8ClampedArray): void;
  negative: string;
  positive: string;
  center: string;
  /** How |v| maps to colour, for the legend. */
  mapping: ScaleMapping;
  /** symlog: how many decades below max get their own shades. */
  decades: number;
  /** Colour position in [−1, 1] of a value (−1: the negative end, 0: the background). */
  position(v: number): number;
  /** The value at a colour position (the inverse of position). */
  valueAt(position: number): number;
}

/**
 * `sqrt`: position ∝ √(|v| / max). `symlog`: position ∝ log(1 + |v|/c) / log(1 + max/c) with
 * c = max · 10^−SYMLOG_DECADES: logarithmic over SYMLOG_DECADES decades below max, linear under c,
 * so entries from 10⁻⁸ to 10⁻¹ all get their own shade (the Jacobian at large K, gradients).
 */
export type ScaleMapping = 'sqrt' | 'symlog';
export const SYMLOG_DECADES = 5;
/** Gradient matrices (∂L/∂z of a batch, ∂L/∂W): three decades, so the large entries still stand out. */
export const GRADIENT_DECADES = 3;

const LUT_STEPS = 256;
/** Colour position ∝ (|v| / max)^COLOR_EXPONENT. */
export const COLOR_EXPONENT = 0.5;

export function divergingScale(theme: Theme, max: number, mapping: ScaleMapping = 'sqrt', decades = SYMLOG_DECADES): DivergingScale {
  const [negCss, posCss] = DIVERGING_ENDS[theme.kind];
  const center = rgbToOklab(theme.background);
  const ends = [rgbToOklab(parseColor(negCss)!), rgbToOklab(parseColor(posCss)!)];
  // One lookup table per arm: colours are computed once, not per cell.
  const lut = new Uint8ClampedArray(2 * LUT_STEPS * 3);
  const hex: string[] = [];
  for (let arm = 0; arm < 2; arm++) {
    for (let i = 0; i < LUT_STEPS; i++) {
      const t = i / (LUT_STEPS - 1);
      const end = ends[arm];
      const rgb = oklabToRgb([
        center[0] + (end[0] - center[0]) * t,
        center[1] + (end[1] - center[1]) * t,
        center[2] + (end[2] - center[2]) * t,
      ]);
      const o = (arm * LUT_STEPS + i) * 3;
      lut[o] = rgb[0];
      lut[o + 1] = rgb[1];
      lut[o + 2] = rgb[2];
      hex.push(toHex([lut[o], lut[o + 1], lut[o + 2]]));
    }
  }
  // The same colours as RGBA packed into one 32-bit word each, in the platform's byte order.
  const packed = new Uint32Array(2 * LUT_STEPS);
  const bytes = new Uint8Array(packed.buffer);
  for (let i = 0; i < 2 * LUT_STEPS; i++) bytes.set([lut[3 * i], lut[3 * i + 1], lut[3 * i + 2], 255], 4 * i);
  const safeMax = max > 0 && Number.isFinite(max) ? max : 1;
  const c = safeMax * 10 ** -decades;
  const logDen = Math.log1p(safeMax / c);
  const magnitude =
    mapping === 'symlog'
      ? (a: number) => Math.min(1, Math.log1p(a / c) / logDen)
      : (a: number) => Math.min(1, a / safeMax) ** COLOR_EXPONENT;
  const index = (v: number) => (v < 0 ? 0 : LUT_STEPS) + Math.round(magnitude(Math.abs(v)) * (LUT_STEPS - 1));
  const write = (v: number, out: Uint8ClampedArray, offset: number): void => {
    if (Number.isNaN(v)) {
      out[offset + 3] = 0;
      return;
    }
    const o = index(v) * 3;
    out[offset] = lut[o];
    out[offset + 1] = lut[o + 1];
    out[offset + 2] = lut[o + 2];
    out[offset + 3] = 255;
  };
  return {
    max: safeMax,
    color: (v) => (Number.isNaN(v) ? 'transparent' : hex[index(v)]),
    write,
    writeAll(values, n, out) {
      // The same index as write(), inline, and one 32-bit store of the packed RGBA per pixel.
      if (out.byteOffset % 4 !== 0) {
        for (let i = 0; i < n; i++) write(values[i], out, 4 * i);
        return;
      }
      const px = new Uint32Array(out.buffer, out.byteOffset, n);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (v !== v) {
          out[4 * i + 3] = 0;
          continue;
        }
        px[i] = packed[index(v)];
      }
    },
    negative: negCss,
    positive: posCss,
    center: toHex(theme.background),
    mapping,
    decades,
    position: (v) => (Number.isNaN(v) ? 0 : Math.sign(v) * magnitude(Math.abs(v))),
    valueAt(u) {
      const a = Math.min(1, Math.abs(u));
      return Math.sign(u) * (mapping === 'symlog' ? c * Math.expm1(a * logDen) : safeMax * a ** (1 / COLOR_EXPONENT));
    },
  };
}

function relativeLuminance(c: Rgb): number {
  return 0.2126 * toLinear(c[0]) + 0.7152 * toLinear(c[1]) + 0.0722 * toLinear(c[2]);
}

/** WCAG contrast ratio of two colours. */
export function contrastRatio(a: Rgb, b: Rgb): number {
  const la = relativeLuminance(a);
  const lb = relativeLuminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/**
 * The theme of a live page: VS Code puts its kind on <body> as a class, and the effective
 * background is the first opaque background up the tree from `el`.
 */
export function readTheme(el: Element): Theme {
  const doc = el.ownerDocument;
  const body = doc.body;
  const view = doc.defaultView;
  const cls = body?.classList;
  let background: Rgb | null = null;
  let foreground: Rgb | null = null;
  if (view) {
    for (let node: Element | null = el; node && !background; node = node.parentElement)
      background = parseColor(view.getComputedStyle(node).backgroundColor);
    foreground = parseColor(view.getComputedStyle(el).color);
  }
  let kind: ThemeKind;
  if (cls?.contains('vscode-high-contrast-light')) kind = 'high-contrast-light';
  else if (cls?.contains('vscode-high-contrast')) kind = 'high-contrast';
  else if (cls?.contains('vscode-light')) kind = 'light';
  else if (cls?.contains('vscode-dark')) kind = 'dark';
  else kind = background && relativeLuminance(background) > 0.4 ? 'light' : 'dark';
  const fallback = DEFAULT_THEMES[kind];
  return { kind, background: background ?? fallback.background, foreground: foreground ?? fallback.foreground };
}
