/**
 * PSpice's switch models, VSWITCH (for S) and ISWITCH (for W), as ngspice
 * 39's PSpice compatibility mode translates them (inpcom.c, pspice_compat;
 * eqspice reads them always, a VSWITCH or ISWITCH card being unambiguous):
 *
 *  - with VT= or VH= (IT= / IH=): ngspice's own switch, SW (CSW), its
 *    missing VT VH (IT IH) 0, RON 1 ohm, ROFF 1e12 ohm (written on the
 *    card: not 1/GMIN);
 *  - else with VON= or VOFF= (ION= / IOFF=): PSpice's smooth switch, whose
 *    S line `S n+ n- c+ c- model` becomes the XSPICE pswitch
 *    `a %gd(c+ c-) %gd(n+ n-)` (log=true: ln r follows a cubic in the
 *    control, xtradev/pswitch), and whose W line `W n+ n- vc model` the
 *    aswitch `a %vnam(vc) %gd(n+ n-)` (log=true limit=true); RON -> r_on,
 *    ROFF -> r_off, VON -> cntl_on, VOFF -> cntl_off, missing ones r_on 1
 *    ohm, r_off 1e6 ohm, cntl_on 1, cntl_off 0 (V or A); pswitch's
 *    r_cntl_in keeps its 1e12 ohm.
 *  - with neither: ngspice's "Bad switch model" (refused).
 *
 * The switch's ON/OFF initial state on the S or W line applies to the SW /
 * CSW form; the pswitch / aswitch form has no state (ngspice drops the word).
 */
import type { ModelCard } from "./ast.js";
import type { Token } from "./lexer.js";
import type { XParams } from "../devices/xspice/models.js";
import type { XspiceSpec } from "../devices/xspice/line.js";
import { NetlistError, clip, type SourceLoc } from "../util/errors.js";

export type PspiceSwitchType = "vswitch" | "iswitch";

/** The parameters each card takes: the SW / CSW form's and the smooth form's (PSpice's TD, the delay, is not taken: ngspice 39 has none). */
const NAMES: Record<PspiceSwitchType, { t: string; h: string; on: string; off: string }> = {
  vswitch: { t: "vt", h: "vh", on: "von", off: "voff" },
  iswitch: { t: "it", h: "ih", on: "ion", off: "ioff" },
};

export function isPspiceSwitchType(t: string): t is PspiceSwitchType {
  return t === "vswitch" || t === "iswitch";
}

/** Check a VSWITCH / ISWITCH card's parameter names and that it says which form it is (errors at the card). */
export function checkPspiceSwitchCard(type: PspiceSwitchType, name: string, params: ReadonlyMap<string, Token>, typeTok: Token): void {
  const n = NAMES[type];
  const known = [n.on, n.off, "ron", "roff", n.t, n.h];
  for (const [k, t] of params) {
    if (k === "td") throw new NetlistError(`.model ${name}: ${type.toUpperCase()} parameter TD (the switching delay) is not supported (ngspice 39 does not read it either)`, t.loc);
    if (!known.includes(k)) throw new NetlistError(`unknown ${type.toUpperCase()} switch model parameter '${clip(k)}' in .model ${name} (${type.toUpperCase()} models take: ${known.join(" ")})`, t.loc);
  }
  const sw = params.has(n.t) || params.has(n.h);
  const smooth = params.has(n.on) || params.has(n.off);
  if (!sw && !smooth) {
    throw new NetlistError(`.model ${name}: a ${type.toUpperCase()} model needs ${n.on.toUpperCase()}/${n.off.toUpperCase()} (PSpice's smooth switch) or ${n.t.toUpperCase()}/${n.h.toUpperCase()} (a switch with hysteresis), as ngspice's "Bad switch model"`, typeTok.loc);
  }
  if (sw && smooth) {
    const t = params.get(n.on) ?? params.get(n.off)!;
    throw new NetlistError(`.model ${name}: ${n.on.toUpperCase()}/${n.off.toUpperCase()} cannot be given with ${n.t.toUpperCase()}/${n.h.toUpperCase()} (ngspice 39 makes the card a ${type === "vswitch" ? "SW" : "CSW"} model, which has no ${n.on.toUpperCase()})`, t.loc);
  }
}

/** True when the card is the SW / CSW form (VT / VH, IT / IH given). */
export function pspiceSwitchIsPlain(card: ModelCard): boolean {
  const n = NAMES[card.type as PspiceSwitchType];
  return card.params.has(n.t) || card.params.has(n.h);
}

/** The smooth form's code model parameters (pswitch for VSWITCH, aswitch for ISWITCH), each given value evaluated with `value`. */
export function pspiceSwitchParams(card: ModelCard, value: (t: Token, what: string) => number): XParams {
  const n = NAMES[card.type as PspiceSwitchType];
  const get = (k: string, def: number): number => {
    const t = card.params.get(k);
    return t ? value(t, `model parameter ${k.toUpperCase()}`) : def;
  };
  const p = new Map<string, number>([
    ["cntl_on", get(n.on, 1)],
    ["cntl_off", get(n.off, 0)],
    ["r_on", get("ron", 1)],
    ["r_off", get("roff", 1e6)],
    ["log", 1],
  ]);
  if (card.type === "vswitch") p.set("r_cntl_in", 1e12);
  else p.set("limit", 1);
  for (const [k, v] of p) if (!Number.isFinite(v)) throw new NetlistError(`.model ${card.name}: ${cardParam(card, k).toUpperCase()} is ${v}`, paramLoc(card, k));
  return p;
}

/** The card parameter behind code model parameter `k`. */
function cardParam(card: ModelCard, k: string): string {
  const n = NAMES[card.type as PspiceSwitchType];
  return ({ cntl_on: n.on, cntl_off: n.off, r_on: "ron", r_off: "roff" } as Record<string, string>)[k] ?? k;
}

/** Where the card gives code model parameter `k`, else the card. */
function paramLoc(card: ModelCard, k: string): SourceLoc {
  return card.params.get(cardParam(card, k))?.loc ?? card.loc;
}

/**
 * The code model device of switch line `cardName` (elaborated name `name`)
 * when its model is a smooth VSWITCH (an S line: pswitch) or ISWITCH (a W
 * line: aswitch); null for any other model (the SW / CSW reading takes it).
 * `nodes` / `nodeToks`: n+ n- (and nc+ nc- for S), mapped and as written;
 * `ctrl`: W's controlling source as the circuit knows it.
 */
export function pspiceSwitchSpec(
  cardName: string,
  name: string,
  modelTok: Token,
  isS: boolean,
  nodes: string[],
  nodeToks: Token[],
  models: ReadonlyArray<ReadonlyMap<string, ModelCard>>,
  value: (t: Token, what: string) => number,
  ctrl: () => string,
  ctrlLoc: SourceLoc | undefined,
  loc: SourceLoc,
): XspiceSpec | null {
  let card: ModelCard | undefined;
  for (const m of models) if ((card = m.get(modelTok.lower))) break;
  if (!card || card.type !== (isS ? "vswitch" : "iswitch") || pspiceSwitchIsPlain(card)) return null;
  const params = pspiceSwitchParams(card, value);
  if (isS) {
    // pswitch's log=true takes ln(r_on / r_off); r_off above 1e12 is read as 1e12
    if (!(Math.min(params.get("r_off") as number, 1e12) > 0)) throw new NetlistError(`.model ${card.name}: ROFF must be positive (ngspice makes the card a pswitch, whose log=true takes ln(RON / ROFF))`, paramLoc(card, "r_off"));
    // a %gd(nc+ nc-) %gd(n+ n-): the control port first
    return {
      type: "a", name, nodes: [nodes[2], nodes[3], nodes[0], nodes[1]], model: "pswitch", modelName: card.name, params, out: "i",
      inputs: [{ kind: "v", p: 0, n: 1 }, { kind: "v", p: 2, n: 3 }], outs: [{ a: 0, b: 1 }, { a: 2, b: 3 }], nulls: new Set(),
      loc, nodeToks: [nodeToks[2], nodeToks[3], nodeToks[0], nodeToks[1]],
    };
  }
  if (Math.abs((params.get("cntl_on") as number) - (params.get("cntl_off") as number)) < 1e-12) {
    // aswitch: "CONTROL voltage delta less than 1.0e-12", and the model outputs nothing
    throw new NetlistError(`.model ${card.name}: ION and IOFF must differ by at least 1e-12 (ngspice makes the card an aswitch: "CONTROL voltage delta less than 1.0e-12")`, paramLoc(card, "cntl_on"));
  }
  if (!ctrlLoc) throw new NetlistError(`${cardName}: missing controlling voltage source`, loc);
  // a %vnam(vc) %gd(n+ n-)
  return {
    type: "a", name, nodes: [nodes[0], nodes[1]], model: "aswitch", modelName: card.name, params, out: "i",
    inputs: [{ kind: "i", source: ctrl(), loc: ctrlLoc }, { kind: "v", p: 0, n: 1 }], loc, nodeToks: [nodeToks[0], nodeToks[1]],
  };
}
