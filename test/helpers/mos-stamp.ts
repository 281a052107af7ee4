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

/**
 * The whole device with series RD and RS (internal drain 5, internal
 * source 6): its stamp against finite differences of addCurrents at bias
 * `v`, the internal nodes a tenth and a twentieth of the way across.
 */
export function checkMosSeriesStamp(p: MosInstance, type: 1 | -1, v: MosBias): void {
  const dev = new Mosfet("m1", 1, 2, 3, 4, 5, 6, p);
  const volts = [0, type * v.vd, type * v.vg, type * v.vs, type * v.vb, type * (0.9 * v.vd + 0.1 * v.vs), type * (0.95 * v.vs + 0.05 * v.vd)];
  const currents = (x: number[]) => {
    const out = new Float64Array(7);
    dev.addCurrents(Float64Array.from(x), new Float64Array(0), -1, out);
    return Array.from(out);
  };
  checkStamp(dev, 6, volts, currents);
}
