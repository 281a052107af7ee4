/**
 * The files XSPICE code models read (table2d, table3d), found as ngspice
 * 39's fopen_with_path (src/xspice/icm/dlmain.c) and the table models'
 * init_local_data find them. A name that is not absolute (neither starting
 * with '/' nor with a drive letter's ':' second) is tried, in order:
 *   1. in the directory of the netlist ngspice was given (Infile_Path, the
 *      top-level file's, not that of an .include'd file holding the card),
 *   2. in $NGSPICE_INPUT_DIR (when set and not empty),
 *   3. as given, relative to the current directory;
 * an absolute name is opened as given.
 */
import { dirname, resolve } from "node:path";
import { readInputFile } from "../../util/read.js";
import { InputError } from "../../util/errors.js";

/** The paths tried for `name`, in order; `netlistFile` undefined (a netlist given as text): no netlist directory. */
export function candidatePaths(name: string, netlistFile: string | undefined): string[] {
  const out: string[] = [];
  const absolute = name[0] === "/" || name[1] === ":";
  if (!absolute && netlistFile !== undefined) {
    out.push(resolve(dirname(netlistFile), name));
    const env = process.env.NGSPICE_INPUT_DIR;
    if (env) out.push(resolve(env, name));
  }
  out.push(resolve(name));
  if (!absolute) {
    const env = process.env.NGSPICE_INPUT_DIR;
    if (env) out.push(resolve(env, name));
  }
  return [...new Set(out)];
}

/** The text of the first candidate that reads, and its path; an InputError naming every path tried when none does. */
export function readCodeModelFile(name: string, netlistFile: string | undefined, what: string): { text: string; path: string } {
  const tried = candidatePaths(name, netlistFile);
  const why: string[] = [];
  for (const p of tried) {
    try {
      return { text: readInputFile(p, what, { regular: true }), path: p };
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      why.push(e.message);
    }
  }
  throw new InputError(`cannot open ${what} '${name}' (ngspice: "cannot open file ${name}"): ${why.join("; ")}`);
}
