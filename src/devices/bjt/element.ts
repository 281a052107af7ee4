/** The BJT element Q: collector, base, emitter, substrate, with internal nodes behind RC, RB and RE. */
import type { MakeDevice } from "../kind.js";
import { Bjt } from "./bjt.js";
import { bjtInstanceAt } from "./bjt-model.js";

export const makeBjt: MakeDevice<"q"> = (s, { nodes: n, internalNode, options }) => {
  const p = bjtInstanceAt(s.model, s.area, s.m, options.temp);
  // RC, RB, RE put internal nodes between the terminals and the transistor, as ngspice's bjtsetup.c (RB by the model's value).
  const ci = s.model.rc !== 0 ? internalNode("collector") : n[0];
  const bi = s.model.rb !== 0 ? internalNode("base") : n[1];
  const ei = s.model.re !== 0 ? internalNode("emitter") : n[2];
  const q = new Bjt(s.name, n[0], n[1], n[2], n[3], ci, bi, ei, p);
  q.gmin = options.gmin;
  q.off = s.off === true;
  return q;
};
