/**
 * Cheap tests that a file is one of ours, so other JSON/CSV files get no diagnostics and the
 * commands say plainly what they expected. No vscode import: the worker uses them too.
 */
import { headerlessFileError } from '../core/csvRoles';
import { formatOf } from '../core/load';

export const NOT_A_TENSOR_FILE =
  'is not a tensor file: expected a JSON object with "logits", "probabilities", "log_probabilities", "predictions" or "network" (or one object a sample), or a CSV (or a DataFrame\'s to_json) with logit_0…/prob_0…/logprob_0…/prediction columns';

// A DataFrame's to_json names its columns as a CSV's header does (src/core/jsonDataFrame.ts).
// Log-probabilities too: their loss is nll or kl_div (src/core/loss).
const TENSOR_KEY_TEXTS = [
  '"logits"',
  '"probabilities"',
  '"log_probabilities"',
  '"predictions"',
  '"network"',
  '"logit_0"',
  '"prob_0"',
  '"logprob_0"',
  '"prediction_0"',
];
const TENSOR_KEYS = TENSOR_KEY_TEXTS.map((k) => Buffer.from(k));
// "prediction" is a common word in other JSON ({"task": "prediction"}): only as a key.
const PREDICTION_KEY = /"prediction"\s*:/;
const PREDICTION = Buffer.from('"prediction"');
const CSV_COLUMNS = /(^|[,;\t"\s])(logit_0|prob_0|logprob_0|prediction|prediction_0)([,;\t"\s]|$)/i;

/** `<stem>.analysis.json`, as Export Analysis names its JSON: it holds "probabilities" but is our output, not an input. */
const EXPORTED_ANALYSIS = /\.analysis\.json$/i;

/** A training run's manifest (JSON Lines too): Open Training Run reads it, never the tensor readers. */
const RUN_MANIFEST = /(^|[\\/])run\.jsonl$/i;

export function isExportedAnalysis(fileName: string): boolean {
  return EXPORTED_ANALYSIS.test(fileName);
}

export const EXPORTED_ANALYSIS_NOTE =
  'is an analysis written by Export Analysis (*.analysis.json), not a tensor file; open the data file it came from instead';

/**
 * Why a file is not analysed, starting with its name. `head`, the file's first bytes: a CSV whose
 * first line holds numbers (np.savetxt without a header) is told what the reader would say, not
 * what a tensor file looks like in general.
 */
export function notATensorFileMessage(fileName: string, head?: Uint8Array): string {
  if (isExportedAnalysis(fileName)) return `${fileName} ${EXPORTED_ANALYSIS_NOTE}`;
  // `head` is whole lines: the first line is all there.
  const noHeader = head && formatOf(fileName) === 'csv' ? headerlessFileError(head, head.length, /\.tsv$/i.test(fileName)) : null;
  return `${fileName} ${noHeader ? `is not a tensor file yet: ${noHeader.message}` : NOT_A_TENSOR_FILE}`;
}

/** looksLikeTensorFile on a document's text, before (and without) encoding it. */
export function looksLikeTensorText(fileName: string, text: string): boolean {
  if (isExportedAnalysis(fileName) || RUN_MANIFEST.test(fileName)) return false;
  const format = formatOf(fileName);
  if (format === 'json') return TENSOR_KEY_TEXTS.some((key) => text.includes(key)) || PREDICTION_KEY.test(text);
  if (format === 'csv') return CSV_COLUMNS.test(text.slice(0, 64 * 1024).split(/\r\n|\r|\n/, 1)[0]);
  return format === 'npy' || format === 'npz' || format === 'safetensors' || format === 'pt';
}

/** On a file's bytes. */
export function looksLikeTensorFile(fileName: string, bytes: Uint8Array): boolean {
  if (isExportedAnalysis(fileName) || RUN_MANIFEST.test(fileName)) return false;
  const format = formatOf(fileName);
  if (format === 'npy' || format === 'npz' || format === 'safetensors' || format === 'pt') return true;
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (format === 'json') return TENSOR_KEYS.some((key) => buffer.indexOf(key) >= 0) || hasPredictionKey(buffer);
  if (format === 'csv') {
    const firstLine = buffer
      .subarray(0, Math.min(buffer.length, 64 * 1024))
      .toString('utf8')
      .split(/\r\n|\r|\n/, 1)[0];
    return CSV_COLUMNS.test(firstLine);
  }
  return false;
}

/** '"prediction"' followed by a colon (spaces between) somewhere in the bytes. */
function hasPredictionKey(buffer: Buffer): boolean {
  for (let at = buffer.indexOf(PREDICTION); at >= 0; at = buffer.indexOf(PREDICTION, at + 1)) {
    let i = at + PREDICTION.length;
    while (buffer[i] === 32 || buffer[i] === 9 || buffer[i] === 10 || buffer[i] === 13) i++;
    if (buffer[i] === 58) return true;
  }
  return false;
}
