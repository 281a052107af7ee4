/**
 * The options of the training jobs (train, gradcheck, eval), each declared
 * once: its flag (also its `*@defaults` key), the field it fills, its kind,
 * bounds, default, unit and one-line doc, and where it applies. Everything
 * else is derived from this table, so an option cannot be checked in one
 * place and forgotten in another:
 *   - the commander flags and their help (cli/options.ts addOptionFlags);
 *   - the checks and the normalized options of every job (resolveOptions),
 *     with messages like "--beta must be > 0 (got 0)";
 *   - the sweep keys and their schemas (sweep/keys.ts);
 *   - the keys `*@defaults` accepts (job-defaults.ts netlistDefaults);
 *   - the options a --resume compares with its checkpoint (resumeConflicts);
 *   - the option tables of docs/options.md, docs/sweeps.md and the README
 *     (option-docs.ts; a test fails when they are out of date).
 */
import { ESTIMATORS } from "./estimators.js";
import { TARGET_ENCODINGS } from "./targets.js";
import type { RelaxKind } from "./model.js";
import type { TrainOptions } from "./trainer.js";
import type { HardwareOptions } from "./hardware.js";
import { InputError } from "../util/errors.js";
import { parseSpiceNumber } from "../netlist/numbers.js";

/** The jobs (and commands) that take options. */
export const USES = ["train", "gradcheck", "eval"] as const;
export type Use = (typeof USES)[number];

export const RELAX_KINDS = ["auto", "newton", "bcd", "ode"] as const satisfies readonly RelaxKind[];

export interface OptionSpec {
  /** Command-line spelling without `--`; also the `*@defaults` key. */
  readonly flag: string;
  readonly kind: "int" | "number" | "enum" | "string" | "bool";
  /**
   * Where the value goes: a field of TrainOptions ("train"), of
   * TrainOptions.hardware ("hardware"), or of the job itself ("job").
   */
  readonly group: "train" | "hardware" | "job";
  /** The jobs that take it. */
  readonly uses: readonly Use[];
  /** One line, without the bounds, the unit or the default (those are added where shown). */
  readonly doc: string;
  /** Another doc for one job. */
  readonly docFor?: Partial<Record<Use, string>>;
  /** Name of the value in help (`--beta <b>`). */
  readonly arg?: string;
  readonly unit?: string;
  readonly choices?: readonly string[];
  readonly min?: number;
  readonly minExclusive?: boolean;
  readonly max?: number;
  readonly maxExclusive?: boolean;
  /** A rule beyond the bounds, and its text (which then replaces the bounds' text). */
  readonly rule?: { readonly ok: (v: number) => boolean; readonly text: string };
  /** The built-in default. */
  readonly default?: number | string;
  /** A job's own built-in default, where it differs. */
  readonly defaultFor?: Partial<Record<Use, number | string>>;
  /** How the default is shown when it is not (only) a value. */
  readonly defaultText?: string;
  /**
   * false: unset stays unset in the normalized options (the default is what
   * unset means to the code that reads it, e.g. hardware that is ideal).
   */
  readonly fill?: false;
  readonly required?: boolean;
  /** The jobs that take the value of the netlist's `*@defaults` line (flag > netlist > built-in). */
  readonly netlist?: readonly Use[];
  /** A sweep key (the field's name unless `key` says otherwise), for the sweep runs among `uses`. */
  readonly sweep?: { readonly key?: string; readonly doc?: string };
  /** "allow": a resumed run takes a new value. Otherwise a TrainOptions field keeps its checkpoint's value and refuses another one. */
  readonly resume?: "allow";
}

const ALL = USES;
const NETLIST_TRAIN = { netlist: ["train"] } as const;
const SWEEP = { sweep: {} } as const;

/** Every option, in the order help and docs list them. Keys are the options' fields. */
export const OPTIONS = {
  dataset: {
    flag: "dataset",
    kind: "string",
    group: "job",
    uses: ALL,
    required: true,
    arg: "name",
    doc: "xor | iris | mnist | fashion-mnist | idx:DIR | npy:X.npy,Y.npy | FILE.csv",
    sweep: { doc: "xor | iris | mnist | fashion-mnist | idx:DIR | FILE.csv (paths relative to the config file)" },
  },
  epochs: { flag: "epochs", kind: "int", group: "train", uses: ["train"], min: 0, default: 100, arg: "n", doc: "epochs to run, in all (a resumed run's included)", resume: "allow", ...NETLIST_TRAIN, ...SWEEP },
  beta: {
    flag: "beta",
    kind: "number",
    group: "train",
    uses: ["train", "gradcheck"],
    min: 0,
    minExclusive: true,
    default: 0.2,
    defaultFor: { gradcheck: 1e-3 },
    arg: "b",
    doc: "nudge strength, in units of Gnudge, the outputs' own conductance (the nudge conductance is beta * Gnudge, in S)",
    ...NETLIST_TRAIN,
    ...SWEEP,
  },
  lr: { flag: "lr", kind: "number", group: "train", uses: ["train"], min: 0, minExclusive: true, default: 0.5, arg: "lr", doc: "learning rate on the normalized conductances g/gmax", ...NETLIST_TRAIN, ...SWEEP },
  lrDecay: { flag: "lr-decay", kind: "number", group: "train", uses: ["train"], min: 0, minExclusive: true, max: 1, default: 1, arg: "f", doc: "factor applied to the learning rate after every epoch", ...NETLIST_TRAIN, ...SWEEP },
  estimator: {
    flag: "estimator",
    kind: "enum",
    group: "train",
    uses: ["train", "gradcheck"],
    choices: ESTIMATORS,
    default: "centered",
    arg: "e",
    doc: "gradient estimator: EqProp with nudges (+beta, -beta), (+beta, 0) or (-beta, 0); contrastive Hebbian learning (outputs clamped); the exact gradient (implicit differentiation)",
    ...NETLIST_TRAIN,
    ...SWEEP,
  },
  seed: { flag: "seed", kind: "int", group: "train", uses: ["train", "eval"], default: 1, arg: "s", doc: "seed of the shuffling and the noise", docFor: { eval: "seed of the read noise" }, ...NETLIST_TRAIN, ...SWEEP },
  batch: { flag: "batch", kind: "int", group: "train", uses: ["train"], min: 1, default: 1, arg: "n", doc: "samples per update", ...NETLIST_TRAIN, ...SWEEP },
  relax: {
    flag: "relax",
    kind: "enum",
    group: "train",
    uses: ALL,
    choices: RELAX_KINDS,
    default: "auto",
    arg: "how",
    doc: "how each phase reaches equilibrium",
    netlist: ["train", "eval"],
    ...SWEEP,
  },
  vin: {
    flag: "vin",
    kind: "number",
    group: "job",
    uses: ALL,
    min: 0,
    minExclusive: true,
    unit: "V",
    default: 4,
    arg: "V",
    doc: "input gain: image pixels in [0, 1] times vin; tabular features scaled to [-vin, vin]",
    netlist: ALL,
    ...SWEEP,
  },
  targetAmplitude: { flag: "target", kind: "number", group: "train", uses: ALL, min: 0, minExclusive: true, unit: "V", default: 0.1, arg: "V", doc: "output target amplitude A", netlist: ALL, ...SWEEP },
  targets: {
    flag: "targets",
    kind: "enum",
    group: "train",
    uses: ALL,
    choices: TARGET_ENCODINGS,
    default: "signed",
    arg: "encoding",
    doc: "target encoding: signed (+A for the labelled class, -A for the others) or onehot (A and 0)",
    netlist: ALL,
    ...SWEEP,
  },
  limitTrain: { flag: "limit-train", kind: "int", group: "job", uses: ["train"], min: 1, defaultText: "all", arg: "n", doc: "train on the first n training samples", sweep: { key: "limit" } },
  limitTest: { flag: "limit-test", kind: "int", group: "job", uses: ["train", "eval"], min: 1, defaultText: "all", arg: "n", doc: "evaluate on the first n test samples", ...SWEEP },
  samples: { flag: "samples", kind: "int", group: "job", uses: ["gradcheck"], min: 1, default: 8, arg: "n", doc: "batch size: the first n training samples", ...SWEEP },
  workers: {
    flag: "workers",
    kind: "int",
    group: "job",
    uses: ["train"],
    min: 1,
    default: 1,
    fill: false,
    defaultText: "1, or a resumed run's",
    arg: "n",
    doc: "worker threads: each mini-batch split across n threads (needs --batch >= n and ideal devices)",
  },
  gmin: { flag: "gmin", kind: "number", group: "hardware", uses: ["train"], min: 0, minExclusive: true, unit: "S", defaultText: "the netlist's *@train bounds", arg: "S", doc: "hardware: lower conductance bound of every trainable device", ...SWEEP },
  gmax: { flag: "gmax", kind: "number", group: "hardware", uses: ["train"], min: 0, minExclusive: true, unit: "S", defaultText: "the netlist's *@train bounds", arg: "S", doc: "hardware: upper conductance bound of every trainable device", ...SWEEP },
  levels: {
    flag: "levels",
    kind: "int",
    group: "hardware",
    uses: ["train"],
    min: 0,
    rule: { ok: (v) => v !== 1, text: "0 (continuous) or an integer >= 2" },
    default: 0,
    fill: false,
    arg: "n",
    doc: "hardware: programmable conductance levels between gmin and gmax (updates round stochastically onto them)",
    ...SWEEP,
  },
  writeNoise: { flag: "write-noise", kind: "number", group: "hardware", uses: ["train"], min: 0, default: 0, fill: false, arg: "f", doc: "hardware: programming noise std of each update, as a fraction of (gmax - gmin)", ...SWEEP },
  d2d: { flag: "d2d", kind: "number", group: "hardware", uses: ["train"], min: 0, default: 0, fill: false, arg: "f", doc: "hardware: device-to-device variation, the relative std of each device's gmin and gmax", ...SWEEP },
  asymmetry: {
    flag: "asymmetry",
    kind: "number",
    group: "hardware",
    uses: ["train"],
    min: -1,
    minExclusive: true,
    max: 1,
    maxExclusive: true,
    default: 0,
    fill: false,
    arg: "a",
    doc: "hardware: up/down asymmetry a, increases scaled by (1 + a) and decreases by (1 - a)",
    ...SWEEP,
  },
  readNoise: { flag: "read-noise", kind: "number", group: "hardware", uses: ["train", "eval"], min: 0, unit: "V", default: 0, fill: false, arg: "V", doc: "std of the noise on every measured voltage", ...SWEEP },
  out: { flag: "out", kind: "string", group: "job", uses: ["train"], defaultText: "runs/<netlist>-<dataset>", arg: "dir", doc: "run directory: metrics.json, checkpoint.json, trained.cir, training.html" },
  resume: { flag: "resume", kind: "bool", group: "job", uses: ["train"], doc: "continue the run in --out from its checkpoint, with the options it was started with" },
  waveforms: {
    flag: "waveforms",
    kind: "bool",
    group: "job",
    uses: ["train"],
    doc: "also write waveforms.csv: node voltages of a few samples through the free and nudged phases, integrated in time",
  },
  json: {
    flag: "json",
    kind: "bool",
    group: "job",
    uses: ["gradcheck", "eval"],
    doc: "print the result as one JSON object",
    docFor: { gradcheck: 'print {"cosine", "relativeError", "beta", ...} as one JSON object', eval: 'print {"testAccuracy", "testLoss", "samples", ...} as one JSON object' },
  },
} as const satisfies Record<string, OptionSpec>;

export type OptionField = keyof typeof OPTIONS;
type SpecValue<S> = S extends { kind: "enum"; choices: readonly (infer C)[] } ? C : S extends { kind: "int" | "number" } ? number : S extends { kind: "bool" } ? boolean : string;
export type OptionValue<K extends OptionField> = SpecValue<(typeof OPTIONS)[K]>;
/** Option values by field, as a job is given them or as resolveOptions returns them. */
export type OptionValues = { [K in OptionField]?: OptionValue<K> };

// The declaration and the library's option types cannot drift apart: these fail to compile if they do.
type FieldsIn<G> = { [K in OptionField]: (typeof OPTIONS)[K]["group"] extends G ? K : never }[OptionField];
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Assert<T extends true> = T;
export type _TrainOptionsDeclared = Assert<Equal<{ [K in FieldsIn<"train">]: OptionValue<K> }, Omit<TrainOptions, "hardware">>>;
export type _HardwareOptionsDeclared = Assert<Equal<{ [K in FieldsIn<"hardware">]?: OptionValue<K> }, HardwareOptions>>;

const FIELDS = Object.keys(OPTIONS) as OptionField[];
const spec = (field: OptionField): OptionSpec => OPTIONS[field];

/** The options of a job, in declaration order. */
export function optionsOf(use: Use): OptionField[] {
  return FIELDS.filter((f) => spec(f).uses.includes(use));
}

/** `--flag` of a field. */
export function flagOf(field: OptionField): string {
  return `--${spec(field).flag}`;
}

/** The field whose flag (without `--`) is `flag`. */
export function fieldOfFlag(flag: string): OptionField | undefined {
  return FIELDS.find((f) => spec(f).flag === flag);
}

export function optionSpec(field: OptionField): OptionSpec {
  return spec(field);
}

/** Every field, in declaration order. */
export function optionFields(): OptionField[] {
  return [...FIELDS];
}

/** The built-in default of a field for a job (undefined when it has none). */
export function defaultOf<K extends OptionField>(field: K, use: Use): OptionValue<K> | undefined {
  const s = spec(field);
  return (s.defaultFor?.[use] ?? s.default) as OptionValue<K> | undefined;
}

// ------------------------------------------------------------------ texts

/** The bounds as text: "> 0", ">= 1", "in (0, 1]" (empty when unbounded). */
export function rangeText(s: OptionSpec): string {
  const lo = s.min !== undefined ? { v: s.min, open: !!s.minExclusive } : undefined;
  const hi = s.max !== undefined ? { v: s.max, open: !!s.maxExclusive } : undefined;
  if (lo && hi) return `in ${lo.open ? "(" : "["}${lo.v}, ${hi.v}${hi.open ? ")" : "]"}`;
  if (lo) return `${lo.open ? ">" : ">="} ${lo.v}`;
  if (hi) return `${hi.open ? "<" : "<="} ${hi.v}`;
  return "";
}

/** What a valid value is, as text: "an integer >= 0", "> 0 V", "centered | positive | ...". */
export function constraintText(s: OptionSpec): string {
  if (s.rule) return s.rule.text;
  const range = rangeText(s);
  const unit = s.unit && range && !range.startsWith("in ") ? ` ${s.unit}` : "";
  switch (s.kind) {
    case "int":
      return range ? `an integer ${range}` : "an integer";
    case "number":
      return range ? `${range}${unit}` : "a number";
    case "enum":
      return s.choices!.join(" | ");
    case "string":
      return "text";
    case "bool":
      return "a flag";
  }
}

/** The default as help and docs show it ("the netlist's *@defaults, else 0.2"), or undefined. */
export function defaultText(field: OptionField, use: Use): string | undefined {
  const s = spec(field);
  const v = defaultOf(field, use);
  const base = s.defaultText ?? (v !== undefined ? String(v) : undefined);
  if (base === undefined) return undefined;
  return s.netlist?.includes(use) ? `the netlist's *@defaults, else ${base}` : base;
}

/** The defaults of a field for some jobs, one text when they agree, else "0.2 (train); 0.001 (gradcheck)" (undefined when none has one). */
export function defaultsText(field: OptionField, uses: readonly Use[]): string | undefined {
  const byText = new Map<string, Use[]>();
  for (const u of uses) {
    const d = defaultText(field, u);
    if (d !== undefined) byText.set(d, [...(byText.get(d) ?? []), u]);
  }
  if (byText.size <= 1) return [...byText.keys()][0];
  return [...byText].map(([d, us]) => `${d} (${us.join(", ")})`).join("; ");
}

/** What a value must be, for a message: "must be a positive integer", "must be > 0 V". */
function mustBe(s: OptionSpec, typeWrong: boolean): string {
  if (s.rule) return `must be ${s.rule.text}`;
  const range = rangeText(s);
  switch (s.kind) {
    case "int":
      if (s.min === 1 && s.max === undefined) return "must be a positive integer";
      if (s.min === 0 && s.max === undefined && !s.minExclusive) return "must be a non-negative integer";
      return `must be an integer${range ? ` ${range}` : ""}`;
    case "number": {
      const unit = s.unit && range && !range.startsWith("in ") ? ` ${s.unit}` : "";
      if (typeWrong) return `must be a finite number${range ? ` ${range}${unit}` : ""}`;
      return `must be ${range}${unit}`;
    }
    case "enum":
      return `must be one of ${s.choices!.join(", ")}`;
    case "string":
      return "must be a non-empty string";
    case "bool":
      return "must be true or false";
  }
}

const shown = (v: unknown): string => (typeof v === "string" ? v : typeof v === "number" ? String(v) : JSON.stringify(v) ?? String(v));

/** Why `value` is not a valid value of `field` ("must be > 0 (got 0)"), or undefined when it is. */
export function optionProblem(field: OptionField, value: unknown): string | undefined {
  const s = spec(field);
  const fail = (typeWrong: boolean) => `${mustBe(s, typeWrong)} (got ${shown(value)})`;
  switch (s.kind) {
    case "int":
    case "number": {
      if (typeof value !== "number" || !Number.isFinite(value)) return fail(true);
      if (s.kind === "int" && !Number.isInteger(value)) return fail(true);
      if (s.min !== undefined && (s.minExclusive ? !(value > s.min) : !(value >= s.min))) return fail(false);
      if (s.max !== undefined && (s.maxExclusive ? !(value < s.max) : !(value <= s.max))) return fail(false);
      if (s.rule && !s.rule.ok(value)) return fail(false);
      return undefined;
    }
    case "enum":
      return typeof value === "string" && s.choices!.includes(value) ? undefined : fail(true);
    case "string":
      return typeof value === "string" && value !== "" ? undefined : fail(true);
    case "bool":
      return typeof value === "boolean" ? undefined : fail(true);
  }
}

/** Throw InputError "NAME must be ... (got ...)" when `value` is not valid (NAME: the flag unless given). */
export function checkOption(field: OptionField, value: unknown, name = flagOf(field)): void {
  const p = optionProblem(field, value);
  if (p) throw new InputError(`${name} ${p}`);
}

/**
 * Text (a flag's argument, a `*@defaults` value) as the option's type:
 * SPICE numbers (1u, 10k) for numbers, case-insensitive choices. Bounds are
 * not checked here (optionProblem does).
 */
export function parseOptionText(field: OptionField, text: string): { value: number | string | boolean } | { error: string } {
  const s = spec(field);
  const t = text.trim();
  switch (s.kind) {
    case "int": {
      const v = Number(t);
      return t !== "" && Number.isInteger(v) ? { value: v } : { error: `not an integer: '${text}'` };
    }
    case "number": {
      const v = parseSpiceNumber(t);
      return Number.isFinite(v) ? { value: v } : { error: `not a number: '${text}'` };
    }
    case "enum": {
      const v = t.toLowerCase();
      return s.choices!.includes(v) ? { value: v } : { error: `'${text}' is not one of ${s.choices!.join(", ")}` };
    }
    case "string":
      return { value: text };
    case "bool":
      return /^(true|false)$/i.test(t) ? { value: t.toLowerCase() === "true" } : { error: `not true or false: '${text}'` };
  }
}

// ------------------------------------------------------------------ normalizing

/** Rules between options, checked once both are known. */
function crossCheck(v: OptionValues): void {
  if (v.gmin !== undefined && v.gmax !== undefined && !(v.gmax > v.gmin)) {
    throw new InputError(`hardware option: gmax must exceed gmin (got ${flagOf("gmin")} ${v.gmin}, ${flagOf("gmax")} ${v.gmax})`);
  }
}

/** Check every value set in `values` (and the rules between them); throws InputError naming the flag. */
export function checkOptions(values: OptionValues): void {
  for (const f of FIELDS) if (values[f] !== undefined) checkOption(f, values[f]);
  crossCheck(values);
}

/**
 * The options of a `use` job, normalized: each value given (undefined =
 * not given), else the netlist's `*@defaults` value where the option takes
 * it for this job, else the built-in default (unless the option keeps
 * unset); every value checked. Options the job does not take are dropped.
 */
export function resolveOptions(use: Use, given: OptionValues, netlist: OptionValues = {}): OptionValues {
  const out: Record<string, unknown> = {};
  for (const f of optionsOf(use)) {
    const s = spec(f);
    let v: unknown = given[f];
    if (v !== undefined) checkOption(f, v);
    else if (netlist[f] !== undefined && s.netlist?.includes(use)) v = netlist[f];
    else if (s.fill !== false) v = defaultOf(f, use);
    if (v !== undefined) out[f] = v;
  }
  const values = out as OptionValues;
  crossCheck(values);
  return values;
}

/** TrainOptions as option values: its fields, with the hardware ones beside them. */
export function flattenTrainOptions(o: Partial<TrainOptions>): OptionValues {
  const { hardware, ...rest } = o;
  return { ...rest, ...(hardware ?? {}) } as OptionValues;
}

/** The TrainOptions part of option values (train fields, then a hardware object of the set hardware fields). */
export function partialTrainOptions(v: OptionValues): Partial<TrainOptions> & { hardware: HardwareOptions } {
  const o: Record<string, unknown> = {};
  const hardware: Record<string, unknown> = {};
  for (const f of FIELDS) {
    const g = spec(f).group;
    if (v[f] === undefined) continue;
    if (g === "train") o[f] = v[f];
    else if (g === "hardware") hardware[f] = v[f];
  }
  return { ...(o as Partial<TrainOptions>), hardware: hardware as HardwareOptions };
}

/** The built-in training options (hardware ideal). */
export const TRAIN_DEFAULTS: TrainOptions = partialTrainOptions(resolveOptions("train", {})) as TrainOptions;

/** TrainOptions with the built-in defaults for what `o` leaves unset, checked (a bad value is an InputError naming its flag). */
export function normalizeTrainOptions(o: Partial<TrainOptions>): TrainOptions {
  return partialTrainOptions(resolveOptions("train", flattenTrainOptions(o))) as TrainOptions;
}

// ------------------------------------------------------------------ resume

/** The options a resumed run keeps from its checkpoint: a different value given for one of them is refused. */
export const RESUME_KEPT: OptionField[] = FIELDS.filter((f) => spec(f).group !== "job" && spec(f).resume !== "allow");

/** Options given for a resumed run that differ from its checkpoint's, as `--flag now (run: was)`. */
export function resumeConflicts(given: Partial<TrainOptions>, saved: TrainOptions): string[] {
  const now = flattenTrainOptions(given);
  const was = flattenTrainOptions(saved);
  const out: string[] = [];
  for (const f of RESUME_KEPT) {
    const v = now[f];
    if (v !== undefined && v !== was[f]) out.push(`${flagOf(f)} ${String(v)} (run: ${was[f] === undefined ? "unset" : String(was[f])})`);
  }
  return out;
}

// ------------------------------------------------------------------ *@defaults

/** The keys `*@defaults` accepts: the flags of the options some job takes from the netlist. */
export const NETLIST_KEYS: string[] = FIELDS.filter((f) => spec(f).netlist?.length).map((f) => spec(f).flag);

/** One `*@defaults` entry as a field and a checked value, or the reason it is refused. */
export function netlistDefault(key: string, text: string): { field: OptionField; value: number | string | boolean } | { error: string } {
  const field = fieldOfFlag(key);
  if (field === undefined || !spec(field).netlist?.length) return { error: `unknown option '${key}' (allowed: ${NETLIST_KEYS.join(", ")})` };
  const p = parseOptionText(field, text);
  if ("error" in p) return { error: `${key}: ${p.error}` };
  const problem = optionProblem(field, p.value);
  if (problem) return { error: `${key} ${problem}` };
  return { field, value: p.value };
}

// ------------------------------------------------------------------ sweeps

/** The sweep key of a field, or undefined when sweeps do not take it. */
export function sweepKeyOf(field: OptionField): string | undefined {
  const sw = spec(field).sweep;
  return sw ? (sw.key ?? field) : undefined;
}

/** The sweep run kinds that take a field. */
export function sweepRunsOf(field: OptionField): Array<"train" | "gradcheck"> {
  return spec(field).uses.filter((u): u is "train" | "gradcheck" => u === "train" || u === "gradcheck");
}

/** The option values of a sweep point (its other keys are ignored). */
export function optionValuesOfSweep(point: Record<string, unknown>): OptionValues {
  const out: Record<string, unknown> = {};
  for (const f of FIELDS) {
    const k = sweepKeyOf(f);
    if (k !== undefined && point[k] !== undefined) out[f] = point[k];
  }
  return out as OptionValues;
}
