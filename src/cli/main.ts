#!/usr/bin/env node
/**
 * eqspice command line. Each command lives in its own module under
 * commands/; errors map to exit codes in one place (errors.ts).
 */
import { Command } from "commander";
import { exitCodeFor, messageFor } from "./errors.js";

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
  .description("Analog circuit simulator: SPICE netlists, DC operating points, DC sweeps, AC and transient analysis matching ngspice, Equilibrium Propagation training")
  .version("0.1.0")
  .showHelpAfterError();


type Register = (program: Command, run: (fn: () => Promise<void> | void) => Promise<void>) => void;

/**
 * Commands are imported on demand: `eqspice op` loads only the op module,
 * so start-up does not pay for sweep's or training's dependencies. Help
 * (or an unknown command) loads them all to list them.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  op: async () => (await import("./commands/op.js")).registerOp,
  tran: async () => (await import("./commands/tran.js")).registerTran,
  dc: async () => (await import("./commands/dc.js")).registerDc,
  ac: async () => (await import("./commands/ac.js")).registerAc,
  "export-spice": async () => (await import("./commands/export-spice.js")).registerExportSpice,
  train: async () => (await import("./commands/train.js")).registerTrain,
  gradcheck: async () => (await import("./commands/gradcheck.js")).registerGradcheck,
  eval: async () => (await import("./commands/eval.js")).registerEval,
  build: async () => (await import("./commands/build.js")).registerBuild,
  theory: async () => (await import("./commands/theory.js")).registerTheory,
  sweep: async () => (await import("./commands/sweep.js")).registerSweep,
};
const wanted = process.argv[2];
for (const name of wanted && wanted in COMMANDS ? [wanted] : Object.keys(COMMANDS)) (await COMMANDS[name]())(program, run);

program.parseAsync(process.argv).catch((e) => {
  process.stderr.write(messageFor(e) + "\n");
  process.exitCode = exitCodeFor(e);
});
