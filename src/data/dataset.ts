/**
 * Datasets for training: features (a row per sample) and integer class
 * labels, split into train and test sets.
 *
 * Input scaling (documented in the README) depends on the dataset's encoding:
 *  - "unit" (image datasets: mnist, fashion-mnist, idx:DIR): features are
 *    already in [0, 1] (pixel/255) and are multiplied by vin, the input gain
 *    in volts, with no shift, so background pixels sit at 0 V (as in
 *    Scellier 2024's deep resistive networks; the netlist doubles them as
 *    +x/-x);
 *  - "minmax" (tabular datasets: xor, iris, CSV): each feature is mapped
 *    linearly from its [min, max] over the training split to [-vin, +vin]
 *    volts; a constant feature maps to 0 V. Test features use the training
 *    split's min and max, so the test set does not leak into the scaling.
 */
import { InputError } from "../util/errors.js";

/** One sample's features. Image datasets use Float32Array views into one shared buffer. */
export type FeatureRow = Float32Array | Float64Array;

export interface Dataset {
  name: string;
  /** Features per sample. */
  features: number;
  /** Number of classes (labels are 0..classes-1). */
  classes: number;
  /** Optional class names, index = label. */
  classNames?: string[];
  /** How scaleInputs maps features to volts (see above). */
  encoding: "unit" | "minmax";
  /**
   * minmax only: the per-feature range of the whole training split, kept when
   * a limit cut the split, so the scaling does not depend on the limit. When
   * absent, scaleInputs takes the range of xTrain.
   */
  inputRange?: { lo: Float64Array; hi: Float64Array };
  xTrain: FeatureRow[];
  yTrain: Int32Array;
  xTest: FeatureRow[];
  yTest: Int32Array;
}

/** Per-feature [min, max] over rows. */
export function featureRange(rows: readonly ArrayLike<number>[], features: number): { lo: Float64Array; hi: Float64Array } {
  const lo = new Float64Array(features).fill(Infinity);
  const hi = new Float64Array(features).fill(-Infinity);
  for (const x of rows)
    for (let j = 0; j < features; j++) {
      if (x[j] < lo[j]) lo[j] = x[j];
      if (x[j] > hi[j]) hi[j] = x[j];
    }
  return { lo, hi };
}

/**
 * Features in volts (returns a new dataset): "unit" datasets times vin, as
 * Float32Array views into one new buffer; "minmax" datasets mapped to
 * [-vin, vin] from the training split's range, as Float64Arrays.
 */
export function scaleInputs(d: Dataset, vin: number): Dataset {
  const f = d.features;
  if (d.encoding === "unit") {
    const buf = new Float32Array((d.xTrain.length + d.xTest.length) * f);
    let at = 0;
    const gain = (x: FeatureRow) => {
      const y = buf.subarray(at, at + f);
      at += f;
      for (let j = 0; j < f; j++) y[j] = x[j] * vin;
      return y;
    };
    return { ...d, xTrain: d.xTrain.map(gain), xTest: d.xTest.map(gain) };
  }
  const { lo, hi } = d.inputRange ?? featureRange(d.xTrain, f);
  const map = (x: FeatureRow) => {
    const y = new Float64Array(f);
    for (let j = 0; j < f; j++) {
      const span = hi[j] - lo[j];
      y[j] = span > 0 ? vin * (2 * (x[j] - lo[j]) / span - 1) : 0;
    }
    return y;
  };
  return { ...d, xTrain: d.xTrain.map(map), xTest: d.xTest.map(map) };
}

/** Check a dataset against a network's inputs and outputs; throws InputError naming the mismatch. */
export function checkDatasetFits(d: Dataset, nInputs: number, nOutputs: number): void {
  if (d.features !== nInputs) {
    throw new InputError(`dataset '${d.name}' has ${d.features} features per sample but the netlist declares ${nInputs} inputs (*@input)`);
  }
  const binary = nOutputs === 1;
  const maxLabel = binary ? 1 : nOutputs - 1;
  for (const y of [d.yTrain, d.yTest])
    for (let i = 0; i < y.length; i++)
      if (!(y[i] >= 0 && y[i] <= maxLabel)) throw new InputError(`dataset '${d.name}': label ${y[i]} is out of range 0..${maxLabel} for ${nOutputs} output${nOutputs > 1 ? "s" : ""}`);
  if (binary ? d.classes > 2 : d.classes > nOutputs) {
    throw new InputError(
      `dataset '${d.name}' has ${d.classes} classes but the netlist has ${nOutputs} output${nOutputs > 1 ? "s" : ""} (*@output): need one output per class, or one output for 2 classes`,
    );
  }
}

/**
 * Targets (V) for a label: with one output, +A for class 1 and -A for class 0;
 * with one output per class, +A for the labelled class and -A for the others.
 */
export function targetFor(label: number, nOutputs: number, amplitude: number, out: Float64Array): Float64Array {
  if (nOutputs === 1) out[0] = label === 1 ? amplitude : -amplitude;
  else for (let k = 0; k < nOutputs; k++) out[k] = k === label ? amplitude : -amplitude;
  return out;
}

/** Predicted class from outputs: sign of a single output, else the largest output. */
export function predict(out: ArrayLike<number>): number {
  if (out.length === 1) return out[0] > 0 ? 1 : 0;
  let best = 0;
  for (let k = 1; k < out.length; k++) if (out[k] > out[best]) best = k;
  return best;
}
