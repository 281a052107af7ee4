/** The independent sources V and I, with their DC value and waveform. */
import type { MakeDevice } from "../kind.js";
import { CurrentSource, VoltageSource } from "./sources.js";

export const makeVoltageSource: MakeDevice<"v"> = (s, { nodes: n }) => new VoltageSource(s.name, n[0], n[1], s.source, s.xspicePort === true);

export const makeCurrentSource: MakeDevice<"i"> = (s, { nodes: n }) => new CurrentSource(s.name, n[0], n[1], s.source);
