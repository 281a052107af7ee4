/**
 * Digital models of a table or a counter, at DC as their ngspice 39
 * cfunc.mod computes TIME 0 (no delays):
 *  - d_lut: the output is `table_values[idx]`, idx the inputs read as a
 *    binary number with in[0] the least significant bit; '1' ONE, '0' ZERO,
 *    any other character (or past the string's end) UNKNOWN; an UNKNOWN
 *    input gives UNKNOWN. STRONG.
 *  - d_genlut: d_lut with a vector output: out[k] is table_values[idx +
 *    k 2^n] (n inputs); '1' ONE and '0' ZERO STRONG, 'z' UNKNOWN
 *    HI_IMPEDANCE, anything else (or past the end) UNKNOWN UNDETERMINED,
 *    as is every output when an input is UNKNOWN.
 *  - d_fdiv (frequency divider): at TIME 0 the output is set from the
 *    initial count i_count alone, ONE when 0 < i_count <= high_cycles
 *    (and i_count < div_factor), else ZERO (the cfunc leaves the state
 *    unwritten for i_count = 0 or i_count > high_cycles, where the output
 *    keeps XSPICE's initial ZERO); the input is not read at DC. STRONG.
 */
import { HI_IMPEDANCE, ONE, STRONG, UNDETERMINED, UNKNOWN, ZERO, dval } from "./event.js";
import { delays, dport, load, type DigitalModelDef } from "./models.js";

/** The inputs read as a binary number, in[0] the least significant bit; -1 when one is UNKNOWN (or NULL). */
function lutIndex(ins: Int8Array): number {
  let idx = 0;
  for (let i = 0; i < ins.length; i++) {
    if (ins[i] === UNKNOWN || ins[i] < 0) return -1;
    if (ins[i] === ONE) idx += 1 << i;
  }
  return idx;
}

export const TABLE_MODELS: Record<string, DigitalModelDef> = {
  d_lut: {
    ports: [dport("in", "in", { vectorMin: 1 }), dport("out", "out")],
    params: [...delays("rise_delay", "fall_delay"), load("input_load"), { name: "table_values", kind: "string", defText: "0" }],
    make: (p) => {
      const text = p.get("table_values") as string;
      const state = (ch: string | undefined): number => (ch === "1" ? ONE : ch === "0" ? ZERO : UNKNOWN);
      return {
        evaluate(ins, outs) {
          const idx = lutIndex(ins);
          outs[0] = dval(idx < 0 ? UNKNOWN : state(text[idx]), STRONG);
        },
      };
    },
  },
  d_genlut: {
    ports: [dport("in", "in", { vectorMin: 1 }), dport("out", "out", { vectorMin: 1 })],
    // every delay and load is a vector (one per port, the last repeated), unused at DC
    params: [
      { name: "rise_delay", kind: "real", def: 1e-9, vector: { min: 1 } },
      { name: "fall_delay", kind: "real", def: 1e-9, vector: { min: 1 } },
      { name: "input_load", kind: "real", def: 1e-12, vector: { min: 1 } },
      { name: "input_delay", kind: "real", def: 0, vector: { min: 1 } },
      { name: "table_values", kind: "string", defText: "0" },
    ],
    make: (p) => {
      const text = p.get("table_values") as string;
      const entry = (ch: string | undefined): number =>
        ch === "1" ? dval(ONE, STRONG) : ch === "0" ? dval(ZERO, STRONG) : ch === "z" ? dval(UNKNOWN, HI_IMPEDANCE) : dval(UNKNOWN, UNDETERMINED);
      return {
        evaluate(ins, outs) {
          const idx = lutIndex(ins);
          if (idx < 0) {
            outs.fill(dval(UNKNOWN, UNDETERMINED));
            return;
          }
          const len = 1 << ins.length;
          for (let k = 0; k < outs.length; k++) outs[k] = entry(text[idx + k * len]);
        },
      };
    },
  },
  d_fdiv: {
    ports: [dport("freq_in", "in"), dport("freq_out", "out")],
    params: [
      { name: "div_factor", kind: "int", def: 2 },
      { name: "high_cycles", kind: "int", def: 1 },
      { name: "i_count", kind: "int", def: 0 },
      ...delays("rise_delay", "fall_delay"),
      load("freq_in_load"),
    ],
    make: (p) => {
      const div = p.get("div_factor") as number;
      const high = p.get("high_cycles") as number;
      let count = p.get("i_count") as number;
      if (div <= count || count < 0) count = 0;
      const out = count > 0 && count <= high ? ONE : ZERO;
      return {
        evaluate(_ins, outs) {
          outs[0] = dval(out, STRONG);
        },
      };
    },
  },
};
