/**
 * Output targets (V) for a class label, by encoding:
 *   signed  one output: +A for class 1, -A for class 0; one output per class:
 *           +A for the labelled class, -A for the others (differential outputs);
 *   onehot  one output per class: A for the labelled class, 0 for the others
 *           (Scellier 2024's single-ended linear outputs, A = 1 V).
 */
import { targetFor } from "../data/dataset.js";
import { InputError } from "../util/errors.js";

export type TargetEncoding = "signed" | "onehot";
export const TARGET_ENCODINGS: TargetEncoding[] = ["signed", "onehot"];

export function targetVector(label: number, nOutputs: number, amplitude: number, encoding: TargetEncoding, out: Float64Array): Float64Array {
  if (encoding === "signed") return targetFor(label, nOutputs, amplitude, out);
  if (nOutputs < 2) throw new InputError("--targets onehot needs one output per class (the netlist has 1 output): use --targets signed");
  for (let k = 0; k < nOutputs; k++) out[k] = k === label ? amplitude : 0;
  return out;
}
