/**
 * One sweep per output directory (issue "Reliability", item 14): a second
 * sweep into a directory another live sweep holds is refused, a lock left by
 * a killed sweep is taken over (resume after kill -9 keeps working), a
 * different sweep into the same directory is refused, `sweep merge` refuses
 * directories of different sweeps, and results.csv repeats no column.
 */
import { afterAll, describe, expect, it } from "vitest";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { spawn } from "node:child_process";
import { loadSweepConfig } from "../src/sweep/config.js";
import { planSweep } from "../src/sweep/plan.js";
import { runSweep } from "../src/sweep/runner.js";
import { mergeSweeps } from "../src/sweep/merge.js";
import { resultsCsv } from "../src/sweep/csv.js";
import { FIX, tempDir } from "./fixtures/sweep/build.js";

const tmp = tempDir("sweep-lock");
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const plan = (out: string, name = "op-params.json") => planSweep(loadSweepConfig(path.join(FIX, name)), out);

describe("sweep output directories", () => {
  it("refuses a second sweep while a live one holds the lock, before writing anything", async () => {
    const out = path.join(tmp, "live");
    // A live process (not this one) holds the lock.
    const holder = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"]);
    try {
      const { mkdirSync } = await import("node:fs");
      mkdirSync(out, { recursive: true });
      writeFileSync(path.join(out, ".lock"), `${holder.pid} ${hostname()}\n`);
      await expect(runSweep(plan(out), { out, workers: 0 })).rejects.toThrow(/another sweep \(pid \d+ on .*\) is writing to/);
      expect(existsSync(path.join(out, "results.jsonl"))).toBe(false);
    } finally {
      holder.kill();
    }
  });

  it("takes over the lock of a killed sweep and resumes", async () => {
    const out = path.join(tmp, "stale");
    const { mkdirSync } = await import("node:fs");
    mkdirSync(out, { recursive: true });
    // A pid that no longer runs: spawn and wait for a process to exit.
    const gone = spawn(process.execPath, ["-e", ""]);
    await new Promise((r) => gone.on("exit", r));
    writeFileSync(path.join(out, ".lock"), `${gone.pid} ${hostname()}\n`);
    const s = await runSweep(plan(out), { out, workers: 0 });
    expect(s.ran).toBe(9);
    expect(existsSync(path.join(out, ".lock"))).toBe(false);
    const again = await runSweep(plan(out), { out, workers: 0 });
    expect(again.ran).toBe(0);
  });

  it("refuses another sweep config in the same directory, and merge refuses directories of different sweeps", async () => {
    const a = path.join(tmp, "a");
    const b = path.join(tmp, "b");
    await runSweep(plan(a), { out: a, workers: 0 });
    await runSweep(plan(b, "tran-rc.json"), { out: b, workers: 0 });
    await expect(runSweep(plan(a, "tran-rc.json"), { out: a, workers: 0 })).rejects.toThrow(/holds another sweep/);
    expect(() => mergeSweeps([a, b], path.join(tmp, "merged"))).toThrow(/is from another sweep/);
  });

  it("results.csv names a metric called like a fixed column apart (no repeated header)", () => {
    const row = { v: 1 as const, hash: "h", status: "ok" as const, sweep: "s", params: { lr: 0.1 }, config: {}, metrics: { seconds: 3.5, testAccuracy: 0.9 }, start: "t", seconds: 4, host: "x" };
    const csv = resultsCsv([row], ["lr"], ["testAccuracy", "seconds"]).split("\n");
    const header = csv[0].split(",");
    expect(new Set(header).size).toBe(header.length);
    expect(header).toContain("metric.seconds");
    expect(csv[1]).toContain("3.5");
  });
});
