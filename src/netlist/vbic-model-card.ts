/**
 * A `.model NAME NPN|PNP LEVEL=4` (or 9) card: ngspice 39's VBIC model
 * (vbicmpar.c's names, vbicsetup.c's defaults and its XRB / XRC fallbacks
 * for XRBI, XRBX / XRCI, XRCX). Names ngspice's VBIC does not know are
 * ignored with a warning, as ngspice does.
 */
import type { Token } from "./lexer.js";
import type { ModelCard } from "./ast.js";
import { NetlistError } from "../util/errors.js";
import { VBIC_PARAMS } from "../devices/vbic/vbic-params.js";
import { vbicDefaults, type VbicModelParams } from "../devices/vbic/vbic-model.js";

/** vbicmpar.c's R_MIN (ohm), the least value a given series resistance takes, and those resistances' pnom indices (RCX RCI RBX RBI RE RS RBP). */
const R_MIN = 0.01;
const R_INDEX = [1, 2, 6, 7, 8, 9, 10];

const BY_NAME = new Map(VBIC_PARAMS.map(([n, f, i]) => [n, { field: f, index: i }]));

/** Is `name` a VBIC model parameter (then, on a VBIC card, not an instance default such as DTEMP)? */
export function isVbicModelParam(name: string): boolean {
  return BY_NAME.has(name);
}

/** The VBIC parameters of `card`, each evaluated by `value`. */
export function vbicModelFromCard(card: ModelCard, value: (tok: Token, what: string) => number, warn: (msg: string) => void): VbicModelParams {
  const p = vbicDefaults(card.type === "pnp" ? -1 : 1);
  let xrb: number | undefined;
  let xrc: number | undefined;
  const given = new Set<number>();
  for (const [key, tok] of card.params) {
    if (key === "level") continue;
    const e = BY_NAME.get(key);
    if (!e) {
      warn(`.model ${card.name}: unrecognized VBIC parameter '${key}' ignored, as ngspice 39 ignores it`);
      continue;
    }
    const v = value(tok, `model parameter ${key.toUpperCase()}`);
    if (!Number.isFinite(v)) throw new NetlistError(`.model ${card.name}: ${key.toUpperCase()} must be a finite number`, tok.loc);
    if (key === "xrb") xrb = v;
    else if (key === "xrc") xrc = v;
    else if (e.index >= 0) {
      // vbicmpar.c: a given RCX, RCI, RBX, RBI, RE, RS or RBP below R_MIN = 0.01 ohm is raised to 0.01
      // (so RCX=0 given makes the internal node, with 0.01 ohm; only a resistance not given at all is absent)
      p.pnom[e.index] = R_INDEX.includes(e.index) && v >= 0 && v < R_MIN ? R_MIN : v;
      given.add(e.index);
    }
    if (key === "rth") p.rthGiven = true;
    if (e.index === 11 && !(v > 0)) throw new NetlistError(`.model ${card.name}: IS must be positive`, tok.loc);
    if ((e.index === 12 || e.index === 13) && !(v > 0)) throw new NetlistError(`.model ${card.name}: ${key.toUpperCase()} must be positive`, tok.loc);
    if ([...R_INDEX, 83].includes(e.index) && !(v >= 0)) throw new NetlistError(`.model ${card.name}: ${key.toUpperCase()} must not be negative`, tok.loc);
  }
  // vbicsetup.c: XRB stands for XRBI and XRBX, XRC for XRCI and XRCX, where those are not given
  if (xrb !== undefined) {
    if (!given.has(67)) p.pnom[67] = xrb;
    if (!given.has(92)) p.pnom[92] = xrb;
  }
  if (xrc !== undefined) {
    if (!given.has(68)) p.pnom[68] = xrc;
    if (!given.has(91)) p.pnom[91] = xrc;
  }
  // vbicsetup.c: with RTH given, CTH at least 1e-12
  if (p.rthGiven && p.pnom[84] < 1e-12) p.pnom[84] = 1e-12;
  return p;
}
