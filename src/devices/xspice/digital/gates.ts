/**
 * The combinational digital models at DC, as their ngspice 39 cfunc.mod
 * computes the output at ANALYSIS == DC (no delays): d_and, d_nand, d_or,
 * d_nor, d_xor, d_xnor (vector input `in` of at least 2, scalar `out`),
 * d_buffer, d_inverter, d_tristate, d_pullup, d_pulldown, d_open_c, d_open_e.
 * Outputs are STRONG unless stated.
 */
import { HI_IMPEDANCE, ONE, RESISTIVE, STRONG, UNDETERMINED, UNKNOWN, ZERO, dval } from "./event.js";
import { delays, dport, load, type DigitalBehaviour, type DigitalModelDef } from "./models.js";

const not = (s: number): number => (s === UNKNOWN ? UNKNOWN : 1 - s);

/** and: ZERO if an input is ZERO, else UNKNOWN if one is, else ONE (d_and/cfunc.mod). */
function and(ins: Int8Array): number {
  let u = false;
  for (const s of ins) {
    if (s === ZERO) return ZERO;
    if (s === UNKNOWN) u = true;
  }
  return u ? UNKNOWN : ONE;
}

/** or: ONE if an input is ONE, else UNKNOWN if one is, else ZERO (d_or/cfunc.mod). */
function or(ins: Int8Array): number {
  let u = false;
  for (const s of ins) {
    if (s === ONE) return ONE;
    if (s === UNKNOWN) u = true;
  }
  return u ? UNKNOWN : ZERO;
}

/** xor: UNKNOWN if an input is, else the parity of the ONEs (d_xor/cfunc.mod). */
function xor(ins: Int8Array): number {
  let p = 0;
  for (const s of ins) {
    if (s === UNKNOWN) return UNKNOWN;
    p ^= s;
  }
  return p;
}

const strong = (f: (ins: Int8Array) => number): (() => DigitalBehaviour) => () => ({
  evaluate(ins, outs) {
    outs[0] = dval(f(ins), STRONG);
  },
});

const gate = (f: (ins: Int8Array) => number): DigitalModelDef => ({
  ports: [dport("in", "in", { vectorMin: 2 }), dport("out", "out")],
  params: [...delays("rise_delay", "fall_delay"), load("input_load")],
  make: strong(f),
});

const single = (f: (s: number) => number): DigitalModelDef => ({
  ports: [dport("in", "in"), dport("out", "out")],
  params: [...delays("rise_delay", "fall_delay"), load("input_load")],
  make: strong((ins) => f(ins[0])),
});

/** An open collector / emitter: the input's state, `hiZ` its state that floats, the other STRONG, UNKNOWN UNDETERMINED. */
const open = (hiZ: number, params: string[]): DigitalModelDef => ({
  ports: [dport("in", "in"), dport("out", "out")],
  params: [...delays(...params), load("input_load")],
  make: () => ({
    evaluate(ins, outs) {
      const s = ins[0];
      outs[0] = dval(s, s === UNKNOWN ? UNDETERMINED : s === hiZ ? HI_IMPEDANCE : STRONG);
    },
  }),
});

/** A constant RESISTIVE driver (d_pullup ONE, d_pulldown ZERO). */
const pull = (state: number): DigitalModelDef => ({
  ports: [dport("out", "out")],
  params: [load("load")],
  make: () => ({
    evaluate(_ins, outs) {
      outs[0] = dval(state, RESISTIVE);
    },
  }),
});

export const GATES: Record<string, DigitalModelDef> = {
  d_and: gate(and),
  d_nand: gate((ins) => not(and(ins))),
  d_or: gate(or),
  d_nor: gate((ins) => not(or(ins))),
  d_xor: gate(xor),
  d_xnor: gate((ins) => not(xor(ins))),
  d_buffer: single((s) => s),
  d_inverter: single(not),
  /** in's state; strength by enable: ZERO HI_IMPEDANCE, UNKNOWN UNDETERMINED, ONE STRONG (d_tristate/cfunc.mod). */
  d_tristate: {
    ports: [dport("in", "in"), dport("enable", "in"), dport("out", "out")],
    params: [...delays("delay"), load("input_load"), load("enable_load")],
    make: () => ({
      evaluate(ins, outs) {
        const en = ins[1];
        outs[0] = dval(ins[0], en === ZERO ? HI_IMPEDANCE : en === UNKNOWN ? UNDETERMINED : STRONG);
      },
    }),
  },
  d_pullup: pull(ONE),
  d_pulldown: pull(ZERO),
  d_open_c: open(ONE, ["open_delay", "fall_delay"]),
  d_open_e: open(ZERO, ["rise_delay", "open_delay"]),
};
