/**
 * Flip-flops and latches at DC, as their ngspice 39 cfunc.mod computes the
 * outputs at TIME == 0 (every call of the operating point, not only INIT):
 * the state is `ic` (0 ZERO, 1 ONE, 2 UNKNOWN), then
 *
 * - d_dlatch: data's state when enable is ONE;
 * - d_srlatch: ONE when enable is ONE, s ONE and r ZERO; ZERO when enable is
 *   ONE, s ZERO and r ONE;
 * - every one (d_dff, d_jkff, d_tff, d_srff and both latches): ONE when set
 *   is ONE and reset ZERO, ZERO when set is ZERO and reset ONE, UNKNOWN when
 *   both are ONE (a NULL set or reset reads ZERO).
 *
 * Clocks and the clocked inputs play no part at DC. out is the state, Nout
 * its complement (UNKNOWN stays), both STRONG; either may be NULL.
 */
import { STRONG, UNKNOWN, ZERO, ONE, dval } from "./event.js";
import { delays, dport, load, type DigitalModelDef } from "./models.js";
import type { ParamDef } from "../models.js";

const IC: ParamDef = { name: "ic", kind: "real", def: 0, limits: [0, 2] };
const nul = { nullable: true };

/**
 * A flip-flop or latch with its clocked inputs `ins`, asynchronous set and reset, and out / Nout:
 * `latch` gives the state from ic and the clocked inputs' states (or leaves ic).
 */
function ff(ins: string[], delayNames: string[], loads: string[], latch?: (ic: number, s: Int8Array) => number): DigitalModelDef {
  const n = ins.length;
  return {
    ports: [...ins.map((p) => dport(p, "in")), dport("set", "in", nul), dport("reset", "in", nul), dport("out", "out", nul), dport("Nout", "out", nul)],
    params: [...delays(...delayNames, "set_delay", "reset_delay"), IC, ...delays("rise_delay", "fall_delay"), ...loads.map(load), load("set_load"), load("reset_load")],
    make: (p) => {
      const ic = Math.trunc(p.get("ic") as number);
      return {
        evaluate(s, outs) {
          let t = latch ? latch(ic, s) : ic;
          const set = s[n] < 0 ? ZERO : s[n];
          const reset = s[n + 1] < 0 ? ZERO : s[n + 1];
          if (set === ONE && reset === ZERO) t = ONE;
          if (set === ZERO && reset === ONE) t = ZERO;
          if (set === ONE && reset === ONE) t = UNKNOWN;
          outs[0] = dval(t, STRONG);
          outs[1] = dval(t === UNKNOWN ? UNKNOWN : 1 - t, STRONG);
        },
      };
    },
  };
}

export const FLIPFLOPS: Record<string, DigitalModelDef> = {
  d_dff: ff(["data", "clk"], ["clk_delay"], ["data_load", "clk_load"]),
  d_jkff: ff(["j", "k", "clk"], ["clk_delay"], ["jk_load", "clk_load"]),
  d_tff: ff(["t", "clk"], ["clk_delay"], ["t_load", "clk_load"]),
  d_srff: ff(["s", "r", "clk"], ["clk_delay"], ["sr_load", "clk_load"]),
  d_dlatch: ff(["data", "enable"], ["data_delay", "enable_delay"], ["data_load", "enable_load"], (ic, s) => (s[1] === ONE ? s[0] : ic)),
  d_srlatch: ff(["s", "r", "enable"], ["sr_delay", "enable_delay"], ["sr_load", "enable_load"], (ic, s) => {
    if (s[2] === ONE && s[0] === ONE && s[1] === ZERO) return ONE;
    if (s[2] === ONE && s[0] === ZERO && s[1] === ONE) return ZERO;
    return ic;
  }),
};
