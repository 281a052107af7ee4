/** The XSPICE digital code models eqspice runs at DC, by model type (models.ts). */
import { BRIDGES } from "./bridges.js";
import { FLIPFLOPS } from "./flipflops.js";
import { GATES } from "./gates.js";
import { TABLE_MODELS } from "./lut.js";
import { OSC_MODELS } from "./osc.js";
import { REAL_MODELS } from "./real.js";
import type { DigitalModelDef } from "./models.js";

export const DIGITAL_MODELS: Record<string, DigitalModelDef> = { ...BRIDGES, ...GATES, ...FLIPFLOPS, ...TABLE_MODELS, ...OSC_MODELS, ...REAL_MODELS };
