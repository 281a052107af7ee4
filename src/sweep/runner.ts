/**
 * Run a planned sweep into an output directory:
 *   results.jsonl  one row per finished point, appended as points finish
 *   sweep.json     what the sweep is (name, run kind, axes, metrics)
 *   results.csv    the current points' latest rows, for spreadsheets
 *   sweep.html     plots of every metric against every axis
 *   points/HASH/   each point's run directory (netlist copies, checkpoints, trained.cir)
 * Points already in results.jsonl are skipped, so rerunning the same command
 * after a crash or kill -9 resumes: only points in flight are lost (and a
 * training point in flight continues from its last epoch checkpoint).
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { InputError } from "../util/errors.js";
import { identityOf } from "./merge.js";
import { hostname } from "node:os";
import { join, resolve } from "node:path";
import { writeFileAtomic } from "../util/atomic.js";
import type { PointJob, PointOutcome } from "./execute.js";
import { fmtParams, type PlannedPoint, type SweepPlan } from "./plan.js";
import { runPool } from "./pool.js";
import { writeReports } from "./report.js";
import { latestByHash, readResults, ResultsWriter, RESULTS_FILE, type ResultRow } from "./results.js";
import { selectShard, type Shard } from "./shard.js";
import { fmtMetric } from "./format.js";
import type { SweepProgress } from "./progress.js";

export interface RunSweepOptions {
  out: string;
  /** Worker threads (0 = in this thread). */
  workers: number;
  shard?: Shard;
  /** Rerun points whose recorded row is an error (default: errors count as finished). */
  retryErrors?: boolean;
  /** Progress lines (the CLI prints them on stderr). */
  log?: (line: string) => void;
  /** Per-point progress (the CLI's bar or plain lines with the time left); without it, point lines go to `log`. */
  progress?: SweepProgress;
}

export interface SweepSummary {
  /** Points in the whole sweep, and in this shard. */
  total: number;
  inShard: number;
  /** Points of this shard already finished before this run. */
  alreadyDone: number;
  ran: number;
  ok: number;
  failed: number;
  out: string;
}

/** sweep.json: enough to label results without the config file. */
export function sweepManifest(plan: SweepPlan): Record<string, unknown> {
  const c = plan.config;
  return { name: c.name, description: c.description, run: c.run, config: c.file, axes: plan.axes, metrics: c.metrics ?? null, base: c.base, points: plan.points.length };
}

function rowFor(plan: SweepPlan, p: PlannedPoint, o: PointOutcome, shard: Shard | undefined): ResultRow {
  const row: ResultRow = { v: 1, hash: p.hash, status: o.status, sweep: plan.config.name, params: p.params, config: p.config, metrics: o.metrics, start: o.start, seconds: o.seconds, host: hostname() };
  if (o.error !== undefined) row.error = o.error;
  if (shard) row.shard = `${shard.k}/${shard.n}`;
  return row;
}

function fmtMetrics(m: Record<string, number>): string {
  return Object.entries(m)
    .slice(0, 4)
    .map(([k, v]) => fmtMetric(k, v))
    .join(" ");
}

export async function runSweep(plan: SweepPlan, opts: RunSweepOptions): Promise<SweepSummary> {
  const out = resolve(opts.out);
  const log = opts.log ?? (() => {});
  mkdirSync(out, { recursive: true });
  const manifest = sweepManifest(plan);
  const manifestPath = join(out, "sweep.json");
  if (existsSync(manifestPath)) {
    let prev: Record<string, unknown> | null = null;
    try {
      prev = JSON.parse(readFileSync(manifestPath, "utf8")) as Record<string, unknown>;
    } catch {
      prev = null; // unreadable: this run rewrites it
    }
    if (prev && identityOf(prev) !== identityOf(manifest)) {
      throw new InputError(`${out} holds another sweep (${identityOf(prev)}); this one is ${identityOf(manifest)}: use another --out`);
    }
  }
  const unlock = lockSweep(out);
  try {
    return await runLocked(plan, opts, out, log, manifest);
  } finally {
    unlock();
  }
}

/**
 * One sweep at a time per directory: `out/.lock` holds the owner's pid and
 * host. A second sweep into the same directory is refused while the owner
 * lives; a lock left by a killed sweep (its pid gone, same host) is taken
 * over, so rerunning after kill -9 still resumes. Returns the release.
 */
function lockSweep(out: string): () => void {
  const path = join(out, ".lock");
  const me = `${process.pid} ${hostname()}`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, "wx");
      writeSync(fd, me + "\n");
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const [pid, host] = readFileSync(path, "utf8").trim().split(" ");
      if (host === hostname() && !alive(Number(pid))) {
        rmSync(path, { force: true }); // stale: its sweep was killed
        continue;
      }
      throw new InputError(`another sweep (pid ${pid} on ${host}) is writing to ${out}; wait for it, or use another --out (remove ${path} if that sweep is gone)`);
    }
  }
  throw new InputError(`cannot lock ${out}`);
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function runLocked(plan: SweepPlan, opts: RunSweepOptions, out: string, log: (line: string) => void, manifest: Record<string, unknown>): Promise<SweepSummary> {
  writeFileAtomic(join(out, "sweep.json"), JSON.stringify(manifest, null, 2) + "\n");
  const resultsPath = join(out, RESULTS_FILE);
  const existing = readResults(resultsPath);
  const latest = latestByHash(existing.rows);
  const finished = (h: string) => {
    const r = latest.get(h);
    return r !== undefined && (r.status === "ok" || !opts.retryErrors);
  };
  const mine = selectShard(plan.points, opts.shard);
  const todo = mine.filter((p) => !finished(p.hash));
  const byHash = new Map(plan.points.map((p) => [p.hash, p]));
  const shardText = opts.shard ? ` (shard ${opts.shard.k}/${opts.shard.n}: ${mine.length})` : "";
  const workers = Math.min(opts.workers, todo.length);
  log(
    `sweep ${plan.config.name}: ${plan.points.length} points${shardText}, ${mine.length - todo.length} already done, ${todo.length} to run` +
      (todo.length ? (opts.workers > 0 ? ` on ${workers} worker thread${workers === 1 ? "" : "s"}` : " in this thread") : "") +
      (existing.skipped ? ` (${existing.skipped} unreadable line${existing.skipped > 1 ? "s" : ""} in ${RESULTS_FILE} ignored)` : ""),
  );
  const writer = new ResultsWriter(resultsPath, existing.partialTail);
  let ok = 0;
  let failed = 0;
  opts.progress?.start(plan.config.name, todo.length);
  try {
    await runPool(
      todo.map((p) => p.job),
      {
        size: opts.workers,
        timeout: plan.config.timeout,
        onOutcome: (o: PointOutcome, job: PointJob) => {
          const p = byHash.get(job.hash)!;
          writer.append(rowFor(plan, p, o, opts.shard));
          if (o.status === "ok") ok++;
          else failed++;
          const head = `[${ok + failed}/${todo.length}] ${o.status === "ok" ? "ok   " : "ERROR"} ${p.hash} ${fmtParams(p.params)}`;
          const line = o.status === "ok" ? `${head}  ${fmtMetrics(o.metrics)} (${o.seconds.toFixed(1)} s)` : `${head}: ${o.error}`;
          if (opts.progress) opts.progress.point(o.status === "ok", line);
          else log(line);
        },
      },
    );
  } finally {
    opts.progress?.stop();
  }
  const rows = latestByHash(readResults(resultsPath).rows);
  const current = plan.points.map((p) => rows.get(p.hash)).filter((r): r is ResultRow => r !== undefined);
  writeReports(out, current, { title: plan.config.name, axes: plan.axes, metrics: plan.config.metrics });
  return { total: plan.points.length, inShard: mine.length, alreadyDone: mine.length - todo.length, ran: todo.length, ok, failed, out };
}
