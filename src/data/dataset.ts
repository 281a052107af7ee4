/**
 * Datasets for training: features (a row per sample) and integer class
 * labels, split into train and test sets.
 *
 * Input scaling (documented in the README): each feature is mapped linearly
 * from its [min, max] over the training split to [-vin, +vin] volts (default
 * vin = 1 V); a constant feature maps to 0 V. Test features use the training
 * split's min and max, so the test set does not leak into the scaling.
 */
import { InputError } from "../netlist/errors.js";

export interface Dataset {
  name: string;
  /** Features per sample. */
  features: number;
  /** Number of classes (labels are 0..classes-1). */
  classes: number;
  /** Optional class names, index = label. */
  classNames?: string[];
  xTrain: Float64Array[];
  yTrain: Int32Array;
  xTest: Float64Array[];
  yTest: Int32Array;
}

/** Scale features to [-vin, vin] volts using the training split's range (returns a new dataset). */
export function scaleInputs(d: Dataset, vin: number): Dataset {
  const lo = new Float64Array(d.features).fill(Infinity);
  const hi = new Float64Array(d.features).fill(-Infinity);
  for (const x of d.xTrain)
    for (let j = 0; j < d.features; j++) {
      if (x[j] < lo[j]) lo[j] = x[j];
      if (x[j] > hi[j]) hi[j] = x[j];
    }
  const map = (x: Float64Array) => {
    const y = new Float64Array(d.features);
    for (let j = 0; j < d.features; j++) {
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
