/**
 * Bad input gets a typed error (InputError, usually its subclass
 * NetlistError) whose message names the problem and whose file:line:col
 * points at the offending token.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadCircuit, loadCircuitFromText, operatingPoint } from "../src/api.js";
import { InputError } from "../src/util/errors.js";
import { ignoredParamCheck, netlistErrorCheck } from "./helpers/netlist-errors.js";

const FIX = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");
const FILE = "bad.cir";

const expectNetlistError = netlistErrorCheck(FILE);

/** Build a circuit from netlist lines (a title line is prepended, so the first given line is line 2). */
const load = (...lines: string[]) => () => loadCircuitFromText(["* test", ...lines].join("\n") + "\n", FILE);

describe("unknown names", () => {
  it("unknown element letter", () => {
    // every letter a-z is an ngspice element now (N, OSDI, is refused by name): a line starting with a digit is unknown
    expectNetlistError(load("V1 a 0 1", "1y a 0 1k"), 3, 1, /unknown element '1y'/);
    expectNetlistError(load("V1 a 0 1", "N1 a 0 va"), 3, 1, /OSDI \(Verilog-A\) devices \('N'\) are not supported/);
  });
  it("unsupported element kinds are named", () => {
    expectNetlistError(load("V1 a 0 1", "R1 a 0 1k", "  N1 a 0 c 0 dev"), 4, 3, /N1'.*OSDI \(Verilog-A\) devices.*not supported/);
    expectNetlistError(load("V1 a 0 1", "Q1 c b e qmod"), 3, 1, /bipolar transistor/);
    expectNetlistError(load("V1 a 0 1", "M1 d g s b nmos"), 3, 1, /MOSFET/);
  });
  it("unknown card", () => {
    expectNetlistError(load("V1 a 0 1", "R1 a 0 1k", ".foo bar"), 4, 1, /unknown card '\.foo'/);
    expectNetlistError(load("V1 a 0 1", "R1 a 0 1k", "   .optoins gmin=1e-12"), 4, 4, /unknown card '\.optoins'/);
  });
  it("an unknown option is ignored with a warning naming it, as ngspice 39 ignores it (SPICE2's obsolete ones too)", () => {
    const c = load(".options gmin=1e-12 foo=3 limpts=100 delmax=1n", "V1 a 0 1", "R1 a 0 1k")() as { warnings: string[]; options: { gmin: number } };
    expect(c.options.gmin).toBe(1e-12);
    expect(c.warnings.find((w) => w.includes("'foo'"))).toMatch(/^bad\.cir:2:21: option 'foo' is not an option ngspice 39 or eqspice uses: ignored/);
    expect(c.warnings.find((w) => w.includes("'limpts'"))).toMatch(/option 'limpts' is a SPICE2 option ngspice 39 calls obsolete: ignored/);
    expect(c.warnings.some((w) => w.includes("'delmax'"))).toBe(true);
  });
  it("unknown model", () => {
    expectNetlistError(load("V1 a 0 1", "R1 a b 1k", "D1 b 0 nomod"), 4, 8, /unknown model 'nomod'/);
  });
  it("unknown model parameter", () => {
    ignoredParamCheck(FILE)(load(".model dd D(IS=1e-14 XYZ=3)", "V1 a 0 1", "D1 a 0 dd"), 2, 22, "xyz"); // ngspice ignores it too
  });
  it("unknown subcircuit", () => {
    expectNetlistError(load("V1 a 0 1", "X1 a 0 nosub"), 3, 8, /unknown subcircuit 'nosub'/);
  });
  it("unknown controlling source of F/H", () => {
    expectNetlistError(load("V1 a 0 1", "R1 a 0 1k", "F1 a 0 vx 2"), 4, 1, /f1: unknown controlling source 'vx'/);
  });
});

describe("bad values", () => {
  it("bad number", () => {
    expectNetlistError(load("V1 a 0 1", "R1 a 0 1.2.3"), 3, 8, /bad number '1\.2\.3' for resistance/);
    expectNetlistError(load("V1 a 0 1", "R1 a 0 abc"), 3, 8, /bad number 'abc' for resistance/);
    expectNetlistError(load("V1 a 0 DC 5%", "R1 a 0 1k"), 2, 11, /bad number '5%'/);
    expectNetlistError(load("V1 a 0 1e999", "R1 a 0 1k"), 2, 8, /bad number '1e999'.*out of range/);
    expectNetlistError(load(".model dd D(IS=oops)", "V1 a 0 1", "D1 a 0 dd"), 2, 16, /bad number 'oops' for model parameter IS/);
    expectNetlistError(load(".param r=..5", "V1 a 0 1", "R1 a 0 {r}"), 2, 10, /bad number '\.\.5' for parameter 'r'/);
  });
  it("expressions that do not evaluate name the expression", () => {
    expectNetlistError(load("V1 a 0 1", "R1 a 0 {2*nosuch}"), 3, 8, /unknown parameter 'nosuch' in expression '2\*nosuch' for resistance/);
  });
  it("a zero resistance is 1 mOhm with a warning, as ngspice 39 takes it", () => {
    const c = load("V1 a 0 1", "R1 a b 0", "R2 b 0 1k", "R3 a c r=0", "R4 c 0 1")();
    expect(c.warnings.filter((w) => /zero resistance taken as 1 mOhm/.test(w))).toHaveLength(2);
    expect(c.warnings[0]).toMatch(/^bad\.cir:3:8: r1: zero resistance/);
    // ngspice 39 on this deck: v(b) = 1000 / 1000.001 V, v(c) = 1 / 1.001 V
    const op = operatingPoint(c);
    expect(op.nodes.b).toBeCloseTo(1000 / 1000.001, 14);
    expect(op.nodes.c).toBeCloseTo(1 / 1.001, 14);
    // a zero written another way is zero too; a value that only underflows to 0 is refused
    expect(load("V1 a 0 1", "R1 a 0 0.000e5")().warnings.some((w) => /zero resistance taken as 1 mOhm/.test(w))).toBe(true);
    expectNetlistError(load("V1 a 0 1", "R1 a 0 1e-400"), 3, 8, /zero resistance/);
  });
  it("bad option value", () => {
    expectNetlistError(load(".options temp=-300", "V1 a 0 1", "R1 a 0 1k"), 2, 15, /option 'temp' has a bad value/);
  });
});

describe("missing pieces", () => {
  it("missing node points at the last token of the element", () => {
    expectNetlistError(load("V1 a 0 1", "R1 a"), 3, 4, /r1: missing node 2 of 2 \(usage: Rname n\+ n- value\)/);
    expectNetlistError(load("V1 a 0 1", "R1 a 0 1k", "E1 b 0 a"), 4, 8, /e1: missing node 4 of 4/);
  });
  it("missing node with no tokens at all points at the element name", () => {
    expectNetlistError(load("V1 a 0 1", "R1"), 3, 1, /r1: missing node 1 of 2/);
  });
  it("missing value", () => {
    expectNetlistError(load("V1 a 0 1", "R1 a 0"), 3, 6, /r1: missing resistance/);
  });
  it("missing diode model", () => {
    expectNetlistError(load("V1 a 0 1", "D1 a 0"), 3, 1, /d1: missing diode model name/);
  });
});

describe("duplicates", () => {
  it("duplicate element name (case-insensitive) points at the second one and names the first", () => {
    expectNetlistError(load("V1 a 0 1", "R1 a 0 1k", "r1 a 0 2k"), 4, 1, /duplicate element name 'r1' \(first defined at bad\.cir:3:1\)/);
  });
  it("duplicate between an element and a crossbar device: the later line is the duplicate", () => {
    expectNetlistError(
      load("*@crossbar w a b g=1m", "V1 a 0 1", "Rw_0_0 b 0 1k"),
      4,
      1,
      /duplicate element name 'rw_0_0' \(first defined at bad\.cir:2:3\)/,
    );
  });
  it("a model or subcircuit defined twice: the first is used with a warning, as ngspice 39 uses it", () => {
    // ngspice 39: a diode card given twice takes the first IS (I = 6.18e2 A at 1 V with IS=1e-14, not 6.2e4);
    // a second .subckt: "Warning: redefinition of .subckt s, ignored", v(b) = 0.5 with the first (1k)
    const c = loadCircuitFromText(["* test", ".model dd D(IS=1e-14)", ".model DD D(IS=1e-12)", "V1 a 0 1", "D1 a 0 dd", ""].join("\n"), FILE);
    expect(c.warnings.join("\n")).toMatch(/:3:8: second \.model DD ignored \(the first, at .*:2:8, is used/);
    expect(-operatingPoint(c).branches.v1).toBeCloseTo(617.833, 2);
    const s = loadCircuitFromText(["* test", "V1 a 0 1", "X1 a b s", "R2 b 0 1k", ".subckt s p q", "R1 p q 1k", ".ends", ".subckt s p q", "R1 p q 3k", ".ends", ""].join("\n"), FILE);
    expect(s.warnings.join("\n")).toMatch(/:8:9: second definition of \.subckt s ignored/);
    expect(operatingPoint(s).nodes.b).toBeCloseTo(0.5, 12);
  });
});

describe("subcircuits", () => {
  const sub = [".subckt sub p q", "R1 p q 1k", ".ends"];
  it("wrong port count points at the subcircuit name", () => {
    expectNetlistError(load("V1 a 0 1", "X1 a 0 b sub", ...sub), 3, 10, /x1: subcircuit sub has 2 ports \(p q\), got 3 nodes/);
    expectNetlistError(load("V1 a 0 1", "X1 a sub", ...sub), 3, 6, /has 2 ports \(p q\), got 1 nodes/);
  });
  it("recursive subcircuit (direct)", () => {
    expectNetlistError(load("V1 a 0 1", "R1 a 0 1k", "X1 a 0 sub", ".subckt sub p q", "R1 p q 1k", "X2 p q sub", ".ends"), 7, 8, /recursive subcircuit: sub -> sub/);
  });
  it("recursive subcircuit (through another)", () => {
    expectNetlistError(
      load("V1 a 0 1", "R1 a 0 1k", "X1 a 0 sa", ".subckt sa p q", "X1 p q sb", ".ends", ".subckt sb p q", "R1 p q 1k", "Xback p q SA", ".ends"),
      10,
      11,
      /recursive subcircuit: sa -> sb -> sa/,
    );
  });
  it("unknown instance parameter", () => {
    expectNetlistError(load("V1 a 0 1", "X1 a 0 sub rr=3", ...sub), 3, 12, /x1: subcircuit sub has no parameter 'rr'/);
  });
  it(".ends without .subckt", () => {
    expectNetlistError(load("V1 a 0 1", "R1 a 0 1k", ".ends"), 4, 1, /`\.ends` without a matching `\.subckt`/);
  });
  it(".subckt without .ends points at the subcircuit name", () => {
    expectNetlistError(load("V1 a 0 1", "R1 a 0 1k", ".subckt open a b", "R1 a b 1k"), 4, 9, /\.subckt open has no matching \.ends/);
  });
  it(".ends with another name closes the open .subckt with a warning (ngspice 39 ignores the name)", () => {
    const c = load(".subckt s1 a", "R1 a 0 1k", ".ends s2", "V1 a 0 1", "X1 a s1")();
    expect(c.warnings.join("\n")).toMatch(/:4:7: \.ends s2 closes \.subckt s1 \(the name differs; ngspice ignores it too\)/);
  });
});

describe("includes", () => {
  it("recursive include of itself", () => {
    const file = path.join(FIX, "recursive", "self.cir");
    expectNetlistError(() => loadCircuit(file), 4, 1, /recursive \.include of 'self\.cir'/, file);
  });
  it("recursive include through a cycle points at the include that closes it", () => {
    const file = path.join(FIX, "recursive", "top.cir");
    const inc = path.join(FIX, "recursive", "loop_b.inc");
    const e = expectNetlistError(() => loadCircuit(file), 3, 3, /recursive \.include of 'loop_a\.inc'/, inc);
    expect(e.message).toContain("top.cir -> ");
  });
  it("missing include file", () => {
    expectNetlistError(load(".include does/not/exist.inc", "V1 a 0 1", "R1 a 0 1k"), 2, 10, /cannot read included file 'does\/not\/exist\.inc'.*ENOENT/);
  });
  it("missing netlist file is an InputError", () => {
    expect(() => loadCircuit(path.join(FIX, "no-such-file.cir"))).toThrow(InputError);
  });
});

describe("topology", () => {
  it("a node with no DC path to ground (capacitor only) points at the node", () => {
    expectNetlistError(load("V1 a 0 1", "R1 a 0 1k", "C1 a b 1n"), 4, 6, /node 'b' has no DC path to ground/);
  });
  it("a floating island of resistors", () => {
    expectNetlistError(load("V1 a 0 1", "R1 a 0 1k", "R2 b c 1k", "R3 c b 2k"), 4, 4, /node 'b' has no DC path to ground/);
  });
  it("a node fed only by a current source", () => {
    expectNetlistError(load("V1 a 0 1", "R1 a 0 1k", "I1 0 x 1m"), 4, 6, /node 'x' has no DC path to ground/);
  });
  it("a floating node inside a subcircuit names its flattened name and points into the subcircuit", () => {
    expectNetlistError(load("V1 a 0 1", "R1 a 0 1k", "X1 a 0 s", ".subckt s p q", "R1 p q 1k", "C1 q m 1p", ".ends"), 7, 6, /node 'x1\.m' has no DC path/);
  });
  it("two parallel voltage sources", () => {
    expectNetlistError(load("V1 a 0 1", "V2 a 0 2", "R1 a 0 1k"), 3, 1, /v2 closes a loop of voltage sources \(between nodes a and 0\)/);
  });
  it("a loop of three voltage sources", () => {
    expectNetlistError(load("V1 a 0 1", "R1 a 0 1k", "V2 a b 2", "V3 b 0 1"), 5, 1, /v3 closes a loop of voltage sources/);
  });
  it("a voltage source shorted on itself", () => {
    expectNetlistError(load("V1 a a 1", "R1 a 0 1k"), 2, 1, /v1 closes a loop/);
  });
  it("a VCVS in parallel with a voltage source", () => {
    expectNetlistError(load("V1 a 0 1", "R1 a 0 1k", "E1 a 0 a 0 2"), 4, 1, /e1 closes a loop of voltage sources/);
  });
  it("an empty netlist is an InputError", () => {
    expect(load()).toThrow(InputError);
    expect(load(".end")).toThrow(/no elements/);
  });
});

describe("lexical errors", () => {
  it("unterminated '{' points at the brace", () => {
    expectNetlistError(load("V1 a 0 1", "R1 a 0 {1k*2"), 3, 8, /unterminated expression: missing '}'/);
  });
  it("unterminated quote", () => {
    expectNetlistError(load("V1 a 0 1", "R1 a 0 '1k*2"), 3, 8, /unterminated expression: missing '''/);
  });
  it("empty expression", () => {
    expectNetlistError(load("V1 a 0 1", "R1 a 0 {  }"), 3, 8, /empty expression/);
  });
  it("continuation with nothing to continue", () => {
    expectNetlistError(load("+ 1k", "V1 a 0 1", "R1 a 0 1k"), 2, 1, /continuation line '\+' with nothing to continue/);
  });
  it(".control without .endc: the rest is control commands (ngspice 39 warns 'Missing .endc statement!' and does the same)", () => {
    // ngspice on this deck: b = 0.5 (R2 after the block is read as a command: 'no such command')
    const c = loadCircuitFromText(["* test", "V1 a 0 1", "R1 a b 1k", "R3 b 0 1k", ".control", "run", "R2 b 0 1k", ""].join("\n"), FILE);
    expect(c.warnings.join("\n")).toMatch(/:5:1: \.control without \.endc: the rest of the file is read as control commands/);
    expect(operatingPoint(c).nodes.b).toBeCloseTo(0.5, 12); // 1/3 if R2 were read
  });
  it(".endcontrol (any card beginning with .endc) ends a .control block, as in ngspice", () => {
    const c = loadCircuitFromText(["* test", "V1 a 0 1", ".control", "run", ".endcontrol", "R1 a b 1k", "R3 b 0 3k", ""].join("\n"), FILE);
    expect(operatingPoint(c).nodes.b).toBeCloseTo(0.75, 12);
    expect(c.warnings.join("\n")).not.toMatch(/without \.endc/);
  });
});

describe("annotations", () => {
  it("unknown annotation points at its keyword", () => {
    expectNetlistError(load("*@inptu V1", "V1 a 0 1", "R1 a 0 1k"), 2, 3, /unknown annotation '\*@inptu'/);
  });
  it("crossbar without its node lists", () => {
    expectNetlistError(load("*@crossbar w a,b", "V1 a 0 1", "R1 a 0 1k", "R2 b 0 1k"), 2, 3, /\*@crossbar needs NAME ROWS COLS/);
  });
  it("crossbar with an unknown option points at it", () => {
    expectNetlistError(load("*@crossbar w a b g=1m foo=3", "V1 a 0 1", "R1 b 0 1k"), 2, 23, /\*@crossbar: unknown option 'foo'/);
  });
  it("crossbar with a bad uniform()", () => {
    expectNetlistError(load("*@crossbar w a b init=uniform(1m)", "V1 a 0 1", "R1 b 0 1k"), 2, 18, /bad init 'uniform\(1m\)'/);
  });
  it("crossbar without conductances", () => {
    expectNetlistError(load("*@crossbar w a b", "V1 a 0 1", "R1 b 0 1k"), 2, 3, /give its conductances/);
  });
  it("crossbar too large is refused before allocating", () => {
    expectNetlistError(load("*@crossbar w a{0:99999} b{0:99999} g=1m", "V1 a0 0 1"), 2, 3, /too large/);
  });
  it("crossbar init file that does not exist", () => {
    expectNetlistError(load("*@crossbar w a b init=nope.csv", "V1 a 0 1", "R1 b 0 1k"), 2, 18, /cannot read crossbar init file 'nope\.csv'/);
  });
  it("input naming something that is not a voltage source", () => {
    expectNetlistError(load("*@input V1 R1", "V1 a 0 1", "R1 a 0 1k"), 2, 12, /\*@input: 'r1' is not a voltage source/);
    expectNetlistError(load("*@input V9", "V1 a 0 1", "R1 a 0 1k"), 2, 9, /\*@input: no element named 'v9'/);
  });
  it("output naming no node", () => {
    expectNetlistError(load("*@output a:zz", "V1 a 0 1", "R1 a 0 1k"), 2, 10, /\*@output: no node named 'zz'/);
  });
  it("train pattern matching nothing", () => {
    expectNetlistError(load("*@train RX*", "V1 a 0 1", "R1 a 0 1k"), 2, 3, /\*@train: pattern 'rx\*' matches no resistor/);
  });
  it("annotation inside a subcircuit", () => {
    expectNetlistError(load(".subckt s a", "*@train R1", "R1 a 0 1k", ".ends", "V1 a 0 1", "X1 a s"), 3, 3, /only allowed at the top level/);
  });
});

describe("every token of an element line is part of its grammar (ngspice: unknown parameter)", () => {
  it("a scale factor written apart from its number: R1 a 0 1 k is an error, not 1 ohm", () => {
    expectNetlistError(load("V1 a 0 1", "R1 a 0 1 k"), 3, 10, /r1: unexpected 'k' .*written without a space: '1k'/);
  });
  it("an unknown name=value parameter is named", () => {
    expectNetlistError(load("V1 a 0 1", "R2 a 0 2k foo=bar"), 3, 11, /r2: unknown parameter 'foo' \(resistor takes: r resistance m/);
    expectNetlistError(load("V1 a 0 1", "R1 a 0 1k", "C1 a 0 1n foo=1"), 4, 11, /c1: unknown parameter 'foo'/);
    expectNetlistError(load(".model dd D", "V1 a 0 1", "R1 a b 1k", "D1 b 0 dd pj=2"), 5, 11, /d1: diode sidewall parameters/);
  });
  it("a stray word after a value", () => {
    expectNetlistError(load("V1 a 0 1", "R1 a 0 1k", "C1 a 0 1n bogus"), 4, 11, /c1: unexpected 'bogus'/);
    expectNetlistError(load("V1 a 0 1 2", "R1 a 0 1k"), 2, 10, /v1: unexpected '2'/);
    expectNetlistError(load("V1 a 0 1", "R1 a 0 1k", "E1 b 0 a 0 2 3", "R2 b 0 1k"), 4, 14, /e1: unexpected '3'/);
    expectNetlistError(load("V1 a 0 1", "R1 a 0 1k", "E1 b 0 a 0 2 m=2", "R2 b 0 1k"), 4, 14, /e1: unknown parameter 'm'/);
    expectNetlistError(load("V1 a 0 1", "R1 a 0 1k", "F1 a 0 v1 2 x", "H1 b 0 v1 2"), 4, 13, /f1: unexpected 'x'/);
    expectNetlistError(load(".model dd D", "V1 a 0 1", "R1 a b 1k", "D1 b 0 dd 2 3"), 5, 13, /d1: unexpected '3'/);
  });
  it("inside a subcircuit and on a resistor the fast lane would take but for the extra field", () => {
    expectNetlistError(load("V1 a 0 1", "X1 a 0 s", ".subckt s p q", "R1 p q 1k 2k", ".ends"), 5, 11, /r1: unexpected '2k'/);
    const many = Array.from({ length: 500 }, (_, k) => `R${k + 10} a 0 1k`);
    expectNetlistError(load("V1 a 0 1", ...many, "R1 a 0 1 k", ...many.map((l) => l.replace(/^R/, "RR"))), 503, 10, /r1: unexpected 'k'/);
  });
  it("a value given twice, a parameter given twice, a list where one value goes", () => {
    expectNetlistError(load("V1 a 0 1", "R1 a 0 1k r=2k"), 3, 11, /resistance given twice/);
    expectNetlistError(load("V1 a 0 1", "R1 a 0 1k m=2 m=3"), 3, 15, /'m' given twice/);
    expectNetlistError(load("V1 a 0 1", "R1 a 0 1k tc1=1, 2"), 3, 18, /'tc1' takes one value/);
  });
  it("a line of 10 MB of junk is refused by name, quoting only its start", () => {
    const e = expectNetlistError(load("V1 a 0 1", "R1 a 0 1k " + "x".repeat(10_000_000)), 3, 11, /r1: unexpected 'x{80}\.\.\. \(10000000 characters\)'/);
    expect(e.message.length).toBeLessThan(400);
    // 5 million fields on a line: refused at a bound, not tokenized into gigabytes
    expectNetlistError(load("V1 a 0 1", "R1 a 0 1k " + "x ".repeat(5_000_000)), 3, 1_000_003, /this card has more than 500000 fields/);
  });
});

describe("values ngspice rejects or that cannot be solved", () => {
  it("a subnormal or too small resistance (1e-320: its conductance is infinite), on either parser path", () => {
    expectNetlistError(load("V1 a 0 1", "R1 a 0 1e-320"), 3, 8, /r1: resistance 1e-320 ohm is too small/);
    expectNetlistError(load("V1 a 0 1", "R1 a 0 {1e-320}"), 3, 8, /too small/);
    expectNetlistError(load("V1 a 0 1", "X1 a s", ".subckt s p", "R1 p 0 1e-310", ".ends"), 5, 8, /r1: resistance 1e-310 ohm is too small/);
  });
  it("--1 is not a number (ngspice: unknown parameter)", () => {
    expectNetlistError(load("V1 a 0 1", "R1 a 0 --1"), 3, 8, /bad number '--1'/);
  });
  it("a negative capacitor runs (as in ngspice) with a warning naming it", () => {
    const c = loadCircuitFromText("* t\nV1 a 0 1\nR1 a b 1k\nC1 b 0 -1n\n", FILE);
    expect(c.warnings.join("\n")).toMatch(/bad\.cir:4:8: c1: negative capacitance -1e-9 F .*unstable/);
  });
  it("a temperature factor that is not positive, a temperature below absolute zero", () => {
    expectNetlistError(load("V1 a 0 1", "R1 a 0 1k tc1=-0.1", ".temp 50"), 3, 8, /r1: at 50 C its temperature factor .* is -1.3\d*, not positive/);
    expectNetlistError(load("V1 a 0 1", "R1 a 0 1k tc1=0.1 temp=-300"), 3, 19, /below absolute zero/);
  });
  it("a control character (a NUL byte) is named, not printed raw", () => {
    const e = expectNetlistError(load("V1 a 0 1", "R1 a 0 1k\u0000"), 3, 10, /control character U\+0000/);
    expect(e.message).not.toContain("\u0000");
    // a NUL inside a node name of a line the fast lane would otherwise take
    expectNetlistError(load("V1 a 0 1", "R1 a \u0000 1k"), 3, 6, /control character U\+0000/);
  });
  it("card arguments: .tran at most four numbers (.op's are ignored with a warning, as ngspice ignores them: parser.test.ts; a .temp list is ignored as ngspice does: cards-ngspice.test.ts)", () => {
    expectNetlistError(load("V1 a 0 1", "R1 a 0 1k", ".tran 1n 1u 0 1n 5"), 4, 18, /\.tran: unexpected '5'/);
  });
  it("a message never exceeds 2000 characters", () => {
    const e = expectNetlistError(load("V1 a 0 1", `.subckt s ${Array.from({ length: 5000 }, (_, k) => `p${k}`).join(" ")}`, ".ends", "X1 a s"), 5, 6, /subcircuit s has 5000 ports/);
    expect(e.message.length).toBeLessThanOrEqual(2000);
  });
});

describe("include and crossbar init files are bounded", () => {
  for (const dev of ["/dev/zero", "/dev/urandom", "/dev/null"]) {
    it(`.include ${dev} is refused at once (not a regular file)`, () => {
      expectNetlistError(load(`.include ${dev}`, "V1 a 0 1", "R1 a 0 1k"), 2, 10, /cannot read included file .*not a regular file \(a character device\)/);
    });
  }
  it(".include of a directory", () => {
    expectNetlistError(load(`.include ${FIX}`, "V1 a 0 1", "R1 a 0 1k"), 2, 10, /it is a directory/);
  });
  it("a crossbar init file that is a device", () => {
    expectNetlistError(load("*@crossbar w a b init=/dev/zero", "V1 a 0 1", "R1 b 0 1k"), 2, 18, /cannot read crossbar init file '\/dev\/zero': not a regular file/);
  });
});
