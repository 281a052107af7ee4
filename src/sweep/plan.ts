/**
 * From a checked config to the list of points to run: expand the axes,
 * merge each assignment over `base`, check that every point makes sense
 * (keys that apply to its run kind, a netlist or a builder, files that
 * exist, `.param`s the netlist defines, option ranges) and hash it. All of
 * it happens before anything runs; problems are reported together.
 */
import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { InputError } from "../util/errors.js";
import { parseNetlistFile } from "../netlist/parser.js";
import { optionValuesOfSweep, resolveOptions } from "../train/option-specs.js";
import type { Flat, SweepConfig } from "./config.js";
import type { PointJob } from "./execute.js";
import { axisKeys, expandAxes } from "./expand.js";
import { configHash, fileHash } from "./hash.js";
import { keySpec } from "./keys.js";
import { checkMetricNames } from "./metrics.js";
import { layeredOptions, topLevelParams } from "./netlist.js";

export const BUILTIN_DATASETS = ["xor", "iris", "mnist", "fashion-mnist"];

export interface PlannedPoint {
  /** Position in sweep order (0-based). */
  index: number;
  hash: string;
  /** The axis assignment (swept keys only). */
  params: Flat;
  /** The resolved point as recorded in results rows (paths as written in the config). */
  config: Flat;
  job: PointJob;
}

export interface SweepPlan {
  config: SweepConfig;
  /** Swept keys, in axis order. */
  axes: string[];
  points: PlannedPoint[];
  /** Assignments that resolved to an already listed point (same hash) and were dropped. */
  duplicates: number;
}

/** "beta=0.1 levels=8" */
export function fmtParams(p: Flat): string {
  const s = Object.entries(p)
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(" ");
  return s || "(base)";
}

const ALWAYS_OK = new Set(["run", "netlist", "builder"]);

/** Check one merged point; returns its job fields or throws InputError. */
function resolvePoint(cfg: SweepConfig, v: Flat, netlistOk: Map<string, Set<string>>): { netlist?: string; dataset?: string; hashInput: Record<string, unknown> } {
  const run = cfg.run;
  for (const k of Object.keys(v)) {
    const spec = keySpec(k)!;
    if (!ALWAYS_OK.has(k) && !spec.runs.includes(run)) throw new InputError(`"${k}" does not apply to run ${run} (it applies to: ${spec.runs.join(", ")})`);
  }
  const builder = v.builder as string | undefined;
  const circuitKeys = Object.keys(v).filter((k) => k.startsWith("circuit."));
  const paramKeys = Object.keys(v).filter((k) => k.startsWith("param."));
  if (builder && v.netlist !== undefined) throw new InputError("give either netlist or builder, not both");
  if (!builder && v.netlist === undefined) throw new InputError('needs a netlist (e.g. "netlist": "../netlists/iris.cir") or a builder ("builder": "layered" with circuit.layers)');
  if (!builder && circuitKeys.length) throw new InputError(`${circuitKeys[0]} needs "builder": "layered"`);
  if (builder && paramKeys.length) throw new InputError(`${paramKeys[0]} overrides a .param of a netlist; builder circuits have none`);
  let netlist: string | undefined;
  let netlistHash: string | undefined;
  if (builder) layeredOptions(v);
  else {
    netlist = resolve(cfg.dir, v.netlist as string);
    if (!existsSync(netlist) || !statSync(netlist).isFile()) throw new InputError(`netlist ${v.netlist as string} not found (looked for ${netlist})`);
    let params = netlistOk.get(netlist);
    if (!params) {
      parseNetlistFile(netlist);
      params = topLevelParams(netlist);
      netlistOk.set(netlist, params);
    }
    for (const k of paramKeys) if (!params.has(k.slice(6))) throw new InputError(`${k}: ${v.netlist as string} has no top-level .param ${k.slice(6)}`);
    netlistHash = fileHash(netlist);
  }
  let dataset: string | undefined;
  let datasetId: string | undefined;
  if (run === "train" || run === "gradcheck") {
    const d = v.dataset as string | undefined;
    if (d === undefined) throw new InputError(`run ${run} needs a dataset (${BUILTIN_DATASETS.join(", ")}, idx:DIR or FILE.csv)`);
    if (BUILTIN_DATASETS.includes(d.toLowerCase())) dataset = datasetId = d.toLowerCase();
    else if (/^idx:/i.test(d)) {
      // A directory of IDX files, relative to the config file; identified by its path (the files are large).
      dataset = `idx:${resolve(cfg.dir, d.slice(4))}`;
      datasetId = dataset;
    } else {
      if (!/\.csv$/i.test(d)) throw new InputError(`unknown dataset '${d}' (use ${BUILTIN_DATASETS.join(", ")}, idx:DIR or a .csv file)`);
      dataset = resolve(cfg.dir, d);
      if (!existsSync(dataset)) throw new InputError(`dataset ${d} not found (looked for ${dataset})`);
      datasetId = fileHash(dataset);
    }
  }
  // The options' values and the rules between them (e.g. gmax > gmin), as the job will check them.
  if (run === "train" || run === "gradcheck") resolveOptions(run, optionValuesOfSweep(v));
  return { netlist, dataset, hashInput: { ...v, netlist: netlistHash, dataset: datasetId } };
}

/** Expand, check and hash every point of `cfg`; run directories go under `outDir`/points/. */
export function planSweep(cfg: SweepConfig, outDir: string): SweepPlan {
  checkMetricNames(cfg.run, cfg.metrics, cfg.file);
  const axes = axisKeys(cfg);
  const assigns = expandAxes(cfg);
  const errors: string[] = [];
  const seen = new Set<string>();
  const points: PlannedPoint[] = [];
  const netlistOk = new Map<string, Set<string>>();
  let duplicates = 0;
  assigns.forEach((params, i) => {
    const v: Flat = { ...cfg.base, ...params };
    try {
      const r = resolvePoint(cfg, v, netlistOk);
      const hash = configHash(r.hashInput);
      if (seen.has(hash)) {
        duplicates++;
        return;
      }
      seen.add(hash);
      const values: Flat = {};
      for (const [k, x] of Object.entries(v)) if (!["run", "netlist", "builder", "dataset"].includes(k)) values[k] = x;
      const job: PointJob = {
        hash,
        run: cfg.run,
        netlist: r.netlist,
        builder: v.builder as string | undefined,
        dataset: r.dataset,
        values,
        metrics: cfg.metrics,
        dir: resolve(join(outDir, "points", hash)),
        saveRuns: cfg.saveRuns,
      };
      points.push({ index: points.length, hash, params, config: v, job });
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      errors.push(`point ${i + 1} (${fmtParams(params)}): ${e.message}`);
    }
  });
  if (errors.length) {
    const shown = errors.slice(0, 10);
    if (errors.length > 10) shown.push(`... and ${errors.length - 10} more`);
    throw new InputError(`sweep config ${cfg.file}: ${errors.length} of ${assigns.length} points are invalid:\n  ${shown.join("\n  ")}`);
  }
  return { config: cfg, axes, points, duplicates };
}
