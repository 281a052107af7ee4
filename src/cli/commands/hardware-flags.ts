/** The hardware-realism flags shared by train, gradcheck and sweeps. */
import type { Command } from "commander";
import type { HardwareOptions } from "../../train/hardware.js";
import { num, int } from "../options.js";

/** Commander turns --write-noise into writeNoise, so the flags are exactly the options. */
export type HardwareFlags = HardwareOptions;

export function addHardwareOptions(cmd: Command): Command {
  return cmd
    .option("--gmin <S>", "lower conductance bound of every trainable device (S)", num("--gmin"))
    .option("--gmax <S>", "upper conductance bound (S)", num("--gmax"))
    .option("--levels <n>", "programmable conductance levels (0 = continuous)", int("--levels"))
    .option("--write-noise <f>", "programming noise std, fraction of (gmax - gmin)", num("--write-noise"))
    .option("--d2d <f>", "device-to-device relative variation of the range", num("--d2d"))
    .option("--asymmetry <a>", "up steps x(1+a), down steps x(1-a)", num("--asymmetry"))
    .option("--read-noise <V>", "std of noise on every measured voltage (V)", num("--read-noise"));
}

export function hardwareOptionsFrom(f: HardwareFlags): HardwareOptions {
  const h: HardwareOptions = {};
  for (const k of ["gmin", "gmax", "levels", "writeNoise", "d2d", "asymmetry", "readNoise"] as const) if (f[k] !== undefined) h[k] = f[k];
  return h;
}
