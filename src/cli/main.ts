/**
 * gradient-lens: the same core as the extension, on a file from a terminal.
 *   gradient-lens analyze FILE [--json] [--summary] [--reduction mean|sum] [--out OUT.json|csv|npy|npz]
 *   gradient-lens jacobian FILE --sample I [--json] [--out OUT]
 *   gradient-lens check FILE
 * Bad input: exit status 1, one `FILE:LINE:COL: message` line per problem on stderr.
 */
import { statSync, writeFileSync } from 'node:fs';
import { runCli } from './commands';
import { DEFAULT_MAX_FILE_BYTES } from '../core/limits';
import { readRegularFile } from './readRegular';
import { sameFile } from '../shared/sameFile';

const io = {
  // Regular files only, size checked before reading: a FIFO or /dev/zero must not hang the CLI.
  readFile: (path: string, maxBytes = DEFAULT_MAX_FILE_BYTES) => readRegularFile(path, maxBytes),
  fileSize: (path: string) => statSync(path).size,
  writeFile: (path: string, bytes: Uint8Array) => writeFileSync(path, bytes),
  sameFile,
  out: (text: string) => process.stdout.write(text),
  err: (text: string) => process.stderr.write(text),
};

try {
  process.exitCode = runCli(process.argv.slice(2), io);
} catch (error) {
  // Never a stack trace of the minified bundle: one line saying what happened.
  const message = error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error);
  process.stderr.write(`gradient-lens: internal error, please report it: ${message.split(/\r\n|\r|\n/, 1)[0]}\n`);
  process.exitCode = 1;
}
