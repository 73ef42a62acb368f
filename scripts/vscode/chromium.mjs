// Debian's Chromium and the flags every browser the tests and benches launch runs with: one list
// for code-server's workbench (harness.mjs) and the bare webview pages (test/webview-page/page.ts).
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
