import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contentSecurityPolicy, renderPanelHtml } from '../../../src/extension/panelHtml';

const opts = {
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.js',
  styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/panel.css',
  cspSource: 'https://*.vscode-cdn.net',
  nonce: '0123456789abcdef0123456789abcdef',
};

test('the CSP allows only the extension’s resources and this load’s nonce', () => {
  const csp = contentSecurityPolicy(opts.cspSource, opts.nonce);
  assert.equal(
    csp,
    "default-src 'none'; img-src https://*.vscode-cdn.net data: blob:; style-src https://*.vscode-cdn.net 'nonce-0123456789abcdef0123456789abcdef'; script-src 'nonce-0123456789abcdef0123456789abcdef'; font-src https://*.vscode-cdn.net",
  );
  assert.ok(!csp.includes('unsafe'));
  assert.ok(!/https?:\/\/(?!\*\.vscode-cdn\.net)/.test(csp), 'no remote origin besides cspSource');
});

test('the page loads its script and style with the nonce and nothing inline', () => {
  const html = renderPanelHtml(opts);
  assert.ok(html.includes(`<meta http-equiv="Content-Security-Policy" content="default-src 'none';`));
  assert.ok(html.includes(`<script nonce="${opts.nonce}" src="${opts.scriptUri}"></script>`));
  assert.ok(html.includes(`<link rel="stylesheet" href="${opts.styleUri}" nonce="${opts.nonce}">`));
  assert.equal((html.match(/<script/g) ?? []).length, 1);
  assert.ok(!/\son\w+=/.test(html), 'no inline event handlers');
  assert.ok(!html.includes('style='), 'no inline style attributes');
  assert.ok(html.includes('data-testid="panel"') && html.includes('data-testid="empty"'));
  assert.ok(!html.includes('vscode-codicon-stylesheet'));
  assert.ok(renderPanelHtml({ ...opts, codiconsUri: 'https://x.vscode-cdn.net/codicon.css' }).includes('id="vscode-codicon-stylesheet"'));
});

test('attribute values are escaped and a weak nonce is refused', () => {
  const html = renderPanelHtml({ ...opts, scriptUri: 'https://a.vscode-cdn.net/x.js?a="b"&c=<d>' });
  assert.ok(html.includes('src="https://a.vscode-cdn.net/x.js?a=&quot;b&quot;&amp;c=&lt;d&gt;"'));
  assert.throws(() => renderPanelHtml({ ...opts, nonce: 'short' }), /nonce/);
  assert.throws(() => renderPanelHtml({ ...opts, nonce: '0123456789abcdef"><script>' }), /nonce/);
});
