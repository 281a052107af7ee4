/**
 * SPICE2 POLY(n) controlled sources E, G, F, H (devices/controlled/poly.ts)
 * and E/G VALUE= (a B source): the term order and the stamps against
 * closed forms and finite differences, then live ngspice 39 (skipped, with
 * one visible warning, when it is missing): each kind with POLY(1), POLY(2)
 * with cross terms and POLY(3) at the operating point; a uA741-style Boyle
 * macromodel (E POLY(2), F POLY(5), G, H, diodes, BJTs) in .op, .dc, .ac and
 * .tran; bad lines as NetlistErrors at file:line:col.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { acSweep, dcSweep, loadCircuit, loadCircuitFromText, opFromFile, transient } from "../src/api.js";
import { PolySource, evalPoly, polyExponents } from "../src/devices/controlled/poly.js";
import type { AcLoadContext, Device, LoadContext, ResolveContext, SetupContext, VoltageBranch } from "../src/devices/types.js";
import { NetlistError } from "../src/util/errors.js";
import { againstInterpolated, ngspiceDecks, TIGHT } from "./helpers/ngspice-compare.js";
import { describeNgspice, itNgspice, runNgspiceAc, runNgspiceDc, runNgspiceOp, runNgspiceTran } from "./helpers/ngspice.js";
import { checkStamp } from "./helpers/stamp-check.js";

const { dir, worst, compare } = ngspiceDecks("poly");

describe("SPICE2 term order", () => {
  it("n = 1: x, x^2, x^3, ...; n = 2 and n = 3 as SPICE 2G6's NXTPWR (degree by degree, decreasing lexicographic)", () => {
    expect(Array.from(polyExponents(1, 4))).toEqual([1, 2, 3, 4]);
    // n = 2: x1, x2, x1^2, x1 x2, x2^2, x1^3, x1^2 x2, x1 x2^2, x2^3
    expect(Array.from(polyExponents(2, 9))).toEqual([1, 0, 0, 1, 2, 0, 1, 1, 0, 2, 3, 0, 2, 1, 1, 2, 0, 3]);
    // n = 3: x1, x2, x3, x1^2, x1 x2, x1 x3, x2^2, x2 x3, x3^2, x1^3, x1^2 x2
    expect(Array.from(polyExponents(3, 11))).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1, 2, 0, 0, 1, 1, 0, 1, 0, 1, 0, 2, 0, 0, 1, 1, 0, 0, 2, 3, 0, 0, 2, 1, 0]);
  });

  it("value and partials of a POLY(2) against the polynomial written out", () => {
    const p = Float64Array.from([0.5, 1, -2, 3, 0.7, -1.1, 0.3]);
    const x = Float64Array.from([1.3, -0.4]);
    const out = new Float64Array(3);
    evalPoly(p, polyExponents(2, 6), x, out);
    const [a, b] = x;
    expect(out[0]).toBeCloseTo(0.5 + a - 2 * b + 3 * a * a + 0.7 * a * b - 1.1 * b * b + 0.3 * a ** 3, 13);
    expect(out[1]).toBeCloseTo(1 + 6 * a + 0.7 * b + 0.9 * a * a, 13);
    expect(out[2]).toBeCloseTo(-2 + 0.7 * a - 2.2 * b, 13);
    // at x = 0: only p0 and the linear partials (no 0^0 trouble)
    evalPoly(p, polyExponents(2, 6), new Float64Array(2), out);
    expect(Array.from(out)).toEqual([0.5, 1, -2]);
  });
});

/**
 * A fake MNA of nodes 1..nn (rows 0..nn-1) and branch unknowns nn..nn+nb-1,
 * trash row nn+nb: the device's DC and AC stamps at unknowns x against
 * central differences of the residual R(x) (KCL currents leaving each node;
 * on a voltage branch's row V(a) - V(b) - f), and its companion model
 * against R(x) itself (A x - b = R).
 */
function checkBranchStamp(dev: Device, nn: number, nb: number, x0: number[], residual: (x: number[]) => number[]): void {
  const n = nn + nb;
  const trash = n;
  const setup: SetupContext = {
    row: (node) => (node === 0 ? trash : node - 1),
    entry: (r, c) => (r === trash || c === trash ? 0 : 1 + r * (n + 1) + c),
    branch: () => 0,
  };
  dev.setup(setup);
  const mk = (): LoadContext => {
    const V = new Float64Array(nn + 1);
    for (let i = 1; i <= nn; i++) V[i] = x0[i - 1];
    return { mode: "dc", A: new Float64Array(1 + (n + 1) * (n + 1)), b: new Float64Array(n + 1), V, Vk: new Float64Array(nn + 1), x: Float64Array.from([...x0, 0]), time: -1, srcScale: 1, gmin: 1e-12, initJunctions: false, noncon: false, integ: null };
  };
  // the input limiting (ngspice's, limitInputs) moves the controls a step per load from 0: let it reach x0
  for (let k = 0; k < 200; k++) {
    const c = mk();
    dev.load(c);
    if (!c.noncon) break;
  }
  const ctx = mk();
  dev.load(ctx);
  expect(ctx.noncon, "the limiter has reached the controls").toBe(false);
  const J = (r: number, c: number) => ctx.A[1 + r * (n + 1) + c];
  const R0 = residual(x0);
  const scale = Math.max(1, ...R0.map(Math.abs));
  for (let c = 0; c < n; c++) {
    const h = 1e-6 * Math.max(1, Math.abs(x0[c]));
    const up = x0.slice();
    const dn = x0.slice();
    up[c] += h;
    dn[c] -= h;
    const ru = residual(up);
    const rd = residual(dn);
    for (let r = 0; r < n; r++) {
      const d = (ru[r] - rd[r]) / (2 * h);
      expect(Math.abs(J(r, c) - d), `dR(${r})/dx(${c}): stamp ${J(r, c)} fd ${d}`).toBeLessThanOrEqual(1e-7 * Math.max(1, Math.abs(d)));
    }
  }
  for (let r = 0; r < n; r++) {
    let lin = -ctx.b[r];
    for (let c = 0; c < n; c++) lin += J(r, c) * x0[c];
    expect(Math.abs(lin - R0[r]), `R(${r}): companion ${lin} law ${R0[r]}`).toBeLessThanOrEqual(1e-12 * scale);
  }
  // AC: the same Jacobian, no constant on the right-hand side
  const g = mk();
  const cc = mk();
  dev.acLoad!({ g, c: cc } satisfies AcLoadContext);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) expect(g.A[1 + r * (n + 1) + c], `AC (${r}, ${c})`).toBe(J(r, c));
    expect(g.b[r], `AC rhs ${r}`).toBe(0);
  }
  expect(cc.A.every((v) => v === 0)).toBe(true);
}

/** A ResolveContext whose voltage branches `names` have branch unknowns `ks`. */
function branchesAt(names: string[], ks: number[]): ResolveContext {
  const dev = (k: number): VoltageBranch => ({ name: "v", linear: true, symmetric: false, nodes: [0, 0], definesVoltage: true, k, setup() {}, load() {}, addCurrents() {} });
  return { node: () => undefined, device: (nm) => (names.includes(nm) ? dev(ks[names.indexOf(nm)]) : undefined), readCurrent() {}, claim: () => true };
}

describe("POLY stamps against finite differences", () => {
  // POLY(2) p0..p7: p0 + p1 x1 + p2 x2 + p3 x1^2 + p4 x1 x2 + p5 x2^2 + p6 x1^3 + p7 x1^2 x2
  const P = [0.2, 1.5, -0.8, 0.6, -1.2, 0.9, 0.15, -0.4];
  const f2 = (x1: number, x2: number) => P[0] + P[1] * x1 + P[2] * x2 + P[3] * x1 * x1 + P[4] * x1 * x2 + P[5] * x2 * x2 + P[6] * x1 ** 3 + P[7] * x1 * x1 * x2;

  it("G POLY(2): current f(V(3)-V(4), V(2)-V(0)) from node 1 to node 2 (checkStamp)", () => {
    const dev = new PolySource("g1", "i", 1, 2, [3, 4, 2, 0], null, P);
    expect(dev.linear).toBe(false);
    const volts = [0, 0.4, -0.7, 1.3, 0.25];
    checkStamp(dev, 4, volts, (v) => {
      const i = f2(v[3] - v[4], v[2]);
      return [0, i, -i, 0, 0];
    });
  });

  it("E POLY(2): branch 4 (unknown 3), V(1) - V(2) = f(V(2)-V(3), V(3)-V(0))", () => {
    const dev = new PolySource("e1", "v", 1, 2, [2, 3, 3, 0], null, P);
    dev.k = 3;
    const x0 = [0.9, -0.3, 0.55, 2e-3];
    checkBranchStamp(dev, 3, 1, x0, (x) => {
      const [v1, v2, v3, ik] = x;
      return [ik, -ik, 0, v1 - v2 - f2(v2 - v3, v3)];
    });
  });

  it("F POLY(2): current f(I(va), I(vb)) from node 1 to node 2, controls at unknowns 2 and 3", () => {
    const dev = new PolySource("f1", "i", 1, 2, null, ["va", "vb"], P);
    dev.resolve(branchesAt(["va", "vb"], [2, 3]));
    const x0 = [0.3, -0.6, 1.7e-3, -0.8];
    checkBranchStamp(dev, 2, 2, x0, (x) => {
      const i = f2(x[2], x[3]);
      return [i, -i, 0, 0];
    });
  });

  it("H POLY(3) with 10 coefficients: branch at unknown 2, controls at unknowns 3 and 4 (the second read twice)", () => {
    const Q = [0.1, 2, -1, 0.5, 0.3, -0.2, 0.7, 1.1, -0.9, 0.4];
    // p4 x1^2 + p5 x1 x2 + p6 x1 x3 + p7 x2^2 + p8 x2 x3 + p9 x3^2
    const f3 = (a: number, b: number, c: number) => Q[0] + Q[1] * a + Q[2] * b + Q[3] * c + Q[4] * a * a + Q[5] * a * b + Q[6] * a * c + Q[7] * b * b + Q[8] * b * c + Q[9] * c * c;
    const dev = new PolySource("h1", "v", 1, 0, null, ["va", "vb", "vb"], Q);
    dev.k = 2;
    dev.resolve(branchesAt(["va", "vb"], [3, 4]));
    const x0 = [1.2, -0.4, 3e-3, 0.35, -1.3];
    checkBranchStamp(dev, 2, 3, x0, (x) => {
      const [v1, , ik, ia, ib] = x;
      return [ik, 0, v1 - f3(ia, ib, ib), 0, 0];
    });
  });

  it("a lone p0 is a constant; every POLY is loaded at each iteration (ngspice's is an XSPICE instance, its inputs limited)", () => {
    for (const coefs of [[0.1, 2, 3], [0.1, 2, 3, 0, 1e-9]]) expect(new PolySource("g1", "i", 1, 0, [2, 0, 3, 0], null, coefs).linear).toBe(false);
    const c = new PolySource("g1", "i", 1, 0, [2, 0], null, [7]);
    checkStamp(c, 2, [0, 0.3, 0.8], () => [0, 7, 0]);
  });

  it("input limiting as mifload.c's: 0 at INITJCT, then at most max(0.25 |last|, 0.1) per load, a held-back step marks noncon", () => {
    // G = u^2 with u = V(2) = 5 V: the stamp's conductance 2 u shows the control it was linearized at
    const g = new PolySource("g1", "i", 1, 0, [2, 0], null, [0, 0, 1]);
    const setup: SetupContext = { row: (node) => (node === 0 ? 9 : node - 1), entry: (r, c) => (r === 9 || c === 9 ? 0 : 1 + r * 3 + c), branch: () => 0 };
    g.setup(setup);
    const used: number[] = [];
    const flags: boolean[] = [];
    for (let k = 0; k < 12; k++) {
      const V = Float64Array.from([0, 0, 5]);
      const ctx: LoadContext = { mode: "dc", A: new Float64Array(10), b: new Float64Array(3), V, Vk: new Float64Array(3), x: Float64Array.from([0, 5]), time: -1, srcScale: 1, srcMode: "dc", srcTime: -1, gmin: 1e-12, initJunctions: k === 0, noncon: false, integ: null };
      g.load(ctx);
      used.push(ctx.A[1 + 0 * 3 + 1] / 2); // d(u^2)/du / 2 = u, row of node 1, column of node 2
      flags.push(ctx.noncon);
    }
    const expected = [0];
    for (let k = 1; k < 12; k++) expected.push(Math.min(5, expected[k - 1] + Math.max(0.25 * expected[k - 1], 0.1)));
    used.forEach((u, k) => expect(u, `load ${k}`).toBeCloseTo(expected[k], 12));
    expect(flags.slice(1)).toEqual(expected.slice(1).map((u) => u < 5));
  });
});

/** Write deck `lines` and return its path. */
function deck(name: string, lines: string[]): string {
  const f = path.join(dir, `${name}.cir`);
  writeFileSync(f, [...lines, ".end", ""].join("\n"));
  return f;
}

describeNgspice("POLY sources at the operating point against ngspice", () => {
  // a divider gives controls that are unknowns (x) and fixed nodes (V sources); sense sources give currents
  const base = [TIGHT, "V1 in 0 2", "R1 in x 1k", "R2 x 0 2k", "V2 y 0 -0.7", "R3 y z 500", "Vs1 z w 0", "R4 w 0 1.5k", "Vs2 x u 0", "R5 u 0 3k"];

  itNgspice("E, G, F, H with POLY(1): a cubic, a lone p0, fewer coefficients, `POLY (1)` with spaces and `POLY 1`", () => {
    compare("poly1", ["poly1", ...base,
      "E1 e1 0 POLY(1) x 0 0.1 2 -0.5 0.25", "RE1 e1 0 1k",
      "E2 e2 0 POLY(1) x y 3", "RE2 e2 0 1k",
      "G1 g1 0 POLY (1) x 0 1m 2m 0.5m", "RG1 g1 0 1k",
      "G2 0 g2 POLY 1 in x 0 1m", "RG2 g2 0 1k",
      "F1 f1 0 POLY(1) Vs1 1e-4 -20 3e3", "RF1 f1 0 1k",
      "H1 h1 0 POLY(1) Vs2 0.5 1k 1e5 1e7", "RH1 h1 0 1k"]);
  });

  itNgspice("E, G, F, H with POLY(2) and cross terms (to degree 3), pairs written (x,0) (y,0)", () => {
    const c2 = "0.1 1 -2 0.3 0.4 -0.5 0.06 0.07 -0.08 0.09";
    compare("poly2", ["poly2", ...base,
      `E1 e1 0 POLY(2) (x,0) (y,0) ${c2}`, "RE1 e1 0 1k",
      "E2 e2 x POLY(2) in x z 0 0 1 1 0 2", "RE2 e2 0 1k",
      `G1 g1 0 POLY(2) x 0 z y ${c2.split(" ").map((v) => `${v}m`).join(" ")}`, "RG1 g1 0 1k",
      "F1 f1 0 POLY(2) Vs1 Vs2 0 2 -3 1e3 -2e3 4e3", "RF1 f1 0 1k",
      "H1 h1 0 POLY(2) Vs1 Vs2 0.2 1k -2k 1e5 3e5 -2e5 1e7", "RH1 h1 0 1k"]);
  });

  itNgspice("E, G, F, H with POLY(3): every term to degree 3 with distinct coefficients", () => {
    const c3 = Array.from({ length: 20 }, (_, j) => ((j % 2 ? -1 : 1) * (j + 1) * 0.05).toFixed(2)).join(" ");
    compare("poly3", ["poly3", ...base, "V3 t 0 0.4",
      `E1 e1 0 POLY(3) x 0 y 0 t 0 ${c3}`, "RE1 e1 0 1k",
      `G1 0 g1 POLY(3) x y z 0 in x ${c3}`, "RG1 g1 0 1",
      `F1 f1 0 POLY(3) Vs1 Vs2 V2 ${c3}`, "RF1 f1 0 1k",
      `H1 h1 0 POLY(3) Vs1 Vs2 V1 0 1k 2k 3k 1e5 2e5 -1e5 3e5 1e5 -4e5`, "RH1 h1 0 1k"]);
  });

  itNgspice("nonlinear feedback (Newton iterates): a G POLY reading its own node, an E POLY in a loop, a chain E -> F -> H", () => {
    compare("poly-loop", ["poly loop", TIGHT, "I1 0 a 1m", "G1 a 0 POLY(1) a 0 0 1m 0.5m 0.1m", "R1 a 0 10k",
      "V1 in 0 1", "R2 in n 1k", "E1 o 0 POLY(1) n 0 0 -3 0 -0.2", "R3 n o 2k", "RL o 0 1k",
      "E2 e2 0 POLY(1) o 0 0 1 0.1", "Vm e2 m 0", "RM m 0 500", "F1 f 0 POLY(1) Vm 0 10 100", "RF f 0 100",
      "H1 h 0 Vm 1k", "RH h 0 1k"]);
  });

  itNgspice("coefficients from .param and {expressions}, POLY inside a subcircuit with a parameter, controls through ports", () => {
    compare("poly-params", ["poly params", TIGHT, ".param k1=2 k2={k1/4}", "V1 in 0 1.5", "R1 in a 1k", "R2 a 0 1k",
      ".subckt sq p o params: g=1", "Vsense p q 0", "Rq q 0 1k", "E1 o 0 POLY(1) p 0 0 {g} {g*g/10}", "H1 h 0 POLY(1) Vsense 0 1k", "Rh h 0 1k", ".ends",
      "X1 a b sq g=3", "RB b 0 1k", "G1 0 c POLY(2) a 0 b 0 0 k2 {k1*1m} 1m", "RC c 0 1k"]);
  });

  itNgspice(".dc and .ac of the POLY(2) sources: V1 swept through both signs, then AC from V1 and V2 (the partials at the operating point)", () => {
    const lines = ["poly2 sweep", TIGHT, "V1 in 0 2 AC 1", "R1 in x 1k", "R2 x 0 2k", "V2 y 0 -0.7 AC 0.5 30", "R3 y z 500", "Vs1 z w 0", "R4 w 0 1.5k", "Vs2 x u 0", "R5 u 0 3k",
      "C1 x 0 1u", "E1 e1 0 POLY(2) x 0 y 0 0.1 1 -2 0.3 0.4 -0.5 0.06", "RE1 e1 0 1k",
      "G1 g1 0 POLY(2) x 0 z y 0 1m 2m 0.3m -0.4m 0.5m", "RG1 g1 0 1k", "CG g1 0 10n",
      "F1 f1 0 POLY(2) Vs1 Vs2 0 2 -3 1e3 -2e3 4e3", "RF1 f1 0 1k",
      "H1 h1 0 POLY(2) Vs1 Vs2 0.2 1k -2k 1e5 3e5 -2e5", "RH1 h1 0 1k"];
    compareDc("poly2-dc", lines, "V1 -3 3 0.25");
    compareAc("poly2-ac", lines, "dec 5 10 1meg");
  });

  itNgspice("VALUE= on E and G (ngspice 39 makes them B sources): V={...}, spaced `VALUE = {...}`, i(E) of a VALUE source read by F", () => {
    const f = deck("value", ["value", TIGHT, "V1 in 0 2", "R1 in a 1k", "R2 a 0 3k",
      "E1 e 0 value={V(a)*V(a)/2 + 0.1}", "RE e 0 1k",
      "E2 e2 a VALUE = {2*V(in,a)}", "RE2 e2 0 2k",
      "G1 0 g value={1m*tanh(V(a))}", "RG g 0 1k",
      "F1 f 0 E1 3", "RF f 0 1k"]);
    const ng = runNgspiceOp(f);
    const eq = opFromFile(f);
    let w = 0;
    for (const n of Object.keys(eq.nodes)) {
      const dv = Math.abs(eq.nodes[n] - ng.nodes[n]);
      w = Math.max(w, dv);
      expect(dv, `v(${n}) eqspice ${eq.nodes[n]} ngspice ${ng.nodes[n]}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(ng.nodes[n])));
    }
    // ngspice's extra nodes are its internal ones (e1_int1: the B source behind E)
    expect(Object.keys(ng.nodes).filter((n) => n !== "0" && !(n in eq.nodes) && !/_int\d+$/.test(n))).toEqual([]);
    expect(Math.abs(eq.branches.e1 - ng.branches.e1)).toBeLessThanOrEqual(1e-15);
    worst.set("value", w);
  });

  itNgspice("ngspice's POLY is an XSPICE instance whose inputs mifload.c limits: the same Newton iterations as ngspice at default tolerances, and its answer", () => {
    // a POLY(2) reading the +-5 V supplies: its inputs start at 0 (INITJCT) and grow by at most max(25%, 0.1 V)
    // per iteration, each held-back step a non-converged iterate; without it eqspice stopped after 13 iterations, ngspice after 18
    const f = deck("limited", ["poly input limiting", "V1 vp 0 5", "V2 vn 0 -5", "Vin in 0 0.7", "R1 in b 2k", "Q1 c b e qn", "Rc vp c 10k",
      "Re e vn 10k", "EREF 98 0 POLY(2) vp 0 vn 0 0 0.5 0.5", "R98 98 0 1k", "D1 c 98 dm", ".model qn npn(is=1e-16 bf=100 vaf=50)", ".model dm d(is=1e-14)"]);
    const ng = runNgspiceOp(f);
    const eq = opFromFile(f);
    expect(ng.iterations).toBe(18);
    expect(eq.iterations).toBe(ng.iterations);
    for (const n of Object.keys(eq.nodes)) expect(Math.abs(eq.nodes[n] - ng.nodes[n]), `v(${n})`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(ng.nodes[n])));
  });

  itNgspice("PSpice's `VALUE {...}` without '=', E's VOL= and G's CUR= (quoted and braced), and the VCVS/VCCS keywords: as ngspice 39 reads them", () => {
    const f = deck("value-forms", ["value forms", TIGHT, "V1 in 0 2", "R1 in a 1k", "R2 a 0 3k",
      "E1 e 0 VALUE { V(a)*V(a)/2 + 0.1 }", "RE e 0 1k",
      "E2 e2 0 vol='3*V(a) - 1'", "RE2 e2 0 2k",
      "G1 0 g cur = {1m*tanh(V(a))}", "RG g 0 1k",
      "E3 e3 0 VCVS a 0 2.5", "RE3 e3 0 1k",
      "G2 0 g2 VCCS in a 2m", "RG2 g2 0 1k"]);
    const ng = runNgspiceOp(f);
    const eq = opFromFile(f);
    for (const n of ["a", "e", "e2", "g", "e3", "g2"]) {
      expect(Math.abs(eq.nodes[n] - ng.nodes[n]), `v(${n}) eqspice ${eq.nodes[n]} ngspice ${ng.nodes[n]}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(ng.nodes[n])));
    }
    expect(eq.nodes.e3).toBeCloseTo(2.5 * 1.5, 12);
    expect(Math.abs(eq.branches.e2 - ng.branches.e2)).toBeLessThanOrEqual(1e-15);
  });
});

/** A uA741-style macromodel (Boyle et al. 1974 structure as in vendors' SPICE libraries): ports +in -in V+ V- out. */
const UA741 = [
  ".subckt ua741 1 2 3 4 5",
  "c1 11 12 8.661E-12", "c2 6 7 30.00E-12",
  "dc 5 53 dx", "de 54 5 dx", "dlp 90 91 dx", "dln 92 90 dx", "dp 4 3 dx",
  "egnd 99 0 poly(2) (3,0) (4,0) 0 .5 .5",
  "fb 7 99 poly(5) vb vc ve vlp vln 0 10.61E6 -10E6 10E6 10E6 -10E6",
  "ga 6 0 11 12 188.5E-6", "gcm 0 6 10 99 5.961E-9",
  "iee 10 4 dc 15.16E-6", "hlim 90 0 vlim 1K",
  "q1 11 2 13 qx", "q2 12 1 14 qx",
  "r2 6 9 100.0E3", "rc1 3 11 5.305E3", "rc2 3 12 5.305E3", "re1 13 10 1.836E3", "re2 14 10 1.836E3",
  "ree 10 99 13.19E6", "ro1 8 5 50", "ro2 7 99 100", "rp 3 4 18.16E3",
  "vb 9 0 dc 0", "vc 3 53 dc 1", "ve 54 4 dc 1", "vlim 7 8 dc 0", "vlp 91 0 dc 40", "vln 0 92 dc 40",
  ".model dx D(Is=800.0E-18 Rs=1)", ".model qx NPN(Is=800.0E-18 Bf=93.75)",
  ".ends",
];
/** An inverting amplifier (gain -10) on asymmetric supplies (EGND's midpoint is not ground). */
const INVERTING = ["ua741 inverting", ...UA741, TIGHT, "VCC vcc 0 12", "VEE vee 0 -15", "VIN in 0 dc 0.3 ac 1", "R1 in n 10k", "R2 n out 100k", "RL out 0 2k", "X1 0 n vcc vee out ua741"];

describeNgspice("a uA741-style macromodel (E POLY(2), F POLY(5)) against ngspice", () => {
  itNgspice(".op: an inverting amplifier in its linear range and a comparator driven into the output limit", () => {
    const v = compare("ua741-op", INVERTING);
    expect(v.out).toBeCloseTo(-3, 1);
    // open loop: the output clamps near the supply through FB's POLY(5) and the limit diodes
    const s = compare("ua741-sat", ["ua741 open loop", ...UA741, TIGHT, "VCC vcc 0 12", "VEE vee 0 -15", "VP p 0 0.1", "RL out 0 2k", "X1 p 0 vcc vee out ua741"]);
    expect(s.out).toBeGreaterThan(9);
  });

  itNgspice(".dc: the inverting amplifier's input swept through both output limits (reltol 1e-8, compared to 1e-8 relative: see DC_DECK)", () => {
    const eq = compareDc("ua741-dc", DC_DECK, "VIN -2.5 2.5 0.05", 1e-8);
    // both limits reached: the output spans more than +-10 V
    expect(Math.min(...eq.nodes.out)).toBeLessThan(-10);
    expect(Math.max(...eq.nodes.out)).toBeGreaterThan(10);
  }, 30_000);

  itNgspice(".ac: the inverting amplifier's closed-loop response, 1 Hz to 10 MHz, phasors to 1e-6 relative", () => {
    const eq = compareAc("ua741-ac", INVERTING, "dec 10 1 10meg");
    // the closed-loop gain at 1 Hz is -R2/R1 = -10 (to the open-loop gain's share)
    expect(eq.nodes.out.re[0]).toBeCloseTo(-10, 2);
  }, 30_000);

  itNgspice(".tran: a follower slewing on a 2 V pulse, equal TMAX in both simulators", () => {
    const f = deck("ua741-tran", ["ua741 follower", ...UA741, ".options reltol=1e-6", "VCC vcc 0 15", "VEE vee 0 -15",
      "VIN in 0 PULSE(-1 1 2u 0.1u 0.1u 20u 40u)", "RL out 0 2k", "X1 in out vcc vee out ua741", ".tran 0.1u 30u"]);
    const tmax = 20e-9;
    const ng = runNgspiceTran(f, { tstep: 0.1e-6, tstop: 30e-6, tmax, nodes: ["out"] });
    const eq = transient(loadCircuit(f), { integrator: "trap", tmax });
    const w = againstInterpolated(eq.time, eq.nodes.out, ng.time, ng.nodes.out);
    worst.set("ua741-tran", w);
    // ngspice runs the POLY sources as XSPICE models and so cuts TRTOL to 1 ("Reducing trtol to 1 for xspice 'A' devices"): its steps differ below TMAX
    expect(w).toBeLessThanOrEqual(2e-4);
    // slew-rate limited (about 0.5 V/us) and settled at the input's 1 V
    const at = (t: number) => eq.nodes.out[eq.time.findIndex((u) => u >= t)];
    expect(at(2.1e-6 + 2e-6)).toBeLessThan(0.5);
    expect(at(20e-6)).toBeCloseTo(1, 3);
  }, 60_000);
});

/**
 * The DC sweep's deck: TIGHT but reltol 1e-8. At reltol 1e-10 eqspice's
 * Newton stalls at VIN = 1.45 V, where the output reaches its clamp (DE on),
 * with |dV| ~ 2e-12 V at the gain node x1.6 (above vntol + reltol |V|); the
 * same deck with EGND as a B source and FB as five linear F sources stalls
 * in the same place, so it is not the POLY sources.
 */
const DC_DECK = INVERTING.map((l) => (l === TIGHT ? ".options reltol=1e-8 vntol=1e-12 abstol=1e-15" : l));

/**
 * Sweep deck `lines` with `.dc ${args}` in both simulators: every node at
 * every point to `vtol` (relative above 1 V). Returns eqspice's sweep.
 */
function compareDc(name: string, lines: string[], args: string, vtol = 1e-9): ReturnType<typeof dcSweep> {
  const f = deck(name, lines);
  const ng = runNgspiceDc(f, args);
  const eq = dcSweep(deck(`${name}-eq`, [...lines, `.dc ${args}`]));
  expect(eq.stats.points).toBe(ng.sweep.length);
  let w = 0;
  for (const n of Object.keys(eq.nodes)) {
    for (let p = 0; p < ng.sweep.length; p++) {
      const dv = Math.abs(eq.nodes[n][p] - ng.nodes[n][p]);
      w = Math.max(w, dv);
      expect(dv, `${name}: v(${n}) at ${ng.sweep[p]}: eqspice ${eq.nodes[n][p]} ngspice ${ng.nodes[n][p]}`).toBeLessThanOrEqual(vtol * Math.max(1, Math.abs(ng.nodes[n][p])));
    }
  }
  worst.set(`${name} (dc)`, w);
  return eq;
}

/** `.ac ${args}` of deck `lines` in both simulators: every node phasor to `rel` (plus 1e-9 V). Returns eqspice's. */
function compareAc(name: string, lines: string[], args: string, rel = 1e-6): ReturnType<typeof acSweep> {
  const f = deck(name, lines);
  const ng = runNgspiceAc(f, args);
  const eq = acSweep(deck(`${name}-eq`, [...lines, `.ac ${args}`]));
  expect(eq.frequencies.length).toBe(ng.freq.length);
  let w = 0;
  for (const [n, ph] of Object.entries(ng.nodes)) {
    const a = eq.nodes[n];
    expect(a, `${name}: v(${n}) missing`).toBeDefined();
    for (let k = 0; k < ng.freq.length; k++) {
      const d = Math.hypot(a.re[k] - ph.re[k], a.im[k] - ph.im[k]);
      const m = Math.hypot(ph.re[k], ph.im[k]);
      w = Math.max(w, d / (m + 1e-9));
      expect(d, `${name}: v(${n}) at ${ng.freq[k]} Hz: eqspice ${a.re[k]}+j${a.im[k]}, ngspice ${ph.re[k]}+j${ph.im[k]}`).toBeLessThanOrEqual(rel * m + 1e-9);
    }
  }
  worst.set(`${name} (ac, relative)`, w);
  return eq;
}

describe("bad POLY and VALUE= lines", () => {
  const bad = (line: string, re: RegExp) => {
    const text = `t\nV1 a 0 1\nR1 a 0 1k\nVs a b 0\nR2 b 0 1k\n${line}\nRo o 0 1k\n.op\n.end\n`;
    let err: unknown;
    try {
      loadCircuitFromText(text, "bad.cir");
    } catch (e) {
      err = e;
    }
    expect(err, line).toBeInstanceOf(NetlistError);
    expect((err as Error).message, line).toMatch(re);
  };

  it("a POLY(2) with one controlling pair, missing coefficients, no controls at all", () => {
    bad("E1 o 0 POLY(2) a 0 1 2", /^bad\.cir:6:22: e1: POLY\(2\) needs 4 controlling nodes \(2 pairs\) and at least one coefficient, got 4 values/);
    bad("G1 o 0 POLY(1) a 0", /^bad\.cir:6:18: g1: POLY\(1\) needs 2 controlling nodes \(1 pair\) and at least one coefficient, got 2 values/);
    bad("F1 o 0 POLY(2) Vs V1", /^bad\.cir:6:19: f1: POLY\(2\) needs 2 controlling voltage sources and at least one coefficient, got 2 values/);
    bad("H1 o 0 POLY(1)", /^bad\.cir:6:13: h1: POLY\(1\) needs 1 controlling voltage source and at least one coefficient, got 0 values/);
  });

  it("a dimension that is not a positive integer: 1.5, 0, x, none", () => {
    bad("E1 o 0 POLY(1.5) a 0 0 1", /^bad\.cir:6:13: e1: the POLY dimension must be a positive integer, got '1\.5'/);
    bad("G1 o 0 POLY(0) a 0 0 1", /^bad\.cir:6:13: g1: the POLY dimension must be a positive integer, got '0'/);
    bad("F1 o 0 POLY(x) Vs 0 1", /^bad\.cir:6:13: f1: the POLY dimension must be a positive integer, got 'x'/);
    bad("E1 o 0 POLY() a 0 0 1", /^bad\.cir:6:13: e1: POLY needs its dimension/);
    bad("E1 o 0 POLY(1 a 0 0 1", /^bad\.cir:6:15: e1: expected '\)' after POLY\(1/);
  });

  it("m= (ngspice 39 fails on it), an expression where a node belongs, a bad coefficient, an unknown control", () => {
    bad("G1 o 0 POLY(1) a 0 0 1m m=2", /^bad\.cir:6:25: g1: a POLY source takes no name=value parameters, got 'm='/);
    bad("E1 o 0 POLY(1) {a} 0 0 1", /^bad\.cir:6:16: e1: expected a node name for POLY\(1\), found 'a'/);
    bad("E1 o 0 POLY(1) a 0 0 {2*}", /^bad\.cir:6:\d+: .*e1 POLY coefficient p1/);
    bad("E1 o 0 POLY(1) a 0 0 {nope}", /^bad\.cir:6:\d+: .*nope/);
    bad("F1 o 0 POLY(2) Vs Vx 0 1 1", /^bad\.cir:6:19: f1: unknown controlling source 'vx'/);
    bad("H1 o 0 POLY(1) R1 0 1", /^bad\.cir:6:16: h1: controlling element 'r1' must be a voltage source/);
  });

  it("VALUE= with no expression, an unknown node in it, a parameter after it", () => {
    bad("E1 o 0 VALUE=", /^bad\.cir:6:8: e1: 'VALUE=' has no value/);
    bad("G1 o 0 VALUE={V(nope)*2}", /^bad\.cir:6:\d+: g1: v\(nope\): no node 'nope' in the circuit/);
    bad("E1 o 0 VALUE={V(a)} tc1=1", /^bad\.cir:6:21: e1: VALUE= takes only its expression, got 'tc1='/);
    bad("E1 o 0 VOL=", /^bad\.cir:6:8: e1: 'VOL=' has no value/);
    bad("G1 o 0 CUR={V(a)} m=2", /^bad\.cir:6:19: g1: CUR= takes only its expression, got 'm='/);
    // VOL= is E's and CUR= G's: the other one is not an expression keyword
    bad("G1 o 0 VOL={V(a)}", /^bad\.cir:6:\d+: g1: /);
    // VCVS with a field too many is not the keyword form
    bad("E1 o 0 VCVS a 0 2 3", /^bad\.cir:6:\d+: e1: /);
  });
});
