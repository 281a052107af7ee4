/**
 * `.nodeset` against a live ngspice 39 (skipped, with one visible warning,
 * when ngspice is missing), every deck at tight tolerances, every node
 * voltage and V-source current compared:
 *  - a cross-coupled BJT latch and a CMOS (level 1) SRAM cell: `.nodeset`
 *    picks each of the two states, as ngspice's; without it, the state
 *    ngspice reports (the symmetric, metastable one);
 *  - a nodeset on a node of a linear circuit changes nothing;
 *  - in a subcircuit: `.nodeset v(x1.node)` at the top and `.nodeset` inside
 *    the `.subckt` (written into every instance);
 *  - the first point of a `.dc` sweep and the operating point a `.tran`
 *    starts from (with an `.ic` on the same node: the `.ic` wins);
 *  - bad input: an unknown node, no value, a malformed value, v(a,b), `all=`,
 *    as NetlistErrors at file:line:col.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { dcSweep, loadCircuit, loadCircuitFromText, transient } from "../src/api.js";
import { netlistErrorCheck } from "./helpers/netlist-errors.js";
import { TIGHT, ngspiceDecks } from "./helpers/ngspice-compare.js";
import { describeNgspice, itNgspice, runNgspiceDc, runNgspiceTran } from "./helpers/ngspice.js";

const { dir, worst, compare } = ngspiceDecks("nodeset");

/** Two BJT inverters in a ring through 10k base resistors: c1 low or c2 low, or the symmetric point. */
const BJT_LATCH = [
  "bjt latch",
  TIGHT,
  "VCC vcc 0 5",
  "RC1 vcc c1 1k",
  "RC2 vcc c2 1k",
  "RB1 c1 b2 10k",
  "RB2 c2 b1 10k",
  "Q1 c1 b1 0 QN",
  "Q2 c2 b2 0 QN",
  ".model QN NPN(IS=1e-14 BF=100)",
  ".op",
];

/** Two CMOS inverters, each one's output the other's input (a 6T cell without its access transistors). */
const SRAM = [
  "sram cell",
  TIGHT,
  "VDD vdd 0 3.3",
  "MP1 q qb vdd vdd PM W=2u L=1u",
  "MN1 q qb 0 0 NM W=1u L=1u",
  "MP2 qb q vdd vdd PM W=2u L=1u",
  "MN2 qb q 0 0 NM W=1u L=1u",
  ".model NM NMOS LEVEL=1 VTO=0.7 KP=100u LAMBDA=0.02",
  ".model PM PMOS LEVEL=1 VTO=-0.7 KP=50u LAMBDA=0.02",
  ".op",
];

describeNgspice(".nodeset picks the state of a multistable circuit, as ngspice 39", () => {
  itNgspice("a BJT latch: each state by a nodeset on one or both collectors (commas, spaces, case), the symmetric point without", () => {
    const low1 = compare("bjt-c1-low", [...BJT_LATCH, ".nodeset V(C1) = 0.1, v(c2)=5"]);
    expect(low1.c1).toBeLessThan(0.2);
    expect(low1.c2).toBeGreaterThan(4);
    const low2 = compare("bjt-c2-low", [...BJT_LATCH, ".nodeset v(c2)=0.1"]);
    expect(low2.c2).toBeLessThan(0.2);
    expect(low2.c1).toBeGreaterThan(4);
    // the last entry of a node wins (ngspice: c1 high)
    const last = compare("bjt-last-wins", [...BJT_LATCH, ".nodeset v(c1)=0.1 v(c1)=4.6"]);
    expect(last.c1).toBeGreaterThan(4);
    const none = compare("bjt-none", BJT_LATCH);
    expect(Math.abs(none.c1 - none.c2)).toBeLessThan(1e-9);
  });

  itNgspice("a CMOS SRAM cell (level 1): q = 0 and q = VDD by nodesets given as {expressions} and parameters", () => {
    const zero = compare("sram-q0", [...SRAM, ".param vdd=3.3", ".nodeset v(q)={0} v(qb)={vdd}"]);
    expect(zero.q).toBeLessThan(1e-3);
    expect(zero.qb).toBeGreaterThan(3.29);
    const one = compare("sram-q1", [...SRAM, ".nodeset v(q)='3.3'"]);
    expect(one.q).toBeGreaterThan(3.29);
    compare("sram-none", SRAM);
  });

  itNgspice("a nodeset on a node of a linear circuit (and on a node a source fixes) changes nothing", () => {
    const lines = ["divider", TIGHT, "V1 a 0 10", "R1 a b 1k", "R2 b c 2k", "R3 c 0 3k", "I1 0 c 1m", ".op"];
    const plain = compare("linear-plain", lines);
    const set = compare("linear-nodeset", [...lines, ".nodeset v(b)=-7 v(c)=100 v(a)=3"]);
    for (const n of ["a", "b", "c"]) expect(Math.abs(set[n] - plain[n])).toBeLessThan(1e-12);
  });

  itNgspice("in subcircuits: v(x1.c1) at the top level, and a .nodeset inside the .subckt for every instance", () => {
    const sub = [
      ".subckt latch vcc q qb",
      "RC1 vcc c1 1k",
      "RC2 vcc c2 1k",
      "RB1 c1 b2 10k",
      "RB2 c2 b1 10k",
      "Q1 c1 b1 0 QN",
      "Q2 c2 b2 0 QN",
      "Rq c1 q 1",
      "Rqb c2 qb 1",
    ];
    const top = ["VCC vcc 0 5", "X1 vcc q1 qb1 latch", "X2 vcc q2 qb2 latch", ".model QN NPN(IS=1e-14 BF=100)", ".op"];
    const a = compare("sub-top", ["latches", TIGHT, ...sub, ".ends", ...top, ".nodeset v(x1.c1)=0.1 v(x2.c2)=0.1"]);
    expect(a.q1).toBeLessThan(0.2);
    expect(a.qb2).toBeLessThan(0.2);
    const b = compare("sub-inside", ["latches", TIGHT, ...sub, ".nodeset v(c2)=0.1", ".ends", ...top]);
    expect(b.qb1).toBeLessThan(0.2);
    expect(b.qb2).toBeLessThan(0.2);
  });

  itNgspice("the first point of a .dc sweep starts from the nodesets; the next points from the last answer", () => {
    const f = path.join(dir, "dc.cir");
    writeFileSync(f, [...BJT_LATCH.filter((l) => l !== ".op"), ".nodeset v(c1)=0.1", ".dc VCC 5 3 -0.5", ".end", ""].join("\n"));
    const ng = runNgspiceDc(f, "VCC 5 3 -0.5");
    const eq = dcSweep(f);
    expect(eq.stats.points).toBe(ng.sweep.length);
    let w = 0;
    for (const n of ["c1", "c2", "b1", "b2"]) for (let p = 0; p < ng.sweep.length; p++) w = Math.max(w, Math.abs(eq.nodes[n][p] - ng.nodes[n][p]));
    worst.set("dc", w);
    expect(eq.nodes.c1[0]).toBeLessThan(0.2);
    expect(w).toBeLessThan(1e-9);
  });

  itNgspice("the operating point a .tran starts from: the nodeset's state; with an .ic on the same node, the .ic's", () => {
    const run = (name: string, extra: string[]) => {
      const f = path.join(dir, `${name}.cir`);
      writeFileSync(f, [...BJT_LATCH.filter((l) => l !== ".op"), "C1 c1 0 1p", "C2 c2 0 1p", ...extra, ".tran 1n 10n", ".end", ""].join("\n"));
      const eq = transient(loadCircuit(f), { integrator: "trap" });
      const ng = runNgspiceTran(f, { tstep: 1e-9, tstop: 10e-9, nodes: ["c1", "c2"] });
      expect(ng.time[0]).toBe(0);
      const w = Math.max(Math.abs(eq.nodes.c1[0] - ng.nodes.c1[0]), Math.abs(eq.nodes.c2[0] - ng.nodes.c2[0]));
      worst.set(name, w);
      expect(w).toBeLessThan(1e-9);
      return eq.nodes.c1[0];
    };
    expect(run("tran-nodeset", [".nodeset v(c1)=0.1"])).toBeLessThan(0.2);
    // .ic v(c1)=4.6 holds c1 during the solve (its state is then c1 high), the nodeset on c1 gives way
    expect(run("tran-ic-wins", [".nodeset v(c1)=0.1 v(c2)=5", ".ic v(c1)=4.6"])).toBeCloseTo(4.6, 6);
  });
});

describe(".nodeset: bad input", () => {
  const FILE = "ns.cir";
  const expectNetlistError = netlistErrorCheck(FILE);
  const load = (...lines: string[]) => () => loadCircuitFromText(["* nodeset", "V1 a 0 1", "R1 a b 1k", "R2 b 0 1k", ...lines, ".end"].join("\n") + "\n", FILE);

  it("reads entries, commas between them or not, into the circuit's nodesets", () => {
    const c = load(".nodeset v(b)=0.3, v(a)=2 v(b)={0.1*2}")();
    expect([...c.nodesets].map(([k, v]) => [c.nodeNames[k], v])).toEqual([["b", 0.2], ["a", 2]]);
  });

  it("an unknown node (also inside a subcircuit instance), ground, no value, a malformed value, v(a,b), all=", () => {
    expectNetlistError(load(".nodeset v(b)=1 v(zz)=0.1"), 5, 19, /\.nodeset names unknown node 'zz'/);
    expectNetlistError(load(".subckt s p", "R1 p q 1k", ".nodeset v(qq)=1", ".ends", "X1 b s"), 7, 12, /unknown node 'x1\.qq'/);
    expectNetlistError(load(".nodeset v(0)=1"), 5, 12, /ground/);
    expectNetlistError(load(".nodeset v(b)="), 5, 14, /v\(b\)= has no value/);
    expectNetlistError(load(".nodeset v(b)=abc"), 5, 15, /abc/);
    expectNetlistError(load(".nodeset v(b,0)=1"), 5, 13, /v\(a,b\)/);
    expectNetlistError(load(".nodeset b=1"), 5, 10, /expects entries like v\(node\)=value/);
    expectNetlistError(load(".nodeset all=0.5"), 5, 10, /all=value .* not supported/);
    expectNetlistError(load(".nodeset"), 5, 1, /expects entries/);
  });
});
