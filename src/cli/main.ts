#!/usr/bin/env node
/**
 * eqspice command line. Each command lives in its own module under
 * commands/; errors map to exit codes in one place (errors.ts).
 */
import { Command } from "commander";
import { exitCodeFor, messageFor } from "./errors.js";
import { registerOp } from "./commands/op.js";
import { registerTran } from "./commands/tran.js";
import { registerExportSpice } from "./commands/export-spice.js";
import { registerTrain } from "./commands/train.js";
import { registerGradcheck } from "./commands/gradcheck.js";
import { registerBuild } from "./commands/build.js";
import { registerTheory } from "./commands/theory.js";
import { registerSweep } from "./commands/sweep.js";

async function run(fn: () => Promise<void> | void): Promise<void> {
  try {
    await fn();
  } catch (e) {
    process.stderr.write(messageFor(e) + "\n");
    process.exitCode = exitCodeFor(e);
  }
}

// A closed pipe (`eqspice op big.cir | head`) is not an error: stop quietly.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(0);
  throw e;
});

const program = new Command();
program
  .name("eqspice")
  .description("Analog circuit simulator: SPICE netlists, DC/transient analysis matching ngspice, Equilibrium Propagation training")
  .version("0.1.0")
  .showHelpAfterError();

registerOp(program, run);
registerTran(program, run);
registerExportSpice(program, run);
registerTrain(program, run);
registerGradcheck(program, run);
registerBuild(program, run);
registerTheory(program, run);
registerSweep(program, run);

program.parseAsync(process.argv).catch((e) => {
  process.stderr.write(messageFor(e) + "\n");
  process.exitCode = exitCodeFor(e);
});
