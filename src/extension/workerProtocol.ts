/** Messages between the extension host and a document's analysis worker (worker.ts). */
import type { LineTables } from '../core/lineIndex';
import type { PipelineOptions } from '../core/pipeline';
import type { ResultSummary } from '../core/resultSummary';
import type { RoleMatch } from '../core/npzRoles';
import type { QueryAnswer, TensorQuery } from '../core/tensorQuery';
import type { EditedFile, TextEdit } from './editLog';
import type { NpyRowsRequest, NpySliceRequest } from '../shared/protocol';
import type { ViewerBlock, ViewerOutline, ViewerSlice, ViewerSource } from './viewerArrays';

/**
 * `kept`: the bytes this worker read for a 'roleMatch' just before. `textParts`: the text sent
 * before in 'textPart' messages (a large document's text, a slice per message, so no one message
 * holds the host for long).
 */
export type WorkerInput =
  | { bytes: Uint8Array }
  | { text: string }
  /** `byteLength`: the size the host expects (a saved document's file, savedFileInput.ts). */
  | { path: string; byteLength?: number }
  | { kept: true }
  | { textParts: true }
  /** A document with unsaved edits: its saved file and the edits since (editLog.ts). */
  | { edited: EditedFile }
  /** A later version of a document, made by the worker of its previous analysis ('editText'). */
  | { editedBytes: Uint8Array };

export type WorkerRequest =
  /** `threads`: how many may read a logits file from disk (0: one per core). */
  | { id: number; type: 'analyze'; input: WorkerInput; fileName: string; options: PipelineOptions; threads?: number }
  /** A slice of the text of the next 'analyze' with input `textParts` (no answer). */
  | { id: number; type: 'textPart'; text: string }
  /** The text this worker analysed, as a document, with `edits` made on it: a later version, in UTF-8 of `units` UTF-16 units. */
  | { id: number; type: 'editText'; edits: TextEdit[]; units: number }
  /** With `path`, an answer in bytes (an export) is written there by the worker. */
  | { id: number; type: 'query'; query: TensorQuery; path?: string }
  /** How an archive's arrays could be read (the user may have to choose); the worker keeps its bytes for 'analyze'. */
  | { id: number; type: 'roleMatch'; input: WorkerInput; fileName: string; sumTolerance?: number; maxArchiveBytes?: number }
  /** The NumPy viewer's arrays (viewerArrays.ts): decode and keep, then blocks and slices. */
  | { id: number; type: 'openViewer'; source: ViewerSource }
  | { id: number; type: 'viewerRows'; request: Pick<NpyRowsRequest, 'array' | 'row0' | 'row1' | 'col0' | 'col1'> }
  | { id: number; type: 'viewerSlice'; request: Pick<NpySliceRequest, 'array' | 'rowAxis' | 'colAxis' | 'index'> };

/**
 * How the worker read what it analysed: in parts on threads (a logits file from disk in the simple
 * layout), for its problems a chunk at a time (such a file the full reader would refuse for a
 * parse error, a cut-short end, labels out of range or ragged rows: src/node/streamedProblem.ts), or whole by
 * the full reader.
 */
export type WorkerRead = 'in parts' | 'for its problems' | 'whole';

export type WorkerResponse =
  | {
      id: number;
      type: 'analyzed';
      summary: ResultSummary;
      gradientScale: number | undefined;
      lines: LineTables;
      byteLength: number;
      read: WorkerRead;
    }
  | { id: number; type: 'answer'; answer: QueryAnswer | number }
  | { id: number; type: 'roles'; match: RoleMatch | null }
  | { id: number; type: 'text'; bytes: Uint8Array }
  | { id: number; type: 'viewer'; answer: ViewerOutline | ViewerBlock | ViewerSlice }
  | { id: number; type: 'error'; error: string };
