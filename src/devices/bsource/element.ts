/** The behavioural source B (V= or I=): its v() and i() variables are found in Device.resolve. */
import type { MakeDevice } from "../kind.js";
import { BSource } from "./bsource.js";

export const makeBSource: MakeDevice<"b"> = (s, { nodes: n }) => new BSource(s.name, s.kind, n[0], n[1], s.expr, s.loc);
