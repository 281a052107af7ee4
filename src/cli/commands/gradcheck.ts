/** `eqspice gradcheck NETLIST --dataset D`: an estimator's gradient against the exact one. */
import type { Command } from "commander";
import { loadCircuit } from "../../api.js";
import { loadDataset } from "../../data/sources.js";
import { scaleInputs } from "../../data/dataset.js";
import { EqModel } from "../../train/model.js";
import { ESTIMATORS, type EstimatorName } from "../../train/estimators.js";
import { gradcheck } from "../../train/gradcheck.js";
import { DEFAULT_VIN } from "../../train/run.js";
import { num, int, oneOf } from "../options.js";
import { netlistDefaults } from "../../train/job-defaults.js";

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
        const circuit = loadCircuit(netlist);
        // The netlist's *@defaults give the input gain and the targets (its beta is a training nudge, not a check's).
        const nd = netlistDefaults(circuit);
        const model = new EqModel(circuit);
        if (f.relax === "ode") await model.loadOde();
        const data = scaleInputs(loadDataset(f.dataset, { limitTrain: f.samples }), f.vin ?? nd.vin ?? DEFAULT_VIN);
        const r = gradcheck(model, data, {
          beta: f.beta ?? 1e-3,
          estimator: f.estimator ?? "centered",
          samples: f.samples,
          relax: f.relax,
          targetAmplitude: nd.options.targetAmplitude,
          targets: nd.options.targets,
        });
        if (f.json) process.stdout.write(JSON.stringify(r) + "\n");
        else
          process.stdout.write(
            `${r.estimator} at beta=${r.beta} on ${r.samples} samples: cosine ${r.cosine.toFixed(6)}, relative error ${r.relativeError.toExponential(3)} (|exact| = ${r.exactNorm.toExponential(3)} V^2/S)\n`,
          );
      }),
    );
}
