/**
 * Run one sweep point (in a worker thread or in-process): prepare its
 * netlist, run its job through the library (runTrainJob, gradcheck,
 * operatingPoint, transient), and return its metrics. Never throws: a
 * failure is an outcome with status "error" and the message.
 */
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { opFromFile } from "../api.js";
import { ConvergenceError, InputError } from "../util/errors.js";
import { gradcheckJobOf, runGradcheckJob } from "../train/gradcheck.js";
import { runTrainJob, trainJobOf } from "../train/run.js";
import { writeFileAtomic } from "../util/atomic.js";
import type { Flat } from "./config.js";
import type { RunKind } from "./keys.js";
import { gradcheckMetrics, opMetrics, selectMetrics, trainMetrics, type Metrics } from "./metrics.js";
import { pointNetlist } from "./netlist.js";
import { optionValuesOfSweep } from "../train/option-specs.js";
import { runTranPoint } from "./tran.js";

/** Everything a worker needs to run one point (plain JSON: it crosses threads). */
export interface PointJob {
  hash: string;
  run: RunKind;
  /** Absolute netlist path (when not built). */
  netlist?: string;
  builder?: string;
  /** Dataset name or absolute CSV path. */
  dataset?: string;
  /** Every other key of the resolved point (options, circuit.*, param.*). */
  values: Flat;
  metrics?: string[];
  /** The point's own directory (absolute). */
  dir: string;
  saveRuns: boolean;
}

export interface PointOutcome {
  hash: string;
  status: "ok" | "error";
  metrics: Metrics;
  error?: string;
  /** Start time (ISO 8601) and wall time (s). */
  start: string;
  seconds: number;
}

/** One line for an error row: the message users need, no stack unless the error is internal. */
export function errorMessage(e: unknown): string {
  if (e instanceof InputError) return e.message;
  if (e instanceof ConvergenceError) return `no convergence: ${e.message}`;
  const err = e as Error;
  const frame = err?.stack?.split("\n").find((l) => /^\s+at /.test(l))?.trim();
  return `${err?.name ?? "Error"}: ${err?.message ?? String(e)}${frame ? ` (${frame})` : ""}`;
}

async function runJob(job: PointJob): Promise<Metrics> {
  const v = job.values;
  const netlist = pointNetlist(job.netlist, job.builder, v, job.dir);
  switch (job.run) {
    case "train": {
      const out = job.saveRuns ? job.dir : undefined;
      const resume = out !== undefined && existsSync(join(out, "checkpoint.json"));
      const r = await runTrainJob({ ...trainJobOf(netlist, { ...optionValuesOfSweep(v), dataset: job.dataset }), out, resume });
      return trainMetrics(r.metrics);
    }
    case "gradcheck": {
      const r = await runGradcheckJob(gradcheckJobOf(netlist, { ...optionValuesOfSweep(v), dataset: job.dataset }));
      return gradcheckMetrics(r);
    }
    case "op":
      return opMetrics(opFromFile(netlist));
    case "tran":
      return runTranPoint(netlist, v);
  }
}

export async function executePoint(job: PointJob): Promise<PointOutcome> {
  const start = new Date();
  const t0 = performance.now();
  const done = (o: Pick<PointOutcome, "status" | "metrics" | "error">): PointOutcome => ({ hash: job.hash, ...o, start: start.toISOString(), seconds: (performance.now() - t0) / 1000 });
  try {
    mkdirSync(job.dir, { recursive: true });
    if (job.saveRuns) writeFileAtomic(join(job.dir, "point.json"), JSON.stringify(job, null, 2));
    const metrics = selectMetrics(await runJob(job), job.metrics);
    return done({ status: "ok", metrics });
  } catch (e) {
    return done({ status: "error", metrics: {}, error: errorMessage(e) });
  } finally {
    if (!job.saveRuns) rmSync(job.dir, { recursive: true, force: true });
  }
}
