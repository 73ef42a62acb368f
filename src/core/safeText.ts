/**
 * Text from a user's file on its way to a terminal: control characters (ESC sequences recolour or
 * rewrite the terminal; a newline would split one problem over two lines, the second posing as
 * `FILE:LINE:COL:`), C1 controls and bidirectional overrides (which reorder what is shown) are
 * written as visible escapes. Everything else, "…" and "∂" included, passes unchanged.
 */
// C0 controls but tab, DEL, C1, ALM, LRM/RLM, LRE…RLO, LRI…PDI, and the line/paragraph separators.
const UNSAFE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const UNSAFE_OR_TAB = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u001b': '\\e' };

function escapeOne(c: string): string {
  if (Object.prototype.hasOwnProperty.call(NAMED, c)) return NAMED[c];
  const code = c.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** One line of text for a terminal: no control, C1 or bidi character survives (tabs do unless `tabs`). */
export function escapeControls(text: string, tabs = false): string {
  return text.replace(tabs ? UNSAFE_OR_TAB : UNSAFE, escapeOne);
}

/**
 * JSON.stringify's output made safe for a terminal: it already escapes C0 controls; C1, bidi and
 * separators (which can only occur inside strings) become \uXXXX escapes, so the JSON is the same.
 */
export function escapeJsonOutput(json: string): string {
  return json.replace(
    /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
