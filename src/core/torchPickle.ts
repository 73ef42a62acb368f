/**
 * Reader for PyTorch `.pt` / `.pth` files in the zip format `torch.save` writes since 1.6:
 * `<name>/data.pkl` (a pickle, protocol 2), `<name>/data/<key>` (one raw storage per key) and
 * `<name>/byteorder` ("little" / "big", absent before 1.10 = little).
 *
 * Nothing in the file is executed. The pickle is read by a small restricted unpickler that
 * implements only the opcodes torch.save emits and resolves only the globals PyTorch's own
 * `weights_only=True` loader allows (tensor rebuilds, typed storages, OrderedDict, …): any other
 * global (`os.system`, `builtins.eval`, a user class) stops the read with a message naming it and
 * its byte offset in data.pkl, before anything could be called. Tensors are rebuilt from their
 * storage with offset and strides (views and shared storages) into C-order float64 arrays.
 */
import { unzipSync } from 'fflate';
import { decodeBfloat16 } from './extraFloats';
import { hasPickleMagic, startsLikeZip } from './fileSignature';
import { decodeRawArray, NpyError, type NpyArray } from './npy';

/** Storage class → NumPy descr (little-endian; flipped for a big-endian archive) and item size. */
const STORAGES: Record<string, { descr: string; size: number }> = {
  DoubleStorage: { descr: '<f8', size: 8 },
  FloatStorage: { descr: '<f4', size: 4 },
  HalfStorage: { descr: '<f2', size: 2 },
  BFloat16Storage: { descr: 'bfloat16', size: 2 },
  LongStorage: { descr: '<i8', size: 8 },
  IntStorage: { descr: '<i4', size: 4 },
  ShortStorage: { descr: '<i2', size: 2 },
  CharStorage: { descr: '|i1', size: 1 },
  ByteStorage: { descr: '|u1', size: 1 },
  BoolStorage: { descr: '|b1', size: 1 },
};

/** Globals the weights_only loader allows and this reader knows how to build (module.name). */
const REBUILDERS = new Set([
  'torch._utils._rebuild_tensor_v2',
  'torch._utils._rebuild_tensor',
  'torch._utils._rebuild_parameter',
  'torch._utils._rebuild_parameter_with_state',
]);
const ALLOWED_OTHER = new Set([
  'collections.OrderedDict',
  'torch.Size',
  'torch.device',
  'torch.nn.parameter.Parameter',
  'builtins.set',
  'builtins.frozenset',
]);
const TORCH_DTYPES = new Set(['float64', 'float32', 'float16', 'bfloat16', 'int64', 'int32', 'int16', 'int8', 'uint8', 'bool']);

/** Deflated members may add up to this much beyond the file's own size (torch.save stores, never deflates). */
const MAX_INFLATED = 1 << 28;
const MAX_DEFLATE_RATIO = 1032;
const MAX_DEPTH = 64;

// ---- Python values ----------------------------------------------------------------------------

export class PyGlobal {
  constructor(readonly name: string) {}
}
export class PyTuple {
  constructor(readonly items: PyValue[]) {}
}
export class PyDict {
  readonly map = new Map<string | number | boolean | null, PyValue>();
  /** Keys as written, for dicts whose keys are not all simple. */
  readonly ordered = true;
}
export class PyStorage {
  constructor(
    readonly key: string,
    readonly kind: string,
    readonly numel: number,
  ) {}
}
export class PyTensor {
  constructor(
    readonly storage: PyStorage,
    readonly offset: number,
    readonly size: number[],
    readonly stride: number[],
  ) {}
}
/** An object we do not model (a Size, a device, a set): kept opaque, never called. */
export class PyOpaque {
  constructor(readonly what: string) {}
}
export type PyValue =
  null | boolean | number | bigint | string | Uint8Array | PyValue[] | PyTuple | PyDict | PyGlobal | PyStorage | PyTensor | PyOpaque;

// ---- the archive --------------------------------------------------------------------------------

export interface TorchFile {
  /** The unpickled object. */
  root: PyValue;
  /** Named tensors, flattened: dict keys (nested with "."), list / tuple indices. */
  arrays: Map<string, NpyArray>;
  /** String and number entries found beside the tensors (e.g. a "gradient_lens" note). */
  metadata: Map<string, string>;
}

/** Reads a `torch.save` zip file. Throws {@link NpyError} (offset: in the file, or in data.pkl with `member` set). */
export function readTorchFile(bytes: Uint8Array, fileName = 'model.pt'): TorchFile {
  const fail = (detail: string, offset: number, member?: string): never => {
    const where = member ? `${member}: ` : '';
    throw new NpyError(`${fileName}: ${where}${detail} (at byte ${offset})`, offset, { fileName, member });
  };
  if (bytes.length === 0) fail('the file is empty', 0);
  if (hasPickleMagic(bytes)) {
    fail(
      'this is a legacy (pre-1.6, non-zip) PyTorch file, which is not supported: re-save it with a newer PyTorch (torch.save(obj, path))',
      0,
    );
  }
  if (!startsLikeZip(bytes)) {
    if (bytes.length >= 262 && String.fromCharCode(...bytes.subarray(257, 262)) === 'ustar') {
      fail('this is a very old (tar) PyTorch file, which is not supported: re-save it with a newer PyTorch (torch.save(obj, path))', 0);
    }
    fail('not a PyTorch file: torch.save writes a zip archive (starting with "PK")', 0);
  }
  let files: Record<string, Uint8Array>;
  let current: string | undefined;
  let total = 0;
  try {
    files = unzipSync(bytes, {
      filter(info) {
        current = info.name;
        if (info.name.endsWith('/')) return false;
        if (info.compression !== 0 && info.compression !== 8) fail(`unsupported zip compression method ${info.compression}`, 0, info.name);
        if (info.size > bytes.length)
          fail(`the zip directory says this member is ${info.size} bytes, more than the whole file; the archive is corrupt`, 0, info.name);
        if (info.compression === 0 && info.originalSize !== info.size)
          fail('inconsistent sizes for a stored member; the archive is corrupt', 0, info.name);
        if (info.compression === 8 && info.originalSize > info.size * MAX_DEFLATE_RATIO + 1024) {
          fail(
            `this member claims to expand from ${info.size} to ${info.originalSize} bytes, which deflate cannot do; the archive is corrupt`,
            0,
            info.name,
          );
        }
        total += info.compression === 8 ? info.originalSize : 0;
        if (total > MAX_INFLATED)
          fail(
            `the archive's compressed members add up to more than ${MAX_INFLATED} bytes when extracted; refusing (a zip bomb?)`,
            0,
            info.name,
          );
        return true;
      },
    });
  } catch (e) {
    if (e instanceof NpyError) throw e;
    return fail(
      `the zip archive cannot be read${current ? ` (member ${current})` : ''}: ${(e as Error).message}; the file is probably truncated or corrupt`,
      bytes.length,
    );
  }
  const names = Object.keys(files);
  const pkl = names.filter((n) => /^[^/]+\/data\.pkl$/.test(n) || n === 'data.pkl');
  if (pkl.length !== 1) {
    return fail(
      pkl.length === 0
        ? 'this zip archive has no <name>/data.pkl, so it is not a torch.save file (an .npz? give it the .npz extension)'
        : 'this zip archive has more than one data.pkl',
      0,
    );
  }
  const prefix = pkl[0].slice(0, -'data.pkl'.length);
  const order = files[`${prefix}byteorder`];
  const bigEndian = order !== undefined && new TextDecoder().decode(order).trim() === 'big';
  const root = unpickle(files[pkl[0]], (detail, offset) => fail(detail, offset, pkl[0]));
  const storages = new Map<string, Uint8Array>();
  const storageBytes = (s: PyStorage): Uint8Array => {
    const name = `${prefix}data/${s.key}`;
    const data = files[name];
    if (data === undefined || !Object.prototype.hasOwnProperty.call(files, name))
      return fail(`the pickle refers to storage "${s.key}" but the archive has no member ${name}`, 0, pkl[0]);
    storages.set(s.key, data);
    return data;
  };
  const arrays = new Map<string, NpyArray>();
  const metadata = new Map<string, string>();
  flatten(root, '', 0, (name, value) => {
    if (value instanceof PyTensor)
      arrays.set(name, materialize(value, storageBytes(value.storage), bigEndian, `${fileName}: tensor "${name}"`));
    else if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string')) {
      arrays.set(name, { dtype: '<U', kind: 'string', shape: [value.length], data: new Float64Array(0), strings: value as string[] });
    } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') metadata.set(name, String(value));
  });
  return { root, arrays, metadata };
}

/** Leaves of dicts, lists and tuples with their dotted names; a bare tensor is named "tensor". */
function flatten(value: PyValue, name: string, depth: number, visit: (name: string, value: PyValue) => void): void {
  if (depth > MAX_DEPTH) return;
  const join = (k: string) => (name === '' ? k : `${name}.${k}`);
  if (value instanceof PyDict) {
    for (const [k, v] of value.map) flatten(v, join(String(k)), depth + 1, visit);
  } else if ((Array.isArray(value) && !value.every((v) => typeof v === 'string')) || value instanceof PyTuple) {
    const items = value instanceof PyTuple ? value.items : value;
    items.forEach((v, i) => flatten(v, join(String(i)), depth + 1, visit));
  } else visit(name === '' ? 'tensor' : name, value);
}

/** A storage's item size and NumPy descr (little-endian), or undefined for one this reader does not know. */
export function storageInfo(kind: string): { descr: string; size: number } | undefined {
  return Object.prototype.hasOwnProperty.call(STORAGES, kind) ? STORAGES[kind] : undefined;
}

/** The tensor's elements in C order, gathered through its offset and strides. */
export function materialize(t: PyTensor, raw: Uint8Array, bigEndian: boolean, where: string): NpyArray {
  const info = STORAGES[t.storage.kind];
  const size = info.size;
  const fail = (detail: string): never => {
    throw new NpyError(`${where}: ${detail}`, 0, {});
  };
  let count = 1;
  for (const d of t.size) count *= d;
  if (!Number.isSafeInteger(count)) fail(`shape (${t.size.join(', ')}) has too many elements`);
  const elements = Math.floor(raw.length / size);
  let last = t.offset;
  for (let i = 0; i < t.size.length; i++) if (t.size[i] > 0) last += (t.size[i] - 1) * t.stride[i];
  if (count > 0 && (t.offset < 0 || last >= elements || t.stride.some((s) => s < 0))) {
    fail(
      `its offset ${t.offset}, shape (${t.size.join(', ')}) and strides (${t.stride.join(', ')}) reach element ${last}, past the end of its storage of ${elements} elements`,
    );
  }
  // Zero strides (an expanded tensor) let a tiny storage claim any size: bound the output.
  if (count > Math.max(1 << 25, 4 * elements))
    fail(`it claims ${count} elements from a storage of ${elements}; refusing to expand it that far`);
  let contiguous = true;
  for (let i = t.size.length - 1, expect = 1; i >= 0; i--) {
    if (t.size[i] !== 1 && t.stride[i] !== expect) contiguous = false;
    expect *= t.size[i];
  }
  let bytes: Uint8Array;
  if (count === 0) bytes = new Uint8Array(0);
  else if (contiguous) bytes = raw.subarray(t.offset * size, (t.offset + count) * size);
  else {
    bytes = new Uint8Array(count * size);
    const rank = t.size.length;
    const idx = new Array<number>(rank).fill(0);
    let src = t.offset;
    for (let c = 0; c < count; c++) {
      bytes.set(raw.subarray(src * size, src * size + size), c * size);
      for (let d = rank - 1; d >= 0; d--) {
        idx[d]++;
        src += t.stride[d];
        if (idx[d] < t.size[d]) break;
        src -= t.stride[d] * t.size[d];
        idx[d] = 0;
      }
    }
  }
  if (info.descr === 'bfloat16') return { dtype: 'bfloat16', kind: 'float', shape: t.size, data: decodeBfloat16(bytes, count, !bigEndian) };
  const descr = bigEndian && size > 1 ? `>${info.descr.slice(1)}` : info.descr;
  // The storage's bytes are this reader's own (fflate copies each member out of the archive), so
  // float64 in this machine's order may stay in them (decodeRawArray's handedOver).
  return decodeRawArray(bytes, descr, t.size, where, 0, true);
}

// ---- the restricted unpickler ---------------------------------------------------------------------

/** MARK positions are kept apart (in `marks`), so the stack holds values only. */
type StackItem = PyValue;

/**
 * Unpickles `data`, allowing only the globals above. `fail(detail, offset)` must throw; offsets are
 * bytes of `data`.
 */
export function unpickle(data: Uint8Array, fail: (detail: string, offset: number) => never): PyValue {
  const stack: StackItem[] = [];
  const marks: number[] = [];
  const memo = new Map<number, PyValue>();
  const n = data.length;
  let p = 0;
  let op = 0;
  const need = (k: number) => {
    if (p + k > n) fail(`the pickle is truncated (it ends inside the argument of opcode 0x${data[op].toString(16)})`, n);
  };
  const u8 = () => (need(1), data[p++]);
  const u16 = () => (need(2), (p += 2), data[p - 2] | (data[p - 1] << 8));
  const u32 = () => (need(4), (p += 4), (data[p - 4] | (data[p - 3] << 8) | (data[p - 2] << 16) | (data[p - 1] << 24)) >>> 0);
  const i32 = () => u32() | 0;
  const take = (k: number) => {
    need(k);
    p += k;
    return data.subarray(p - k, p);
  };
  const utf8 = (b: Uint8Array) => {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(b);
    } catch {
      // b is always a view into data: its own offset locates it.
      return fail('a string in the pickle is not valid UTF-8', b.byteOffset - data.byteOffset);
    }
  };
  const pop = (): PyValue => {
    if (stack.length === 0 || (marks.length > 0 && stack.length <= marks[marks.length - 1]))
      fail('the pickle pops from an empty stack; it is corrupt', op);
    const v = stack.pop()!;
    return v as PyValue;
  };
  const top = (): PyValue => {
    if (stack.length === 0) fail('the pickle reads an empty stack; it is corrupt', op);
    return stack[stack.length - 1] as PyValue;
  };
  const popMark = (): PyValue[] => {
    const m = marks.pop();
    if (m === undefined) fail('the pickle has no MARK for this opcode; it is corrupt', op);
    const items = stack.splice(m!) as PyValue[];
    return items;
  };
  const global = (module: string, name: string): PyValue => {
    const full = `${module}.${name}`;
    if (module === 'torch' && Object.prototype.hasOwnProperty.call(STORAGES, name)) return new PyGlobal(full);
    if (REBUILDERS.has(full) || ALLOWED_OTHER.has(full)) return new PyGlobal(full);
    if (module === 'torch' && TORCH_DTYPES.has(name)) return new PyOpaque(full);
    // A whole nn.Module pickled by torch.save(model): its weights are what we can read.
    const hint = /^torch\.nn\.modules\./.test(module)
      ? 'This file holds a whole model object; save its weights instead: torch.save(model.state_dict(), path)'
      : 'If you trust the file, re-save just its tensors: torch.save({k: v for k, v in obj.items() if torch.is_tensor(v)}, path)';
    return fail(
      `refusing to load the global ${full}: this reader (like torch.load(weights_only=True)) only accepts tensors, storages and plain containers, ` +
        `and never runs code from a file. ${hint}`,
      op,
    );
  };
  const call = (fn: PyValue, args: PyValue): PyValue => {
    if (!(fn instanceof PyGlobal)) return fail('the pickle calls something that is not an allowed global', op);
    const a = args instanceof PyTuple ? args.items : fail(`the arguments of ${fn.name} are not a tuple`, op);
    const name = fn.name;
    if (name === 'collections.OrderedDict') {
      const d = new PyDict();
      if (a.length > 0) fail('OrderedDict with arguments is not supported', op);
      return d;
    }
    if (name === 'torch._utils._rebuild_tensor_v2' || name === 'torch._utils._rebuild_tensor') return rebuildTensor(a);
    if (name === 'torch._utils._rebuild_parameter' || name === 'torch._utils._rebuild_parameter_with_state') {
      if (!(a[0] instanceof PyTensor)) fail(`${name} expects a tensor`, op);
      return a[0];
    }
    return new PyOpaque(name);
  };
  const int = (v: PyValue, what: string): number => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) fail(`${what} must be an integer`, op);
    return v as number;
  };
  const ints = (v: PyValue, what: string): number[] => {
    const items = v instanceof PyTuple ? v.items : Array.isArray(v) ? v : fail(`${what} must be a tuple of integers`, op);
    return items.map((x) => int(x, what));
  };
  const rebuildTensor = (a: PyValue[]): PyTensor => {
    if (a.length < 4 || !(a[0] instanceof PyStorage)) fail('a tensor rebuild without a storage', op);
    const size = ints(a[2], 'a tensor size');
    const stride = ints(a[3], 'a tensor stride');
    if (size.length !== stride.length || size.some((s) => s < 0))
      fail(`a tensor has size (${size.join(', ')}) and stride (${stride.join(', ')}) of different ranks or negative sizes`, op);
    return new PyTensor(a[0] as PyStorage, int(a[1], 'a storage offset'), size, stride);
  };
  const persistent = (pid: PyValue): PyValue => {
    const t = pid instanceof PyTuple ? pid.items : null;
    if (!t || t[0] !== 'storage' || t.length < 5 || !(t[1] instanceof PyGlobal))
      return fail('unsupported persistent id (expected a torch storage reference)', op);
    const kind = (t[1] as PyGlobal).name.replace(/^torch\./, '');
    if (!Object.prototype.hasOwnProperty.call(STORAGES, kind)) fail(`unsupported storage type ${(t[1] as PyGlobal).name}`, op);
    if (typeof t[2] !== 'string') fail('a storage key must be a string', op);
    return new PyStorage(t[2] as string, kind, int(t[4], 'a storage size'));
  };
  const setItems = (d: PyValue, items: PyValue[]) => {
    if (!(d instanceof PyDict)) fail('SETITEM(S) on something that is not a dict', op);
    if (items.length % 2 !== 0) fail('SETITEMS with an odd number of items', op);
    for (let i = 0; i < items.length; i += 2) {
      const k = items[i];
      if (k !== null && typeof k !== 'string' && typeof k !== 'number' && typeof k !== 'boolean')
        fail('a dict key that is not a string or a number', op);
      (d as PyDict).map.set(k as string, items[i + 1]);
    }
  };
  const appendItems = (l: PyValue, items: PyValue[]) => {
    if (!Array.isArray(l)) fail('APPEND(S) on something that is not a list', op);
    for (const v of items) (l as PyValue[]).push(v);
  };

  while (p < n) {
    op = p;
    const c = data[p++];
    switch (c) {
      case 0x80: // PROTO
        if (u8() > 5) fail('unsupported pickle protocol', op);
        break;
      case 0x95: // FRAME
        take(8);
        break;
      case 0x2e: // STOP
        if (stack.length !== 1 || marks.length > 0) fail('the pickle stops with a malformed stack', op);
        return stack[0] as PyValue;
      case 0x28: // MARK
        marks.push(stack.length);
        break;
      case 0x7d: // EMPTY_DICT
        stack.push(new PyDict());
        break;
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push(new PyTuple([]));
        break;
      case 0x74: // TUPLE
        stack.push(new PyTuple(popMark()));
        break;
      case 0x85: // TUPLE1
        stack.push(new PyTuple([pop()]));
        break;
      case 0x86: {
        const b = pop();
        stack.push(new PyTuple([pop(), b]));
        break;
      }
      case 0x87: {
        const c3 = pop();
        const b = pop();
        stack.push(new PyTuple([pop(), b, c3]));
        break;
      }
      case 0x6c: // LIST
        stack.push(popMark());
        break;
      case 0x64: {
        // DICT
        const d = new PyDict();
        setItems(d, popMark());
        stack.push(d);
        break;
      }
      case 0x73: {
        // SETITEM
        const v = pop();
        const k = pop();
        setItems(top(), [k, v]);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case 0x61: {
        // APPEND
        const v = pop();
        appendItems(top(), [v]);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        appendItems(top(), items);
        break;
      }
      case 0x8f: // EMPTY_SET
        stack.push(new PyOpaque('set'));
        break;
      case 0x90: // ADDITEMS
        popMark();
        break;
      case 0x71: // BINPUT
        memo.set(u8(), top());
        break;
      case 0x72: // LONG_BINPUT
        memo.set(u32(), top());
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x68: // BINGET
      case 0x6a: {
        // LONG_BINGET
        const k = c === 0x68 ? u8() : u32();
        if (!memo.has(k)) fail(`the pickle refers to memo entry ${k}, which was never stored; it is corrupt`, op);
        stack.push(memo.get(k)!);
        break;
      }
      case 0x63: {
        // GLOBAL "module\nname\n"
        const line = () => {
          const e = data.indexOf(0x0a, p);
          if (e < 0 || e - p > 256) fail('a malformed GLOBAL opcode', op);
          const s = utf8(data.subarray(p, e));
          p = e + 1;
          return s;
        };
        const module = line();
        stack.push(global(module, line()));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof name !== 'string' || typeof module !== 'string') fail('STACK_GLOBAL needs two strings', op);
        stack.push(global(module as string, name as string));
        break;
      }
      case 0x52: {
        // REDUCE
        const args = pop();
        stack.push(call(pop(), args));
        break;
      }
      case 0x81: {
        // NEWOBJ
        const args = pop();
        stack.push(call(pop(), args));
        break;
      }
      case 0x62: {
        // BUILD: state for an object (OrderedDict's _metadata, a Parameter's hooks): ignored
        pop();
        top();
        break;
      }
      case 0x51: // BINPERSID
        stack.push(persistent(pop()));
        break;
      case 0x4a: // BININT
        stack.push(i32());
        break;
      case 0x4b: // BININT1
        stack.push(u8());
        break;
      case 0x4d: // BININT2
        stack.push(u16());
        break;
      case 0x8a: // LONG1
      case 0x8b: {
        // LONG4
        const len = c === 0x8a ? u8() : u32();
        if (len > 64) fail(`an integer of ${len} bytes; torch.save never writes one`, op);
        const b = take(len);
        let v = 0n;
        for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
        if (b.length > 0 && b[b.length - 1] & 0x80) v -= 1n << BigInt(8 * b.length);
        stack.push(v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);
        break;
      }
      case 0x47: {
        // BINFLOAT (big-endian double)
        const b = take(8);
        stack.push(new DataView(b.buffer, b.byteOffset, 8).getFloat64(0, false));
        break;
      }
      case 0x58: // BINUNICODE
        stack.push(utf8(take(u32())));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(utf8(take(u8())));
        break;
      case 0x8d: {
        // BINUNICODE8
        const lo = u32();
        if (u32() !== 0) fail('a string longer than 4 GB', op);
        stack.push(utf8(take(lo)));
        break;
      }
      case 0x55: // SHORT_BINSTRING
      case 0x43: // SHORT_BINBYTES
        stack.push(c === 0x55 ? utf8(take(u8())) : take(u8()).slice());
        break;
      case 0x54: // BINSTRING
      case 0x42: // BINBYTES
        stack.push(c === 0x54 ? utf8(take(u32())) : take(u32()).slice());
        break;
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x30: // POP
        if (stack.length > 0 && (marks.length === 0 || stack.length > marks[marks.length - 1])) stack.pop();
        else if (marks.length > 0 && stack.length === marks[marks.length - 1]) marks.pop();
        else fail('POP on an empty stack', op);
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        stack.push(top());
        break;
      default:
        fail(
          `unsupported pickle opcode 0x${c.toString(16).padStart(2, '0')} ('${c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '?'}'); torch.save files use protocol 2`,
          op,
        );
    }
  }
  return fail('the pickle ends without a STOP opcode; it is truncated', n);
}
