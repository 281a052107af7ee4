/**
 * Parameter expressions (`{2*rval}`, `.param b = a*2`), evaluated with
 * mathjs's expression parser. mathjs costs 1-3 s to import, so it is loaded
 * lazily (synchronously, via require) the first time a netlist needs it.
 */
import { createRequire } from "node:module";
import { NetlistError, type SourceLoc } from "./errors.js";
import { normalizeExpressionNumbers, parseSpiceNumber } from "./numbers.js";

type Evaluator = (expr: string, scope: Map<string, unknown>) => unknown;
let evaluator: Evaluator | null = null;

function getEvaluator(): Evaluator {
  if (!evaluator) {
    const require = createRequire(import.meta.url);
    const math = require("mathjs") as typeof import("mathjs");
    evaluator = (expr, scope) => math.evaluate(expr, scope);
  }
  return evaluator;
}

/** Parameter scope: lower-case names -> values. */
export type ParamScope = Map<string, number>;

/**
 * Evaluate a value token: a SPICE number (`1k`), a parameter name, or an
 * expression. Throws a NetlistError naming the problem at `loc`.
 */
export function evaluateValue(text: string, isExpr: boolean, scope: ParamScope, loc: SourceLoc, what: string): number {
  if (!isExpr) {
    const n = parseSpiceNumber(text);
    if (Number.isFinite(n)) return n;
    if (!Number.isNaN(n)) throw new NetlistError(`bad number '${text}' for ${what} (out of range)`, loc);
    const p = scope.get(text.toLowerCase());
    if (p !== undefined) return p;
    if (!/[-+*/^()]/.test(text)) throw new NetlistError(`bad number '${text}' for ${what}`, loc);
  }
  let result: unknown;
  try {
    // ngspice-compatible names on top of mathjs's (ln, pwr); parameters shadow them.
    const full = new Map<string, unknown>([
      ["ln", Math.log],
      ["pwr", (a: number, b: number) => Math.sign(a) * Math.pow(Math.abs(a), b)],
      ...scope,
    ]);
    result = getEvaluator()(normalizeExpressionNumbers(text.toLowerCase()), full);
  } catch (e) {
    throw new NetlistError(`cannot evaluate expression '${text}' for ${what}: ${(e as Error).message}`, loc);
  }
  if (typeof result !== "number" || !Number.isFinite(result)) {
    throw new NetlistError(`expression '${text}' for ${what} is not a finite number (got ${String(result)})`, loc);
  }
  return result;
}
