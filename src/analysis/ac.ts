/**
 * AC small-signal analysis (`.ac`), as ngspice 39 runs it (acan.c): the
 * operating point first (op.ts's strategy), then at each frequency f the
 * complex linear system linearized there,
 *   (G + j w C) x = b_re + j b_im,   w = 2 pi f,
 * G the conductances dI/dV at the operating point, C the capacitances dQ/dV
 * (and minus the inductances on inductor branch rows), b the independent
 * sources' AC values (`AC mag phase`, phase in degrees; a source without
 * `AC` is 0: a V source a short, an I source open). Each device stamps its
 * part through Device.acLoad (AcLoadContext); G, C and b do not depend on
 * the frequency, so devices are asked once per sweep.
 *
 * In the AC system no node is fixed: the nodes a grounded V source fixes in
 * DC become unknowns again and each such source gets a branch of its own
 * (unknowns after the circuit's n: the fixed nodes in `circuit.fixed`
 * order, then their sources' branches), so its node's AC voltage is its AC
 * value (0 without `AC`) and its current a phasor like the others. The
 * devices are set up again for that system (Device.setup with the AC
 * numbering): an Engine made earlier on the same circuit must not be used
 * after `runAc` (a new one sets the devices up again).
 *
 * The complex system is solved as the equivalent real one of twice the size
 *   [ G  -wC ] [xr]   [b_re]
 *   [ wC   G ] [xi] = [b_im]
 * on the real sparse (or, small, dense) LU of solver/linear-system.ts, whose
 * pattern, and with it the ordering, is made once per sweep.
 *
 * Frequencies (acFrequencies), as ngspice 39: DEC N points per decade,
 * spread evenly in log between FSTART and FSTOP (floor(N log10(FSTOP /
 * FSTART)) steps, both ends included); OCT N per octave from FSTART, ratio
 * 2^(1/N), while f <= FSTOP (1 + reltol 2^(1/N)) (FSTOP itself only when it
 * falls on the grid); LIN N points in total from FSTART to FSTOP, except
 * that N = 1 and N = 2 make one point at FSTART (ngspice 39 steps only from
 * N = 3 on). N is rounded to an integer.
 */
import type { Circuit } from "../circuit/circuit.js";
import type { AcSpec } from "../netlist/elaborate.js";
import { acPhasor } from "../devices/sources/waveform.js";
import { definesVoltage, isEliminatedSource, type AcLoadContext, type LoadContext, type SetupContext } from "../devices/types.js";
import { reserveBranch, stampVoltageBranch, type BranchHandles } from "../devices/stamp.js";
import { MatrixPattern } from "../solver/pattern.js";
import { LinearSystem } from "../solver/linear-system.js";
import { ConvergenceError, InputError, NetlistError } from "../util/errors.js";
import { Engine } from "./engine.js";
import { solveDc } from "./op.js";

/** Most frequencies a sweep may have unless the caller says otherwise. */
export const DEFAULT_MAX_AC_POINTS = 1_000_000;

/** The frequencies (Hz) of a `.ac` card, in sweep order (see the file comment); errors at the card. */
export function acFrequencies(spec: AcSpec, reltol: number, limit = DEFAULT_MAX_AC_POINTS): Float64Array {
  const what = `.ac ${spec.sweep.toUpperCase()}`;
  for (const [k, v, loc] of [["N", spec.points, spec.pointsLoc], ["FSTART", spec.fstart, spec.fstartLoc], ["FSTOP", spec.fstop, spec.fstopLoc]] as const) {
    if (!Number.isFinite(v)) throw new NetlistError(`${what}: ${k} is ${v}`, loc);
  }
  const n = Math.round(spec.points);
  if (n < 1) throw new NetlistError(`${what}: N is ${spec.points}: at least 1 point ${spec.sweep === "lin" ? "in total" : `per ${spec.sweep === "dec" ? "decade" : "octave"}`}`, spec.pointsLoc);
  const { fstart, fstop } = spec;
  if (spec.sweep === "lin" ? fstart < 0 : !(fstart > 0)) throw new NetlistError(`${what}: FSTART is ${fstart} Hz: it must be ${spec.sweep === "lin" ? "0 or more" : "positive (a logarithmic sweep)"}`, spec.fstartLoc);
  if (spec.sweep === "dec" ? !(fstop > fstart) : !(fstop >= fstart)) {
    throw new NetlistError(`${what}: FSTOP ${fstop} Hz is ${fstop < fstart ? "below" : "not above"} FSTART ${fstart} Hz (ngspice runs no point)`, spec.fstopLoc);
  }
  let delta: number;
  let tol: number;
  let estimate: number;
  if (spec.sweep === "lin") {
    delta = n - 1 > 1 ? (fstop - fstart) / (n - 1) : 0;
    tol = delta * reltol;
    estimate = delta > 0 ? n : 1;
  } else if (spec.sweep === "dec") {
    const steps = Math.floor(Math.abs(Math.log10(fstop / fstart)) * n);
    if (steps === 0) throw new NetlistError(`${what}: from ${fstart} to ${fstop} Hz is less than one step of ${n} per decade (ngspice 39 never ends such a sweep): widen the range or raise N`, spec.fstopLoc);
    delta = Math.exp(Math.log(fstop / fstart) / steps);
    tol = delta * fstop * reltol;
    estimate = steps + 1;
  } else {
    delta = Math.exp(Math.log(2) / n);
    tol = delta * fstop * reltol;
    estimate = Math.floor(Math.log2(fstop / fstart) * n) + 1;
  }
  if (estimate > limit) throw new NetlistError(`${what}: ${estimate} frequencies from ${fstart} to ${fstop} Hz, more than the limit of ${limit}`, spec.pointsLoc);
  const out: number[] = [];
  for (let f = fstart; f <= fstop + tol; ) {
    out.push(f);
    if (out.length > limit) throw new NetlistError(`${what}: more than ${limit} frequencies`, spec.pointsLoc);
    if (spec.sweep === "lin") {
      if (delta === 0) break;
      f += delta;
    } else f *= delta;
  }
  return Float64Array.from(out);
}

export interface AcStats {
  /** Frequencies solved. */
  points: number;
  /** Newton iterations of the operating point. */
  iterations: number;
  /** How the operating point converged. */
  strategy: "newton" | "gmin" | "source";
  /** Unknowns of the complex system (its real equivalent has twice as many). */
  unknowns: number;
}

/**
 * Where the phasors go: `begin` once with the quantities' names (`v(node)`
 * for every node but ground and internal device nodes, node order; then
 * `i(source)` for every V source, netlist order, and every other branch: E,
 * H, V= B sources, inductors) and units ("V", "A"); then `point` per
 * frequency with the real and imaginary parts (arrays reused).
 */
export interface AcSink {
  begin(names: string[], units: string[]): void;
  point(frequency: number, re: Float64Array, im: Float64Array): void;
}

export interface AcRun {
  circuit: Circuit;
  spec: AcSpec;
  /** Refuse sweeps of more frequencies (default DEFAULT_MAX_AC_POINTS). */
  maxPoints?: number;
}

/** The quantities an AC analysis of `circuit` reports, and the AC unknown each reads. */
interface AcLayout {
  names: string[];
  units: string[];
  index: Int32Array;
  /** Unknowns of the AC system. */
  m: number;
  /** AC unknown of each node (m: ground, the trash row). */
  rowOfNode: Int32Array;
}

function layout(c: Circuit): AcLayout {
  if (c.amplifiers) throw new InputError("AC analysis needs the circuit built without the amplifier reduction (load it with reduceAmplifiers: false; acSweep does)");
  const n = c.n;
  const nf = c.fixed.length;
  const m = n + 2 * nf;
  const rowOfNode = new Int32Array(c.nodeNames.length).fill(m);
  for (let k = 1; k < c.nodeNames.length; k++) if (c.unknownOfNode[k] >= 0) rowOfNode[k] = c.unknownOfNode[k];
  c.fixed.forEach((f, j) => (rowOfNode[f.node] = n + j));
  for (let k = 1; k < c.nodeNames.length; k++) if (rowOfNode[k] === m) throw new Error(`internal: node ${c.nodeNames[k]} has no AC unknown`);
  const names: string[] = [];
  const units: string[] = [];
  const index: number[] = [];
  for (let k = 1; k < c.nodeNames.length; k++) {
    if (c.internal[k]) continue;
    names.push(`v(${c.nodeNames[k]})`);
    units.push("V");
    index.push(rowOfNode[k]);
  }
  const fixedOf = new Map(c.fixed.map((f, j) => [f.source as unknown, j]));
  const seen = new Set<string>();
  for (const d of c.devices) {
    if (!(d.fixesNodes && definesVoltage(d))) continue;
    const j = fixedOf.get(d);
    const k = d.k >= 0 ? d.k : j !== undefined ? n + nf + j : -1;
    if (k < 0) throw new Error(`internal: ${d.name} has no branch and fixes no node`);
    names.push(`i(${d.name})`);
    units.push("A");
    index.push(k);
    seen.add(d.name);
  }
  c.branchNames.forEach((name, j) => {
    if (seen.has(name)) return;
    names.push(`i(${name})`);
    units.push("A");
    index.push(c.nFree + j);
  });
  return { names, units, index: Int32Array.from(index), m, rowOfNode };
}

/** A LoadContext view for AcLoadContext: the operating point, no fixed voltages, A and b as given. */
function view(A: Float64Array, b: Float64Array, V: Float64Array, x: Float64Array, gmin: number): LoadContext {
  return { mode: "dc", A, b, V, Vk: new Float64Array(V.length), x, time: -1, srcScale: 1, srcMode: "dc", srcTime: -1, gmin, initJunctions: false, noncon: false, integ: null };
}

/**
 * Run the analysis: the operating point, then `sink.begin`, then
 * `sink.point` per frequency. Throws NetlistError for a bad card,
 * InputError for a device without small-signal model, ConvergenceError
 * when the operating point fails or the AC matrix is singular.
 */
export function runAc(run: AcRun, sink: AcSink): AcStats {
  const c = run.circuit;
  const freqs = acFrequencies(run.spec, c.options.reltol, run.maxPoints ?? DEFAULT_MAX_AC_POINTS);
  for (const d of c.devices) if (!d.acLoad) throw new InputError(`${d.name}: no small-signal model: eqspice's AC analysis cannot run this element`);
  for (const d of c.devices) {
    const why = d.acRefusal?.();
    if (!why) continue;
    const loc = c.locOf(d.name);
    throw loc ? new NetlistError(`ac: ${why}`, loc) : new InputError(`ac: ${why}`);
  }
  const lay = layout(c);
  const engine = new Engine(c);
  let op;
  try {
    op = solveDc(engine);
  } catch (e) {
    if (e instanceof ConvergenceError) throw new ConvergenceError(`AC analysis: no operating point: ${e.message}`);
    throw e;
  }
  const V = Float64Array.from(engine.V);
  const x = Float64Array.from(engine.x);

  // The AC system: every device set up again with every non-ground node an unknown.
  const { m, rowOfNode } = lay;
  const pattern = new MatrixPattern(m);
  for (let i = 0; i < m; i++) pattern.entry(i, i);
  const setup: SetupContext = {
    row: (node) => rowOfNode[node],
    entry: (r, col) => pattern.entry(r, col),
    isUnknown: (node) => rowOfNode[node] < m,
    branch: (name) => {
      const k = c.branchNames.indexOf(name);
      if (k < 0) throw new Error(`internal: no branch for ${name}`);
      return c.nFree + k;
    },
  };
  for (const d of c.devices) d.setup(setup);
  const nf = c.fixed.length;
  const fixedBranches: BranchHandles[] = c.fixed.map((f, j) => {
    if (!isEliminatedSource(f.source)) throw new Error(`internal: ${f.source.name} fixes a node but has a branch`);
    return reserveBranch(setup, f.source.a, f.source.b, c.n + nf + j);
  });

  const G = new Float64Array(pattern.size);
  const C = new Float64Array(pattern.size);
  const bRe = new Float64Array(m + 1);
  const bIm = new Float64Array(m + 1);
  const ctx: AcLoadContext = { g: view(G, bRe, V, x, c.options.gmin), c: view(C, bIm, V, x, c.options.gmin) };
  for (const d of c.devices) d.acLoad!(ctx);
  c.fixed.forEach((f, j) => {
    const [re, im] = acPhasor(f.source.value);
    stampVoltageBranch(ctx.g, fixedBranches[j], re);
    bIm[fixedBranches[j].k] += im;
  });

  // The real equivalent: G on both diagonal blocks, -wC above, wC below.
  const big = new MatrixPattern(2 * m);
  for (let i = 0; i < 2 * m; i++) big.entry(i, i);
  const hs = pattern.size;
  const g1 = new Int32Array(hs);
  const g2 = new Int32Array(hs);
  const c1 = new Int32Array(hs);
  const c2 = new Int32Array(hs);
  for (let h = 1; h < hs; h++) {
    const r = pattern.rows[h];
    const col = pattern.cols[h];
    g1[h] = big.entry(r, col);
    g2[h] = big.entry(m + r, m + col);
    if (C[h] !== 0) {
      c1[h] = big.entry(r, m + col);
      c2[h] = big.entry(m + r, col);
    }
  }
  const sys = new LinearSystem(big, false);
  const sol = new Float64Array(2 * m);
  const re = new Float64Array(lay.names.length);
  const im = new Float64Array(lay.names.length);
  sink.begin(lay.names.slice(), lay.units.slice());
  for (const f of freqs) {
    const w = 2 * Math.PI * f;
    const A = sys.A;
    A.fill(0);
    for (let h = 1; h < hs; h++) {
      A[g1[h]] += G[h];
      A[g2[h]] += G[h];
      if (c1[h] !== 0) {
        A[c1[h]] -= w * C[h];
        A[c2[h]] += w * C[h];
      }
    }
    A[0] = 0;
    sys.b.fill(0);
    sys.b.set(bRe.subarray(0, m), 0);
    sys.b.set(bIm.subarray(0, m), m);
    if (!sys.solve(sol)) throw new ConvergenceError(`AC analysis: the small-signal matrix is singular at ${f} Hz`);
    const idx = lay.index;
    for (let k = 0; k < idx.length; k++) {
      re[k] = sol[idx[k]];
      im[k] = sol[m + idx[k]];
    }
    sink.point(f, re, im);
  }
  return { points: freqs.length, iterations: op.iterations, strategy: op.strategy, unknowns: m };
}
