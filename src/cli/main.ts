/**
 * gradient-lens: the same core as the extension, on a file from a terminal.
 *   gradient-lens analyze FILE [--json] [--summary] [--reduction mean|sum]
 *   gradient-lens jacobian FILE --sample I [--json]
 *   gradient-lens check FILE
 * Bad input: exit status 1, one `FILE:LINE:COL: message` line per problem on stderr.
 */
import { readFileSync, statSync } from 'node:fs';
import { runCli } from './commands';

const io = {
  readFile: (path: string) => {
    const buffer = readFileSync(path);
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  },
  fileSize: (path: string) => statSync(path).size,
  out: (text: string) => process.stdout.write(text),
  err: (text: string) => process.stderr.write(text),
};

process.exitCode = runCli(process.argv.slice(2), io);
