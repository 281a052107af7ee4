/** The linear controlled sources E, G (voltage-controlled) and F, H (current-controlled: the control is found in Device.resolve). */
import type { MakeDevice } from "../kind.js";
import { Cccs, Ccvs, Vccs, Vcvs } from "./controlled.js";

export const makeVcvs: MakeDevice<"e"> = (s, { nodes: n }) => new Vcvs(s.name, n[0], n[1], n[2], n[3], s.gain);

export const makeVccs: MakeDevice<"g"> = (s, { nodes: n }) => new Vccs(s.name, n[0], n[1], n[2], n[3], s.gain);

export const makeCccs: MakeDevice<"f"> = (s, { nodes: n }) => new Cccs(s.name, n[0], n[1], s.ctrl, s.gain, s.loc);

export const makeCcvs: MakeDevice<"h"> = (s, { nodes: n }) => new Ccvs(s.name, n[0], n[1], s.ctrl, s.gain, s.loc);
