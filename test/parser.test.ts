/**
 * What the netlist reader accepts: numbers with engineering suffixes,
 * comments and continuations, the title line, `.end`, `.control` blocks,
 * subcircuits with parameters and their flattened names, `.include`.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseNetlist, parseNetlistFile, topElementNames } from "../src/netlist/parser.js";
import { allElementSpecs, elaborate, type ElementSpec } from "../src/netlist/elaborate.js";
import { parseSpiceNumber } from "../src/netlist/numbers.js";
import { loadCircuit, loadCircuitFromText } from "../src/api.js";
import { operatingPoint } from "../src/analysis/op.js";

const FIX = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");

/** Elaborate netlist text; returns the elements by name. */
function elements(text: string): Map<string, ElementSpec> {
  const el = elaborate(parseNetlist(text, "t.cir"));
  return new Map(allElementSpecs(el).map((e) => [e.name, e]));
}

function ohms(text: string, name: string): number {
  const e = elements(text).get(name);
  if (!e || e.type !== "r") throw new Error(`no resistor ${name}`);
  return e.ohms;
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-300);

describe("numbers", () => {
  const cases: Array<[string, number]> = [
    ["1f", 1e-15],
    ["1F", 1e-15],
    ["2p", 2e-12],
    ["2P", 2e-12],
    ["3n", 3e-9],
    ["3N", 3e-9],
    ["4u", 4e-6],
    ["4U", 4e-6],
    ["5m", 5e-3],
    ["5M", 5e-3], // M is milli in SPICE
    ["6k", 6e3],
    ["6K", 6e3],
    ["7meg", 7e6],
    ["7MEG", 7e6],
    ["7Meg", 7e6],
    ["8g", 8e9],
    ["8G", 8e9],
    ["9t", 9e12],
    ["9T", 9e12],
    ["10mil", 10 * 25.4e-6],
    ["10MIL", 10 * 25.4e-6],
    ["10kohm", 1e4],
    ["2.2kOhm", 2200],
    ["5V", 5],
    ["12volts", 12],
    ["1.5E6", 1.5e6],
    ["1e-3", 1e-3],
    [".5k", 500],
    ["-2.5m", -2.5e-3],
    ["+3", 3],
    ["1megohm", 1e6],
    ["3uF", 3e-6],
    ["2\u00b5", 2e-6], // the micro sign, as ngspice 39 reads it
    ["20\u00b5s", 20e-6],
  ];
  for (const [text, value] of cases) {
    it(`${text} = ${value}`, () => {
      expect(rel(parseSpiceNumber(text), value)).toBeLessThan(1e-15);
    });
  }
  it("rejects non-numbers", () => {
    for (const t of ["abc", "1.2.3", "5%", "", "k1", "--1"]) expect(parseSpiceNumber(t), t).toBeNaN();
  });
  it("suffixes also apply to element values in a netlist", () => {
    const els = elements("t\nV1 a 0 1\nR1 a 0 10kohm\nR2 a 0 1MEG\nR3 a 0 4.7K\nC1 a 0 10pF\n");
    expect((els.get("r1") as { ohms: number }).ohms).toBe(1e4);
    expect((els.get("r2") as { ohms: number }).ohms).toBe(1e6);
    expect(rel((els.get("r3") as { ohms: number }).ohms, 4700)).toBeLessThan(1e-15);
    expect(rel((els.get("c1") as { farads: number }).farads, 10e-12)).toBeLessThan(1e-15);
  });
  it("suffixes inside expressions", () => {
    expect(ohms("t\nV1 a 0 1\nR1 a 0 {2*1k + 500}\n", "r1")).toBe(2500);
    expect(ohms("t\n.param r0=1.5meg\nV1 a 0 1\nR1 a 0 {r0/3}\n", "r1")).toBeCloseTo(5e5, 6);
  });
});

describe("comments and continuations", () => {
  it("`;` and `$` inline comments", () => {
    const els = elements("t\nV1 a 0 DC 10 ; a comment 99\nR1 a b 1k $ R1 a b 2k\nR2 b 0 3k;no space needed\nR3 b 0 5k\t$ after a tab\n");
    expect((els.get("r1") as { ohms: number }).ohms).toBe(1000);
    expect((els.get("r2") as { ohms: number }).ohms).toBe(3000);
    expect((els.get("r3") as { ohms: number }).ohms).toBe(5000);
    expect((els.get("v1") as { source: { dc: number } }).source.dc).toBe(10);
  });
  it("`;` inside an expression is not a comment", () => {
    // (a `;` in braces is no comment; mathjs reads `a;b` as a statement list, so this is an expression error, not a truncation)
    expect(() => elements("t\nV1 a 0 1\nR1 a 0 {1k;2k}\n")).toThrow(/expression/);
  });
  it("`+` continuation, also after `*` comment lines and annotations", () => {
    const text = [
      "t",
      "V1 a 0",
      "* a comment between a card and its continuation",
      "+ DC",
      "*@train R1",
      "+ 5",
      "R1 a",
      "+ b",
      "+ 2k ; comment on a continuation",
      "R2 b 0 2k",
    ].join("\n");
    const els = elements(text);
    expect((els.get("v1") as { source: { dc: number } }).source.dc).toBe(5);
    expect(els.get("r1")).toMatchObject({ nodes: ["a", "b"], ohms: 2000 });
    const net = parseNetlist(text, "t.cir");
    expect(net.annotations.map((a) => a.kind)).toEqual(["train"]);
    const op = operatingPoint(loadCircuitFromText(text));
    expect(op.nodes.b).toBeCloseTo(2.5, 12);
  });
  it("the first line is the title, even when it looks like an element", () => {
    const net = parseNetlist("R1 a b 1k\nV1 a 0 1\nR2 a 0 1k\n", "t.cir");
    expect(net.title).toBe("R1 a b 1k");
    expect(topElementNames(net)).toEqual(["v1", "r2"]);
  });
  it("names are case-insensitive", () => {
    const op = operatingPoint(loadCircuitFromText("t\nV1 IN 0 4\nR1 In Mid 1k\nR2 mID 0 1K\n"));
    expect(op.nodes).toEqual({ in: 4, mid: 2 });
  });
});

describe("cards", () => {
  it("`.end` stops reading: nothing after it is parsed", () => {
    const net = parseNetlist("t\nV1 a 0 1\nR1 a 0 1k\n.END\nZ9 this is { not a netlist\n.bogus\n", "t.cir");
    expect(topElementNames(net)).toEqual(["v1", "r1"]);
  });
  it("`.control` blocks are skipped unread", () => {
    const text = "t\nV1 a 0 1\n.control\nset x = { oops\necho 'it's not netlist syntax\nop\n.endc\nR1 a 0 1k\n.end\n";
    const net = parseNetlist(text, "t.cir");
    expect(topElementNames(net)).toEqual(["v1", "r1"]);
  });
  it("output cards are ignored with a warning; .op is recorded", () => {
    const net = parseNetlist("t\nV1 a 0 1\nR1 a 0 1k\n.op\n.print dc v(a)\n.save all\n", "t.cir");
    expect(net.op).toBe(true);
    expect(net.warnings.join("\n")).toMatch(/\.print ignored/);
  });
  it(".options with defaults for what is not given", () => {
    const el = elaborate(parseNetlist("t\n.options reltol=1e-6 GMIN=1e-10\n.temp 50\nV1 a 0 1\nR1 a 0 1k\n", "t.cir"));
    expect(el.options).toEqual({ gmin: 1e-10, reltol: 1e-6, abstol: 1e-12, vntol: 1e-6, temp: 50, itl1: 100, cnode: 0, tnom: 27, scale: 1, method: "trap" });
    expect([...el.optionsGiven].sort()).toEqual(["gmin", "reltol", "temp"]);
  });
  it(".param with expressions and references, case-insensitive", () => {
    const el = elaborate(parseNetlist("t\n.param A=2 b={a*3}\n.param c = b + 1\nV1 x 0 {C}\nR1 x 0 1k\n", "t.cir"));
    expect(el.params.get("c")).toBe(7);
  });
});

describe("subcircuits", () => {
  const nested = [
    "Nested subcircuits",
    "V1 in 0 DC 8",
    "X1 in 0 outer",
    ".subckt outer a b",
    "R1 a m 1k",
    "X2 m b inner",
    "V9 m w 0",
    "Rw w b 1meg",
    ".ends outer",
    ".subckt inner p q",
    "R1 p n 1k",
    "R2 n q 2k",
    ".ends",
  ].join("\n");

  it("flattened names: nodes x1.x2.n, elements r.x1.x2.r1, sources v.x1.v9", () => {
    const els = elements(nested);
    expect([...els.keys()].sort()).toEqual(["r.x1.r1", "r.x1.rw", "r.x1.x2.r1", "r.x1.x2.r2", "v.x1.v9", "v1"].sort());
    expect(els.get("r.x1.x2.r1")!.nodes).toEqual(["x1.m", "x1.x2.n"]);
    expect(els.get("r.x1.x2.r2")!.nodes).toEqual(["x1.x2.n", "0"]);
    const op = operatingPoint(loadCircuitFromText(nested));
    expect(Object.keys(op.nodes).sort()).toEqual(["in", "x1.m", "x1.w", "x1.x2.n"]);
    expect(Object.keys(op.branches).sort()).toEqual(["v.x1.v9", "v1"]);
  });

  it("parameters: defaults, params:, overrides and expressions passed down", () => {
    const text = [
      "Subcircuit parameters",
      ".param rbase=1k",
      "V1 in 0 DC 1",
      "X1 in 0 div",
      "X2 in 0 div r=2k",
      "X3 in 0 div params: r={3*rbase}",
      "X4 in 0 pair rr=500",
      ".subckt div p q params: r=1k",
      "R1 p m {r}",
      "R2 m q {r*2}",
      ".ends",
      ".subckt pair p q rr=100",
      "Xa p q div r={rr*4}",
      ".ends",
    ].join("\n");
    const els = elements(text);
    expect((els.get("r.x1.r1") as { ohms: number }).ohms).toBe(1000);
    expect((els.get("r.x1.r2") as { ohms: number }).ohms).toBe(2000);
    expect((els.get("r.x2.r1") as { ohms: number }).ohms).toBe(2000);
    expect((els.get("r.x3.r2") as { ohms: number }).ohms).toBe(6000);
    expect((els.get("r.x4.xa.r1") as { ohms: number }).ohms).toBe(2000);
    expect(els.get("r.x4.xa.r1")!.nodes).toEqual(["in", "x4.xa.m"]);
  });

  it("a subcircuit may be used before its definition; ground stays global", () => {
    const els = elements("t\nV1 a 0 1\nX1 a s\n.subckt s p\nR1 p 0 1k\nR2 p gnd 1k\n.ends\n");
    expect(els.get("r.x1.r1")!.nodes).toEqual(["a", "0"]);
    expect(els.get("r.x1.r2")!.nodes).toEqual(["a", "0"]);
  });
});

describe(".include", () => {
  it("resolves relative to the including file, also nested", () => {
    const file = path.join(FIX, "include", "main.cir");
    const net = parseNetlistFile(file);
    expect(net.top.subckts.has("halver")).toBe(true);
    const op = operatingPoint(loadCircuit(file));
    // vin = 6 V over the cell's 1k into (its 1k to ground || the 3k load)
    const rp = 1 / (1 / 1000 + 1 / 3000);
    expect(op.nodes.out).toBeCloseTo((6 * rp) / (1000 + rp), 12);
  });
  it("works from a process cwd elsewhere (paths do not depend on cwd)", () => {
    const cwd = process.cwd();
    try {
      process.chdir(FIX);
      expect(() => loadCircuit(path.join("include", "main.cir"))).not.toThrow();
    } finally {
      process.chdir(cwd);
    }
  });
});

describe("issue 13: features that were silently ignored", () => {
  const op = (text: string) => operatingPoint(loadCircuitFromText(text, "t.cir"));
  it(".global: a subcircuit's node named there is the top-level node (closed form: 3 V through 1k, 1k to 1 V)", () => {
    const r = op("t\n.global vdd\nV1 vdd 0 3\nVb b 0 1\nX1 b s\n.subckt s p\nR1 vdd mid 1k\nR2 mid p 1k\n.ends\n");
    expect(r.nodes["x1.mid"]).toBeCloseTo(2, 12);
    expect(Object.keys(r.nodes)).not.toContain("x1.vdd");
  });
  it("tc1/tc2 at .temp (closed form R (1 + tc1 dT + tc2 dT^2)), with .options tnom and instance temp", () => {
    const r = op("t\nV1 a 0 5\nR1 a 0 1k tc1=0.01 tc2=1e-4\n.temp 127\n");
    expect(-r.branches.v1).toBeCloseTo(5 / (1000 * (1 + 0.01 * 100 + 1e-4 * 100 * 100)), 15);
    const r2 = op("t\nV1 a 0 5\nR1 a 0 1k tc=0.01\nR2 a 0 1k tc1=0.01 temp=37\n.options tnom=17\n.temp 27\n");
    expect(-r2.branches.v1).toBeCloseTo(5 / 1100 + 5 / 1200, 15);
  });
  it("m= on resistors, capacitors and diodes", () => {
    const el = elaborate(parseNetlist("t\n.model dd D\nV1 a 0 1\nR1 a 0 1k m=4\nC1 a 0 1n m=3\nD1 a 0 dd 2 m=5\n", "t.cir"));
    const by = new Map(allElementSpecs(el).map((s) => [s.name, s]));
    expect(by.get("r1")).toMatchObject({ ohms: 250 });
    const c1 = by.get("c1")!;
    expect(c1.type === "c" ? c1.farads : NaN).toBeCloseTo(3e-9, 24);
    expect(by.get("d1")).toMatchObject({ area: 10 });
  });
  it("analyses eqspice does not run are reported as not run, with their lines", () => {
    const net = parseNetlist("t\nV1 a 0 1\nR1 a 0 1k\n.dc V1 0 1 0.1\n.ac dec 10 1 1k\n.meas dc x find v(a) at=0.5\n.noise v(a) V1 dec 10 1 1k\n.op\n", "t.cir");
    expect(net.notRun.map((n) => `${n.card}@${n.loc.line}`)).toEqual([".meas@6", ".noise@7"]); // .dc and .ac run (eqspice dc, eqspice ac)
    expect(net.warnings.filter((w) => /NOT RUN/.test(w))).toHaveLength(2);
    expect(net.warnings[0]).toMatch(/^t\.cir:6: \.meas NOT RUN: eqspice has no measurements/);
    expect(net.acs).toHaveLength(1);
  });
  it(".pss and .sp (ngspice's periodic steady-state and S-parameter analyses) are not run; the operating point is the circuit's", () => {
    const text = "t\nV1 a 0 2\nR1 a b 1k\nR2 b 0 3k\n.pss 3.1e6 500e-6 3 256 10 50 5e-3\n.sp lin 100 1e8 1e9 1\n";
    const net = parseNetlist(text, "t.cir");
    expect(net.notRun.map((n) => `${n.card}@${n.loc.line}`)).toEqual([".pss@5", ".sp@6"]);
    expect(net.warnings[0]).toMatch(/^t\.cir:5: \.pss NOT RUN: eqspice has no periodic steady-state analyses/);
    expect(op(text).nodes.b).toBeCloseTo(1.5, 12);
  });
  it("a number where a .model parameter name belongs is ignored with a warning, as ngspice 39 ignores it", () => {
    const deck = (card: string) => `t\nV1 a 0 1\nD1 a b dm\nR1 b 0 1k\n.model dm d ${card}\n`;
    const net = parseNetlist(deck("is=1e-14 .00 n=2 3"), "t.cir");
    expect(net.warnings.filter((w) => /stray value/.test(w))).toEqual([
      "t.cir:5:22: .model dm: stray value '.00' (no parameter name) ignored, as ngspice 39 ignores it",
      "t.cir:5:30: .model dm: stray value '3' (no parameter name) ignored, as ngspice 39 ignores it",
    ]);
    // ngspice 39 on this deck: V(b) = 2.374126e-03 (n=2 read after the stray value)
    expect(op(deck("is=1e-14 .00 n=2 3")).nodes.b).toBeCloseTo(2.374126e-3, 8);
    expect(op(deck("is=1e-14 .00 n=2 3")).nodes.b).toBe(op(deck("is=1e-14 n=2")).nodes.b);
  });
  it("a behavioural C or L (its value reads v(), i() or time) takes m= only: tc1= is refused at its place", () => {
    expect(() => loadCircuitFromText("t\nV1 a 0 1\nR1 a b 1k\nC1 b 0 C={1n*(1+v(b))} tc1=0.1\n", "t.cir")).toThrow(/t\.cir:4:24: c1: a capacitance that reads v\(\), i\(\) or time .* not 'tc1'/);
    expect(() => loadCircuitFromText("t\nV1 a 0 1\nR1 a b 1k\nL1 b 0 {1m*(1+v(b))} ic=1\n", "t.cir")).toThrow(/t\.cir:4:22: l1: an inductance .* not 'ic'/);
  });
  it(".op's arguments (gnucap's `.op trace iterations`) are ignored with a warning, as ngspice 39 ignores them", () => {
    const text = "t\nV1 a 0 2\nR1 a b 1k\nR2 b 0 1k\n.op trace iterations\n";
    expect(parseNetlist(text, "t.cir").warnings).toContain("t.cir:5:5: .op takes no arguments: 'trace iterations' ignored, as ngspice ignores it");
    expect(op(text).nodes.b).toBeCloseTo(1, 12);
  });
  it("nodes in parentheses (`v1 (1 0) 1`, gnucap's form) are the nodes, as ngspice 39's node reader skips '(' ')' ','", () => {
    // ngspice 39 on this deck: v(1) = 1, v(2) = 0.5
    const r = op("t\nv1 (1 0) 1\nr1 (1, 2) 1\nr2 (2 0) 1\nd1 (2 0) dm\n.model dm d is=1e-30\n");
    expect(r.nodes["1"]).toBe(1);
    expect(r.nodes["2"]).toBeCloseTo(0.5, 12);
  });
  it("`//` starts an end-of-line comment anywhere on a line, as ngspice 39 reads it (inp_stripcomments_line)", () => {
    // ngspice 39 on this deck: v(b) = 1
    const r = op("t\nV1 a 0 2 // the supply\nR1 a b 1k // a resistor\nR2 b 0 1k//x\nR3 b 0 {2k}// R3 is 2k, not 2k//x\n");
    expect(r.nodes.b).toBeCloseTo(0.8, 12);
  });
  it("an RF port source: Z0 in series (v1#res = the source's value, in = its share: a closed form), PORTNUM not read as an AC phase; bad port values refused at their place", () => {
    const r = op("t\nV1 in 0 dc 3 ac 1 portnum 1 z0 100 pwr 0.001 freq 2.3e9\nR1 in 0 200\n");
    expect(r.nodes["v1#res"]).toBe(3);
    expect(r.nodes.in).toBeCloseTo(2, 12);
    // a carrier (PWR, FREQ) without a DC value would be ngspice's DC value: refused
    expect(() => loadCircuitFromText("t\nV1 in 0 portnum 1 pwr 0.001\nR1 in 0 1k\n", "t.cir")).toThrow(/t\.cir:2:19: v1: RF port carriers \(PWR, FREQ/);
    expect(() => loadCircuitFromText("t\nV1 in 0 dc 1 portnum x\nR1 in 0 1k\n", "t.cir")).toThrow(/t\.cir:2:22: v1: PORTNUM needs a number/);
  });
  it("CR-only (classic Mac) line endings read as line ends, with the same line numbers", () => {
    const text = "t\rV1 a 0 1\rR1 a b 1k\rR2 b 0 1k\r";
    expect(op(text).nodes.b).toBeCloseTo(0.5, 12);
    expect(() => loadCircuitFromText("t\rV1 a 0 1\rR1 a 0 1 k\r", "t.cir")).toThrow(/^t\.cir:3:10: /);
  });
  it("subcircuits nested 3,000 deep elaborate without overflowing the stack (closed form: a chain of 3,001 ohms)", () => {
    const n = 3000;
    const lines = ["deep", "V1 in 0 1", "X0 in 0 s0"];
    for (let i = 0; i < n; i++) lines.push(`.subckt s${i} a b`, "R1 a m 1", i < n - 1 ? `X1 m b s${i + 1}` : "R2 m b 1");
    for (let i = 0; i < n; i++) lines.push(".ends");
    const r = op(lines.join("\n"));
    expect(r.branches.v1).toBeCloseTo(-1 / (n + 1), 15);
    expect(r.nodes["x0.m"]).toBeCloseTo(1 - 1 / (n + 1), 12);
  }, 60_000);
});
