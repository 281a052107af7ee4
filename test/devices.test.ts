/**
 * Device physics against itself:
 *  - the current a device reports (addCurrents) is the gradient of its
 *    co-content (central finite differences);
 *  - its stamp (load) is the linearization of that current: at the
 *    linearization point the stamped current A x - b equals addCurrents, and
 *    the stamped conductances equal the finite-difference Jacobian;
 *  - for non-reciprocal devices (E, F, G, H, floating V) the MNA residual
 *    A x - b at a random point is the KCL current of addCurrents and the
 *    branch equations state the device law;
 *  - the diode temperature model against ngspice's closed forms.
 */
import { describe, expect, it } from "vitest";
import { Resistor } from "../src/devices/resistor/resistor.js";
import { Diode } from "../src/devices/diode/diode.js";
import { CurrentSource, VoltageSource } from "../src/devices/sources/sources.js";
import { Cccs, Ccvs, Vccs, Vcvs } from "../src/devices/controlled/controlled.js";
import {
  CHARGE,
  CONSTboltz,
  DIODE_DEFAULTS,
  junctionAt,
  junctionCurrent,
  thermalVoltage,
  type DiodeModelParams,
} from "../src/devices/diode/diode-model.js";
import type { Device, LoadContext, SetupContext } from "../src/devices/types.js";
import type { SourceValue } from "../src/devices/sources/waveform.js";
import { loadCircuitFromText } from "../src/api.js";
import { applyFixed, type Circuit } from "../src/circuit/circuit.js";
import { mulberry32 as rng } from "../src/util/rng.js";
import { Engine } from "../src/analysis/engine.js";
import { buildLayered } from "../circuits/index.js";

/** Where a device made by hand is "written" (its resolve errors would point here). */
const HERE = { file: "devices.test.ts", line: 1, col: 1 };

// ---------------------------------------------------------------- harness


/**
 * A tiny MNA context over dense storage. Unknowns: free nodes then branches;
 * `row(node)` maps a node to its unknown or to the trash row n. As in
 * MatrixPattern, handle 0 is the trash slot (entries in a trash row or
 * column); entry (r, c) of unknowns has handle 1 + r * n + c.
 */
class Mna {
  readonly n: number;
  readonly A: Float64Array;
  readonly b: Float64Array;
  readonly ctx: LoadContext;

  constructor(
    readonly devices: Device[],
    /** Unknown of each node (-1: ground or fixed). */
    readonly unknownOfNode: Int32Array,
    readonly nBranches: number,
    V: Float64Array,
    Vk: Float64Array,
    x: Float64Array,
    gmin = 1e-12,
  ) {
    let nFree = 0;
    for (const u of unknownOfNode) if (u >= 0) nFree++;
    const n = (this.n = nFree + nBranches);
    this.A = new Float64Array(1 + n * n);
    this.b = new Float64Array(n + 1);
    const setup: SetupContext = {
      row: (node) => (unknownOfNode[node] >= 0 ? unknownOfNode[node] : n),
      entry: (r, c) => (r < 0 || c < 0 || r >= n || c >= n ? 0 : 1 + r * n + c),
      branch: () => {
        throw new Error("not used");
      },
    };
    for (const d of devices) d.setup(setup);
    this.ctx = { mode: "dc", A: this.A, b: this.b, V, Vk, x, time: -1, srcScale: 1, gmin, initJunctions: false, noncon: false, integ: null };
  }

  /** Load every device at the context's point; nonlinear ones until their step limiting lets go. */
  load(): void {
    for (let pass = 0; pass < 500; pass++) {
      this.A.fill(0);
      this.b.fill(0);
      this.ctx.noncon = false;
      for (const d of this.devices) d.load(this.ctx);
      if (!this.ctx.noncon) return;
    }
    throw new Error("step limiting never let go");
  }

  a(r: number, c: number): number {
    return this.A[1 + r * this.n + c];
  }

  /** r = A x - b over the unknowns. */
  residual(x: Float64Array): Float64Array {
    return this.residualWithRounding(x).r;
  }

  /** r = A x - b, and the rounding error bound of each entry (a few ulps of sum |terms|). */
  residualWithRounding(x: Float64Array): { r: Float64Array; rounding: Float64Array } {
    const r = new Float64Array(this.n);
    const rounding = new Float64Array(this.n);
    for (let i = 0; i < this.n; i++) {
      let s = -this.b[i];
      let m = Math.abs(this.b[i]);
      for (let j = 0; j < this.n; j++) {
        s += this.a(i, j) * x[j];
        m += Math.abs(this.a(i, j) * x[j]);
      }
      r[i] = s;
      rounding[i] = 16 * Number.EPSILON * m;
    }
    return { r, rounding };
  }
}

/** All nodes 1..nNodes-1 free, unknown k-1; ground 0 not an unknown. */
function freeLayout(nNodes: number): Int32Array {
  const u = new Int32Array(nNodes);
  for (let k = 0; k < nNodes; k++) u[k] = k - 1;
  return u;
}

function currents(devs: Device[], V: Float64Array, x: Float64Array, nNodes: number): Float64Array {
  const out = new Float64Array(nNodes);
  for (const d of devs) d.addCurrents(V, x, -1, out);
  return out;
}

/** Central-difference gradient of the devices' total co-content over nodes 1..nNodes-1. */
function fdGradient(devs: Device[], V: Float64Array, h: number): { g: Float64Array; roundoff: Float64Array } {
  const E = () => devs.reduce((s, d) => s + d.cocontent!(V, -1), 0);
  const g = new Float64Array(V.length);
  /** Rounding error of each difference: a few ulps of E over the step. */
  const roundoff = new Float64Array(V.length);
  for (let k = 1; k < V.length; k++) {
    const v0 = V[k];
    const hk = h * Math.max(1, Math.abs(v0));
    V[k] = v0 + hk;
    const ep = E();
    V[k] = v0 - hk;
    const em = E();
    V[k] = v0;
    g[k] = (ep - em) / (2 * hk);
    roundoff[k] = (16 * Number.EPSILON * Math.max(Math.abs(ep), Math.abs(em))) / hk;
  }
  return { g, roundoff };
}

/** Central-difference Jacobian d out[i] / d V[j] over nodes 1..n-1. */
function fdJacobian(devs: Device[], V: Float64Array, x: Float64Array, h: number): { J: Float64Array[]; roundoff: Float64Array } {
  const n = V.length;
  const J: Float64Array[] = [];
  for (let j = 0; j < n; j++) J.push(new Float64Array(n));
  /** Rounding error of column j's differences: a few ulps of the currents over the step. */
  const roundoff = new Float64Array(n);
  for (let j = 1; j < n; j++) {
    const v0 = V[j];
    const hj = h * Math.max(1, Math.abs(v0));
    V[j] = v0 + hj;
    const ip = currents(devs, V, x, n);
    V[j] = v0 - hj;
    const im = currents(devs, V, x, n);
    V[j] = v0;
    let imax = 0;
    for (let i = 1; i < n; i++) {
      J[i][j] = (ip[i] - im[i]) / (2 * hj);
      imax = Math.max(imax, Math.abs(ip[i]), Math.abs(im[i]));
    }
    roundoff[j] = (16 * Number.EPSILON * imax) / hj;
  }
  return { J, roundoff };
}

/** |a - b| <= rtol * max(|a|, |b|, floor). */
function expectClose(a: number, b: number, rtol: number, floor: number, what: string): void {
  const err = Math.abs(a - b);
  const scale = Math.max(Math.abs(a), Math.abs(b), floor);
  expect(err, `${what}: ${a} vs ${b} (rel err ${(err / scale).toExponential(2)})`).toBeLessThanOrEqual(rtol * scale);
}

/**
 * The three checks for reciprocal devices on free nodes 1..nNodes-1 at V:
 * addCurrents = grad E, stamp current at V = addCurrents, stamp matrix = FD Jacobian.
 */
function checkReciprocal(devs: Device[], V: Float64Array, label: string): void {
  const nNodes = V.length;
  const x = new Float64Array(nNodes - 1);
  for (let k = 1; k < nNodes; k++) x[k - 1] = V[k];
  const I = currents(devs, V, x, nNodes);
  const scale = Math.max(...Array.from(I, Math.abs));
  // 1. addCurrents = gradient of the co-content
  const { g, roundoff } = fdGradient(devs, V, 1e-6);
  for (let k = 1; k < nNodes; k++) {
    const err = Math.abs(I[k] - g[k]);
    const allowed = 1e-6 * Math.max(Math.abs(I[k]), Math.abs(g[k]), 1e-6 * scale) + roundoff[k];
    expect(err, `${label}: dE/dV[${k}]: current ${I[k]} vs FD ${g[k]}`).toBeLessThanOrEqual(allowed);
  }
  // 2. stamped current at the linearization point = addCurrents
  const mna = new Mna(devs, freeLayout(nNodes), 0, V, new Float64Array(nNodes), x);
  mna.load();
  const { r, rounding } = mna.residualWithRounding(x);
  for (let k = 1; k < nNodes; k++) {
    const err = Math.abs(r[k - 1] - I[k]);
    const allowed = 1e-9 * Math.max(Math.abs(I[k]), 1e-9 * scale) + rounding[k - 1];
    expect(err, `${label}: stamped current at node ${k}: ${r[k - 1]} vs ${I[k]}`).toBeLessThanOrEqual(allowed);
  }
  // 3. stamped conductances = FD derivative of the current
  const { J, roundoff: jround } = fdJacobian(devs, V, x, 1e-7);
  let gscale = 0;
  for (let i = 1; i < nNodes; i++) for (let j = 1; j < nNodes; j++) gscale = Math.max(gscale, Math.abs(J[i][j]));
  for (let i = 1; i < nNodes; i++)
    for (let j = 1; j < nNodes; j++) {
      const a = mna.a(i - 1, j - 1);
      const err = Math.abs(a - J[i][j]);
      const allowed = 1e-6 * Math.max(Math.abs(a), Math.abs(J[i][j]), 1e-3 * gscale) + jround[j];
      expect(err, `${label}: G[${i}][${j}]: stamp ${a} vs FD ${J[i][j]}`).toBeLessThanOrEqual(allowed);
    }
}

const dc = (v: number): SourceValue => ({ dc: v, wave: { kind: "dc", value: v } });

// ---------------------------------------------------------------- reciprocal devices

describe("resistor", () => {
  it("current = grad of g v^2/2; stamp = linearization", () => {
    const rand = rng(1);
    for (let t = 0; t < 20; t++) {
      const g = Math.pow(10, -6 + 6 * rand());
      const V = Float64Array.from([0, 10 * rand() - 5, 10 * rand() - 5]);
      checkReciprocal([new Resistor("r1", 1, 2, g)], V, `R g=${g}`);
      // to ground
      checkReciprocal([new Resistor("r2", 1, 0, g)], Float64Array.from([0, V[1]]), `R to ground g=${g}`);
    }
  });
  it("sign convention: current leaves the higher node", () => {
    const out = new Float64Array(3);
    new Resistor("r", 1, 2, 1e-3).addCurrents(Float64Array.from([0, 3, 1]), new Float64Array(2), -1, out);
    expect(out[1]).toBeCloseTo(2e-3, 15);
    expect(out[2]).toBeCloseTo(-2e-3, 15);
  });
});

describe("current source", () => {
  it("current = grad of i (Va - Vb); stamp = linearization", () => {
    const rand = rng(2);
    for (let t = 0; t < 10; t++) {
      const i = (rand() - 0.5) * 1e-2;
      const V = Float64Array.from([0, 10 * rand() - 5, 10 * rand() - 5]);
      checkReciprocal([new CurrentSource("i1", 1, 2, dc(i)), new Resistor("r", 1, 2, 1e-3)], V, `I=${i}`);
      checkReciprocal([new CurrentSource("i2", 0, 1, dc(i)), new Resistor("r", 1, 0, 1e-3)], Float64Array.from([0, V[1]]), `I from ground=${i}`);
    }
  });
  it("sign convention: I a b leaves a and enters b", () => {
    const out = new Float64Array(3);
    new CurrentSource("i", 1, 2, dc(1e-3)).addCurrents(new Float64Array(3), new Float64Array(2), -1, out);
    expect(Array.from(out)).toEqual([0, 1e-3, -1e-3]);
  });
});

describe("diode", () => {
  const models: Array<[string, DiodeModelParams, number, number]> = [
    // name, model, area, temperature (C)
    ["default", { ...DIODE_DEFAULTS }, 1, 27],
    ["1n4148-like (N=1.906) at 75 C, area 2", { ...DIODE_DEFAULTS, is: 4.352e-9, n: 1.906 }, 2, 75],
    ["ideal-ish (N=0.05)", { ...DIODE_DEFAULTS, is: 1e-10, n: 0.05 }, 1, 27],
  ];
  // Junction voltages in units of N*Vt: reverse (< -3), deep reverse, small, forward, very large forward (> 80, past the overflow-safe exp threshold).
  const regions: Array<[string, (vte: number) => number]> = [
    ["deep reverse", () => -20],
    ["reverse (< -3 N Vt)", (vte) => -7 * vte],
    ["small reverse (> -3 N Vt)", (vte) => -2 * vte],
    ["small forward", (vte) => 0.5 * vte],
    ["forward", (vte) => 25 * vte],
    ["very large forward (> exp threshold)", (vte) => 95 * vte],
  ];

  for (const [mname, model, area, temp] of models) {
    const jp = junctionAt(model, area, temp);
    for (const [rname, vdOf] of regions) {
      it(`${mname}, ${rname}: without RS`, () => {
        const vd = vdOf(jp.vte);
        const d = new Diode("d1", 1, 2, 1, jp, 0);
        checkReciprocal([d], Float64Array.from([0, 0.3 + vd, 0.3]), `${mname} ${rname}`);
        // anode to ground, cathode at a negative node
        const d2 = new Diode("d2", 1, 0, 1, jp, 0);
        checkReciprocal([d2], Float64Array.from([0, vd]), `${mname} ${rname} grounded`);
      });
      it(`${mname}, ${rname}: with RS`, () => {
        const vd = vdOf(jp.vte);
        // nodes: 1 anode, 2 cathode, 3 internal anode; RS = 10 ohm. The drop
        // across RS is 1.3 times the junction current's (so the internal node
        // is off balance), at most 0.5 V.
        const s = { i: 0, g: 0 };
        junctionCurrent(jp, vd, s);
        const vs = Math.max(-0.5, Math.min(0.5, (1.3 * (s.i + 1e-12 * vd)) / 0.1));
        const d = new Diode("d1", 1, 2, 3, jp, 0.1);
        checkReciprocal([d], Float64Array.from([0, -0.2 + vd + vs, -0.2, -0.2 + vd]), `${mname} ${rname} RS`);
      });
    }
  }

  it("current is continuous and monotone across the branch points (-3 N Vt and the exp threshold)", () => {
    const jp = junctionAt(DIODE_DEFAULTS, 1, 27);
    const s = { i: 0, g: 0 };
    for (const v0 of [-3 * jp.vte, 80 * jp.vte]) {
      const eps = 1e-9 * Math.max(1, Math.abs(v0));
      junctionCurrent(jp, v0 - eps, s);
      const below = { ...s };
      junctionCurrent(jp, v0 + eps, s);
      expect(s.i).toBeGreaterThan(below.i);
      expectClose(s.i, below.i, 1e-6, 0, `i continuous at ${v0}`);
      expectClose(s.g, below.g, 1e-6, 0, `g continuous at ${v0}`);
    }
  });

  it("reverse current approaches -IS - GMIN v", () => {
    const jp = junctionAt(DIODE_DEFAULTS, 1, 27);
    const d = new Diode("d", 1, 0, 1, jp, 0);
    const out = new Float64Array(2);
    d.addCurrents(Float64Array.from([0, -10]), new Float64Array(1), -1, out);
    expectClose(out[1], -1e-14 - 1e-12 * 10, 1e-6, 0, "reverse leakage");
  });
});

describe("diode breakdown (BV, IBV, NBV, TCV: ngspice dioload.c / diotemp.c)", () => {
  const models: Array<[string, DiodeModelParams, number, number, number]> = [
    // name, model, area, multiplier m, temperature (C)
    ["5 V zener, IBV 1 mA", { ...DIODE_DEFAULTS, bv: 5, ibv: 1e-3 }, 1, 1, 27],
    ["N=1.5, NBV=2, BV 12, TCV at 75 C, area 2, m 3", { ...DIODE_DEFAULTS, n: 1.5, nbv: 2, bv: 12, ibv: 5e-3, tcv: 0.002 }, 2, 3, 75],
    ["IBV below IS BV / Vt (breakdown from BV itself)", { ...DIODE_DEFAULTS, bv: 5, ibv: 1e-20 }, 1, 1, 27],
  ];
  // Junction voltages relative to where breakdown starts (xbv), in units of NBV Vt.
  const regions: Array<[string, (bv: number, vb: number) => number]> = [
    ["reverse, just above breakdown", (bv, vb) => -(bv - 2 * vb)],
    ["breakdown onset", (bv, vb) => -(bv + 0.5 * vb)],
    ["breakdown", (bv, vb) => -(bv + 12 * vb)],
    ["deep breakdown (> exp threshold)", (bv, vb) => -(bv + 95 * vb)],
  ];
  for (const [mname, model, area, m, temp] of models) {
    const jp = junctionAt(model, area * m, temp, m);
    for (const [rname, vdOf] of regions) {
      it(`${mname}, ${rname}: current = grad of the co-content, stamp = linearization, with and without RS`, () => {
        const vd = vdOf(jp.bv, jp.vtebrk);
        checkReciprocal([new Diode("d1", 1, 2, 1, jp, 0)], Float64Array.from([0, 0.3 + vd, 0.3]), `${mname} ${rname}`);
        checkReciprocal([new Diode("d2", 1, 0, 1, jp, 0)], Float64Array.from([0, vd]), `${mname} ${rname} grounded`);
        const s = { i: 0, g: 0 };
        junctionCurrent(jp, vd, s);
        const vs = Math.max(-0.5, Math.min(0.5, (1.3 * (s.i + 1e-12 * vd)) / 0.1));
        checkReciprocal([new Diode("d3", 1, 2, 3, jp, 0.1)], Float64Array.from([0, -0.2 + vd + vs, -0.2, -0.2 + vd]), `${mname} ${rname} RS`);
      });
    }
  }
  it("carries m IBV at -BV(T) (to ngspice's iteration tolerance, reltol m IBV) and follows IS exp(-(xbv + v) / (NBV Vt)) below -xbv", () => {
    const s = { i: 0, g: 0 };
    for (const [mname, model, area, m, temp] of models.slice(0, 2)) {
      for (const reltol of [1e-3, 1e-9]) {
        const jp = junctionAt(model, area * m, temp, m, reltol);
        const tbv = model.bv - model.tcv * (temp - model.tnom);
        junctionCurrent(jp, -tbv, s);
        // ngspice matches IS (exp((BV - xbv) / (NBV Vt)) - 1 + xbv / Vt) to m IBV; the law itself lacks the last terms
        const cbv = m * model.ibv - jp.isat * (jp.bv / thermalVoltage(temp) - 1);
        expectClose(-s.i, cbv, 1.01 * reltol, 0, `${mname} at -BV(T), reltol ${reltol}`);
        junctionCurrent(jp, -jp.bv - 0.3, s);
        expectClose(s.i, -jp.isat * Math.exp(0.3 / jp.vtebrk), 1e-13, 0, `${mname} below -xbv`);
        expect(jp.vtebrk).toBeCloseTo((model.nbv ?? model.n) * thermalVoltage(temp), 15);
      }
    }
    const low = junctionAt(models[2][1], 1, 27);
    expect(low.bv).toBe(5);
  });
  it("the current changes by less than 1e-6 IS across -xbv, and without BV nothing breaks down", () => {
    const s = { i: 0, g: 0 };
    const jp = junctionAt(models[0][1], 1, 27, 1);
    junctionCurrent(jp, -jp.bv * (1 + 1e-12), s);
    const below = s.i;
    junctionCurrent(jp, -jp.bv * (1 - 1e-12), s);
    expect(Math.abs(s.i - below)).toBeLessThan(1e-6 * jp.isat);
    const none = junctionAt(DIODE_DEFAULTS, 1, 27);
    expect(none.bv).toBe(Infinity);
    junctionCurrent(none, -100, s);
    expectClose(s.i, -1e-14, 1e-6, 0, "no BV: reverse leakage at -100 V");
  });
});

describe("diode temperature model (ngspice diotemp.c) at 75 C", () => {
  const T = 75 + 273.15;
  const Tnom = 27 + 273.15;
  const vt = (CONSTboltz * T) / CHARGE;
  it("Vt = k T / q", () => {
    expect(vt).toBeCloseTo(0.03000123556902172, 15);
    expectClose(thermalVoltage(75), vt, 1e-15, 0, "Vt(75 C)");
    expectClose(thermalVoltage(27), 0.025864917007157463, 1e-15, 0, "Vt(27 C)");
  });
  it("IS(T) = IS exp((T/Tnom - 1) EG / (N Vt) + XTI/N ln(T/Tnom)), times area; N Vt", () => {
    const cases: Array<[Partial<DiodeModelParams>, number, number]> = [
      // model, area, IS(75 C) computed offline from the closed form
      [{}, 1, 5.793176858130736e-12],
      [{ is: 4.352e-9, n: 1.906 }, 1, 1.2254002568865642e-7],
      [{ is: 3e-10, n: 1.5 }, 2, 2 * 2.0848066299541612e-8],
    ];
    for (const [m, area, expected] of cases) {
      const model = { ...DIODE_DEFAULTS, ...m };
      const closed = model.is * area * Math.exp(((T / Tnom - 1) * model.eg) / (model.n * vt) + (model.xti / model.n) * Math.log(T / Tnom));
      const jp = junctionAt(model, area, 75);
      expectClose(closed, expected, 1e-12, 0, "closed form");
      expectClose(jp.isat, closed, 1e-12, 0, `IS(75 C) for ${JSON.stringify(m)}`);
      expectClose(jp.vte, model.n * vt, 1e-15, 0, "N Vt");
      // SPICE's critical voltage: N Vt ln(N Vt / (sqrt(2) IS))
      expectClose(jp.vcrit, model.n * vt * Math.log((model.n * vt) / (Math.SQRT2 * closed)), 1e-12, 0, "vcrit");
    }
  });
  it("at TNOM the model is unchanged; TNOM moves the reference", () => {
    expectClose(junctionAt(DIODE_DEFAULTS, 1, 27).isat, 1e-14, 1e-15, 0, "IS at TNOM");
    expectClose(junctionAt({ ...DIODE_DEFAULTS, tnom: 75 }, 1, 75).isat, 1e-14, 1e-15, 0, "IS at TNOM=75");
  });
});

// ---------------------------------------------------------------- non-reciprocal devices

describe("non-reciprocal devices: MNA residual = KCL currents and branch laws", () => {
  /**
   * Nodes 1..4 free; branch unknowns after them. At a random point (V, x),
   * the node rows of A x - b must equal addCurrents and each branch row the
   * device's own law.
   */
  function check(build: (k0: number) => { devs: Device[]; branches: number; law: (V: Float64Array, x: Float64Array) => number[] }, seed: number): void {
    const rand = rng(seed);
    const nNodes = 5;
    const nFree = nNodes - 1;
    for (let t = 0; t < 10; t++) {
      const { devs, branches, law } = build(nFree);
      const V = new Float64Array(nNodes);
      for (let k = 1; k < nNodes; k++) V[k] = 10 * rand() - 5;
      const x = new Float64Array(nFree + branches);
      for (let k = 1; k < nNodes; k++) x[k - 1] = V[k];
      for (let j = 0; j < branches; j++) x[nFree + j] = (rand() - 0.5) * 1e-2;
      const mna = new Mna(devs, freeLayout(nNodes), branches, V, new Float64Array(nNodes), x);
      mna.load();
      const r = mna.residual(x);
      const I = currents(devs, V, x, nNodes);
      for (let k = 1; k < nNodes; k++) expectClose(r[k - 1], I[k], 1e-12, 1e-12, `KCL row of node ${k}`);
      const laws = law(V, x);
      for (let j = 0; j < branches; j++) expectClose(r[nFree + j], laws[j], 1e-12, 1e-12, `branch row ${j}`);
    }
  }

  it("E (VCVS): V(a) - V(b) = gain (V(c) - V(d))", () => {
    check((k0) => {
      const e = new Vcvs("e1", 1, 2, 3, 4, 2.5);
      e.k = k0;
      return { devs: [e], branches: 1, law: (V) => [V[1] - V[2] - 2.5 * (V[3] - V[4])] };
    }, 11);
  });
  it("E referenced to ground", () => {
    check((k0) => {
      const e = new Vcvs("e1", 1, 0, 3, 0, -4);
      e.k = k0;
      return { devs: [e, new Resistor("r", 2, 4, 1e-3)], branches: 1, law: (V) => [V[1] + 4 * V[3]] };
    }, 12);
  });
  it("G (VCCS): gm (V(c) - V(d)) leaves a, enters b", () => {
    check(() => ({ devs: [new Vccs("g1", 1, 2, 3, 4, 1e-3)], branches: 0, law: () => [] }), 13);
    const out = new Float64Array(5);
    new Vccs("g1", 1, 2, 3, 4, 1e-3).addCurrents(Float64Array.from([0, 0, 0, 2, 1]), new Float64Array(4), -1, out);
    expect(out[1]).toBeCloseTo(1e-3, 15);
    expect(out[2]).toBeCloseTo(-1e-3, 15);
  });
  it("floating V: V(a) - V(b) = v, its branch current enters KCL", () => {
    check((k0) => {
      const v = new VoltageSource("v1", 1, 2, dc(1.7));
      v.k = k0;
      return { devs: [v, new Resistor("r", 2, 3, 2e-3)], branches: 1, law: (V) => [V[1] - V[2] - 1.7] };
    }, 14);
  });
  it("F (CCCS): gain I(Vctrl) leaves a, enters b", () => {
    check((k0) => {
      const v = new VoltageSource("vc", 3, 4, dc(0.5));
      v.k = k0;
      const f = new Cccs("f1", 1, 2, "vc", 3, HERE);
      f.kctrl = k0;
      return { devs: [v, f], branches: 1, law: (V) => [V[3] - V[4] - 0.5] };
    }, 15);
  });
  it("H (CCVS): V(a) - V(b) = r I(Vctrl)", () => {
    check((k0) => {
      const v = new VoltageSource("vc", 3, 0, dc(-1));
      v.k = k0;
      const h = new Ccvs("h1", 1, 2, "vc", 750, HERE);
      h.k = k0 + 1;
      h.kctrl = k0;
      return { devs: [v, h, new Resistor("r", 2, 4, 1e-3)], branches: 2, law: (V, x) => [V[3] + 1, V[1] - V[2] - 750 * x[k0]] };
    }, 16);
  });

  it("a built circuit with fixed nodes: residual of every device = KCL, branch rows = laws", () => {
    const text = [
      "mixed",
      "V1 in 0 DC 2",
      "V2 ref in DC 0.5",
      "R1 in a 1k",
      "R2 a b 2k",
      "E1 c 0 a ref 3",
      "R3 c d 1k",
      "G1 d 0 in b 1m",
      "R4 d 0 4k",
      "Vm b e DC 0.25",
      "R5 e 0 1k",
      "F1 0 a vm 2",
      "H1 h 0 vm 500",
      "R6 h 0 1k",
      "I1 0 a 1m",
      "D1 a 0 dd",
      ".model dd D(RS=5)",
    ].join("\n");
    const c: Circuit = loadCircuitFromText(text, "mixed.cir");
    expect(c.symmetric).toBe(false);
    expect([...c.branchNames].sort()).toEqual(["e1", "h1", "vm"]);
    const rand = rng(17);
    const nNodes = c.nodeNames.length;
    for (let t = 0; t < 5; t++) {
      const V = new Float64Array(nNodes);
      const Vk = new Float64Array(nNodes);
      applyFixed(c, V, Vk, "dc", 0, 1);
      const x = new Float64Array(c.n);
      for (let i = 0; i < c.nFree; i++) V[c.nodeOfUnknown[i]] = x[i] = 4 * rand() - 2;
      for (let i = c.nFree; i < c.n; i++) x[i] = (rand() - 0.5) * 1e-2;
      const mna = new Mna(c.devices, c.unknownOfNode, c.n - c.nFree, V, Vk, x, c.options.gmin);
      mna.load();
      const r = mna.residual(x);
      const I = currents(c.devices, V, x, nNodes);
      const scale = Math.max(...Array.from(I, Math.abs));
      // Nonlinear devices stamp their linearization at the (limited) point; this
      // point is reached after the limiter lets go, so the residual is exact.
      for (let i = 0; i < c.nFree; i++) expectClose(r[i], I[c.nodeOfUnknown[i]], 1e-9, 1e-12 * scale, `KCL at ${c.nodeNames[c.nodeOfUnknown[i]]}`);
      const node = (n: string) => V[c.nodeIndex.get(n)!];
      const br = (n: string) => x[c.nFree + c.branchNames.indexOf(n)];
      const law: Record<string, number> = {
        e1: node("c") - 3 * (node("a") - node("ref")),
        vm: node("b") - node("e") - 0.25,
        h1: node("h") - 500 * br("vm"),
      };
      c.branchNames.forEach((n, j) => expectClose(r[c.nFree + j], law[n], 1e-9, 1e-12, `branch ${n}`));
    }
  });
});

describe("resistor bank currents after setup", () => {
  it("crossbar blocks, sparse runs and resistors between fixed nodes give i = g (Va - Vb), edge by edge", () => {
    // A 20-30-4 layered network (dense crossbar blocks from the inputs) plus a
    // resistor between two input sources and one from an input to ground.
    const net = buildLayered({ layers: [20, 30, 4], seed: 5 }).text.replace(/\.end\n$/, "RXX x0p x1n 3k\nRXG x2p 0 7k\n.end\n");
    const c = loadCircuitFromText(net, "bank.cir");
    const engine = new Engine(c); // setup classifies the bank's resistors
    const bank = c.resistors!;
    const rand = rng(3);
    const V = new Float64Array(c.nodeNames.length);
    for (let k = 1; k < V.length; k++) V[k] = 2 * rand() - 1;
    const got = new Float64Array(V.length);
    bank.addCurrents(V, new Float64Array(c.n), 0, got);
    const want = new Float64Array(V.length);
    for (let e = 0; e < bank.size; e++) {
      const i = bank.g[e] * (V[bank.na[e]] - V[bank.nb[e]]);
      want[bank.na[e]] += i;
      want[bank.nb[e]] -= i;
    }
    const scale = Math.max(...Array.from(want, Math.abs));
    for (let k = 0; k < V.length; k++) expectClose(got[k], want[k], 1e-12, 1e-15 * scale, `current at ${c.nodeNames[k]}`);
    expect(engine.sys.n).toBe(c.n);
  });
});
