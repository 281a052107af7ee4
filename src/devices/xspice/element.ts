/** `A` elements: the XSPICE code model device of an elaborated line (line.ts). */
import type { MakeDevice } from "../kind.js";
import { XSPICE_MODELS } from "./models.js";
import { makeDigital } from "./digital/element.js";
import { XspiceMultiDevice } from "./multi.js";
import { SXfer } from "./s-xfer.js";
import { Slew } from "./slew.js";
import { Hyst } from "./hyst.js";
import { SineOsc } from "./sine.js";
import { XspiceDevice, type XDeviceInput } from "./xspice.js";

export const makeXspice: MakeDevice<"a"> = (s, ctx) => {
  if (s.digital) return makeDigital(s, ctx);
  const { nodes, internalNode } = ctx;
  const def = XSPICE_MODELS[s.model];
  const inputs: XDeviceInput[] = s.inputs.map((u) => (u.kind === "v" ? { kind: "v", p: nodes[u.p], n: nodes[u.n] } : u));
  if (def.makeMulti) {
    const outs = s.outs!.map((o) => ({ a: nodes[o.a], b: nodes[o.b] }));
    const multi = new XspiceMultiDevice(s.name, outs, inputs, def.makeMulti(s.params, s.nulls!), nodes);
    multi.acWhy = def.acRefusal ?? null;
    return multi;
  }
  // the dynamic kind: the model's, or the one its parameters choose (core's mode=2)
  const kind = def.dynamicFor?.(s.params) ?? def.dynamic;
  const beh = def.make ? def.make(s.params, s.inputs.length, s.data) : null;
  if (kind === "s_xfer") {
    const p = s.params;
    const f = new SXfer(p.get("num_coeff") as number[], p.get("den_coeff") as number[], p.get("int_ic") as number[], p.get("gain") as number, p.get("in_offset") as number, p.get("denormalized_freq") as number);
    const ws = Array.from({ length: f.states }, (_, i) => internalNode(`state${i}`));
    return new XspiceDevice(s.name, s.out, nodes[0], nodes[1], inputs, null, null, nodes, { f, ws });
  }
  if (kind === "sine") {
    return new XspiceDevice(s.name, s.out, nodes[0], nodes[1], inputs, null, null, nodes, { f: new SineOsc(s.params), ws: [internalNode("state")] });
  }
  if (kind === "hyst") {
    // like slew: one internal node (it reads 0) makes it a charge device, loaded and accepted at every step
    return new XspiceDevice(s.name, s.out, nodes[0], nodes[1], inputs, null, null, nodes, { f: new Hyst(s.params), ws: [internalNode("state")] });
  }
  if (kind === "slew") {
    const f = new Slew(s.params.get("rise_slope") as number, s.params.get("fall_slope") as number);
    // one internal node (it reads 0) makes the device a charge device: the transient runs an implicit integrator, which loads it every step
    return new XspiceDevice(s.name, s.out, nodes[0], nodes[1], inputs, null, null, nodes, { f, ws: [internalNode("state")] });
  }
  const dyn = kind ? { kind, params: s.params, w: internalNode("state") } : null;
  const dev = new XspiceDevice(s.name, s.out, nodes[0], nodes[1], inputs, beh, dyn, nodes);
  dev.acWhy = def.acRefusal ?? null;
  dev.tranWhy = def.tranRefusal ?? null;
  return dev;
};
