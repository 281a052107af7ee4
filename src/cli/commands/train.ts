/** `eqspice train NETLIST --dataset D ...`: train a circuit with Equilibrium Propagation. */
import type { Command } from "commander";
import { existsSync } from "node:fs";
import { basename, join } from "node:path";
import { runTrainJob, trainJobOf } from "../../train/run.js";
import { addOptionFlags, optionValuesFromFlags } from "../options.js";
import { makeProgress } from "../progress.js";

export function registerTrain(program: Command, run: (fn: () => Promise<void> | void) => Promise<void>): void {
  const cmd = program
    .command("train")
    .description("train a circuit's conductances with Equilibrium Propagation (or another estimator)")
    .argument("<netlist>", "annotated SPICE netlist (*@input, *@output, *@train)");
  addOptionFlags(cmd, "train");
  cmd.action((netlist: string, flags: Record<string, unknown>) =>
    run(async () => {
      const v = optionValuesFromFlags("train", flags);
      const dataset = v.dataset!;
      const out = v.out ?? `runs/${basename(netlist).replace(/\.[^.]*$/, "")}-${basename(dataset).replace(/\.[^.]*$/, "")}`;
      if (!v.resume && existsSync(join(out, "checkpoint.json"))) {
        process.stderr.write(`eqspice: note: replacing the training run in ${out} (--resume would continue it)\n`);
      }
      const progress = makeProgress();
      const result = await runTrainJob(
        { ...trainJobOf(netlist, v), out },
        {
          onSample: (done, total) => progress.sample(done, total),
          onEpoch: (m, ck) => {
            progress.epoch(m, ck.options.epochs);
            if (m.conductancesChanged === 0) {
              process.stderr.write(`eqspice: warning: epoch ${m.epoch} changed no conductance: training makes no progress (updates lost to --levels or clipping at gmin/gmax?)\n`);
            }
          },
        },
      );
      progress.stop();
      if (v.waveforms) {
        const { writeTrainingWaveforms } = await import("../../train/waveforms.js");
        await writeTrainingWaveforms(result, `${out}/waveforms.csv`);
      }
      const { writeTrainingPlot } = await import("../../train/plot.js");
      writeTrainingPlot(result.metrics, `${out}/training.html`, `${basename(netlist)} on ${dataset}`);
      const last = result.metrics[result.metrics.length - 1];
      process.stdout.write(
        last
          ? `trained ${result.metrics.length} epochs: train accuracy ${(100 * last.trainAccuracy).toFixed(1)}%, test accuracy ${(100 * last.testAccuracy).toFixed(1)}%, loss ${last.trainLoss.toExponential(3)} V^2\nwrote ${out}/{metrics.json,checkpoint.json,trained.cir,training.html${v.waveforms ? ",waveforms.csv" : ""}}\n`
          : `nothing to do (0 epochs)\n`,
      );
    }),
  );
}
