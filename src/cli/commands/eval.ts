/** `eqspice eval NETLIST --dataset D`: test-set accuracy and loss of a (trained) circuit. */
import type { Command } from "commander";
import { evalJobOf, evaluateNetlist } from "../../train/eval.js";
import { addOptionFlags, optionValuesFromFlags } from "../options.js";

export function registerEval(program: Command, run: (fn: () => Promise<void> | void) => Promise<void>): void {
  const cmd = program
    .command("eval")
    .description("test-set accuracy and loss of a circuit as it is (e.g. a trained.cir, or an edited variant)")
    .argument("<netlist>", "annotated SPICE netlist (*@input, *@output)");
  addOptionFlags(cmd, "eval");
  cmd.action((netlist: string, flags: Record<string, unknown>) =>
    run(async () => {
      const v = optionValuesFromFlags("eval", flags);
      const r = await evaluateNetlist(evalJobOf(netlist, v));
      if (v.json) process.stdout.write(JSON.stringify(r) + "\n");
      else
        process.stdout.write(
          `${netlist} on ${v.dataset}: test accuracy ${(100 * r.testAccuracy).toFixed(2)}% (${r.samples} samples), loss ${r.testLoss.toExponential(4)} V^2, ${r.seconds.toFixed(1)} s\n`,
        );
    }),
  );
}
