/** The JFET element J: drain, gate, source, with internal nodes behind RD and RS, at its own temperature (temp=, dtemp=, else the circuit's). */
import type { MakeDevice } from "../kind.js";
import { Jfet } from "./jfet.js";
import { jfetInstanceAt } from "./jfet-model.js";

export const makeJfet: MakeDevice<"j"> = (s, { nodes: n, internalNode, options }) => {
  const p = jfetInstanceAt(s.model, s.area, s.m, s.temp);
  // RD, RS put internal nodes between the terminals and the channel, as ngspice's jfetset.c.
  const di = s.model.rd !== 0 ? internalNode("drain") : n[0];
  const si = s.model.rs !== 0 ? internalNode("source") : n[2];
  const j = new Jfet(s.name, n[0], n[1], n[2], di, si, p);
  j.gmin = options.gmin;
  j.off = s.off === true;
  return j;
};
