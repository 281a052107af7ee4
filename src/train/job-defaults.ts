/**
 * `*@defaults key=value ...`: the training options a netlist recommends (its
 * paper's recipe), so `eqspice train NET --dataset D` with no other flag
 * runs it. Precedence: command-line flag > netlist default > built-in
 * default. Keys are the command-line spellings; each is declared once here
 * with the parser that validates it.
 */
import type { Circuit } from "../circuit/circuit.js";
import { InputError, NetlistError } from "../netlist/errors.js";
import { parseSpiceNumber } from "../netlist/numbers.js";
import { ESTIMATORS } from "./estimators.js";
import { TARGET_ENCODINGS } from "./targets.js";
import { normalizeTrainOptions, type TrainOptions } from "./trainer.js";
import { defined } from "../util/defined.js";

/** Input gain (V) when neither a flag nor the netlist gives one. */
export const DEFAULT_VIN = 4;

/** The options a job takes besides TrainOptions. */
export interface JobDefaults {
  options: Partial<TrainOptions>;
  /** Input gain / range (V). */
  vin?: number;
}

type Setter = (d: JobDefaults, value: string) => string | null;

const number =
  (apply: (d: JobDefaults, v: number) => void, integer = false): Setter =>
  (d, value) => {
    const v = integer ? Number(value) : parseSpiceNumber(value);
    if (!Number.isFinite(v) || (integer && !Number.isInteger(v))) return `not ${integer ? "an integer" : "a number"}: '${value}'`;
    apply(d, v);
    return null;
  };

const choice =
  <T extends string>(values: readonly T[], apply: (d: JobDefaults, v: T) => void): Setter =>
  (d, value) => {
    const v = value.toLowerCase() as T;
    if (!values.includes(v)) return `'${value}' is not one of ${values.join(", ")}`;
    apply(d, v);
    return null;
  };

/** Every key `*@defaults` accepts (the `train` flag of the same name, without `--`). */
export const DEFAULT_KEYS: Record<string, Setter> = {
  epochs: number((d, v) => (d.options.epochs = v), true),
  beta: number((d, v) => (d.options.beta = v)),
  lr: number((d, v) => (d.options.lr = v)),
  "lr-decay": number((d, v) => (d.options.lrDecay = v)),
  estimator: choice(ESTIMATORS, (d, v) => (d.options.estimator = v)),
  seed: number((d, v) => (d.options.seed = v), true),
  batch: number((d, v) => (d.options.batch = v), true),
  relax: choice(["auto", "newton", "bcd", "ode"] as const, (d, v) => (d.options.relax = v)),
  target: number((d, v) => (d.options.targetAmplitude = v)),
  targets: choice(TARGET_ENCODINGS, (d, v) => (d.options.targets = v)),
  vin: number((d, v) => (d.vin = v)),
};

/** The netlist's `*@defaults`, validated (a bad key or value is an error at its file:line:col). */
export function netlistDefaults(c: Circuit): JobDefaults {
  const d: JobDefaults = { options: {} };
  for (const o of c.ports.defaults) {
    const set = DEFAULT_KEYS[o.key];
    if (!set) throw new NetlistError(`*@defaults: unknown option '${o.key}' (allowed: ${Object.keys(DEFAULT_KEYS).join(", ")})`, o.loc);
    const err = set(d, o.value);
    if (err) throw new NetlistError(`*@defaults: ${o.key}: ${err}`, o.loc);
  }
  return d;
}

/**
 * A job's resolved options: its own flags over the netlist's *@defaults over
 * the built-in defaults, validated; and the input gain (V).
 */
export function resolveJobOptions(c: Circuit, explicit: Partial<TrainOptions>, vin: number | undefined): { options: TrainOptions; vin: number } {
  const nd = netlistDefaults(c);
  const options = normalizeTrainOptions({ ...nd.options, ...defined(explicit) });
  const v = vin ?? nd.vin ?? DEFAULT_VIN;
  if (!(v > 0)) throw new InputError(`--vin must be > 0 V (got ${v})`);
  return { options, vin: v };
}
