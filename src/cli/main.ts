/**
 * gradient-lens: the same core as the extension, on a file from a terminal.
 *   gradient-lens analyze FILE [--json] [--summary] [--reduction mean|sum] [--out OUT.json|csv|npy|npz]
 *   gradient-lens jacobian FILE --sample I [--json] [--out OUT]
 *   gradient-lens check FILE
 * Bad input: exit status 1, one `FILE:LINE:COL: message` line per problem on stderr.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { runCli } from './commands';

const io = {
  readFile: (path: string) => {
    const buffer = readFileSync(path);
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  },
  fileSize: (path: string) => statSync(path).size,
  writeFile: (path: string, bytes: Uint8Array) => writeFileSync(path, bytes),
  sameFile: (a: string, b: string) => {
    const sa = statSync(a, { throwIfNoEntry: false });
    const sb = statSync(b, { throwIfNoEntry: false });
    return !!sa && !!sb && sa.dev === sb.dev && sa.ino === sb.ino;
  },
  out: (text: string) => process.stdout.write(text),
  err: (text: string) => process.stderr.write(text),
};

process.exitCode = runCli(process.argv.slice(2), io);
