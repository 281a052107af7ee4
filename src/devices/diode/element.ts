/** The diode element D: its junction at the circuit's temperature, RS (area-scaled) between the anode and an internal node. */
import type { MakeDevice } from "../kind.js";
import { Diode } from "./diode.js";
import { junctionAt, seriesResistanceAt } from "./diode-model.js";

export const makeDiode: MakeDevice<"d"> = (s, { nodes: n, internalNode, options }) => {
  const jp = junctionAt(s.model, s.area, options.temp, s.m ?? 1, options.reltol);
  const rs = seriesResistanceAt(s.model, options.temp) / s.area;
  const ai = rs > 0 ? internalNode("internal") : n[0];
  const d = new Diode(s.name, n[0], n[1], ai, jp, rs > 0 ? 1 / rs : 0);
  d.gmin = options.gmin;
  d.off = s.off === true;
  return d;
};
