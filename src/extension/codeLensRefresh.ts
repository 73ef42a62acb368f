/**
 * When the CodeLens provider should tell VS Code its lenses changed. VS Code asks for lenses again
 * by itself after every edit (after its own adaptive delay); firing onDidChangeCodeLenses for the
 * analysis of that edit as well restarted that delay, and lenses trailed the status bar by about
 * 1.4 s in code-server (issue 16). So: fire only for an analysis VS Code cannot know about, i.e. of
 * a file from disk, or a new analysis of a version it already has lenses for (settings, siblings).
 */
export class LensRefreshRule {
  /** The document version whose lenses VS Code last received, per URI. */
  private readonly provided = new Map<string, number>();

  /** The provider returned lenses for this version. */
  served(uri: string, version: number): void {
    this.provided.set(uri, version);
  }

  /** VS Code received lenses for this version (or a later one). */
  hasServed(uri: string, version: number): boolean {
    return (this.provided.get(uri) ?? -1) >= version;
  }

  forget(uri: string): void {
    this.provided.delete(uri);
  }

  /** Whether an analysis of (uri, version) should fire onDidChangeCodeLenses. */
  shouldFire(uri: string, version: number | undefined): boolean {
    return version === undefined || this.provided.get(uri) === version;
  }
}
