/**
 * VDMOS models (`.model NAME VDMOS(...)`, ngspice 39's vdmos device) as
 * ngspice reads them: the front end's rewriting (inpcom.c,
 * inp_vdmos_model: `pchan` makes a p-channel model, the LTspice
 * annotations ron= vds= qg= mfg= and the words pchan / nchan are dropped,
 * done by the parser), then vdmosmpar.c's names (VDMOS_PARAM_ALIASES) and
 * vdmosset.c's defaults and checks.
 */
import type { ModelCard } from "./ast.js";
import { NetlistError, formatLoc, type SourceLoc } from "../util/errors.js";
import type { Lookup } from "./expressions.js";
import type { Token } from "./lexer.js";
import { evalTok } from "./elaborate-models.js";
import { CONSTCtoK } from "../devices/diode/diode-model.js";
import { VDMOS_PARAM_ALIASES, VDMOS_PCHAN_KEY, vdmosDefaults, type VdmosModelParams } from "../devices/vdmos/vdmos-model.js";


/** True when `lower` names a VDMOS model in scope (innermost first). */
export function hasVdmosModel(lower: string, models: Array<Map<string, ModelCard>>): boolean {
  for (const m of models) {
    const c = m.get(lower);
    if (c) return c.type === "vdmos";
  }
  return false;
}

/**
 * The VDMOS model `name` an M line names, evaluated in its scope; null when
 * no card has the name. `warn` gets ngspice's warnings, once per model.
 */
export function resolveVdmosModel(
  name: Token,
  models: Array<Map<string, ModelCard>>,
  scope: Lookup,
  tnom: number,
  warn: (modelName: string, msg: string) => void,
): { model: VdmosModelParams; name: string } | null {
  for (const m of models) {
    const card = m.get(name.lower);
    if (!card) continue;
    if (card.type !== "vdmos") return null;
    const p = vdmosDefaults(tnom);
    const given = new Set<string>();
    for (const [key, tok] of card.params) {
      if (key === VDMOS_PCHAN_KEY) {
        p.type = -1;
        continue;
      }
      if (!(key in VDMOS_PARAM_ALIASES)) throw new NetlistError(`unknown VDMOS model parameter '${key}' in .model ${card.name}`, tok.loc);
      const field = VDMOS_PARAM_ALIASES[key];
      const v = evalTok(tok, scope, `model parameter ${key.toUpperCase()}`);
      if (field === null) continue;
      if (!Number.isFinite(v)) throw new NetlistError(`.model ${card.name}: ${key.toUpperCase()} is not finite`, tok.loc);
      if (field === "ntype" || field === "ptype") {
        // vdmosmpar.c: the flag sets the type when nonzero
        if (v !== 0) p.type = field === "ntype" ? 1 : -1;
        continue;
      }
      (p as unknown as Record<string, number>)[field] = v;
      given.add(field);
    }
    p.qsGiven = given.has("rq") && given.has("vq");
    p.texp0Given = given.has("texp0");
    p.bvGiven = given.has("bv");
    p.rdsGiven = given.has("rds");
    p.rthjcGiven = given.has("rthjc");
    const at = (field: keyof VdmosModelParams): SourceLoc => {
      for (const [key, tok] of card.params) if (VDMOS_PARAM_ALIASES[key] === field) return tok.loc;
      return card.loc;
    };
    const bad = (field: keyof VdmosModelParams, what: string) => new NetlistError(`.model ${card.name}: ${what}`, at(field));
    // vdmosset.c: "Phi is not positive" stops ngspice
    if (!(p.phi > 0)) throw bad("phi", "PHI is not positive (ngspice 39 stops here too)");
    for (const k of ["rd", "rs", "rg", "rb", "rq", "cgdmin", "cgdmax", "cgs", "cjo", "tt"] as const) {
      if (!(p[k] >= 0)) throw bad(k, `${k.toUpperCase()} must not be negative`);
    }
    if (!(p.n > 0)) throw bad("n", "N must be positive");
    if (!(p.ksubthres > 0)) throw bad("ksubthres", "KSUBTHRES must be positive (the weak-inversion overdrive divides by it)");
    if (!(p.is > 0)) throw bad("is", "IS must be positive");
    if (p.bvGiven && !(p.nbv > 0)) throw bad("nbv", "NBV must be positive");
    if (p.bvGiven && !(p.ibv > 0)) throw bad("ibv", "IBV must be positive");
    if (!(p.vj > 0)) throw bad("vj", "VJ must be positive");
    if (!(p.fc >= 0 && p.fc < 1)) throw bad("fc", `FC must be in [0, 1) (got ${p.fc})`);
    if (!(p.rthjc > 0)) throw bad("rthjc", "RTHJC must be positive");
    if (!(p.rthca > 0)) throw bad("rthca", "RTHCA must be positive");
    if (!(p.tnom > -CONSTCtoK)) throw bad("tnom", "TNOM must be above -273.15 C");
    if (p.eg < 0.1) warn(card.name, `${formatLoc(at("eg"))}: .model ${card.name}: body diode activation energy EG = ${p.eg} is limited to 0.1 (as ngspice)`);
    if (p.fc > 0.95) warn(card.name, `${formatLoc(at("fc"))}: .model ${card.name}: coefficient FC = ${p.fc} is limited to 0.95 (as ngspice)`);
    return { model: p, name: card.name };
  }
  return null;
}
