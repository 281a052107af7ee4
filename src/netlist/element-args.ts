/**
 * Reading an element line's arguments (netlist/elaborate.ts): positional
 * and `name=value` arguments split and checked against the element's
 * parameters (unsupported ones refused by name), its nodes, its source
 * value and waveform, a resistor's ohms, and the instance temperature
 * (`temp=`, `dtemp=`) with its factor.
 */
import type { ElementCard } from "./ast.js";
import { NetlistError, clip, formatLoc } from "../util/errors.js";
import type { Lookup } from "./expressions.js";
import { parseSpiceNumber } from "./numbers.js";
import type { Token } from "./lexer.js";
import { CONSTCtoK } from "../devices/diode/diode-model.js";
import { makeWaveform, waveformAt, type SourceValue, type TimeDefaults } from "../devices/sources/waveform.js";
import { evalTok } from "./elaborate-models.js";
import type { SimOptions } from "./elaborate.js";

export interface Named {
  key: Token;
  values: Token[];
}

/** Element arguments: positional tokens and name=value pairs. */
export interface Args {
  pos: Token[];
  named: Map<string, Named>;
}

const NO_NAMED: Map<string, Named> = new Map();

/** `name =` starts at args[k] (a parameter assignment among positional fields). */
export function isAssignAt(args: readonly Token[], k: number, name: string): boolean {
  return args[k]?.kind === "word" && args[k].lower === name && args[k + 1]?.kind === "=";
}

export function splitArgs(card: ElementCard, args: Token[]): Args {
  let simple = true;
  for (let i = 0; i < args.length; i++) if (args[i].kind !== "word" && args[i].kind !== "expr") simple = false;
  if (simple) return { pos: args, named: NO_NAMED };
  const pos: Token[] = [];
  const named = new Map<string, Named>();
  for (let i = 0; i < args.length; i++) {
    const t = args[i];
    if (t.kind === "word" && args[i + 1]?.kind === "=") {
      const v = args[i + 2];
      if (!v || (v.kind !== "word" && v.kind !== "expr")) throw new NetlistError(`${card.name}: '${clip(t.text)}=' has no value`, t.loc);
      if (named.has(t.lower)) throw new NetlistError(`${card.name}: '${clip(t.text)}' given twice`, t.loc);
      const values = [v];
      i += 2;
      // `tc=0.01, 0.001`: a second value after a comma
      while (args[i + 1]?.kind === "," && (args[i + 2]?.kind === "word" || args[i + 2]?.kind === "expr") && args[i + 3]?.kind !== "=") {
        values.push(args[i + 2]);
        i += 2;
      }
      named.set(t.lower, { key: t, values });
    } else if (t.kind === "=") {
      throw new NetlistError(`${card.name}: '=' without a parameter name before it`, t.loc);
    } else if (t.kind !== ",") {
      pos.push(t);
    }
  }
  return { pos, named };
}

const SCALE_WORD = /^(meg|mil|[tgkmunpfa])[a-z]*$/i;

/**
 * Every argument must be part of the element's grammar: positional tokens
 * beyond `maxPos`, a parameter the element does not take, or a list where
 * one value is expected is an error naming the token (ngspice: "unknown
 * parameter"), so a typo such as `R1 a 0 1 k` cannot silently change a value.
 */
export function checkArgs(card: ElementCard, a: Args, maxPos: number, kind: string, allowed: Record<string, number>, unsupported: Record<string, string> = {}): void {
  if (a.pos.length > maxPos) {
    const t = a.pos[maxPos];
    const prev = a.pos[maxPos - 1];
    const hint =
      t.kind === "word" && SCALE_WORD.test(t.text) && prev && !Number.isNaN(parseSpiceNumber(prev.text))
        ? ` (a scale factor is written without a space: '${clip(prev.text)}${clip(t.text)}')`
        : "";
    throw new NetlistError(`${card.name}: unexpected '${clip(t.text)}' (usage: ${kind})${hint}`, t.loc);
  }
  for (const [key, n] of a.named) {
    if (key in unsupported) throw new NetlistError(`${card.name}: ${unsupported[key]}`, n.key.loc);
    const count = allowed[key];
    if (count === undefined) {
      const known = Object.keys(allowed);
      throw new NetlistError(
        `${card.name}: unknown parameter '${clip(n.key.text)}'${known.length ? ` (${kind.split(" ")[0]} takes: ${known.join(" ")})` : ` (usage: ${kind})`}`,
        n.key.loc,
      );
    }
    if (n.values.length > count) throw new NetlistError(`${card.name}: '${n.key.text}' takes ${count === 1 ? "one value" : `at most ${count} values`}`, n.values[count].loc);
  }
}

export function needNodes(card: ElementCard, pos: Token[], count: number, usage: string): string[] {
  const nodes: string[] = [];
  for (let i = 0; i < count; i++) {
    const t = pos[i];
    if (!t || t.kind !== "word") {
      const at = t?.loc ?? card.args[card.args.length - 1]?.loc ?? card.loc;
      throw new NetlistError(`${card.name}: missing node ${i + 1} of ${count} (usage: ${usage})`, at);
    }
    nodes.push(t.lower);
  }
  return nodes;
}

/**
 * `(PULSE 0 1 0 1n)`, `(DC 2)`: the whole value in parentheses, which ngspice 39's tokenizer
 * reads as if they were not there; the tokens inside, or `rest` itself.
 */
function unwrapSource(rest: Token[]): Token[] {
  const n = rest.length;
  if (n < 3 || rest[0].kind !== "(" || rest[n - 1].kind !== ")" || rest[1].kind !== "word" || !isSourceWord(rest[1].lower)) return rest;
  let depth = 0;
  for (let i = 0; i < n; i++) {
    if (rest[i].kind === "(") depth++;
    else if (rest[i].kind === ")" && --depth === 0 && i < n - 1) return rest; // the first '(' closes before the end
  }
  return depth === 0 ? rest.slice(1, n - 1) : rest;
}

export function parseSource(card: ElementCard, rest: Token[], scope: Lookup, time: TimeDefaults): SourceValue {
  rest = unwrapSource(rest);
  let dc: number | undefined;
  let wave: SourceValue["wave"] | undefined;
  let ac: SourceValue["ac"];
  let unmodelled: { what: string; tok: Token } | undefined;
  /** An RF port's PWR or FREQ (its carrier), if given; Z0, PWR, FREQ and PHASE are words of a PORTNUM source only. */
  let carrier: Token | undefined;
  const isPort = rest.some((x) => x.kind === "word" && x.lower === "portnum");
  for (let i = 0; i < rest.length; i++) {
    const t = rest[i];
    if (t.kind === ",") continue;
    if (t.kind === "(" || t.kind === ")" || t.kind === "=") throw new NetlistError(`${card.name}: unexpected '${t.text}'`, t.loc);
    const w = t.lower;
    if (w === "dc" && t.kind === "word") {
      // `DC 5`, `DC=5`, `dc = 5`
      const eq = rest[i + 1]?.kind === "=";
      if (eq) i++;
      const v = rest[i + 1];
      if (!eq && (!v || (v.kind === "word" && isSourceWord(v.lower)))) {
        // A bare `DC` (at the end, or before PWL/PULSE/SIN/AC ...): DC 0, as ngspice 39 reads it; the
        // waveform, if any, still drives the transient. `DC=` without a value stays an error (ngspice's too).
        if (dc !== undefined) throw new NetlistError(`${card.name}: a second DC value`, t.loc);
        dc = 0;
        continue;
      }
      if (!v || (v.kind !== "word" && v.kind !== "expr") || (v.kind === "word" && isSourceWord(v.lower))) {
        throw new NetlistError(`${card.name}: DC needs a value`, t.loc);
      }
      if (dc !== undefined) throw new NetlistError(`${card.name}: a second DC value`, t.loc);
      dc = evalTok(v, scope, `${card.name} DC value`);
      i++;
    } else if (w === "ac" && t.kind === "word") {
      // AC magnitude and phase in degrees (`AC 1`, `AC=1 90`; a bare `AC` is magnitude 1, as ngspice): at most two numbers.
      const eq = rest[i + 1]?.kind === "=";
      if (eq) i++;
      if (ac) throw new NetlistError(`${card.name}: a second AC value`, t.loc);
      const vals: number[] = [];
      for (; vals.length < 2 && rest[i + 1] && (rest[i + 1].kind === "word" || rest[i + 1].kind === "expr") && !isSourceWord(rest[i + 1].lower); ) {
        vals.push(evalTok(rest[i + 1], scope, vals.length ? `${card.name} AC phase` : `${card.name} AC magnitude`));
        i++;
      }
      if (eq && vals.length === 0) throw new NetlistError(`${card.name}: AC= needs a value`, t.loc);
      ac = { mag: vals[0] ?? 1, phase: vals[1] ?? 0 };
    } else if (t.kind === "word" && (w === "portnum" || (isPort && PORT_WORDS.has(w)))) {
      // ngspice's RF port (PORTNUM k [Z0 r] [PWR p] [FREQ f] [PHASE ph]): its series Z0 and internal node
      // are the parser's rewrite (b-rewrites.ts, rewritePortSource); PWR or FREQ make ngspice add a carrier
      // sqrt(4 PWR Z0) cos(2 pi FREQ t) in a transient, and at DC when no DC value is given: not modelled
      if (rest[i + 1]?.kind === "=") i++;
      const v = rest[i + 1];
      if (!v || (v.kind !== "word" && v.kind !== "expr")) throw new NetlistError(`${card.name}: ${w.toUpperCase()} needs a value`, t.loc);
      evalTok(v, scope, `${card.name} ${w.toUpperCase()}`);
      i++;
      if (w === "pwr" || w === "freq") carrier = t;
    } else if ((w === "distof1" || w === "distof2") && t.kind === "word") {
      // Distortion-analysis inputs (`DISTOF1 [mag [phase]]`): ngspice reads them for .disto only, so they change
      // neither the operating point nor a transient or AC sweep: read (checked as values) and not used.
      if (rest[i + 1]?.kind === "=") i++;
      for (let k = 0; k < 2 && rest[i + 1] && (rest[i + 1].kind === "word" || rest[i + 1].kind === "expr") && !isSourceWord(rest[i + 1].lower); k++) {
        evalTok(rest[i + 1], scope, `${card.name} ${w.toUpperCase()} ${k ? "phase" : "magnitude"}`);
        i++;
      }
    } else if (t.kind === "word" && NOT_MODELLED[w]) {
      // Read past its arguments; with an explicit DC value the source serves .op/.dc/.ac (as in
      // ngspice, whose operating point takes DC), and a transient refuses it (transientRefusal).
      if (unmodelled || wave) throw new NetlistError(`${card.name}: a second waveform '${t.text}'`, t.loc);
      unmodelled = { what: `${t.text.toUpperCase()} sources (${NOT_MODELLED[w]})`, tok: t };
      let j = i + 1;
      if (rest[j]?.kind === "(") {
        let depth = 0;
        for (; j < rest.length; j++) {
          if (rest[j].kind === "(") depth++;
          else if (rest[j].kind === ")" && --depth === 0) break;
        }
        if (depth !== 0) throw new NetlistError(`${card.name}: missing ')' after ${t.text.toUpperCase()}(`, t.loc);
      } else {
        while (rest[j] && (rest[j].kind === "word" || rest[j].kind === "expr" || rest[j].kind === ",") && !(rest[j].kind === "word" && isSourceWord(rest[j].lower))) j++;
        j--;
      }
      i = j;
    } else if (isFunc(w) && t.kind === "word") {
      if (wave) throw new NetlistError(`${card.name}: a second waveform '${t.text}'`, t.loc);
      const args: number[] = [];
      let pwlR: { v: number; tok: Token } | undefined;
      let pwlTd: number | undefined;
      /** Read `r = value` or `td = value` starting at rest[at] (the name); returns the index after the value. */
      const pwlOption = (name: Token, at: number): number => {
        const v = rest[at + 2];
        if (!v || (v.kind !== "word" && v.kind !== "expr")) throw new NetlistError(`${card.name}: PWL ${name.text}= needs a value`, name.loc);
        const x = evalTok(v, scope, `${card.name} PWL ${name.lower}`);
        if (name.lower === "r") pwlR = { v: x, tok: v };
        else pwlTd = x;
        return at + 3;
      };
      let j = i + 1;
      const paren = rest[j]?.kind === "(";
      if (paren) j++;
      // ngspice's tokenizer takes '(' and ')' inside the list as separators: `PWL( (0 0) (1 1) )` is `PWL(0 0 1 1)`
      let inner = 0;
      for (; j < rest.length; j++) {
        const a = rest[j];
        if (paren && a.kind === "(") {
          inner++;
          continue;
        }
        if (a.kind === ")" && inner > 0) {
          inner--;
          continue;
        }
        if (a.kind === ")") break;
        if (a.kind === ",") continue;
        if (!paren && a.kind === "word" && isSourceWord(a.lower)) {
          j--;
          break;
        }
        if (w === "pwl" && a.kind === "word" && (a.lower === "r" || a.lower === "td") && rest[j + 1]?.kind === "=") {
          if (!paren) {
            j--;
            break;
          }
          j = pwlOption(a, j) - 1;
          continue;
        }
        args.push(evalTok(a, scope, `${card.name} ${w.toUpperCase()} argument`));
      }
      // (a list left open, `PWL(0 0 1 1` to the end of the line, ends there, as ngspice reads it)
      // `PWL(...) r=R td=TD` (also written inside the parentheses or, without them, after the points)
      while (w === "pwl" && rest[j + 1]?.kind === "word" && (rest[j + 1].lower === "r" || rest[j + 1].lower === "td") && rest[j + 2]?.kind === "=") {
        j = pwlOption(rest[j + 1], j + 1) - 1;
      }
      try {
        wave = makeWaveform(w === "sine" ? "sin" : w, args, time);
      } catch (e) {
        throw new NetlistError(`${card.name}: ${(e as Error).message}`, t.loc);
      }
      if (wave.kind === "pwl") {
        if (pwlR) {
          const r = pwlR.v;
          // ngspice (vsrcpar.c): R must be one of the times, before the last
          if (!wave.t.includes(r) || !(r < wave.t[wave.t.length - 1])) {
            throw new NetlistError(`${card.name}: PWL repeat time r=${r} must equal one of the PWL times before the last (${wave.t[wave.t.length - 1]})`, pwlR.tok.loc);
          }
          wave.r = r;
        }
        if (pwlTd !== undefined) wave.td = pwlTd;
      }
      i = j;
    } else if (dc === undefined && (t.kind === "expr" || t.kind === "word")) {
      dc = evalTok(t, scope, `${card.name} value`);
    } else {
      throw new NetlistError(`${card.name}: unexpected '${clip(t.text)}'`, t.loc);
    }
  }
  if (carrier && !unmodelled) unmodelled = { what: "RF port carriers (PWR, FREQ: sqrt(4 PWR Z0) cos(2 pi FREQ t))", tok: carrier };
  if (unmodelled && dc === undefined) {
    throw new NetlistError(`${card.name}: ${unmodelled.what} are not modelled by eqspice (with a DC value, e.g. \`DC 0 ${unmodelled.tok.text} ...\`, the source serves .op, .dc and .ac)`, unmodelled.tok.loc);
  }
  if (!wave) wave = { kind: "dc", value: dc ?? 0 };
  const out: SourceValue = ac ? { dc: dc ?? waveformAt(wave, 0), wave, ac } : { dc: dc ?? waveformAt(wave, 0), wave };
  if (unmodelled) out.unmodelled = unmodelled.what;
  return out;
}

/** A keyword of a source line: it ends the arguments of what comes before it. */
function isSourceWord(w: string): boolean {
  return isFunc(w) || NOT_MODELLED[w] !== undefined || w === "dc" || w === "ac" || w === "distof1" || w === "distof2" || w === "portnum";
}

function isFunc(w: string): boolean {
  // `sine` is ngspice's alias of `sin` (vsrc.c, isrc.c: IOPR "sine")
  return w === "pulse" || w === "sin" || w === "sine" || w === "pwl" || w === "exp" || w === "sffm" || w === "am";
}

/** An RF port source's words (ngspice 39's RFSPICE vsrc.c). */
const PORT_WORDS = new Set(["portnum", "z0", "pwr", "freq", "phase"]);

/** ngspice source functions eqspice does not model, and what they are: refused by name, never read as something else. */
const NOT_MODELLED: Record<string, string | undefined> = {
  trnoise: "transient noise: white, 1/f and random telegraph",
  trrandom: "random values in time",
  pat: "bit patterns",
};

/** Smallest positive normal double: a resistance below it has no finite conductance to speak of. */
const MIN_NORMAL = 2.2250738585072014e-308;

/** Check a resistance as written (also the fast lane's rule: zero, subnormal and non-finite values are refused). */
/**
 * A resistance written as exactly 0: ngspice 39 takes 1 mOhm (silently);
 * eqspice does too, with a warning naming the line.
 */
export function zeroOhmsAsNgspice(card: ElementCard, ohms: number, at: Token | undefined, warnings: string[]): number {
  if (ohms !== 0) return ohms;
  // a number written with a nonzero digit that underflows to 0 (1e-400) is no zero: checkOhms refuses it
  const text = at?.kind === "word" ? at.text : "";
  if (/^[+-]?\.?\d/.test(text) && /[1-9]/.test(text.toLowerCase().split("e")[0])) return ohms;
  const loc = at?.loc ?? card.loc;
  warnings.push(`${loc.file}:${loc.line}:${loc.col}: ${card.name}: zero resistance taken as 1 mOhm, as ngspice does (a 0 V source is an exact short)`);
  return 1e-3;
}

export function checkOhms(card: ElementCard, ohms: number, at: Token | undefined): number {
  if (ohms === 0) throw new NetlistError(`${card.name}: zero resistance (use a voltage source for a short)`, at?.loc ?? card.loc);
  if (!(Math.abs(ohms) >= MIN_NORMAL) || !Number.isFinite(1 / ohms)) {
    throw new NetlistError(`${card.name}: resistance ${ohms} ohm is too small (its conductance 1/R is not a finite number)`, at?.loc ?? card.loc);
  }
  return ohms;
}

/** Temperature coefficients and temperature of an instance (`tc1= tc2= tc=a,b tce= temp= dtemp=`), undefined when not given. */
interface InstanceTemp {
  tc1?: number;
  tc2?: number;
  tce?: number;
  /** Its temp=, else the circuit temperature (C). */
  temp: number;
  /** Its dtemp=, 0 when temp= is given (ngspice ignores dtemp then). */
  dtemp: number;
}

export function instanceTemp(card: ElementCard, a: Args, scope: Lookup, options: SimOptions, warnings: string[]): InstanceTemp {
  const n = a.named;
  if (n === NO_NAMED) return { temp: options.temp, dtemp: 0 };
  const one = (k: string): number | undefined => {
    const e = n.get(k);
    return e ? evalTok(e.values[0], scope, `${card.name} ${k}`) : undefined;
  };
  let tc1 = one("tc1");
  let tc2 = one("tc2");
  const tc = n.get("tc");
  if (tc) {
    if (n.has("tc1") || n.has("tc2")) throw new NetlistError(`${card.name}: give either tc= or tc1=/tc2=`, tc.key.loc);
    tc1 = evalTok(tc.values[0], scope, `${card.name} tc1`);
    tc2 = tc.values[1] ? evalTok(tc.values[1], scope, `${card.name} tc2`) : undefined;
  }
  const temp = one("temp");
  let dtemp = one("dtemp") ?? 0;
  if (temp !== undefined && n.has("dtemp")) {
    warnings.push(`${formatLoc(card.loc)}: ${card.name}: instance temperature given, dtemp ignored (as ngspice)`);
    dtemp = 0;
  }
  const t = (temp ?? options.temp) + dtemp;
  if (!(t > -CONSTCtoK)) throw new NetlistError(`${card.name}: temperature ${t} C is below absolute zero`, (n.get("temp") ?? n.get("dtemp"))!.key.loc);
  return { tc1, tc2, tce: one("tce"), temp: temp ?? options.temp, dtemp };
}

/** Temperature factor 1 + tc1 dT + tc2 dT^2 of ngspice's captemp.c, dT = (temp or circuit temp + dtemp) - tnom. */
export function tempFactor(card: ElementCard, a: Args, scope: Lookup, options: SimOptions, warnings: string[]): number {
  const { tc1 = 0, tc2 = 0, temp, dtemp } = instanceTemp(card, a, scope, options, warnings);
  if (tc1 === 0 && tc2 === 0) return 1;
  const dT = temp + dtemp - options.tnom;
  return 1 + tc1 * dT + tc2 * dT * dT;
}
