import type { NetworkPayload } from '../shared/protocol';
import type { FileAnalysis } from './analysisService';

export function networkPayloadOf(_file: FileAnalysis): NetworkPayload | null {
  return null;
}
