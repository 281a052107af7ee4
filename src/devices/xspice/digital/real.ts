/**
 * The models of ngspice 39's user-defined node type "real"
 * (src/xspice/icm/xtraevt/), at DC (ANALYSIS == DC, TIME 0):
 *
 * - d_to_real: the real output is `zero`, `one` or (zero + one) / 2 for
 *   an input ZERO, ONE or UNKNOWN, times the enable: 1 when `enable` is
 *   ONE or NULL, else 0.
 * - real_gain: at DC the output is `ic`, whatever the input (the gain,
 *   in_offset and out_offset act in the transient only).
 * - real_delay: at DC it leaves its output unchanged (OUTPUT_CHANGED
 *   FALSE), which keeps the node type's initial value 0.
 * - real_to_v: the analog output is gain times the real input, an ideal
 *   voltage source V(n+) - V(n-) for a %v / %vd port, the current from n+
 *   through the model to n- for a %i / %id port (as dac_bridge's).
 *
 * Delays and transition_time act in the transient only.
 */
import { NetlistError } from "../../../util/errors.js";
import { DacBit } from "./bridges.js";
import { ONE, UNKNOWN, ZERO } from "./event.js";
import { delays, dport, rport, type DigitalModelDef } from "./models.js";

export const REAL_MODELS: Record<string, DigitalModelDef> = {
  d_to_real: {
    ports: [dport("in", "in"), dport("enable", "in", { nullable: true }), rport("out", "out")],
    params: [{ name: "zero", kind: "real", def: 0 }, { name: "one", kind: "real", def: 1 }, ...delays("delay")],
    make: (p) => {
      const zero = p.get("zero") as number;
      const one = p.get("one") as number;
      return {
        evaluate(ins, _outs, _first, _rins, routs) {
          const ena = ins[1] < 0 || ins[1] === ONE ? 1 : 0;
          const s = ins[0];
          routs[0] = s === ZERO ? zero * ena : s === UNKNOWN ? ((zero + one) / 2) * ena : one * ena;
        },
      };
    },
  },
  real_gain: {
    ports: [rport("in", "in"), rport("out", "out")],
    params: [
      { name: "in_offset", kind: "real", def: 0 },
      { name: "gain", kind: "real", def: 1 },
      { name: "out_offset", kind: "real", def: 0 },
      ...delays("delay"),
      { name: "ic", kind: "real", def: 0 },
    ],
    make: (p) => {
      const ic = p.get("ic") as number;
      return {
        evaluate(_ins, _outs, _first, _rins, routs) {
          routs[0] = ic;
        },
      };
    },
  },
  real_delay: {
    ports: [rport("in", "in"), dport("clk", "in"), rport("out", "out")],
    params: delays("delay"),
    make: () => ({
      // the output is never written at DC: it keeps the node's initial 0
      evaluate() {},
    }),
  },
  real_to_v: {
    ports: [rport("in", "in"), { name: "out", dir: "out", allowed: ["v", "vd", "i", "id"], defType: "v" }],
    params: [{ name: "gain", kind: "real", def: 1 }, { name: "transition_time", kind: "real", def: 1e-9 }],
    hybrid(s, nodes) {
      const d = s.digital!;
      if (d.kind !== "model" || !d.dIn[0]) throw new NetlistError(`${s.name}: internal: real_to_v without its input`, s.loc);
      const gain = s.params.get("gain") as number;
      return new DacBit(s.name, d.dIn[0], s.out, nodes[0], nodes[1], (_ins, rins) => rins[0] * gain, "real_to_v");
    },
  },
};
