// The few globals src/core may use: the WHATWG ones that Node (>= 20), browsers and worker threads
// all provide. src/core/tsconfig.json type-checks the core with these and nothing else (no DOM, no
// @types/node), so a core file that reaches for `document`, `process` or `fs` fails the check.
// The root tsconfig.json excludes this folder: there lib.dom declares the same names.

interface TextDecodeOptions {
  stream?: boolean;
}
interface TextDecoderOptions {
  fatal?: boolean;
  ignoreBOM?: boolean;
}
interface TextDecoder {
  readonly encoding: string;
  readonly fatal: boolean;
  readonly ignoreBOM: boolean;
  decode(input?: ArrayBufferView | ArrayBufferLike, options?: TextDecodeOptions): string;
}
declare var TextDecoder: { prototype: TextDecoder; new (label?: string, options?: TextDecoderOptions): TextDecoder };

interface TextEncoderEncodeIntoResult {
  read: number;
  written: number;
}
interface TextEncoder {
  readonly encoding: string;
  encode(input?: string): Uint8Array;
  encodeInto(source: string, destination: Uint8Array): TextEncoderEncodeIntoResult;
}
declare var TextEncoder: { prototype: TextEncoder; new (): TextEncoder };

declare function queueMicrotask(callback: () => void): void;
