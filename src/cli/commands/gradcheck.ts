/** `eqspice gradcheck NETLIST --dataset D`: an estimator's gradient against the exact one. */
import type { Command } from "commander";
import { gradcheckJobOf, runGradcheckJob } from "../../train/gradcheck.js";
import { addOptionFlags, optionValuesFromFlags } from "../options.js";

export function registerGradcheck(program: Command, run: (fn: () => Promise<void> | void) => Promise<void>): void {
  const cmd = program
    .command("gradcheck")
    .description("compare an estimator's gradient with the exact gradient (implicit differentiation) on a batch")
    .argument("<netlist>", "annotated SPICE netlist");
  addOptionFlags(cmd, "gradcheck");
  cmd.action((netlist: string, flags: Record<string, unknown>) =>
    run(async () => {
      const v = optionValuesFromFlags("gradcheck", flags);
      const r = await runGradcheckJob(gradcheckJobOf(netlist, v));
      if (v.json) process.stdout.write(JSON.stringify(r) + "\n");
      else
        process.stdout.write(
          `${r.estimator} at beta=${r.beta} on ${r.samples} samples: cosine ${r.cosine.toFixed(6)}, relative error ${r.relativeError.toExponential(3)} (|exact| = ${r.exactNorm.toExponential(3)} V^2/S)\n`,
        );
    }),
  );
}
