/** A problem found in a user's file, located by byte offsets into the file's UTF-8 bytes. */
export interface Problem {
  severity: 'error' | 'warning';
  message: string;
  /** Byte offset of the first byte the problem covers. */
  start: number;
  /** Byte offset just past the last byte the problem covers (>= start). */
  end: number;
  /** Stable identifier, used as the diagnostic code. */
  code: string;
  /** On the "…and N more like this" entry that closes a capped kind: N, the problems it stands for. */
  more?: number;
}

/** How many problems (of one severity) a capped list stands for: its entries plus the ones counted in "…and N more". */
export function problemCount(problems: readonly Problem[], severity?: Problem['severity']): number {
  let n = 0;
  for (const p of problems) if (!severity || p.severity === severity) n += p.more ?? 1;
  return n;
}

/** Thrown by parsers for input that cannot be read at all; carries the location. */
export class InputError extends Error {
  constructor(
    message: string,
    readonly start: number,
    readonly end: number = start + 1,
    readonly code = 'syntax',
  ) {
    super(message);
    this.name = 'InputError';
  }

  toProblem(): Problem {
    return { severity: 'error', message: this.message, start: this.start, end: Math.max(this.end, this.start), code: this.code };
  }
}

export function problem(message: string, start: number, end: number, code: string, severity: Problem['severity'] = 'error'): Problem {
  return { severity, message, start, end: Math.max(end, start), code };
}

/** An InputError with its span clamped to the file, so no position can point past the end. */
export function withinFile(error: unknown, length: number): unknown {
  if (!(error instanceof InputError)) return error;
  const start = Math.max(0, Math.min(error.start, length));
  const end = Math.max(start, Math.min(error.end, length));
  return start === error.start && end === error.end ? error : new InputError(error.message, start, end, error.code);
}
