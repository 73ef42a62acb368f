/**
 * Picks the heatmap renderer by cell count. SVG_MAX_CELLS was measured in headless Chromium on
 * this project's 2-core machine (test/webview-page/measure-threshold.ts, numbers there): SVG
 * is twice as slow as canvas to first paint at 1,000 cells and ten times at 2,500.
 */
import type { ChartUi } from '../tooltip';
import { DENSE_MAX_CELLS, heatmapCanvas } from './heatmapCanvas';
import { heatmapSvg } from './heatmapSvg';
import type { HeatmapHandle, HeatmapMode, HeatmapOptions } from './heatmapTypes';

export const SVG_MAX_CELLS = 1024;

export function heatmapMode(rows: number, cols: number, maxSvgCells = SVG_MAX_CELLS): HeatmapMode {
  const n = rows * cols;
  return n <= maxSvgCells ? 'svg' : n <= DENSE_MAX_CELLS ? 'canvas-dense' : 'canvas-tiled';
}

export function heatmap(doc: Document, o: HeatmapOptions, ui: ChartUi, maxSvgCells = SVG_MAX_CELLS): HeatmapHandle {
  return heatmapMode(o.source.rows, o.source.cols, maxSvgCells) === 'svg' ? heatmapSvg(doc, o, ui) : heatmapCanvas(doc, o, ui);
}
