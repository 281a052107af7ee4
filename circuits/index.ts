export { buildLayered, fmtG, LAYERED_DEFAULTS } from "./layered.js";
export type { LayeredOptions, LayeredCircuit, DiodeParams } from "./layered.js";
export { mulberry32, uniform } from "./rng.js";
export type { Rng } from "./rng.js";
