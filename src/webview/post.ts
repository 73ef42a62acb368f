/**
 * The one handle on VS Code's webview API: a typed post() and the persisted state. Outside a
 * webview (tests, a plain page) acquireVsCodeApi is missing and messages go nowhere.
 */
import type { FromWebview } from '../shared/protocol';

export interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare const acquireVsCodeApi: (() => VsCodeApi) | undefined;

let api: VsCodeApi | null = null;

/** acquireVsCodeApi may be called once per page; every caller shares this one. */
export function vscodeApi(): VsCodeApi {
  if (!api) {
    api =
      typeof acquireVsCodeApi === 'function'
        ? acquireVsCodeApi()
        : {
            postMessage() {},
            getState: () => undefined,
            setState() {},
          };
  }
  return api;
}

export function post(message: FromWebview): void {
  vscodeApi().postMessage(message);
}
