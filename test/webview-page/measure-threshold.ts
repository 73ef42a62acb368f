/**
 * Where SVG stops being the right renderer: times an SVG and a canvas heatmap of growing size in
 * headless Chromium, from the start of rendering to the frame after the first paint (median of 5).
 * Usage: node --import tsx test/webview-page/measure-threshold.ts
 *
 * Measured on this project's machine (Debian 12, 2 cores, Debian Chromium headless), ms, both
 * including the ~2 frames (≈ 25 ms) waited for the paint:
 *   cells     svg ms   canvas ms
 *   100          25.3       29.6
 *   500          30.2       26.4
 *   1000         62.1       27.2
 *   2500        210.1       18.5
 *   5000        281.1       32.6
 *   10000       427.1       27.1
 *   20000      1172.0       29.7
 *   40000      1725.8       46.1
 * SVG costs about as much as canvas up to ~500 cells, twice as much at 1,000, ten times at 2,500.
 * SVG_MAX_CELLS = 1024 keeps SVG (one addressable, crisp <rect> per cell) for up to a 32 × 32
 * Jacobian or 100 samples × 10 classes, at under ~60 ms to first paint.
 */
import { openPanel } from './page';

const SIZES: [number, number][] = [
  [10, 10],
  [20, 25],
  [40, 25],
  [50, 50],
  [100, 50],
  [100, 100],
  [200, 100],
  [400, 100],
];

async function main(): Promise<void> {
  const panel = await openPanel({ entry: 'test/webview-page/bench-entry.ts', width: 1100, height: 900 });
  try {
    console.log('cells     svg ms   canvas ms');
    for (const [rows, cols] of SIZES) {
      const times: Record<string, number[]> = { svg: [], canvas: [] };
      for (let rep = 0; rep < 5; rep++) {
        for (const mode of ['svg', 'canvas'] as const) {
          times[mode].push(
            await panel.page.evaluate(
              ([m, r, c]) =>
                (window as unknown as { glBench(m: string, r: number, c: number): Promise<number> }).glBench(
                  m as string,
                  r as number,
                  c as number,
                ),
              [mode, rows, cols] as const,
            ),
          );
        }
      }
      const median = (v: number[]) => v.sort((a, b) => a - b)[Math.floor(v.length / 2)];
      console.log(
        `${String(rows * cols).padEnd(9)} ${median(times.svg).toFixed(1).padStart(7)} ${median(times.canvas).toFixed(1).padStart(10)}`,
      );
    }
  } finally {
    await panel.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
