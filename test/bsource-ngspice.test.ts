/**
 * Behavioural sources (B) against a live ngspice 39 (skipped, with one
 * visible warning, when ngspice is missing): decks written for this test,
 * solved by both simulators with tight tolerances, every node voltage and
 * V-source current compared; then a transient of a time-dependent source.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import { loadCircuit, transient } from "../src/api.js";
import { againstInterpolated, ngspiceDecks, TIGHT } from "./helpers/ngspice-compare.js";
import { describeNgspice, itNgspice, runNgspiceTran } from "./helpers/ngspice.js";

const { dir, worst, compare, compareDc, compareAc } = ngspiceDecks("bsource-ngspice");

describeNgspice("B sources at the operating point against ngspice", () => {
  itNgspice("diode-like I=1e-12*(exp(v(a)/0.025)-1) behind a resistor, at several supplies", () => {
    for (const vin of [0.3, 0.6, 1, 2]) {
      const v = compare(`diode-${vin}`, ["b diode", TIGHT, `V1 in 0 ${vin}`, "R1 in a 1k", "B1 a 0 I=1e-12*(exp(v(a)/0.025)-1)"]);
      expect(v.a).toBeGreaterThan(0);
      expect(v.a).toBeLessThan(vin);
    }
  });

  itNgspice("pwl(): inside the table, below and above it (linear extension), as I= and V=, with negative points", () => {
    for (const vin of [-3, -0.2, 0.3, 0.7, 2.5]) {
      compare(`pwl-${vin}`, ["b pwl", TIGHT, `V1 1 0 ${vin}`, "R1 1 0 1k", "B1 2 0 V=pwl(v(1), -1, -0.5, 0, 0, 0.5, 2, 1, 1)", "R2 2 0 1k",
        "B2 3 0 I=pwl(v(3), -1, -1m, 0, 0, 1, 2m) + 1m*v(1)", "R3 3 0 1k"]);
    }
  });
  itNgspice("multiplier V=v(a)*v(b) into a load, and a divider V=v(a)/v(b)", () => {
    for (const [va, vb] of [[0.5, 2], [-1.5, 0.7], [3, -3]]) {
      const v = compare(`mult-${va}-${vb}`, ["b mult", TIGHT, `VA a 0 ${va}`, `VB b 0 ${vb}`, "B1 o 0 V=v(a)*v(b)", "RL o 0 1k", "B2 q 0 V=v(a)/v(b)", "RQ q 0 2k"]);
      expect(v.o).toBeCloseTo(va * vb, 12);
      expect(v.q).toBeCloseTo(va / vb, 12);
    }
  });

  itNgspice("current-controlled B using i(vsense): a floating output V source and a current-mirror-like I= source", () => {
    compare("cc", ["b current controlled", TIGHT, "V1 in 0 5", "R1 in s 2k", "Vsense s m 0", "R2 m 0 3k",
      "B1 o 0 V=1000*i(vsense)+0.1*i(vsense)*i(vsense)*1e6", "RL o 0 1k",
      "B2 0 p I=2*i(vsense)", "RP p 0 500"]);
  });

  itNgspice("F, H and a B's i() controlled by a V= B source's and an E's branch current (ngspice 39 accepts both as controls)", () => {
    compare("b-controls", ["b as a control", TIGHT, "V1 a 0 1", "E1 e 0 a 0 2", "R4 e 0 1k", "B2 f 0 V=v(a)*3", "R5 f 0 2k",
      "F1 0 g E1 2", "R6 g 0 1k", "F2 0 h B2 2", "R7 h 0 1k", "H1 k 0 B2 500", "R8 k 0 1k", "B3 0 m I=i(E1)*4", "R9 m 0 1k"]);
  });
  itNgspice("a soft limiter V=tanh(...) driving a resistor chain, at inputs from small to saturating", () => {
    for (const vin of [-3, -0.2, 0.05, 0.5, 4]) {
      compare(`tanh-${vin}`, ["b limiter", TIGHT, `V1 in 0 ${vin}`, "R1 in a 1k", "R2 a 0 1k", "B1 o 0 V=2.5*tanh(v(a)/0.4)", "R3 o x 1k", "R4 x 0 3k",
        "B2 0 y I=1m*tanh(v(x)/0.3)", "R5 y 0 1k"]);
    }
  });

  itNgspice("a B with .param and .func (a quadratic law with a threshold)", () => {
    compare("param-func", ["b param func", TIGHT, ".param k=2m vt=0.7 rl=1k", ".func sq(x) = {x*x}", ".func law(vg) = {k/2*sq(max(vg-vt, 0))}",
      "V1 g 0 1.5", "VDD dd 0 5", "RD dd d {rl}", "B1 d 0 I=law(v(g))*(1+0.02*v(d))", "B2 o 0 V={k*1000}*v(d)-pwr(v(g)-2,3)+pow(v(g),2)", "R2 o 0 1k"]);
  });

  itNgspice("braces inside a quoted B expression are blanks, as ngspice's inp_modify_exp makes them (memristor.sp's `? {f1(v(a)-v(b))} : 0`)", () => {
    for (const vin of [-2, 0.3, 2]) {
      compare(`braces-${vin}`, ["b braces", TIGHT, ".param g0=1m", ".func f1(y)={2*y+0.5*(abs(y+1)-abs(y-1))}", `V1 a 0 ${vin}`, "R1 a b 1k", "R2 b 0 1k",
        "B1 0 o I='(f1(v(a)-v(b)) > 0) ? {g0*f1(v(a)-v(b))} : {g0}*v(b)'", "R3 o 0 1k", "B2 p 0 V={2*g0}*v(a)+{v(b)}", "R4 p 0 1k"]);
    }
  });

  itNgspice("braces and quotes on a B line are blanks, not parentheses, as ngspice reads them: `V={1+k}*v(a)` is 1 + k*v(a)", () => {
    const v = compare("braces-blank", ["b braces blank", TIGHT, ".param k=2", "V1 a 0 3", "B1 o 0 V={1+k}*v(a)", "R1 o 0 1k", "B2 p 0 V='{1+k}*v(a)'", "R2 p 0 1k",
      "B3 q 0 V={1+k*v(a)}*2", "R3 q 0 1k", "B4 r 0 V='1+k'*v(a)", "R4 r 0 1k", "B5 u 0 I={1+k}*v(a)*1m", "R5 u 0 1k"]);
    // the closed forms of ngspice's reading (with parentheses o would be 9, q 14, r 9 and u -9)
    expect([v.o, v.p, v.q, v.r, v.u]).toEqual([7, 7, 13, 7, -1006].map((x) => expect.closeTo(x, 9)));
  });

  itNgspice("a behavioural op-amp V=1e5*(v(p)-v(n)) with feedback resistors (inverting and non-inverting)", () => {
    compare("opamp-inv", ["b opamp", TIGHT, "V1 in 0 0.3", "R1 in n 1k", "R2 n o 10k", "B1 o 0 V=1e5*(v(0)-v(n))", "RL o 0 2k"]);
    compare("opamp-noninv", ["b opamp2", TIGHT, "V1 p 0 0.25", "R1 n 0 1k", "R2 n o 3k", "B1 o 0 V=1e5*(v(p)-v(n))", "RL o 0 2k"]);
    compare("opamp-floating", ["b opamp3", TIGHT, "V1 p 0 0.25", "R1 n 0 1k", "R2 n o 3k", "B1 o r V=1e5*v(p,n)", "RL o r 2k", "R3 r 0 1k", "V2 r2 0 0.1", "R4 r2 r 1k"]);
  });

  itNgspice("a ternary comparator and u()/uramp()/min/max with hysteresis-free switching", () => {
    for (const vin of [0.2, 0.9, 1.5, 3]) {
      compare(`cmp-${vin}`, ["b comparator", TIGHT, `V1 in 0 ${vin}`, "R1 in a 1k", "R2 a 0 1k",
        "B1 o 0 V=v(a) > 0.6 ? 3.3 : 0.1", "R3 o 0 1k",
        "B2 q 0 V=u(v(a)-0.5)*2 + uramp(v(a)-0.3) + min(v(a), 0.4) + max(v(a)*2, 1) + (v(a) >= 0.45 && v(a) < 1 ? 1 : 0)", "R4 q 0 1k",
        "B3 0 r I=1m*(v(a) < 0.7 ? v(a)^2 : 2*v(a) - 0.49)", "R5 r 0 1k"]);
    }
  });

  itNgspice("power and precedence as ngspice reads them: ^ and ** left-associative, |x|^y, pwr, -x^2", () => {
    compare("powers", ["b powers", TIGHT, "V1 a 0 -1.5", "R1 a 0 1k",
      "B1 o1 0 V=v(a)^3 + 2^3^2/100 - v(a)**2", "R2 o1 0 1k",
      "B2 o2 0 V=-v(a)^2 + pwr(v(a), 1.5) + pow(v(a), 2.5)", "R3 o2 0 1k",
      "B3 o3 0 V=1 < 2 == 1 + (3 > 2) * 2 + !(v(a) < 0)*10", "R4 o3 0 1k"]);
  });
});

describeNgspice("ddt() outside a transient against ngspice: 0 at the operating point, in .dc and in .ac", () => {
  // ngspice's PTddt is 0 outside MODETRAN and its derivative the constant 0 (inpptree.c): v(o) = 3 v(a).
  const deck = (v1: string) => ["b ddt", `V1 in 0 ${v1}`, "R1 in a 1k", "R2 a 0 1k", "B1 o 0 V=3*v(a) + 1e3*ddt(v(a))", "RL o 0 1k", "B2 q 0 I=1m*ddt(v(o)) + v(a)*1m", "RQ q 0 2k"];
  itNgspice("operating point", () => {
    const v = compare("ddt-op", [...deck("2"), TIGHT]);
    expect(v.o).toBeCloseTo(3, 12);
    expect(v.q).toBeCloseTo(-2, 12);
  });
  itNgspice(".dc sweep and .ac", () => {
    compareDc("ddt-dc", deck("2"), "V1 -1 1 0.25");
    compareAc("ddt-ac", deck("dc 2 ac 1"), "dec 2 1 1meg");
  });
  itNgspice("a transient refuses it, naming the source", () => {
    const c = loadCircuit(path.join(dir, "ddt-op.cir"));
    expect(() => transient(c, { tstop: 1e-3, tstep: 1e-5 })).toThrow(/b1: ddt\(\) in a B source is modelled at the operating point, in \.dc and in \.ac .* not in a transient/);
  });
});

const BEHAVIOURAL_CL = [
  "b behavioural C and L",
  "V1 a 0 dc 2 pulse(0 2 0 1u 1u 5u 20u)",
  "R1 a b 1k",
  "C1 b 0 C = {1n + 0.5n*V(b)}",
  "R2 b c 1k",
  "L1 c 0 L = {1m*(1+0.1*v(c))}",
  "R3 a d 2k",
  "C2 d 0 q={1n*v(d) + 0.1n*v(d)*v(d)}",
  "R4 d 0 3k",
];

describeNgspice("B sources in a transient against ngspice", () => {
  itNgspice("capacitors and inductors whose value reads v() (C=, Q=, L=), rewritten to E/G/F + C/L + B as ngspice 39 does: op and transient", () => {
    // at the operating point: the same nodes (the rewrite's internal c1_int1, c2_int1, l1_int2 included) and currents
    const v = compare("behavioural-cl", [...BEHAVIOURAL_CL, TIGHT]);
    expect(v.b).toBeCloseTo(1, 12); // C open, L a short
    const f = path.join(dir, "behavioural-cl-tran.cir");
    writeFileSync(f, [...BEHAVIOURAL_CL, ".options reltol=1e-6", ".tran 10n 20u", ".end", ""].join("\n"));
    const tmax = 10e-9;
    const ng = runNgspiceTran(f, { tstep: 10e-9, tstop: 20e-6, tmax, nodes: ["b", "c", "d"] });
    const eq = transient(loadCircuit(f), { integrator: "trap", tmax });
    let w = 0;
    for (const node of ["b", "c", "d"]) w = Math.max(w, againstInterpolated(eq.time, eq.nodes[node], ng.time, ng.nodes[node]));
    worst.set("behavioural C/L (tran)", w);
    expect(w).toBeLessThanOrEqual(1e-3);
    // the nonlinear C and L do act: v(c) rings negative after the edges, v(d) charges through C(v)
    expect(Math.min(...eq.nodes.c)).toBeLessThan(-0.3);
  });

  itNgspice("V=sin(2*pi*1k*time) into an RC, equal TMAX in both simulators", () => {
    const f = path.join(dir, "sin-rc.cir");
    writeFileSync(f, ["b sin rc", ".options reltol=1e-6", "B1 in 0 V=sin(2*pi*1k*time)", "R1 in o 1k", "C1 o 0 100n", "B2 q 0 V=v(o)*v(o) + 0.5*time*1k", "R2 q 0 1k", ".tran 10u 2m", ".end", ""].join("\n"));
    const tmax = 2e-6;
    const ng = runNgspiceTran(f, { tstep: 10e-6, tstop: 2e-3, tmax, nodes: ["in", "o", "q"] });
    const eq = transient(loadCircuit(f), { integrator: "trap", tmax });
    let w = 0;
    for (const node of ["in", "o", "q"]) w = Math.max(w, againstInterpolated(eq.time, eq.nodes[node], ng.time, ng.nodes[node]));
    worst.set("sin-rc (tran)", w);
    expect(w).toBeLessThanOrEqual(1e-3);
    // the source does follow time: a quarter period in, v(in) = 1
    const k = eq.time.findIndex((t) => Math.abs(t - 0.25e-3) < 1e-9);
    expect(eq.nodes.in[k]).toBeCloseTo(1, 9);
  });
});
