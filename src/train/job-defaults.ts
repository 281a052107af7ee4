/**
 * `*@defaults key=value ...`: the training options a netlist recommends (its
 * paper's recipe), so `eqspice train NET --dataset D` with no other flag
 * runs it. Precedence: command-line flag > netlist default > built-in
 * default. Keys are the command-line spellings; which options accept them
 * (and for which jobs) is declared with the options (option-specs.ts).
 */
import type { Circuit } from "../circuit/circuit.js";
import { NetlistError } from "../util/errors.js";
import { defaultOf, netlistDefault, partialTrainOptions, type OptionValues } from "./option-specs.js";
import type { TrainOptions } from "./trainer.js";

/** Input gain (V) when neither a flag nor the netlist gives one. */
export const DEFAULT_VIN: number = defaultOf("vin", "train")!;

/** A netlist's `*@defaults`. */
export interface JobDefaults {
  /** The training options among them. */
  options: Partial<TrainOptions>;
  /** Input gain / range (V). */
  vin?: number;
  /** All of them, by option field (what resolveOptions takes). */
  values: OptionValues;
}

/** The netlist's `*@defaults`, checked (an unknown key or a bad value is an error at its file:line:col). */
export function netlistDefaults(c: Circuit): JobDefaults {
  const values: Record<string, unknown> = {};
  for (const o of c.ports.defaults) {
    const r = netlistDefault(o.key, o.value);
    if ("error" in r) throw new NetlistError(`*@defaults: ${r.error}`, o.loc);
    values[r.field] = r.value;
  }
  const v = values as OptionValues;
  const { hardware: _h, ...options } = partialTrainOptions(v);
  return { options, vin: v.vin, values: v };
}
