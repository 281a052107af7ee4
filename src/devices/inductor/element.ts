/** The inductor L and the mutual coupling K (which finds its inductors by name in Device.resolve). */
import type { MakeDevice } from "../kind.js";
import { Inductor, Mutual } from "./inductor.js";

export const makeInductor: MakeDevice<"l"> = (s, { nodes: n }) => new Inductor(s.name, n[0], n[1], s.henries, s.ic, s.induct);

export const makeMutual: MakeDevice<"k"> = (s) => new Mutual(s.name, [s.l1, s.l2], [s.ctrlToks[0].loc, s.ctrlToks[1].loc], s.k, s.loc);
