/**
 * The library's front door: load a netlist file into a circuit and analyse it.
 */
import { parseNetlist, parseNetlistFile } from "./netlist/parser.js";
import { elaborate } from "./netlist/elaborate.js";
import { readAnnotations } from "./netlist/annotations.js";
import { buildCircuit, type BuildOptions } from "./circuit/build.js";
import type { Circuit } from "./circuit/circuit.js";
import { operatingPoint, type OpOptions, type OpResult } from "./analysis/op.js";

export type { Circuit } from "./circuit/circuit.js";
export type { OpResult } from "./analysis/op.js";

/** Parse, elaborate and build a circuit from netlist text. */
export function loadCircuitFromText(text: string, file = "<netlist>", opts?: BuildOptions): Circuit {
  const net = parseNetlist(text, file);
  return buildCircuit(elaborate(net), readAnnotations(net), opts);
}

/** Parse, elaborate and build a circuit from a netlist file. */
export function loadCircuit(path: string, opts?: BuildOptions): Circuit {
  const net = parseNetlistFile(path);
  return buildCircuit(elaborate(net), readAnnotations(net), opts);
}

/** DC operating point of a netlist file: node voltages (V) and branch currents (A). */
export function opFromFile(path: string, opts?: OpOptions): OpResult {
  return operatingPoint(loadCircuit(path), opts);
}
