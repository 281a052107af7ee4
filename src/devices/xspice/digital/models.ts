/**
 * The XSPICE digital code models eqspice runs at the DC operating point:
 * each model's ports and parameters as its ngspice 39 ifspec.ifs
 * (src/xspice/icm/digital/<model>/), and its DC evaluation (gates.ts,
 * bridges.ts, flipflops.ts) as its cfunc.mod at ANALYSIS == DC, delays
 * ignored.
 */
import type { ParamDef, PortDef, XParams } from "../models.js";

/**
 * A model's DC behaviour: from its digital inputs' states `ins` (ZERO 0,
 * ONE 1, UNKNOWN 2, inversions applied; -1 for a NULL port), in port order,
 * its digital outputs' values `outs` (state + 3 strength, event.ts), in port
 * order; `first`: the operating point's first call (XSPICE's INIT).
 */
export interface DigitalBehaviour {
  evaluate(ins: Int8Array, outs: Uint8Array, first: boolean): void;
}

export interface DigitalModelDef {
  ports: readonly PortDef[];
  params: readonly ParamDef[];
  /**
   * A bridge between analog and digital, elementwise over its vector ports:
   * "adc" (analog in, digital out), "dac" (digital in, analog out); both in
   * bridges.ts. Undefined: a digital model (`make`).
   */
  bridge?: "adc" | "dac";
  make?(p: XParams): DigitalBehaviour;
}

/** A digital port's definition: %d only, `~` allowed. */
export const dport = (name: string, dir: "in" | "out", extra: Partial<PortDef> = {}): PortDef => ({ name, dir, allowed: ["d"], defType: "d", ...extra });

/**
 * The delay parameters (s) every gate declares: read as numbers, unused at
 * DC. Their ifspec limit [1e-12, -] is not enforced: ngspice 39 checks no
 * ifspec limit at run time (only cmpp writes them), so a deck's
 * `set_delay=0` runs there (ngspice's delta-sigma examples), and a delay
 * changes nothing eqspice computes.
 */
export const delays = (...names: string[]): ParamDef[] => names.map((name) => ({ name, kind: "real", def: 1e-9 }));

/** A load parameter (F): read, unused at DC. */
export const load = (name: string): ParamDef => ({ name, kind: "real", def: 1e-12 });
