/** `eqspice train NETLIST --dataset D ...`: train a circuit with Equilibrium Propagation. */
import type { Command } from "commander";
import { existsSync } from "node:fs";
import { basename, join } from "node:path";
import { runTrainJob } from "../../train/run.js";
import { ESTIMATORS } from "../../train/estimators.js";
import { TRAIN_DEFAULTS } from "../../train/trainer.js";
import { TARGET_ENCODINGS, type TargetEncoding } from "../../train/targets.js";
import { num, int, oneOf } from "../options.js";
import { makeProgress } from "../progress.js";
import { hardwareOptionsFrom, addHardwareOptions, type HardwareFlags } from "./hardware-flags.js";

interface TrainFlags extends HardwareFlags {
  dataset: string;
  epochs?: number;
  beta?: number;
  lr?: number;
  lrDecay?: number;
  estimator?: (typeof ESTIMATORS)[number];
  seed?: number;
  batch?: number;
  relax?: "auto" | "newton" | "bcd" | "ode";
  vin?: number;
  target?: number;
  targets?: TargetEncoding;
  limitTrain?: number;
  limitTest?: number;
  out?: string;
  resume?: boolean;
  waveforms?: boolean;
  workers?: number;
}

export function registerTrain(program: Command, run: (fn: () => Promise<void> | void) => Promise<void>): void {
  const cmd = program
    .command("train")
    .description("train a circuit's conductances with Equilibrium Propagation (or another estimator)")
    .argument("<netlist>", "annotated SPICE netlist (*@input, *@output, *@train)")
    .requiredOption("--dataset <name>", "xor | iris | mnist | FILE.csv (features, then label)")
    .option("--epochs <n>", `epochs (default ${TRAIN_DEFAULTS.epochs})`, int("--epochs"))
    .option("--beta <b>", `nudge strength, in units of the outputs' own conductance (default ${TRAIN_DEFAULTS.beta})`, num("--beta"))
    .option("--lr <lr>", `learning rate on g/gmax (default ${TRAIN_DEFAULTS.lr})`, num("--lr"))
    .option("--lr-decay <f>", "multiply the learning rate by f after every epoch (default 1)", num("--lr-decay"))
    .option("--estimator <e>", `${ESTIMATORS.join(" | ")} (default centered)`, oneOf("--estimator", ESTIMATORS))
    .option("--seed <s>", "seed of shuffling and noise (default 1)", int("--seed"))
    .option("--batch <n>", "samples per update (default 1)", int("--batch"))
    .option("--relax <how>", "how each phase reaches equilibrium: auto | newton | bcd | ode", oneOf("--relax", ["auto", "newton", "bcd", "ode"] as const))
    .option("--vin <volts>", "input gain: image pixels in [0,1] times vin volts; tabular features scaled to [-vin, vin] V (default 4, or the netlist's *@defaults)", num("--vin"))
    .option("--target <volts>", "output target amplitude A (default 0.1 V)", num("--target"))
    .option("--targets <encoding>", "signed (+A labelled class, -A others) | onehot (A and 0)", oneOf("--targets", TARGET_ENCODINGS))
    .option("--limit-train <n>", "use the first n training samples", int("--limit-train"))
    .option("--limit-test <n>", "evaluate on the first n test samples", int("--limit-test"))
    .option("--out <dir>", "run directory (default runs/<netlist>-<dataset>)")
    .option("--resume", "continue the run in --out from its checkpoint")
    .option("--waveforms", "also write waveforms.csv: node voltages of a few samples through free and nudged phases, integrated in time")
    .option("--workers <n>", "worker threads: each mini-batch split across n threads (needs --batch >= n and ideal devices; default 1, or a resumed run's)", int("--workers"));
  addHardwareOptions(cmd);
  cmd.action((netlist: string, flags: TrainFlags) =>
    run(async () => {
      const out = flags.out ?? `runs/${basename(netlist).replace(/\.[^.]*$/, "")}-${basename(flags.dataset).replace(/\.[^.]*$/, "")}`;
      if (!flags.resume && existsSync(join(out, "checkpoint.json"))) {
        process.stderr.write(`eqspice: note: replacing the training run in ${out} (--resume would continue it)\n`);
      }
      const progress = makeProgress();
      const result = await runTrainJob(
        {
          netlist,
          dataset: flags.dataset,
          vin: flags.vin,
          limitTrain: flags.limitTrain,
          limitTest: flags.limitTest,
          out,
          resume: flags.resume,
          workers: flags.workers,
          options: {
            epochs: flags.epochs,
            beta: flags.beta,
            lr: flags.lr,
            lrDecay: flags.lrDecay,
            estimator: flags.estimator,
            seed: flags.seed,
            batch: flags.batch,
            relax: flags.relax,
            targetAmplitude: flags.target,
            targets: flags.targets,
            hardware: hardwareOptionsFrom(flags),
          },
        },
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
      if (flags.waveforms) {
        const { writeTrainingWaveforms } = await import("../../train/waveforms.js");
        await writeTrainingWaveforms(result, `${out}/waveforms.csv`);
      }
      const { writeTrainingPlot } = await import("../../train/plot.js");
      writeTrainingPlot(result.metrics, `${out}/training.html`, `${basename(netlist)} on ${flags.dataset}`);
      const last = result.metrics[result.metrics.length - 1];
      process.stdout.write(
        last
          ? `trained ${result.metrics.length} epochs: train accuracy ${(100 * last.trainAccuracy).toFixed(1)}%, test accuracy ${(100 * last.testAccuracy).toFixed(1)}%, loss ${last.trainLoss.toExponential(3)} V^2\nwrote ${out}/{metrics.json,checkpoint.json,trained.cir,training.html${flags.waveforms ? ",waveforms.csv" : ""}}\n`
          : `nothing to do (0 epochs)\n`,
      );
    }),
  );
}
