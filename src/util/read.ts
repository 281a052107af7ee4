/** Reading user-named files: a missing or unreadable file is bad input, reported by what it was. */
import { readFileSync } from "node:fs";
import { isAscii } from "node:buffer";
import { InputError } from "../netlist/errors.js";

/** The file's text (UTF-8), or an InputError "cannot read <what> '<path>': <code>". */
export function readInputFile(path: string, what: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new InputError(`cannot read ${what} '${path}': ${(e as NodeJS.ErrnoException).code ?? e}`);
  }
  // ASCII (every netlist we generate) decodes as Latin-1 by a plain copy, twice as fast as UTF-8 validation.
  return isAscii(bytes) ? bytes.toString("latin1") : bytes.toString("utf8");
}
