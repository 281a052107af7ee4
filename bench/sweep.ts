/**
 * Benchmark section "sweep": wall time of a 32-point iris training sweep
 * (netlists/iris.cir; levels x write noise x seed, --epochs each) run the
 * way users run it, `node dist/src/cli/main.js sweep CONFIG --workers N`,
 * from an empty output directory, for each N; prints the wall time, points
 * per second and the speedup over the first N. Every point must end ok.
 * Also shown: the mean wall time of one point (s) and the concurrency, the
 * sum of the points' wall times over the sweep's wall time (how many points
 * were running on average). Other load on the machine lengthens the points,
 * not the concurrency, so the two tell a busy machine from a serialized
 * runner.
 *
 * Options: --workers 1,2 (list)  --epochs 40  --reps 1 (best of reps: other load only slows runs down)
 *          --timeout SECONDS (900 per run)
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { join } from "node:path";
import { EQSPICE_CLI, OUT_DIR, ROOT, failure, fmtSec, intFlag, parseFlags, printTable, runTimed } from "./common.js";
import { readResults } from "../src/sweep/results.js";

export const description = "32-point iris training sweep (`eqspice sweep`): wall time with 1 and 2 worker threads, speedup";

/** The benchmark's sweep config: 4 levels x 2 write-noise values x 4 seeds = 32 points. */
function benchConfig(epochs: number): Record<string, unknown> {
  return {
    name: "bench-iris-32",
    base: { run: "train", netlist: join(ROOT, "netlists", "iris.cir"), dataset: "iris", epochs, lr: 0.2, lrDecay: 0.95, gmin: 1e-7, gmax: 1e-5 },
    axes: [{ grid: { levels: [0, 8, 16, 64], writeNoise: [0, 0.01], seed: [1, 2, 3, 4] } }],
    metrics: ["testAccuracy", "seconds"],
    saveRuns: false,
  };
}

export async function run(argv: string[]): Promise<void> {
  const f = parseFlags(argv);
  const epochs = intFlag(f, "epochs", 40);
  const reps = intFlag(f, "reps", 1);
  const timeoutMs = intFlag(f, "timeout", 900) * 1000;
  const counts = (typeof f.workers === "string" ? f.workers : "1,2").split(",").map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--workers: expected a list of positive integers, got ${String(f.workers)}`);
    return n;
  });
  const dir = join(OUT_DIR, "sweep");
  mkdirSync(dir, { recursive: true });
  const config = join(dir, "iris32.json");
  writeFileSync(config, JSON.stringify(benchConfig(epochs), null, 2));
  console.log(`== sweep: 32 iris trainings of ${epochs} epochs (netlists/iris.cir), ${availableParallelism()} cores, load average ${loadavg()[0]!.toFixed(2)} before the runs`);
  const rows: string[][] = [];
  let base = NaN;
  for (const n of counts) {
    const walls: number[] = [];
    let pointMean = NaN;
    let concurrency = NaN;
    let error: string | undefined;
    for (let r = 0; r < reps && !error; r++) {
      const out = join(dir, `out-w${n}`);
      rmSync(out, { recursive: true, force: true });
      const res = await runTimed(process.execPath, [EQSPICE_CLI, "sweep", config, "--out", out, "--workers", String(n), "--quiet"], { timeoutMs });
      error = failure(res);
      if (!error) {
        const results = readResults(join(out, "results.jsonl")).rows;
        const bad = results.filter((x) => x.status !== "ok");
        if (results.length !== 32 || bad.length) error = `${results.length} rows, ${bad.length} failed${bad[0] ? `: ${bad[0].error}` : ""}`;
        const busy = results.reduce((a, x) => a + x.seconds, 0);
        if (!(res.wall > Math.min(...walls))) {
          pointMean = busy / results.length;
          concurrency = busy / res.wall;
        }
      }
      walls.push(res.wall);
    }
    const wall = Math.min(...walls);
    if (Number.isNaN(base)) base = wall;
    const ok = !error;
    rows.push([String(n), ok ? fmtSec(wall) : "-", ok ? (32 / wall).toFixed(2) : "-", ok ? `${(base / wall).toFixed(2)}x` : "-", ok ? fmtSec(pointMean) : "-", ok ? concurrency.toFixed(2) : "-", error ?? "ok"]);
  }
  printTable(["workers", "wall", "points/s", "speedup", "mean point", "concurrency", "status"], rows);
  console.log(`load average after: ${loadavg()[0]!.toFixed(2)} (other processes on the machine slow the multi-worker runs)`);
}
