/**
 * Transmission-line cards: the `.model` cards LTRA, URC, TXL and CPL
 * (ngspice's ltra.c, urc.c, txl.c, cpl.c parameter tables) and the element
 * lines T, O, U, Y and P (inp2t.c, inp2o.c, inp2u.c, inp2y.c, inp2p.c),
 * read into the DC stamps of devices/tline/ (T, O, Y, P) or, for U (a
 * uniform RC line), into the R / C / D ladder ngspice's urcsetup.c builds.
 */
import type { ElementCard, ModelCard } from "./ast.js";
import type { Token } from "./lexer.js";
import { NetlistError, clip, formatLoc, type SourceLoc } from "../util/errors.js";
import { parseSpiceNumber } from "./numbers.js";
import { DIODE_DEFAULTS, type DiodeModelParams } from "../devices/diode/diode-model.js";
import type { ElementSpec } from "./elaborate.js";
import { checkArgs, type Args } from "./element-args.js";

type Kind = "flag" | "value" | "vector";
const F: Kind = "flag";
const V: Kind = "value";
const VEC: Kind = "vector";

/** The model parameters of each line card (ngspice 39's tables). */
export const LINE_MODEL_PARAMS: Record<string, Record<string, Kind>> = {
  ltra: {
    ltra: F, r: V, l: V, g: V, c: V, len: V, rel: V, abs: V, nocontrol: F, steplimit: F, nosteplimit: F,
    lininterp: F, quadinterp: F, mixedinterp: F, truncnr: F, truncdontcut: F, compactrel: V, compactabs: V,
  },
  urc: { urc: F, k: V, fmax: V, rperl: V, cperl: V, isperl: V, rsperl: V },
  txl: { txl: F, r: V, l: V, c: V, g: V, length: V },
  cpl: { cpl: F, r: VEC, l: VEC, c: VEC, g: VEC, length: V },
};

const isValue = (t: Token | undefined): t is Token => !!t && (t.kind === "expr" || (t.kind === "word" && !Number.isNaN(parseSpiceNumber(t.text))));

/**
 * A line card's parameters: `name=value`, `name value`, a flag alone, and
 * CPL's matrices `R=r11 r12 r22` (every number up to the next name). Names
 * ngspice does not know are ignored with a warning, as ngspice ignores them.
 */
export function readLineModelParams(body: Token[], type: string, model: string, warnings: string[]): { params: Map<string, Token>; values: Map<string, Token[]> } {
  const table = LINE_MODEL_PARAMS[type];
  const params = new Map<string, Token>();
  const values = new Map<string, Token[]>();
  for (let i = 0; i < body.length; ) {
    const t = body[i];
    if (t.kind === ",") {
      i++;
      continue;
    }
    if (t.kind !== "word" || !/^[a-z_]/i.test(t.text)) throw new NetlistError(`.model ${model}: expected a parameter name, found '${clip(t.text)}'`, t.loc);
    const kind = table[t.lower];
    let j = i + 1;
    if (body[j]?.kind === "=") j++;
    const vals: Token[] = [];
    if (kind !== "flag") {
      while (j < body.length) {
        const v = body[j];
        if (v.kind === ",") {
          j++;
          continue;
        }
        if (!isValue(v) || body[j + 1]?.kind === "=") break;
        vals.push(v);
        j++;
        if (kind !== "vector") break;
      }
    }
    if (kind === undefined) {
      warnings.push(`${formatLoc(t.loc)}: .model ${model}: unrecognized parameter '${t.text}' ignored, as ngspice 39 ignores it`);
    } else {
      if (kind !== "flag" && vals.length === 0) throw new NetlistError(`.model ${model}: parameter '${clip(t.text)}' has no value`, t.loc);
      if (kind === "flag" && body[i + 1]?.kind === "=") throw new NetlistError(`.model ${model}: '${t.text}' is a flag: it takes no value`, body[i + 1].loc);
      params.set(t.lower, vals[0] ?? t);
      values.set(t.lower, vals);
    }
    i = j;
  }
  return { params, values };
}

/** What the element readers ask of elaboration. */
export interface LineContext {
  card: ElementCard;
  /** The element's scoped name. */
  name: string;
  a: Args;
  models: Array<Map<string, ModelCard>>;
  value(t: Token, what: string): number;
  node(n: string): string;
  tnom: number;
  warn(msg: string): void;
}

function lineModel(lc: LineContext, tok: Token | undefined, types: string[], usage: string): ModelCard {
  const { card } = lc;
  if (!tok || tok.kind !== "word") throw new NetlistError(`${card.name}: missing model name (usage: ${usage})`, tok?.loc ?? card.args[card.args.length - 1]?.loc ?? card.loc);
  for (const m of lc.models) {
    const c = m.get(tok.lower);
    if (!c) continue;
    if (!types.includes(c.type)) {
      throw new NetlistError(`${card.name}: model '${clip(tok.text)}' is a ${c.type.toUpperCase()} model (.model ${c.name} at ${formatLoc(c.loc)}), not ${types.map((t) => t.toUpperCase()).join(" or ")}`, tok.loc);
    }
    return c;
  }
  throw new NetlistError(`${card.name}: unknown model '${clip(tok.text)}' (no .model ${clip(tok.text)} ${types.map((t) => t.toUpperCase()).join(" / ")} card)`, tok.loc);
}

function nodes(lc: LineContext, count: number, usage: string): Token[] {
  const { card, a } = lc;
  const out = a.pos.slice(0, count);
  for (let k = 0; k < count; k++) {
    const t = out[k];
    if (!t || t.kind !== "word") throw new NetlistError(`${card.name}: missing node ${k + 1} of ${count} (usage: ${usage})`, t?.loc ?? card.args[card.args.length - 1]?.loc ?? card.loc);
  }
  return out;
}

function modelNum(lc: LineContext, m: ModelCard, key: string): number | undefined {
  const t = m.params.get(key);
  return t ? lc.value(t, `.model ${m.name} ${key.toUpperCase()}`) : undefined;
}

const T_USAGE = "Tname n1+ n1- n2+ n2- Z0=ohms [TD=delay | F=freq [NL=len]] [IC=v1,i1,v2,i2]";

/** T (inp2t.c, traparam.c): Z0 must be given (trasetup.c); TD, F, NL, the initial conditions are read and checked. */
export function readTLine(lc: LineContext): ElementSpec {
  const { card, a } = lc;
  const ns = nodes(lc, 4, T_USAGE);
  checkArgs(card, a, 4, T_USAGE, { z0: 1, zo: 1, td: 1, f: 1, nl: 1, v1: 1, v2: 1, i1: 1, i2: 1, ic: 4, rel: 1, abs: 1 });
  if (a.named.has("z0") && a.named.has("zo")) throw new NetlistError(`${card.name}: Z0 given twice (z0= and zo=)`, a.named.get("zo")!.key.loc);
  const zn = a.named.get("z0") ?? a.named.get("zo");
  if (!zn) throw new NetlistError(`${card.name}: transmission line z0 must be given (as ngspice 39 requires; usage: ${T_USAGE})`, card.loc);
  const z0 = lc.value(zn.values[0], `${card.name} Z0`);
  if (!(Number.isFinite(z0) && z0 > 0)) throw new NetlistError(`${card.name}: Z0 must be a positive finite impedance (got ${z0})`, zn.values[0].loc);
  for (const k of ["td", "f", "nl", "v1", "v2", "i1", "i2", "ic", "rel", "abs"]) {
    for (const t of a.named.get(k)?.values ?? []) {
      const v = lc.value(t, `${card.name} ${k.toUpperCase()}`);
      if (!Number.isFinite(v)) throw new NetlistError(`${card.name}: ${k.toUpperCase()} is not finite`, t.loc);
      if ((k === "td" || k === "f" || k === "nl") && !(v > 0) && !(k === "td" && v === 0)) throw new NetlistError(`${card.name}: ${k.toUpperCase()} must be positive (got ${v})`, t.loc);
    }
  }
  const num = (k: string, i = 0): number | undefined => {
    const t = a.named.get(k)?.values[i];
    return t ? lc.value(t, `${card.name} ${k.toUpperCase()}`) : undefined;
  };
  // tratemp.c: TD, else NL / F with trasetup.c's defaults NL = 0.25, F = 1 GHz
  const td = num("td") ?? (num("nl") ?? 0.25) / (num("f") ?? 1e9);
  // traparam.c: IC=v1,i1,v2,i2 (its first values), and V1= I1= V2= I2=, in the order given (the later wins)
  const ic = { v1: 0, i1: 0, v2: 0, i2: 0 };
  for (const [k, n] of a.named) {
    if (k === "ic") n.values.forEach((t, i) => (ic[(["v1", "i1", "v2", "i2"] as const)[i]] = lc.value(t, `${card.name} IC`)));
    else if (k === "v1" || k === "i1" || k === "v2" || k === "i2") ic[k] = lc.value(n.values[0], `${card.name} ${k.toUpperCase()}`);
  }
  // trasetup.c: REL and ABS default to 1 (the slope change, relative and in V/s, that sets a breakpoint TD later)
  const rel = num("rel") ?? 1;
  const abs = num("abs") ?? 1;
  return { type: "t", name: lc.name, nodes: ns.map((t) => lc.node(t.lower)) as [string, string, string, string], z0, td, ic, rel, abs, loc: card.loc, nodeToks: ns };
}

const O_USAGE = "Oname n1+ n1- n2+ n2- model [IC=v1,i1,v2,i2]";

/** O (inp2o.c) with its LTRA card: the special cases of ltraset.c, and the DC constants of ltraload.c. */
export function readOLine(lc: LineContext): ElementSpec {
  const { card, a } = lc;
  const ns = nodes(lc, 4, O_USAGE);
  const m = lineModel(lc, a.pos[4], ["ltra"], O_USAGE);
  checkArgs(card, a, 5, O_USAGE, { v1: 1, v2: 1, i1: 1, i2: 1, ic: 4 });
  for (const [k, n] of a.named) for (const t of n.values) if (!Number.isFinite(lc.value(t, `${card.name} ${k.toUpperCase()}`))) throw new NetlistError(`${card.name}: ${k.toUpperCase()} is not finite`, t.loc);
  const R = modelNum(lc, m, "r") ?? 0;
  const L = modelNum(lc, m, "l") ?? 0;
  const G = modelNum(lc, m, "g") ?? 0;
  const C = modelNum(lc, m, "c") ?? 0;
  const len = modelNum(lc, m, "len");
  if (!m.params.has("r")) lc.warn(`${formatLoc(m.loc)}: .model ${m.name}: lossy line series resistance not given, assumed zero (as ngspice)`);
  if (!m.params.has("c")) lc.warn(`${formatLoc(m.loc)}: .model ${m.name}: lossy line parallel capacitance not given, assumed zero (as ngspice)`);
  if (len === undefined) throw new NetlistError(`.model ${m.name}: lossy line length LEN must be given (as ngspice 39 requires)`, m.loc);
  for (const [k, v] of [["r", R], ["l", L], ["g", G], ["c", C], ["len", len]] as const) {
    if (!Number.isFinite(v)) throw new NetlistError(`.model ${m.name}: ${k.toUpperCase()} is not finite`, m.params.get(k)?.loc ?? m.loc);
  }
  let kind: "rg" | "r" | undefined;
  if (R === 0 && G === 0 && C !== 0 && L !== 0) kind = "r"; // LC
  if (R !== 0 && G === 0 && C !== 0 && L !== 0) kind = "r"; // RLC
  if (R !== 0 && G === 0 && C !== 0 && L === 0) kind = "r"; // RC
  if (R !== 0 && G === 0 && C === 0 && L !== 0) throw new NetlistError(`.model ${m.name}: RL line not supported (ngspice 39 refuses it too)`, m.loc);
  if (R !== 0 && G !== 0 && C === 0 && L === 0) kind = "rg";
  if (G !== 0 && (C !== 0 || L !== 0)) throw new NetlistError(`.model ${m.name}: nonzero G (except the RG line) not supported (ngspice 39 refuses it too)`, m.loc);
  const nonzero = [R, G, L, C].filter((x) => x !== 0).length;
  if (nonzero <= 1 || kind === undefined) throw new NetlistError(`.model ${m.name}: at least two of R, L, G, C must be specified and nonzero (as ngspice 39 requires)`, m.loc);
  const nodesOut = ns.map((t) => lc.node(t.lower)) as [string, string, string, string];
  if (kind === "r") return { type: "o", name: lc.name, nodes: nodesOut, modelName: m.name, line: { kind: "r", rlen: R * len }, loc: card.loc, nodeToks: ns };
  // ltraload.c, MODEDC, LTRA_MOD_RG
  let d1 = len * Math.sqrt(R * G);
  const d2 = Math.exp(-d1);
  d1 = Math.exp(d1);
  const cosh = 0.5 * (d1 + d2);
  const rs = G <= 1.0e-10 ? len * R : 0.5 * (d1 - d2) * Math.sqrt(R / G);
  const gs = R <= 1.0e-10 ? len * G : 0.5 * (d1 - d2) * Math.sqrt(G / R);
  if (![cosh, rs, gs].every(Number.isFinite)) throw new NetlistError(`.model ${m.name}: the RG line's cosh(len sqrt(R G)) overflows (len sqrt(R G) = ${len * Math.sqrt(R * G)})`, m.loc);
  return { type: "o", name: lc.name, nodes: nodesOut, modelName: m.name, line: { kind: "rg", cosh, rs, gs }, loc: card.loc, nodeToks: ns };
}

function lineMatrix(lc: LineContext, m: ModelCard, key: string, n: number): number[] {
  const toks = m.values?.get(key);
  if (!toks) throw new NetlistError(`.model ${m.name}: lossy line ${key.toUpperCase()} not given (ngspice 39 requires R, L, G, C and LENGTH)`, m.loc);
  const want = (n * (n + 1)) / 2;
  if (toks.length !== want) {
    throw new NetlistError(`.model ${m.name}: ${key.toUpperCase()} has ${toks.length} values; ${n} coupled lines need the ${want} of its upper triangle, row by row`, toks[0]?.loc ?? m.loc);
  }
  return toks.map((t) => {
    const v = lc.value(t, `.model ${m.name} ${key.toUpperCase()}`);
    if (!Number.isFinite(v)) throw new NetlistError(`.model ${m.name}: ${key.toUpperCase()} value is not finite`, t.loc);
    return v;
  });
}

const Y_USAGE = "Yname in gnd out gnd model [len=length]";
const P_USAGE = "Pname in1 ... inN gnd out1 ... outN gnd model [len=length]";

/** The instance length (len=; for P also length=), or undefined. */
function instanceLength(lc: LineContext, keys: string[]): number | undefined {
  for (const k of keys) {
    const n = lc.a.named.get(k);
    if (n) {
      const v = lc.value(n.values[0], `${lc.card.name} ${k}`);
      if (!Number.isFinite(v)) throw new NetlistError(`${lc.card.name}: ${k} is not finite`, n.values[0].loc);
      return v;
    }
  }
  return undefined;
}

/** Y (inp2y.c) with a TXL card, or a CPL card (then read as a P line, as inp2y.c does). */
export function readYLine(lc: LineContext): ElementSpec {
  const { card, a } = lc;
  const ns = nodes(lc, 4, Y_USAGE);
  const m = lineModel(lc, a.pos[4], ["txl", "cpl"], Y_USAGE);
  if (m.type === "cpl") return readPLine(lc);
  if (a.named.has("length")) {
    throw new NetlistError(`${card.name}: a Y line's length is len= (ngspice 39's inp2y.c ignores length= there and uses the model's: write len=, or length= on the .model card)`, a.named.get("length")!.key.loc);
  }
  checkArgs(card, a, 5, Y_USAGE, { len: 1 });
  for (const k of ["r", "g", "l", "c", "length"]) {
    if (!m.params.has(k)) throw new NetlistError(`.model ${m.name}: lossy line ${k === "length" ? "length" : k.toUpperCase()} not given (ngspice 39 requires R, L, G, C and LENGTH)`, m.loc);
    if (!Number.isFinite(modelNum(lc, m, k)!)) throw new NetlistError(`.model ${m.name}: ${k.toUpperCase()} is not finite`, m.params.get(k)!.loc);
  }
  const R = modelNum(lc, m, "r")!;
  const L = modelNum(lc, m, "l")!;
  const inst = instanceLength(lc, ["len"]);
  const len = inst ?? modelNum(lc, m, "length")!;
  if (len && R && L && R / L > 1.6e10) {
    throw new NetlistError(`${card.name}: R/L = ${R / L} > 1.6e10: ngspice 39 replaces such a TXL line by its 3-pi RC fallback (inp2y.c), which eqspice does not model`, card.loc);
  }
  const io = [ns[0], ns[2]];
  return { type: "p", name: lc.name, nodes: io.map((t) => lc.node(t.lower)), modelName: m.name, rlen: [R * len], txl: true, loc: card.loc, nodeToks: io };
}

/** P (inp2p.c) with a CPL card: N in nodes, a ground, N out nodes, a ground (the grounds are read, not connected, as ngspice). */
export function readPLine(lc: LineContext): ElementSpec {
  const { card, a } = lc;
  const count = a.pos.length;
  if (count < 5 || (count - 3) % 2 !== 0) throw new NetlistError(`${card.name}: expected N in nodes, a ground, N out nodes, a ground and a model (usage: ${P_USAGE})`, a.pos[count - 1]?.loc ?? card.loc);
  const n = (count - 3) / 2;
  const ns = nodes(lc, 2 * n + 2, P_USAGE);
  const m = lineModel(lc, a.pos[2 * n + 2], ["cpl"], P_USAGE);
  checkArgs(card, a, 2 * n + 3, P_USAGE, { len: 1, length: 1 });
  if (a.named.has("len") && a.named.has("length")) throw new NetlistError(`${card.name}: the length given twice (len= and length=)`, a.named.get("length")!.key.loc);
  const R = lineMatrix(lc, m, "r", n);
  lineMatrix(lc, m, "l", n);
  lineMatrix(lc, m, "g", n);
  lineMatrix(lc, m, "c", n);
  if (!m.params.has("length")) throw new NetlistError(`.model ${m.name}: lossy line length must be given (as ngspice 39 requires)`, m.loc);
  const mlen = modelNum(lc, m, "length")!;
  if (!Number.isFinite(mlen)) throw new NetlistError(`.model ${m.name}: LENGTH is not finite`, m.params.get("length")!.loc);
  const len = instanceLength(lc, ["len", "length"]) ?? mlen;
  const rlen: number[] = [];
  for (let k = 0, idx = 0; k < n; k++) {
    rlen.push(R[idx] * len);
    idx += n - k;
  }
  const io = [...ns.slice(0, n), ...ns.slice(n + 1, 2 * n + 1)];
  return { type: "p", name: lc.name, nodes: io.map((t) => lc.node(t.lower)), modelName: m.name, rlen, txl: false, loc: card.loc, nodeToks: io };
}

const U_USAGE = "Uname n1 n2 ncap model L=length [N=lumps]";

/**
 * U (inp2u.c) with a URC card: the ladder urcsetup.c builds, as R, C and
 * (with ISPERL) D elements on internal nodes `u#lo<i>` and `u#hi<i>`.
 */
export function readULine(lc: LineContext): ElementSpec[] {
  const elementName = (suffix: string) => `${lc.name}#${suffix}`;
  // ngspice's CKTmkVolt names them after the scoped element: `u1#hi1`, `u.x1.u1#lo2`
  const localNode = (suffix: string) => `${lc.name}#${suffix}`;
  const { card, a } = lc;
  const ns = nodes(lc, 3, U_USAGE);
  const mt = a.pos[3];
  if (mt?.kind === "word" && !lc.models.some((mm) => mm.get(mt.lower)?.type === "urc")) {
    const other = lc.models.map((mm) => mm.get(mt.lower)).find((c) => c);
    if (!other || other.type !== "urc") {
      throw new NetlistError(`${card.name}: eqspice reads U elements only as uniform RC lines (a .model ${clip(mt.text)} URC card); PSpice-style digital U devices are not supported`, mt.loc);
    }
  }
  const m = lineModel(lc, mt, ["urc"], U_USAGE);
  checkArgs(card, a, 4, U_USAGE, { l: 1, n: 1 });
  const ln = a.named.get("l");
  if (!ln) throw new NetlistError(`${card.name}: the line's length L= must be given (usage: ${U_USAGE})`, card.loc);
  const length = lc.value(ln.values[0], `${card.name} L`);
  if (!(Number.isFinite(length) && length > 0)) throw new NetlistError(`${card.name}: L must be a positive length (got ${length})`, ln.values[0].loc);
  const num = (k: string, dflt: number): number => {
    const v = modelNum(lc, m, k) ?? dflt;
    if (!Number.isFinite(v)) throw new NetlistError(`.model ${m.name}: ${k.toUpperCase()} is not finite`, m.params.get(k)!.loc);
    return v;
  };
  const p = num("k", 1.5);
  const fmax = num("fmax", 1e9);
  const rperl = num("rperl", 1000);
  const cperl = num("cperl", 1e-12);
  const isperl = m.params.has("isperl") ? num("isperl", 0) : undefined;
  const rsperl = num("rsperl", 0);
  if (!(p > 1)) throw new NetlistError(`.model ${m.name}: the propagation constant K must be above 1 (got ${p})`, m.params.get("k")?.loc ?? m.loc);
  if (!(rperl > 0)) throw new NetlistError(`.model ${m.name}: RPERL must be positive (got ${rperl})`, m.params.get("rperl")?.loc ?? m.loc);
  if (isperl !== undefined && !(isperl > 0)) throw new NetlistError(`.model ${m.name}: ISPERL must be positive (got ${isperl})`, m.params.get("isperl")!.loc);
  if (!(rsperl >= 0)) throw new NetlistError(`.model ${m.name}: RSPERL must not be negative (got ${rsperl})`, m.params.get("rsperl")!.loc);
  const r0 = length * rperl;
  const c0 = length * cperl;
  const i0 = length * (isperl ?? 0);
  let lumps: number;
  const nn = a.named.get("n");
  if (nn) {
    lumps = lc.value(nn.values[0], `${card.name} N`);
    if (!(Number.isInteger(lumps) && lumps >= 1 && lumps <= 10000)) throw new NetlistError(`${card.name}: N (lumps) must be a whole number from 1 to 10000 (got ${lumps})`, nn.values[0].loc);
  } else {
    const wnorm = fmax * r0 * c0 * 2.0 * Math.PI;
    lumps = Math.trunc(Math.max(3.0, Math.log(wnorm * (((p - 1) / p) * ((p - 1) / p))) / Math.log(p)));
    if (wnorm < 35) lumps = 3;
    if (!(lumps >= 1 && lumps <= 10000)) throw new NetlistError(`${card.name}: ${lumps} lumps (from FMAX, L, RPERL, CPERL); give N=`, card.loc);
  }
  const r1 = (r0 * (p - 1)) / (2 * Math.pow(p, lumps) - 2);
  const c1 = (c0 * (p - 1)) / (Math.pow(p, lumps - 1) * (p + 1) - 2);
  const i1 = (i0 * (p - 1)) / (Math.pow(p, lumps - 1) * (p + 1) - 2);
  const rd = length * lumps * rsperl;
  const out: ElementSpec[] = [];
  const loc: SourceLoc = card.loc;
  const diode: DiodeModelParams | undefined = isperl !== undefined ? { ...DIODE_DEFAULTS, tnom: lc.tnom, cjo: c1, rs: rd, is: i1 } : undefined;
  if (diode && !(i1 > 0 && c1 >= 0)) throw new NetlistError(`${card.name}: the ladder's diodes get IS = ${i1}, CJO = ${c1} (from ISPERL, CPERL, K and N): not a valid diode`, card.loc);
  if (!(r1 > 0) || (!diode && !(c1 >= 0))) throw new NetlistError(`${card.name}: the ladder's lumps get R = ${r1}, C = ${c1} (from RPERL, CPERL, K and N): not valid`, card.loc);
  const gnd = lc.node(ns[2].lower);
  let lowl = lc.node(ns[0].lower);
  let hir = lc.node(ns[1].lower);
  let prop = 1;
  const shunt = (suffix: string, at: string): void => {
    const nm = elementName(suffix);
    if (diode) out.push({ type: "d", name: nm, nodes: [at, gnd], model: diode, modelName: `${lc.name}#diodemod`, area: prop, m: 1, loc });
    else out.push({ type: "c", name: nm, nodes: [at, gnd], farads: prop * c1, capac: prop * c1, loc });
  };
  for (let i = 1; i <= lumps; i++) {
    const hil = localNode(`hi${i}`);
    const lowr = i === lumps ? hil : localNode(`lo${i}`);
    const r = prop * r1;
    out.push({ type: "r", name: elementName(`rlo${i}`), nodes: [lowl, lowr], ohms: r, loc });
    out.push({ type: "r", name: elementName(`rhi${i}`), nodes: [hil, hir], ohms: r, loc });
    shunt(diode ? `dlo${i}` : `clo${i}`, lowr);
    if (i !== lumps) shunt(diode ? `dhi${i}` : `chi${i}`, hil);
    prop *= p;
    lowl = lowr;
    hir = hil;
  }
  return out;
}
