/**
 * The XSPICE digital code models eqspice runs at the DC operating point:
 * each model's ports and parameters as its ngspice 39 ifspec.ifs
 * (src/xspice/icm/digital/<model>/), and its DC evaluation (gates.ts,
 * bridges.ts, flipflops.ts) as its cfunc.mod at ANALYSIS == DC, delays
 * ignored.
 */
import type { Device } from "../../types.js";
import type { XspiceSpec } from "../line.js";
import type { ParamDef, PortDef, XFileAccess, XParams } from "../models.js";

/**
 * A model's DC behaviour: from its digital inputs' states `ins` (ZERO 0,
 * ONE 1, UNKNOWN 2, inversions applied; -1 for a NULL port), in port order,
 * its digital outputs' values `outs` (state + 3 strength, event.ts), in port
 * order; `first`: the operating point's first call (XSPICE's INIT).
 */
export interface DigitalBehaviour {
  /** `rins` / `routs`: the values of the real ports (xtraevt's node type "real"), in the same port order. */
  evaluate(ins: Int8Array, outs: Uint8Array, first: boolean, rins: Float64Array, routs: Float64Array): void;
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
  /**
   * Checks of the parameters and port sizes beyond the ifspec's (arrays that
   * must agree), and what the model reads of a file (d_state's table): the
   * entries returned join the instance's parameters, named with a leading
   * '#' so that no card parameter can clash.
   */
  validate?(p: XParams, ctx: DigitalLineContext): ReadonlyMap<string, number | readonly number[] | string> | void;
  /**
   * A model with one scalar analog port besides its event ports (d_osc's
   * analog input, real_to_v's analog output): its device, from the spec
   * (digital/line.ts reads the analog port as adc_bridge's input or
   * dac_bridge's output) and the circuit's node numbers of spec.nodes.
   */
  hybrid?(s: XspiceSpec, nodes: readonly number[]): Device;
}

/** What `validate` may ask of the line: its vector ports' sizes, the files its parameters name, errors at a parameter or a port. */
export interface DigitalLineContext {
  sizes: ReadonlyMap<string, number>;
  /** The file a string parameter names (found as ngspice 39's fopen_with_path), and errors at a parameter (at the card when it is not given). */
  files: XFileAccess;
  /** Throw a NetlistError at port `port` of the line. */
  failPort(port: string, msg: string): never;
}

/** A digital port's definition: %d only, `~` allowed. */
export const dport = (name: string, dir: "in" | "out", extra: Partial<PortDef> = {}): PortDef => ({ name, dir, allowed: ["d"], defType: "d", ...extra });

/** A port of the user-defined node type "real" (xtraevt/real): its type is written as the default, never as `%type`. */
export const rport = (name: string, dir: "in" | "out"): PortDef => ({ name, dir, allowed: ["real"], defType: "real" });

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
