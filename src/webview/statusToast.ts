/**
 * The panel's status message (copied, saved, refused, failed): a themed box just below the
 * toolbar's buttons (the top of the panel when they are scrolled away), announced by its
 * aria-live region, that goes after a few seconds. Issue 16: the confirmation was grey text at the
 * bottom of a long panel that never went away.
 */

export type StatusKind = 'progress' | 'ok' | 'error';

/** How long a message stays: a confirmation 3 s; an error longer, to be read; progress until replaced. */
export const STATUS_MS: Record<StatusKind, number> = { progress: 0, ok: 3000, error: 8000 };

const timers = new WeakMap<HTMLElement, number>();

export function showStatus(status: HTMLElement, anchor: HTMLElement | null, text: string, kind: StatusKind): void {
  const win = status.ownerDocument.defaultView!;
  win.clearTimeout(timers.get(status));
  timers.delete(status);
  status.textContent = text;
  status.dataset.kind = kind;
  status.classList.toggle('gl-status-error', kind === 'error');
  status.classList.toggle('gl-status-ok', kind === 'ok');
  place(status, anchor, win);
  const ms = STATUS_MS[kind];
  if (text && ms > 0) {
    timers.set(
      status,
      win.setTimeout(() => {
        timers.delete(status);
        status.textContent = '';
        delete status.dataset.kind;
      }, ms),
    );
  }
}

/** Right-aligned under the anchor (the buttons) while it is on screen, else at the top right of the panel. */
function place(status: HTMLElement, anchor: HTMLElement | null, win: Window): void {
  const r = anchor?.getBoundingClientRect();
  const onScreen = r && r.height > 0 && r.bottom > 0 && r.top < win.innerHeight - 40;
  status.style.top = `${onScreen ? Math.round(r.bottom + 6) : 8}px`;
  status.style.right = `${onScreen ? Math.max(8, Math.round(win.innerWidth - r.right)) : 12}px`;
}

/**
 * What a finished request says: a copy names what was copied ("Copied 10 rows as CSV to the
 * clipboard."), anything else gives the host's message as a sentence ("Saved /tmp/j.png.").
 */
export function confirmation(pending: string | undefined, hostMessage: string): string {
  if (pending?.startsWith('Copying ')) return `Copied ${pending.slice('Copying '.length)} to the clipboard.`;
  const text = hostMessage || `${pending ?? 'Request'} done`;
  return `${text[0].toUpperCase()}${text.slice(1)}${/[.!?]$/.test(text) ? '' : '.'}`;
}
