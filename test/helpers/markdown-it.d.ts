// markdown-it (installed with @vscode/vsce) ships no types; the hover test needs only parse().
declare module 'markdown-it' {
  interface Token {
    type: string;
    content: string;
    children: Token[] | null;
    attrGet(name: string): string | null;
  }
  export default class MarkdownIt {
    constructor(options?: { html?: boolean; linkify?: boolean });
    parse(src: string, env: object): Token[];
  }
}
