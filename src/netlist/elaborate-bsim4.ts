/**
 * A LEVEL=14 or LEVEL=54 MOSFET card: BSIM4 4.8 (ngspice 39's bsim4), read
 * into the model bsim4-model.ts evaluates. Kept apart from
 * elaborate-models.ts, which dispatches the LEVEL here.
 */
import type { ModelCard } from "./ast.js";
import { NetlistError, clip, type SourceLoc } from "../util/errors.js";
import type { Lookup } from "./expressions.js";
import { evalTok } from "./elaborate-models.js";
import { deriveMosModel, mosDefaults, type MosGeometry, type MosModel } from "../devices/mosfet/mosfet-model.js";
import { CONSTCtoK } from "../devices/diode/diode-model.js";
import { BSIM4_PARAM_NAMES, bsim4EffectiveSize, bsim4Model, bsim4Unsupported } from "../devices/bsim4/bsim4-model.js";

/**
 * BSIM4 versions whose DC eqspice computes: 4.8.x (ngspice 39's bsim4, also
 * the default) and 4.7.x (ngspice's bsim4v7, whose DC current is 4.8's but
 * for FGIDL's default, 0, and GIDLMOD 1's missing GIDLCLAMP: compared on
 * the I-V grids of test/bsim4.test.ts). ngspice runs VERSION 4.5 and 4.6
 * with other devices (bsim4v5, bsim4v6), whose equations differ (no DITS
 * DVTP2-5, TNFACTOR, TETA0, other tunneling and mobility terms), and older
 * versions with bsim4v5 too: those are refused.
 */
function bsim4VersionOk(v: string): boolean {
  return /^4\.[78](\.|$)/.test(v) || v === "4.80" || v === "4.81" || v === "4.82" || v === "4.70";
}

/** The parameters of ngspice 39's bsim4 (4.8) that its bsim4v7 (VERSION 4.7) does not know. */
const NOT_IN_47 = new Set(["gidlclamp", "idovvds"]);

/**
 * A LEVEL=14 or LEVEL=54 card. Every model parameter name of ngspice 39's
 * bsim4 is accepted (the capacitance, noise, tunneling and layout ones
 * have no effect on the DC eqspice computes unless their mode is on, and
 * those modes are refused), others are refused at their place; VERSION
 * must be 4.8.x; the selectors of bsim4Unsupported are refused at their
 * place; TOXE, TOXP, TOXM, EPSROX, RSH, TNOM are checked.
 */
export function resolveBsim4(card: ModelCard, scope: Lookup, tnom: number): MosModel {
  const type = card.type === "nmos" ? 1 : -1;
  const values = new Map<string, number>();
  const vTok = card.params.get("version");
  const v47 = vTok !== undefined && /^4\.7/.test(vTok.text.replace(/^["']|["']$/g, ""));
  for (const [key, tok] of card.params) {
    if (v47 && NOT_IN_47.has(key)) throw new NetlistError(`BSIM4 VERSION 4.7 (ngspice's bsim4v7) has no model parameter '${key}' (.model ${card.name}; it is 4.8's)`, tok.loc);
    if (!(key in BSIM4_PARAM_NAMES)) throw new NetlistError(`unknown BSIM4 (MOSFET level 14/54) model parameter '${key}' in .model ${card.name}`, tok.loc);
    const name = BSIM4_PARAM_NAMES[key];
    if (name === null) continue;
    if (name === "version") {
      const v = tok.text.replace(/^["']|["']$/g, "");
      if (!bsim4VersionOk(v)) {
        throw new NetlistError(
          `.model ${card.name}: BSIM4 VERSION=${clip(v)} is not supported: eqspice implements BSIM4 4.8 and 4.7 (ngspice 39's bsim4 and bsim4v7); ngspice runs version ${clip(v)} with another device (bsim4v5 or bsim4v6), whose equations differ. VERSION=4.8 runs the card with the 4.8 equations`,
          tok.loc,
        );
      }
      continue;
    }
    values.set(name, evalTok(tok, scope, `model parameter ${key.toUpperCase()}`));
  }
  const at = (k: string): SourceLoc => card.params.get(k)?.loc ?? card.params.get(k.replace("vth0", "vtho"))?.loc ?? card.loc;
  const positive = (k: string): void => {
    const x = values.get(k);
    if (x !== undefined && !(x > 0)) throw new NetlistError(`.model ${card.name}: ${k.toUpperCase()} must be positive (got ${x})`, at(k));
  };
  for (const k of ["toxe", "toxp", "toxm", "epsrox", "toxref", "lp", "njs", "njd"]) positive(k);
  const rsh = values.get("rsh");
  if (rsh !== undefined && !(rsh >= 0)) throw new NetlistError(`.model ${card.name}: RSH must not be negative (got ${rsh})`, at("rsh"));
  const tn = values.get("tnom");
  if (tn !== undefined && !(tn > -CONSTCtoK)) throw new NetlistError(`.model ${card.name}: TNOM must be above -273.15 C`, at("tnom"));
  const bsim4 = bsim4Model(type, values, tnom, v47);
  if (!(bsim4.toxe > 0) || !(bsim4.toxp > 0)) throw new NetlistError(`.model ${card.name}: TOXE = ${bsim4.toxe} and TOXP = ${bsim4.toxp} (TOXP = TOXE - DTOX) must be positive`, at("dtox"));
  const bad = bsim4Unsupported(bsim4);
  if (bad) throw new NetlistError(`.model ${card.name}: BSIM4 ${bad[1]}`, at(bad[0]));
  // level 1's values as placeholders: the element's maker uses `bsim4`
  const base = deriveMosModel(mosDefaults(type, tnom));
  return { ...base, bsim4 };
}

/** Why the BSIM4 channel of this geometry is empty (b4temp.c's fatal effective sizes), or null; `width` tells which. */
export function bsim4SizeProblem(model: MosModel, g: MosGeometry, modelName: string): { msg: string; width: boolean } | null {
  if (!model.bsim4) return null;
  const e = bsim4EffectiveSize(model.bsim4, g.l, g.w);
  if (!(e.leff > 0)) return { msg: `BSIM4 effective channel length Leff = ${e.leff} m is not positive (.model ${modelName}: LINT, LL, LW, LWL, XL)`, width: false };
  if (!(e.weff > 0)) return { msg: `BSIM4 effective channel width Weff = ${e.weff} m is not positive (.model ${modelName}: WINT, WL, WW, WWL, XW)`, width: true };
  if (!(e.leffCV > 0)) return { msg: `BSIM4 effective channel length for C-V = ${e.leffCV} m is not positive (.model ${modelName}: DLC, LLC, LWC, LWLC, XL)`, width: false };
  if (!(e.weffCV > 0)) return { msg: `BSIM4 effective channel width for C-V = ${e.weffCV} m is not positive (.model ${modelName}: DWC, WLC, WWC, WWLC, XW)`, width: true };
  if (!(e.weffCJ > 0)) return { msg: `BSIM4 effective width of the source/drain junctions = ${e.weffCJ} m is not positive (.model ${modelName}: DWJ, WLC, WWC, WWLC, XW)`, width: true };
  return null;
}
