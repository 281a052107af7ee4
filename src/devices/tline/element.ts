/**
 * The transmission-line elements T (lossless), O (lossy LTRA) and Y / P
 * (lossy TXL / coupled CPL lines) as their DC stamps (tline.ts), entry for
 * entry as ngspice's load routines write them under MODEDC.
 */
import type { MakeDevice } from "../kind.js";
import { TransmissionLine, type LineEntry } from "./tline.js";
import { LosslessLine } from "./tra.js";

/**
 * T (tra/traload.c): Z0 from each positive terminal to an internal node,
 * and two branch equations; at DC
 *   V(int1) - V(neg1) - (V(pos2) - V(neg2)) - (1 - gmin) Z0 i2 = 0
 * and the same with the ports exchanged; in a transient the DC rows' port
 * terms give way to the delayed waves (tra.ts).
 */
export const makeTra: MakeDevice<"t"> = (s, { nodes: n, internalNode, options }) => {
  const [pos1, neg1, pos2, neg2] = n;
  const i1 = internalNode("i1");
  const i2 = internalNode("i2");
  const int1 = internalNode("int1");
  const int2 = internalNode("int2");
  const G = 1 / s.z0;
  const Z = s.z0;
  const e: LineEntry[] = [];
  const add = (r: number, c: number, a: number, b = 0) => e.push({ r, c, a, b });
  add(pos1, pos1, G);
  add(pos1, int1, -G);
  add(neg1, i1, -1);
  add(pos2, pos2, G);
  add(neg2, i2, -1);
  add(int1, pos1, -G);
  add(int1, int1, G);
  add(int1, i1, 1);
  add(int2, int2, G);
  add(int2, i2, 1);
  add(i1, neg1, -1);
  add(i1, int1, 1);
  add(i2, neg2, -1);
  add(i2, int2, 1);
  add(pos2, int2, -G);
  add(int2, pos2, -G);
  const common = e.length;
  // MODEDC
  add(i1, pos2, -1);
  add(i1, neg2, 1);
  add(i1, i2, -Z, Z);
  add(i2, pos1, -1);
  add(i2, neg1, 1);
  add(i2, i1, -Z, Z);
  return new LosslessLine(s.name, n, [pos1, neg1, pos2, neg2, i1, i2, int1, int2], e, common, s, options.gmin);
};

/**
 * O (ltra/ltraload.c, MODEDC): the RG line by its cosh / sinh two-port; the
 * RC, LC and RLC lines as a series resistance R len between the positive
 * terminals (ngspice's equation ignores the negative ones there).
 */
export const makeLtra: MakeDevice<"o"> = (s, { nodes: n, internalNode, options }) => {
  const [pos1, neg1, pos2, neg2] = n;
  const i1 = internalNode("i1");
  const i2 = internalNode("i2");
  const e: LineEntry[] = [];
  const add = (r: number, c: number, a: number, b = 0) => e.push({ r, c, a, b });
  const l = s.line;
  if (l.kind === "rg") {
    add(i1, pos1, 1);
    add(i1, neg1, -1);
    add(i1, pos2, -l.cosh);
    add(i1, neg2, l.cosh);
    add(i1, i2, l.rs, l.rs); // (1 + gmin) rRsLrGRorG
    add(i2, i2, l.cosh);
    add(i2, pos2, -l.gs, -l.gs);
    add(i2, neg2, l.gs, l.gs);
    add(i2, i1, 1);
    add(pos1, i1, 1);
    add(neg1, i1, -1);
    add(pos2, i2, 1);
    add(neg2, i2, -1);
  } else {
    add(pos1, i1, 1);
    add(neg1, i1, -1);
    add(pos2, i2, 1);
    add(neg2, i2, -1);
    add(i1, i1, 1);
    add(i1, i2, 1);
    add(i2, pos1, 1);
    add(i2, pos2, -1);
    add(i2, i1, -l.rlen);
  }
  return new TransmissionLine(s.name, n, [pos1, neg1, pos2, neg2, i1, i2], e, "lossy transmission line O (LTRA)", options.gmin);
};

/**
 * Y and P (txl/txlload.c, cpl/cplload.c, MODEDC): per line m from in_m to
 * out_m, 0.1 gmin on the four entries of (in_m, out_m), the branch currents
 * with i1 + i2 = 0 and V(in_m) - V(out_m) - R_mm len i1 = 0.
 */
export const makeLossyLines: MakeDevice<"p"> = (s, { nodes: n, internalNode, options }) => {
  const k = s.rlen.length;
  const e: LineEntry[] = [];
  const all: number[] = [...n];
  const add = (r: number, c: number, a: number, b = 0) => e.push({ r, c, a, b });
  const b1s: number[] = [];
  const b2s: number[] = [];
  for (let m = 0; m < k; m++) b1s.push(internalNode(s.txl ? "branch1" : `branch1_${m}`));
  for (let m = 0; m < k; m++) b2s.push(internalNode(s.txl ? "branch2" : `branch2_${m}`));
  for (let m = 0; m < k; m++) {
    const pos = n[m];
    const neg = n[k + m];
    add(pos, pos, 0, 0.1);
    add(neg, neg, 0, 0.1);
    add(neg, pos, 0, 0.1);
    add(pos, neg, 0, 0.1);
  }
  for (let m = 0; m < k; m++) {
    const pos = n[m];
    const neg = n[k + m];
    const b1 = b1s[m];
    const b2 = b2s[m];
    all.push(b1, b2);
    add(pos, b1, 1);
    add(neg, b2, 1);
    add(b1, b1, 1);
    add(b1, b2, 1);
    add(b2, pos, 1);
    add(b2, neg, -1);
    add(b2, b1, -s.rlen[m]);
  }
  return new TransmissionLine(s.name, n, all, e, s.txl ? "lossy transmission line Y (TXL)" : "coupled transmission lines P (CPL)", options.gmin);
};
