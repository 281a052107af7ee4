/**
 * The IDX format of MNIST, Fashion-MNIST and Kuzushiji-MNIST
 * (http://yann.lecun.com/exdb/mnist/): a big-endian header, then the data.
 *
 *   bytes 0-1  zero
 *   byte  2    data type: 0x08 unsigned byte (the only one these datasets use)
 *   byte  3    number of dimensions n
 *   then n     32-bit big-endian sizes; then prod(sizes) values, row-major
 *
 * Labels are magic 0x00000801 (one dimension: count), images 0x00000803
 * (count, rows, cols). A file may be gzipped (detected by its magic bytes
 * 1f 8b). Every defect (wrong magic, another data type, a truncated or
 * overlong file, images and labels that disagree, a label out of range) is an
 * InputError naming the file.
 */
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { InputError } from "../util/errors.js";
import type { Dataset } from "./dataset.js";

export const IDX_LABELS_MAGIC = 0x00000801;
export const IDX_IMAGES_MAGIC = 0x00000803;
/** A gzipped file larger than this uncompressed is refused (a bomb, or not a dataset). */
const MAX_UNCOMPRESSED = 1 << 30;

const TYPE_NAMES: Record<number, string> = {
  0x08: "unsigned byte",
  0x09: "signed byte",
  0x0b: "16-bit integer",
  0x0c: "32-bit integer",
  0x0d: "32-bit float",
  0x0e: "64-bit float",
};

const hex = (n: number) => "0x" + (n >>> 0).toString(16).padStart(8, "0");

/** An IDX array of unsigned bytes: its sizes and its values (a view into the file). */
export interface IdxArray {
  file: string;
  dims: number[];
  data: Uint8Array;
}

/** The file's bytes, gunzipped when they start with the gzip magic 1f 8b. */
function decompress(bytes: Uint8Array, file: string): Uint8Array {
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  try {
    return gunzipSync(bytes, { maxOutputLength: MAX_UNCOMPRESSED });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === "ERR_BUFFER_TOO_LARGE") throw new InputError(`${file}: gzipped data larger than ${MAX_UNCOMPRESSED / 2 ** 20} MiB uncompressed; not an IDX dataset file`);
    throw new InputError(`${file}: not a valid gzip file (${err.message})`);
  }
}

/**
 * Parse an IDX file's bytes (gzipped or not). `expectMagic` (0x801 labels,
 * 0x803 images) also fixes the number of dimensions.
 */
export function parseIdx(raw: Uint8Array, file: string, expectMagic?: number): IdxArray {
  const bytes = decompress(raw, file);
  const what = expectMagic === IDX_LABELS_MAGIC ? " (a labels file)" : expectMagic === IDX_IMAGES_MAGIC ? " (an images file)" : "";
  if (bytes.length < 4) throw new InputError(`${file}: truncated IDX file: ${bytes.length} bytes, shorter than the 4-byte magic number`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  const expected = expectMagic !== undefined ? hex(expectMagic) : `${hex(IDX_LABELS_MAGIC)} or ${hex(IDX_IMAGES_MAGIC)}`;
  if (bytes[0] !== 0 || bytes[1] !== 0) throw new InputError(`${file}: not an IDX file: magic number ${hex(magic)}, expected ${expected}${what}`);
  const type = bytes[2];
  if (type !== 0x08) {
    const name = TYPE_NAMES[type];
    throw new InputError(`${file}: unsupported IDX data type 0x${type.toString(16).padStart(2, "0")}${name ? ` (${name})` : " (not an IDX type)"}: only unsigned bytes (0x08) are read`);
  }
  const ndims = bytes[3];
  if (ndims === 0) throw new InputError(`${file}: IDX file with 0 dimensions (magic ${hex(magic)})`);
  if (expectMagic !== undefined && magic !== expectMagic) {
    throw new InputError(`${file}: magic number ${hex(magic)} (${ndims} dimension${ndims > 1 ? "s" : ""}), expected ${expected}${what}`);
  }
  const headerLength = 4 + 4 * ndims;
  if (bytes.length < headerLength) throw new InputError(`${file}: truncated IDX file: ${bytes.length} bytes, shorter than its ${headerLength}-byte header`);
  const dims: number[] = [];
  let size = 1;
  for (let k = 0; k < ndims; k++) {
    dims.push(view.getUint32(4 + 4 * k));
    size *= dims[k];
  }
  const have = bytes.length - headerLength;
  const shape = `${dims.join("x")} = ${size} bytes`;
  if (have < size) throw new InputError(`${file}: truncated IDX file: the header declares ${shape} of data, the file has ${have}`);
  if (have > size) throw new InputError(`${file}: ${have - size} unexpected bytes after the data (the header declares ${shape})`);
  return { file, dims, data: bytes.subarray(headerLength) };
}

/** Read and parse an IDX file; an unreadable file is an InputError naming it. */
export function readIdx(path: string, expectMagic?: number): IdxArray {
  let raw: Buffer;
  try {
    raw = readFileSync(path);
  } catch (e) {
    throw new InputError(`cannot read IDX file '${path}': ${(e as NodeJS.ErrnoException).code ?? e}`);
  }
  return parseIdx(raw, path, expectMagic);
}

export interface IdxImages {
  file: string;
  count: number;
  rows: number;
  cols: number;
  /** count x rows x cols bytes, row-major. */
  pixels: Uint8Array;
}

export function readIdxImages(path: string): IdxImages {
  const a = readIdx(path, IDX_IMAGES_MAGIC);
  const [count, rows, cols] = a.dims;
  if (rows * cols === 0) throw new InputError(`${path}: images of ${rows}x${cols} pixels`);
  return { file: path, count, rows, cols, pixels: a.data };
}

export function readIdxLabels(path: string): { file: string; count: number; labels: Uint8Array } {
  const a = readIdx(path, IDX_LABELS_MAGIC);
  return { file: path, count: a.dims[0], labels: a.data };
}

/** The four files of an IDX dataset. */
export interface IdxFiles {
  trainImages: string;
  trainLabels: string;
  testImages: string;
  testLabels: string;
}

const ROLES: Array<[keyof IdxFiles, string, string, number]> = [
  ["trainImages", "train", "images", 3],
  ["trainLabels", "train", "labels", 1],
  ["testImages", "t10k", "images", 3],
  ["testLabels", "t10k", "labels", 1],
];

const isFile = (p: string) => {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
};

/**
 * The four files in `dir`: train-images-idx3-ubyte, train-labels-idx1-ubyte,
 * t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, each also spelled with a dot
 * (train-images.idx3-ubyte) and with or without .gz.
 */
export function findIdxFiles(dir: string, what = dir): IdxFiles {
  let st;
  try {
    st = statSync(dir);
  } catch (e) {
    throw new InputError(`${what}: no such directory '${dir}' (${(e as NodeJS.ErrnoException).code ?? e})`);
  }
  if (!st.isDirectory()) throw new InputError(`${what}: '${dir}' is not a directory`);
  const found: Partial<IdxFiles> = {};
  const missing: string[] = [];
  for (const [role, split, kind, n] of ROLES) {
    const names = [`${split}-${kind}-idx${n}-ubyte`, `${split}-${kind}.idx${n}-ubyte`];
    const hit = names.flatMap((b) => [b, b + ".gz"]).find((b) => isFile(join(dir, b)));
    if (hit) found[role] = join(dir, hit);
    else missing.push(`${names[0]}[.gz] (or ${names[1]}[.gz])`);
  }
  if (missing.length) throw new InputError(`${what}: directory '${dir}' lacks ${missing.join(", ")}`);
  return found as IdxFiles;
}

export interface IdxLoadOptions {
  /** Take the first N training samples (the file's order). */
  limitTrain?: number;
  /** Take the first N test samples. */
  limitTest?: number;
  /** Number of classes; labels must be below it. Default: the largest training label + 1. */
  classes?: number;
  classNames?: string[];
}

/** Largest label; every label is checked against `classes` when given. */
function checkLabels(l: { file: string; labels: Uint8Array }, classes: number | undefined, why: string): number {
  let max = 0;
  for (let i = 0; i < l.labels.length; i++) {
    const v = l.labels[i];
    if (classes !== undefined && v >= classes) throw new InputError(`${l.file}: label ${v} at index ${i} is out of range 0..${classes - 1} (${why})`);
    if (v > max) max = v;
  }
  return max;
}

/**
 * An image dataset from four IDX files: features are pixel/255 in [0, 1] as
 * Float32Array views into one buffer (60,000 x 784 MNIST digits take 188 MB,
 * not 376), labels as in the files; encoding "unit".
 */
export function loadIdxDataset(name: string, files: IdxFiles, opts: IdxLoadOptions = {}): Dataset {
  const trI = readIdxImages(files.trainImages);
  const trL = readIdxLabels(files.trainLabels);
  const teI = readIdxImages(files.testImages);
  const teL = readIdxLabels(files.testLabels);
  for (const [im, lb] of [
    [trI, trL],
    [teI, teL],
  ] as const) {
    if (im.count !== lb.count) throw new InputError(`${name}: ${im.file} has ${im.count} images but ${lb.file} has ${lb.count} labels`);
    if (im.count === 0) throw new InputError(`${name}: ${im.file} has no images`);
  }
  if (teI.rows !== trI.rows || teI.cols !== trI.cols) {
    throw new InputError(`${name}: ${teI.file} has ${teI.rows}x${teI.cols} images but ${trI.file} has ${trI.rows}x${trI.cols}`);
  }
  const classes = opts.classes ?? checkLabels(trL, undefined, "") + 1;
  const why = opts.classes !== undefined ? `${name} has ${classes} classes` : `the training labels are 0..${classes - 1}`;
  checkLabels(trL, classes, why);
  checkLabels(teL, classes, why);

  const features = trI.rows * trI.cols;
  const nTrain = Math.min(trI.count, opts.limitTrain ?? Infinity);
  const nTest = Math.min(teI.count, opts.limitTest ?? Infinity);
  const buf = new Float32Array((nTrain + nTest) * features);
  const lut = new Float32Array(256);
  for (let v = 0; v < 256; v++) lut[v] = v / 255;
  const rows = (pixels: Uint8Array, n: number, at: number) => {
    const out = buf.subarray(at * features, (at + n) * features);
    for (let k = 0; k < out.length; k++) out[k] = lut[pixels[k]];
    return Array.from({ length: n }, (_, i) => out.subarray(i * features, (i + 1) * features));
  };
  return {
    name,
    features,
    classes,
    classNames: opts.classNames,
    encoding: "unit",
    xTrain: rows(trI.pixels, nTrain, 0),
    yTrain: Int32Array.from(trL.labels.subarray(0, nTrain)),
    xTest: rows(teI.pixels, nTest, nTrain),
    yTest: Int32Array.from(teL.labels.subarray(0, nTest)),
  };
}
