/**
 * The sweep parameter namespace: every key a sweep config may set in `base`
 * or sweep in `axes`, with its schema (zod), the run kinds it applies to and
 * a one-line doc (units included). Keys are flat strings:
 *   - job: run, netlist, builder, dataset, vin, ...
 *   - training and hardware options: beta, lr, estimator, gmin, levels, ...
 *   - circuit-builder options: circuit.layers, circuit.hidden, circuit.gain, ...
 *   - netlist parameters: param.NAME overrides `.param NAME=...` (case-insensitive).
 */
import { z } from "zod";
import { constraintText, defaultsText, optionFields, optionSpec, sweepKeyOf, sweepRunsOf, type OptionField, type OptionSpec } from "../train/option-specs.js";

export const RUN_KINDS = ["op", "tran", "train", "gradcheck"] as const;
export type RunKind = (typeof RUN_KINDS)[number];

/** A parameter value as JSON gives it. */
export type Value = string | number | boolean | null | Value[] | { [k: string]: Value };

export interface KeySpec {
  schema: z.ZodType;
  /** Run kinds the key applies to. */
  runs: readonly RunKind[];
  doc: string;
  /** Only in `base`, never swept. */
  baseOnly?: boolean;
}

const ALL = RUN_KINDS;
const TRAN = ["tran"] as const;

const pos = z.number().gt(0);
const nonneg = z.number().min(0);
const int = z.int();
const diode = z.union([z.enum(["shockley", "ideal"]), z.strictObject({ is: pos, n: pos, rs: nonneg.optional() })], {
  error: 'expected "shockley", "ideal" or {"is": A, "n": N, "rs"?: ohms}',
});

export const KEYS: Record<string, KeySpec> = {
  run: { schema: z.enum(RUN_KINDS), runs: ALL, baseOnly: true, doc: "what each point runs: op | tran | train | gradcheck" },
  netlist: { schema: z.string().min(1), runs: ALL, doc: "netlist file, relative to the config file" },
  builder: { schema: z.literal("layered"), runs: ALL, baseOnly: true, doc: "build the circuit instead of reading a netlist (circuits/layered.ts)" },
  ...optionKeys(),
  tstop: { schema: pos, runs: TRAN, doc: "transient end time (s)" },
  tstep: { schema: pos, runs: TRAN, doc: "transient output interval (s)" },
  tmax: { schema: pos, runs: TRAN, doc: "largest internal time step (s)" },
  uic: { schema: z.boolean(), runs: TRAN, doc: "start from .ic voltages instead of the operating point" },
  integrator: { schema: z.enum(["auto", "odex", "trap", "bdf2"]), runs: TRAN, doc: "auto | odex | trap | bdf2" },
  "circuit.layers": { schema: z.array(int.min(1)).min(2), runs: ALL, doc: "layer sizes before doubling, e.g. [4, 8, 3]" },
  "circuit.hidden": { schema: int.min(1), runs: ALL, doc: "size of every hidden layer (overrides circuit.layers' middle entries)" },
  "circuit.seed": { schema: int, runs: ALL, doc: "seed of the initial conductances" },
  "circuit.ginit": { schema: z.tuple([pos, pos]), runs: ALL, doc: "uniform initial conductance range [lo, hi] (S)" },
  "circuit.gmin": { schema: pos, runs: ALL, doc: "trainable lower bound written in *@train (S)" },
  "circuit.gmax": { schema: pos, runs: ALL, doc: "trainable upper bound written in *@train (S)" },
  "circuit.diode": { schema: diode, runs: ALL, doc: 'shockley | ideal | {"is": A, "n": N, "rs": ohms}' },
  "circuit.biasUp": { schema: z.number(), runs: ALL, doc: "bias of the diode that clips high (V)" },
  "circuit.biasDown": { schema: z.number(), runs: ALL, doc: "bias of the diode that clips low (V)" },
  "circuit.gain": { schema: pos, runs: ALL, doc: "bidirectional amplifier gain between layers" },
  "circuit.bias": { schema: z.number(), runs: ALL, doc: "bias rail voltage (V)" },
  "circuit.load": { schema: pos, runs: ALL, doc: "output load resistors (ohm)" },
  "circuit.cnode": { schema: pos, runs: ALL, doc: "capacitance on every hidden and output node (F)" },
  "circuit.compact": { schema: z.boolean(), runs: ALL, doc: "write crossbars as *@crossbar annotations" },
};

/** The schema of an option's values, from its declaration. */
export function optionSchema(s: OptionSpec): z.ZodType {
  switch (s.kind) {
    case "int":
    case "number": {
      let n = s.kind === "int" ? z.int() : z.number();
      if (s.min !== undefined) n = s.minExclusive ? n.gt(s.min) : n.min(s.min);
      if (s.max !== undefined) n = s.maxExclusive ? n.lt(s.max) : n.max(s.max);
      const rule = s.rule;
      return rule ? n.refine(rule.ok, { message: `must be ${rule.text}` }) : n;
    }
    case "enum":
      return z.enum(s.choices as [string, ...string[]]);
    case "string":
      return z.string().min(1);
    case "bool":
      return z.boolean();
  }
}

/** A sweep key's doc from its option's declaration: the doc, what values are valid and the default. */
export function optionKeyDoc(field: OptionField): string {
  const s = optionSpec(field);
  const d = defaultsText(field, sweepRunsOf(field));
  const dflt = d !== undefined ? `; default ${d}` : "";
  const c = s.kind === "string" ? "" : `: ${constraintText(s)}`;
  return `${s.sweep?.doc ?? s.doc}${c}${dflt}`;
}

/** The sweep keys of the training options (train and gradcheck runs), as declared in option-specs.ts. */
function optionKeys(): Record<string, KeySpec> {
  const out: Record<string, KeySpec> = {};
  for (const f of optionFields()) {
    const key = sweepKeyOf(f);
    if (key !== undefined) out[key] = { schema: optionSchema(optionSpec(f)), runs: sweepRunsOf(f), doc: optionKeyDoc(f) };
  }
  return out;
}

/** `.param` override values: a number, or SPICE text such as "10k" or "{2*a}". */
const PARAM_SCHEMA = z.union([z.number(), z.string().min(1)], { error: 'expected a number or SPICE text such as "10k"' });
const PARAM_RE = /^param\.([a-z_][a-z0-9_]*)$/i;

/** The spec of `key` (param.* keys share one), or undefined if unknown. */
export function keySpec(key: string): KeySpec | undefined {
  if (Object.hasOwn(KEYS, key)) return KEYS[key];
  if (PARAM_RE.test(key)) return { schema: PARAM_SCHEMA, runs: ALL, doc: "override of a .param of the netlist" };
  return undefined;
}

/** Canonical spelling of a key (param names are case-insensitive). */
export function canonicalKey(key: string): string {
  const m = PARAM_RE.exec(key);
  return m ? `param.${m[1]!.toLowerCase()}` : key;
}

/** The known key closest to `key`, for "did you mean" hints. */
export function suggestKey(key: string): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of Object.keys(KEYS)) {
    const d = editDistance(key.toLowerCase(), k.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return bestD <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}
