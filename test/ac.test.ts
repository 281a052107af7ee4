/**
 * AC small-signal analysis (`.ac`, analysis/ac.ts, `eqspice ac`) against
 * live ngspice 39: every node voltage and V-source current phasor at every
 * frequency, |z_eqspice - z_ngspice| <= 1e-6 |z_ngspice| + 1e-9 V (1e-12 A
 * for currents), which bounds the magnitude to 1e-6 relative and the phase
 * to 1e-6 rad; an RC low-pass also against its closed form. Bad cards are
 * NetlistErrors at file:line:col.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { acSweep, acSweepFromText, loadCircuitFromText } from "../src/api.js";
import { runAc } from "../src/analysis/ac.js";
import { elaborate } from "../src/netlist/elaborate.js";
import { parseNetlist } from "../src/netlist/parser.js";
import { InputError, NetlistError } from "../src/util/errors.js";
import { itNgspice, runNgspiceAc } from "./helpers/ngspice.js";
import { TIGHT, ngspiceDecks } from "./helpers/ngspice-compare.js";
import { runCli } from "./helpers/build.js";

const { dir } = ngspiceDecks("ac");
const worst = new Map<string, number>();

/** Run deck `lines` with `.ac ${args}` in both simulators and compare every phasor; returns eqspice's result. */
function compareAc(name: string, lines: string[], args: string, ngLines: string[] = lines, rel = 1e-6): ReturnType<typeof acSweep> {
  const f = path.join(dir, `${name}.cir`);
  writeFileSync(f, [...lines, TIGHT, `.ac ${args}`, ".end", ""].join("\n"));
  const fng = path.join(dir, `${name}-ng.cir`);
  writeFileSync(fng, [...ngLines, TIGHT, ".end", ""].join("\n"));
  const ng = runNgspiceAc(fng, args);
  const eq = acSweep(f);
  expect(Array.from(eq.frequencies).length, `${name}: number of frequencies`).toBe(ng.freq.length);
  eq.frequencies.forEach((fr, k) => expect(Math.abs(fr - ng.freq[k]), `${name}: frequency ${k}`).toBeLessThanOrEqual(1e-12 * ng.freq[k]));
  let w = 0;
  const check = (what: string, a: { re: Float64Array; im: Float64Array } | undefined, b: { re: Float64Array; im: Float64Array }, abs: number) => {
    expect(a, `${name}: ${what} missing`).toBeDefined();
    for (let k = 0; k < ng.freq.length; k++) {
      const d = Math.hypot(a!.re[k] - b.re[k], a!.im[k] - b.im[k]);
      const m = Math.hypot(b.re[k], b.im[k]);
      w = Math.max(w, d / (m + abs));
      expect(d, `${name}: ${what} at ${ng.freq[k]} Hz: eqspice ${a!.re[k]}+j${a!.im[k]}, ngspice ${b.re[k]}+j${b.im[k]}`).toBeLessThanOrEqual(rel * m + abs);
    }
  };
  for (const [n, ph] of Object.entries(ng.nodes)) check(`v(${n})`, eq.nodes[n], ph, 1e-9);
  for (const [b, ph] of Object.entries(ng.branches)) if (b.startsWith("v")) check(`i(${b})`, eq.branches[b], ph, 1e-12);
  worst.set(name, Math.max(worst.get(name) ?? 0, w));
  return eq;
}

describe("ac against ngspice 39", () => {
  itNgspice("an RC low-pass (DEC), also against its closed form 1 / (1 + j w R C)", () => {
    const eq = compareAc("rc", ["rc low-pass", "V1 in 0 DC 1 AC 1", "R1 in out 1k", "C1 out 0 1u"], "dec 10 1 1meg");
    expect(eq.frequencies.length).toBe(61);
    expect(eq.frequencies[60]).toBeCloseTo(1e6, 3);
    eq.frequencies.forEach((f, k) => {
      const wrc = 2 * Math.PI * f * 1e3 * 1e-6;
      const d = 1 + wrc * wrc;
      expect(Math.abs(eq.nodes.out.re[k] - 1 / d)).toBeLessThan(1e-13);
      expect(Math.abs(eq.nodes.out.im[k] + wrc / d)).toBeLessThan(1e-13);
    });
  });
  itNgspice("a series RLC resonator (LIN) and a parallel tank driven by an AC current source with phase", () => {
    compareAc("rlc", ["rlc", "V1 in 0 AC 2 30", "R1 in a 10", "L1 a b 1m", "C1 b 0 1u", "I1 0 t DC 1m AC 1m -45", "R2 t 0 1k", "L2 t 0 10m", "C2 t 0 100n"], "lin 101 1k 10k");
  });
  itNgspice("coupled inductors (K) and an inductor with a V source in series (OCT)", () => {
    compareAc("coupled", ["coupled", "V1 in 0 AC 1", "R1 in p 50", "L1 p 0 1m", "L2 s 0 4m", "K1 L1 L2 0.95", "R2 s 0 200", "Vs s2 s 0", "R3 s2 t 10", "L3 t 0 2m"], "oct 4 100 100k");
  });
  itNgspice("a forward-biased diode with CJO, TT and RS", () => {
    compareAc("diode", ["diode", "V1 in 0 DC 5 AC 1", "R1 in a 4.3k", "D1 a 0 dmod", ".model dmod d is=1e-14 n=1.2 rs=5 cjo=2p vj=0.7 m=0.4 tt=10n"], "dec 5 1k 1g");
  });
  itNgspice("a MOSFET level-1 common-source amplifier with Meyer and junction capacitances", () => {
    compareAc(
      "mos1-cs",
      [
        "mos cs",
        "VDD vdd 0 5",
        "VG g 0 DC 1.5 AC 1",
        "RG g gi 10k",
        "RD vdd d 10k",
        "M1 d gi 0 0 nm w=10u l=1u ad=20p as=20p pd=24u ps=24u",
        "CL d 0 50f",
        ".model nm nmos level=1 vto=0.7 kp=50u lambda=0.02 gamma=0.4 phi=0.65 tox=20n cgso=2e-10 cgdo=2e-10 cgbo=1e-10 cj=2e-4 mj=0.5 cjsw=1e-9 mjsw=0.33 pb=0.8 rd=20 rs=20",
      ],
      "dec 5 1k 10g",
    );
  });
  itNgspice("a PMOS in reversed mode and a MOSFET in the linear region", () => {
    compareAc(
      "mos-rev",
      ["mos reversed", "VS s 0 DC -0.2 AC 1", "VG g 0 -3", "M1 s g d 5 pm w=20u l=2u", "V5 5 0 0", "R1 d 0 1k", "M2 o gg 0 0 nm w=4u l=1u", "VGG gg 0 3", "R2 5b o 1k", "V5b 5b 0 0.5 AC 0.5 90",
        ".model pm pmos level=1 vto=-0.8 kp=20u tox=30n cgso=1e-10 cgdo=1e-10 cbd=5f cbs=5f", ".model nm nmos level=1 vto=0.7 kp=50u tox=20n cgso=1e-10 cgdo=1e-10"],
      "dec 4 10k 10g",
    );
  });
  itNgspice("a BJT common-emitter amplifier with CJE, CJC, CJS, TF, TR and RB, RC, RE", () => {
    compareAc(
      "bjt-ce",
      [
        "bjt ce",
        "VCC vcc 0 12",
        "VIN in 0 DC 0 AC 1",
        "CIN in b 10u",
        "RB1 vcc b 100k",
        "RB2 b 0 20k",
        "RC vcc c 4.7k",
        "RE e 0 1k",
        "CE e 0 100u",
        "Q1 c b e 0 qn",
        ".model qn npn is=1e-15 bf=150 br=3 vaf=80 rb=100 rc=10 re=1 cje=8p vje=0.75 mje=0.33 cjc=3p vjc=0.6 mjc=0.4 xcjc=0.7 cjs=2p tf=0.4n tr=20n xtf=3 vtf=4 itf=0.1",
      ],
      "dec 5 10 10g",
    );
  });
  itNgspice("E, F, G and H sources", () => {
    compareAc(
      "controlled",
      ["efgh", "V1 in 0 AC 1 10", "R1 in a 1k", "C1 a 0 1n", "E1 e 0 a 0 3", "R2 e f 2k", "Vsense f 0 0", "F1 0 g Vsense 5", "R3 g 0 1k", "G1 0 h g 0 2m", "R4 h 0 1k", "C4 h 0 2n", "H1 k 0 Vsense 500", "R5 k 0 1k"],
      "dec 10 100 10meg",
    );
  });
  itNgspice("a B source linearized at the operating point (V= and I=, a node voltage and a branch current)", () => {
    compareAc(
      "bsource",
      ["bsource", "V1 in 0 DC 0.7 AC 1", "R1 in a 1k", "Va a a2 0", "C1 a2 0 10n", "B1 o 0 V=2*v(a)^2 + 100*i(Va)", "R2 o 0 1k", "B2 0 q I=1m*tanh(3*v(o)) + 1e-3*v(a)*v(o)", "R3 q 0 1k", "C3 q 0 1n"],
      "dec 5 100 100meg",
    );
  });
  // ngspice 39's SWacLoad reads a switch state its small-signal load leaves at 0: every switch is off in
  // its AC analysis, whatever the operating point (an on switch conducts 1/RON in its op and transient).
  // eqspice takes the operating point's state, so the reference is ngspice with each switch replaced
  // by its resistance in that state.
  itNgspice("voltage-controlled switches, one on and one off at the operating point (ngspice with RON, ROFF resistors)", () => {
    const common = ["switch", "V1 in 0 AC 1", "VC c 0 2", "R1 a 0 1k", "C1 a 0 1u", "R2 b 0 1k", ".model sw sw vt=1 vh=0.2 ron=10 roff=1meg"];
    compareAc("switch", [...common, "S1 in a c 0 sw", "S2 in b 0 c sw"], "dec 5 1 100k", [...common, "RS1 in a 10", "RS2 in b 1meg"]);
  });
  itNgspice("an AC source inside a subcircuit, floating V sources and a V source between fixed nodes", () => {
    compareAc(
      "subckt",
      [
        "subckt",
        ".subckt stage in out",
        "Vs in x DC 0.1 AC 0.5 -30",
        "R1 x out 1k",
        "C1 out 0 1n",
        ".ends",
        "V1 a 0 DC 1 AC 1",
        "V2 b a DC 0.5",
        "X1 b o stage",
        "X2 o o2 stage",
        "R2 o2 0 10k",
      ],
      "dec 10 1k 100meg",
    );
  });
  itNgspice("MOSFET levels 2 and 3 (the same device, their own channel) and a LIN sweep from 0 Hz", () => {
    const common = ["VDD vdd 0 5", "VG g 0 DC 1.8 AC 1", "RD vdd d 5k", "CL d 0 20f"];
    compareAc("mos2", ["mos2", ...common, "M1 d g 0 0 m2 w=10u l=2u", ".model m2 nmos level=2 vto=0.7 kp=40u gamma=0.5 phi=0.7 lambda=0.01 tox=25n nsub=1e16 ucrit=1e4 uexp=0.1 cgso=1e-10 cgdo=1e-10 cbd=10f cbs=10f"], "lin 11 0 1g");
    // Level 3: ngspice's mos3load.c gm is not the derivative of its drain current (here 2.1458e-4 S
    // against 2.1502e-4 S by central differences of that current, which eqspice's channel gives): the
    // gain differs by that 0.2%, the operating point agrees to 1e-15 V. Compared to 5e-3.
    const lines3 = ["mos3", ...common, "M1 d g 0 0 m3 w=10u l=2u", ".model m3 nmos level=3 vto=0.7 kp=40u gamma=0.5 phi=0.7 tox=25n nsub=1e16 theta=0.05 eta=0.02 kappa=0.3 cgso=1e-10 cgdo=1e-10 cj=1e-4 pb=0.8"];
    compareAc("mos3", lines3, "dec 3 1k 1g", lines3, 5e-3);
  });
  itNgspice("a bidirectional amplifier (E/V/F triple, reduced for op and training) is analysed unreduced", () => {
    const lines = ["amp", "V1 in 0 DC 0.3 AC 1", "R1 in h 1k", "C1 h 0 1n", "D1 h 0 dm", "EA ai 0 h 0 4", "VA ai a DC 0", "FA h 0 VA 0.25", "R2 a o 2k", "R3 o 0 1k", "C3 o 0 2n", ".model dm d is=1e-12 cjo=1p"];
    const text = [...lines, ".ac dec 2 1k 1meg", ".end", ""].join("\n");
    const reduced = loadCircuitFromText(text, "amp.cir");
    expect(reduced.amplifiers).not.toBeNull();
    expect(() => runAc({ circuit: reduced, spec: elaborate(parseNetlist(text, "amp.cir")).ac! }, { begin() {}, point() {} })).toThrow(/without the amplifier reduction/);
    compareAc("amplifier", lines, "dec 5 1k 100meg");
  });
  it("reports the worst relative phasor difference per deck", () => {
    if (worst.size) console.log(`ac: max |z - z_ngspice| / (|z_ngspice| + abs) per deck:\n${[...worst].map(([k, v]) => `  ${k}: ${v.toExponential(2)}`).join("\n")}`);
  });
});

describe("ac frequencies as ngspice 39 makes them", () => {
  const freqs = (card: string) => Array.from(acSweepFromText(`t\nV1 a 0 AC 1\nR1 a 0 1k\n${card}\n.end\n`, "t.cir").frequencies);
  it("DEC spreads floor(N decades) steps evenly between FSTART and FSTOP", () => {
    const f = freqs(".ac dec 3 10 1.5k");
    expect(f.length).toBe(7);
    const r = Math.pow(150, 1 / 6);
    f.forEach((v, k) => expect(v).toBeCloseTo(10 * Math.pow(r, k), 9));
  });
  it("OCT steps by 2^(1/N) from FSTART and stops at or below FSTOP", () => {
    const f = freqs(".ac oct 2 10 100");
    expect(f.length).toBe(7);
    expect(f[6]).toBeCloseTo(80, 9);
  });
  it("LIN makes N points from FSTART to FSTOP; N = 1 is FSTART alone; N is rounded", () => {
    expect(freqs(".ac lin 4 10 100")).toEqual([10, 40, 70, 100]);
    expect(freqs(".ac lin 1 10 100")).toEqual([10]);
    expect(freqs(".ac lin 2 10 100")).toEqual([10]); // ngspice 39: a step only from 3 points on
    expect(freqs(".ac lin 3 0 100")).toEqual([0, 50, 100]);
    expect(freqs(".ac dec 2.7 10 100").length).toBe(4);
  });
  it("parameters and expressions in the card", () => {
    expect(acSweepFromText(`t\n.param n=2 f1=100\nV1 a 0 AC 1\nR1 a 0 1k\n.ac dec {n} {f1} {f1*100}\n.end\n`).frequencies.length).toBe(5);
  });
});

describe("ac bad input", () => {
  const deck = (card: string) => `t\nV1 a 0 AC 1\nR1 a 0 1k\n${card}\n.end\n`;
  const fails = (card: string, re: RegExp, line = 4) => {
    let err: unknown;
    try {
      acSweepFromText(deck(card), "bad.cir");
    } catch (e) {
      err = e;
    }
    expect(err, card).toBeInstanceOf(NetlistError);
    expect(String((err as Error).message), card).toMatch(re);
    expect((err as NetlistError).loc?.file).toBe("bad.cir");
    expect((err as NetlistError).loc?.line).toBe(line);
  };
  it("a netlist without .ac", () => {
    expect(() => acSweepFromText(deck("* none"), "none.cir")).toThrow(InputError);
    expect(() => acSweepFromText(deck("* none"), "none.cir")).toThrow(/no \.ac card/);
  });
  it("bad cards name the card, at file:line:col", () => {
    fails(".ac", /needs a sweep type/);
    fails(".ac log 10 1 1k", /DEC, OCT or LIN/);
    fails(".ac dec 10 1", /missing FSTOP/);
    fails(".ac dec 10 1 1k 5", /unexpected '5'/);
    fails(".ac dec 0 1 1k", /N is 0/);
    fails(".ac dec 10 0 1k", /FSTART is 0 Hz/);
    fails(".ac dec 10 1k 1", /FSTOP 1 Hz is below/);
    fails(".ac dec 3 10 12", /less than one step/);
    fails(".ac lin 5 100 10", /below FSTART/);
    fails(".ac dec 10 1 {undefined_param}", /undefined_param/);
  });
  it("AC= without value and a second AC value on a source", () => {
    expect(() => acSweepFromText("t\nV1 a 0 AC=\nR1 a 0 1k\n.ac dec 1 1 10\n.end\n", "s.cir")).toThrow(/s\.cir:2:8: v1: 'AC=' has no value/);
    expect(() => acSweepFromText("t\nV1 a 0 AC 1 AC 2\nR1 a 0 1k\n.ac dec 1 1 10\n.end\n", "s.cir")).toThrow(/a second AC value/);
  });
  it("a device without small-signal model, and a BJT with excess phase, are refused", () => {
    const text = "t\nV1 a 0 AC 1\nR1 a 0 1k\n.ac dec 1 1 10\n.end\n";
    const c = loadCircuitFromText(text, "t.cir", { reduceAmplifiers: false });
    const spec = elaborate(parseNetlist(text, "t.cir")).ac!;
    c.devices.push({ name: "zz1", linear: true, symmetric: true, nodes: [], setup() {}, load() {}, addCurrents() {} });
    expect(() => runAc({ circuit: c, spec }, { begin() {}, point() {} })).toThrow(/zz1: no small-signal model/);
    expect(() => acSweepFromText("t\nV1 b 0 5\nV2 a 0 AC 1\nQ1 b a 0 q\n.model q npn tf=1n ptf=30\n.ac dec 1 1 10\n.end\n")).toThrow(/q1: excess phase \(PTF\)/);
  });
  it("a bare AC is magnitude 1, and AC mag phase (degrees) sets the phasor", () => {
    const r = acSweepFromText("t\nV1 a 0 AC\nI1 0 b AC 2 90\nR1 b 0 1\n.ac lin 1 1 1\n.end\n");
    expect(r.nodes.a.re[0]).toBe(1);
    expect(r.nodes.b.re[0]).toBeCloseTo(0, 15);
    expect(r.nodes.b.im[0]).toBeCloseTo(2, 15);
  });
});

describe("eqspice ac (CLI)", () => {
  const netlist = path.join(dir, "cli.cir");
  writeFileSync(netlist, "cli rc\nV1 in 0 AC 1\nR1 in out 1k\nC1 out 0 1u\n.ac dec 2 10 1k\n.end\n");
  it("writes CSV (magnitude and phase in degrees) and JSON (real and imaginary parts)", async () => {
    const csv = path.join(dir, "rc.csv");
    const r1 = await runCli(["ac", netlist, "--out", csv, "--quiet"]);
    expect(r1.code, r1.stderr).toBe(0);
    const lines = readFileSync(csv, "utf8").trim().split("\n");
    expect(lines[0]).toBe("frequency,vm(in),vp(in),vm(out),vp(out),im(v1),ip(v1)");
    expect(lines.length).toBe(6);
    const row = lines[5].split(",").map(Number);
    const wrc = 2 * Math.PI * 1000 * 1e-3;
    expect(row[0]).toBeCloseTo(1000, 9);
    expect(row[3]).toBeCloseTo(1 / Math.hypot(1, wrc), 12);
    expect(row[4]).toBeCloseTo((-Math.atan(wrc) * 180) / Math.PI, 10);
    const json = path.join(dir, "rc.json");
    const r2 = await runCli(["ac", netlist, "--out", json, "--format", "reim", "--probe", "out,i(v1)", "--quiet"]);
    expect(r2.code, r2.stderr).toBe(0);
    const j = JSON.parse(readFileSync(json, "utf8"));
    const cols = j.columns ?? Object.keys(j);
    expect(JSON.stringify(cols)).toMatch(/frequency.*vr\(out\).*vi\(out\).*ir\(v1\).*ii\(v1\)/);
  });
  it("a Bode page, and errors that write nothing", async () => {
    const html = path.join(dir, "rc.html");
    const r = await runCli(["ac", netlist, "--out", html, "--quiet"]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(html, "utf8")).toMatch(/"type":"log"/);
    const bad = path.join(dir, "bad.cir");
    writeFileSync(bad, "bad\nV1 in 0 AC 1\nR1 in 0 1k\n.ac dec 10 1k 1\n.end\n");
    const out = path.join(dir, "bad.csv");
    const r2 = await runCli(["ac", bad, "--out", out]);
    expect(r2.code).not.toBe(0);
    expect(r2.stderr).toMatch(/bad\.cir:4:\d+.*FSTOP 1 Hz is below/);
    expect(existsSync(out)).toBe(false);
    const r3 = await runCli(["ac", netlist, "--out", out, "--probe", "nope"]);
    expect(r3.code).not.toBe(0);
    expect(r3.stderr).toMatch(/no quantity 'v\(nope\)'/);
    expect(existsSync(out)).toBe(false);
    const r4 = await runCli(["ac", netlist, "--format", "polar"]);
    expect(r4.stderr).toMatch(/--format: expected magphase or reim/);
  });
});
