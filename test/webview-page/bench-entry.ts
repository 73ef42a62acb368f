// Test-only page entry for measure-threshold.ts: renders one heatmap in SVG or canvas mode and
// reports the time until the frame after it was painted.
import { heatmapCanvas } from '../../src/webview/charts/heatmapCanvas';
import { heatmapSvg } from '../../src/webview/charts/heatmapSvg';
import { denseSource } from '../../src/webview/charts/matrixSource';
import { divergingScale, readTheme } from '../../src/webview/colors';
import { LiveRegion, Tooltip } from '../../src/webview/tooltip';

const ui = { tooltip: new Tooltip(document, document.body), live: new LiveRegion(document, document.body) };

async function render(mode: 'svg' | 'canvas', rows: number, cols: number): Promise<number> {
  document.getElementById('gl-root')!.replaceChildren();
  const data = Float64Array.from({ length: rows * cols }, (_, i) => Math.sin(i * 0.37) * Math.cos(i * 0.011));
  const source = denseSource(data, rows, cols);
  const theme = readTheme(document.body);
  const start = performance.now();
  const opts = {
    source,
    scale: divergingScale(theme, source.maxAbs()),
    theme,
    width: 900,
    maxHeight: 600,
    label: 'bench',
    testId: 'bench',
    describe: () => ({ title: '', rows: [] }),
  };
  const chart = mode === 'svg' ? heatmapSvg(document, opts, ui) : heatmapCanvas(document, opts, ui);
  document.getElementById('gl-root')!.appendChild(chart.element);
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  return performance.now() - start;
}

(window as unknown as { glBench: typeof render }).glBench = render;
// openPanel waits for the ready handshake.
(window as unknown as { acquireVsCodeApi(): { postMessage(m: unknown): void } }).acquireVsCodeApi().postMessage({ type: 'ready' });
