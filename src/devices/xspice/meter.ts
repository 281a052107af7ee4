/**
 * cmeter and lmeter (ngspice 39's icm/xtradev/{cmeter,lmeter}/cfunc.mod,
 * with cm_netlist_get_c / cm_netlist_get_l of cm/cmmeters.c): an output
 * out = gain x the capacitance (F) / inductance (H) connected to the
 * input's positive node, read once from the netlist (at cfunc.mod's INIT)
 * and constant after: no partials, no AC gains (0 in AC), the same value
 * at DC and in a transient.
 *
 * cmeter sums the CAPcapac (before m) of every capacitor with a terminal
 * on that node, and of every capacitor with a terminal on the other node of
 * a plain DC 0 V source (no waveform) with a terminal on it; lmeter
 * combines the INDinduct of such inductors in parallel, starting from
 * 1e12 H (none connected: 1e12 H). Devices answer through
 * Device.meterElement; XSPICE's own %i port branches are not V sources.
 */
import type { Device, MeterElement } from "../types.js";
import type { PortType, XModelDef, XParams } from "./models.js";

const VIN: readonly PortType[] = ["v", "vd"];
const VOUT: readonly PortType[] = ["v", "vd", "i", "id"];

/** cm_netlist_get_c (kind "c") / cm_netlist_get_l (kind "l") at node `node`. */
export function meterValue(devices: readonly Device[], node: number, kind: "c" | "l"): number {
  const els = devices.map((d) => d.meterElement?.() ?? null).filter((e): e is MeterElement => e !== null);
  let v = kind === "c" ? 0 : 1e12;
  const add = (at: number): void => {
    for (const e of els) {
      if (e.kind !== kind || (e.a !== at && e.b !== at)) continue;
      v = kind === "c" ? v + e.value : 1 / (1 / v + 1 / e.value);
    }
  };
  add(node);
  for (const s of els) {
    if (s.kind !== "short") continue;
    if (s.a === node) add(s.b);
    else if (s.b === node) add(s.a);
  }
  return v;
}

const meter = (kind: "c" | "l"): XModelDef => ({
  ports: [
    { name: "in", dir: "in", allowed: VIN },
    { name: "out", dir: "out", allowed: VOUT },
  ],
  params: [{ name: "gain", kind: "real", def: 1 }],
  make(p: XParams) {
    const gain = p.get("gain") as number;
    let y = NaN;
    return {
      affine: true,
      meter: kind,
      setMeter(value: number) {
        y = gain * value;
      },
      evaluate(_u, out) {
        out.fill(0);
        out[0] = y;
      },
    };
  },
});

export const cmeter = meter("c");
export const lmeter = meter("l");
