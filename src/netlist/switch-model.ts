/**
 * Switch models (`.model NAME SW(VT= VH= RON= ROFF=)` for S,
 * `.model NAME CSW(IT= IH= RON= ROFF=)` for W) as ngspice 39 reads them:
 * defaults VT = VH = 0 (V) or IT = IH = 0 (A), RON = 1 ohm, ROFF = 1/GMIN.
 */
import type { ModelCard } from "./ast.js";
import { NetlistError, clip, formatLoc } from "../util/errors.js";
import type { Lookup } from "./expressions.js";
import type { Token } from "./lexer.js";
import { evalTok } from "./elaborate-models.js";
import type { SwitchModel } from "../devices/switch/switch.js";
import { pspiceSwitchIsPlain } from "./pspice-switch.js";

/** Parameter names of each switch model type (ngspice's), by the field they set. */
export const SWITCH_MODEL_PARAMS: Record<"sw" | "csw", Record<string, keyof SwitchModel>> = {
  sw: { vt: "threshold", vh: "hysteresis", ron: "ron", roff: "roff" },
  csw: { it: "threshold", ih: "hysteresis", ron: "ron", roff: "roff" },
};

/**
 * The switch model `name` of type `type` (sw for S, csw for W), evaluated in
 * its scope; null when no model has the name. gmin (S): ROFF's default is 1/gmin.
 */
export function resolveSwitchModel(
  name: Token,
  type: "sw" | "csw",
  models: Array<Map<string, ModelCard>>,
  scope: Lookup,
  gmin: number,
  elementName: string,
): { model: SwitchModel; name: string } | null {
  for (const m of models) {
    const card = m.get(name.lower);
    if (!card) continue;
    // PSpice's VSWITCH / ISWITCH with VT / VH (IT / IH): ngspice's SW / CSW, ROFF 1e12 ohm written on the card (pspice-switch.ts)
    const pspice = card.type === (type === "sw" ? "vswitch" : "iswitch") && pspiceSwitchIsPlain(card);
    if (card.type !== type && !pspice) {
      const want = type === "sw" ? "a voltage-controlled switch model (SW)" : "a current-controlled switch model (CSW)";
      throw new NetlistError(`${elementName}: model '${clip(name.text)}' is a ${card.type.toUpperCase()} model (.model ${card.name} at ${formatLoc(card.loc)}), not ${want}`, name.loc);
    }
    const model: SwitchModel = { threshold: 0, hysteresis: 0, ron: 1, roff: pspice ? 1e12 : 1 / gmin };
    for (const [key, tok] of card.params) {
      const field = SWITCH_MODEL_PARAMS[type][key];
      model[field] = evalTok(tok, scope, `model parameter ${key.toUpperCase()}`);
      if ((field === "ron" || field === "roff") && !(model[field] > 0 && Number.isFinite(model[field]))) {
        throw new NetlistError(`.model ${card.name}: ${key.toUpperCase()} must be a positive resistance, got ${model[field]}`, tok.loc);
      }
    }
    return { model, name: card.name };
  }
  return null;
}
