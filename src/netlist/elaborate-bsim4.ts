/**
 * A LEVEL=14 or LEVEL=54 MOSFET card: BSIM4 4.8 (ngspice 39's bsim4), read
 * into the model bsim4-model.ts evaluates. Kept apart from
 * elaborate-models.ts, which dispatches the LEVEL here.
 */
import type { ModelCard } from "./ast.js";
import { NetlistError, clip, formatLoc, type SourceLoc } from "../util/errors.js";
import type { Lookup } from "./expressions.js";
import { evalTok } from "./elaborate-models.js";
import { deriveMosModel, mosDefaults, type MosGeometry, type MosModel } from "../devices/mosfet/mosfet-model.js";
import { CONSTCtoK } from "../devices/diode/diode-model.js";
import { BSIM4_NOT_IN_45, BSIM4_NOT_IN_46, BSIM4_PARAM_NAMES, bsim4EffectiveSize, bsim4Model, bsim4Unsupported, type Bsim4Ver } from "../devices/bsim4/bsim4-model.js";

/**
 * The ngspice 39 device of a BSIM4 VERSION string, as inpdomod.c picks it,
 * or null (refused): 4.8.x (bsim4, also the default), 4.7.x (bsim4v7,
 * whose DC current is 4.8's but for FGIDL's default, 0, and GIDLMOD 1's
 * missing GIDLCLAMP), 4.6.x (bsim4v6: no DITS DVTP2-5, TNFACTOR, TETA0,
 * GIDLMOD; the IGC PIGCD term's extra TOXE), 4.0 to 4.5.x (bsim4v5: also
 * UD's default 1e14 and its mobility term, LITL without EPSROX, no separate
 * GISL / IGS / IGD parameters, older junction resets; see bsim4-model.ts and
 * bsim4-dc.ts, `ver`). Versions below 4.0 (ngspice has no BSIM4 for them)
 * and other strings are refused.
 */
function bsim4VersionOf(v: string): Bsim4Ver | null {
  if (/^4\.[78](\.|$)/.test(v) || v === "4.80" || v === "4.81" || v === "4.82" || v === "4.70") return v.startsWith("4.7") ? 47 : 48;
  if (/^4\.6(\.\d+)*$|^4\.6\d$/.test(v)) return 46;
  if (/^4\.[0-5](\.\d+)*$|^4\.[0-5]\d$/.test(v)) return 45;
  return null;
}

/** The parameters of ngspice 39's bsim4 (4.8) that its bsim4v7 (VERSION 4.7) does not know: ignored with a warning, as bsim4v7 ignores them. */
const NOT_IN_47 = new Set(["gidlclamp", "idovvds"]);

/**
 * A LEVEL=14 or LEVEL=54 card. Every model parameter name of ngspice 39's
 * bsim4 is accepted (the capacitance, noise, tunneling and layout ones
 * have no effect on the DC eqspice computes unless their mode is on, and
 * those modes are refused), others are refused at their place; VERSION
 * must be 4.0 to 4.8.x (bsim4VersionOf), and the parameters the older
 * versions do not know are ignored with a warning, as ngspice ignores
 * them; the selectors of bsim4Unsupported are refused at their place;
 * TOXE (EOT with MTRLMOD=1), TOXP, TOXM, EPSROX, RSH, TNOM are checked.
 */
export function resolveBsim4(card: ModelCard, scope: Lookup, tnom: number, warn: (key: string, msg: string) => void = () => {}): MosModel {
  const type = card.type === "nmos" ? 1 : -1;
  const values = new Map<string, number>();
  const vTok = card.params.get("version");
  let ver: Bsim4Ver = 48;
  if (vTok !== undefined) {
    const v = vTok.text.replace(/^["']|["']$/g, "");
    const vv = bsim4VersionOf(v);
    if (vv === null) {
      throw new NetlistError(
        `.model ${card.name}: BSIM4 VERSION=${clip(v)} is not supported: eqspice implements BSIM4 4.0 to 4.8 as ngspice 39 runs them (bsim4v5 for 4.0-4.5, bsim4v6 for 4.6, bsim4v7 for 4.7, bsim4 for 4.8); ngspice 39 has no BSIM4 device for version ${clip(v)}`,
        vTok.loc,
      );
    }
    ver = vv;
  }
  const v47 = ver === 47;
  const absent = ver === 45 ? BSIM4_NOT_IN_45 : ver === 46 ? BSIM4_NOT_IN_46 : v47 ? NOT_IN_47 : null;
  for (const [key, tok] of card.params) {
    if (!(key in BSIM4_PARAM_NAMES)) throw new NetlistError(`unknown BSIM4 (MOSFET level 14/54) model parameter '${key}' in .model ${card.name}`, tok.loc);
    const name = BSIM4_PARAM_NAMES[key];
    if (name === null || name === "version") continue;
    if (absent && absent.has(key)) {
      const dev = ver === 45 ? "bsim4v5 (VERSION 4.0-4.5)" : ver === 46 ? "bsim4v6 (VERSION 4.6)" : "bsim4v7 (VERSION 4.7)";
      warn(`${card.name}:${key}`, `${formatLoc(tok.loc)}: .model ${card.name}: ${key.toUpperCase()} is not a parameter of ngspice 39's ${dev}: ignored, as ngspice ignores it ("unrecognized parameter")`);
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
  const bsim4 = bsim4Model(type, values, tnom, ver);
  if (bsim4.mtrl && !(bsim4.toxe > 0)) throw new NetlistError(`.model ${card.name}: EOT = ${bsim4.toxe} must be positive (MTRLMOD=1)`, at("eot"));
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
