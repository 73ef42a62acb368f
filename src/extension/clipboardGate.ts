/**
 * The host's check on the panel's clipboard writes (the webview is untrusted: a compromised one
 * could fill the clipboard at will). A copy goes ahead only if the panel reported a real key press
 * or click shortly before it (one copy per gesture), and only up to a size. No `vscode` import.
 */
/** 10⁶ values (the panel's own limit) at up to ~25 characters each, with their labels. */
export const MAX_CLIPBOARD_CHARS = 32 * 1024 * 1024;
/** Building a large selection's text takes the panel a moment; a gesture older than this is stale. */
export const GESTURE_WINDOW_MS = 10_000;

export class ClipboardGate {
  private gestureAt = -Infinity;
  constructor(private readonly now: () => number = Date.now) {}

  gesture(): void {
    this.gestureAt = this.now();
  }

  /** Null when the copy may go ahead (it uses up the gesture), else why it may not. */
  check(length: number): string | null {
    if (length > MAX_CLIPBOARD_CHARS)
      return `not copied: ${length} characters is more than the ${MAX_CLIPBOARD_CHARS} the clipboard takes from the panel`;
    if (this.now() - this.gestureAt > GESTURE_WINDOW_MS) return 'not copied: the panel asked without a key press or click before it';
    this.gestureAt = -Infinity;
    return null;
  }
}
