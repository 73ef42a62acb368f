/** Options and handle shared by the SVG and canvas heatmaps. */
import type { DivergingScale, Theme } from '../colors';
import type { TooltipContent } from '../tooltip';
import type { Block, GridNav } from './gridNav';
import type { HeatmapFrame, HeatmapLabels } from './heatmapFrame';
import type { Aggregate, MatrixSource } from './matrixSource';

export interface HeatmapOptions extends HeatmapLabels {
  source: MatrixSource;
  scale: DivergingScale;
  theme: Theme;
  width: number;
  maxHeight?: number;
  maxCell?: number;
  square?: boolean;
  /** Fixed cell size and smallest top margin, to line blocks up side by side. */
  cell?: { w: number; h: number };
  minTop?: number;
  /** Smallest row height (see FrameOptions.minCellH). */
  minCellH?: number;
  /** The chart sits in a scrolling box: the plain wheel scrolls, Ctrl+wheel zooms. */
  scrollable?: boolean;
  /** Outline the diagonal (the Jacobian's δ_jk = 1 entries). */
  diagonal?: boolean;
  highlightRow?: number | null;
  /** The cell the keyboard focus starts on (default: the highlighted row's first cell). */
  initialFocus?: { r: number; c: number };
  /** Numbers inside cells: always, never, or when cells are large enough. */
  showValues?: boolean | 'auto';
  /** Accessible name. */
  label: string;
  /** data-testid of the chart's root element. */
  testId: string;
  /** Tooltip for one cell (aggregate.count = 1) or a block of cells sharing a pixel. */
  describe(block: Block, aggregate: Aggregate): TooltipContent;
  /** Click or Enter on a cell. */
  activate?(block: Block): void;
}

export type HeatmapMode = 'svg' | 'canvas-dense' | 'canvas-tiled';

export interface HeatmapHandle {
  element: Element;
  mode: HeatmapMode;
  frame: HeatmapFrame;
  setHighlightRow(r: number | null): void;
  nav: GridNav;
  destroy(): void;
}
