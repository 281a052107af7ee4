/** The MOSFET element M: drain, gate, source, bulk, with internal drain/source nodes behind RD/RS. */
import type { MakeDevice } from "../kind.js";
import { Mosfet } from "./mosfet.js";
import { mosInstanceAt } from "./mosfet-model.js";

export const makeMosfet: MakeDevice<"m"> = (s, { nodes: n, internalNode, options }) => {
  const p = mosInstanceAt(s.model, s.geometry, options.temp);
  // RD / RS (or RSH * NRD / NRS) put internal nodes between the terminals and the channel, as ngspice's mos1set.c.
  const di = p.gd > 0 ? internalNode("drain") : n[0];
  const si = p.gs > 0 ? internalNode("source") : n[2];
  const m = new Mosfet(s.name, n[0], n[1], n[2], n[3], di, si, p);
  m.gmin = options.gmin;
  return m;
};
