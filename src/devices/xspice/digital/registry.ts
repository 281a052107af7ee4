/** The XSPICE digital code models eqspice runs at DC, by model type (models.ts). */
import { BRIDGES } from "./bridges.js";
import { FLIPFLOPS } from "./flipflops.js";
import { GATES } from "./gates.js";
import { TABLE_MODELS } from "./lut.js";
import { OSC_MODELS } from "./osc.js";
import { RAM_MODELS } from "./ram.js";
import { REAL_MODELS } from "./real.js";
import { STATE_MODELS } from "./state.js";
import type { DigitalModelDef } from "./models.js";

export const DIGITAL_MODELS: Record<string, DigitalModelDef> = { ...BRIDGES, ...GATES, ...FLIPFLOPS, ...TABLE_MODELS, ...OSC_MODELS, ...REAL_MODELS, ...STATE_MODELS, ...RAM_MODELS };
