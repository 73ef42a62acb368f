/**
 * The CodeLens requests of VS Code that are waiting for an analysis, per document version. Issue 16,
 * live update: announcing (onDidChangeCodeLenses) an analysis that such a request started or joined
 * makes VS Code start its adaptive delay again and ask a second time, and the lens trails the status
 * bar. While a request for that very version is in flight and not cancelled, its answer renders the
 * analysis, so it need not be announced. VS Code cancels a request only when it starts a new one or
 * drops the editor's lenses (and then asks again), so a skipped announcement cannot leave a stale
 * lens. Any other analysis (the diagnostics' debounced one, settings, files from disk) is announced.
 */
export interface RequestToken {
  readonly isCancellationRequested: boolean;
}

export class LensRequests {
  private readonly live = new Map<string, Set<RequestToken>>();

  /** A request for `version` of `uri` starts waiting; call the returned function when it has its analysis. */
  begin(uri: string, version: number, token: RequestToken): () => void {
    const key = `${uri}@${version}`;
    const tokens = this.live.get(key) ?? new Set<RequestToken>();
    this.live.set(key, tokens);
    tokens.add(token);
    return () => {
      tokens.delete(token);
      if (tokens.size === 0 && this.live.get(key) === tokens) this.live.delete(key);
    };
  }

  /** Whether a request in flight, not cancelled, will render the analysis of `version` of `uri`. */
  delivers(uri: string, version: number | undefined): boolean {
    if (version === undefined) return false;
    for (const token of this.live.get(`${uri}@${version}`) ?? []) if (!token.isCancellationRequested) return true;
    return false;
  }
}
