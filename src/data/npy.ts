/**
 * NumPy .npy files (numpy.lib.format, versions 1.0, 2.0 and 3.0): the magic
 * "\x93NUMPY", a version (major, minor), the header's length (uint16 LE in
 * 1.x, uint32 LE in 2.x/3.x), then the header, a Python dict literal such as
 *   {'descr': '<f8', 'fortran_order': False, 'shape': (150, 4), }
 * padded with spaces to a multiple of 16 or 64 bytes and ending in '\n',
 * then the array's bytes in C (row-major) order.
 *
 * Read here: little-endian (or byte-order-free) booleans, signed and
 * unsigned integers of 1, 2, 4 and 8 bytes, and floats of 2, 4 and 8 bytes,
 * in C order. Anything else (big-endian, Fortran order, complex, strings,
 * objects, structured dtypes, a truncated file) is an InputError naming the
 * file and what it holds. 64-bit integers beyond 2^53 cannot be held exactly
 * in a number and are refused.
 */
import { InputError } from "../util/errors.js";
import { readInputBytes } from "../util/read.js";

/** The dtypes read, by kind and size: 'b1', 'i1'...'i8', 'u1'...'u8', 'f2', 'f4', 'f8'. */
export type NpyDtype = "b1" | "i1" | "i2" | "i4" | "i8" | "u1" | "u2" | "u4" | "u8" | "f2" | "f4" | "f8";

export interface NpyArray {
  dtype: NpyDtype;
  /** The array's shape; () for a scalar. */
  shape: number[];
  /** The values in C order, as numbers (Float32Array for dtypes a float32 holds exactly, else Float64Array). */
  data: Float32Array | Float64Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const DTYPES = new Set<string>(["b1", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "f2", "f4", "f8"]);
/** Largest .npy file read (bytes). */
export const MAX_NPY_BYTES = 2 * 1024 ** 3;

/** One value of the header dict: a string, True/False, or a tuple of integers. */
type HeaderValue = string | boolean | number[];

/** Parse the header dict literal (only the forms numpy writes: str keys; str, bool and int-tuple values). */
function parseHeader(text: string, file: string): Record<string, HeaderValue> {
  const bad = (why: string): never => {
    throw new InputError(`${file}: not a valid .npy header (${why}): ${JSON.stringify(text.trim().slice(0, 200))}`);
  };
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const expect = (c: string) => {
    ws();
    if (text[i] !== c) bad(`expected '${c}' at ${i}`);
    i++;
  };
  const str = (): string => {
    ws();
    const q = text[i];
    if (q !== "'" && q !== '"') bad(`expected a string at ${i}`);
    const end = text.indexOf(q, i + 1);
    if (end < 0) bad("unterminated string");
    const s = text.slice(i + 1, end);
    i = end + 1;
    return s;
  };
  const value = (): HeaderValue => {
    ws();
    if (text[i] === "'" || text[i] === '"') return str();
    if (text.startsWith("True", i)) {
      i += 4;
      return true;
    }
    if (text.startsWith("False", i)) {
      i += 5;
      return false;
    }
    if (text[i] === "(") {
      i++;
      const dims: number[] = [];
      for (;;) {
        ws();
        if (text[i] === ")") {
          i++;
          return dims;
        }
        const m = /^\d+/.exec(text.slice(i));
        if (!m) bad(`expected a dimension at ${i}`);
        dims.push(Number(m![0]));
        i += m![0].length;
        ws();
        if (text[i] === ",") i++;
        else if (text[i] !== ")") bad(`expected ',' or ')' at ${i}`);
      }
    }
    if (text[i] === "[") bad("structured dtypes (a list of fields) are not supported");
    return bad(`unexpected value at ${i}`);
  };
  const out: Record<string, HeaderValue> = {};
  expect("{");
  for (;;) {
    ws();
    if (text[i] === "}") break;
    const k = str();
    expect(":");
    out[k] = value();
    ws();
    if (text[i] === ",") i++;
    else if (text[i] !== "}") bad(`expected ',' or '}' at ${i}`);
  }
  return out;
}

/** Read an .npy file's array from its bytes (`file` names it in messages). */
export function parseNpy(buf: Uint8Array, file = "<npy>"): NpyArray {
  if (buf.length < 10 || MAGIC.some((b, k) => buf[k] !== b)) throw new InputError(`${file}: not a NumPy .npy file (no \\x93NUMPY magic at its start)`);
  const major = buf[6];
  const minor = buf[7];
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let headerLen: number;
  let start: number;
  if (major === 1) {
    headerLen = dv.getUint16(8, true);
    start = 10;
  } else if (major === 2 || major === 3) {
    if (buf.length < 12) throw new InputError(`${file}: truncated .npy header`);
    headerLen = dv.getUint32(8, true);
    start = 12;
  } else {
    throw new InputError(`${file}: .npy format version ${major}.${minor} is not supported (1.0, 2.0 and 3.0 are)`);
  }
  if (start + headerLen > buf.length) throw new InputError(`${file}: truncated .npy header (${headerLen} bytes announced, ${buf.length - start} present)`);
  const headerText = Buffer.from(buf.buffer, buf.byteOffset + start, headerLen).toString(major === 3 ? "utf8" : "latin1");
  const h = parseHeader(headerText, file);
  const descr = h.descr;
  const shape = h.shape;
  const fortran = h.fortran_order;
  if (typeof descr !== "string") throw new InputError(`${file}: .npy header has no 'descr' string`);
  if (!Array.isArray(shape)) throw new InputError(`${file}: .npy header has no 'shape' tuple`);
  if (typeof fortran !== "boolean") throw new InputError(`${file}: .npy header has no 'fortran_order'`);
  if (fortran) throw new InputError(`${file}: the array is in Fortran (column-major) order; save it in C order (numpy.ascontiguousarray) to read it`);
  const m = /^([<>|=])([a-zA-Z])(\d*)$/.exec(descr);
  if (!m) throw new InputError(`${file}: dtype '${descr}' is not supported (booleans, integers and floats are)`);
  const [, order, kind, size] = m;
  const dtype = `${kind}${size}`;
  if (!DTYPES.has(dtype)) {
    const what = kind === "c" ? "complex" : kind === "U" || kind === "S" ? "strings" : kind === "O" ? "Python objects" : kind === "M" || kind === "m" ? "dates/times" : `'${descr}'`;
    throw new InputError(`${file}: dtype '${descr}' (${what}) is not supported: save booleans, integers or floats (e.g. numpy.float32)`);
  }
  if (order === ">" && size !== "1") throw new InputError(`${file}: dtype '${descr}' is big-endian; save it little-endian (array.astype('<${dtype}'))`);
  const count = shape.reduce((a, b) => a * b, 1);
  const bytes = Number(size);
  const off = start + headerLen;
  if (buf.length - off < count * bytes) {
    throw new InputError(`${file}: truncated: shape (${shape.join(", ")}) of '${descr}' needs ${count * bytes} data bytes, the file has ${buf.length - off}`);
  }
  const wide = dtype === "f8" || dtype === "i4" || dtype === "u4" || dtype === "i8" || dtype === "u8";
  const data = wide ? new Float64Array(count) : new Float32Array(count);
  const p = buf.byteOffset + off;
  const d = new DataView(buf.buffer, p, count * bytes);
  switch (dtype) {
    case "b1":
    case "u1":
      for (let k = 0; k < count; k++) data[k] = buf[off + k];
      if (dtype === "b1") for (let k = 0; k < count; k++) data[k] = data[k] ? 1 : 0;
      break;
    case "i1":
      for (let k = 0; k < count; k++) data[k] = d.getInt8(k);
      break;
    case "i2":
      for (let k = 0; k < count; k++) data[k] = d.getInt16(2 * k, true);
      break;
    case "u2":
      for (let k = 0; k < count; k++) data[k] = d.getUint16(2 * k, true);
      break;
    case "i4":
      for (let k = 0; k < count; k++) data[k] = d.getInt32(4 * k, true);
      break;
    case "u4":
      for (let k = 0; k < count; k++) data[k] = d.getUint32(4 * k, true);
      break;
    case "i8":
    case "u8":
      for (let k = 0; k < count; k++) {
        const v = dtype === "i8" ? d.getBigInt64(8 * k, true) : d.getBigUint64(8 * k, true);
        if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) {
          throw new InputError(`${file}: value ${v} at index ${k} is too large to hold exactly (|v| > 2^53)`);
        }
        data[k] = Number(v);
      }
      break;
    case "f2":
      for (let k = 0; k < count; k++) data[k] = half(d.getUint16(2 * k, true));
      break;
    case "f4":
      for (let k = 0; k < count; k++) data[k] = d.getFloat32(4 * k, true);
      break;
    case "f8":
      for (let k = 0; k < count; k++) data[k] = d.getFloat64(8 * k, true);
      break;
  }
  return { dtype: dtype as NpyDtype, shape, data };
}

/** IEEE 754 binary16 to a number. */
function half(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

/** Read an .npy file (at most MAX_NPY_BYTES). */
export function readNpy(path: string): NpyArray {
  return parseNpy(readInputBytes(path, "NumPy file", { maxBytes: MAX_NPY_BYTES, regular: true }), path);
}
