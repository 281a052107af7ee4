/** The XSPICE digital code models eqspice runs at DC, by model type (models.ts). */
import { BRIDGES } from "./bridges.js";
import { FLIPFLOPS } from "./flipflops.js";
import { GATES } from "./gates.js";
import { TABLE_MODELS } from "./lut.js";
import type { DigitalModelDef } from "./models.js";

export const DIGITAL_MODELS: Record<string, DigitalModelDef> = { ...BRIDGES, ...GATES, ...FLIPFLOPS, ...TABLE_MODELS };
