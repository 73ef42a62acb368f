/**
 * A large document with unsaved edits is its saved file plus the edits since (issue 22): the
 * worker reads the file and makes the edits itself, so typing sends it a few bytes per edit
 * instead of the whole text. Copying a 10 MB text to a worker held the host 10–56 ms a 1 MB
 * slice on this VM, in page faults: VS Code forks git processes while the user types, and the
 * host's next write to each page faults. No vscode import: the log is fed plain change events,
 * and unit-tested.
 */
import type { SavedFile } from './savedFileInput';

/** One change as VS Code reports it: `rangeLength` UTF-16 units at `rangeOffset` replaced by `text`. */
export interface TextEdit {
  rangeOffset: number;
  rangeLength: number;
  text: string;
}

/** What the worker needs to rebuild a document's text: its file, the edits in order, and the length they give. */
export interface EditedFile {
  file: SavedFile;
  edits: TextEdit[];
  /** UTF-16 units of the document's text: the rebuilt text must have as many. */
  units: number;
}

/** The worker's answer when the file is no longer what the edits were made on: the host sends the text. */
export const NOT_THE_DOCUMENT = 'the saved file is not the document the edits were made on';

/** Beyond these the text is sent instead: replaying them would cost more than it saves. */
const MAX_EDITS = 2_000;
const MAX_INSERTED_UNITS = 1 << 20;

interface Log {
  /** The document version whose text the file held (confirmed once the worker read the file). */
  base: number;
  file: SavedFile | null;
  /** UTF-16 units of the base's text, once confirmed. */
  baseUnits: number;
  /** The base's text and every text typed since are ASCII: each version's UTF-8 size is its length. */
  ascii: boolean;
  /** VS Code announced a save since the base: the file may now hold a later version (resync). */
  saving: boolean;
  edits: TextEdit[];
  /** The version each edit made (an event's edits share one). */
  versions: number[];
  inserted: number;
}

const ASCII = /^[\x00-\x7f]*$/;

/** The version after the last recorded edit (the base without one): no later one's edits were all seen. */
function lastVersion(log: Log): number {
  return log.versions[log.versions.length - 1] ?? log.base;
}

export class EditLog {
  private readonly logs = new Map<string, Log>();

  /**
   * Records from now on the edits of a saved document at `version`, whose file is being read.
   * Called before anything is awaited, so that no edit after that version is missed.
   */
  begin(uri: string, version: number): void {
    this.logs.set(uri, { base: version, file: null, baseUnits: 0, ascii: true, saving: false, edits: [], versions: [], inserted: 0 });
  }

  /** `file` holds the text of version `base`, of `units` UTF-16 units (read so): edits since then can be replayed on it. */
  confirm(uri: string, base: number, file: SavedFile, units: number): void {
    const log = this.logs.get(uri);
    if (log?.base !== base) return;
    log.file = file;
    log.baseUnits = units;
    log.ascii &&= file.byteLength === units;
  }

  /** VS Code is about to save the document (onWillSaveTextDocument). */
  willSave(uri: string): void {
    const log = this.logs.get(uri);
    if (log) log.saving = true;
  }

  /** Whether VS Code announced a save since the base. */
  announcedSave(uri: string): boolean {
    return this.logs.get(uri)?.saving ?? false;
  }

  /** Whether a save of `version` would give the log a newer base: its edits are recorded, from an older one. */
  awaitsSave(uri: string, version: number): boolean {
    const log = this.logs.get(uri);
    return !!log && (log.base < version || !log.file);
  }

  /**
   * The document was saved at `version` and `file` holds that text, of `units` UTF-16 units: it
   * is the base from now on, and the edits typed since the save stay recorded on it.
   */
  saved(uri: string, version: number, file: SavedFile, units: number): void {
    const log = this.logs.get(uri);
    if (!log || version < log.base || version > lastVersion(log)) return;
    this.moveBase(log, log.versions.filter((v) => v <= version).length, version, file);
    log.baseUnits = units;
    log.ascii = file.byteLength === units && log.edits.every((e) => ASCII.test(e.text));
  }

  /**
   * `stale` was written since the worker found it the base: VS Code saved a later version while
   * the user typed on (its save event then comes late, or with a version typed after the save
   * began). With ASCII text every version's size is its length, so the version the file now holds
   * is the one of its size, when exactly one version since the base has it. True: that version
   * is the base. Only after VS Code announced a save: another program's write is no version of ours.
   */
  resync(uri: string, stale: SavedFile, file: SavedFile): boolean {
    const log = this.logs.get(uri);
    if (!log || log.file !== stale || !log.saving || !log.ascii) return false;
    if (file.byteLength === stale.byteLength && file.mtimeMs === stale.mtimeMs) return false;
    let units = log.baseUnits;
    const sized: number[] = [];
    for (let i = 0; i < log.edits.length; i++) {
      units += log.edits[i].text.length - log.edits[i].rangeLength;
      // A version is the text once all of its event's edits are in.
      if (log.versions[i + 1] !== log.versions[i] && units === file.byteLength) sized.push(i + 1);
    }
    if (sized.length !== 1) return false;
    this.moveBase(log, sized[0], log.versions[sized[0] - 1], file);
    log.baseUnits = file.byteLength;
    return true;
  }

  /** The first `count` edits are in `file`, the text of `version`. */
  private moveBase(log: Log, count: number, version: number, file: SavedFile): void {
    log.base = version;
    log.file = file;
    log.saving = false;
    log.edits = log.edits.slice(count);
    log.versions = log.versions.slice(count);
    log.inserted = log.edits.reduce((sum, e) => sum + e.text.length, 0);
  }

  /** A change event of a document (in order, as VS Code fires them): its edits, and the version they made. */
  record(uri: string, version: number, edits: readonly TextEdit[]): void {
    const log = this.logs.get(uri);
    if (!log || !edits.length) return;
    for (const edit of edits) {
      log.edits.push({ rangeOffset: edit.rangeOffset, rangeLength: edit.rangeLength, text: edit.text });
      log.versions.push(version);
      log.inserted += edit.text.length;
      log.ascii &&= ASCII.test(edit.text);
    }
    if (log.edits.length > MAX_EDITS || log.inserted > MAX_INSERTED_UNITS) this.logs.delete(uri);
  }

  /**
   * The file and edits that give `version`'s text of `units` UTF-16 units, or null: send the
   * text. The version may be older than the last edit recorded (edits arrive while an analysis
   * of the text before them looks up its siblings), or the base itself (saved meanwhile).
   */
  edited(uri: string, version: number, units: number): EditedFile | null {
    const log = this.logs.get(uri);
    if (!log?.file || version < log.base || version > lastVersion(log)) return null;
    let count = log.edits.length;
    while (count > 0 && log.versions[count - 1] > version) count--;
    return { file: log.file, edits: log.edits.slice(0, count), units };
  }

  /** The edits from version `from` to `to`, when every one of them is recorded; else null. */
  since(uri: string, from: number, to: number): TextEdit[] | null {
    const log = this.logs.get(uri);
    if (!log || from < log.base || to > lastVersion(log)) return null;
    return log.edits.filter((_, i) => log.versions[i] > from && log.versions[i] <= to);
  }

  /**
   * `file` no longer held the base text when the worker read it (saved meanwhile, by VS Code or
   * another program): no replay until a save or a read of the file confirms another base. A
   * base confirmed since (the save that changed the file) stands.
   */
  distrust(uri: string, file: SavedFile): void {
    const log = this.logs.get(uri);
    if (log?.file === file) log.file = null;
  }

  forget(uri: string): void {
    this.logs.delete(uri);
  }
}

/**
 * The worker's side: the edits made in order, each on the text the previous one left (as VS
 * Code's own copy of a document applies a change event), or null when one does not fit or the
 * result does not have the document's length. The text is kept as pieces and joined once:
 * slicing the whole text again after each edit would copy it each time.
 */
export function replayEdits(text: string, edits: readonly TextEdit[], units: number): string | null {
  const pieces = [text];
  let length = text.length;
  for (const { rangeOffset: offset, rangeLength: removed, text: inserted } of edits) {
    if (offset < 0 || removed < 0 || offset + removed > length) return null;
    const at = splitAt(pieces, offset);
    const end = splitAt(pieces, offset + removed);
    pieces.splice(at, end - at, ...(inserted ? [inserted] : []));
    length += inserted.length - removed;
  }
  return length === units ? pieces.join('') : null;
}

/** Splits the piece `offset` falls inside, so that a piece starts there; the index of that piece. */
function splitAt(pieces: string[], offset: number): number {
  let start = 0;
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i];
    if (offset === start) return i;
    if (offset < start + piece.length) {
      pieces.splice(i, 1, piece.slice(0, offset - start), piece.slice(offset - start));
      return i + 1;
    }
    start += piece.length;
  }
  return pieces.length;
}
