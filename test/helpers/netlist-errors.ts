/** The check every bad-netlist test makes: a NetlistError at file:line:col whose message matches. */
import { expect } from "vitest";
import { acSweepFromText, loadCircuitFromText } from "../../src/api.js";
import { InputError, NetlistError, type SourceLoc } from "../../src/util/errors.js";

/**
 * `expectNetlistError(fn, line, col, msg, file = defaultFile)`: run `fn` and
 * require a NetlistError (an InputError) at line:col of `file` whose message
 * matches `msg` and starts with `file:line:col: `; returns the error.
 */
export function netlistErrorCheck(defaultFile: string) {
  return function expectNetlistError(fn: () => unknown, line: number, col: number, msg: RegExp, file = defaultFile): NetlistError {
    let err: unknown;
    try {
      fn();
    } catch (e) {
      err = e;
    }
    expect(err, "expected an error").toBeDefined();
    expect(err).toBeInstanceOf(InputError);
    expect(err).toBeInstanceOf(NetlistError);
    const e = err as NetlistError;
    expect(e.message).toMatch(msg);
    expect(e.loc).toEqual<SourceLoc>({ file, line, col });
    expect(e.message.startsWith(`${file}:${line}:${col}: `), e.message).toBe(true);
    return e;
  };
}

/**
 * `expectIgnoredParam(fn, line, col, name, file)`: `fn` loads a circuit in
 * which model parameter `name` (unknown to ngspice 39 on that device) is
 * ignored, as ngspice ignores it, with a warning at file:line:col.
 */
export function ignoredParamCheck(defaultFile: string) {
  return function expectIgnoredParam(fn: () => { warnings: readonly string[] }, line: number, col: number, name: string, file = defaultFile): void {
    const c = fn();
    const w = c.warnings.find((m) => m.includes(`unrecognized parameter '${name}' ignored`));
    expect(w, `a warning about '${name}' in ${JSON.stringify(c.warnings)}`).toBeDefined();
    expect(w!.startsWith(`${file}:${line}:${col}: `), w).toBe(true);
  };
}

/**
 * The NetlistError that reading `text` as `file` throws (through an AC
 * sweep when the text has an `.ac` card, so an analysis' refusal counts);
 * fails the test when there is none or it is another kind of error.
 */
export function netlistErrorOf(text: string, file = "bad.cir"): NetlistError {
  try {
    if (text.includes(".ac")) acSweepFromText(text, file);
    else loadCircuitFromText(text, file);
  } catch (e) {
    expect(e).toBeInstanceOf(NetlistError);
    return e as NetlistError;
  }
  throw new Error(`no error from ${file}`);
}
