/** The device of a digital `A` spec (digital/line.ts): a gate or flip-flop, one bit of a bridge, or a hybrid (models.ts). */
import type { MakeContext } from "../../kind.js";
import type { Device } from "../../types.js";
import type { XspiceSpec } from "../line.js";
import { AdcBit, DacBit, adcLevel, dacLevel } from "./bridges.js";
import { EventDevice } from "./device.js";
import { DIGITAL_MODELS } from "./registry.js";

export function makeDigital(s: XspiceSpec, { nodes }: MakeContext): Device {
  const d = s.digital!;
  if (d.kind === "adc") {
    const u = s.inputs[0];
    return new AdcBit(s.name, u.kind === "v" ? { kind: "v", p: nodes[u.p], n: nodes[u.n] } : u, d.out, adcLevel(d.inLow, d.inHigh));
  }
  if (d.kind === "dac") return new DacBit(s.name, d.in, s.out, nodes[0], nodes[1], dacLevel(d.levels));
  const def = DIGITAL_MODELS[s.model];
  if (def.hybrid) return def.hybrid(s, nodes);
  return new EventDevice(s.name, s.model, d.dIn, d.dOut, def.make!(s.params));
}
