/**
 * GaAs MESFET / HFET models (`.model NAME NMF|PMF|NHFET|PHFET(...)`, the Z
 * element's) as ngspice 39 selects them (spicelib/parser/inpdomod.c: the
 * LEVEL picks the device whatever the type name): level 0 or 1 (or none)
 * MES, 2-4 MESA, 5 HFETA, 6 HFET2. A type name the device has no flag for
 * (NHFET on a MES card, NMF / PMF on an HFETA card) is ignored by ngspice
 * with a warning: the device is then n-type; so here.
 */
import type { ModelCard } from "./ast.js";
import { NetlistError, clip, formatLoc } from "../util/errors.js";
import type { Lookup } from "./expressions.js";
import type { Token } from "./lexer.js";
import { evalTok } from "./elaborate-models.js";
import { MES_PARAM_ALIASES, mesDefaults, type MesModelParams } from "../devices/mesfet/mes-model.js";
import { HFETA_PARAMS, hfetaModel, type HfetaModelParams } from "../devices/mesfet/hfeta-model.js";
import { MESA_PARAMS, mesaModel, type MesaModelParams } from "../devices/mesfet/mesa-model.js";

export const Z_MODEL_TYPES: ReadonlySet<string> = new Set(["nmf", "pmf", "nhfet", "phfet"]);

export type ZModel = { kind: "mes"; p: MesModelParams } | { kind: "hfeta"; p: HfetaModelParams } | { kind: "mesa"; p: MesaModelParams };

/**
 * The Z model `name` an element names, evaluated in its scope; null when
 * no model has the name. `warn` gets ngspice's warnings once per model.
 */
export function resolveZModel(
  name: Token,
  models: Array<Map<string, ModelCard>>,
  scope: Lookup,
  circuitTempK: number,
  elementName: string,
  warn: (modelName: string, msg: string) => void,
): { model: ZModel; name: string; card: ModelCard } | null {
  for (const m of models) {
    const card = m.get(name.lower);
    if (!card) continue;
    if (!Z_MODEL_TYPES.has(card.type)) {
      throw new NetlistError(`${elementName}: model '${clip(name.text)}' is a ${card.type.toUpperCase()} model (.model ${card.name} at ${formatLoc(card.loc)}), not a MESFET/HFET model (NMF, PMF, NHFET or PHFET)`, name.loc);
    }
    const levelTok = card.params.get("level");
    const level = levelTok ? evalTok(levelTok, scope, "model parameter LEVEL") : 1;
    const lv = Math.trunc(level);
    const vals = new Map<string, { v: number; tok: Token }>();
    const unknown = (key: string, tok: Token, dev: string): void =>
      warn(card.name, `${formatLoc(tok.loc)}: .model ${card.name}: unrecognized parameter '${key}' ignored, as ngspice 39 ignores it (not a ${dev} parameter)`);
    const read = (known: (k: string) => boolean, dev: string): void => {
      for (const [key, tok] of card.params) {
        if (key === "level") continue;
        if (!known(key)) {
          unknown(key, tok, dev);
          continue;
        }
        const v = evalTok(tok, scope, `model parameter ${key.toUpperCase()}`);
        if (!Number.isFinite(v)) throw new NetlistError(`.model ${card.name}: ${key.toUpperCase()} is not finite`, tok.loc);
        vals.set(key, { v, tok });
      }
    };
    const pos = (key: string, v: number, ok: boolean, what: string): void => {
      if (!ok) throw new NetlistError(`.model ${card.name}: ${key.toUpperCase()} ${what} (got ${v})`, vals.get(key)?.tok.loc ?? card.loc);
    };
    if (lv === 0 || lv === 1) {
      // MES: type flags nmf / pmf (nhfet / phfet are not MES parameters: ngspice ignores them, NMF)
      if (card.type === "nhfet" || card.type === "phfet") warn(card.name, `${formatLoc(card.loc)}: .model ${card.name}: '${card.type}' is not a parameter of ngspice's MES (level 1): ignored as ngspice does, the model is NMF`);
      read((k) => k in MES_PARAM_ALIASES, "MES (level 1)");
      const p = mesDefaults(card.type === "pmf" ? -1 : 1);
      for (const [k, { v }] of vals) {
        const f = MES_PARAM_ALIASES[k];
        if (f) (p as unknown as Record<string, number>)[f] = v;
      }
      pos("is", p.is, p.is > 0, "must be positive");
      pos("alpha", p.alpha, p.alpha > 0, "must be positive");
      pos("rd", p.rd, p.rd >= 0, "must not be negative");
      pos("rs", p.rs, p.rs >= 0, "must not be negative");
      return { model: { kind: "mes", p }, name: card.name, card };
    }
    if (lv === 5) {
      if (card.type === "nmf" || card.type === "pmf") warn(card.name, `${formatLoc(card.loc)}: .model ${card.name}: '${card.type}' is not a parameter of ngspice's HFETA (level 5): ignored as ngspice does, the model is NHFET`);
      const names = new Set(HFETA_PARAMS);
      read((k) => names.has(k), "HFETA (level 5)");
      const given: Record<string, number> = {};
      for (const [k, { v }] of vals) given[k] = v;
      const p = hfetaModel(card.type === "phfet" ? -1 : 1, given, circuitTempK);
      for (const k of ["rd", "rs", "rg", "ri", "rf", "rdi", "rsi", "rgs", "rgd"]) pos(k, p.v[k], p.v[k] >= 0, "must not be negative");
      return { model: { kind: "hfeta", p }, name: card.name, card };
    }
    if (lv >= 2 && lv <= 4) {
      if (card.type === "nhfet" || card.type === "phfet") warn(card.name, `${formatLoc(card.loc)}: .model ${card.name}: '${card.type}' is not a parameter of ngspice's MESA: ignored as ngspice does`);
      if (card.type === "pmf") warn(card.name, `${formatLoc(card.loc)}: .model ${card.name}: ngspice's MESA has n-type only: PMF is read as NMF, as ngspice does ("Only nmf model type supported, set to nmf")`);
      const names = new Set(MESA_PARAMS);
      read((k) => names.has(k), `MESA (level ${lv})`);
      const given: Record<string, number> = {};
      for (const [k, { v }] of vals) given[k] = v;
      const p = mesaModel(lv as 2 | 3 | 4, given);
      for (const k of ["rd", "rs", "rg", "ri", "rf", "rdi", "rsi"]) pos(k, p.v[k], p.v[k] >= 0, "must not be negative");
      return { model: { kind: "mesa", p }, name: card.name, card };
    }
    const what = lv === 6 ? "HFET2 (level 6)" : `level ${level}`;
    throw new NetlistError(
      `.model ${card.name}: ${card.type.toUpperCase()} ${what} is not supported: eqspice has ngspice's MES (level 1), MESA (levels 2-4) and HFETA (level 5)${lv === 6 ? "" : "; ngspice has no such level either"}`,
      levelTok?.loc ?? card.loc,
    );
  }
  return null;
}
