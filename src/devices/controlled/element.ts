/**
 * The controlled sources E, G (voltage-controlled) and F, H (current-controlled: the control is found in Device.resolve):
 * linear (controlled.ts), or SPICE2 POLY(n) polynomials (poly.ts) when the line has POLY.
 */
import type { MakeDevice } from "../kind.js";
import { Cccs, Ccvs, Vccs, Vcvs } from "./controlled.js";
import { PolySource } from "./poly.js";

export const makeVcvs: MakeDevice<"e"> = (s, { nodes: n }) =>
  s.poly ? new PolySource(s.name, "v", n[0], n[1], n.slice(2), null, s.poly.coefs) : new Vcvs(s.name, n[0], n[1], n[2], n[3], s.gain);

export const makeVccs: MakeDevice<"g"> = (s, { nodes: n }) =>
  s.poly ? new PolySource(s.name, "i", n[0], n[1], n.slice(2), null, s.poly.coefs) : new Vccs(s.name, n[0], n[1], n[2], n[3], s.gain);

export const makeCccs: MakeDevice<"f"> = (s, { nodes: n }) =>
  s.poly ? new PolySource(s.name, "i", n[0], n[1], null, s.poly.ctrls!, s.poly.coefs, s.poly.ctrlLocs) : new Cccs(s.name, n[0], n[1], s.ctrl, s.gain, s.loc);

export const makeCcvs: MakeDevice<"h"> = (s, { nodes: n }) =>
  s.poly ? new PolySource(s.name, "v", n[0], n[1], null, s.poly.ctrls!, s.poly.coefs, s.poly.ctrlLocs) : new Ccvs(s.name, n[0], n[1], s.ctrl, s.gain, s.loc);
