// Webview entry point: registers the @vscode-elements controls the panel uses, starts the app and
// asks the host for its data (the ready handshake: the host answers with 'show').
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { ToWebview } from '../shared/protocol';
import { App } from './app';
import { post, vscodeApi } from './post';

const api = vscodeApi();
let root = document.getElementById('gl-root');
if (!root) {
  root = document.createElement('main');
  root.id = 'gl-root';
  root.className = 'gl';
  root.dataset.testid = 'panel';
  document.body.appendChild(root);
}
const app = new App(document, root, { post, getState: () => api.getState(), setState: (s) => api.setState(s) });
window.addEventListener('message', (event: MessageEvent<ToWebview>) => {
  try {
    app.handle(event.data);
  } catch (e) {
    const err = e as Error;
    post({ type: 'log', level: 'error', message: `webview: ${err.message}\n${err.stack ?? ''}`.slice(0, 9000) });
  }
});
// The host writes the clipboard only right after a real key press or click (issue 17): report them
// (capture phase, so the report precedes the copy a handler posts for the same event).
window.addEventListener(
  'keydown',
  (e) => e.isTrusted && (e.ctrlKey || e.metaKey || e.key === 'Enter' || e.key === ' ') && post({ type: 'userGesture', kind: 'key' }),
  true,
);
window.addEventListener('pointerdown', (e) => e.isTrusted && post({ type: 'userGesture', kind: 'pointer' }), true);
post({ type: 'ready' });
