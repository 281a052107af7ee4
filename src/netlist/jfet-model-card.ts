/**
 * JFET models (`.model NAME NJF|PJF(...)`) as ngspice 39 reads them (jfet.c,
 * jfetset.c): only level 1 (an absent LEVEL is 1); parameters by
 * JFET_PARAM_ALIASES, defaults from jfetDefaults, TNOM from `.options tnom`.
 */
import type { ModelCard } from "./ast.js";
import { NetlistError, clip, formatLoc, type SourceLoc } from "../util/errors.js";
import type { Lookup } from "./expressions.js";
import type { Token } from "./lexer.js";
import { evalTok } from "./elaborate-models.js";
import { CONSTCtoK } from "../devices/diode/diode-model.js";
import { JFET_FC_MAX, JFET_PARAM_ALIASES, jfetDefaults, type JfetModelParams } from "../devices/jfet/jfet-model.js";

/** What ngspice's other JFET levels are (refused by their LEVEL value). */
const JFET_LEVEL_NAMES: Record<number, string> = { 2: "Parker-Skellern" };

/**
 * The JFET model `name` a transistor names, evaluated in its scope; null
 * when no model has the name. `warn` gets ngspice's warnings (FC above 0.95
 * limited to 0.95), once per model.
 */
export function resolveJfetModel(
  name: Token,
  models: Array<Map<string, ModelCard>>,
  scope: Lookup,
  tnom: number,
  elementName: string,
  warn: (modelName: string, msg: string) => void,
): { model: JfetModelParams; name: string } | null {
  for (const m of models) {
    const card = m.get(name.lower);
    if (!card) continue;
    if (card.type !== "njf" && card.type !== "pjf") {
      throw new NetlistError(`${elementName}: model '${clip(name.text)}' is a ${card.type.toUpperCase()} model (.model ${card.name} at ${formatLoc(card.loc)}), not a JFET model (NJF or PJF)`, name.loc);
    }
    const p = jfetDefaults(card.type === "njf" ? 1 : -1, tnom);
    for (const [key, tok] of card.params) {
      if (key === "level") {
        const level = evalTok(tok, scope, "model parameter LEVEL");
        if (level !== 1) {
          const what = JFET_LEVEL_NAMES[level];
          throw new NetlistError(`.model ${card.name}: JFET level ${level}${what ? ` (${what})` : ""} is not supported: eqspice models JFET level 1 (Shichman-Hodges) only`, tok.loc);
        }
        continue;
      }
      if (!(key in JFET_PARAM_ALIASES)) throw new NetlistError(`unknown JFET (level 1) model parameter '${key}' in .model ${card.name} (NJF/PJF models take: ${Object.keys(JFET_PARAM_ALIASES).join(" ")})`, tok.loc);
      const field = JFET_PARAM_ALIASES[key];
      const v = evalTok(tok, scope, `model parameter ${key.toUpperCase()}`);
      if (field === null) continue;
      if (!Number.isFinite(v)) throw new NetlistError(`.model ${card.name}: ${key.toUpperCase()} is not finite`, tok.loc);
      (p as unknown as Record<string, number>)[field] = v;
    }
    const at = (field: keyof JfetModelParams): SourceLoc => {
      for (const [key, tok] of card.params) if (JFET_PARAM_ALIASES[key] === field) return tok.loc;
      return card.loc;
    };
    if (!(p.is > 0)) throw new NetlistError(`.model ${card.name}: IS must be positive`, at("is"));
    if (!(p.beta >= 0)) throw new NetlistError(`.model ${card.name}: BETA must not be negative`, at("beta"));
    for (const k of ["rd", "rs", "cgs", "cgd"] as const) {
      if (!(p[k] >= 0)) throw new NetlistError(`.model ${card.name}: ${k.toUpperCase()} must not be negative`, at(k));
    }
    if (!(p.pb > 0)) throw new NetlistError(`.model ${card.name}: PB must be positive`, at("pb"));
    if (!(p.fc >= 0 && p.fc < 1)) throw new NetlistError(`.model ${card.name}: FC must be in [0, 1) (got ${p.fc})`, at("fc"));
    // B enters the channel law through (1 - B) / (PB - VTO)
    if (p.pb === p.vto) throw new NetlistError(`.model ${card.name}: PB equals VTO (${p.vto} V): the doping-tail factor (1 - B) / (PB - VTO) is undefined`, at("pb"));
    if (!(p.tnom > -CONSTCtoK)) throw new NetlistError(`.model ${card.name}: TNOM must be above -273.15 C`, at("tnom"));
    if (p.fc > JFET_FC_MAX) warn(card.name, `${formatLoc(at("fc"))}: .model ${card.name}: depletion capacitance coefficient FC = ${p.fc} is limited to ${JFET_FC_MAX} (as ngspice)`);
    return { model: p, name: card.name };
  }
  return null;
}
