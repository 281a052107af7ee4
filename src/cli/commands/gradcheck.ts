/** `eqspice gradcheck NETLIST --dataset D`: an estimator's gradient against the exact one. */
import type { Command } from "commander";
import { ESTIMATORS, type EstimatorName } from "../../train/estimators.js";
import { runGradcheckJob } from "../../train/gradcheck.js";
import { num, int, oneOf } from "../options.js";

interface Flags {
  dataset: string;
  beta?: number;
  estimator?: EstimatorName;
  samples?: number;
  relax?: "auto" | "newton" | "bcd" | "ode";
  vin?: number;
  json?: boolean;
}

export function registerGradcheck(program: Command, run: (fn: () => Promise<void> | void) => Promise<void>): void {
  program
    .command("gradcheck")
    .description("compare an estimator's gradient with the exact gradient (implicit differentiation) on a batch")
    .argument("<netlist>", "annotated SPICE netlist")
    .requiredOption("--dataset <name>", "xor | iris | mnist | fashion-mnist | idx:DIR | FILE.csv")
    .option("--beta <b>", "nudge strength (default 1e-3)", num("--beta"))
    .option("--estimator <e>", `${ESTIMATORS.join(" | ")} (default centered)`, oneOf("--estimator", ESTIMATORS))
    .option("--samples <n>", "batch size (default 8)", int("--samples"))
    .option("--relax <how>", "auto | newton | bcd | ode", oneOf("--relax", ["auto", "newton", "bcd", "ode"] as const))
    .option("--vin <volts>", "input range (default 4 V)", num("--vin"))
    .option("--json", 'print {"cosine", "relativeError", "beta", ...} as one JSON object')
    .action((netlist: string, f: Flags) =>
      run(async () => {
        const r = await runGradcheckJob({ netlist, dataset: f.dataset, vin: f.vin, beta: f.beta, estimator: f.estimator, samples: f.samples, relax: f.relax });
        if (f.json) process.stdout.write(JSON.stringify(r) + "\n");
        else
          process.stdout.write(
            `${r.estimator} at beta=${r.beta} on ${r.samples} samples: cosine ${r.cosine.toFixed(6)}, relative error ${r.relativeError.toExponential(3)} (|exact| = ${r.exactNorm.toExponential(3)} V^2/S)\n`,
          );
      }),
    );
}
