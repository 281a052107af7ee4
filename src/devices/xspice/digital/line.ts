/**
 * The `A` line of an XSPICE digital code model: its connections checked
 * against the model's ports (%d ports, `[...]` vectors, `~` inversion, NULL
 * where the ifspec allows it) into the spec of one event instance, or of
 * one instance per bit for the bridges (elementwise over their vectors).
 * Digital node names go through the subcircuit's node mapping like analog
 * ones but stay out of spec.nodes: they are event nodes (event.ts).
 */
import { NetlistError, clip, type SourceLoc } from "../../../util/errors.js";
import type { Token } from "../../../netlist/lexer.js";
import type { ModelCard } from "../../../netlist/ast.js";
import { resolveXspiceParams } from "../card.js";
import { fileAccess, readConnections, type XInput, type XLineScope, type XspiceSpec, type ZeroSourceSpec } from "../line.js";
import type { XModelDef } from "../models.js";
import type { DigitalPin } from "./event.js";
import type { DigitalModelDef } from "./models.js";

/** What an `A` spec of a digital model carries besides the analog fields of XspiceSpec. */
export type DigitalPart = (
  | { kind: "model"; dIn: Array<DigitalPin | null>; dOut: Array<DigitalPin | null> }
  | { kind: "adc"; out: DigitalPin; inLow: number; inHigh: number }
  | { kind: "dac"; in: DigitalPin; levels: [number, number, number] }
) & {
  /** The parameter vcc (V) where the line is, or 3.3 (ngspice 39's automatic bridges: evtcheck_nodes.c). */
  vcc: number;
};

export function readDigitalLine(cardName: string, name: string, args: readonly Token[], loc: SourceLoc, sc: XLineScope, card: ModelCard, modelTok: Token, def: DigitalModelDef): Array<XspiceSpec | ZeroSourceSpec> {
  const type = card.type;
  const { conns } = readConnections(cardName, args, loc, def.ports.map((p) => p.defType), true);
  if (conns.length !== def.ports.length) {
    throw new NetlistError(`${cardName}: code model ${type} has ${def.ports.length} ports (${def.ports.map((p) => p.name).join(", ")}), the line connects ${conns.length}`, conns[def.ports.length]?.loc ?? modelTok.loc);
  }
  const sizes = new Map<string, number>();
  /** Per port: its connections (a digital pin, an analog port's tokens, or null for NULL). */
  const pins: Array<Array<DigitalPin | null>> = [];
  const analog: Array<Array<{ type: string; nodes: Token[]; loc: SourceLoc }>> = [];
  conns.forEach((c, ci) => {
    const pd = def.ports[ci];
    if (pd.vectorMin !== undefined && !c.vector) throw new NetlistError(`${cardName}: port '${pd.name}' of ${type} is a vector: connect it as [port port ...]`, c.loc);
    if (pd.vectorMin === undefined && c.vector) throw new NetlistError(`${cardName}: port '${pd.name}' of ${type} is not a vector`, c.loc);
    if (pd.vectorMin !== undefined && c.ports.length < pd.vectorMin) throw new NetlistError(`${cardName}: vector port '${pd.name}' of ${type} needs at least ${pd.vectorMin} ports, has ${c.ports.length}`, c.loc);
    sizes.set(pd.name, c.ports.length);
    pins.push([]);
    analog.push([]);
    for (const p of c.ports) {
      const ptype = p.type || pd.defType!;
      if (!pd.allowed.includes(ptype)) throw new NetlistError(`${cardName}: port type %${ptype} is not allowed on port '${pd.name}' of ${type} (allowed: ${pd.allowed.map((a) => "%" + a).join(" ")})`, p.loc);
      if (p.nodes.some((n) => n.lower === "null")) {
        if (!pd.nullable || c.vector) throw new NetlistError(`${cardName}: port '${pd.name}' of ${type} may not be NULL`, p.loc);
        pins[ci].push(null);
        continue;
      }
      if (ptype === "d") pins[ci].push({ node: sc.mapNode(p.nodes[0].lower), invert: p.invert === true, loc: p.nodes[0].loc });
      else if (ptype === "real") pins[ci].push({ node: sc.mapNode(p.nodes[0].lower), invert: false, loc: p.nodes[0].loc, real: true });
      else analog[ci].push({ type: ptype, nodes: p.nodes, loc: p.loc });
    }
  });
  let params = resolveXspiceParams(def as unknown as XModelDef, type, card.name, card.params, sizes, sc.value, modelTok.loc);
  const derived = def.validate?.(params, {
    sizes,
    files: fileAccess(card, params, sc.netlistFile),
    failPort(port, msg) {
      throw new NetlistError(`${cardName}: ${msg}`, conns[def.ports.findIndex((pd) => pd.name === port)].loc);
    },
  });
  if (derived) params = new Map([...params, ...derived]);
  const num = (k: string): number => params.get(k) as number;
  const base = { type: "a" as const, model: type, modelName: card.name, params, loc };
  const bitName = (i: number): string => (i === 0 ? name : `${name}#bit${i}`);
  let vcc = 3.3;
  try {
    vcc = sc.value({ kind: "expr", text: "vcc", lower: "vcc", loc }, "vcc");
  } catch {
    // no .param vcc in scope: ngspice's fallback for digital bridges
  }
  /** An analog input connection of instance `bn`: its nodes and input, and the 0 V source a current input reads (pushed to `specs`). */
  const analogIn = (a: (typeof analog)[number][number], bn: string, specs: Array<XspiceSpec | ZeroSourceSpec>): { nodes: string[]; nodeToks: Token[]; input: XInput } => {
    if (a.type === "vnam") return { nodes: [], nodeToks: [], input: { kind: "i", source: sc.mapSource(a.nodes[0].lower), loc: a.nodes[0].loc } };
    if (a.type === "v" || a.type === "vd") return { nodes: [sc.mapNode(a.nodes[0].lower), a.nodes[1] ? sc.mapNode(a.nodes[1].lower) : "0"], nodeToks: [a.nodes[0], a.nodes[1] ?? a.nodes[0]], input: { kind: "v", p: 0, n: 1 } };
    // %i / %id: a 0 V source from n+ to n-, whose branch current is the input (ngspice's ibranch)
    const vname = `${bn}#ibranch`;
    const pa = sc.mapNode(a.nodes[0].lower);
    const pb = a.nodes[1] ? sc.mapNode(a.nodes[1].lower) : "0";
    specs.push({ type: "v", name: vname, nodes: [pa, pb], source: { dc: 0, wave: { kind: "dc", value: 0 } }, xspicePort: true, loc: a.loc, nodeToks: [a.nodes[0], a.nodes[1] ?? a.nodes[0]] });
    return { nodes: [], nodeToks: [], input: { kind: "i", source: vname, loc: a.loc } };
  };
  /** An analog output connection: its nodes (n+, n-) and kind (a voltage or a current output). */
  const analogOut = (a: (typeof analog)[number][number]): { nodes: string[]; nodeToks: Token[]; out: "v" | "i" } => ({
    nodes: [sc.mapNode(a.nodes[0].lower), a.nodes[1] ? sc.mapNode(a.nodes[1].lower) : "0"],
    nodeToks: [a.nodes[0], a.nodes[1] ?? a.nodes[0]],
    out: a.type === "v" || a.type === "vd" ? "v" : "i",
  });
  if (def.bridge === "adc") {
    if (analog[0].length !== pins[1].length) throw new NetlistError(`${cardName}: adc_bridge's ports 'in' and 'out' must be vectors of one size (in has ${analog[0].length}, out ${pins[1].length})`, conns[1].loc);
    const specs: Array<XspiceSpec | ZeroSourceSpec> = [];
    analog[0].forEach((a, i) => {
      const bn = bitName(i);
      const { nodes, nodeToks, input } = analogIn(a, bn, specs);
      const out = pins[1][i]!;
      specs.push({ ...base, name: bn, nodes, nodeToks, out: "v", inputs: [input], digital: { kind: "adc", out, inLow: num("in_low"), inHigh: num("in_high"), vcc } });
    });
    return specs;
  }
  if (def.bridge === "dac") {
    if (analog[1].length !== pins[0].length) throw new NetlistError(`${cardName}: dac_bridge's ports 'in' and 'out' must be vectors of one size (in has ${pins[0].length}, out ${analog[1].length})`, conns[1].loc);
    const given = card.params;
    const lo = num("out_low");
    const hi = num("out_high");
    // dac_bridge/cfunc.mod: out_undef is the middle of out_low and out_high when both are given and it is not
    const undef = given.has("out_low") && given.has("out_high") && !given.has("out_undef") ? lo + (hi - lo) / 2 : num("out_undef");
    return analog[1].map((a, i) => ({
      ...base,
      name: bitName(i),
      ...analogOut(a),
      inputs: [],
      digital: { kind: "dac" as const, in: pins[0][i]!, levels: [lo, hi, undef] as [number, number, number], vcc },
    }));
  }
  const dIn: Array<DigitalPin | null> = [];
  const dOut: Array<DigitalPin | null> = [];
  const specs: Array<XspiceSpec | ZeroSourceSpec> = [];
  let side: { nodes: string[]; nodeToks: Token[]; inputs: XInput[]; out: "v" | "i" } = { nodes: [], nodeToks: [], inputs: [], out: "v" };
  def.ports.forEach((pd, ci) => {
    if (analog[ci].length) {
      // a hybrid's one scalar analog port (models.ts)
      if (!def.hybrid || analog[ci].length !== 1) throw new NetlistError(`${cardName}: internal: analog connection on digital port '${pd.name}'`, analog[ci][0].loc);
      if (pd.dir === "out") side = { ...analogOut(analog[ci][0]), inputs: [] };
      else {
        const a = analogIn(analog[ci][0], name, specs);
        side = { nodes: a.nodes, nodeToks: a.nodeToks, inputs: [a.input], out: "v" };
      }
      return;
    }
    (pd.dir === "out" ? dOut : dIn).push(...pins[ci]);
  });
  void clip;
  specs.push({ ...base, name, ...side, digital: { kind: "model", dIn, dOut, vcc } });
  return specs;
}
