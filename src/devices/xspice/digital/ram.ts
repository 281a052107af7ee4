/**
 * d_ram at DC, as its ngspice 39 cfunc.mod (src/xspice/icm/digital/d_ram/)
 * computes TIME 0: the RAM is selected when every select line's state is
 * the matching bit of select_value (select[0] its least significant bit;
 * an UNKNOWN line never matches). Selected with write_en ZERO, every
 * data_out bit is `ic` (0 ZERO, 1 ONE, 2 UNKNOWN), STRONG; otherwise every
 * one is UNKNOWN, HI_IMPEDANCE. The address and data_in play no part at DC.
 * data_out has as many bits as data_in (the cfunc writes data_in's width of
 * them: other sizes are refused here), and at most 16 select lines (its
 * ifspec's bounds).
 */
import { HI_IMPEDANCE, ONE, STRONG, UNKNOWN, ZERO, dval } from "./event.js";
import { delays, dport, load, type DigitalModelDef } from "./models.js";

export const RAM_MODELS: Record<string, DigitalModelDef> = {
  d_ram: {
    ports: [
      dport("data_in", "in", { vectorMin: 1 }),
      dport("data_out", "out", { vectorMin: 1 }),
      dport("address", "in", { vectorMin: 1 }),
      dport("write_en", "in"),
      dport("select", "in", { vectorMin: 1 }),
    ],
    params: [
      { name: "select_value", kind: "int", def: 1 },
      { name: "ic", kind: "int", def: 2, limits: [0, 2] },
      ...delays("read_delay"),
      load("data_load"),
      load("address_load"),
      load("select_load"),
      load("enable_load"),
    ],
    validate(_p, { sizes, failPort }) {
      const w = sizes.get("data_in")!;
      if (sizes.get("data_out") !== w) failPort("data_out", `d_ram's data_out has ${sizes.get("data_out")} bits and data_in ${w}: they must be of one width`);
      if (sizes.get("select")! > 16) failPort("select", `d_ram takes at most 16 select lines, this one has ${sizes.get("select")}`);
      return new Map([["#select_size", sizes.get("select")!]]);
    },
    make: (p) => {
      const selectValue = p.get("select_value") as number;
      const ic = dval(p.get("ic") as number, STRONG);
      const off = dval(UNKNOWN, HI_IMPEDANCE);
      const nSel = p.get("#select_size") as number;
      return {
        evaluate(ins, outs) {
          // ins: data_in, address, write_en, then the nSel select lines
          let v = selectValue;
          let select = ONE;
          for (let i = ins.length - nSel; i < ins.length; i++) {
            if (ins[i] !== (v & 1)) select = ZERO;
            v >>= 1;
          }
          const writeEn = ins[ins.length - nSel - 1];
          outs.fill(select === ONE && writeEn === ZERO ? ic : off);
        },
      };
    },
  },
};
