/** `eqspice export-spice FILE [-o OUT]`: plain SPICE for ngspice, `*@crossbar` expanded into R lines. */
import { writeFileSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { exportSpice } from "../../netlist/export.js";
import { InputError } from "../../util/errors.js";

export function registerExportSpice(program: Command, run: (fn: () => Promise<void> | void) => Promise<void>): void {
  program
    .command("export-spice")
    .description("write plain SPICE that ngspice runs: *@crossbar declarations expanded into R lines, everything else kept")
    .argument("<file>", "annotated SPICE netlist")
    .option("-o, --output <out>", "output file (default: stdout); relative .include paths are rewritten for its directory")
    .action((file: string, opts: { output?: string }) =>
      run(() => {
        const out = opts.output;
        const text = exportSpice(file, { outDir: out ? path.dirname(path.resolve(out)) : undefined });
        if (!out) {
          process.stdout.write(text.endsWith("\n") ? text : text + "\n");
          return;
        }
        try {
          writeFileSync(out, text.endsWith("\n") ? text : text + "\n");
        } catch (e) {
          throw new InputError(`cannot write '${out}': ${(e as NodeJS.ErrnoException).code ?? e}`);
        }
      }),
    );
}
