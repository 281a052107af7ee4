/** Sweep keys -> the library's training options (TrainOptions with HardwareOptions inside). */
import type { EstimatorName } from "../train/estimators.js";
import type { HardwareOptions } from "../train/hardware.js";
import type { TrainOptions } from "../train/trainer.js";
import type { Flat } from "./config.js";

/** A numeric key's value (undefined when unset). */
export const num = (v: Flat, k: string): number | undefined => v[k] as number | undefined;

export const HARDWARE_KEYS = ["gmin", "gmax", "levels", "writeNoise", "d2d", "asymmetry", "readNoise"] as const;

/** The train options a point sets; unset keys stay undefined (library defaults apply). */
export function trainOptions(v: Flat): Partial<TrainOptions> & { hardware: HardwareOptions } {
  const hardware: HardwareOptions = {};
  for (const k of HARDWARE_KEYS) if (v[k] !== undefined) hardware[k] = num(v, k);
  return {
    epochs: num(v, "epochs"),
    beta: num(v, "beta"),
    lr: num(v, "lr"),
    lrDecay: num(v, "lrDecay"),
    estimator: v.estimator as EstimatorName | undefined,
    seed: num(v, "seed"),
    batch: num(v, "batch"),
    relax: v.relax as TrainOptions["relax"] | undefined,
    targetAmplitude: num(v, "targetAmplitude"),
    targets: v.targets as TrainOptions["targets"] | undefined,
    hardware,
  };
}
