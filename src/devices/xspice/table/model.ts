/**
 * What table2d and table3d share: their ports' types, their parameters
 * (ifspec.ifs: order, verbose, offset, gain, file) and the loading of the
 * table file the card names (file.ts), once per element.
 */
import { TableFileError, readTableFile, type TableData } from "./file.js";
import type { ParamDef, PortType, XFileAccess, XParams } from "../models.js";

export const TABLE_INPUT: readonly PortType[] = ["v", "vd", "i", "id", "vnam"];
export const TABLE_OUTPUT: readonly PortType[] = ["v", "vd", "i", "id"];

/** The parameters, `file` defaulting to `defFile` (relative: found as ngspice's fopen_with_path finds it). */
export function tableParams(defFile: string): ParamDef[] {
  return [
    // order: the ENO order (int); below 2 ngspice 39 sets it to 2 ("Parameter Order=%d not possible")
    { name: "order", kind: "real", def: 3 },
    // verbose: ngspice's messages about inputs outside the table (1) and every evaluation (2); no effect on the answer
    // (its ifspec's limits [0 2] are not enforced by ngspice 39: verbose=3 runs)
    { name: "verbose", kind: "real", def: 0 },
    { name: "offset", kind: "real", def: 0 },
    { name: "gain", kind: "real", def: 1 },
    { name: "file", kind: "string", defText: defFile },
  ];
}

/** The table of the card's `file` for a dims-D model: the ENO order used and the data. */
export function loadTable(p: XParams, io: XFileAccess, dims: 2 | 3): { table: TableData; order: number } {
  const order = Math.max(2, Math.trunc(p.get("order") as number));
  const { text, path } = io.read("file");
  try {
    return { table: readTableFile(text, dims, order), order };
  } catch (e) {
    if (!(e instanceof TableFileError)) throw e;
    return io.fail("file", `table file ${path}${e.line ? `:${e.line}` : ""}: ${e.message}`);
  }
}
