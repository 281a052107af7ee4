/** The capacitor element C: a linear capacitor with its optional ic= (V). */
import type { MakeDevice } from "../kind.js";
import { Capacitor } from "./capacitor.js";

export const makeCapacitor: MakeDevice<"c"> = (s, { nodes: n }) => new Capacitor(s.name, n[0], n[1], s.farads, s.ic, s.capac);
