/**
 * The HTML of every Gradient Lens webview (the panel, the training-run panel, the NumPy viewer):
 * one builder, so each page gets the same lock-down. Nothing loads unless it comes from the
 * extension's own folders (cspSource) or carries this load's nonce; no inline handlers, no eval,
 * no remote content. @vscode-elements styles its shadow roots with constructable stylesheets
 * (adoptedStyleSheets), which CSP's style-src does not govern, so no 'unsafe-inline' is needed for
 * them (test/unit/webview/render-check.test.ts loads the bundle under this exact policy in Chromium).
 */

export interface WebviewHtmlOptions {
  /** The page's bundle (dist/*.js) as a webview URI. */
  scriptUri: string;
  /** Its stylesheet (media/*.css) as a webview URI. */
  styleUri: string;
  codiconsUri?: string;
  cspSource: string;
  nonce: string;
  /** The page's own words; the tensor panel's by default. */
  title?: string;
  emptyText?: string;
  /** data-testid of the root element the bundle draws into ("panel" by default). */
  rootTestId?: string;
}

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data: blob:`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
  ].join('; ');
}

/** 128 random bits as hex: a fresh one for every load of a page. */
export function newNonce(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

export function renderWebviewHtml(opts: WebviewHtmlOptions): string {
  if (!/^[A-Za-z0-9+/=_-]{16,}$/.test(opts.nonce)) throw new Error('renderWebviewHtml: the nonce must be at least 16 base64 characters');
  const nonce = escapeAttr(opts.nonce);
  // vscode-icon looks the codicon stylesheet up by this id.
  const codicons = opts.codiconsUri
    ? `\n    <link rel="stylesheet" href="${escapeAttr(opts.codiconsUri)}" id="vscode-codicon-stylesheet" nonce="${nonce}">`
    : '';
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${escapeAttr(contentSecurityPolicy(opts.cspSource, opts.nonce))}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    <link rel="stylesheet" href="${escapeAttr(opts.styleUri)}" nonce="${nonce}">${codicons}
    <title>${escapeAttr(opts.title ?? 'Gradient Lens')}</title>
  </head>
  <body>
    <main id="gl-root" class="gl" data-testid="${escapeAttr(opts.rootTestId ?? 'panel')}" aria-busy="true">
      <p class="gl-empty" data-testid="empty">${escapeAttr(opts.emptyText ?? 'Open a logits, probabilities or network file to see its loss, gradients and Jacobian.')}</p>
    </main>
    <script nonce="${nonce}" src="${escapeAttr(opts.scriptUri)}"></script>
  </body>
</html>
`;
}

/** The same builder under the name the panels call it by. */
export const renderPanelHtml = renderWebviewHtml;
