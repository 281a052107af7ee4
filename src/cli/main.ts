#!/usr/bin/env node
/**
 * eqspice command line. Each command lives in its own module under
 * commands/; errors map to exit codes in one place (errors.ts).
 */
import { Command } from "commander";
import { exitCodeFor, messageFor } from "./errors.js";
import { registerOp } from "./commands/op.js";
import { registerTrain } from "./commands/train.js";

async function run(fn: () => Promise<void> | void): Promise<void> {
  try {
    await fn();
  } catch (e) {
    process.stderr.write(messageFor(e) + "\n");
    process.exitCode = exitCodeFor(e);
  }
}

const program = new Command();
program
  .name("eqspice")
  .description("Analog circuit simulator: SPICE netlists, DC/transient analysis matching ngspice, Equilibrium Propagation training")
  .version("0.1.0")
  .showHelpAfterError();

registerOp(program, run);
registerTrain(program, run);

program.parseAsync(process.argv).catch((e) => {
  process.stderr.write(messageFor(e) + "\n");
  process.exitCode = exitCodeFor(e);
});
