/** The VBIC element (a Q line on a LEVEL=4/9 card): c, b, e, s, t with vbicsetup.c's internal nodes. */
import type { MakeDevice } from "../kind.js";
import { Vbic } from "./vbic.js";
import { vbicInstanceAt } from "./vbic-model.js";

export const makeVbic: MakeDevice<"vbic"> = (s, { nodes: n, internalNode, options }) => {
  const p = vbicInstanceAt(s.model, s.area, s.m, s.temp);
  const pn = s.model.pnom;
  // vbicsetup.c: cx, bx, ei, si only behind a nonzero RCX, RBX, RE, RS; ci, bp, bi always
  const cx = pn[1] !== 0 ? internalNode("collector") : n[0];
  const bx = pn[6] !== 0 ? internalNode("base") : n[1];
  const ei = pn[8] !== 0 ? internalNode("emitter") : n[2];
  const si = pn[9] !== 0 ? internalNode("substrate") : n[3];
  const ci = internalNode("collCI");
  const bp = internalNode("baseBP");
  const bi = internalNode("baseBI");
  const q = new Vbic(s.name, [n[0], n[1], n[2], n[3], n[4]], [cx, ci, bx, bi, bp, ei, si], p);
  q.gmin = options.gmin;
  q.off = s.off === true;
  return q;
};
