/** The parsed (not yet elaborated) netlist: cards with their tokens and locations. */
import type { NetlistError, SourceLoc } from "../util/errors.js";
import type { Token } from "./lexer.js";
import type { FastResistors } from "./fast-resistors.js";
import type { FuncDef } from "./expressions.js";

/** One `.if` ... `.endif` block. */
export interface IfBlock {
  /** Condition of each branch in order (`.if`, then each `.elseif`), null for the `.else`. */
  conds: Array<Token | null>;
  loc: SourceLoc;
}

/**
 * The `.if` branches a card lies in, outermost first: the card is read
 * when every block takes its branch (conditions are evaluated in the scope
 * of the card: a subcircuit's per instance).
 */
export type CondPath = ReadonlyArray<{ readonly block: IfBlock; readonly branch: number }>;

/** An element line, e.g. `R1 a b 1k`: kept as tokens until elaboration gives its values a scope. */
export interface ElementCard {
  /** Lower-case first letter: r c d v i e f g h x. */
  letter: string;
  /** Lower-case element name, e.g. "r1". */
  name: string;
  /** Tokens after the name. */
  args: Token[];
  loc: SourceLoc;
  /** Inside `.if` blocks: the branches it needs. */
  cond?: CondPath;
  /**
   * A line inside an `.if` block that eqspice cannot read (an unsupported
   * element or card): ngspice skips it when its branch is not taken, so
   * the error is raised only if it is (letter "!").
   */
  error?: NetlistError;
}

export interface ParamAssign {
  name: string;
  value: Token;
  loc: SourceLoc;
}

export interface ModelCard {
  name: string;
  /** "d" (diode) or "r" (resistor). */
  type: string;
  params: Map<string, Token>;
  /**
   * Instance parameters written on the card (a MOSFET's L, W, AD, AS, PD,
   * PS, NRD, NRS): ngspice 39 makes them the defaults of every instance of
   * the model that does not give them (inpgmod.c, the model's `defaults`
   * list, applied by inpdpar.c before the instance's own parameters).
   */
  instanceDefaults?: Map<string, Token>;
  /** Transmission-line cards (LTRA, URC, TXL, CPL): every value of each parameter (CPL's R= L= G= C= are matrices); a flag has none. */
  values?: Map<string, Token[]>;
  loc: SourceLoc;
  cond?: CondPath;
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
  /** Models outside `.if` blocks. */
  models: Map<string, ModelCard>;
  /** Models inside `.if` blocks, in order (the active ones join `models` per instance). */
  condModels: ModelCard[];
  subckts: Map<string, SubcktDef>;
  /** `.func`s defined here (the last of a name wins, as in ngspice). */
  funcs: Map<string, FuncDef>;
  /** `.csparam` assignments (values for ngspice's control language: evaluated, not used). */
  csparams: ParamAssign[];
  /** `.nodeset` entries read here, in order (node names as written in this scope). */
  nodesets: NodesetCard[];
  /** `.ic` entries read here, in order (node names as written in this scope; ngspice's subckt.c writes a `.ic` in a `.subckt` into every instance, as `.nodeset`). */
  ics: NodesetCard[];
  /** The scope this one is defined in (null at the top): a subcircuit sees its `.func`s. */
  parent: Scope | null;
}

/** One `.nodeset v(node)=value` entry. */
export interface NodesetCard {
  /** Node name, lower-case, as written (a subcircuit's own name inside `.subckt`). */
  node: string;
  value: Token;
  /** Where the node name is. */
  loc: SourceLoc;
  cond?: CondPath;
}

export interface TranCard {
  tstep: Token;
  tstop: Token;
  tstart?: Token;
  tmax?: Token;
  uic: boolean;
  loc: SourceLoc;
  cond?: CondPath;
}

/** One swept quantity of a `.dc` card: its name (a V or I source, a resistor, or TEMP) and start, stop and increment. */
export interface DcSweepCard {
  name: Token;
  start: Token;
  stop: Token;
  step: Token;
}

/** A `.dc` card: the first sweep (the inner loop) and an optional second (outer) one. */
export interface DcCard {
  sweeps: DcSweepCard[];
  loc: SourceLoc;
  cond?: CondPath;
}

/** A `.ac` card: `.ac DEC|OCT|LIN N FSTART FSTOP`. */
export interface AcCard {
  /** The sweep type word (dec, oct or lin). */
  kind: Token;
  points: Token;
  fstart: Token;
  fstop: Token;
  loc: SourceLoc;
  cond?: CondPath;
}

/** One `.options` entry (or `.temp`, as `temp`). */
export interface OptionEntry {
  key: string;
  /** null for a bare flag. */
  value: Token | null;
  loc: SourceLoc;
  cond?: CondPath;
  /** Kept over any later entry of its name (a `.temp` list's 27 C, which ngspice sets whatever `.options temp=` says). */
  final?: boolean;
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
  /** `.options` entries (and `.temp`) in order: the last one read of a name wins. */
  options: OptionEntry[];
  op: boolean;
  /** `.tran` cards in order (the last one read wins; several only through `.if`). */
  trans: TranCard[];
  /** `.dc` cards in order (the last one read wins; several only through `.if`). */
  dcs: DcCard[];
  /** `.ac` cards in order (the last one read wins; several only through `.if`). */
  acs: AcCard[];
  annotations: Annotation[];
  /** True when some value needs the expression evaluator. */
  hasExpressions: boolean;
  /** `set` / `pre_set` of an ngspice auto_bridge* variable in a `.control` block (it configures the automatic XSPICE bridges, which eqspice does not read). */
  autoBridgeVars: Array<{ name: string; loc: SourceLoc }>;
  /** `.global` node names (lower-case) and where each was first declared. */
  globals: Map<string, SourceLoc>;
  /** Analysis and output cards eqspice does not run (`.noise`, `.meas`, ...), in order. */
  notRun: Array<{ card: string; loc: SourceLoc }>;
  /** Non-fatal remarks (ignored cards and options). */
  warnings: string[];
  /** True when some `.model` is a resistor model (element lines `R1 a b NAME` may then name one). */
  resistorModels: boolean;
}

export function emptyScope(parent: Scope | null = null): Scope {
  return { elements: [], params: [], models: new Map(), condModels: [], subckts: new Map(), funcs: new Map(), csparams: [], nodesets: [], ics: [], parent };
}
