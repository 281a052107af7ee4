/**
 * `.model` cards: the card's type and parameters as ngspice 39 reads them
 * (parentheses and commas as separators, `NAME VALUE` without '=', stray
 * values ignored, names ngspice does not know on a device ignored, the
 * instance parameters a card may carry), checked against each device's
 * table. Where a card is stored (its scope, an `.if` branch) is the
 * parser's business.
 */
import { isVbicModelParam } from "./vbic-model-card.js";
import { NGSPICE_BJT_PARAMS, NGSPICE_DIODE_PARAMS, NGSPICE_JFET_PARAMS, NGSPICE_MOS1_PARAMS } from "./ngspice-params.js";
import { NetlistError, clip, formatLoc, type SourceLoc } from "../util/errors.js";
import type { Token } from "./lexer.js";
import { DIODE_PARAM_ALIASES } from "../devices/diode/diode-model.js";
import { RES_MODEL_PARAMS } from "../devices/resistor/resistor-model.js";
import { MOS_PARAM_ALIASES } from "../devices/mosfet/mosfet-model.js";
import { CARD_INSTANCE_PARAMS } from "./card-defaults.js";
import { BJT_PARAM_ALIASES, bjtUnsupportedParam } from "../devices/bjt/bjt-model.js";
import { JFET_PARAM_ALIASES } from "../devices/jfet/jfet-model.js";
import { Z_MODEL_TYPES } from "./mesfet-model-card.js";
import { NGSPICE_VDMOS_PARAMS, VDMOS_DROPPED_ANNOTATIONS, VDMOS_PARAM_ALIASES, VDMOS_PCHAN_KEY } from "../devices/vdmos/vdmos-model.js";
import { parseSpiceNumber } from "./numbers.js";
import { SWITCH_MODEL_PARAMS } from "./switch-model.js";
import { checkPspiceSwitchCard, isPspiceSwitchType } from "./pspice-switch.js";
import type { ModelCard, ParamAssign } from "./ast.js";
import { isXspiceModelType } from "../devices/xspice/models.js";
import { readXspiceModelParams, xspiceHasExpressions } from "../devices/xspice/card.js";
import { LINE_MODEL_PARAMS, readLineModelParams } from "./tline-cards.js";

/** Per model type whose parameter names the parser checks: ngspice 39's names and eqspice's (`.model` cards). */
const MOS_NAMES = { ngspice: NGSPICE_MOS1_PARAMS, own: MOS_PARAM_ALIASES };
const BJT_NAMES = { ngspice: NGSPICE_BJT_PARAMS, own: BJT_PARAM_ALIASES };
const JFET_NAMES = { ngspice: NGSPICE_JFET_PARAMS, own: JFET_PARAM_ALIASES };
const MODEL_NAME_TABLES: Record<string, { ngspice: ReadonlySet<string>; own: object } | undefined> = {
  nmos: MOS_NAMES,
  pmos: MOS_NAMES,
  npn: BJT_NAMES,
  pnp: BJT_NAMES,
  njf: JFET_NAMES,
  pjf: JFET_NAMES,
  d: { ngspice: NGSPICE_DIODE_PARAMS, own: DIODE_PARAM_ALIASES },
  vdmos: { ngspice: NGSPICE_VDMOS_PARAMS, own: VDMOS_PARAM_ALIASES },
};

/** Read one `.model` card (`args`: the tokens after `.model`). */
export function readModelCard(args: Token[], loc: SourceLoc, warnings: string[]): { card: ModelCard; hasExpressions: boolean; written: string } {
let hasExpressions = false;
  if (args.length < 2 || args[0].kind !== "word" || args[1].kind !== "word") {
    throw new NetlistError("`.model` needs a name and a type, e.g. `.model DMOD D(IS=1e-14)`", loc);
  }
  const [nameTok, typeTok, ...rest] = args;
  const type = typeTok.lower === "res" ? "r" : typeTok.lower; // ngspice takes RES for R
  if (isXspiceModelType(type)) {
    // an XSPICE code model (devices/xspice/card.ts reads its vectors); refused by type when an A element uses it
    const inner = rest[0]?.kind === "(" && rest[rest.length - 1]?.kind === ")" ? rest.slice(1, -1) : rest[0]?.kind === "(" ? rest.slice(1) : rest;
    const params = readXspiceModelParams(inner, nameTok.text);
    if (xspiceHasExpressions(params)) hasExpressions = true;
    return { card: { name: nameTok.lower, type, params, loc: nameTok.loc }, hasExpressions, written: nameTok.text };
  }
  if (type in LINE_MODEL_PARAMS) {
    // a transmission-line card (LTRA, URC, TXL, CPL): its own reader (netlist/tline-cards.ts), CPL's matrices included
    let inner = rest[0]?.kind === "(" && rest[rest.length - 1]?.kind === ")" ? rest.slice(1, -1) : rest;
    inner = inner.filter((t) => t.kind !== "(" && t.kind !== ")");
    const { params, values } = readLineModelParams(inner, type, nameTok.text, warnings);
    if ([...params.values()].some((t) => t.kind === "expr")) hasExpressions = true;
    return { card: { name: nameTok.lower, type, params, values, loc: nameTok.loc }, hasExpressions, written: nameTok.text };
  }
  if (type !== "d" && type !== "r" && type !== "nmos" && type !== "pmos" && type !== "npn" && type !== "pnp" && type !== "sw" && type !== "csw" && type !== "njf" && type !== "pjf" && type !== "vdmos" && !Z_MODEL_TYPES.has(type) && !isPspiceSwitchType(type)) {
    throw new NetlistError(`model type '${typeTok.text}' is not supported (eqspice has diode models D, resistor models R, MOSFET models NMOS and PMOS (levels 1-3) and VDMOS, bipolar models NPN and PNP (level 1, and VBIC levels 4 and 9), JFET models NJF and PJF (level 1), MESFET/HFET models NMF, PMF, NHFET and PHFET (levels 1-5), switch models SW and CSW, and transmission-line models LTRA, URC, TXL and CPL)`, typeTok.loc);
  }
  // VDMOS: ngspice's front end (inpcom.c, inp_vdmos_model) makes the card p-channel when a word contains 'pchan' and drops
  // the words pchan / nchan and the LTspice annotations ron= vds= qg= mfg= before reading it
  let pchanTok: Token | undefined;
  if (type === "vdmos") {
    const kept: Token[] = [];
    for (let i = 0; i < rest.length; i++) {
      const t = rest[i];
      if (t.kind === "word" && t.lower.includes("pchan")) pchanTok ??= t;
      if (t.kind === "word" && rest[i + 1]?.kind !== "=" && (t.lower.startsWith("pchan") || t.lower.startsWith("nchan"))) continue;
      if (t.kind === "word" && rest[i + 1]?.kind === "=" && VDMOS_DROPPED_ANNOTATIONS.has(t.lower)) {
        i += rest[i + 2] && rest[i + 2].kind !== "," && rest[i + 2].kind !== ")" ? 2 : 1;
        continue;
      }
      kept.push(t);
    }
    rest.length = 0;
    rest.push(...kept);
  }
  let body = rest;
  if (body[0]?.kind === "(") {
    if (body[body.length - 1]?.kind === ")") body = body.slice(1, -1);
    else {
      // ngspice 39 reads the parameters of `.model q npn (is=1e-14 bf=100` without its ')'
      warnings.push(`${formatLoc(body[0].loc)}: .model ${nameTok.text}: no ')' closes its parameters: read to the end of the card, as ngspice does`);
      body = body.slice(1);
    }
  }
  // ngspice's tokenizer takes parentheses in a .model card as separators: `.model q pnp (bf=20 ne=2)`
  // continued by `+ cje=12.4p ... tr=159n)` reads every parameter. So does eqspice.
  if (body.some((t) => t.kind === "(" || t.kind === ")")) body = body.filter((t) => t.kind !== "(" && t.kind !== ")");
  const params = new Map<string, Token>();
  const instanceDefaults = new Map<string, Token>();
  const assigns = parseModelParams(body, nameTok.text, warnings);
  // MOSFET parameter names are those of level 1; a card of another level is refused by level when used (elaborate).
  const levelTok = assigns.find((p) => p.name === "level")?.value;
  const mosLevel1 = !levelTok || (levelTok.kind === "word" && parseSpiceNumber(levelTok.text) === 1);
  // (VBIC, BJT level 4/9: its model table has DTEMP, which ngspice reads first)
  const bjtVbic = (type === "npn" || type === "pnp") && levelTok?.kind === "word" && [4, 9].includes(parseSpiceNumber(levelTok.text));
  const mosLevel6 = (type === "nmos" || type === "pmos") && levelTok?.kind === "word" && parseSpiceNumber(levelTok.text) === 6;
  // Names ngspice 39 does not know on this device (M, Q, J: level 1 cards; other levels in elaborate) are ignored, as ngspice does.
  const names = MODEL_NAME_TABLES[type];
  const ngKnown = names && (mosLevel1 || type === "d" || type === "vdmos") ? names : null;
  for (const p of assigns) {
    // A MOSFET's instance parameter on its card (L=2u W=42u, as vendors' macromodels write them): the instances'
    // default, as ngspice 39 reads it (no MOSFET level has a model parameter of these names)
    // (every instance parameter of the device that is not a model one, as ngspice's inpgmod.c: a BJT's or JFET's
    // AREA, a MOSFET's or diode's TEMP; elaborate reads those it models and refuses the others where used)
    // (MOSFET level 6 has a model parameter PS, mos6.c's "Sat. current modification par.": ngspice looks the model table up first)
    if (CARD_INSTANCE_PARAMS[type]?.has(p.name) && !(type === "d" && p.name in DIODE_PARAM_ALIASES) && !(mosLevel6 && p.name === "ps") && !(bjtVbic && isVbicModelParam(p.name))) {
      instanceDefaults.set(p.name, p.value);
      if (p.value.kind === "expr") hasExpressions = true;
      continue;
    }
    // (VDMOS has no LEVEL: ngspice ignores it there as any name outside the table)
    if (ngKnown && (p.name !== "level" || type === "vdmos") && !ngKnown.ngspice.has(p.name) && !(p.name in ngKnown.own)) {
      warnings.push(`${formatLoc(p.loc)}: .model ${nameTok.text}: unrecognized parameter '${p.name}' ignored, as ngspice 39 ignores it`);
      continue;
    }
    if ((type === "nmos" || type === "pmos") && mosLevel1 && !(p.name in MOS_PARAM_ALIASES)) {
      throw new NetlistError(`unknown MOSFET level 1 model parameter '${p.name}' in .model ${nameTok.text}`, p.loc);
    }
    // BJT names likewise are those of the Gummel-Poon level 1 (mosLevel1 is just "LEVEL absent or 1").
    if ((type === "npn" || type === "pnp") && mosLevel1 && !(p.name in BJT_PARAM_ALIASES)) {
      const why = bjtUnsupportedParam(p.name);
      if (why) throw new NetlistError(`.model ${nameTok.text}: BJT model parameter '${p.name}' is not supported: ${why}`, p.loc);
      throw new NetlistError(`unknown BJT (Gummel-Poon level 1) model parameter '${p.name}' in .model ${nameTok.text}`, p.loc);
    }
    if ((type === "sw" || type === "csw") && !(p.name in SWITCH_MODEL_PARAMS[type])) {
      throw new NetlistError(`unknown ${type.toUpperCase()} switch model parameter '${p.name}' in .model ${nameTok.text} (${type.toUpperCase()} models take: ${Object.keys(SWITCH_MODEL_PARAMS[type]).join(" ")})`, p.loc);
    }
    if ((type === "njf" || type === "pjf") && mosLevel1 && p.name !== "level" && !(p.name in JFET_PARAM_ALIASES)) {
      throw new NetlistError(`unknown JFET (level 1) model parameter '${p.name}' in .model ${nameTok.text} (NJF/PJF models take: ${Object.keys(JFET_PARAM_ALIASES).join(" ")})`, p.loc);
    }
    if (type === "d" && !(p.name in DIODE_PARAM_ALIASES)) throw new NetlistError(`unknown diode model parameter '${p.name}' in .model ${nameTok.text}`, p.loc);
    if (type === "r" && !(p.name in RES_MODEL_PARAMS)) {
      throw new NetlistError(`unknown resistor model parameter '${p.name}' in .model ${nameTok.text} (R models take: ${Object.keys(RES_MODEL_PARAMS).join(" ")})`, p.loc);
    }
    params.set(p.name, p.value);
    if (p.value.kind === "expr") hasExpressions = true;
  }
  if (pchanTok) params.set(VDMOS_PCHAN_KEY, pchanTok);
  if (isPspiceSwitchType(type)) checkPspiceSwitchCard(type, nameTok.text, params, typeTok);
  return { card: { name: nameTok.lower, type, params, ...(instanceDefaults.size && { instanceDefaults }), loc: nameTok.loc }, hasExpressions, written: nameTok.text };
}

/**
 * The parameters of a `.model` card: `NAME=VALUE`, and also `NAME VALUE`
 * without the '=' (SPICE2 cards: `vto -1.615 kp 1.191e-5`, mixed as in
 * `NSUB=1E15 NSS 1E10`), separated by spaces or commas, as ngspice 39
 * reads them (its model reader takes '=' as a separator). A value is one
 * token (a number, a parameter name or a `{expression}`). A number, or a
 * word that is no name (`（`), where a name belongs is ignored with a
 * warning, as ngspice ignores it.
 */
export function parseModelParams(tokens: Token[], model: string, warnings?: string[]): ParamAssign[] {
  const out: ParamAssign[] = [];
  for (let i = 0; i < tokens.length; ) {
    const t = tokens[i];
    if (t.kind === ",") {
      i++;
      continue;
    }
    if (t.kind === "word" && /^[-+]?(\d|\.\d)/.test(t.text)) {
      // A number where a name belongs (`CJC=4.66E-11 .00 FC=0.5`, a vendor card's typo): ngspice 39's
      // model reader takes it as an unknown parameter name and ignores it, and reads on.
      warnings?.push(`${formatLoc(t.loc)}: .model ${model}: stray value '${clip(t.text)}' (no parameter name) ignored, as ngspice 39 ignores it`);
      i++;
      continue;
    }
    if (t.kind === "word" && !/^[a-z_]/i.test(t.text) && !/^[-+.\d]/.test(t.text)) {
      // Not a name (full-width parentheses `（ ... ）` of a vendor library, a stray `@`): ngspice 39's model reader
      // takes it as an unknown parameter name ("unrecognized parameter - ignored") and reads on.
      warnings?.push(`${formatLoc(t.loc)}: .model ${model}: '${clip(t.text)}' is not a parameter name: ignored, as ngspice 39 ignores it`);
      i++;
      continue;
    }
    if (t.kind !== "word" || !/^[a-z_]/i.test(t.text)) throw new NetlistError(`.model ${model}: expected a parameter name (NAME=VALUE or NAME VALUE), found '${clip(t.text)}'`, t.loc);
    let j = i + 1;
    if (tokens[j]?.kind === "=") j++;
    const v = tokens[j];
    // no value: the card ends, or the next token is a name followed by '=' or a separator
    if (!v || (v.kind !== "word" && v.kind !== "expr") || (j === i + 1 && tokens[j + 1]?.kind === "=")) {
      throw new NetlistError(`.model ${model}: parameter '${clip(t.text)}' has no value`, t.loc);
    }
    out.push({ name: t.lower, value: v, loc: t.loc });
    i = j + 1;
  }
  return out;
}
