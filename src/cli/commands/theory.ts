/** `eqspice theory [all|beta|rbp|early] [--out plots/]`: reproduce the theory behind EqProp as plots and numbers. */
import type { Command } from "commander";
import { InputError } from "../../util/errors.js";
import { runTheory, THEORY_PARTS, type TheoryPart } from "../../theory/index.js";
import { int } from "../options.js";

interface Flags {
  out?: string;
  seed?: number;
  samples?: number;
  quiet?: boolean;
}

export function registerTheory(program: Command, run: (fn: () => Promise<void> | void) => Promise<void>): void {
  program
    .command("theory")
    .description("reproduce EqProp's theory on a 2-hidden-layer diode circuit: beta -> 0 convergence (beta), equivalence with recurrent backprop (rbp), early inference (early); writes HTML plots and theory.json")
    .argument("[which]", `all | ${THEORY_PARTS.join(" | ")}`, "all")
    .option("--out <dir>", "output directory (default plots)")
    .option("--seed <n>", "seed of the circuit's initial conductances (default 2)", int("--seed"))
    .option("--samples <n>", "iris samples in the batch of beta and early (default 8)", int("--samples"))
    .option("--quiet", "no progress on stderr")
    .action((which: string, f: Flags) =>
      run(() => {
        const w = which.toLowerCase();
        if (w !== "all" && !(THEORY_PARTS as readonly string[]).includes(w)) throw new InputError(`theory: unknown part '${which}' (use all, ${THEORY_PARTS.join(", ")})`);
        if (f.samples !== undefined && f.samples < 1) throw new InputError("--samples: must be at least 1");
        const parts: TheoryPart[] = w === "all" ? [...THEORY_PARTS] : [w as TheoryPart];
        const r = runTheory({ parts, outDir: f.out ?? "plots", seed: f.seed, samples: f.samples, log: f.quiet ? undefined : (l) => process.stderr.write(l + "\n") });
        for (const line of r.lines) process.stdout.write(line + "\n");
        process.stdout.write(`wrote ${r.files.join(", ")}\n`);
      }),
    );
}
