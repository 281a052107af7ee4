/**
 * Running sweeps on worker threads (the compiled worker from dist/, built
 * first when stale):
 *  - a failing point is an error row with its message; the others go on;
 *  - a point over the time limit is terminated and recorded as an error;
 *  - a sweep killed with SIGKILL mid-run and restarted ends with every point
 *    exactly once (and a torn trailing line is ignored);
 *  - the shards K/N, K = 1..N, are disjoint and together are the full sweep;
 *    `sweep merge` joins them, each point once.
 */
import { spawn, spawnSync } from "node:child_process";
import { appendFileSync, existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSweepConfig, parseSweepConfig } from "../src/sweep/config.js";
import { mergeSweeps } from "../src/sweep/merge.js";
import { planSweep } from "../src/sweep/plan.js";
import { readResults, type ResultRow } from "../src/sweep/results.js";
import { runSweep } from "../src/sweep/runner.js";
import { parseShard, selectShard } from "../src/sweep/shard.js";
import { CLI, ensureBuilt, FIX, ROOT, tempDir } from "./fixtures/sweep/build.js";

const tmp = tempDir("sweep-run");
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
beforeAll(() => ensureBuilt(), 150_000);

function cli(...args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: "utf8", timeout: 240_000 });
}

function rowsOf(dir: string): ResultRow[] {
  return readResults(path.join(dir, "results.jsonl")).rows;
}

/** Hashes listed by `sweep --dry-run`. */
function dryRun(config: string, ...extra: string[]): string[] {
  const r = cli("sweep", config, "--dry-run", ...extra);
  expect(r.status, r.stderr).toBe(0);
  return r.stdout
    .split("\n")
    .slice(1)
    .filter(Boolean)
    .map((l) => l.split(/\s+/)[0]!);
}

describe("failures", () => {
  it("a failing point becomes an error row with its message; the others finish", async () => {
    const out = path.join(tmp, "op");
    const plan = planSweep(loadSweepConfig(path.join(FIX, "op-params.json")), out);
    const s = await runSweep(plan, { out, workers: 2 });
    expect(s).toMatchObject({ total: 9, ran: 9, ok: 6, failed: 3 });
    const rows = rowsOf(out);
    expect(rows).toHaveLength(9);
    for (const r of rows.filter((x) => x.status === "error")) {
      expect(r.params["param.rtop"]).toBe("{nosuch*2}");
      expect(r.error).toMatch(/unknown parameter 'nosuch' in expression 'nosuch\*2'/);
      expect(r.metrics).toEqual({});
    }
    for (const r of rows.filter((x) => x.status === "ok")) {
      // divider: rbot = 2 rtop, load 1 Mohm: v(out) ~ 2/3 vin
      expect(r.metrics["v(out)"]).toBeCloseTo((2 / 3) * (r.params["param.vin"] as number), 2);
      expect(Object.keys(r.metrics)).toEqual(["v(out)", "i(v1)"]);
      expect(r.seconds).toBeGreaterThan(0);
    }
    const csv = readFileSync(path.join(out, "results.csv"), "utf8").split("\n");
    expect(csv[0]).toBe("hash,status,param.vin,param.rtop,v(out),i(v1),seconds,start,host,shard,error");
    expect(csv.filter((l) => l.includes(",error,"))).toHaveLength(3);
    const html = readFileSync(path.join(out, "sweep.html"), "utf8");
    expect(html).toContain("v(out) vs param.vin");
    expect(html).toContain("v(out) over param.vin x param.rtop");
    // Rerunning skips everything, errors included; --retry-errors reruns only the errors.
    expect((await runSweep(plan, { out, workers: 2 })).ran).toBe(0);
    const again = await runSweep(plan, { out, workers: 0, retryErrors: true });
    expect(again).toMatchObject({ ran: 3, failed: 3 });
  }, 120_000);

  it("a point over the time limit is stopped and recorded; the others finish", async () => {
    const out = path.join(tmp, "timeout");
    const s = await runSweep(planSweep(loadSweepConfig(path.join(FIX, "timeout.json")), out), { out, workers: 2 });
    expect(s).toMatchObject({ ran: 3, ok: 2, failed: 1 });
    const bad = rowsOf(out).find((r) => r.status === "error")!;
    expect(bad.params.epochs).toBe(100000);
    expect(bad.error).toBe("timed out after 8 s");
  }, 120_000);
});

describe("run kinds", () => {
  it("tran points summarise the waveform: RC step response at t = 1 ms for three resistors", async () => {
    const out = path.join(tmp, "tran");
    const s = await runSweep(planSweep(loadSweepConfig(path.join(FIX, "tran-rc.json")), out), { out, workers: 1 });
    expect(s).toMatchObject({ ran: 3, ok: 3 });
    for (const r of rowsOf(out)) {
      const tau = (r.params["param.r"] as number) * 1e-6;
      expect(r.metrics["v(out)"]).toBeCloseTo(1 - Math.exp(-1e-3 / tau), 3);
      expect(r.metrics["max:v(out)"]).toBeGreaterThanOrEqual(r.metrics["v(out)"]!);
      expect(r.metrics.steps).toBeGreaterThan(0);
    }
  }, 120_000);

  it("builder points build their own netlist from circuit.* keys and train it", async () => {
    const out = path.join(tmp, "built");
    const cfg = parseSweepConfig(
      {
        base: { run: "train", builder: "layered", circuit: { layers: [4, 8, 3], diode: "ideal" }, dataset: "iris", epochs: 2 },
        axes: [{ grid: { "circuit.hidden": [3, 6] } }],
        metrics: ["testAccuracy", "epochs"],
      },
      path.join(tmp, "built.json"),
    );
    const s = await runSweep(planSweep(cfg, out), { out, workers: 2 });
    expect(s).toMatchObject({ ran: 2, ok: 2 });
    for (const r of rowsOf(out)) {
      expect(r.metrics.epochs).toBe(2);
      const net = readFileSync(path.join(out, "points", r.hash, "circuit.cir"), "utf8");
      expect(net).toContain(`layered network 4-${r.params["circuit.hidden"]}-3`);
      expect(existsSync(path.join(out, "points", r.hash, "trained.cir"))).toBe(true);
    }
  }, 120_000);
});

describe("resume", () => {
  it("a sweep killed with SIGKILL mid-run and restarted ends with every point exactly once", async () => {
    const config = path.join(FIX, "iris-small.json");
    const out = path.join(tmp, "killed");
    const all = dryRun(config);
    expect(all).toHaveLength(12);
    const results = path.join(out, "results.jsonl");
    const child = spawn(process.execPath, [CLI, "sweep", config, "--out", out, "--workers", "2", "--quiet"], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    let gone = false;
    const exited = new Promise<NodeJS.Signals | null>((res) =>
      child.on("exit", (_code, sig) => {
        gone = true;
        res(sig);
      }),
    );
    // Kill it once some points (not all) have finished (an early exit fails below, with its stderr).
    const t0 = Date.now();
    while (Date.now() - t0 < 120_000 && !gone) {
      await new Promise((r) => setTimeout(r, 50));
      if (existsSync(results) && readResults(results).rows.length >= 2) break;
    }
    child.kill("SIGKILL");
    expect(await exited, `the sweep exited before it was killed: ${stderr}`).toBe("SIGKILL");
    const before = rowsOf(out);
    expect(before.length).toBeGreaterThanOrEqual(2);
    expect(before.length).toBeLessThan(12);
    // As if a writer had died mid-line: the reader ignores it and the next row starts a fresh line.
    appendFileSync(results, '{"v":1,"hash":"00112233');
    const r = cli("sweep", config, "--out", out, "--workers", "2");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`${before.length} already done, ${12 - before.length} to run`));
    expect(r.stderr).toMatch(/1 unreadable line in results.jsonl ignored/);
    const read = readResults(results);
    expect(read.skipped).toBe(1);
    const hashes = read.rows.map((x) => x.hash);
    expect(hashes.sort()).toEqual([...all].sort());
    expect(read.rows.every((x) => x.status === "ok")).toBe(true);
    // The rows of the killed run are kept as they were.
    for (const b of before) expect(read.rows.find((x) => x.hash === b.hash)).toEqual(b);
    expect(readFileSync(path.join(out, "sweep.html"), "utf8")).toContain("testAccuracy vs levels");
    expect(readFileSync(path.join(out, "results.csv"), "utf8").trim().split("\n")).toHaveLength(13);
  }, 300_000);
});

describe("shards", () => {
  it("K/N for K = 1..N are disjoint and cover the sweep, also from the CLI", () => {
    const config = path.join(FIX, "op-params.json");
    const all = dryRun(config);
    for (const n of [1, 2, 4, 9]) {
      const parts = Array.from({ length: n }, (_, k) => dryRun(config, "--shard", `${k + 1}/${n}`));
      const union = parts.flat();
      expect(new Set(union).size).toBe(union.length);
      expect([...union].sort()).toEqual([...all].sort());
      const sizes = parts.map((p) => p.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
    const items = Array.from({ length: 50 }, (_, i) => ({ hash: (i * 7919).toString(16).padStart(8, "0") }));
    const shuffled = [...items].reverse();
    expect(selectShard(items, { k: 2, n: 3 }).map((x) => x.hash).sort()).toEqual(selectShard(shuffled, { k: 2, n: 3 }).map((x) => x.hash).sort());
    expect(() => parseShard("0/3")).toThrow(/1 <= K <= N/);
    expect(() => parseShard("4/3")).toThrow(/1 <= K <= N/);
    expect(cli("sweep", config, "--shard", "2-3").stderr).toMatch(/--shard: expected K\/N/);
  }, 120_000);

  it("shards run apart and merged give the full sweep, each point once", async () => {
    const cfg = loadSweepConfig(path.join(FIX, "op-params.json"));
    const dirs = [1, 2, 3].map((k) => path.join(tmp, `shard${k}`));
    for (let k = 1; k <= 3; k++) {
      const s = await runSweep(planSweep(cfg, dirs[k - 1]!), { out: dirs[k - 1]!, workers: 0, shard: { k, n: 3 } });
      expect(s.ran).toBe(3);
      expect(rowsOf(dirs[k - 1]!).every((r) => r.shard === `${k}/3`)).toBe(true);
    }
    const merged = path.join(tmp, "merged");
    const r = cli("sweep", "merge", ...dirs, dirs[0]!, "--out", merged);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/merged 4 inputs: 12 rows -> 9 points \(6 ok, 3 failed\)/);
    const rows = rowsOf(merged);
    expect(rows.map((x) => x.hash).sort()).toEqual(planSweep(cfg, merged).points.map((p) => p.hash).sort());
    expect(readFileSync(path.join(merged, "results.csv"), "utf8").trim().split("\n")).toHaveLength(10);
    expect(existsSync(path.join(merged, "sweep.html"))).toBe(true);
    // Merging again (the output's own results included) changes nothing.
    expect(mergeSweeps([dirs[1]!], merged).points).toBe(9);
    expect(cli("sweep", "merge", path.join(tmp, "nowhere"), "--out", merged).stderr).toMatch(/sweep merge: .*nowhere not found/);
  }, 120_000);
});
