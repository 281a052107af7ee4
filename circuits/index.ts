export { buildLayered, fmtG, LAYERED_DEFAULTS } from "./layered.js";
export type { LayeredOptions, LayeredCircuit, DiodeParams } from "./layered.js";
export { mulberry32, uniform } from "./rng.js";
export type { Rng } from "./rng.js";
export { buildDrn, DRN_IDEAL_DIODE } from "./drn.js";
export type { DrnOptions, DrnCircuit } from "./drn.js";
