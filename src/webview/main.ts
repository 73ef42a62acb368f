// Webview entry point.
export {};
