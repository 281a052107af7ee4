/** The switches S (controlled by V(nc+) - V(nc-)) and W (by a voltage branch's current, found in Device.resolve). */
import type { MakeDevice } from "../kind.js";
import { Switch } from "./switch.js";

export const makeVoltageSwitch: MakeDevice<"s"> = (s, { nodes: n }) => new Switch(s.name, n[0], n[1], { kind: "v", c: n[2], d: n[3] }, s.model, s.on);

export const makeCurrentSwitch: MakeDevice<"w"> = (s, { nodes: n }) => new Switch(s.name, n[0], n[1], { kind: "i", source: s.ctrl, loc: s.ctrlLoc }, s.model, s.on);
