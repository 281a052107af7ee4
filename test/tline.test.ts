/**
 * Transmission lines at DC: the lossless T, the lossy O (LTRA: RC, RLC,
 * LC and RG lines), Y (TXL), P (CPL coupled lines) and U (URC, the RC or
 * diode ladder ngspice builds). Their stamps against finite differences of
 * an independent transcription of the equations ngspice's load routines
 * write under MODEDC; operating points and .dc sweeps against a live
 * ngspice, internal nodes included where eqspice reports them (the URC
 * ladder's); the transient and AC refusals of T, O, Y, P; bad lines and
 * cards, each a NetlistError at its place.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { acSweepFromText, dcSweepFromText, loadCircuitFromText, opFromFile, transient } from "../src/api.js";
import { NetlistError } from "../src/util/errors.js";
import { ngspiceDecks, TIGHT } from "./helpers/ngspice-compare.js";
import { describeNgspice, itNgspice, runNgspiceOp } from "./helpers/ngspice.js";
import { GMIN, checkStamp } from "./helpers/stamp-check.js";
import { netlistErrorCheck } from "./helpers/netlist-errors.js";

const expectNetlistError = netlistErrorCheck("bad.cir");

/** The device `name` of `deck`, its node count and node index by name (internal nodes included). */
function deviceOf(deck: string, name: string) {
  const c = loadCircuitFromText(deck, "t.cir");
  const dev = c.devices.find((d) => d.name === name);
  if (!dev) throw new Error(`no device ${name}`);
  const idx = (n: string): number => {
    const k = c.nodeIndex.get(n);
    if (k === undefined) throw new Error(`no node ${n}`);
    return k;
  };
  return { dev, n: c.nodeNames.length - 1, idx };
}

/** Node voltages (index = node) from a seed, ground 0. */
function volts(n: number, seed: number): number[] {
  const v = [0];
  for (let k = 1; k <= n; k++) v.push(Math.sin(seed * k + 0.3) * 2 + 0.1 * k);
  return v;
}

describe("DC stamps against finite differences of ngspice's MODEDC equations", () => {
  it("T: Z0 to the internal nodes, and V(int1) - V(neg1) - (V(pos2) - V(neg2)) - (1 - gmin) Z0 i2 = 0 (and the exchanged port)", () => {
    for (const [deck, neg1, neg2] of [
      ["t\nT1 a b c d z0=75 td=2n\nr1 a 0 1\nr2 b 0 1\nr3 c 0 1\nr4 d 0 1\n", "b", "d"],
      ["t\nT1 a 0 c 0 z0=50 f=1g nl=0.5\nr1 a 0 1\nr3 c 0 1\n", "0", "0"],
    ] as const) {
      const { dev, n, idx } = deviceOf(deck, "t1");
      const Z = deck.includes("z0=75") ? 75 : 50;
      const at = (v: number[], nm: string) => (nm === "0" ? 0 : v[idx(nm)]);
      const cur = (v: number[]): number[] => {
        const out = new Array(n + 1).fill(0);
        const [p1, n1, p2, n2] = [at(v, "a"), at(v, neg1), at(v, "c"), at(v, neg2)];
        const [i1, i2, m1, m2] = ["t1#i1", "t1#i2", "t1#int1", "t1#int2"].map((s) => v[idx(s)]);
        const add = (nm: string, x: number) => {
          if (nm !== "0") out[idx(nm)] += x;
        };
        add("a", (p1 - m1) / Z);
        add("t1#int1", (m1 - p1) / Z + i1);
        add(neg1, -i1);
        add("c", (p2 - m2) / Z);
        add("t1#int2", (m2 - p2) / Z + i2);
        add(neg2, -i2);
        add("t1#i1", m1 - n1 - (p2 - n2) - (1 - GMIN) * Z * i2);
        add("t1#i2", m2 - n2 - (p1 - n1) - (1 - GMIN) * Z * i1);
        return out;
      };
      checkStamp(dev, n, volts(n, 1.7), cur);
    }
  });

  it("O: the RG line's cosh / sinh two-port, and the RLC line's series R len between the positive terminals", () => {
    const [R, G, len] = [3, 0.02, 7];
    const rg = deviceOf(`o\nO1 a b c d lrg\nr1 a 0 1\nr2 b 0 1\nr3 c 0 1\nr4 d 0 1\n.model lrg ltra r=${R} g=${G} len=${len}\n`, "o1");
    const th = len * Math.sqrt(R * G);
    const [ch, rs, gs] = [Math.cosh(th), Math.sinh(th) * Math.sqrt(R / G), Math.sinh(th) * Math.sqrt(G / R)];
    checkStamp(rg.dev, rg.n, volts(rg.n, 0.9), (v) => {
      const out = new Array(rg.n + 1).fill(0);
      const [p1, n1, p2, n2, i1, i2] = ["a", "b", "c", "d", "o1#i1", "o1#i2"].map((s) => v[rg.idx(s)]);
      out[rg.idx("a")] += i1;
      out[rg.idx("b")] -= i1;
      out[rg.idx("c")] += i2;
      out[rg.idx("d")] -= i2;
      out[rg.idx("o1#i1")] += p1 - n1 - ch * (p2 - n2) + (1 + GMIN) * rs * i2;
      out[rg.idx("o1#i2")] += ch * i2 - (1 + GMIN) * gs * (p2 - n2) + i1;
      return out;
    });
    const rlc = deviceOf("o\nO1 a b c d lrlc\nr1 a 0 1\nr2 b 0 1\nr3 c 0 1\nr4 d 0 1\n.model lrlc ltra r=0.5 l=1n c=1p len=12\n", "o1");
    checkStamp(rlc.dev, rlc.n, volts(rlc.n, 2.1), (v) => {
      const out = new Array(rlc.n + 1).fill(0);
      const [p1, , p2, , i1, i2] = ["a", "b", "c", "d", "o1#i1", "o1#i2"].map((s) => v[rlc.idx(s)]);
      out[rlc.idx("a")] += i1;
      out[rlc.idx("b")] -= i1;
      out[rlc.idx("c")] += i2;
      out[rlc.idx("d")] -= i2;
      out[rlc.idx("o1#i1")] += i1 + i2;
      out[rlc.idx("o1#i2")] += p1 - p2 - 0.5 * 12 * i1;
      return out;
    });
  });

  it("P: per line 0.1 gmin on the (in, out) block, i1 + i2 = 0 and V(in) - V(out) = R_mm len i1; Y alike with one line", () => {
    const deck = "p\nP1 a b 0 c d 0 pl len=3\nr1 a 0 1\nr2 b 0 1\nr3 c 0 1\nr4 d 0 1\n.model pl cpl r=0.2 0.05 0.3 l=1n 0.1n 1n g=0 0 0 c=1p -0.1p 1p length=24\n";
    const { dev, n, idx } = deviceOf(deck, "p1");
    checkStamp(dev, n, volts(n, 0.4), (v) => {
      const out = new Array(n + 1).fill(0);
      const line = (pos: string, neg: string, m: number, r: number) => {
        const [vp, vn, b1, b2] = [pos, neg, `p1#branch1_${m}`, `p1#branch2_${m}`].map((s) => v[idx(s)]);
        out[idx(pos)] += 0.1 * GMIN * (vp + vn) + b1;
        out[idx(neg)] += 0.1 * GMIN * (vp + vn) + b2;
        out[idx(`p1#branch1_${m}`)] += b1 + b2;
        out[idx(`p1#branch2_${m}`)] += vp - vn - r * 3 * b1;
      };
      line("a", "c", 0, 0.2);
      line("b", "d", 1, 0.3);
      return out;
    });
    const y = deviceOf("y\nY1 a 0 c 0 yl\nr1 a 0 1\nr3 c 0 1\n.model yl txl r=1.5 l=1n g=0 c=1p length=10\n", "y1");
    checkStamp(y.dev, y.n, volts(y.n, 1.1), (v) => {
      const out = new Array(y.n + 1).fill(0);
      const [vp, vn, b1, b2] = ["a", "c", "y1#branch1", "y1#branch2"].map((s) => v[y.idx(s)]);
      out[y.idx("a")] += 0.1 * GMIN * (vp + vn) + b1;
      out[y.idx("c")] += 0.1 * GMIN * (vp + vn) + b2;
      out[y.idx("y1#branch1")] += b1 + b2;
      out[y.idx("y1#branch2")] += vp - vn - 15 * b1;
      return out;
    });
  });

  it("U: the ladder of urcsetup.c (lumps, R, C and the diodes' IS, CJO, RS, area)", () => {
    const c = loadCircuitFromText("u\nv1 a 0 1\nU1 a b 0 um l=1m n=3\nr1 b 0 1k\n.model um urc rperl=1k cperl=2p isperl=1e-12 rsperl=10 k=2\n", "u.cir");
    const names = c.devices.map((d) => d.name).filter((nm) => nm.startsWith("u1#")).sort();
    expect(names).toEqual(["u1#dhi1", "u1#dhi2", "u1#dlo1", "u1#dlo2", "u1#dlo3"]);
    // r0 = 1, r1 = r0 (p - 1) / (2 p^n - 2) = 1/14; the resistors grow by p per lump
    const r = c.resistors;
    const ohms: number[] = [];
    for (let k = 0; k < r.g.length; k++) ohms.push(1 / r.g[k]);
    const want = [1 / 14, 1 / 14, 2 / 14, 2 / 14, 4 / 14, 4 / 14, 1000];
    expect(ohms.length).toBe(want.length);
    ohms.sort((x, y) => x - y).forEach((o, k) => expect(o).toBeCloseTo(want[k], 12));
    for (const nm of ["u1#hi1", "u1#hi2", "u1#hi3", "u1#lo1", "u1#lo2"]) expect(c.nodeIndex.has(nm), nm).toBe(true);
    expect(c.nodeIndex.has("u1#lo3")).toBe(false); // the last lump's low side is its hi node
  });
});

// ngspice

const { dir, compareDc } = ngspiceDecks("tline");
const worstOf = new Map<string, number>();

/** Both operating points of deck `lines`: every node ngspice prints that eqspice reports (all but the lines' own internal nodes and branch rows) to vtol. */
function compare(name: string, lines: string[], vtol = 1e-9): Record<string, number> {
  const f = path.join(dir, `${name}.cir`);
  writeFileSync(f, [...lines, TIGHT, ".end", ""].join("\n"));
  const ng = runNgspiceOp(f, { ignore: LTRA_NOTES });
  const eq = opFromFile(f);
  const plain = Object.keys(ng.nodes).filter((n) => n !== "0" && !n.includes("#"));
  expect(plain.filter((n) => !(n in eq.nodes)), `${name}: nodes missing`).toEqual([]);
  let w = 0;
  let count = 0;
  for (const [n, v] of Object.entries(ng.nodes)) {
    if (n === "0" || !(n in eq.nodes)) continue;
    count++;
    const dv = Math.abs(eq.nodes[n] - v);
    w = Math.max(w, dv);
    expect(dv, `${name}: v(${n}) eqspice ${eq.nodes[n]} ngspice ${v}`).toBeLessThanOrEqual(vtol * Math.max(1, Math.abs(v)));
  }
  expect(count).toBeGreaterThan(0);
  for (const b of Object.keys(ng.branches).filter((b) => b.startsWith("v"))) {
    expect(Math.abs(eq.branches[b] - ng.branches[b]), `${name}: i(${b})`).toBeLessThanOrEqual(1e-13 + vtol * Math.max(Math.abs(ng.branches[b]), 1e-6));
  }
  worstOf.set(name, w);
  return eq.nodes;
}

/** ltraset.c's notes on an LTRA card without L or C (ngspice says "Fatal error" for C, and runs on with 0). */
const LTRA_NOTES = /(Warning|Fatal error): \S+: lossy line series inductance not given, assumed zero|(Warning|Fatal error): \S+: lossy line parallel capacitance not given, assumed zero/g;
const LTRA_RLC = ".model lrlc ltra r=0.3 l=9n c=1p len=16";
const LTRA_RC = ".model lrc ltra r=25 c=1p len=2";
const LTRA_LC = ".model llc ltra l=9n c=1p len=16";
const LTRA_RG = ".model lrg ltra r=2 g=0.01 len=5";
const TXL = ".model ymod txl r=12.45 l=8.972e-9 g=0 c=0.468e-12 length=16";
const CPL2 = [".model pl cpl", "+ r=0.2 0.05", "+ 0.3", "+ l=9.13e-9 3.3e-9", "+ 9.13e-9", "+ g=0 0 0", "+ c=3.65e-13 -9e-14", "+ 3.65e-13", "+ length=24"];
const CPL3 = [".model pl3 cpl r=1 0 0 2 0 3 l=1n 0.1n 0.1n 1n 0.1n 1n g=0 0 0 0 0 0 c=1p -0.1p -0.1p 1p -0.1p 1p length=2"];

describeNgspice("transmission-line operating points against ngspice (1e-9 V)", () => {
  itNgspice("T: matched, open-ended into a high resistance, shorted through 1 ohm, and with floating return terminals held by resistors", () => {
    compare("t-matched", ["t", "v1 in 0 2", "r1 in a 50", "T1 a 0 b 0 z0=50 td=1n", "r2 b 0 50"]);
    compare("t-open", ["t", "v1 in 0 2", "r1 in a 50", "T1 a 0 b 0 zo=75 f=100meg nl=0.25", "r2 b 0 1meg"]);
    compare("t-short", ["t", "v1 in 0 -3", "r1 in a 10", "T1 a 0 b 0 z0=300 td=1u", "r2 b 0 1"]);
    compare("t-float", ["t", "v1 in 0 1", "r1 in a 20", "T1 a m b n z0=50 td=1n", "rm m 0 5", "r2 b n 100", "rn n 0 7", "rx b 0 1k"]);
  });

  itNgspice("T in series with a second T and inside a subcircuit, two instances", () => {
    compare("t-chain", ["t", "v1 in 0 1", "r1 in a 25", "T1 a 0 b 0 z0=50 td=1n", "T2 b 0 c 0 z0=100 td=3n", "r2 c 0 75", "r3 b 0 500"]);
    compare("t-subckt", ["t", ".subckt lin p q", "T1 p 0 q 0 z0=60 td=1n", "rq q 0 200", ".ends", "v1 in 0 1.5", "r1 in a 30", "x1 a b lin", "x2 b c lin", "r2 c 0 1k"]);
  });

  itNgspice("O: RLC, RC, LC and RG lines (the RG line's cosh / sinh two-port), floating returns included", () => {
    compare("o-rlc", ["o", "v1 in 0 2", "r1 in a 30", "O1 a 0 b 0 lrlc", "r2 b 0 47", LTRA_RLC]);
    compare("o-rc", ["o", "v1 in 0 2", "r1 in a 30", "O1 a 0 b 0 lrc", "r2 b 0 47", LTRA_RC]);
    compare("o-lc", ["o", "v1 in 0 2", "r1 in a 30", "O1 a 0 b 0 llc", "r2 b 0 47", LTRA_LC]);
    compare("o-rg", ["o", "v1 in 0 2", "r1 in a 3", "O1 a 0 b 0 lrg", "r2 b 0 20", LTRA_RG]);
    compare("o-rg-float", ["o", "v1 in 0 2", "r1 in a 3", "O1 a m b n lrg", "rm m 0 2", "r2 b n 20", "rn n 0 3", LTRA_RG]);
    compare("o-rlc-float", ["o", "v1 in 0 2", "r1 in a 3", "O1 a m b n lrlc", "rm m 0 2", "r2 b n 20", "rn n 0 3", LTRA_RLC]);
  });

  itNgspice("Y (TXL): the model's length and the line's len=, into a resistor and a MOSFET inverter", () => {
    compare("y-model-len", ["y", "v1 in 0 2", "r1 in a 30", "Y1 a 0 b 0 ymod", "r2 b 0 47", TXL]);
    compare("y-len", ["y", "v1 in 0 2", "r1 in a 30", "Y1 a 0 b 0 ymod len=3", "r2 b 0 47", TXL]);
    compare("y-inverter", [
      "y", "vdd 1 0 5", "vin g 0 1.2", "m1 2 g 0 0 mn w=18u l=0.9u", "m2 2 g 1 1 mp w=36u l=1u", "Y1 2 0 3 0 ymod", "r3 3 0 10k", TXL,
      ".model mn nmos vto=0.8 kp=48u gamma=0.3 phi=0.55", ".model mp pmos vto=-0.8 kp=21u gamma=0.45 phi=0.61",
    ]);
  });

  itNgspice("P (CPL): two and three coupled lines, len= and the model's length, and a Y line with a CPL model", () => {
    compare("p-2", ["p", "v1 in 0 2", "v2 in2 0 -1", "r1 in a 30", "r2 in2 b 40", "P1 a b 0 c d 0 pl", "rc c 0 47", "rd d 0 33", ...CPL2]);
    compare("p-2-len", ["p", "v1 in 0 2", "v2 in2 0 -1", "r1 in a 30", "r2 in2 b 40", "P1 a b 0 c d 0 pl len=5", "rc c 0 47", "rd d 0 33", ...CPL2]);
    compare("p-3", ["p", "v1 in 0 1", "r1 in a 3", "r2 in b 4", "r3 in c 5", "P1 a b c 0 d e f 0 pl3 length=4", "rd d 0 7", "re e 0 8", "rf f 0 9", ...CPL3]);
    compare("y-cpl", ["y", "v1 in 0 2", "r1 in a 30", "Y1 a 0 b 0 pl1", "r2 b 0 47", ".model pl1 cpl r=3 l=1n g=0 c=1p length=2"]);
  });

  itNgspice("U (URC): RC ladders (lumps from FMAX, and N=), inside a subcircuit, and diode ladders (ISPERL, RSPERL) forward and reverse biased", () => {
    compare("u-rc", ["u", "v1 in 0 2", "U1 in b 0 um l=20m", "r2 b 0 1meg", ".model um urc cperl=100p rperl=100k fmax=10g"]);
    compare("u-rc-n", ["u", "v1 in 0 2", "r1 in a 1k", "U1 a b 0 um l=1m n=4", "r2 b 0 3k", ".model um urc rperl=1meg k=2"]);
    compare("u-subckt", ["u", ".subckt ut in out g", "U1 in out g um l=20m", ".model um urc cperl=100p rperl=100k fmax=10g", ".ends", "v1 1 0 3", "x1 1 2 0 ut", "r2 2 0 2meg"]);
    compare("u-diodes", ["u", "v1 in 0 2", "r1 in a 1k", "U1 a b 0 umd l=50u n=5", "r2 b 0 10k", ".model umd urc rperl=1e7 cperl=1e-9 isperl=1e-10 rsperl=100 k=2"]);
    compare("u-diodes-rev", ["u", "v2 c 0 -0.8", "U2 c e 0 umd2 l=1m", "r3 e 0 2k", ".model umd2 urc rperl=1e6 cperl=1e-9 isperl=1e-9"]);
  });

  itNgspice(".dc sweeps through T, O and a diode URC", () => {
    compareDc("dc-t", ["t", "v1 in 0 0", "r1 in a 50", "T1 a 0 b 0 z0=50 td=1n", "r2 b 0 75"], "v1 -2 2 0.5");
    compareDc("dc-o", ["o", "v1 in 0 0", "r1 in a 3", "O1 a 0 b 0 lrg", "r2 b 0 20", LTRA_RG], "v1 -2 2 0.5", 1e-9, { ignore: LTRA_NOTES });
    compareDc("dc-u", ["u", "v1 in 0 0", "r1 in a 1k", "U1 a b 0 umd l=50u n=5", "r2 b 0 10k", ".model umd urc rperl=1e7 cperl=1e-9 isperl=1e-10 rsperl=100 k=2"], "v1 -1 3 0.25");
    for (const [k, v] of worstOf) expect(v, k).toBeLessThan(1e-9);
    console.log(`tline: max |dV| per op deck: ${[...worstOf].map(([k, v]) => `${k} ${v.toExponential(1)}`).join(", ")}`);
  });
});

describe("what is refused", () => {
  const T = "t\nv1 in 0 1 ac 1\nr1 in a 50\nT1 a 0 b 0 z0=50 td=1n\nr2 b 0 50\n";
  it("a transient of O, Y, P and of T with TD = 0, an AC analysis of all four: the element and its type named", () => {
    // T's transient runs (tline-tran.test.ts), except with no delay
    const t0 = loadCircuitFromText(T.replace("td=1n", "td=0"), "bad.cir");
    expectNetlistError(() => transient(t0, { tstep: 1e-10, tstop: 1e-9 }), 4, 1, /tran: t1: the lossless transmission line T has TD = 0/);
    expect(transient(loadCircuitFromText(T, "ok.cir"), { tstep: 1e-10, tstop: 1e-9 }).time.length).toBeGreaterThan(5);
    expectNetlistError(() => acSweepFromText(T + ".ac dec 2 1 10\n", "bad.cir"), 4, 1, /ac: t1: the lossless transmission line T .*AC response is not implemented/);
    for (const [line, model, what] of [
      ["O1 a 0 b 0 lm", ".model lm ltra r=1 l=1n c=1p len=1", /O \(LTRA\)/],
      ["Y1 a 0 b 0 ym", TXL.replace("ymod", "ym"), /Y \(TXL\)/],
      ["P1 a 0 b 0 pm", ".model pm cpl r=1 l=1n g=0 c=1p length=1", /P \(CPL\)/],
    ] as const) {
      const deck = `x\nv1 in 0 1 ac 1\nr1 in a 50\n${line}\nr2 b 0 50\n${model}\n`;
      expectNetlistError(() => transient(loadCircuitFromText(deck, "bad.cir"), { tstep: 1e-10, tstop: 1e-9 }), 4, 1, what);
      expectNetlistError(() => acSweepFromText(deck + ".ac dec 2 1 10\n", "bad.cir"), 4, 1, what);
    }
  });

  it("a URC's ladder is R, C and D elements: its transient runs", () => {
    const c = loadCircuitFromText("u\nv1 in 0 pulse(0 1 0 1n 1n 5n 10n)\nU1 in b 0 um l=1m n=3\nr2 b 0 1k\n.model um urc rperl=1k cperl=1p\n", "u.cir");
    const r = transient(c, { tstep: 1e-10, tstop: 2e-9 });
    expect(r.time.length).toBeGreaterThan(5);
  });

  it("bad lines and cards: a NetlistError at the place", () => {
    const bad = (lines: string[], line: number, col: number, msg: RegExp) => expectNetlistError(() => loadCircuitFromText(["bad", "v1 a 0 1", "r1 b 0 1", "r2 c 0 1", ...lines, ""].join("\n"), "bad.cir"), line, col, msg);
    bad(["T1 a 0 b 0 td=1n"], 5, 1, /z0 must be given/);
    bad(["T1 a 0 b 0 z0=0"], 5, 15, /Z0 must be a positive/);
    bad(["T1 a 0 b z0=50"], 5, 13, /missing node 4 of 4/);
    bad(["T1 a 0 b 0 z0=50 zz=3"], 5, 18, /unknown parameter 'zz'/);
    bad(["T1 a 0 b 0 z0=50 td=-1n"], 5, 21, /TD must be positive/);
    bad(["O1 a 0 b 0 lm", ".model lm ltra r=1 l=1n len=1"], 6, 8, /RL line not supported/);
    bad(["O1 a 0 b 0 lm", ".model lm ltra r=1 l=1n c=1p"], 6, 8, /LEN must be given/);
    bad(["O1 a 0 b 0 lm", ".model lm ltra r=1 g=1 c=1p len=1"], 6, 8, /nonzero G \(except the RG line\)/);
    bad(["O1 a 0 b 0 lm", ".model lm ltra c=1p len=1"], 6, 8, /at least two of R, L, G, C/);
    bad(["O1 a 0 b 0 nosuch"], 5, 12, /unknown model 'nosuch'/);
    bad(["O1 a 0 b 0 ym", TXL.replace("ymod", "ym")], 5, 12, /is a TXL model .*not LTRA/);
    bad(["O1 a 0 b 0 lm", ".model lm ltra r=1 l=1n c=1p len=1 lininterp=1"], 6, 45, /'lininterp' is a flag/);
    bad(["Y1 a 0 b 0 ym length=3", TXL.replace("ymod", "ym")], 5, 15, /len=/);
    bad(["Y1 a 0 b 0 ym", ".model ym txl r=1 l=1n c=1p length=1"], 6, 8, /G not given/);
    bad(["Y1 a 0 b 0 ym", ".model ym txl r=1e3 l=1e-14 g=0 c=1p length=1"], 5, 1, /3-pi/);
    bad(["P1 a b 0 c d 0 pm", ".model pm cpl r=1 2 l=1n 0 1n g=0 0 0 c=1p 0 1p length=1"], 6, 17, /R has 2 values; 2 coupled lines need the 3/);
    bad(["P1 a b 0 c 0 pm", ".model pm cpl r=1 l=1n g=0 c=1p length=1"], 5, 14, /expected N in nodes/);
    bad(["P1 a 0 c 0 pm", ".model pm cpl r=1 l=1n g=0 c=1p"], 6, 8, /length must be given/);
    bad(["U1 a b 0 um", ".model um urc"], 5, 1, /L= must be given/);
    bad(["U1 a b 0 um l=0", ".model um urc"], 5, 15, /L must be a positive/);
    bad(["U1 a b 0 um l=1m n=2.5", ".model um urc"], 5, 20, /N \(lumps\) must be a whole number/);
    bad(["U1 a b 0 um l=1m", ".model um urc k=1"], 6, 17, /K must be above 1/);
    bad(["U1 a b 0 dig", ".model dig d_and"], 5, 10, /only as uniform RC lines.*digital U devices are not supported/);
  });

  it("a name the card does not know is ignored with a warning, as ngspice 39 ignores it", () => {
    const c = loadCircuitFromText("x\nv1 a 0 1\nr1 b 0 1\nO1 a 0 b 0 lm\n.model lm ltra r=1 l=1n c=1p len=1 foo=3\n", "w.cir");
    expect(c.warnings.some((w) => w.startsWith("w.cir:5:36: ") && w.includes("unrecognized parameter 'foo' ignored"))).toBe(true);
    expect(() => loadCircuitFromText("x\nv1 a 0 1\nr1 b 0 1\nO1 a 0 b 0 lm\n.model lm ltra r=1 l=1n c=1p len=1 foo=3\n")).not.toThrow(NetlistError);
  });

  it(".dc through a T works (the sweep is DC)", () => {
    const r = dcSweepFromText(T + ".dc v1 0 2 1\n", "t.cir");
    // matched line: v(b) = v(a) = v1 / 2
    expect(r.nodes.b[2]).toBeCloseTo(1, 9);
  });
});
