/**
 * `eqspice sweep merge DIR... --out DIR`: join the results of several sweep
 * directories (the shards of one sweep, run on different machines) into
 * one: each point once (by hash; an ok row beats an error row, otherwise
 * the first input wins), then results.csv and sweep.html for the union.
 * An existing results.jsonl in the output directory is merged too, so
 * merging again after more shards finish accumulates. The merged
 * results.jsonl is rewritten atomically: merge into a directory no sweep is
 * writing to.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { InputError } from "../util/errors.js";
import { writeFileAtomic } from "../util/atomic.js";
import { writeReports } from "./report.js";
import { readResults, RESULTS_FILE, type ResultRow } from "./results.js";

export interface MergeSummary {
  inputs: number;
  /** Rows read, and distinct points kept. */
  rows: number;
  points: number;
  ok: number;
  failed: number;
  /** Unreadable lines skipped (torn tails of killed runs). */
  skipped: number;
  out: string;
}

/** The results file of an input: DIR/results.jsonl, or the file itself. */
function resultsPathOf(input: string): string {
  if (!existsSync(input)) throw new InputError(`sweep merge: ${input} not found`);
  const p = statSync(input).isDirectory() ? join(input, RESULTS_FILE) : input;
  if (!existsSync(p)) throw new InputError(`sweep merge: no ${RESULTS_FILE} in ${input}`);
  return resolve(p);
}

function manifestOf(resultsPath: string): Record<string, unknown> | undefined {
  const p = join(resultsPath, "..", "sweep.json");
  try {
    return JSON.parse(readFileSync(p, "utf8")) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** What makes two sweep directories parts of one sweep: its name, run kind and base settings (axes may differ between shards' manifests only by order). */
export function identityOf(m: Record<string, unknown>): string {
  const axes = [...((m.axes as string[] | undefined) ?? [])].sort();
  return JSON.stringify({ name: m.name, run: m.run, base: m.base ?? null, axes });
}

export function mergeSweeps(inputs: string[], outDir: string): MergeSummary {
  if (!inputs.length) throw new InputError("sweep merge: give at least one sweep directory");
  const out = resolve(outDir);
  const paths = inputs.map(resultsPathOf);
  const own = join(out, RESULTS_FILE);
  if (existsSync(own) && !paths.includes(own)) paths.unshift(own);
  const kept = new Map<string, ResultRow>();
  let rows = 0;
  let skipped = 0;
  const axes: string[] = [];
  let manifest: Record<string, unknown> | undefined;
  for (const p of paths) {
    const r = readResults(p);
    rows += r.rows.length;
    skipped += r.skipped;
    for (const row of r.rows) {
      const prev = kept.get(row.hash);
      if (!prev || (prev.status === "error" && row.status === "ok")) kept.set(row.hash, row);
    }
    const m = manifestOf(p);
    if (m) {
      if (manifest && identityOf(manifest) !== identityOf(m)) {
        throw new InputError(`sweep merge: ${p} is from another sweep (${identityOf(m)}) than the first input (${identityOf(manifest)}); merge only shards of one sweep config`);
      }
      manifest ??= m;
      for (const a of (m.axes as string[] | undefined) ?? []) if (!axes.includes(a)) axes.push(a);
    }
  }
  const merged = [...kept.values()];
  writeFileAtomic(own, merged.map((r) => JSON.stringify(r) + "\n").join(""));
  const title = (manifest?.name as string | undefined) ?? merged[0]?.sweep ?? "merged";
  if (manifest) writeFileAtomic(join(out, "sweep.json"), JSON.stringify({ ...manifest, axes, merged: inputs }, null, 2) + "\n");
  writeReports(out, merged, { title, axes: manifest ? axes : null, metrics: (manifest?.metrics as string[] | null | undefined) ?? null });
  const ok = merged.filter((r) => r.status === "ok").length;
  return { inputs: inputs.length, rows, points: merged.length, ok, failed: merged.length - ok, skipped, out };
}
