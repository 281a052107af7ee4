/** `eqspice eval NETLIST --dataset D`: test-set accuracy and loss of a (trained) circuit. */
import type { Command } from "commander";
import { evaluateNetlist } from "../../train/eval.js";
import { TARGET_ENCODINGS, type TargetEncoding } from "../../train/targets.js";
import { num, int, oneOf } from "../options.js";

interface Flags {
  dataset: string;
  vin?: number;
  target?: number;
  targets?: TargetEncoding;
  limitTest?: number;
  relax?: "auto" | "newton" | "bcd" | "ode";
  readNoise?: number;
  seed?: number;
  json?: boolean;
}

export function registerEval(program: Command, run: (fn: () => Promise<void> | void) => Promise<void>): void {
  program
    .command("eval")
    .description("test-set accuracy and loss of a circuit as it is (e.g. a trained.cir, or an edited variant)")
    .argument("<netlist>", "annotated SPICE netlist (*@input, *@output)")
    .requiredOption("--dataset <name>", "xor | iris | mnist | fashion-mnist | idx:DIR | FILE.csv")
    .option("--vin <volts>", "input gain (default: the netlist's *@defaults, else 4 V)", num("--vin"))
    .option("--target <volts>", "target amplitude for the loss (default: the netlist's, else 0.1 V)", num("--target"))
    .option("--targets <encoding>", "signed | onehot (default: the netlist's, else signed)", oneOf("--targets", TARGET_ENCODINGS))
    .option("--limit-test <n>", "evaluate on the first n test samples", int("--limit-test"))
    .option("--relax <how>", "auto | newton | bcd | ode", oneOf("--relax", ["auto", "newton", "bcd", "ode"] as const))
    .option("--read-noise <V>", "std of noise on every output reading (V)", num("--read-noise"))
    .option("--seed <s>", "seed of the read noise (default 1)", int("--seed"))
    .option("--json", 'print {"testAccuracy", "testLoss", "samples", ...} as one JSON object')
    .action((netlist: string, f: Flags) =>
      run(async () => {
        const r = await evaluateNetlist({ netlist, dataset: f.dataset, vin: f.vin, target: f.target, targets: f.targets, limitTest: f.limitTest, relax: f.relax, readNoise: f.readNoise, seed: f.seed });
        if (f.json) process.stdout.write(JSON.stringify(r) + "\n");
        else
          process.stdout.write(
            `${netlist} on ${f.dataset}: test accuracy ${(100 * r.testAccuracy).toFixed(2)}% (${r.samples} samples), loss ${r.testLoss.toExponential(4)} V^2, ${r.seconds.toFixed(1)} s\n`,
          );
      }),
    );
}
