/**
 * oneshot (ngspice 39's icm/analog/oneshot/cfunc.mod): after a clock edge
 * through clk_trig (rising with pos_edge_trig=true), a pulse from out_low
 * to out_high whose width follows the control input through (cntl_array,
 * pw_array) (s), with rise/fall delays and times (s); clear above
 * clk_trig resets it. Inputs clk, cntl_in and clear (V or A; cntl_in and
 * clear may be NULL), output out (V or A).
 *
 * At DC (an operating point, a .dc point, a transient's operating point:
 * ANALYSIS == MIF_DC) cfunc.mod outputs out_low with every partial 0; in AC
 * its gains are 0 (it "has no AC capability"). Its transient (edge
 * detection between accepted time points, the breakpoints it sets at the
 * pulse's corners) is not modelled: a transient refuses the model.
 */
import type { PortType, XModelDef, XParams } from "./models.js";

const VIN: readonly PortType[] = ["v", "vd", "vnam", "i", "id"];
const VOUT: readonly PortType[] = ["v", "vd", "i", "id"];

export const oneshot: XModelDef = {
  ports: [
    { name: "clk", dir: "in", allowed: VIN },
    { name: "cntl_in", dir: "in", allowed: VIN, nullable: true },
    { name: "clear", dir: "in", allowed: VIN, nullable: true },
    { name: "out", dir: "out", allowed: VOUT },
  ],
  params: [
    { name: "cntl_array", kind: "real", vector: { min: 2 } },
    { name: "pw_array", kind: "real", vector: { min: 2 }, limits: [0, Infinity] },
    { name: "clk_trig", kind: "real", def: 0.5 },
    { name: "pos_edge_trig", kind: "bool", def: 1 },
    { name: "out_low", kind: "real", def: 0 },
    { name: "out_high", kind: "real", def: 1 },
    { name: "rise_time", kind: "real", def: 1e-9 },
    { name: "rise_delay", kind: "real", def: 1e-9 },
    { name: "fall_delay", kind: "real", def: 1e-9 },
    { name: "fall_time", kind: "real", def: 1e-9 },
    { name: "retrig", kind: "bool", def: 0 },
  ],
  tranRefusal: "the transient of XSPICE's oneshot (its edge detection and the breakpoints of its pulse) is not modelled (eqspice runs it at DC, in .op and .dc, and in AC)",
  check(p: XParams) {
    const c = (p.get("cntl_array") as readonly number[]).length;
    const w = (p.get("pw_array") as readonly number[]).length;
    // ngspice 39: "Size of control array different than pulse-width array", and the model outputs nothing
    return c === w ? null : { message: `cntl_array has ${c} values, pw_array ${w}: they must be as many`, param: "pw_array" };
  },
  make(p: XParams) {
    const y = p.get("out_low") as number;
    return {
      affine: true,
      evaluate(_u, out) {
        out.fill(0);
        out[0] = y;
      },
    };
  },
};
