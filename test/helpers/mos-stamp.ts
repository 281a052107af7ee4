/**
 * A MOSFET's stamp against finite differences of its terminal currents
 * (mosTerminalCurrents), at one bias point: drain 1, gate 2, source 3,
 * bulk 4, no series resistances (the internal drain and source are the
 * terminals). `type` 1 for NMOS, -1 for PMOS: the voltages (V) are given
 * for NMOS and mirrored. Shared by the level 1, 2/3 and 6 tests.
 */
import { Mosfet } from "../../src/devices/mosfet/mosfet.js";
import { mosTerminalCurrents, type MosInstance } from "../../src/devices/mosfet/mosfet-model.js";
import { GMIN, checkStamp } from "./stamp-check.js";

export interface MosBias {
  vd: number;
  vg: number;
  vs: number;
  vb: number;
}

export function checkMosStamp(p: MosInstance, type: 1 | -1, v: MosBias): void {
  const dev = new Mosfet("m1", 1, 2, 3, 4, 1, 3, p);
  const volts = [0, type * v.vd, type * v.vg, type * v.vs, type * v.vb];
  const currents = (x: number[]) => {
    const o = [0, 0, 0, 0];
    mosTerminalCurrents(p, GMIN, x[1], x[2], x[3], x[4], o);
    return [0, ...o];
  };
  checkStamp(dev, 4, volts, currents);
}
