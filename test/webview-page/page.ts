/**
 * The panel in headless Chromium, outside VS Code: the webview bundled by esbuild into a temp
 * folder, served on 127.0.0.1 with the real renderPanelHtml (and so the real CSP), a fake
 * acquireVsCodeApi that records what the page posts, and VS Code's theme variables.
 * The server closes itself after `lifetimeMs` even if a caller forgets to.
 */
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Payload, SampleRow, ToWebview, ViewId } from '../../src/shared/protocol';
import type { TensorQuery } from '../../src/core/tensorQuery';
import { storeOf } from './fixtureData';
import { renderPanelHtml } from '../../src/extension/panelHtml';
import { THEMES, themeCss, type ThemeName } from './themes';
import { CHROMIUM, CHROMIUM_ARGS } from '../../scripts/vscode/chromium.mjs';

const ROOT = new URL('../..', import.meta.url).pathname;
export { CHROMIUM };

/** Bundles an entry for the browser exactly as scripts/build.mjs does for the webview. */
export async function bundle(entry: string, outfile: string): Promise<void> {
  await esbuild.build({
    entryPoints: [join(ROOT, entry)],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'chrome120',
    outfile,
    logLevel: 'silent',
    legalComments: 'none',
  });
}

export interface PanelPage {
  page: Page;
  url: string;
  /** Sends a host → webview message (typed arrays survive the trip). */
  send(message: ToWebview): Promise<void>;
  show(payload: Payload, extra?: { selected?: number; view?: ViewId; layer?: number }): Promise<void>;
  posted(): Promise<Array<Record<string, unknown>>>;
  /** Console errors, page errors and CSP violations seen so far. */
  errors: string[];
  close(): Promise<void>;
}

export interface PanelPageOptions {
  theme?: ThemeName;
  width?: number;
  height?: number;
  initialState?: unknown;
  lifetimeMs?: number;
  browser?: Browser;
  /** Another entry instead of the webview (the threshold benchmark, the NumPy viewer). */
  entry?: string;
  /** Another stylesheet instead of media/panel.css (the NumPy viewer's media/npy.css). */
  style?: string;
}

/** Replaces typed arrays by tagged plain arrays so page.evaluate can carry them. */
export function encode(value: unknown): unknown {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView))
    return { __typed: value.constructor.name, values: Array.from(value as unknown as ArrayLike<number>) };
  if (Array.isArray(value)) return value.map(encode);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encode(v)]));
  return value;
}

const FAKE_API = `(() => {
  const script = document.currentScript;
  let state = JSON.parse(script.dataset.state || 'null');
  const posted = [];
  window.__glPosted = posted;
  window.__glErrors = [];
  document.addEventListener('securitypolicyviolation', (e) => window.__glErrors.push('CSP ' + e.violatedDirective + ' ' + e.blockedURI));
  let acquired = false;
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('acquireVsCodeApi called twice');
    acquired = true;
    // A view's query is answered by the test's fixture through the core (fixtureData.ts), as the host would.
    const postMessage = (m) => {
      posted.push(m);
      if (m && m.type === 'query')
        window.__glQuery(m.query).then(
          (r) => window.postMessage(window.__glDecode({ type: 'queryResult', id: m.id, ...r }), '*'),
          (e) => window.postMessage({ type: 'queryResult', id: m.id, ok: false, error: String(e) }, '*'),
        );
    };
    return { postMessage, getState: () => state, setState: (s) => { state = s; window.__glState = s; } };
  };
  window.__glDecode = function decode(v) {
    if (v && typeof v === 'object' && v.__typed) return new window[v.__typed](v.values);
    if (Array.isArray(v)) return v.map(decode);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decode(x)]));
    return v;
  };
})();`;

export async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

export async function openPanel(o: PanelPageOptions = {}): Promise<PanelPage> {
  const dir = mkdtempSync(join(tmpdir(), 'gradient-lens-webview-'));
  await bundle(o.entry ?? 'src/webview/main.ts', join(dir, 'webview.js'));
  const theme = THEMES[o.theme ?? 'dark'];
  const nonce = 'dGVzdG5vbmNlMDEyMzQ1Njc4OQ';
  let server: Server | null = createServer((req, res) => {
    const url = req.url ?? '/';
    const file = url.startsWith('/webview.js')
      ? join(dir, 'webview.js')
      : url.startsWith('/panel.css')
        ? join(ROOT, o.style ?? 'media/panel.css')
        : null;
    if (url === '/' || url.startsWith('/?')) {
      const origin = `http://127.0.0.1:${(server!.address() as { port: number }).port}`;
      let html = renderPanelHtml({ scriptUri: `${origin}/webview.js`, styleUri: `${origin}/panel.css`, cspSource: origin, nonce });
      const state = JSON.stringify(o.initialState ?? null)
        .replace(/&/g, '&amp;')
        .replace(/"/g, '&quot;');
      html = html.replace(
        '</head>',
        `<style nonce="${nonce}">${themeCss(o.theme ?? 'dark')}</style>\n<script nonce="${nonce}" data-state="${state}">${FAKE_API}</script>\n</head>`,
      );
      html = html.replace('<body>', `<body class="${theme.bodyClass}">`);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    } else if (url === '/favicon.ico') {
      res.writeHead(204).end();
    } else if (file) {
      res.writeHead(200, { 'content-type': file.endsWith('.js') ? 'text/javascript' : 'text/css' }).end(readFileSync(file));
    } else res.writeHead(404).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const stopServer = () => {
    server?.close();
    server?.closeAllConnections();
    server = null;
  };
  const timer = setTimeout(stopServer, o.lifetimeMs ?? 180_000);
  timer.unref();

  const ownBrowser = !o.browser;
  const browser = o.browser ?? (await launch());
  const context = await browser.newContext({ viewport: { width: o.width ?? 1100, height: o.height ?? 900 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`page: ${e.message}`));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  try {
    await page.goto(url);
    await page.waitForFunction(
      () => (window as unknown as { __glPosted: { type: string }[] }).__glPosted?.some((m) => m.type === 'ready'),
      undefined,
      { timeout: 15_000 },
    );
  } catch (e) {
    // Nothing may outlive a failed start: not the browser, not the server.
    clearTimeout(timer);
    await context.close();
    if (ownBrowser) await browser.close();
    stopServer();
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`the panel did not post 'ready' (${errors.join('; ') || (e as Error).message})`);
  }

  let store: ReturnType<typeof storeOf> = null;
  await page.exposeFunction('__glQuery', (query: TensorQuery) => {
    try {
      if (!store) throw new Error('no fixture data for this payload');
      return encode({ ok: true, answer: store.answer(query) });
    } catch (error) {
      return { ok: false, error: (error as Error).message };
    }
  });
  const send = async (message: ToWebview) => {
    await page.evaluate(
      (m) => {
        const w = window as unknown as { __glDecode(v: unknown): unknown };
        window.postMessage(w.__glDecode(m), '*');
      },
      encode(message) as never,
    );
    // Messages are delivered as tasks: wait until this one has been handled.
    await page.evaluate(() => new Promise((r) => setTimeout(r, 0)));
  };
  return {
    page,
    url,
    send,
    show: (payload, extra = {}) => {
      store = storeOf(payload);
      const selected = extra.selected ?? 0;
      const row = store && payload.n > 0 ? (store.answer({ kind: 'row', index: Math.min(selected, payload.n - 1) }) as SampleRow) : null;
      return send({
        type: 'show',
        payload,
        row,
        selected,
        ...(extra.view ? { view: extra.view } : {}),
        ...(extra.layer !== undefined ? { layer: extra.layer } : {}),
      });
    },
    posted: () =>
      page.evaluate(() =>
        (window as unknown as { __glPosted: Array<Record<string, unknown>> }).__glPosted.map((m) =>
          // Export payloads are cut short: the first 8 bytes of a PNG, the first 2,000 characters of text.
          'data' in m
            ? {
                ...m,
                data:
                  m.data instanceof Uint8Array
                    ? Array.from(m.data.subarray(0, 8))
                    : typeof m.data === 'string'
                      ? m.data.slice(0, 2000)
                      : m.data,
              }
            : m,
        ),
      ),
    errors,
    async close() {
      clearTimeout(timer);
      await context.close();
      if (ownBrowser) await browser.close();
      stopServer();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** CSP violations the page recorded (kept separate from console errors for clear failures). */
export async function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __glErrors: string[] }).__glErrors);
}
