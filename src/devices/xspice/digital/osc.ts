/**
 * d_osc, the controlled digital oscillator, and d_pwm, the pulse width
 * modulator, at DC as their ngspice 39 cfunc.mod
 * (src/xspice/icm/digital/d_osc/, d_pwm/) runs TIME == 0: the event call
 * presets the edge times t1 and t3 to -1, so that neither edge is at TIME
 * 0 and 0 lies outside (t1, t3): the output is ZERO, STRONG, whatever the
 * control input (V of a %v / %vd port, A of a %i / %id port: a 0 V source
 * in series, as adc_bridge's), duty_cycle, frequency or init_phase, which
 * shape the transient only. cntl_array and freq_array (d_pwm: dc_array)
 * must be of one size (the cfunc returns with an error message otherwise:
 * refused here).
 */
import { NetlistError } from "../../../util/errors.js";
import { AdcBit } from "./bridges.js";
import { STRONG, ZERO, dval } from "./event.js";
import { delays, dport, type DigitalModelDef } from "./models.js";
import type { ParamDef } from "../models.js";

/** A controlled oscillator (ports cntl_in, out) with the parameters `params`, whose control array cntl_array pairs with `pair`. */
const oscillator = (model: string, pair: string, params: ParamDef[], ngMessage: string): DigitalModelDef => ({
  ports: [
    { name: "cntl_in", dir: "in", allowed: ["v", "vd", "i", "id"], defType: "v" },
    dport("out", "out"),
  ],
  params,
  validate(p, { files: { fail } }) {
    const n = (p.get("cntl_array") as readonly number[]).length;
    const m = (p.get(pair) as readonly number[]).length;
    if (n !== m) fail(pair, `${model}'s cntl_array has ${n} values and ${pair} ${m}: they must be of one size (ngspice 39: "${ngMessage}")`);
  },
  hybrid(s, nodes) {
    const u = s.inputs[0];
    const d = s.digital!;
    if (d.kind !== "model" || !d.dOut[0]) throw new NetlistError(`${s.name}: internal: ${model} without its output`, s.loc);
    const out = dval(ZERO, STRONG);
    return new AdcBit(s.name, u.kind === "v" ? { kind: "v", p: nodes[u.p], n: nodes[u.n] } : u, d.dOut[0], () => out, model);
  },
});

export const OSC_MODELS: Record<string, DigitalModelDef> = {
  d_osc: oscillator(
    "d_osc",
    "freq_array",
    [
      { name: "cntl_array", kind: "real", def: 0, vector: { min: 2 } },
      { name: "freq_array", kind: "real", def: 1e6, vector: { min: 2 } },
      { name: "duty_cycle", kind: "real", def: 0.5 },
      { name: "init_phase", kind: "real", def: 0 },
      ...delays("rise_delay", "fall_delay"),
    ],
    "Size of control array different than frequency array",
  ),
  d_pwm: oscillator(
    "d_pwm",
    "dc_array",
    [
      { name: "cntl_array", kind: "real", def: 0, vector: { min: 2 } },
      { name: "dc_array", kind: "real", def: 0.5, vector: { min: 2 } },
      { name: "frequency", kind: "real", def: 1e6 },
      { name: "init_phase", kind: "real", def: 0 },
      ...delays("rise_delay", "fall_delay"),
    ],
    "Size of control array different than duty cycle array",
  ),
};
