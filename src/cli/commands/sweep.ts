/**
 * `eqspice sweep CONFIG [--out DIR] [--workers N] [--shard K/N]`: run a
 * parameter sweep (docs/sweeps.md) on worker threads, resumable;
 * `eqspice sweep merge DIR... --out DIR`: join the results of shards.
 */
import type { Command } from "commander";
import { availableParallelism } from "node:os";
import { basename } from "node:path";
import { InputError } from "../../util/errors.js";
import { loadSweepConfig } from "../../sweep/config.js";
import { mergeSweeps } from "../../sweep/merge.js";
import { fmtParams, planSweep } from "../../sweep/plan.js";
import { runSweep } from "../../sweep/runner.js";
import { makeSweepProgress } from "../../sweep/progress.js";
import { parseShard, selectShard } from "../../sweep/shard.js";

interface SweepFlags {
  out?: string;
  workers?: string;
  shard?: string;
  retryErrors?: boolean;
  dryRun?: boolean;
  quiet?: boolean;
}

function workersFrom(text: string | undefined): number {
  if (text === undefined) return availableParallelism();
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new InputError(`--workers: expected a non-negative integer, got '${text}'`);
  return n;
}

export function registerSweep(program: Command, run: (fn: () => Promise<void> | void) => Promise<void>): void {
  const sweep = program
    .command("sweep")
    .description("run a parameter sweep from a JSON config on worker threads (resumable; shards for clusters); see docs/sweeps.md")
    .argument("<config>", "sweep config (JSON)")
    .option("--out <dir>", "output directory (default runs/sweep-<config name>)")
    .option("--workers <n>", `worker threads (default: the number of cores, ${availableParallelism()}); 0 runs in one thread`)
    .option("--shard <K/N>", "run only the K-th of N deterministic, disjoint parts of the sweep (e.g. a Slurm array task)")
    .option("--retry-errors", "rerun points whose recorded result is an error")
    .option("--dry-run", "check the config and list the points (hash and parameters) without running them")
    .option("--quiet", "no progress lines on stderr")
    .action((config: string, f: SweepFlags) =>
      run(async () => {
        const workers = workersFrom(f.workers);
        const shard = f.shard !== undefined ? parseShard(f.shard) : undefined;
        const cfg = loadSweepConfig(config);
        const out = f.out ?? `runs/sweep-${basename(config).replace(/\.json$/i, "")}`;
        const plan = planSweep(cfg, out);
        if (f.dryRun) {
          const mine = selectShard(plan.points, shard);
          process.stdout.write(`${cfg.name}: ${plan.points.length} points (${cfg.run})${shard ? `, shard ${shard.k}/${shard.n}: ${mine.length}` : ""}${plan.duplicates ? `, ${plan.duplicates} duplicate assignments dropped` : ""}\n`);
          for (const p of mine) process.stdout.write(`${p.hash}  ${fmtParams(p.params)}\n`);
          return;
        }
        const log = f.quiet ? undefined : (l: string) => process.stderr.write(l + "\n");
        const progress = f.quiet ? undefined : makeSweepProgress(process.stderr);
        const s = await runSweep(plan, { out, workers, shard, retryErrors: f.retryErrors, log, progress });
        const failedNote = s.failed ? `, ${s.failed} failed (error rows in results.jsonl; --retry-errors reruns them)` : "";
        process.stdout.write(
          `sweep ${cfg.name}: ran ${s.ran} of ${s.inShard} points${shard ? ` in shard ${shard.k}/${shard.n}` : ""} (${s.alreadyDone} already done): ${s.ok} ok${failedNote}\n` +
            `wrote ${out}/{results.jsonl,results.csv,sweep.html}\n`,
        );
      }),
    );
  sweep
    .command("merge")
    .description("merge the results of sweep directories (e.g. shards from several machines): each point once, by hash")
    .argument("<dirs...>", "sweep output directories (or results.jsonl files)")
    .option("--out <dir>", "directory for the merged results.jsonl, results.csv and sweep.html (required)")
    .action((dirs: string[], f: { out?: string }) =>
      run(() => {
        // commander gives an --out after the directories to the parent `sweep` command.
        const out = f.out ?? (sweep.opts() as SweepFlags).out;
        if (out === undefined) throw new InputError("sweep merge: --out DIR is required (where the merged results go)");
        const s = mergeSweeps(dirs, out);
        process.stdout.write(
          `merged ${s.inputs} input${s.inputs === 1 ? "" : "s"}: ${s.rows} rows -> ${s.points} points (${s.ok} ok, ${s.failed} failed)${s.skipped ? `, ${s.skipped} unreadable lines skipped` : ""}\nwrote ${out}/{results.jsonl,results.csv,sweep.html}\n`,
        );
      }),
    );
}
