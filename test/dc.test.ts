/**
 * `.dc` sweeps against live ngspice 39 (every node voltage and V-source
 * current at every point, to 1e-9 V with tight tolerances), closed forms,
 * bad cards (a NetlistError at file:line:col, nothing written) and the
 * `eqspice dc` command's CSV and JSON.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { dcSweep, dcSweepFromText } from "../src/api.js";
import { NetlistError } from "../src/util/errors.js";
import { itNgspice, runNgspiceDc } from "./helpers/ngspice.js";
import { TIGHT, ngspiceDecks } from "./helpers/ngspice-compare.js";
import { runCli } from "./helpers/build.js";
import { buildLayered } from "../circuits/layered.js";

const { dir, worst } = ngspiceDecks("dc");

/** Sweep deck `lines` (its `.dc` card is `.dc ${args}`) with both simulators; every point must agree to `vtol` (relative above 1 V). */
function compareDc(name: string, lines: string[], args: string, vtol = 1e-9): ReturnType<typeof dcSweep> {
  const f = path.join(dir, `${name}.cir`);
  writeFileSync(f, [...lines, TIGHT, `.dc ${args}`, ".end", ""].join("\n"));
  const ng = runNgspiceDc(f, args);
  const eq = dcSweep(f);
  const n = ng.sweep.length;
  expect(eq.stats.points, `${name}: points`).toBe(n);
  for (let p = 0; p < n; p++) expect(Math.abs(eq.sweeps[0].values[p] - ng.sweep[p]), `${name}: sweep value ${p}`).toBeLessThan(1e-12 * Math.max(1, Math.abs(ng.sweep[p])));
  const nodes = Object.keys(eq.nodes);
  expect(nodes.filter((k) => !(k in ng.nodes)), `${name}: nodes ngspice lacks`).toEqual([]);
  let w = 0;
  for (const k of nodes) {
    for (let p = 0; p < n; p++) {
      const a = eq.nodes[k][p];
      const b = ng.nodes[k][p];
      const dv = Math.abs(a - b);
      w = Math.max(w, dv);
      expect(dv, `${name}: v(${k}) at point ${p} (sweep ${ng.sweep[p]}): eqspice ${a} ngspice ${b}`).toBeLessThanOrEqual(vtol * Math.max(1, Math.abs(b)));
    }
  }
  worst.set(name, w);
  const vs = Object.keys(ng.branches).filter((b) => b.startsWith("v") || b.includes(".v"));
  expect(vs.filter((b) => !(b in eq.branches)), `${name}: source currents missing`).toEqual([]);
  for (const b of vs) {
    for (let p = 0; p < n; p++) {
      const i = ng.branches[b][p];
      const got = eq.branches[b][p];
      expect(Math.abs(got - i), `${name}: i(${b}) at point ${p}: eqspice ${got} ngspice ${i}`).toBeLessThanOrEqual(1e-13 + vtol * Math.max(Math.abs(i), 1e-6));
    }
  }
  return eq;
}

const DIODE = [".model DM D(IS=1e-14 N=1.5 RS=2 BV=5 IBV=1e-6)"];

describe("DC sweeps against ngspice", () => {
  itNgspice("diode I-V: a voltage source through 100 ohm, forward and reverse into breakdown", () => {
    const eq = compareDc("diode-iv", ["diode I-V", "V1 a 0 0", "R1 a b 100", "D1 b 0 DM", ...DIODE], "V1 -6 1 0.05");
    expect(eq.columns.slice(0, 2)).toEqual(["v-sweep", "v(a)"]);
    expect(eq.stats.points).toBe(141);
  });

  itNgspice("a decreasing sweep (negative INCR) of the same diode", () => {
    const eq = compareDc("diode-down", ["diode down", "V1 a 0 0", "R1 a b 100", "D1 b 0 DM", ...DIODE], "V1 1 -1 -0.05");
    expect(eq.sweeps[0].values[0]).toBe(1);
    expect(eq.sweeps[0].values[40]).toBeCloseTo(-1, 12);
  });

  itNgspice("a current-source sweep into a diode (i-sweep)", () => {
    const eq = compareDc("isrc", ["isrc", "I1 0 a 0", "D1 a 0 DM", "R1 a 0 1meg", ...DIODE], "I1 10u 1m 10u");
    expect(eq.columns[0]).toBe("i-sweep");
    expect(eq.units[0]).toBe("A");
  });

  itNgspice("MOSFET level 1 output characteristic: Id vs Vds for several Vgs (two sources, nested)", () => {
    const eq = compareDc(
      "mos-family",
      ["nmos family", "VDS d 0 0", "VGS g 0 0", "M1 d g s 0 NM W=10u L=1u", "RS s 0 100", ".model NM NMOS LEVEL=1 VTO=0.8 KP=50u LAMBDA=0.02 GAMMA=0.4 PHI=0.7"],
      "VDS 0 5 0.1 VGS 1 3 0.5",
    );
    expect(eq.columns.slice(0, 2)).toEqual(["v-sweep", "v-sweep2"]);
    expect([0, 1, 2, 3, 4].map((k) => eq.sweeps[1].values[k * 51])).toEqual([1, 1.5, 2, 2.5, 3]);
    // saturation current grows with Vgs: at Vds = 5 V, |i(vds)| increases along the family
    const ids = [0, 1, 2, 3, 4].map((k) => -eq.branches.vds[k * 51 + 50]);
    for (let k = 1; k < 5; k++) expect(ids[k]).toBeGreaterThan(ids[k - 1]);
  });

  itNgspice("BJT Ic-Vce family: Vce swept, base current stepped by a current source (outer)", () => {
    compareDc(
      "bjt-family",
      ["bjt family", "VCE c 0 0", "IB 0 b 10u", "Q1 c b 0 QN", ".model QN NPN IS=1e-15 BF=100 VAF=50 BR=2 RB=10 RC=5 RE=1"],
      "VCE 0 5 0.1 IB 10u 50u 10u",
    );
  });

  itNgspice("resistor divider: source sweep equals the closed form; a resistor sweep (res-sweep) matches ngspice", () => {
    const eq = compareDc("divider", ["divider", "V1 a 0 0", "R1 a b 1k", "R2 b 0 3k"], "V1 0 5 0.5");
    for (let p = 0; p < 11; p++) {
      const v = 0.5 * p;
      expect(eq.nodes.b[p]).toBeCloseTo(0.75 * v, 14);
      expect(eq.branches.v1[p]).toBeCloseTo(-v / 4000, 17);
    }
    const r = compareDc("res-sweep", ["res sweep", "V1 a 0 2", "R1 a b 1k", "R2 b 0 3k"], "R2 1k 5k 1k");
    expect(r.columns[0]).toBe("res-sweep");
    for (let p = 0; p < 5; p++) expect(r.nodes.b[p]).toBeCloseTo((2 * (p + 1)) / (p + 2), 13);
  });

  itNgspice("resistor sweeps apply the line's m=, scale= and tc1/tc2 at the circuit temperature to the swept value, in subcircuits and with models too", () => {
    const lines = ["res factors", ".temp 75", "V1 a 0 2", "R1 a b 1k m=2 tc1=3e-3 tc2=1e-5", "R2 b 0 3k scale=1.5", "X1 b sub", ".subckt sub p", "R5 p 0 2k tc1=-2e-3", ".ends", "R6 a b RM l=10u w=1u", ".model RM R(rsh=100 tc1=1e-3)"];
    compareDc("res-m-tc", lines, "R1 1k 3k 500");
    compareDc("res-scale", lines, "R2 1k 3k 500");
    compareDc("res-subckt", lines, "r.x1.r5 1k 3k 500 TEMP 0 100 50");
    compareDc("res-model", lines, "R6 1k 3k 500");
  });

  itNgspice("a source inside a subcircuit instance, named as ngspice names it (v.x1.v1)", () => {
    compareDc("subckt-src", ["sub", "V1 a 0 1", "R1 a b 1k", "X1 b c sub", ".subckt sub p q", "V1 p q 0.5", "R1 q 0 1k", ".ends"], "v.x1.v1 0 1 0.25");
  });

  itNgspice("temperature sweep of a diode (temp-sweep): saturation current and resistors' tc1 re-evaluated", () => {
    const eq = compareDc(
      "diode-temp",
      ["diode temp", "I1 0 a 1m", "D1 a k DT", "R1 k 0 100 tc1=2e-3", ".model DT D(IS=1e-14 N=1.2 EG=1.11 XTI=3 RS=1)"],
      "TEMP -25 100 25",
    );
    expect(eq.columns[0]).toBe("temp-sweep");
    expect(eq.stats.builds).toBe(7);
    // the forward voltage falls with temperature at fixed current
    for (let p = 1; p < 6; p++) expect(eq.nodes.a[p] - eq.nodes.k[p]).toBeLessThan(eq.nodes.a[p - 1] - eq.nodes.k[p - 1]);
  });

  itNgspice("temperature sweep re-evaluates `temper` in element values", () => {
    const eq = compareDc("temper", ["temper", "V1 a 0 1", "R1 a b {1k + 10*temper}", "R2 b 0 1k"], "TEMP 0 100 20");
    for (let p = 0; p < 6; p++) expect(eq.nodes.b[p]).toBeCloseTo(1000 / (2000 + 10 * 20 * p), 13);
  });

  itNgspice("temperature sweeps of a BJT (IS, BF, VBE with XTI, XTB, EG) and a MOSFET level 1 (KP, VTO, PHI)", () => {
    compareDc("bjt-temp", ["bjt temp", "VCC c 0 5", "IB 0 b 10u", "Q1 c b 0 QN", ".model QN NPN IS=1e-15 BF=100 VAF=50 XTB=1.5 XTI=3 EG=1.11"], "TEMP -25 100 25");
    compareDc("mos-temp", ["mos temp", "VDS d 0 3", "VGS g 0 2", "M1 d g s 0 NM W=10u L=1u", "RS s 0 1k", ".model NM NMOS LEVEL=1 VTO=0.8 KP=50u LAMBDA=0.02"], "TEMP -25 100 25");
  });

  itNgspice("a point where continuation fails (an exponential B source, no junction limiting, 5 V steps) falls back to the full operating-point strategy", () => {
    const eq = compareDc("fallback", ["fallback", "V1 a 0 0", "R1 a b 1k", "B1 b 0 I=1e-14*(exp(v(b)/0.025)-1)"], "V1 0 10 5");
    expect(eq.stats.fallbacks).toBeGreaterThanOrEqual(1);
  });

  itNgspice("a layered network with bidirectional amplifiers: an input swept on the reduced (symmetric) solver, an amplifier's own V source on the unreduced one", () => {
    const net = buildLayered({ layers: [4, 6, 3], gain: 4, seed: 3, inputs: [0.8, -1.3, 2.1, -0.4] }).text.split("\n").filter((l) => !/^\.end\b/i.test(l.trim()));
    compareDc("amp-input", net, "VX0P -1 1 0.5");
    compareDc("amp-own-source", net, "VA1_0 -0.1 0.1 0.05");
  });

  itNgspice("TEMP as the outer sweep of a diode I-V", () => {
    compareDc("diode-iv-temp", ["diode iv temp", "V1 a 0 0", "R1 a b 100", "D1 b 0 DM", ...DIODE], "V1 0 1 0.1 TEMP 0 100 50");
  });
});

describe(".dc card", () => {
  const run = (card: string) => dcSweepFromText(["t", ".param p=2", "V1 a 0 1", "R1 a b 1k", "R2 b 0 2k", "I1 0 b 1m", "D1 b 0 DM", ".model DM D", "E1 e 0 a 0 1", "R3 b 0 1k m=2", card, ".end", ""].join("\n"), "t.cir");
  const fails = (card: string, re: RegExp, col: number) => {
    let err: unknown;
    try {
      run(card);
    } catch (e) {
      err = e;
    }
    expect(err, card).toBeInstanceOf(NetlistError);
    expect((err as Error).message, card).toMatch(re);
    expect((err as NetlistError).loc, card).toMatchObject({ file: "t.cir", line: 11, col });
  };

  it("takes {expressions} and parameters as values", () => {
    const r = run(".dc V1 {p/4} {p} {p/4}");
    expect(Array.from(r.sweeps[0].values)).toEqual([0.5, 1, 1.5, 2]);
    // node b: (V1 - b)/1k + 1m = b/2k + diode (off at these voltages, about)
    expect(r.nodes.b[0]).toBeGreaterThan(0);
  });

  it("reaches STOP despite rounding (0.1 steps), and sweeps a single point when START = STOP", () => {
    expect(run(".dc V1 0 1 0.1").sweeps[0].values.length).toBe(11);
    expect(Array.from(run(".dc V1 0.3 0.3 0.1").sweeps[0].values)).toEqual([0.3]);
  });

  it("bad cards: a clear error at file:line:col", () => {
    fails(".dc V9 0 1 0.1", /no voltage source, current source or resistor named 'v9'/, 5);
    fails(".dc x1.v1 0 1 0.1", /not an independent voltage or current source, a resistor or TEMP .*names it with its letter first: v\.x1\.v1/, 5);
    fails(".dc D1 0 1 0.1", /'D1' is not an independent voltage or current source, a resistor or TEMP/, 5);
    fails(".dc E1 0 1 0.1", /'E1' is not an independent/, 5);
    fails(".dc V1 0 1 0", /INCR is 0/, 12);
    fails(".dc V1 0 1 -0.1", /makes no point .*an increasing sweep needs a positive INCR/, 12);
    fails(".dc V1 1 0 0.1", /a decreasing sweep needs a negative INCR/, 12);
    fails(".dc V1 0 1", /\.dc V1: missing INCR/, 10);
    fails(".dc V1", /\.dc V1: missing START STOP INCR/, 5);
    fails(".dc", /`\.dc` needs a source/, 1);
    fails(".dc V1 0 1 0.1 I1 0 1m", /\.dc I1: missing INCR/, 21);
    fails(".dc V1 0 1 0.1 V1 0 2 1", /'V1' is swept twice/, 16);
    fails(".dc V1 0 1 0.1 I1 0 1m 1m 5", /unexpected '5'/, 27);
    fails(".dc V1 0 {q} 0.1", /q/, 10);
    fails(".dc V1 0 1 1u", /1000001 points .* more than the limit/, 12);
    fails(".dc TEMP -300 0 100", /TEMP: -300 C is not above absolute zero/, 5);
    fails(".dc R3 0 2k 1k", /\.dc r3: the sweep reaches a resistance of 0 ohms/, 5);
  });

  it("a netlist without .dc is an error naming the file", () => {
    expect(() => dcSweepFromText("t\nV1 a 0 1\nR1 a 0 1k\n.end\n", "t.cir")).toThrow(/t\.cir: no \.dc card/);
  });
});

describe("eqspice dc", () => {
  const deck = path.join(dir, "cli.cir");
  writeFileSync(deck, ["cli divider", "V1 a 0 0", "R1 a b 1k", "R2 b 0 1k", "VS b c 0", "R3 c 0 1meg", ".dc V1 0 2 0.5", ".end", ""].join("\n"));

  it("writes CSV and JSON with the sweep first, then v(node) and i(source) columns", async () => {
    const csv = path.join(dir, "out.csv");
    const json = path.join(dir, "out.json");
    const a = await runCli(["dc", deck, "--out", csv]);
    expect(a.code, a.stderr).toBe(0);
    const lines = readFileSync(csv, "utf8").trim().split("\n");
    expect(lines[0]).toBe("v-sweep,v(a),v(b),v(c),i(v1),i(vs)");
    expect(lines.length).toBe(6);
    expect(lines[5].split(",").map(Number)[0]).toBe(2);
    const html = path.join(dir, "out.html");
    const b = await runCli(["dc", deck, "--out", json, "--probe", "v(b),i(v1)", "--plot", html, "--quiet"]);
    expect(b.code, b.stderr).toBe(0);
    const j = JSON.parse(readFileSync(json, "utf8"));
    expect(Object.keys(j)).toEqual(["v-sweep", "v(b)", "i(v1)"]);
    expect(j["v-sweep"]).toEqual([0, 0.5, 1, 1.5, 2]);
    const page = readFileSync(html, "utf8");
    expect(page).toMatch(/Plotly\.newPlot/);
    expect(page).toMatch(/"name":"v\(b\)"/);
    expect(page).not.toMatch(/"name":"v\(a\)"/);
    const rp = (1e3 * 1e6) / (1e3 + 1e6); // R2 || R3 (VS is 0 V)
    expect(j["v(b)"][4]).toBeCloseTo((2 * rp) / (1e3 + rp), 12);
  }, 60_000);

  it("bad input: a clear error, exit 1, nothing written", async () => {
    const bad = path.join(dir, "bad.cir");
    writeFileSync(bad, "bad\nV1 a 0 1\nR1 a 0 1k\n.dc V2 0 1 0.1\n.end\n");
    const out = path.join(dir, "bad.csv");
    const r = await runCli(["dc", bad, "--out", out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad\.cir:4:5: .*no voltage source, current source or resistor named 'v2'/);
    expect(existsSync(out)).toBe(false);
    const none = path.join(dir, "none.cir");
    writeFileSync(none, "none\nV1 a 0 1\nR1 a 0 1k\n.end\n");
    const n = await runCli(["dc", none, "--out", out]);
    expect(n.code).toBe(1);
    expect(n.stderr).toMatch(/no \.dc card/);
    const p = await runCli(["dc", deck, "--out", out, "--probe", "v(zz)"]);
    expect(p.code).toBe(1);
    expect(p.stderr).toMatch(/--probe: no column 'v\(zz\)'/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.startsWith("."))).toEqual([]);
  }, 60_000);
});
