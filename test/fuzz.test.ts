/**
 * Seeded fuzzing of the whole pipeline (parse, elaborate, build, operating
 * point) with mangled golden netlists: tokens and characters deleted,
 * duplicated, swapped, garbage injected, lines truncated, deleted, swapped.
 *
 * Every case must end in a result with finite node voltages, a typed
 * InputError, or a ConvergenceError; never another exception, never a hang.
 * The cases run in a child process (test/fixtures/fuzz-runner.ts) under a
 * hard time budget, so a hang fails this test (naming the case) instead of
 * stalling the test runner.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
const RUNNER = path.join(ROOT, "test", "fixtures", "fuzz-runner.ts");

const SEEDS = [20261123, 7];
const CASES_PER_SEED = 300;
/** Budget for all cases of one seed (ms); they take ~1-2 s (mathjs's first load included). */
const BUDGET_MS = 8_000;
/** No single case may take longer than this (ms). */
const CASE_MS = 2_000;

interface Start {
  start: number;
  file: string;
  text: string;
}
interface Done {
  done: number;
  outcome: "ok" | "input" | "convergence" | "other" | "nonfinite";
  name: string;
  message: string;
  ms: number;
}

for (const seed of SEEDS) {
  it(`fuzz seed ${seed}: ${CASES_PER_SEED} mangled netlists give a result, an InputError or a ConvergenceError`, () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", RUNNER, String(seed), String(CASES_PER_SEED)], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: BUDGET_MS,
      maxBuffer: 64 * 1024 * 1024,
    });
    const starts = new Map<number, Start>();
    const done: Done[] = [];
    for (const line of r.stdout.split("\n")) {
      if (!line.trim()) continue;
      const o = JSON.parse(line) as Start | Done;
      if ("start" in o) starts.set(o.start, o);
      else done.push(o);
    }
    if (done.length < CASES_PER_SEED) {
      const stuck = starts.get(done.length);
      throw new Error(
        `fuzz runner stopped after ${done.length} of ${CASES_PER_SEED} cases` +
          (r.error ? ` (${r.error.message})` : ` (exit ${r.status}, signal ${r.signal})`) +
          (stuck ? `\ncase ${stuck.start} (from ${stuck.file}) did not finish:\n${stuck.text}` : "") +
          `\nstderr: ${r.stderr.slice(0, 2000)}`,
      );
    }
    const counts: Record<string, number> = {};
    for (const d of done) counts[d.outcome] = (counts[d.outcome] ?? 0) + 1;
    const bad = done.filter((d) => d.outcome === "other" || d.outcome === "nonfinite");
    const report = bad
      .slice(0, 3)
      .map((d) => `case ${d.done} (${starts.get(d.done)?.file}): ${d.outcome} ${d.name}: ${d.message}\n--- netlist ---\n${starts.get(d.done)?.text}`)
      .join("\n\n");
    expect(bad.length, `untyped errors or non-finite results:\n${report}`).toBe(0);
    const slow = done.filter((d) => d.ms > CASE_MS);
    expect(slow.map((d) => `case ${d.done}: ${d.ms.toFixed(0)} ms\n${starts.get(d.done)?.text}`)).toEqual([]);
    // the mangling is neither too gentle nor too destructive: both outcomes occur
    expect(counts.input ?? 0).toBeGreaterThan(CASES_PER_SEED / 4);
    expect(counts.ok ?? 0).toBeGreaterThan(CASES_PER_SEED / 10);
    expect(r.status).toBe(0);
  }, 30_000);
}
