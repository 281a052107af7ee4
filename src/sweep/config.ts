/**
 * Sweep config files (JSON): read, check the structure with zod, check every
 * parameter key and value against the key registry (keys.ts), and return the
 * config with canonical keys. Every problem found is reported at once, with
 * its path in the file, before anything runs.
 *
 *   {
 *     "name": "iris-levels-noise",
 *     "base": { "run": "train", "netlist": "../netlists/iris.cir", "dataset": "iris", "epochs": 20 },
 *     "axes": [ { "grid": { "levels": [0, 8, 32], "writeNoise": [0, 0.01] } },
 *               { "zip": { "gmin": [1e-8, 1e-7], "gmax": [1e-4, 1e-5] } },
 *               { "list": [ { "beta": 0.1, "estimator": "positive" }, { "beta": 0.5 } ] } ],
 *     "metrics": ["testAccuracy", "bestTestAccuracy"],
 *     "timeout": 600
 *   }
 *
 * The points are the cartesian product of the axis blocks: a grid block is
 * the product of its lists, a zip block pairs its lists element by element,
 * a list block gives its points explicitly. In `base` and in list entries,
 * `"circuit": {...}` and `"param": {...}` objects stand for `circuit.*` and
 * `param.*` keys.
 */
import { dirname, resolve } from "node:path";
import { z } from "zod";
import { InputError } from "../util/errors.js";
import { canonicalKey, keySpec, suggestKey, RUN_KINDS, type RunKind, type Value } from "./keys.js";
import { readInputFile } from "../util/read.js";

export type Flat = Record<string, Value>;

export type AxisBlock = { grid: Record<string, Value[]> } | { zip: Record<string, Value[]> } | { list: Flat[] };

export interface SweepConfig {
  /** Absolute path of the config file; relative paths in it are relative to its directory. */
  file: string;
  dir: string;
  name: string;
  description?: string;
  run: RunKind;
  base: Flat;
  axes: AxisBlock[];
  /** Metrics to keep (all of the run kind's when omitted). */
  metrics?: string[];
  /** Per-point time limit (s); a point that exceeds it becomes an error row. */
  timeout?: number;
  /** Keep each point's run directory (points/HASH/: trained.cir, checkpoint.json, ...). Default true. */
  saveRuns: boolean;
}

const record = z.record(z.string(), z.unknown());
const valueList = z.array(z.unknown()).min(1, "needs at least one value");
const axisBlock = z
  .strictObject({ grid: z.record(z.string(), valueList).optional(), zip: z.record(z.string(), valueList).optional(), list: z.array(record).min(1).optional() })
  .refine((b) => [b.grid, b.zip, b.list].filter((x) => x !== undefined).length === 1, {
    message: 'each axis block is exactly one of {"grid": {...}}, {"zip": {...}} or {"list": [...]}',
  });

const fileSchema = z.strictObject({
  $schema: z.string().optional(),
  name: z.string().min(1).optional(),
  description: z.string().optional(),
  base: record,
  axes: z.array(axisBlock).default([]),
  metrics: z.array(z.string().min(1)).min(1).optional(),
  timeout: z.number().gt(0).optional(),
  saveRuns: z.boolean().default(true),
});

/** A path like base.lr or axes[0].grid.beta[2]. */
export function fmtPath(path: ReadonlyArray<PropertyKey>): string {
  let s = "";
  for (const p of path) s += typeof p === "number" ? `[${p}]` : s ? `.${String(p)}` : String(p);
  return s || "(top level)";
}

function valueAt(root: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let v = root;
  for (const p of path) v = v !== null && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[p] : undefined;
  return v;
}

/** zod issues as "path: message (got VALUE)" lines. */
export function zodLines(err: z.ZodError, root: unknown, prefix: ReadonlyArray<PropertyKey> = []): string[] {
  return err.issues.map((i) => {
    const path = [...prefix, ...i.path];
    if (i.code === "unrecognized_keys") {
      return `${fmtPath(path)}: unknown key${i.keys.length > 1 ? "s" : ""} ${i.keys.map((k) => JSON.stringify(k)).join(", ")}`;
    }
    const got = valueAt(root, i.path);
    const shown = got === undefined ? "" : ` (got ${JSON.stringify(got)?.slice(0, 60)})`;
    const msg = i.code === "invalid_type" ? `expected ${i.expected === "int" ? "an integer" : i.expected === "array" ? "a list" : i.expected === "record" || i.expected === "object" ? "an object" : `a ${i.expected}`}` : i.message.replace(/^Invalid input: /, "").replace(/^Too (small|big): expected \w+ to be /, "must be ");
    return `${fmtPath(path)}: ${msg}${shown}`;
  });
}

/** Flatten `circuit: {...}` and `param: {...}` objects into dotted keys. */
function flatten(rec: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(rec)) {
    if ((k === "circuit" || k === "param") && v !== null && typeof v === "object" && !Array.isArray(v)) {
      for (const [k2, v2] of Object.entries(v)) out[`${k}.${k2}`] = v2;
    } else out[k] = v;
  }
  return out;
}

/** Look up a key; problems go to `errs`. Returns the canonical key, or undefined when unknown. */
function checkKey(key: string, path: PropertyKey[], errs: string[], where: "base" | "axis"): string | undefined {
  const spec = keySpec(key);
  if (!spec) {
    const hint = suggestKey(key);
    errs.push(`${fmtPath(path)}: unknown key "${key}"${hint ? ` (did you mean "${hint}"?)` : ""}; see docs/sweeps.md for the keys`);
    return undefined;
  }
  if (spec.baseOnly && where === "axis") errs.push(`${fmtPath(path)}: "${key}" can only be set in base, not swept`);
  return canonicalKey(key);
}

/** Check a value of a known key against its schema. */
function checkValue(key: string, value: unknown, path: PropertyKey[], errs: string[]): void {
  const r = keySpec(key)!.schema.safeParse(value);
  if (!r.success) errs.push(...zodLines(r.error, value, path));
}

function checkRecord(rec: Record<string, unknown>, path: PropertyKey[], errs: string[], where: "base" | "axis"): Flat {
  const out: Flat = {};
  for (const [k, v] of Object.entries(flatten(rec))) {
    const key = checkKey(k, [...path, k], errs, where);
    if (key !== undefined) checkValue(key, v, [...path, k], errs);
    out[key ?? k] = v as Value;
  }
  return out;
}

/** Parse and check a config object; `file` is where it came from (for paths and messages). */
export function parseSweepConfig(raw: unknown, file: string): SweepConfig {
  const abs = resolve(file);
  const fail = (lines: string[]): never => {
    const shown = lines.slice(0, 20);
    if (lines.length > shown.length) shown.push(`... and ${lines.length - shown.length} more`);
    throw new InputError(`sweep config ${file} is invalid:\n  ${shown.join("\n  ")}`);
  };
  const top = fileSchema.safeParse(raw);
  if (!top.success) fail(zodLines(top.error, raw));
  const c = top.data!;
  const errs: string[] = [];
  const base = checkRecord(c.base, ["base"], errs, "base");
  const axes: AxisBlock[] = c.axes.map((b, i) => {
    if (b.list) return { list: b.list.map((e, j) => checkRecord(e, ["axes", i, "list", j], errs, "axis")) };
    const kind = b.grid ? "grid" : "zip";
    const lists: Record<string, Value[]> = {};
    for (const [k, vs] of Object.entries((b.grid ?? b.zip)!)) {
      const key = checkKey(k, ["axes", i, kind, k], errs, "axis");
      if (key !== undefined) vs.forEach((v, j) => checkValue(key, v, ["axes", i, kind, k, j], errs));
      lists[key ?? k] = vs as Value[];
    }
    return kind === "grid" ? { grid: lists } : { zip: lists };
  });
  const run = base.run;
  if (run === undefined) errs.push(`base.run: missing; one of ${RUN_KINDS.join(", ")}`);
  if (errs.length) fail(errs);
  return {
    file: abs,
    dir: dirname(abs),
    name: c.name ?? abs.replace(/^.*[\\/]/, "").replace(/\.json$/i, ""),
    description: c.description,
    run: run as RunKind,
    base,
    axes,
    metrics: c.metrics,
    timeout: c.timeout,
    saveRuns: c.saveRuns,
  };
}

/** Read and check a config file. */
export function loadSweepConfig(file: string): SweepConfig {
  const text = readInputFile(file, "sweep config");
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new InputError(`sweep config ${file} is not valid JSON: ${(e as Error).message}`);
  }
  return parseSweepConfig(raw, file);
}
