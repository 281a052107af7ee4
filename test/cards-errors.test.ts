/**
 * Bad input to the cards of issue 12 (`.func`, `.if`, `.lib`, `.csparam`,
 * `DC=`, resistor models, `TEMPER`, noise sources): a NetlistError naming
 * the problem at its file:line:col, never a crash, a hang or a silent
 * answer; and the reading rules that are eqspice's own (the fast lane
 * keeps out of `.if` blocks and included subcircuit bodies).
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadCircuit, loadCircuitFromText, operatingPoint } from "../src/api.js";
import { parseNetlist } from "../src/netlist/parser.js";
import { elaborate } from "../src/netlist/elaborate.js";
import { netlistErrorCheck } from "./helpers/netlist-errors.js";

const FIX = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures", "cards");
const FILE = path.join(FIX, "bad.cir");

const expectNetlistError = netlistErrorCheck(FILE);

/** Build a circuit from netlist lines (a title line is prepended, so the first given line is line 2), as if in the fixtures folder. */
const load = (...lines: string[]) => () => loadCircuitFromText(["* test", ...lines].join("\n") + "\n", FILE);
const op = (...lines: string[]) => operatingPoint(load(...lines)());

describe("sources", () => {
  it("DC= and AC= without a value", () => {
    expectNetlistError(load("V1 a 0 DC=", "R1 a 0 1k"), 2, 8, /v1: 'DC=' has no value/);
    expectNetlistError(load("V1 a 0 DC= PULSE(0 1)", "R1 a 0 1k"), 2, 8, /v1: DC needs a value/);
    expectNetlistError(load("V1 a 0 DC=1 AC=", "R1 a 0 1k"), 2, 13, /v1: 'AC=' has no value/);
    expectNetlistError(load("V1 a 0 DC=1 DC=2", "R1 a 0 1k"), 2, 13, /v1: 'DC' given twice/);
    expectNetlistError(load("V1 a 0 AC=1 PULSE(0 1) AC=2", "R1 a 0 1k"), 2, 24, /v1: 'AC' given twice/);
  });
  it("the multiplier m= of I, G and F needs a value; V, E and H have none", () => {
    expectNetlistError(load("I1 a 0 1m m=", "R1 a 0 1k"), 2, 11, /i1: 'm=' has no value/);
    expectNetlistError(load("V1 a 0 1 m=2", "R1 a 0 1k"), 2, 10, /v1: unexpected 'm'/);
    expectNetlistError(load("V1 c 0 1", "E1 a 0 c 0 2 m=2", "R1 a 0 1k"), 3, 14, /e1: unknown parameter 'm'/);
  });
  it("TRNOISE, TRRANDOM and PAT are refused by name without a DC value, with or without parentheses, and beside another waveform", () => {
    expectNetlistError(load("R1 a 0 1k", "I2 a 0 trrandom(2 10m 0 1 5)"), 3, 8, /i2: TRRANDOM sources .* are not modelled/);
    expectNetlistError(load("V1 a 0 PULSE 0 1 trnoise 1m 1n 0 0", "R1 a 0 1k"), 2, 18, /v1: a second waveform 'trnoise'/);
    expectNetlistError(load("V1 a 0 AC 1 TRNOISE(1m 1n 0 0)", "R1 a 0 1k"), 2, 13, /TRNOISE/);
    expectNetlistError(load("V1 a 0 PAT(1 0 0 1n 1n 1u b0101 1)", "R1 a 0 1k"), 2, 8, /PAT sources \(bit patterns\) are not modelled/);
    // SFFM and AM are read (cards-ngspice.test.ts), their argument counts checked
    expectNetlistError(load("V1 a 0 SFFM(0 1 1k 0 1 0 0 5)", "R1 a 0 1k"), 2, 8, /SFFM takes at most 7 arguments/);
    expectNetlistError(load("V1 a 0 AM(1)", "R1 a 0 1k"), 2, 8, /AM needs at least VA and VO/);
    expectNetlistError(load("V1 a 0 DC 1 TRNOISE(1m 1n 0 0", "R1 a 0 1k"), 2, 13, /missing '\)' after TRNOISE\(/);
  });
  it("beside an explicit DC value they serve the operating point (the DC value, as ngspice's op)", () => {
    expect(op("V1 a 0 DC 1 TRNOISE(1m 1n 0 0)", "R1 a b 1k", "R2 b 0 1k").nodes.b).toBeCloseTo(0.5, 12);
    expect(op("V1 a 0 dc=2 trnoise 1m 1n 0 0", "R1 a b 1k", "R2 b 0 1k").nodes.b).toBeCloseTo(1, 12);
  });
});

describe(".csparam", () => {
  it("its value must evaluate (ngspice stops otherwise), at the top and in an instance", () => {
    expectNetlistError(load(".csparam rr={2*nope}", "V1 a 0 1", "R1 a 0 1k"), 2, 13, /unknown parameter 'nope' in expression '2\*nope' for \.csparam rr/);
    expectNetlistError(load(".csparam rr", "V1 a 0 1", "R1 a 0 1k"), 2, 10, /\.csparam: expected name=value, found 'rr'/);
    expectNetlistError(load("V1 a 0 1", "X1 a s", ".subckt s n", ".csparam d={q*2}", "R1 n 0 1k", ".ends"), 5, 12, /unknown parameter 'q'.*\.csparam d/);
  });
});

describe(".func", () => {
  it("a call with the wrong number of arguments names the .func and where it is defined", () => {
    const e = expectNetlistError(load(".func f(x) {x*2}", "V1 a 0 {f(1,2)}", "R1 a 0 1k"), 3, 8, /bad expression 'f\(1,2\)' for v1 value: f\(\) takes 1 argument, got 2/);
    expect(e.message).toContain(`.func f at ${FILE}:2:7`);
    expectNetlistError(load(".func g(x, y) {x*y}", ".param p={g(1)}", "V1 a 0 {p}", "R1 a 0 1k"), 3, 10, /g\(\) takes 2 arguments, got 1/);
    expectNetlistError(load(".func g(x, y) {x*y}", "V1 a 0 {g(1,)}", "R1 a 0 1k"), 3, 8, /an empty argument in g\(\)/);
    expectNetlistError(load(".func h() {7}", "V1 a 0 {h(1)}", "R1 a 0 1k"), 3, 8, /h\(\) takes 0 arguments, got 1/);
  });
  it("a .func that calls itself (directly or through another) is an error, not a hang", () => {
    expectNetlistError(load(".func f(x) {f(x)+1}", "V1 a 0 {f(1)}", "R1 a 0 1k"), 3, 8, /nested more than 100 deep \(a \.func that calls itself\?\)/);
    expectNetlistError(load(".func f(x) {g(x)}", ".func g(x) {f(x)}", "V1 a 0 {f(1)}", "R1 a 0 1k"), 4, 8, /calls itself/);
  });
  it("an expansion that doubles at every level is stopped by its size", () => {
    const lines = [".func d0(x) {x+x}"];
    for (let k = 1; k < 30; k++) lines.push(`.func d${k}(x) {d${k - 1}(x)+d${k - 1}(x)}`);
    const t0 = Date.now();
    expectNetlistError(load(...lines, "V1 a 0 {d29(1)}", "R1 a 0 1k"), 32, 8, /more than 100000 terms/);
    expect(Date.now() - t0).toBeLessThan(10_000);
  });
  it("bad definitions are refused where they are written", () => {
    expectNetlistError(load(".func f {x*2}", "V1 a 0 1"), 2, 7, /`\.func` needs a name, its parameters in parentheses and a body/);
    expectNetlistError(load(".func f(x, x) {x*2}", "V1 a 0 1"), 2, 12, /parameter 'x' given twice/);
    expectNetlistError(load(".func f(x) {x*}", "V1 a 0 1"), 2, 7, /bad body 'x\*' of \.func f: ends where a value was expected/);
    expectNetlistError(load(".func f(x)", "V1 a 0 1"), 2, 7, /\.func f has no body/);
    expectNetlistError(load(".func f(x {x}", "V1 a 0 1"), 2, 8, /missing '\)' after its parameters/);
    expectNetlistError(load(".func f(2) {1}", "V1 a 0 1"), 2, 9, /bad parameter name '2'/);
  });
  it("an unknown name in a body is reported where it is called", () => {
    expectNetlistError(load(".func f(x) {x*zz}", "V1 a 0 {f(1)}", "R1 a 0 1k"), 3, 8, /unknown parameter 'zz' in expression 'f\(1\)'/);
  });
});

describe(".if", () => {
  it("unbalanced blocks", () => {
    expectNetlistError(load(".param k=1", "V1 a 0 1", ".if (k==1)", "R1 a 0 1k"), 4, 1, /`\.if` without `\.endif`/);
    expectNetlistError(load("V1 a 0 1", "R1 a 0 1k", ".endif"), 4, 1, /`\.endif` without a matching `\.if`/);
    expectNetlistError(load("V1 a 0 1", "R1 a 0 1k", ".else"), 4, 1, /`\.else` without a matching `\.if`/);
    expectNetlistError(load(".param k=1", "V1 a 0 1", ".if (k)", "R1 a 0 1k", ".else", "R1 a 0 2k", ".elseif (k)", ".endif"), 8, 1, /`\.elseif` after the `\.else` of the \.if at .*:4:1/);
    expectNetlistError(load(".param k=1", "V1 a 0 1", ".if (k)", "R1 a 0 1k", ".else", ".else", ".endif"), 7, 1, /`\.else` after the `\.else`/);
  });
  it("a block may not cross a .subckt boundary or a file boundary", () => {
    expectNetlistError(load("V1 a 0 1", "X1 a s", ".subckt s n", ".if (1)", "R1 n 0 1k", ".ends", ".endif"), 5, 1, /`\.if` without `\.endif` before the `\.ends` of \.subckt s/);
    expectNetlistError(load("V1 a 0 1", ".if (1)", ".subckt s n", ".endif", ".ends"), 5, 1, /`\.endif` without a matching `\.if` in \.subckt s/);
    expectNetlistError(load("V1 a 0 1", "R1 a 0 1k", ".include open-if.inc", ".endif"), 2, 1, /`\.if` without `\.endif`/, path.join(FIX, "open-if.inc"));
    expectNetlistError(load("V1 a 0 1", "R1 a 0 1k", ".if (1)", ".include close-if.inc", ".endif"), 2, 1, /`\.endif` without a matching `\.if` in this file/, path.join(FIX, "close-if.inc"));
  });
  it("a condition needs parentheses and must evaluate; it is evaluated only when its block is reached", () => {
    expectNetlistError(load(".param k=1", "V1 a 0 1", ".if k == 1", "R1 a 0 1k", ".endif"), 4, 1, /`\.if` needs a condition in parentheses/);
    expectNetlistError(load(".param k=1", "V1 a 0 1", ".if {k == 1}", "R1 a 0 1k", ".endif"), 4, 1, /`\.if` needs a condition in parentheses/);
    expectNetlistError(load(".param k=1", "V1 a 0 1", ".if ()", "R1 a 0 1k", ".endif"), 4, 5, /empty condition/);
    expectNetlistError(load("V1 a 0 1", "R1 a 0 1k", ".if (nope == 1)", "R2 a 0 1k", ".endif"), 4, 5, /unknown parameter 'nope' in expression 'nope == 1' for the \.if condition/);
    expectNetlistError(load("V1 a 0 1", "R1 a 0 1k", ".if (k ==)", "R2 a 0 1k", ".endif", ".param k=1"), 4, 5, /bad expression 'k ==' for the \.if condition/);
    // an inner condition in a branch not taken, and an .elseif after a taken branch, are never evaluated
    expect(op(".param k=0", "V1 a 0 1", "R1 a 0 1k", ".if (k)", ".if (nope)", ".endif", ".elseif (1)", "R2 a 0 1k", ".elseif (nope2)", ".endif").branches.v1).toBeCloseTo(-2e-3, 15);
  });
  it("a line eqspice cannot read is an error at its place only when its branch is taken", () => {
    expectNetlistError(load(".param k=1", "V1 a 0 1", "R1 a 0 1k", ".if (k==1)", "N1 a 0 b 0 dev", ".endif"), 6, 1, /N1'.*OSDI \(Verilog-A\) devices.*not supported/);
    expectNetlistError(load(".param k=1", "V1 a 0 1", "R1 a 0 1k", ".if (k==1)", ".model jj MESA", ".endif"), 6, 11, /model type 'MESA' is not supported/);
    expectNetlistError(load(".param k=1", "V1 a 0 1", "R1 a 0 1k", ".if (k==1)", ".model dd D(is=1)", ".else", ".endif", ".model dd D(is=2)", "D1 a 0 dd"), 6, 8, /duplicate model 'dd' \(also defined at .*:9:8\)/);
    expectNetlistError(load("V1 a 0 1", "X1 a s k=1", ".subckt s n k=0", ".if (k)", "R1 n 0 1k 2k", ".endif", ".ends"), 6, 11, /r1: unexpected '2k'/);
    expect(op(".param k=0", "V1 a 0 1", "R1 a 0 1k", ".if (k==1)", "Q1 a b c qq", ".model qq NPN", ".bogus", "R2 a 0 1k 2k", ".endif").branches.v1).toBeCloseTo(-1e-3, 15);
  });
  it("whole-circuit cards inside an .if of a subcircuit, and annotations inside any .if, are refused", () => {
    expectNetlistError(load("V1 a 0 1", "X1 a s", ".subckt s n", ".if (1)", ".temp 50", ".endif", "R1 n 0 1k", ".ends"), 6, 1, /\.temp inside an \.if block of a \.subckt is not supported/);
    expectNetlistError(load("V1 a 0 1", "R1 a 0 1k", ".if (1)", "*@train R1", ".endif"), 5, 3, /annotations are not allowed inside `\.if` blocks/);
  });
  it("plain resistor lines inside .if blocks stay out of the fast lane, so only the taken branch counts", () => {
    const text = ["t", ".param k=2", "V1 a 0 1", "R0 a 0 1k", ".if (k == 1)", "R1 a 0 1k", ".else", "R1 a 0 2k", ".endif", "R9 a 0 4k", ".end"].join("\n");
    const net = parseNetlist(text, "t.cir");
    expect(net.fastR.count).toBe(2); // R0 and R9
    const el = elaborate(net);
    expect(el.elements.filter((e) => e.type === "r").map((e) => [e.name, (e as { ohms: number }).ohms])).toEqual([["r1", 2000]]);
  });
});

describe(".lib", () => {
  it("a missing file, a missing section (naming those there are), a section without .endl", () => {
    expectNetlistError(load(".lib nofile.lib typ", "V1 a 0 1", "R1 a 0 1k"), 2, 6, /cannot read library file 'nofile\.lib' \(.*nofile\.lib\): ENOENT/);
    expectNetlistError(load(".lib models.lib nosuch", "V1 a 0 1", "R1 a 0 1k"), 2, 17, /library file 'models\.lib' has no section 'nosuch' \(its sections: good, loop, ping, pong, badline\)/);
    expectNetlistError(load(".lib noend.lib open", "V1 a 0 1", "R1 a 0 1k"), 1, 1, /library section 'open' has no `\.endl`/, path.join(FIX, "noend.lib"));
    expectNetlistError(load(".lib models.lib", "V1 a 0 1"), 2, 1, /`\.lib models\.lib` starts a library section, which is read only from a file named by `\.lib FILE models\.lib`/);
    expectNetlistError(load(".lib", "V1 a 0 1"), 2, 1, /`\.lib` needs a file and a section name/);
  });
  it("a section that includes itself, directly or through another, is an error naming the chain", () => {
    const e = expectNetlistError(load(".lib models.lib loop", "V1 a 0 1"), 7, 17, /recursive \.lib: section 'loop' of 'models\.lib' includes itself/, path.join(FIX, "models.lib"));
    expect(e.message).toContain("loop in ");
    expectNetlistError(load(".lib models.lib ping", "V1 a 0 1"), 13, 17, /recursive \.lib: section 'ping'/, path.join(FIX, "models.lib"));
  });
  it("errors in a section point into the library; section definitions outside a library and a stray .endl are refused", () => {
    expectNetlistError(load(".lib models.lib badline", "V1 a 0 1"), 16, 11, /r3: unexpected '2k'/, path.join(FIX, "models.lib"));
    expectNetlistError(load("V1 a 0 1", ".lib sec", "R1 a 0 1k", ".endl"), 3, 1, /`\.lib sec` starts a library section/);
    expectNetlistError(load("V1 a 0 1", "R1 a 0 1k", ".endl"), 4, 1, /`\.endl` without a library section/);
  });
  it("the same section twice defines its elements twice (as in ngspice)", () => {
    expectNetlistError(load(".lib models.lib good", ".lib models.lib GOOD", "V1 a 0 1"), 3, 1, /duplicate element name 'r1'/, path.join(FIX, "models.lib"));
  });
});

describe(".include inside .subckt", () => {
  it("its lines belong to the subcircuit (not the fast lane) and their errors point into the included file", () => {
    const text = ["t", "V1 a 0 1", "X1 a 0 s", ".subckt s p q", ".include inner.inc", ".ends", ".end"].join("\n");
    expectNetlistError(() => loadCircuitFromText(text, FILE), 2, 1, /N1'.*OSDI \(Verilog-A\) devices.*not supported/, path.join(FIX, "inner.inc"));
  });
});

describe("resistor models", () => {
  it("unknown model parameters and model types are refused at their place", () => {
    expectNetlistError(load(".model rm R (r=1k foo=2)", "V1 a 0 1", "R1 a 0 rm"), 2, 19, /unknown resistor model parameter 'foo' in \.model rm \(R models take: rsh narrow/);
    expectNetlistError(load(".model vd NUMOS", "V1 a 0 1"), 2, 11, /model type 'NUMOS' is not supported \(eqspice has diode models D, resistor models R, MOSFET models NMOS and PMOS \(levels 1-3\) and VDMOS, bipolar models NPN and PNP \(level 1, and VBIC levels 4 and 9\), JFET models NJF and PJF \(level 1\), MESFET\/HFET models NMF, PMF, NHFET and PHFET \(levels 1-5\), switch models SW and CSW, and transmission-line models LTRA, URC, TXL and CPL\)/);
    expectNetlistError(load(".model rm R (r=1k)", "V1 a 0 1", "R1 a b 1k", "D1 b 0 rm"), 5, 8, /model 'rm' is a resistor model .* not a diode model/);
  });
  it("an infinite geometry (W = 2 NARROW), a negative temperature factor, TNOM below absolute zero", () => {
    expectNetlistError(load(".model rs R (rsh=100 narrow=1u)", "V1 a 0 1", "R1 a 0 rs w=2u"), 4, 1, /r1: resistance Infinity ohm from model rs .* is not a finite nonzero number/);
    expectNetlistError(load(".model rt R (r=1k tc1=-0.1)", "V1 a 0 1", "R1 a 0 rt", ".temp 50"), 4, 1, /r1: at 50 C its temperature factor 1 \+ tc1 dT \+ tc2 dT\^2 is -1\.3\d*, not positive/);
    expectNetlistError(load(".model rt R (r=1k tnom=-300)", "V1 a 0 1", "R1 a 0 rt"), 2, 24, /TNOM must be above -273\.15 C/);
    expectNetlistError(load("V1 a 0 1", "R1 a 0 1k w=-1u"), 3, 13, /r1: w must be positive/);
  });
  it("a model with neither R nor RSH gives 1 mOhm with a warning, as ngspice", () => {
    const c = load(".model rp R", "V1 a 0 1", "R1 a b rp", "R2 b 0 1k")();
    expect(c.warnings.some((w) => /r1: no resistance .*1 mOhm, as ngspice/.test(w))).toBe(true);
    expect(operatingPoint(c).branches.v1).toBeCloseTo(-1 / 1000.001, 12);
  });
  it("a value word that names no model is still read as a parameter", () => {
    expect(op(".model rm R (r=5k)", ".param rv=2k", "V1 a 0 1", "R1 a 0 rv").branches.v1).toBeCloseTo(-0.5e-3, 15);
    expectNetlistError(load(".model rm R (r=5k)", "V1 a 0 1", "R1 a 0 rq"), 4, 8, /bad number 'rq' for resistance \(no parameter 'rq'\)/);
  });
});

describe("diode breakdown parameters", () => {
  it("BV, IBV and NBV must be positive, at the parameter", () => {
    expectNetlistError(load(".model dz D(bv=-5)", "V1 a 0 1", "R1 a b 1k", "D1 0 b dz"), 2, 16, /\.model dz: BV must be positive/);
    expectNetlistError(load(".model dz D(bv=5 ibv=0)", "V1 a 0 1", "R1 a b 1k", "D1 0 b dz"), 2, 22, /\.model dz: IBV must be positive/);
    expectNetlistError(load(".model dz D(bv=5 nbv=-1)", "V1 a 0 1", "R1 a b 1k", "D1 0 b dz"), 2, 22, /\.model dz: NBV must be positive/);
  });
  it("a zener clamps: 12 V through 1k onto a 5 V zener holds the node at the breakdown law's voltage for its current", () => {
    const r = op(".model dz D(is=1e-14 bv=5 ibv=1m)", ".options reltol=1e-9", "V1 a 0 12", "R1 a b 1k", "D1 0 b dz");
    const v = r.nodes.b;
    const i = (12 - v) / 1000 - 1e-12 * v; // minus GMIN's share
    // below -xbv the current is IS exp((v - xbv) / Vt), and IS (exp((5 - xbv) / Vt) - 1 + xbv / Vt) = 1 mA fixes xbv
    const vt = (1.38064852e-23 * 300.15) / 1.6021766208e-19;
    let xbv = 5;
    for (let k = 0; k < 200; k++) xbv = 5 - vt * Math.log(1e-3 / 1e-14 + 1 - xbv / vt);
    expect(v).toBeGreaterThan(5);
    expect(v).toBeCloseTo(xbv + vt * Math.log(i / 1e-14), 9);
  });
});

describe("TEMPER", () => {
  it("a temperature that depends on TEMPER itself is refused", () => {
    expectNetlistError(load(".param t={temper+1}", ".temp {t}", "V1 a 0 1", "R1 a 0 1k"), 3, 7, /the circuit temperature depends on TEMPER/);
  });
  it("a .temp given by a parameter sets TEMPER (two passes agree)", () => {
    expect(op(".param t=77", ".temp {t}", "V1 a 0 1", "R1 a 0 {1k + 10*temper}").branches.v1).toBeCloseTo(-1 / 1770, 15);
    expect(op(".param hot=1", ".if (hot)", ".temp 127", ".endif", "V1 a 0 1", "R1 a 0 {temper}").branches.v1).toBeCloseTo(-1 / 127, 15);
  });
});

describe("a netlist file", () => {
  it("reads .lib FILE relative to itself, not to the working directory", () => {
    expect(operatingPoint(loadCircuit(path.join(FIX, "uses-lib.cir"))).branches.v1).toBeCloseTo(-1e-3, 15);
  });
});
