/** Dense-network files ({"network": {"layers": [...]}, "inputs": ...}); see network.ts. */
import type { LoadResult } from './dataset';
import type { JsonObject } from './json';
import { findEntry } from './jsonRoles';
import { problem } from './problems';
import type { RoleOptions } from './roles';

export function networkFromJson(root: JsonObject, _bytes: Uint8Array, _options: RoleOptions): LoadResult {
  const node = findEntry(root, 'network')!;
  return { dataset: null, problems: [problem('network files are not supported yet', node.start, node.end, 'unsupported')] };
}
