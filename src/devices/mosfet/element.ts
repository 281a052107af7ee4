/** The MOSFET element M: drain, gate, source, bulk, with internal drain/source nodes behind RD/RS. */
import type { MakeDevice } from "../kind.js";
import { Bsim3 } from "../bsim3/bsim3.js";
import { Bsim3v1 } from "../bsim3v1/bsim3v1.js";
import { bsim3InstanceAt, bsim3InstanceProblem } from "../bsim3/bsim3-model.js";
import { Bsim4 } from "../bsim4/bsim4.js";
import { bsim4InstanceAt, bsim4InstanceProblem } from "../bsim4/bsim4-model.js";
import { NetlistError } from "../../util/errors.js";
import { Mosfet } from "./mosfet.js";
import { mosInstanceAt } from "./mosfet-model.js";

export const makeMosfet: MakeDevice<"m"> = (s, { nodes: n, internalNode, options }) => {
  if (s.model.bsim3) {
    // LEVEL=8/49: internal nodes behind RSH * NRD / NRS, as ngspice's b3set.c
    const p = bsim3InstanceAt(s.model.bsim3, s.geometry, options.temp);
    // what b3check.c calls fatal (ngspice stops the run)
    const why = bsim3InstanceProblem(p);
    if (why) throw new NetlistError(`${s.name}: BSIM3 model ${s.modelName}: ${why}`, s.loc);
    const di = p.gd > 0 ? internalNode("drain") : n[0];
    const si = p.gs > 0 ? internalNode("source") : n[2];
    const m = p.model.v31 ? new Bsim3v1(s.name, n[0], n[1], n[2], n[3], di, si, p) : new Bsim3(s.name, n[0], n[1], n[2], n[3], di, si, p); // VERSION 3.1: ngspice's bsim3v1
    m.gmin = options.gmin;
    return m;
  }
  if (s.model.bsim4) {
    // LEVEL=14/54: internal nodes behind RSH * NRD / NRS when given, as ngspice's b4set.c
    const p = bsim4InstanceAt(s.model.bsim4, s.geometry, options.temp);
    // what b4temp.c / b4check.c call fatal (ngspice stops the run)
    const why = bsim4InstanceProblem(p);
    if (why) throw new NetlistError(`${s.name}: BSIM4 model ${s.modelName}: ${why}`, s.loc);
    const di = p.gd > 0 ? internalNode("drain") : n[0];
    const si = p.gs > 0 ? internalNode("source") : n[2];
    // RGATEMOD=1: the inner gate behind the electrode resistance (b4set.c's "gate" node)
    const gi = p.rgateMod === 1 ? internalNode("gate") : n[1];
    // RBODYMOD 1, 2: the body network's drain-side, inner and source-side bulk nodes (b4set.c's "dbody", "body", "sbody")
    let body: [number, number, number] | null = null;
    if (p.rbodyMod !== 0) {
      const db = internalNode("dbody");
      const bp = internalNode("body");
      const sb = internalNode("sbody");
      body = [bp, db, sb];
    }
    const m = new Bsim4(s.name, n[0], n[1], n[2], n[3], di, si, p, body, gi);
    m.gmin = options.gmin;
    return m;
  }
  const p = mosInstanceAt(s.model, s.geometry, options.temp);
  // RD / RS (or RSH * NRD / NRS) put internal nodes between the terminals and the channel, as ngspice's mos1set.c.
  const di = p.gd > 0 ? internalNode("drain") : n[0];
  const si = p.gs > 0 ? internalNode("source") : n[2];
  const m = new Mosfet(s.name, n[0], n[1], n[2], n[3], di, si, p);
  m.gmin = options.gmin;
  m.off = s.off === true;
  return m;
};
