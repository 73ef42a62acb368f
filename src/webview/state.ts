/**
 * What the panel remembers across being hidden and reloaded (vscode.getState / setState), and
 * which views a payload offers.
 */
import { VIEW_IDS, type Payload, type ViewId } from '../shared/protocol';

export interface PanelState {
  view: ViewId | null;
  selected: number;
  layer: number;
  /** The file the selection belongs to: a selection is not carried over to another file. */
  fileName: string | null;
  /** Large-K views: every class or the classes that matter, and the pinned ones (for this file). */
  focus?: { showAll: boolean; pinned: number[] };
}

export const INITIAL_STATE: PanelState = { view: null, selected: 0, layer: 0, fileName: null };

const isIndex = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** Reads back a stored state, keeping only fields that are still valid. */
export function restoreState(raw: unknown): PanelState {
  if (typeof raw !== 'object' || raw === null) return { ...INITIAL_STATE };
  const r = raw as Record<string, unknown>;
  return {
    view: VIEW_IDS.includes(r.view as ViewId) ? (r.view as ViewId) : null,
    selected: isIndex(r.selected) ? r.selected : 0,
    layer: isIndex(r.layer) ? r.layer : 0,
    fileName: typeof r.fileName === 'string' ? r.fileName : null,
    ...(focusOf(r.focus) ? { focus: focusOf(r.focus)! } : {}),
  };
}

function focusOf(raw: unknown): PanelState['focus'] | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const f = raw as Record<string, unknown>;
  if (typeof f.showAll !== 'boolean' || !Array.isArray(f.pinned) || !f.pinned.every(isIndex) || f.pinned.length > 64) return null;
  return { showAll: f.showAll, pinned: [...(f.pinned as number[])] };
}

export const VIEW_TITLES: Record<ViewId, string> = {
  jacobian: 'Jacobian',
  gradient: 'Gradient',
  matrix: 'Batch gradient',
  losses: 'Loss',
  chain: 'Chain rule',
  network: 'Weights',
  own: 'Yours vs exact',
  finite: 'Finite differences',
};

/** The views a payload has, in tab order. */
export function viewsFor(payload: Payload): ViewId[] {
  // The user's own derivatives, when the file has any, get the last tab.
  const own: ViewId[] = payload.own?.tensors.length ? ['own'] : [];
  const finite: ViewId[] = payload.finiteDifferences?.tensors.length ? ['finite'] : [];
  switch (payload.task) {
    case 'classification':
      return ['jacobian', 'gradient', 'matrix', 'losses', 'chain', ...own, ...finite];
    case 'regression':
      return ['losses', 'gradient', ...own, ...finite];
    case 'network':
      return ['network', 'chain', 'losses', ...own, ...finite];
  }
}

/** The view to show: the one asked for, else the one remembered, else the first, if it exists. */
export function chooseView(payload: Payload, requested: ViewId | undefined, remembered: ViewId | null): ViewId {
  const views = viewsFor(payload);
  if (requested && views.includes(requested)) return requested;
  if (remembered && views.includes(remembered)) return remembered;
  return views[0];
}

export function clampIndex(i: number, n: number): number {
  if (n <= 0 || !Number.isFinite(i)) return 0;
  return Math.max(0, Math.min(n - 1, Math.trunc(i)));
}
