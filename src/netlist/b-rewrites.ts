/**
 * Lines ngspice 39's front end (frontend/inpcom.c) rewrites into B sources
 * before anything else reads the deck, rewritten the same way so that the
 * answers are ngspice's.
 *
 * PSpice's `TABLE` form of E and G sources (rewriteTable):
 *
 *   Exxx n+ n- TABLE {expr} = (x0, y0) (x1, y1) ...
 *   ->  Exxx n+ n- Exxx_int1 0 1
 *       BExxx Exxx_int2 0 v = {expr}
 *       aExxx %v(Exxx_int2) %v(Exxx_int1) xfer_Exxx
 *       .model xfer_Exxx pwl(x_array=[x0 x1 ...] y_array=[y0 y1 ...] input_domain=0.1 fraction=TRUE limit=TRUE)
 *
 * (G likewise, its gain the line's `m=` or 1): the table is the XSPICE pwl
 * code model (devices/xspice), constant outside the table, its corners
 * smoothed over a tenth of the shorter adjacent segment. A single pair
 * (x0, y0) is the constant y0 (a V source on the internal node), as
 * ngspice's "strange usage". The new lines carry the TABLE line's location.
 */
import { NetlistError, clip, type SourceLoc } from "../util/errors.js";
import { lex, type LogicalLine } from "./lexer.js";
import { parseSpiceNumber } from "./numbers.js";
import type { Token } from "./lexer.js";
import type { ElementCard } from "./ast.js";

/** The lines that replace an E/G TABLE line, or null when `line` is not one. */
export function rewriteTable(line: LogicalLine): LogicalLine[] | null {
  const t = line.tokens;
  const letter = t[0]?.lower[0];
  if ((letter !== "e" && letter !== "g") || t[3]?.kind !== "word" || t[3].lower !== "table") return null;
  const name = t[0].lower;
  const loc = t[3].loc;
  if (t[1]?.kind !== "word" || t[2]?.kind !== "word") throw new NetlistError(`${name}: TABLE needs two output nodes first (usage: ${name} n+ n- TABLE {expression} = (x0, y0) (x1, y1) ...)`, loc);
  let i = 4;
  if (t[i]?.kind === "=") i++;
  const exprTok = t[i];
  if (!exprTok || exprTok.kind !== "expr") throw new NetlistError(`${name}: TABLE needs its input as an expression in braces, e.g. TABLE {V(1,2)} = (0, 0) (1, 1)`, exprTok?.loc ?? loc);
  i++;
  let rest = t.slice(i);
  // G's multiplier m=expr at the end
  let m = "1";
  const mAt = rest.findIndex((x, k) => x.kind === "word" && x.lower === "m" && rest[k + 1]?.kind === "=");
  if (letter === "g" && mAt >= 0) {
    const v = rest[mAt + 2];
    if (!v) throw new NetlistError(`${name}: m= needs a value`, rest[mAt].loc);
    m = text(v);
    rest = rest.slice(0, mAt);
  }
  const vals = rest.filter((x) => x.kind === "word" || x.kind === "expr");
  const stray = rest.find((x) => x.kind !== "word" && x.kind !== "expr" && x.kind !== "(" && x.kind !== ")" && x.kind !== "," && x.kind !== "=");
  if (stray) throw new NetlistError(`${name}: unexpected '${clip(stray.text)}' in the TABLE's pairs`, stray.loc);
  if (vals.length === 0 || vals.length % 2 !== 0) {
    throw new NetlistError(`${name}: TABLE needs pairs (x, y), got ${vals.length} value${vals.length === 1 ? "" : "s"}`, vals[vals.length - 1]?.loc ?? exprTok.loc);
  }
  // ngspice's instance names: the title with %, [ and ] made '_' (G), as is (E)
  const stem = letter === "g" ? name.replace(/[%[\]]/g, "_") : name;
  const [n1, n2] = [t[1].text, t[2].text];
  const out = [`${name} ${n1} ${n2} ${stem}_int1 0 ${letter === "g" ? m : "1"}`];
  if (vals.length === 2) out.push(`v${stem} ${stem}_int1 0 ${text(vals[1])}`);
  else {
    const xs = vals.filter((_, k) => k % 2 === 0).map(text).join(" ");
    const ys = vals.filter((_, k) => k % 2 === 1).map(text).join(" ");
    out.push(
      `b${stem} ${stem}_int2 0 v = {${exprTok.text}}`,
      `a${stem} %v(${stem}_int2) %v(${stem}_int1) xfer_${stem}`,
      `.model xfer_${stem} pwl(x_array=[${xs}] y_array=[${ys}] input_domain=0.1 fraction=TRUE limit=TRUE)`,
    );
  }
  return out.map((s) => at(lex(s, loc.file, false).lines[0], loc));
}

/** A token as it was written (an expression with its braces). */
function text(t: Token): string {
  return t.kind === "expr" ? `{${t.text}}` : t.text;
}

/** The line with every token at `loc` (errors in the new lines point at the TABLE line). */
function at(l: LogicalLine, loc: SourceLoc): LogicalLine {
  return { tokens: l.tokens.map((x) => ({ kind: x.kind, text: x.text, lower: x.lower, loc })), loc, annotation: false };
}

/** Reads a node voltage, a branch current or time: a resistance that makes a resistor a B source (ngspice's b_transformation_wanted). */
const BEHAVIOURAL = /(^|[^a-z0-9_])(v|i)\s*\(|(^|[^a-z0-9_])time([^a-z0-9_]|$)/i;

/**
 * `Rname n+ n- {expr}` or `R = {expr}` (tc1=, tc2= after it) whose expression
 * reads v(), i() or time: the B-source arguments ngspice 39 gives it,
 * `i = v(n+, n-)/(expr) tc1= tc2=` (the temperature factor dividing); null
 * for any other resistor line.
 */
export function behaviouralResistor(card: ElementCard): Token[] | null {
  const a = card.args;
  if (a.length < 3 || a[0].kind !== "word" || a[1].kind !== "word") return null;
  let at = 2;
  if (a[2].kind === "word" && (a[2].lower === "r" || a[2].lower === "resistance") && a[3]?.kind === "=") at = 4;
  let e = a[at];
  let next = at + 1;
  if (e?.kind === "(") {
    // `R = (time<12ms ? {rl} : 2*{rl})` (ngspice's examples/vdmos/dcdc.sp): the parenthesized tokens are the
    // expression, braces inside blanks as on a B line (inp_modify_exp)
    let depth = 0;
    let end = -1;
    for (let k = at; k < a.length && end < 0; k++) {
      if (a[k].kind === "(") depth++;
      else if (a[k].kind === ")" && --depth === 0) end = k;
    }
    if (end < 0) return null;
    let text = "";
    for (let k = at; k <= end; k++) text += a[k].kind === "expr" ? ` ${a[k].text} ` : ` ${a[k].text}`;
    e = { kind: "expr", text: text.trim(), lower: text.trim().toLowerCase(), loc: a[at].loc };
    next = end + 1;
  }
  if (!e || e.kind !== "expr" || !BEHAVIOURAL.test(e.text)) return null;
  const rest = a.slice(next);
  for (let k = 0; k < rest.length; k++) {
    const t = rest[k];
    const key = t.kind === "word" && rest[k + 1]?.kind === "=" ? t.lower : null;
    if (key === "tc1" || key === "tc2") {
      k += 2;
      continue;
    }
    throw new NetlistError(`${card.name}: a resistance that reads v(), i() or time is a B source (as in ngspice 39), which takes tc1= and tc2= only here, not '${clip(t.text)}'`, t.loc);
  }
  const tok = (kind: Token["kind"], text: string, loc: SourceLoc): Token => ({ kind, text, lower: text.toLowerCase(), loc });
  const n1 = a[0].text;
  const n2 = a[1].text;
  return [tok("word", "i", e.loc), tok("=", "=", e.loc), tok("expr", `v(${n1}, ${n2})/(${e.text})`, e.loc), ...rest];
}

/**
 * A capacitor or inductor whose value reads v(), i() or time (or a
 * capacitor given by its charge, Q=), rewritten as ngspice 39's inpcom.c
 * does (its `C = {equation}` / `L = {equation}` transformation) before the
 * deck is read:
 *
 *   Cxxx n1 n2 C={expr} [m=M]  ->  eCxxx Cxxx_int1 0 n2 n1 M
 *                                  cCxxx Cxxx_int1 0 1
 *                                  bCxxx n1 n2 i = i(eCxxx) * (expr)
 *   Cxxx n1 n2 Q={expr} [m=M]  ->  gCxxx n1 n2 Cxxx_int1 0 M
 *                                  lCxxx Cxxx_int1 0 1
 *                                  bCxxx 0 Cxxx_int1 i = (expr)
 *   Lxxx n1 n2 L={expr} [m=M]  ->  fLxxx Lxxx_int2 0 bLxxx -1
 *                                  lLxxx Lxxx_int2 0 1
 *                                  bLxxx n2 n1 v = v(Lxxx_int2) * (expr) / M
 *
 * so the current through the capacitor is C(v) dv/dt (not d(C v)/dt), and
 * at DC the capacitor is open and the inductor a short, whatever the
 * expression. The value may be written `C={...}`, `C='...'` or as the
 * third field; tc1=/tc2= are refused (ngspice divides by their factor). Null
 * for any other line.
 */
export function rewriteBehaviouralCL(line: LogicalLine): LogicalLine[] | null {
  const t = line.tokens;
  const letter = t[0]?.lower[0];
  if ((letter !== "c" && letter !== "l") || t[1]?.kind !== "word" || t[2]?.kind !== "word") return null;
  let i = 3;
  let key = letter;
  if (t[3]?.kind === "word" && t[4]?.kind === "=" && (t[3].lower === letter || (letter === "c" && t[3].lower === "q"))) {
    key = t[3].lower as typeof key;
    i = 5;
  }
  const e = t[i];
  if (!e || e.kind !== "expr" || !(key === "q" || BEHAVIOURAL.test(e.text))) return null;
  const name = t[0].text;
  let m = "1";
  for (let k = i + 1; k < t.length; k++) {
    const x = t[k];
    if (x.kind === "word" && x.lower === "m" && t[k + 1]?.kind === "=" && t[k + 2]) {
      m = text(t[k + 2]);
      k += 2;
      continue;
    }
    if (x.kind === ",") continue;
    throw new NetlistError(`${t[0].lower}: ${letter === "c" ? "a capacitance" : "an inductance"} that reads v(), i() or time (or a charge Q=) is a B source (as in ngspice 39), which takes m= only here, not '${clip(x.text)}'`, x.loc);
  }
  const [n1, n2] = [t[1].text, t[2].text];
  const loc = e.loc;
  let out: string[];
  if (letter === "l") {
    out = [`f${name} ${name}_int2 0 b${name} -1`, `l${name} ${name}_int2 0 1`, `b${name} ${n2} ${n1} v = {v(${name}_int2) * (${e.text}) / ${m}}`];
  } else if (key === "q") {
    out = [`g${name} ${n1} ${n2} ${name}_int1 0 ${m}`, `l${name} ${name}_int1 0 1`, `b${name} 0 ${name}_int1 i = {${e.text}}`];
  } else {
    out = [`e${name} ${name}_int1 0 ${n2} ${n1} ${m}`, `c${name} ${name}_int1 0 1`, `b${name} ${n1} ${n2} i = {i(e${name}) * (${e.text})}`];
  }
  return out.map((s) => at(lex(s, loc.file, false).lines[0], loc));
}

/**
 * An RF port source, `Vxxx n+ n- ... PORTNUM k [Z0 r] [PWR p] [FREQ f]
 * [PHASE ph]` (ngspice 39's RFSPICE vsrc): with Z0 > 0 (default 50 ohm)
 * ngspice puts Z0 in series, the source between an internal node
 * `vxxx#res` and n-, a conductance 1/Z0 from n+ to it (vsrcset.c,
 * vsrcload.c, vsrcacld.c):
 *
 *   Vxxx n+ n- ... PORTNUM k Z0 r  ->  Vxxx vxxx#res n- ... PORTNUM k Z0 r
 *                                      Rvxxx#z0 n+ vxxx#res r
 *
 * (the port words stay for the source's reader, which skips them and
 * refuses PWR/FREQ's carrier). Null
 * for any other line, or a port whose Z0 is not above 0.
 */
export function rewritePortSource(line: LogicalLine): LogicalLine[] | null {
  const t = line.tokens;
  if (t[0]?.lower[0] !== "v" || t[1]?.kind !== "word" || t[2]?.kind !== "word") return null;
  const pn = t.findIndex((x, k) => k > 2 && x.kind === "word" && x.lower === "portnum");
  if (pn < 0) return null;
  const name = t[0].lower;
  const res = `${name}#res`;
  if (t[1].lower === res) return null; // already rewritten (the parser reads the new lines again)
  const valueOf = (key: string): Token | undefined => {
    const k = t.findIndex((x, j) => j > 2 && x.kind === "word" && x.lower === key);
    if (k < 0) return undefined;
    const v = t[k + 1]?.kind === "=" ? t[k + 2] : t[k + 1];
    if (!v || v.kind !== "word" || !Number.isFinite(parseSpiceNumber(v.text))) throw new NetlistError(`${t[0].lower}: ${key.toUpperCase()} needs a number`, (v ?? t[k]).loc);
    return v;
  };
  valueOf("portnum");
  const z0 = valueOf("z0");
  const ohms = z0 ? parseSpiceNumber(z0.text) : 50;
  if (!(ohms > 0)) return null;
  const loc = t[pn].loc;
  const v: LogicalLine = { ...line, tokens: [t[0], { ...t[1], kind: "word", text: res, lower: res }, ...t.slice(2)] };
  const r = at(lex(`r${name}#z0 ${t[1].text} ${res} ${ohms}`, loc.file, false).lines[0], loc);
  return [v, r];
}
