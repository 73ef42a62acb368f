/**
 * A place in the first bytes of a JSON file, moved past white space and the words and punctuation
 * a plan expects there (`{"schema": {`): the parts' plans look at a file's start this way.
 */
import { isSpace } from './jsonClasses';

export class HeadCursor {
  constructor(
    readonly b: Uint8Array,
    public at = 0,
  ) {}

  /** Past white space; the byte there. */
  next(): number {
    while (this.at < this.b.length && isSpace(this.b[this.at])) this.at++;
    return this.b[this.at];
  }

  /** Past white space and then `word` when it follows (true); else false, only the white space passed. */
  word(word: string): boolean {
    this.next();
    for (let i = 0; i < word.length; i++) if (this.b[this.at + i] !== word.charCodeAt(i)) return false;
    this.at += word.length;
    return true;
  }

  /**
   * Past white space, a key in quotes, any key (escapes passed over), and its ':'; the offset just
   * past the key's closing quote, or −1 when there is none.
   */
  key(): number {
    if (this.next() !== 34) return -1;
    let at = this.at + 1;
    for (; at < this.b.length && this.b[at] !== 34; at++) if (this.b[at] === 92) at++;
    this.at = at + 1;
    return at < this.b.length && this.word(':') ? at + 1 : -1;
  }
}
