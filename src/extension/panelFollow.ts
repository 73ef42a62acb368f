/**
 * Which file and view the panel moves to when the user switches editors (issue 16: the panel
 * follows the active tensor file unless pinned). No vscode import, so the rule is unit-tested.
 */
import type { ViewId } from '../shared/protocol';
import { viewUnavailable } from './viewAvailability';

type Task = 'classification' | 'regression' | 'network';

/** Memento key of the pin (a workspace's choice, remembered across reloads). */
export const PIN_MEMORY_KEY = 'gradientLens.panel.pinned';

/** The view a command opens on a file when it names none. */
export function defaultView(task: Task | undefined): ViewId {
  return task === 'network' ? 'network' : task === 'regression' ? 'losses' : 'jacobian';
}

/**
 * The view to show for a newly active file: the current one when it applies to that file (the
 * user keeps looking at gradients), else the file's default. null: do not follow.
 */
export function followTarget(
  state: { panelOpen: boolean; pinned: boolean; shownUri: string | null; view: ViewId | null },
  active: { uri: string; fileName: string; task: Task | undefined } | null,
): ViewId | null {
  if (!state.panelOpen || state.pinned || !active || active.uri === state.shownUri) return null;
  // A tensor file with errors is followed too: the panel says what is wrong with it.
  if (!active.task) return state.view ?? 'jacobian';
  if (state.view && !viewUnavailable(active.task, state.view, active.fileName)) return state.view;
  return defaultView(active.task);
}
