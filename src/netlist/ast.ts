/** The parsed (not yet elaborated) netlist: cards with their tokens and locations. */
import type { SourceLoc } from "./errors.js";
import type { Token } from "./lexer.js";
import type { FastResistors } from "./fast-resistors.js";

/** An element line, e.g. `R1 a b 1k`: kept as tokens until elaboration gives its values a scope. */
export interface ElementCard {
  /** Lower-case first letter: r c d v i e f g h x. */
  letter: string;
  /** Lower-case element name, e.g. "r1". */
  name: string;
  /** Tokens after the name. */
  args: Token[];
  loc: SourceLoc;
}

export interface ParamAssign {
  name: string;
  value: Token;
  loc: SourceLoc;
}

export interface ModelCard {
  name: string;
  type: string;
  params: Map<string, Token>;
  loc: SourceLoc;
}

export interface SubcktDef {
  name: string;
  ports: string[];
  /** Default parameters (`params: a=1 b=2`). */
  params: ParamAssign[];
  body: Scope;
  loc: SourceLoc;
}

/** What a top-level netlist or a subcircuit body holds. */
export interface Scope {
  elements: ElementCard[];
  params: ParamAssign[];
  models: Map<string, ModelCard>;
  subckts: Map<string, SubcktDef>;
}

export interface TranCard {
  tstep: Token;
  tstop: Token;
  tstart?: Token;
  tmax?: Token;
  uic: boolean;
  loc: SourceLoc;
}

export interface Annotation {
  /** Keyword after `*@`, lower-case: input, output, train, crossbar. */
  kind: string;
  tokens: Token[];
  loc: SourceLoc;
}

export interface ParsedNetlist {
  title: string;
  file: string;
  top: Scope;
  /** Plain top-level resistor lines, kept as arrays (see FastResistors). */
  fastR: FastResistors;
  /** `.options` name -> value token (a bare flag gets the word "1"). */
  options: Map<string, { value: Token | null; loc: SourceLoc }>;
  op: boolean;
  tran?: TranCard;
  ics: Array<{ node: string; value: Token; loc: SourceLoc }>;
  annotations: Annotation[];
  /** True when some value needs the expression evaluator. */
  hasExpressions: boolean;
  /** `.global` node names (lower-case) and where each was first declared. */
  globals: Map<string, SourceLoc>;
  /** Analysis and output cards eqspice does not run (`.dc`, `.ac`, `.meas`, ...), in order. */
  notRun: Array<{ card: string; loc: SourceLoc }>;
  /** Non-fatal remarks (ignored cards and options). */
  warnings: string[];
}

export function emptyScope(): Scope {
  return { elements: [], params: [], models: new Map(), subckts: new Map() };
}
