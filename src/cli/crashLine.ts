/** What the CLI prints when something escapes runCli: one line, never a stack of the minified bundle. */
export function crashLine(error: unknown): string {
  const message = error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error);
  const first = message.split(/\r\n|\r|\n/, 1)[0].replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  return `gradient-lens: internal error, please report it: ${first}\n`;
}
