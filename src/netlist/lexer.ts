/**
 * Lexer: SPICE source text -> logical lines of tokens with file:line:col.
 *
 * Handles: the title line (first line of a top-level file), `*` comment
 * lines, `;` and ` $` inline comments, `+` continuation lines, `{...}` and
 * `'...'` expressions as single tokens, and `( ) = ,` as punctuation.
 * `*@` comment lines are kept as annotation lines (see docs/annotations.md).
 * `.control` ... `.endc` blocks are skipped unread, and in a top-level file
 * nothing after `.end` is read. The condition of `.if (...)` / `.elseif
 * (...)` is one "expr" token between "(" and ")" tokens: the text from the
 * first '(' to the last ')' on the line, as ngspice reads it.
 */
import { NetlistError, type SourceLoc } from "../util/errors.js";
import type { FastResistors } from "./fast-resistors.js";

export type TokenKind = "word" | "expr" | "(" | ")" | "=" | ",";

export interface Token {
  kind: TokenKind;
  /** Text as written (for "expr", the expression without its braces/quotes). */
  text: string;
  /** Lower-case text (SPICE names are case-insensitive). */
  lower: string;
  loc: SourceLoc;
}

/** A token whose location object is made only when asked for (errors): parsing 10^5 lines allocates less. */
class LexToken implements Token {
  constructor(
    readonly kind: TokenKind,
    readonly text: string,
    readonly lower: string,
    private readonly file: string,
    private readonly line: number,
    private readonly col: number,
  ) {}
  get loc(): SourceLoc {
    return { file: this.file, line: this.line, col: this.col };
  }
}

export interface LogicalLine {
  tokens: Token[];
  /** Location of the first character of the line. */
  loc: SourceLoc;
  /** True for `*@` annotation comment lines (tokens exclude the `*@`). */
  annotation: boolean;
}

/**
 * One pass over a line outside quotes: where an inline comment starts (`;`
 * anywhere, `$` at the start or after whitespace, both outside `{...}`;
 * the line's length without one) and how many `{` are still open there.
 */
function scanLine(line: string): { comment: number; open: number } {
  let depth = 0;
  let quote = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === "'") quote = !quote;
    else if (!quote && c === "{") depth++;
    else if (!quote && c === "}") depth = Math.max(0, depth - 1);
    else if (depth === 0 && !quote) {
      if (c === ";") return { comment: i, open: 0 };
      // `//` anywhere: an end-of-line comment, as ngspice 39's inp_stripcomments_line reads it
      if (c === "/" && line[i + 1] === "/") return { comment: i, open: 0 };
      if (c === "$" && (i === 0 || line[i - 1] === " " || line[i - 1] === "\t")) return { comment: i, open: 0 };
    }
  }
  return { comment: line.length, open: depth };
}

/** Strip an inline comment (`;` or `//` anywhere, `$` at start or after whitespace) outside expressions. */
function inlineCommentStart(line: string): number {
  return scanLine(line).comment;
}

/**
 * Bounds on what the tokenizer holds, so that no input can exhaust memory
 * (a token costs ~100 bytes, and an element ~1.5 kB once built): fields on
 * one card (a 10^5-point PWL fits), and fields in one netlist outside the
 * resistor fast lane (about 500,000 element lines; the lane keeps its lines
 * as arrays instead, so a crossbar of 10^6 resistors is not counted).
 */
export const MAX_CARD_TOKENS = 500_000;
export const MAX_TOKENS = 2_000_000;

/** Tokens the lexer may still make in this parse (shared by a netlist and its includes). */
export interface TokenBudget {
  left: number;
}

function tooMany(what: string, limit: number, file: string, lineNo: number, col: number): never {
  throw new NetlistError(`${what} has more than ${limit} fields: refused (eqspice bounds the memory a netlist may take)`, { file, line: lineNo, col });
}

function tokenizeLine(text: string, file: string, lineNo: number, startCol: number, out: Token[], budget: TokenBudget): void {
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 13) {
      i++;
      continue;
    }
    const col = startCol + i;
    if (--budget.left < 0) tooMany("the netlist", MAX_TOKENS, file, lineNo, col);
    if (out.length >= MAX_CARD_TOKENS) tooMany("this card", MAX_CARD_TOKENS, file, lineNo, col);
    const ch = text[i];
    if (ch === "(" || ch === ")" || ch === "=" || ch === ",") {
      out.push(new LexToken(ch, ch, ch, file, lineNo, col));
      i++;
      continue;
    }
    if (ch === "{" || ch === "'") {
      const close = ch === "{" ? "}" : "'";
      let depth = 0;
      let j = i;
      for (; j < n; j++) {
        const d = text[j];
        if (ch === "{" && d === "{") depth++;
        else if (d === close && (ch === "'" ? j > i : --depth === 0)) break;
      }
      const loc = { file, line: lineNo, col };
      if (j >= n) throw new NetlistError(`unterminated expression: missing '${close}'`, loc);
      const inner = text.slice(i + 1, j).trim();
      if (!inner) throw new NetlistError("empty expression", loc);
      out.push(new LexToken("expr", inner, inner.toLowerCase(), file, lineNo, col));
      i = j + 1;
      continue;
    }
    let j = i;
    while (j < n) {
      const d = text[j];
      if (d === " " || d === "\t" || d === "\r" || d === "(" || d === ")" || d === "=" || d === "," || d === "{") break;
      const code = text.charCodeAt(j);
      if (code < 32 || code === 127) {
        // ngspice reads a NUL as the end of the line; other control bytes are no SPICE either (a binary file?)
        throw new NetlistError(`control character U+${code.toString(16).toUpperCase().padStart(4, "0")} in the netlist (not SPICE text; a binary file?)`, { file, line: lineNo, col: startCol + j });
      }
      j++;
    }
    const word = text.slice(i, j);
    out.push(new LexToken("word", word, word.toLowerCase(), file, lineNo, col));
    i = j;
  }
}

/**
 * Split source text into logical lines.
 * @param hasTitle true for a top-level netlist (its first line is the title).
 * @param fast where plain resistor lines outside `.subckt` go (see FastResistors); omitted: none
 */
/** Leading characters that make a line a comment in ngspice 39 (inp_check_syntax: "Unusual leading characters"). */
const UNUSUAL_LEADING = "=[]?()&%$\"!:,\f;";

export interface Lexed {
  title: string;
  lines: LogicalLine[];
  /** `set` / `pre_set` of ngspice's auto_bridge* variables inside `.control` blocks (ParsedNetlist.autoBridgeVars). */
  autoBridgeVars: Array<{ name: string; loc: SourceLoc }>;
  /** The `.control` card left open at the end of the file. */
  unclosedControl?: SourceLoc;
  /** The first line read as a comment for its leading character (UNUSUAL_LEADING). */
  unusualLeading?: SourceLoc;
}

export function lex(source: string, file: string, hasTitle: boolean, fast?: FastResistors, budget: TokenBudget = { left: MAX_TOKENS }): Lexed {
  let unusualLeading: SourceLoc | undefined;
  /** The result, at `.end` or the end of the source. */
  const lexed = (): Lexed => {
    const out: Lexed = { title, lines, autoBridgeVars };
    if (control) out.unclosedControl = control;
    if (unusualLeading) out.unusualLeading = unusualLeading;
    return out;
  };
  /** `set` / `pre_set` of ngspice's auto_bridge* variables inside `.control` blocks (ParsedNetlist.autoBridgeVars). */
  const autoBridgeVars: Array<{ name: string; loc: SourceLoc }> = [];
  // Lines are sliced from the source one at a time (no array of 10^5 retained line strings).
  const lines: LogicalLine[] = [];
  let title = "";
  let pos = 0;
  let lineNo = 0;
  if (hasTitle) {
    const e = source.indexOf("\n");
    title = source.slice(0, e < 0 ? source.length : e).replace(/\r$/, "").trim();
    pos = e < 0 ? source.length : e + 1;
    lineNo = 1;
  }
  let current: LogicalLine | null = null;
  let control: SourceLoc | null = null;
  /** `.subckt` nesting: only top-level resistors may take the fast lane. */
  let depth = 0;
  /** `.if` nesting: lines in `.if` blocks are conditional, so they do not take the fast lane either. */
  let ifDepth = 0;
  const srcIdx = fast ? fast.addSource(source, file) : -1;
  while (pos < source.length) {
    const start = pos;
    let e = source.indexOf("\n", pos);
    if (e < 0) e = source.length;
    pos = e + 1;
    lineNo++;
    let f = start;
    let c = source.charCodeAt(f);
    while (f < e && (c === 32 || c === 9)) c = source.charCodeAt(++f);
    if (f === e || (c === 13 && f === e - 1)) continue; // blank
    // Fast lane first, on the source itself (no line strings): a run of plain top-level resistor lines.
    if (fast && depth === 0 && ifDepth === 0 && (c === 114 || c === 82) && !control) {
      const stop = fast.scan(srcIdx, start, lineNo);
      if (fast.lastTaken > 0) {
        lineNo += fast.lastTaken - 1;
        pos = stop;
        current = null;
        continue;
      }
    }
    let line = source.slice(start, e);
    if (line.endsWith("\r")) line = line.slice(0, -1);
    const first = f - start;
    const c0 = line[first];
    if (c0 === ".") {
      // `.control` ... `.endc` blocks hold ngspice scripts, not netlist
      // syntax: skip them unread. A top-level `.end` ends the netlist.
      const card = /^\.[^\s;$(]*/.exec(line.slice(first))![0].toLowerCase();
      if (control) {
        // ngspice ends the block at any card that begins with .endc (`.endcontrol` too: ciprefix)
        if (card.startsWith(".endc")) control = null;
        continue;
      }
      if (card === ".control") {
        control = { file, line: lineNo, col: first + 1 };
        continue;
      }
      if (card === ".subckt") depth++;
      else if (card === ".ends" && depth > 0) depth--;
      else if (card === ".if") ifDepth++;
      else if (card === ".endif" && ifDepth > 0) ifDepth--;
      if (card === ".if" || card === ".elseif") {
        const body = line.slice(0, inlineCommentStart(line));
        const open = body.indexOf("(", first);
        const close = body.lastIndexOf(")");
        if (open >= 0 && close > open) {
          const tokens: Token[] = [];
          tokenizeLine(line.slice(first, first + card.length), file, lineNo, first + 1, tokens, budget);
          if ((budget.left -= 3) < 0) tooMany("the netlist", MAX_TOKENS, file, lineNo, open + 1);
          const inner = body.slice(open + 1, close).trim();
          tokens.push(new LexToken("(", "(", "(", file, lineNo, open + 1));
          tokens.push(new LexToken("expr", inner, inner.toLowerCase(), file, lineNo, open + 1));
          tokens.push(new LexToken(")", ")", ")", file, lineNo, close + 1));
          current = { tokens, loc: { file, line: lineNo, col: first + 1 }, annotation: false };
          lines.push(current);
          continue;
        }
      }
      if (card === ".end" && hasTitle) {
        const tokens: Token[] = [];
        tokenizeLine(".end", file, lineNo, first + 1, tokens, budget);
        lines.push({ tokens, loc: tokens[0].loc, annotation: false });
        return lexed();
      }
    } else if (control) {
      const m = /^\s*(?:pre_)?set\s+(auto_bridge\w*)/i.exec(line);
      if (m) autoBridgeVars.push({ name: m[1].toLowerCase(), loc: { file, line: lineNo, col: line.indexOf(m[1]) + 1 } });
      continue;
    }
    if (UNUSUAL_LEADING.includes(c0)) {
      // ngspice 39 (inp_check_syntax) turns a line that starts with one of these into a comment, with one warning
      unusualLeading ??= { file, line: lineNo, col: first + 1 };
      continue;
    }
    if (c0 === "*") {
      if (line[first + 1] === "@") {
        const tokens: Token[] = [];
        const body = line.slice(first + 2);
        tokenizeLine(body.slice(0, inlineCommentStart(body)), file, lineNo, first + 3, tokens, budget);
        // An annotation is a comment to SPICE: a `+` line after it still continues the card before it.
        if (tokens.length) lines.push({ tokens, loc: { file, line: lineNo, col: first + 1 }, annotation: true });
      }
      continue;
    }
    /**
     * A `{...}` expression left open at the end of `text` continues on the `+` lines that follow
     * (ngspice joins continuation lines before it reads braces): append them, each after a space,
     * until the braces close. The tokens keep the first line's positions.
     */
    const closeBraces = (text: string): string => {
      while (text.indexOf("{") >= 0 && scanLine(text).open > 0 && pos < source.length) {
        let ne = source.indexOf("\n", pos);
        if (ne < 0) ne = source.length;
        const next = source.slice(pos, ne).replace(/\r$/, "");
        const at = next.search(/\S/);
        if (at < 0 || next[at] !== "+") break;
        const body = next.slice(at + 1);
        text += " " + body.slice(0, inlineCommentStart(body));
        pos = ne + 1;
        lineNo++;
      }
      return text;
    };
    if (c0 === "+") {
      if (!current) throw new NetlistError("continuation line '+' with nothing to continue", { file, line: lineNo, col: first + 1 });
      const body = line.slice(first + 1);
      const here = lineNo;
      tokenizeLine(closeBraces(body.slice(0, inlineCommentStart(body))), file, here, first + 2, current.tokens, budget);
      continue;
    }
    const cut = line.indexOf(";") >= 0 || line.indexOf("$") >= 0 || line.indexOf("//") >= 0 ? inlineCommentStart(line) : line.length;
    const tokens: Token[] = [];
    const here = lineNo;
    tokenizeLine(closeBraces(line.slice(0, cut)), file, here, 1, tokens, budget);
    if (tokens.length === 0) continue;
    current = { tokens, loc: { file, line: here, col: first + 1 }, annotation: false };
    lines.push(current);
  }
  // ngspice 39 warns ("Missing .endc statement!") and reads the rest as control commands: so does eqspice
  return lexed();
}
