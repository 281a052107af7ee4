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

/** Bad input: a netlist, option or dataset the user must fix. CLI exit code 1. */
export class InputError extends Error {
  readonly loc?: SourceLoc;
  constructor(message: string, loc?: SourceLoc) {
    super(loc ? `${formatLoc(loc)}: ${message}` : message);
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
