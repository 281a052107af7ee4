/** The VDMOS element: an M line whose model is a VDMOS card (drain gate source), internal nodes behind RD, RG, RS, RB. */
import type { MakeDevice } from "../kind.js";
import { Vdmos } from "./vdmos.js";
import { vdmosInstanceAt } from "./vdmos-model.js";
import { CONSTCtoK } from "../diode/diode-model.js";

export const makeVdmos: MakeDevice<"vdmos"> = (s, { nodes: n, internalNode, options }) => {
  const p = vdmosInstanceAt(s.model, s.m, s.temp, options.reltol);
  // vdmosset.c: a node behind each resistance that is positive (the card's, before temperature)
  const di = s.model.rd > 0 ? internalNode("drain") : n[0];
  const gi = s.model.rg > 0 ? internalNode("gate") : n[1];
  const si = s.model.rs > 0 ? internalNode("source") : n[2];
  const bi = s.model.rb > 0 ? internalNode("body") : n[2];
  // `thermal`: nodes tj, tcase and the self-heating network (the instance values at the junction temperature on each load)
  const th = s.thermal
    ? { tj: n[3], tc: n[4], rthjc: s.model.rthjc, rthca: s.model.rthca, tambC: options.temp, at: (T: number) => vdmosInstanceAt(s.model, s.m, T - CONSTCtoK, options.reltol) }
    : null;
  const dev = new Vdmos(s.name, n[0], n[1], n[2], di, gi, si, bi, p, th);
  dev.gmin = options.gmin;
  dev.off = s.off === true;
  dev.icVds = s.icVds;
  dev.icVgs = s.icVgs;
  return dev;
};
