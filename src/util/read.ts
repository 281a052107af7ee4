/** Reading user-named files: a missing or unreadable file is bad input, reported by what it was. */
import { readFileSync } from "node:fs";
import { InputError } from "../netlist/errors.js";

/** The file's text, or an InputError "cannot read <what> '<path>': <code>". */
export function readInputFile(path: string, what: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    throw new InputError(`cannot read ${what} '${path}': ${(e as NodeJS.ErrnoException).code ?? e}`);
  }
}
