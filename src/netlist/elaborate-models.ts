/**
 * Device models of the elaboration (netlist/elaborate.ts): an element's
 * model name resolved through the `.model` cards in scope (innermost
 * first), its parameters evaluated and checked against the device's own
 * list, defaults and derived values, and the card refused at its place
 * when it is of another kind or an unsupported level.
 */
import { NGSPICE_MOS1_PARAMS, NGSPICE_MOS2_PARAMS, NGSPICE_MOS3_PARAMS, NGSPICE_MOS6_PARAMS } from "./ngspice-params.js";
import type { ModelCard } from "./ast.js";
import { NetlistError, clip, formatLoc, type SourceLoc } from "../util/errors.js";
import { evaluateValue, type Lookup } from "./expressions.js";
import type { Token } from "./lexer.js";
import { CONSTCtoK, DIODE_DEFAULTS, DIODE_IGNORED_AS_NGSPICE, DIODE_MJ_MAX, DIODE_PARAM_ALIASES, DIODE_UNSUPPORTED, type DiodeModelParams } from "../devices/diode/diode-model.js";
import { vbicModelFromCard } from "./vbic-model-card.js";
import type { VbicModelParams } from "../devices/vbic/vbic-model.js";
import { BJT_LEVEL_NAMES, BJT_PARAM_ALIASES, bjtDefaults, bjtUnsupportedParam, type BjtModelParams } from "../devices/bjt/bjt-model.js";
import { MOS_LEVEL_NAMES, MOS_PARAM_ALIASES, deriveMosModel, mosDefaults, type MosGeometry, type MosModel, type MosModelParams } from "../devices/mosfet/mosfet-model.js";
import { MOS2_PARAM_ALIASES, deriveMos2Model, mos2Defaults } from "../devices/mosfet/mos2-model.js";
import { MOS3_PARAM_ALIASES, deriveMos3Model, mos3Defaults, mos3NiAt } from "../devices/mosfet/mos3-model.js";
import { MOS6_PARAM_ALIASES, deriveMos6Model, mos6Defaults } from "../devices/mosfet/mos6-model.js";
import { BSIM3_PARAM_NAMES, BSIM3V1_ABSENT, bsim3EffectiveSize, bsim3Model } from "../devices/bsim3/bsim3-model.js";
import { isXspiceModelType } from "../devices/xspice/models.js";
import { bsim4SizeProblem, resolveBsim4 } from "./elaborate-bsim4.js";

/** A token's value: a number, a parameter or a `{expression}` in scope. */
export function evalTok(t: Token, scope: Lookup, what: string): number {
  if (t.kind !== "word" && t.kind !== "expr") throw new NetlistError(`expected a value for ${what}, found '${clip(t.text)}'`, t.loc);
  return evaluateValue(t.text, t.kind === "expr", scope, t.loc, what);
}

/**
 * The diode model an element names, evaluated in its scope, with the notes
 * ngspice would warn about (a grading coefficient M above 0.9, which both
 * limit to 0.9).
 */
export function resolveModel(name: Token, models: Array<Map<string, ModelCard>>, scope: Lookup, tnom: number): { params: DiodeModelParams; name: string; notes: string[] } {
  for (const m of models) {
    const card = m.get(name.lower);
    if (!card) continue;
    if (card.type !== "d") {
      const kind = modelKind(card.type);
      throw new NetlistError(`model '${clip(name.text)}' is a ${kind} model (.model ${card.name} ${card.type.toUpperCase()} at ${formatLoc(card.loc)}), not a diode model`, name.loc);
    }
    // A model's TNOM defaults to `.options tnom` (ngspice).
    const params: DiodeModelParams = { ...DIODE_DEFAULTS, tnom };
    const notes: string[] = [];
    for (const [key, tok] of card.params) {
      const why = DIODE_UNSUPPORTED[key];
      if (why) throw new NetlistError(`.model ${card.name}: diode model parameter '${key}' is not supported: ${why}`, tok.loc);
      if (!(key in DIODE_PARAM_ALIASES)) throw new NetlistError(`unknown diode model parameter '${key}' in .model ${card.name}`, tok.loc);
      const field = DIODE_PARAM_ALIASES[key];
      const v = evalTok(tok, scope, `model parameter ${key.toUpperCase()}`);
      if (DIODE_IGNORED_AS_NGSPICE.has(key)) notes.push(`${formatLoc(tok.loc)}: .model ${card.name}: diode parameter ${key.toUpperCase()} (PSpice) ignored, as ngspice 39 ignores it`);
      if (field === null) continue;
      params[field] = v;
    }
    const at = (field: keyof DiodeModelParams): SourceLoc => {
      for (const [key, tok] of card.params) if (DIODE_PARAM_ALIASES[key] === field) return tok.loc;
      return card.loc;
    };
    const pos = (k: string, what: string): void => {
      const t = card.params.get(k);
      if (t && !(params[DIODE_PARAM_ALIASES[k]!]! > 0)) throw new NetlistError(`.model ${card.name}: ${what} must be positive`, t.loc);
    };
    pos("bv", "BV");
    pos("ibv", "IBV");
    pos("nbv", "NBV");
    pos("ikf", "IKF");
    pos("ik", "IKF");
    pos("ikr", "IKR");
    pos("nr", "NR");
    if (!(params.isr >= 0)) throw new NetlistError(`.model ${card.name}: ISR must not be negative`, at("isr"));
    if (!(params.is > 0)) throw new NetlistError(`.model ${card.name}: IS must be positive`, card.loc);
    if (!(params.n > 0)) throw new NetlistError(`.model ${card.name}: N must be positive`, card.loc);
    if (params.rs < 0) throw new NetlistError(`.model ${card.name}: RS must not be negative`, card.loc);
    if (!(params.tnom > -CONSTCtoK)) throw new NetlistError(`.model ${card.name}: TNOM must be above -273.15 C`, card.loc);
    // the charge (diodeChargeAt, diodeCharge): finite for these
    if (!(params.cjo >= 0)) throw new NetlistError(`.model ${card.name}: CJO must not be negative`, at("cjo"));
    if (!(params.tt >= 0)) throw new NetlistError(`.model ${card.name}: TT must not be negative`, at("tt"));
    if (!(params.vj > 0)) throw new NetlistError(`.model ${card.name}: VJ must be positive`, at("vj"));
    if (!(params.mj >= 0)) throw new NetlistError(`.model ${card.name}: M must not be negative`, at("mj"));
    if (!(params.fc >= 0 && params.fc < 1)) throw new NetlistError(`.model ${card.name}: FC must be in [0, 1) (got ${params.fc})`, at("fc"));
    if (!(params.cjsw >= 0)) throw new NetlistError(`.model ${card.name}: CJSW must not be negative`, at("cjsw"));
    if (!(params.php > 0)) throw new NetlistError(`.model ${card.name}: PHP must be positive`, at("php"));
    if (!(params.mjsw >= 0)) throw new NetlistError(`.model ${card.name}: MJSW must not be negative`, at("mjsw"));
    if (!(params.fcs >= 0 && params.fcs < 1)) throw new NetlistError(`.model ${card.name}: FCS must be in [0, 1) (got ${params.fcs})`, at("fcs"));
    if (params.mj > DIODE_MJ_MAX && params.cjo > 0) notes.push(`${formatLoc(at("mj"))}: .model ${card.name}: grading coefficient M = ${params.mj} is limited to ${DIODE_MJ_MAX} (as ngspice)`);
    return { params, name: card.name, notes };
  }
  throw new NetlistError(`unknown model '${clip(name.text)}'`, name.loc);
}

/**
 * The MOSFET model a transistor names, evaluated in its scope: levels 1, 2
 * and 3 (an absent LEVEL is 1, as in ngspice), each with its own parameter
 * names (mos1.c, mos2.c, mos3.c tables); other levels are refused at their
 * LEVEL value, naming what they are. Null when no model has the name.
 */
export function resolveMosModel(
  name: Token,
  models: Array<Map<string, ModelCard>>,
  scope: Lookup,
  tnom: number,
  elementName: string,
  size: MosBinSize = {},
  warn: (key: string, msg: string) => void = () => {},
): { model: MosModel; name: string; card: ModelCard } | null {
  // the card named, or the size bin of `name.N` cards that holds the instance (selectMosCard)
  const picked = selectMosCard(name, models, scope, elementName, size);
  for (const card of picked ? [picked] : []) {
    if (card.type !== "nmos" && card.type !== "pmos") {
      const kind = modelKind(card.type);
      throw new NetlistError(`${elementName}: model '${clip(name.text)}' is a ${kind} model (.model ${card.name} ${card.type.toUpperCase()} at ${formatLoc(card.loc)}), not a MOSFET model (NMOS or PMOS)`, name.loc);
    }
    const levelTok = card.params.get("level");
    let level: 1 | 2 | 3 | 6 = 1;
    if (levelTok) {
      const lv = evalTok(levelTok, scope, "model parameter LEVEL");
      if (lv === 8 || lv === 49) return { model: resolveBsim3(card, scope, tnom, warn), name: card.name, card };
      if (lv === 14 || lv === 54) return { model: resolveBsim4(card, scope, tnom, warn), name: card.name, card };
      if (lv !== 1 && lv !== 2 && lv !== 3 && lv !== 6) {
        const what = MOS_LEVEL_NAMES[lv];
        throw new NetlistError(
          `.model ${card.name}: MOSFET level ${lv}${what ? ` (${what})` : ""} is not supported: eqspice models MOSFET level 1 (Shichman-Hodges), level 2 (Grove-Frohman), level 3 (semi-empirical), level 6 (Sakurai-Newton n-th power), levels 8/49 (BSIM3 3.1-3.3, see docs/netlist.md) and 14/54 (BSIM4 4.7-4.8, DC only)`,
          levelTok.loc,
        );
      }
      level = lv;
    }
    const base = mosDefaults(card.type === "nmos" ? 1 : -1, tnom);
    const p: MosModelParams = level === 6 ? mos6Defaults(base) : level === 3 ? mos3Defaults(base) : level === 2 ? mos2Defaults(base) : base;
    const aliases = level === 6 ? MOS6_PARAM_ALIASES : level === 3 ? MOS3_PARAM_ALIASES : level === 2 ? MOS2_PARAM_ALIASES : MOS_PARAM_ALIASES;
    for (const [key, tok] of card.params) {
      if (BIN_LIMITS.includes(key)) {
        warn(`${card.name}:${key}`, `${formatLoc(tok.loc)}: .model ${card.name}: ${key.toUpperCase()} is not a MOSFET level ${level} parameter: ignored, as ngspice 39 ignores it (it bins BSIM3/BSIM4 cards only)`);
        continue;
      }
      if (!(key in aliases)) {
        const ngKnown = level === 6 ? NGSPICE_MOS6_PARAMS : level === 3 ? NGSPICE_MOS3_PARAMS : level === 2 ? NGSPICE_MOS2_PARAMS : NGSPICE_MOS1_PARAMS;
        if (key !== "level" && !ngKnown.has(key)) {
          warn(`${card.name}:${key}`, `${formatLoc(tok.loc)}: .model ${card.name}: unrecognized parameter '${key}' ignored, as ngspice 39 ignores it on a level ${level} card`);
          continue;
        }
        throw new NetlistError(`unknown MOSFET level ${level} model parameter '${key}' in .model ${card.name}`, tok.loc);
      }
      const field = aliases[key];
      const v = evalTok(tok, scope, `model parameter ${key.toUpperCase()}`);
      if (field === null || field === "type" || field === "level") continue;
      (p as unknown as Record<string, number>)[field] = v;
    }
    const at = (k: string): SourceLoc => card.params.get(k)?.loc ?? card.loc;
    if (!(p.phi === undefined || p.phi > 0)) throw new NetlistError(`.model ${card.name}: PHI must be positive`, at("phi"));
    if (!(p.is >= 0)) throw new NetlistError(`.model ${card.name}: IS must not be negative`, at("is"));
    if (!(p.js >= 0)) throw new NetlistError(`.model ${card.name}: JS must not be negative`, at("js"));
    for (const k of ["rd", "rs", "rsh"] as const) {
      const r = p[k];
      if (r !== undefined && !(r >= 0)) throw new NetlistError(`.model ${card.name}: ${k.toUpperCase()} must not be negative`, at(k));
    }
    if (level === 1 || level === 6) {
      if (p.tox !== undefined && !(p.tox >= 0)) throw new NetlistError(`.model ${card.name}: TOX must not be negative`, at("tox"));
      if (p.tox && p.nsub !== undefined && !(p.nsub * 1e6 > 1.45e16)) {
        throw new NetlistError(`.model ${card.name}: NSUB must exceed the intrinsic density 1.45e10 cm^-3 (ngspice: Nsub < Ni)`, at("nsub"));
      }
      if (level === 6) {
        if (p.tpg !== undefined && p.tpg !== 0 && p.tpg !== 1 && p.tpg !== -1) throw new NetlistError(`.model ${card.name}: TPG must be 1, -1 or 0, got ${p.tpg}`, at("tpg"));
      }
    } else {
      // levels 2 and 3 always have an oxide (TOX default 1e-7 m)
      if (p.tox !== undefined && !(p.tox > 0)) throw new NetlistError(`.model ${card.name}: TOX must be positive at level ${level}`, at("tox"));
      const ni = level === 3 ? mos3NiAt(p.tnom + CONSTCtoK) : 1.45e16;
      if (p.nsub !== undefined && !(p.nsub * 1e6 > ni)) {
        throw new NetlistError(`.model ${card.name}: NSUB must exceed the intrinsic density ${(ni * 1e-6).toPrecision(4)} cm^-3 (ngspice: Nsub < Ni)`, at("nsub"));
      }
      if (p.tpg !== undefined && p.tpg !== 0 && p.tpg !== 1 && p.tpg !== -1) throw new NetlistError(`.model ${card.name}: TPG must be 1, -1 or 0, got ${p.tpg}`, at("tpg"));
    }
    if (!(p.tnom > -CONSTCtoK)) throw new NetlistError(`.model ${card.name}: TNOM must be above -273.15 C`, at("tnom"));
    const model = level === 6 ? deriveMos6Model(p) : level === 3 ? deriveMos3Model(p) : level === 2 ? deriveMos2Model(p) : deriveMosModel(p);
    if (!(model.phi > 0)) throw new NetlistError(`.model ${card.name}: PHI must be positive`, card.loc);
    return { model, name: card.name, card };
  }
  return null;
}

/** The size-bin limits of a `.model NAME.N` card (ngspice's INPgetModBin reads these four). */
const BIN_LIMITS = ["lmin", "lmax", "wmin", "wmax"];

/**
 * MOSFET levels whose `.model NAME.N` cards ngspice 39 bins: BSIM3 (8, 49;
 * every VERSION) and BSIM4 (14, 54). Level 1-3 cards are not binnable there
 * (an instance naming `NAME` finds no model; LMIN... on them are ignored).
 */
const BINNABLE_LEVELS = new Set([8, 49, 14, 54]);

/**
 * What selects a size bin: the instance's L= and W= as written (m; absent
 * when not given: ngspice then selects no bin), its NF= and WNFLAG= (W/NF
 * is binned when WNFLAG is nonzero, as ngspice 39 without `.options wnflag`).
 */
export interface MosBinSize {
  l?: number;
  w?: number;
  nf?: number;
  wnflag?: number;
}

/** The `.model NAME.N` cards (N digits) of MOSFET type in one scope, in file order. */
function binCards(lower: string, m: Map<string, ModelCard>): ModelCard[] {
  const out: ModelCard[] = [];
  for (const [key, card] of m) {
    if (key.length > lower.length + 1 && key.startsWith(lower) && key[lower.length] === "." && /^\d+$/.test(key.slice(lower.length + 1)) && (card.type === "nmos" || card.type === "pmos")) out.push(card);
  }
  return out;
}

/** True when `lower` names a MOSFET model in scope: a card of that name, or binned `lower.N` cards. */
export function hasMosModel(lower: string, models: Array<Map<string, ModelCard>>): boolean {
  return models.some((m) => {
    const c = m.get(lower);
    return c !== undefined ? c.type === "nmos" || c.type === "pmos" : binCards(lower, m).length > 0;
  });
}

/**
 * The model card a MOSFET names, as ngspice 39 finds it (inp2m.c:
 * INPgetMod, then INPgetModBin): the card of that name when there is one
 * (innermost scope first); else, of the `.model NAME.N` cards (N digits)
 * of a binnable level (BINNABLE_LEVELS) that write all four of LMIN, LMAX,
 * WMIN, WMAX, the first in file order with LMIN <= L <= LMAX and WMIN <=
 * W <= WMAX, both ends inclusive to 1e-9 m (ngspice's is_equal; a size
 * on the edge between two bins takes the first card written). L and W are
 * the instance's own (ngspice's `.options scale`, which eqspice does not
 * read, would multiply them). Null when no card has the name or a binned
 * form of it; a NetlistError at the instance when there are bins but none
 * holds it (ngspice 39: "could not find a valid modelname").
 */
export function selectMosCard(name: Token, models: Array<Map<string, ModelCard>>, scope: Lookup, elementName: string, size: MosBinSize): ModelCard | null {
  for (const m of models) {
    const card = m.get(name.lower);
    if (card) return card;
    const bins = binCards(name.lower, m);
    if (bins.length === 0) continue;
    const listed = bins.map((c) => c.name).join(", ");
    const num = (card: ModelCard, k: string): number | undefined => {
      const t = card.params.get(k);
      return t ? evalTok(t, scope, `model parameter ${k.toUpperCase()}`) : undefined;
    };
    const usable = bins.filter((c) => {
      const lv = num(c, "level") ?? 1;
      return BINNABLE_LEVELS.has(lv) && BIN_LIMITS.every((k) => c.params.has(k));
    });
    if (usable.length === 0) {
      throw new NetlistError(
        `${elementName}: model '${clip(name.text)}' is not defined; of its binned cards (${listed}) none is a binnable model: ngspice 39 selects size bins among BSIM3/BSIM4 cards (LEVEL 8/49, 14/54) that write LMIN, LMAX, WMIN and WMAX, and refuses this instance ("could not find a valid modelname")`,
        name.loc,
      );
    }
    if (size.l === undefined || size.w === undefined) {
      throw new NetlistError(`${elementName}: model '${clip(name.text)}' is binned (${listed}): the bin is chosen by the instance's L= and W=, which it must give (ngspice 39 finds no model without them)`, name.loc);
    }
    const l = size.l;
    const w = size.nf !== undefined && size.wnflag !== undefined && size.wnflag !== 0 ? size.w / size.nf : size.w;
    const m6 = (x: number): string => Number(x.toPrecision(12)).toExponential();
    const inside = (v: number, lo: number, hi: number): boolean => Math.abs(v - lo) < 1e-9 || Math.abs(v - hi) < 1e-9 || (lo < v && v < hi);
    const ranges: string[] = [];
    for (const c of usable) {
      const [lmin, lmax, wmin, wmax] = BIN_LIMITS.map((k) => num(c, k)!);
      if (inside(l, lmin, lmax) && inside(w, wmin, wmax)) return c;
      ranges.push(`${c.name}: L ${m6(lmin)}..${m6(lmax)}, W ${m6(wmin)}..${m6(wmax)}`);
    }
    throw new NetlistError(`${elementName}: no size bin of model '${clip(name.text)}' holds L = ${m6(l)} m, W = ${m6(w)} m (${ranges.join("; ")}; ngspice 39: "could not find a valid modelname")`, name.loc);
  }
  return null;
}

/**
 * Why a transistor's channel is empty with this model (ngspice's
 * "effective channel length/width less than zero"), or null: Leff = L - 2
 * LD (+ XL at level 3) and, at level 3, Weff = W - 2 WD + XW must be
 * positive. `width` tells which it is.
 */
export function mosSizeProblem(model: MosModel, g: MosGeometry, modelName: string): { msg: string; width: boolean } | null {
  if (model.bsim4) return bsim4SizeProblem(model, g, modelName);
  if (model.bsim3) {
    // b3temp.c: Leff = L + XL - 2 dL, Weff = W + XW - 2 dW (and the C-V ones) must be positive
    const e = bsim3EffectiveSize(model.bsim3, g.l, g.w);
    if (!(e.leff > 0)) return { msg: `BSIM3 effective channel length Leff = ${e.leff} m is not positive (.model ${modelName}: LINT, LL, LW, LWL, XL)`, width: false };
    if (!(e.weff > 0)) return { msg: `BSIM3 effective channel width Weff = ${e.weff} m is not positive (.model ${modelName}: WINT, WL, WW, WWL, XW)`, width: true };
    if (!(e.leffCV > 0)) return { msg: `BSIM3 effective channel length for C-V = ${e.leffCV} m is not positive (.model ${modelName}: DLC, LLC, LWC, LWLC, XL)`, width: false };
    if (!(e.weffCV > 0)) return { msg: `BSIM3 effective channel width for C-V = ${e.weffCV} m is not positive (.model ${modelName}: DWC, WLC, WWC, WWLC, XW)`, width: true };
    return null;
  }
  const p = model.params;
  const x = model.mos3;
  const leff = g.l - 2 * p.ld + (x ? x.xl : 0);
  if (!(leff > 0)) {
    const what = x ? `L - 2 LD + XL = ${leff} m is not positive (.model ${modelName} LD=${p.ld} XL=${x.xl})` : `L - 2 LD = ${leff} m is not positive (.model ${modelName} LD=${p.ld})`;
    return { msg: `effective channel length ${what}`, width: false };
  }
  if (x) {
    const weff = g.w - 2 * x.wd + x.xw;
    if (!(weff > 0)) return { msg: `effective channel width W - 2 WD + XW = ${weff} m is not positive (.model ${modelName} WD=${x.wd} XW=${x.xw})`, width: true };
  }
  return null;
}

/**
 * BSIM3 versions whose DC eqspice computes: 3.3.x (ngspice 39's bsim3),
 * 3.2.x (ngspice's bsim3v32, whose DC current is bsim3's: it differs in the
 * charges and in derivatives only, and the IJTH junction extension of 3.2 is
 * the same function written otherwise) and 3.1.. (bsim3v1: the `v31` model,
 * devices/bsim3v1). ngspice 39 picks the device by the version's prefix
 * (3.10 and 3.1.0 are bsim3v1 too); 3.0.. (bsim3v0) is another model, other
 * versions are errors in ngspice ("not available in this binary").
 */
function bsim3VersionOk(v: string): boolean {
  return v.startsWith("3.3") || v.startsWith("3.2") || v.startsWith("3.1");
}

/**
 * A LEVEL=8 or LEVEL=49 card: BSIM3v3.3.0 (ngspice's bsim3). Every
 * parameter name of ngspice's b3.c is accepted (the noise, capacitance and
 * limit ones have no effect in DC), others are refused at their place;
 * VERSION must be 3.3.x, 3.2.x or 3.1.. (ngspice runs 3.0 with another
 * device); on a 3.1 card the names b3v1.c lacks (BSIM3V1_ABSENT) are ignored
 * with a warning, as ngspice ignores them;
 * TOX, TOXM, the geometry exponents and RSH are checked; ACM (other area
 * calculation methods) is refused.
 */
function resolveBsim3(card: ModelCard, scope: Lookup, tnom: number, warn: (key: string, msg: string) => void): MosModel {
  const type = card.type === "nmos" ? 1 : -1;
  const values = new Map<string, number>();
  // a VERSION starting with 3.1 (3.1, 3.1.0, 3.12, ...: measured with ngspice 39) is ngspice's bsim3v1 device
  const versionTok = card.params.get("version");
  const v31 = versionTok !== undefined && versionTok.text.replace(/^["']|["']$/g, "").startsWith("3.1");
  for (const [key, tok] of card.params) {
    if (!(key in BSIM3_PARAM_NAMES)) throw new NetlistError(`unknown BSIM3 (MOSFET level 8/49) model parameter '${key}' in .model ${card.name}`, tok.loc);
    const name = BSIM3_PARAM_NAMES[key];
    if (name === null) continue;
    if (name === "version") {
      const v = tok.text.replace(/^["']|["']$/g, "");
      if (!bsim3VersionOk(v)) {
        throw new NetlistError(
          `.model ${card.name}: BSIM3 VERSION=${clip(v)} is not supported: eqspice implements BSIM3v3.3.0, v3.2.x and v3.1 (ngspice's bsim3, bsim3v32 and bsim3v1); ngspice runs version 3.0 with another device (bsim3v0), whose DC current differs. VERSION=3.3.0 runs the card with the 3.3 equations`,
          tok.loc,
        );
      }
      continue;
    }
    if (v31 && BSIM3V1_ABSENT.has(name)) {
      warn(`${card.name}:${key}`, `${formatLoc(tok.loc)}: .model ${card.name}: ${key.toUpperCase()} is not a BSIM3 VERSION 3.1 parameter: ignored, as ngspice 39's bsim3v1 ignores it`);
      continue;
    }
    values.set(name, evalTok(tok, scope, `model parameter ${key.toUpperCase()}`));
  }
  const at = (k: string): SourceLoc => card.params.get(k)?.loc ?? card.loc;
  const tox = values.get("tox");
  if (tox !== undefined && !(tox > 0)) throw new NetlistError(`.model ${card.name}: TOX must be positive (got ${tox})`, at("tox"));
  const toxm = values.get("toxm");
  if (toxm !== undefined && !(toxm > 0)) throw new NetlistError(`.model ${card.name}: TOXM must be positive (got ${toxm})`, at("toxm"));
  const rsh = values.get("rsh");
  if (rsh !== undefined && !(rsh >= 0)) throw new NetlistError(`.model ${card.name}: RSH must not be negative (got ${rsh})`, at("rsh"));
  const acm = values.get("acm");
  if (acm !== undefined && acm !== 0) throw new NetlistError(`.model ${card.name}: BSIM3 ACM=${acm} (area calculation method) is not supported: eqspice models ACM=0 only`, at("acm"));
  const mob = values.get("mobmod");
  if (mob !== undefined && mob !== 1 && mob !== 2 && mob !== 3) throw new NetlistError(`.model ${card.name}: MOBMOD must be 1, 2 or 3 (got ${mob})`, at("mobmod"));
  const nj = values.get("nj");
  if (nj !== undefined && !(nj > 0)) throw new NetlistError(`.model ${card.name}: NJ must be positive (got ${nj})`, at("nj"));
  const tn = values.get("tnom");
  if (tn !== undefined && !(tn > -CONSTCtoK)) throw new NetlistError(`.model ${card.name}: TNOM must be above -273.15 C`, at("tnom"));
  const bsim3 = bsim3Model(type, values, tnom, v31);
  // level 1's values as placeholders: the element's maker uses `bsim3`
  const base = deriveMosModel(mosDefaults(type, tnom));
  return { ...base, bsim3 };
}

/**
 * b3v1set.c's instance defaults of a VERSION 3.1 transistor: with HDIF on
 * the card, AD and AS default to 2 W HDIF (m^2), PD and PS to 2 W + 4 HDIF
 * (m); `given` tells which the instance wrote.
 */
export function bsim3v1Defaults(model: MosModel, g: MosGeometry, given: (k: string) => boolean): void {
  const b3 = model.bsim3;
  if (!b3?.v31 || !b3.given.has("hdif")) return;
  const hdif = b3.p.hdif;
  if (!given("ad")) g.ad = g.w * 2 * hdif;
  if (!given("as")) g.as = g.w * 2 * hdif;
  if (!given("pd")) g.pd = 2 * g.w + 4 * hdif;
  if (!given("ps")) g.ps = 2 * g.w + 4 * hdif;
}

/**
 * b3v1check.c's perimeter clamp, as ngspice 39 applies it: when CJSW or
 * CJSWG is positive (CJSW's default is), PD and PS below Weff are set to
 * Weff ("Warning: Pd = 0 is less than W"), which changes the junctions'
 * saturation currents (AD PD = 0 gives 1e-14 A, PD = Weff gives Weff JSW).
 * b3v1temp.c runs the check once per model and size (L, W), for the first
 * instance in ngspice's list, which is the last one written: the other
 * instances of that size keep their perimeters (measured with ngspice 39:
 * of three equal transistors with PD = 0 only the last has Weff JSW).
 */
export function bsim3v1Perimeters(elements: ReadonlyArray<{ type: string }>): void {
  const seen = new Set<string>();
  for (let k = elements.length - 1; k >= 0; k--) {
    const e = elements[k] as { type: string; model?: MosModel; modelName?: string; geometry?: MosGeometry };
    const b3 = e.type === "m" ? e.model?.bsim3 : undefined;
    if (!b3?.v31 || !e.geometry) continue;
    const g = e.geometry;
    const key = `${e.modelName}\u0000${g.l}\u0000${g.w}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (!(b3.p.cjsw > 0 || b3.p.cjswg > 0)) continue;
    const weff = bsim3EffectiveSize(b3, g.l, g.w).weff;
    if (g.pd < weff) g.pd = weff;
    if (g.ps < weff) g.ps = weff;
  }
}

/** What a model card's type is, in words (errors naming a model used on the wrong element). */
function modelKind(type: string): string {
  if (type === "r") return "resistor";
  if (type === "d") return "diode";
  if (type === "npn" || type === "pnp") return "bipolar transistor";
  if (type === "njf" || type === "pjf") return "JFET";
  if (type === "nmf" || type === "pmf" || type === "nhfet" || type === "phfet") return "MESFET/HFET";
  if (isXspiceModelType(type)) return `XSPICE ${type}`;
  return "MOSFET";
}

/**
 * The BJT model a transistor names, evaluated in its scope: only level 1
 * (Gummel-Poon; an absent LEVEL is 1, as in ngspice) or levels 4 and 9
 * (VBIC: `vbic` set); other levels (HICUM) are refused at their LEVEL value. Null when no model has the name.
 */
export function resolveBjtModel(name: Token, models: Array<Map<string, ModelCard>>, scope: Lookup, tnom: number, elementName: string, warn: (modelName: string, msg: string) => void): { model: BjtModelParams; name: string; vbic?: undefined } | { vbic: VbicModelParams; name: string } | null {
  for (const m of models) {
    const card = m.get(name.lower);
    if (!card) continue;
    if (card.type !== "npn" && card.type !== "pnp") {
      throw new NetlistError(
        `${elementName}: model '${clip(name.text)}' is a ${modelKind(card.type)} model (.model ${card.name} ${card.type.toUpperCase()} at ${formatLoc(card.loc)}), not a bipolar transistor model (NPN or PNP)`,
        name.loc,
      );
    }
    const levelTok = card.params.get("level");
    if (levelTok) {
      const level = evalTok(levelTok, scope, "model parameter LEVEL");
      if (level === 4 || level === 9) {
        return { vbic: vbicModelFromCard(card, (tok, what) => evalTok(tok, scope, what), (msg) => warn(card.name, msg)), name: card.name };
      }
      if (level !== 1) {
        const what = BJT_LEVEL_NAMES[level];
        throw new NetlistError(`.model ${card.name}: BJT level ${level}${what ? ` (${what})` : ""} is not supported: eqspice models BJT level 1 (Gummel-Poon) and levels 4 and 9 (VBIC)`, levelTok.loc);
      }
    }
    const p: BjtModelParams = bjtDefaults(card.type === "npn" ? 1 : -1, tnom);
    for (const [key, tok] of card.params) {
      if (!(key in BJT_PARAM_ALIASES)) {
        const why = bjtUnsupportedParam(key);
        throw new NetlistError(why ? `.model ${card.name}: BJT model parameter '${key}' is not supported: ${why}` : `unknown BJT (Gummel-Poon level 1) model parameter '${key}' in .model ${card.name}`, tok.loc);
      }
      const field = BJT_PARAM_ALIASES[key];
      const v = evalTok(tok, scope, `model parameter ${key.toUpperCase()}`);
      if (field === null) {
        if (key === "vceo" || key === "icrating") warn(card.name, `${formatLoc(tok.loc)}: .model ${card.name}: ${key.toUpperCase()} is a datasheet annotation, ignored (as ngspice)`);
        continue;
      }
      if (field === "subs") {
        if (v !== 1 && v !== -1) throw new NetlistError(`.model ${card.name}: SUBS must be 1 (vertical) or -1 (lateral), got ${v}`, tok.loc);
        p.subs = v;
        continue;
      }
      (p as unknown as Record<string, number>)[field] = v;
    }
    const at = (k: string): SourceLoc => {
      for (const [key, tok] of card.params) if (BJT_PARAM_ALIASES[key] === k) return tok.loc;
      return card.loc;
    };
    for (const k of ["is", "bf", "br", "nf", "nr", "ne", "nc", "ns", "nkf"] as const) {
      if (!(p[k] > 0)) throw new NetlistError(`.model ${card.name}: ${k.toUpperCase()} must be positive`, at(k));
    }
    for (const k of ["ise", "isc", "iss", "rb", "irb", "re", "rc", "ikf", "ikr", "vaf", "var"] as const) {
      if (!(p[k] >= 0)) throw new NetlistError(`.model ${card.name}: ${k.toUpperCase()} must not be negative`, at(k));
    }
    if (p.rbm !== undefined && !(p.rbm >= 0)) throw new NetlistError(`.model ${card.name}: RBM must not be negative`, at("rbm"));
    if (!(p.tnom > -CONSTCtoK)) throw new NetlistError(`.model ${card.name}: TNOM must be above -273.15 C`, at("tnom"));
    return { model: p, name: card.name };
  }
  return null;
}
