/**
 * Typed errors of eqspice. Library code throws these; only the CLI edge turns
 * them into messages and exit codes (see src/cli/errors.ts).
 */

/** A position in a netlist source file (1-based line and column). */
export interface SourceLoc {
  file: string;
  line: number;
  col: number;
}

export function formatLoc(loc: SourceLoc | undefined): string {
  return loc ? `${loc.file}:${loc.line}:${loc.col}` : "";
}

/**
 * Text quoted in a message, at most `max` characters: a longer one keeps its
 * start and says how long it was (a 10 MB token is not echoed back).
 */
export function clip(text: string, max = 80): string {
  return text.length <= max ? text : `${text.slice(0, max)}... (${text.length} characters)`;
}

/** Longest message an error carries (characters). */
const MAX_MESSAGE = 2000;

/**
 * A message safe to print: control characters (a NUL byte from the input,
 * an escape sequence) are written as `\x00`, and a message longer than
 * MAX_MESSAGE keeps its start and end.
 */
export function printable(message: string): string {
  // eslint-disable-next-line no-control-regex
  let s = message.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
  if (s.length > MAX_MESSAGE) s = `${s.slice(0, MAX_MESSAGE - 300)} ... (${s.length - (MAX_MESSAGE - 200)} characters left out) ... ${s.slice(-100)}`;
  return s;
}

/** Bad input: a netlist, option or dataset the user must fix. CLI exit code 1. */
export class InputError extends Error {
  readonly loc?: SourceLoc;
  constructor(message: string, loc?: SourceLoc) {
    super(printable(loc ? `${formatLoc(loc)}: ${message}` : message));
    this.name = "InputError";
    this.loc = loc;
  }
}

/** A netlist syntax or semantic error, always with a file:line:col. */
export class NetlistError extends InputError {
  constructor(message: string, loc: SourceLoc) {
    super(message, loc);
    this.name = "NetlistError";
  }
}

/** The solver did not find an equilibrium. CLI exit code 2. */
export class ConvergenceError extends Error {
  /** Nodes with the largest last Newton update, worst first: [name, |dV| in volts]. */
  readonly worst: Array<[string, number]>;
  constructor(message: string, worst: Array<[string, number]> = []) {
    const detail = worst.length
      ? `; worst nodes: ${worst.map(([n, d]) => `${n} (|dV|=${d.toExponential(2)} V)`).join(", ")}`
      : "";
    super(message + detail);
    this.name = "ConvergenceError";
    this.worst = worst;
  }
}
