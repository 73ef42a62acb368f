/**
 * `.safetensors` and PyTorch `.pt` / `.pth` files → dataset. Their named tensors go through the
 * same role matching as an `.npz` (names, aliases, content, `roleChoice`). A state dict of Linear
 * layers (`0.weight`, `0.bias`, `2.weight`, …) is a network: with `inputs` and `labels` / `targets`
 * in the same file it is analysed like a JSON network (activations from a `gradient_lens` entry:
 * safetensors `__metadata__` or a string in the .pt dict, `{"activations": ["relu", "softmax"]}`);
 * alone it is summarised (shapes and norms per layer) by `stateDictSummary`.
 */
import type { Activation, ClassTargets, DenseLayer, LoadResult, NetworkData } from './dataset';
import { siblingReader } from './classNames';
import { startsLikeZip } from './fileSignature';
import { NpyError, readNpy, type NpyArray } from './npy';
import { shapeText } from './arrayDescription';
import { loadNamedArrays, type NumpyLoadOptions } from './npzRoles';
import { problem, type Problem } from './problems';
import { readSafetensors } from './safetensors';
import { readTorchFile } from './torchPickle';

export interface TensorArchive {
  arrays: Map<string, NpyArray>;
  /** safetensors `__metadata__`, or the string / number entries of a .pt dict. */
  metadata: Map<string, string>;
}

/**
 * Reads either format by its extension (else by its first bytes). Throws {@link NpyError}.
 * `handedOver`: see readNpy (a .safetensors file's aligned float64 may be views of `bytes`).
 */
export function readTensorArchive(bytes: Uint8Array, fileName: string, handedOver = false): TensorArchive {
  const torch = /\.(pt|pth|bin|ckpt)$/i.test(fileName) || (!/\.safetensors$/i.test(fileName) && startsLikeZip(bytes));
  if (torch) {
    const t = readTorchFile(bytes, baseName(fileName));
    return { arrays: t.arrays, metadata: t.metadata };
  }
  const s = readSafetensors(bytes, baseName(fileName), handedOver);
  return { arrays: s.arrays, metadata: s.header.metadata ?? new Map() };
}

export function loadSafetensorsFile(bytes: Uint8Array, fileName: string, options: NumpyLoadOptions = {}): LoadResult {
  return loadArchive(bytes, fileName, options);
}
export const loadTorchFile = loadSafetensorsFile;

function loadArchive(bytes: Uint8Array, fileName: string, options: NumpyLoadOptions): LoadResult {
  const file = baseName(fileName);
  let archive: TensorArchive;
  try {
    archive = readTensorArchive(bytes, fileName, options.bytesHandedOver);
  } catch (e) {
    if (e instanceof NpyError) return { dataset: null, problems: [problem(e.message, 0, 0, 'tensor-file')] };
    throw e;
  }
  const layers = linearLayers(archive.arrays);
  if (isStateDict(archive.arrays, options.roleChoice)) return networkOf(layers, withSiblingData(archive, options), file);
  return loadNamedArrays(withMetadataClasses(archive), file, options, archive.metadata);
}

/** Class names in the metadata (safetensors holds no strings): "classes": a JSON list of strings. */
function withMetadataClasses(archive: TensorArchive): Map<string, NpyArray> {
  const text = archive.metadata.get('classes');
  if (text === undefined || archive.arrays.has('classes')) return archive.arrays;
  let names: unknown;
  try {
    names = JSON.parse(text);
  } catch {
    return archive.arrays;
  }
  if (!Array.isArray(names) || !names.every((n) => typeof n === 'string')) return archive.arrays;
  const strings = names as string[];
  return new Map([
    ...archive.arrays,
    ['classes', { dtype: '<U', kind: 'string', shape: [strings.length], data: new Float64Array(0), strings }],
  ]);
}

// ---- state dicts -----------------------------------------------------------------------------

/** Linear layers and no array named as an input (nor one chosen): read as a network, not by roles. */
export function isStateDict(arrays: Map<string, NpyArray>, roleChoice?: object): boolean {
  const hasInput =
    ['logits', 'probabilities', 'predictions'].some((r) => arrays.has(r)) ||
    (roleChoice !== undefined && Object.keys(roleChoice).length > 0);
  return !hasInput && linearLayers(arrays).length > 0;
}

export interface LinearLayer {
  /** The module path: "0", "fc1", "encoder.layers.3". */
  name: string;
  weight: NpyArray;
  bias: NpyArray | null;
}

/** `P.weight` (2-D) with an optional `P.bias` of one entry per row, in the file's order. */
export function linearLayers(arrays: Map<string, NpyArray>): LinearLayer[] {
  const out: LinearLayer[] = [];
  for (const [key, w] of arrays) {
    const m = /^(.*)\.weight$/.exec(key);
    if (!m || w.kind === 'string' || w.shape.length !== 2) continue;
    const b = arrays.get(`${m[1]}.bias`);
    out.push({ name: m[1], weight: w, bias: b && b.kind !== 'string' && b.shape.length === 1 && b.shape[0] === w.shape[0] ? b : null });
  }
  return out;
}

export interface LayerSummary {
  name: string;
  weightShape: number[];
  biasShape: number[] | null;
  weightNorm: number;
  biasNorm: number | null;
  dtype: string;
}

/** Shapes and Frobenius norms per Linear layer of a state dict (empty when it has none). */
export function stateDictSummary(arrays: Map<string, NpyArray>): LayerSummary[] {
  return linearLayers(arrays).map((l) => ({
    name: l.name,
    weightShape: l.weight.shape,
    biasShape: l.bias?.shape ?? null,
    weightNorm: frobenius(l.weight.data),
    biasNorm: l.bias ? frobenius(l.bias.data) : null,
    dtype: l.weight.dtype,
  }));
}

function frobenius(v: Float64Array): number {
  // Scaled, so that 1e200-sized weights do not overflow the sum of squares.
  let scale = 0;
  for (let i = 0; i < v.length; i++) scale = Math.max(scale, Math.abs(v[i]));
  if (scale === 0 || !Number.isFinite(scale)) return scale;
  let s = 0;
  for (let i = 0; i < v.length; i++) s += (v[i] / scale) ** 2;
  return scale * Math.sqrt(s);
}

/** Sibling files a state dict takes its inputs and labels / targets from when it holds none. */
export const STATE_DICT_SIBLINGS = ['inputs.npy', 'labels.npy', 'targets.npy'] as const;

/**
 * A state dict without inputs: `inputs.npy` and `labels.npy` (or `targets.npy`) beside it, when
 * present and readable, join its arrays (an unreadable one is left out: the summary still shows).
 */
function withSiblingData(archive: TensorArchive, options: NumpyLoadOptions): TensorArchive {
  if (archive.arrays.has('inputs') || archive.arrays.has('x')) return archive;
  const read = siblingReader(options);
  const arrays = new Map(archive.arrays);
  for (const name of STATE_DICT_SIBLINGS) {
    const bytes = read(name);
    if (!bytes) continue;
    try {
      arrays.set(name.replace(/\.npy$/, ''), readNpy(bytes, name));
    } catch (e) {
      if (!(e instanceof NpyError)) throw e;
    }
  }
  return arrays.has('inputs') ? { ...archive, arrays } : archive;
}

const ACTIVATIONS: readonly Activation[] = ['relu', 'sigmoid', 'tanh', 'linear', 'softmax'];

/** A state dict: with inputs and labels/targets a network dataset, else a 'state-dict' problem with the summary. */
function networkOf(layers: LinearLayer[], archive: TensorArchive, file: string): LoadResult {
  const inputs = archive.arrays.get('inputs') ?? archive.arrays.get('x');
  const labels = archive.arrays.get('labels') ?? archive.arrays.get('y');
  const targets = archive.arrays.get('targets');
  const summary = stateDictSummary(archive.arrays)
    .map(
      (l) =>
        `${l.name}: weight ${shapeText(l.weightShape)} ‖W‖ ${l.weightNorm.toPrecision(6)}${l.biasShape ? `, bias ${shapeText(l.biasShape)} ‖b‖ ${l.biasNorm!.toPrecision(6)}` : ''}`,
    )
    .join('; ');
  if (!inputs || (!labels && !targets)) {
    return {
      dataset: null,
      problems: [
        problem(
          `${file} is a state dict of ${layers.length} Linear layer${layers.length === 1 ? '' : 's'} (${summary}). To see gradients, save "inputs" and "labels" (or "targets") in the same file, or as inputs.npy and labels.npy beside it`,
          0,
          0,
          'state-dict',
        ),
      ],
    };
  }
  const problems: Problem[] = [];
  const fail = (message: string, code = 'network-shape'): LoadResult => ({
    dataset: null,
    problems: [...problems, problem(`${file}: ${message}`, 0, 0, code)],
  });
  // Activations: named in a gradient_lens note, else ReLU between layers and a head fitting the targets.
  let activations: string[] | null = null;
  const note = archive.metadata.get('gradient_lens');
  if (note !== undefined) {
    try {
      const parsed = JSON.parse(note) as { activations?: unknown };
      if (Array.isArray(parsed.activations)) activations = parsed.activations.map(String);
    } catch {
      return fail(`the "gradient_lens" metadata is not JSON such as {"activations": ["relu", "softmax"]}`, 'network-metadata');
    }
  }
  if (!activations) {
    activations = layers.map((_, i) => (i < layers.length - 1 ? 'relu' : labels ? 'softmax' : 'linear'));
    problems.push(
      problem(
        `${file}: no "gradient_lens" metadata names the activations; assuming ${activations.join(', ')}`,
        0,
        0,
        'network-activations',
        'warning',
      ),
    );
  }
  if (activations.length !== layers.length)
    return fail(`"gradient_lens" names ${activations.length} activations for ${layers.length} Linear layers`);
  const dense: DenseLayer[] = [];
  for (let i = 0; i < layers.length; i++) {
    const act = activations[i] as Activation;
    if (!ACTIVATIONS.includes(act))
      return fail(`activation "${activations[i]}" of layer ${layers[i].name} is not one of ${ACTIVATIONS.join(', ')}`);
    if (act === 'softmax' && i !== layers.length - 1) return fail('softmax may only be the last activation');
    const [out, inp] = layers[i].weight.shape;
    if (i > 0 && inp !== dense[i - 1].outputs)
      return fail(`layer ${layers[i].name}.weight has ${inp} columns but the layer before it has ${dense[i - 1].outputs} outputs`);
    dense.push({
      weights: layers[i].weight.data,
      bias: layers[i].bias?.data ?? new Float64Array(out),
      inputs: inp,
      outputs: out,
      activation: act,
      weightRowSpans: null,
      biasSpans: null,
      span: null,
    });
  }
  if (inputs.kind === 'string' || inputs.shape.length !== 2 || inputs.shape[1] !== dense[0].inputs) {
    return fail(`"inputs" has shape ${shapeText(inputs.shape)}; the first layer needs (N, ${dense[0].inputs})`);
  }
  const n = inputs.shape[0];
  const last = dense[dense.length - 1];
  const head = last.activation === 'softmax' ? 'cross-entropy' : 'mse';
  let target: ClassTargets;
  if (head === 'cross-entropy' && labels) {
    if (labels.shape.length !== 1 || labels.shape[0] !== n) return fail(`"labels" has shape ${shapeText(labels.shape)}; expected (${n},)`);
    const labelData = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const c = labels.data[i];
      if (!Number.isInteger(c) || c < 0 || c >= last.outputs)
        return fail(`label ${c} of sample ${i} is out of range for ${last.outputs} classes (valid: 0…${last.outputs - 1})`, 'label-range');
      labelData[i] = c;
    }
    target = { labels: labelData, targets: null };
  } else {
    const t = targets ?? labels!;
    if (t.shape.length !== 2 || t.shape[0] !== n || t.shape[1] !== last.outputs)
      return fail(`"targets" has shape ${shapeText(t.shape)}; expected (${n}, ${last.outputs})`);
    target = { labels: null, targets: t.data };
  }
  for (const [name, v] of [['inputs', inputs.data], ...layers.map((l) => [`${l.name}.weight`, l.weight.data] as const)] as const) {
    if (!v.every(Number.isFinite)) return fail(`"${name}" holds a NaN or an infinity`, 'non-finite');
  }
  const zeroSpans = new Float64Array(2 * n);
  const data: NetworkData = {
    task: 'network',
    n,
    layers: dense,
    inputs: inputs.data,
    ...target,
    head,
    classes: null,
    spans: [{ role: 'inputs', spans: zeroSpans }],
  };
  return { dataset: data, problems };
}

function baseName(fileName: string): string {
  return fileName.slice(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
}
