/**
 * The names a network file gives (issue 16): its layers' "name", its "classes" for the output
 * layer's neurons, its "features" for the first layer's inputs. Indices where it gives none.
 */
import type { LayerPayload, NetworkPayload } from '../../shared/protocol';

/** "hidden" or "Layer 2": what buttons and the norm chart call a layer. */
export function layerShortName(l: number, layer: LayerPayload): string {
  return layer.name ?? `Layer ${l + 1}`;
}

/** Headings: "Layer 1 · relu", or with the file's name "hidden (layer 1) · relu". */
export function layerName(l: number, layer: LayerPayload): string {
  return `${layer.name ? `${layer.name} (layer ${l + 1})` : `Layer ${l + 1}`} · ${layer.activation}`;
}

/** Names of layer l's neurons: the classes for the output layer of a classifier, else null. */
export function neuronNames(payload: NetworkPayload, l: number): string[] | null {
  const layer = payload.layers[l];
  return l === payload.layers.length - 1 && payload.classes?.length === layer.outputs ? payload.classes : null;
}

/** Names of layer l's inputs: the features for the first layer, the previous layer's neuron names after. */
export function inputNames(payload: NetworkPayload, l: number): string[] | null {
  if (l > 0) return neuronNames(payload, l - 1);
  return payload.features?.length === payload.layers[0].inputs ? payload.features : null;
}

/** "neuron 3" / "class virginica"; "input 2" / "feature petal length" / "hidden unit 4". */
export function neuronLabel(payload: NetworkPayload, l: number, r: number): string {
  const names = neuronNames(payload, l);
  return names ? `class ${names[r]}` : `neuron ${r}`;
}

export function inputLabel(payload: NetworkPayload, l: number, c: number): string {
  const names = inputNames(payload, l);
  if (names) return l === 0 ? `feature ${names[c]}` : names[c];
  return l === 0 ? `input ${c}` : `${layerShortName(l - 1, payload.layers[l - 1])} unit ${c}`;
}
