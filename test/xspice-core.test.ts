/**
 * XSPICE oneshot, core, lcouple, cmeter and lmeter against a live ngspice 39: operating
 * points, .dc sweeps through core's B-H curve (pwl and hyst modes) and
 * oneshot's control range, .ac of core (to 1e-9 V at TIGHT tolerances);
 * core's partials against finite differences; bad cards and the analyses
 * these models refuse as NetlistErrors at file:line:col.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { netlistErrorOf } from "./helpers/netlist-errors.js";
import { acSweepFromText, loadCircuit, loadCircuitFromText, transient } from "../src/api.js";
import { NetlistError } from "../src/util/errors.js";
import { XspiceDevice } from "../src/devices/xspice/xspice.js";
import { describeNgspice, itNgspice, runNgspiceTran } from "./helpers/ngspice.js";
import { TIGHT, againstInterpolated, ngspiceDecks } from "./helpers/ngspice-compare.js";
import { checkStamp } from "./helpers/stamp-check.js";

const { dir, worst, compare, compareDc, compareAc } = ngspiceDecks("xspice-core");

const CORES = [
  // the analog_models2 card: B = H in the middle, slope 1 outside, corners at +-1
  ".model c1 core(h_array=[-2 -1 1 2] b_array=[-2 -1 1 2] area=1 length=1 input_domain=1e-6 fraction=true mode=1)",
  // a saturating curve, absolute corners, area and length
  ".model c2 core(h_array=[-300 -100 0 100 300] b_array=[-1.6 -1.2 0 1.2 1.6] area=2e-4 length=0.05 input_domain=0.4 fraction=false)",
  // wide relative corners (the default input_domain 0.01 of the shorter segment, and 0.3 here)
  ".model c3 core(h_array=[-50 -10 10 50] b_array=[-0.9 -0.5 0.5 0.9] area=1e-3 length=0.1 input_domain=0.3)",
  // hyst mode
  ".model c4 core(h_array=[0 1] b_array=[0 1] area=1 length=1 mode=2 in_low=-1 in_high=1 hyst=0.3 out_lower_limit=-0.002 out_upper_limit=0.002 input_domain=0.05)",
];
const OS = [
  ".model os1 oneshot(cntl_array=[-1 0 1 2] pw_array=[1 1 0.1 0.1] clk_trig=0.5 out_low=0.25 out_high=3)",
  ".model os2 oneshot(cntl_array=[0 1] pw_array=[1u 2u] out_low=-1.5 pos_edge_trig=false retrig=true)",
];

describeNgspice("XSPICE core, lcouple and oneshot against ngspice 39", () => {
  itNgspice("operating points: cores driven through resistors, windings on cores, oneshots with and without NULL ports", () => {
    compare("core-op", [
      "core op", TIGHT,
      ...CORES, ...OS,
      ".model w10 lcouple(num_turns=10)", ".model w1 lcouple()",
      "v1 in 0 1.7", "v2 c 0 -0.4", "v3 in3 0 9",
      // cores alone: an mmf source through a resistor, the flux its current
      "r1 in m1 1", "a1 m1 0 c1",
      "r2 in3 m2 0.01", "a2 %gd(m2 0) c2", "r2b m2 0 1k",
      "r3 in m3 1k", "a3 (m3 x3) c3", "r3b x3 0 2k",
      "r4 c m4 1k", "a4 m4 0 c4",
      // windings: the winding a 0 V source, mmf = N i
      "r5 in w5 100", "a5 (w5 0) (k5 0) w10", "a6 k5 0 c1", "r6 k5 0 1k",
      "r7 in3 w7 50", "a7 (w7 w7b) (k7 k7b) w1", "r7b w7b 0 20", "a8 (k7 k7b) c2", "r8 k7b 0 1k",
      // oneshots: out_low at DC
      "a9 in c in3 o9 os1", "r9 o9 0 1k",
      "a10 c null null %i(o10) os2", "r10 o10 0 1k",
      "a11 %vd(in c) c null o11 os1", "r11 o11 0 1k",
    ]);
  });

  itNgspice(".dc through core's B-H curve (pwl: every segment and corner) and through oneshot's control range", () => {
    compareDc("core-dc", [
      "core dc", ...CORES, ...OS, ".model w3 lcouple(num_turns=3)",
      "v1 in 0 0", "r1 in m1 1", "a1 m1 0 c1",
      "r2 in m2 1", "a2 m2 0 c2", "r2b m2 0 100",
      "r3 in m3 0.1", "a3 m3 0 c3",
      "r5 in w5 0.2", "a5 %h(w5) (k5 0) w3", "a6 k5 0 c2", "r6 k5 0 10",
      "a9 in in in o9 os1", "r9 o9 0 1k",
    ], "v1 -30 30 0.25");
  });

  itNgspice(".dc through core's hyst mode: the rising curve and its corners", () => {
    compareDc("core-hyst-dc", ["core hyst dc", ...CORES, "v1 in 0 0", "r1 in m1 1", "a1 m1 0 c4", "r2 in m2 1k", "a2 m2 0 c4"], "v1 -2 2 0.01");
  });

  itNgspice(".ac of cores at their operating points (the partial as the AC gain), oneshot (gain 0)", () => {
    compareAc("core-ac", [
      "core ac", TIGHT, ...CORES, ...OS,
      "v1 in 0 dc 0.95 ac 1", "v2 in2 0 dc 150 ac 1",
      "r1 in m1 1", "a1 m1 0 c1", "c1 m1 0 1u",
      "r2 in2 m2 1", "a2 m2 0 c2", "c2 m2 0 1u",
      "r3 in2 m3 10", "a3 m3 0 c3", "c3 m3 0 1u",
      "a9 in in in o9 os1", "r9 o9 0 1k", "c9 o9 0 1u",
    ], "dec 5 10 1meg");
  });
});

const METERS = [
  "v1 in 0 1", ".temp 40",
  ".model cm cmeter(gain=1e6)", ".model lm lmeter(gain=1e3)", ".model lz lmeter(gain=1e-9)", ".model g2 gain(gain=2)",
  // cmeter at n1: CAPcapac before m, scale and tc1 at 40 C; through the 0 V source v0 (dc 0 ac 1 is still plain DC), not through vnz (1 V) or vs (a waveform)
  "c1 n1 0 1u m=3", "c2 n1 x 2u scale=1.5", "c3 x n1 0.5u tc1=0.01",
  "v0 n1 n2 dc 0 ac 1", "c4 n2 0 5u", "vnz n1 n3 1", "c5 n3 0 7u", "vs n1 n4 sin(0 1 1k)", "c6 n4 0 11u",
  // an %i port's 0 V branch at n1 to ground is not a V source (else every grounded capacitor would count)
  "a9 %i(n1) o9 g2", "r9 o9 0 1k", "c9 0 y 13u",
  "rn1 in n1 1k", "rx x 0 1k", "rn2 n2 0 1k", "rn3 n3 0 1k", "rn4 n4 0 1k", "ry y 0 1k",
  "a1 n1 o1 cm", "r1 o1 0 1k", "a2 %vd(n2 x) %id(o2 0) cm", "r2 o2 0 1k", "a3 x o3 cm", "r3 o3 0 1k", "a4 n3 o4 cm", "r4 o4 0 1k",
  // lmeter: in parallel from 1e12 H; INDinduct before m
  "l1 p1 0 1m m=2", "l2 p1 p2 3m", "vl p1 p3 0", "l3 p3 p4 2m", "rp2 p2 0 1", "rp4 p4 0 1", "rp5 p5 in 1",
  "a5 p1 o5 lm", "r5 o5 0 1k", "a6 p2 o6 lm", "r6 o6 0 1k", "a7 p5 o7 lz", "r7 o7 0 1k",
];

describeNgspice("XSPICE cmeter and lmeter against ngspice 39", () => {
  itNgspice("operating point: the capacitance and inductance on the input node, directly and through 0 V sources", () => {
    const v = compare("meter-op", ["meter op", TIGHT, ...METERS]);
    // CAPcapac: 1u + 3u + 0.5u (1 + 0.01 x 13) + 5u
    expect(v.o1).toBeCloseTo(1e6 * (1e-6 + 3e-6 + 0.5e-6 * 1.13 + 5e-6), 9);
    expect(v.o7).toBeCloseTo(1e3, 6);
  });
  itNgspice(".dc and .ac: constant outputs (no partials, 0 AC gains)", () => {
    compareDc("meter-dc", ["meter dc", ...METERS], "v1 -1 1 0.5");
    compareAc("meter-ac", ["meter ac", TIGHT, ...METERS], "dec 2 10 1k");
  });
});

describeNgspice("XSPICE core and cmeter against ngspice 39: .tran", () => {
  itNgspice("a sine through core's B-H curve (static in pwl mode) across an RC, a cmeter's constant output", () => {
    const f = path.join(dir, "core-tran.cir");
    writeFileSync(f, ["core tran", ...CORES, ".model cm cmeter(gain=1e6)", "v1 in 0 sin(0 25 1k)", "r1 in m1 10k", "a1 m1 0 c3", "c1 m1 0 10n",
      "r2 in m2 10k", "a2 m2 0 c2", "a3 m1 o3 cm", "r3 o3 0 1k", ".tran 1u 2m", ".end", ""].join("\n"));
    const tmax = 0.5e-6;
    const nodes = ["m1", "m2", "o3"];
    const ng = runNgspiceTran(f, { tstep: 1e-6, tstop: 2e-3, tmax, nodes });
    const eq = transient(loadCircuit(f), { tmax });
    for (const n of nodes) {
      const w = againstInterpolated(eq.time, eq.nodes[n], ng.time, ng.nodes[n]);
      worst.set(`core-tran v(${n})`, w);
      expect(w, `tran v(${n})`).toBeLessThanOrEqual(2e-3);
    }
    expect(Math.max(...eq.nodes.m2) - Math.min(...eq.nodes.m2)).toBeGreaterThan(5);
  });
});

describe("XSPICE core: partials against finite differences", () => {
  const check = (model: string, pts: number[][]): void => {
    const c = loadCircuitFromText(`t\na1 (1 2) cc\n${model.replace(/^\.model \w+/, ".model cc")}\n.end\n`, "<t>", { allowFloating: true });
    const d = c.devices.find((x) => x instanceof XspiceDevice) as XspiceDevice;
    const nNodes = Math.max(...d.nodes);
    for (const p of pts) {
      const volts = new Array<number>(nNodes + 1).fill(0);
      volts[c.nodeIndex.get("1")!] = p[0];
      volts[c.nodeIndex.get("2")!] = p[1];
      try {
        checkStamp(d, nNodes, volts, (v) => {
          const out = new Float64Array(nNodes + 1);
          d.addCurrents(Float64Array.from(v), new Float64Array(0), -1, out);
          return Array.from(out);
        });
      } catch (e) {
        throw new Error(`${model} at [${p.join(" ")}]: ${(e as Error).message}`);
      }
    }
  };
  it("pwl mode: end lines, linear segments and smoothed corners; hyst mode's rising curve", () => {
    check(CORES[1], [[-20, 0], [-5.2, 0], [-4.7, 0], [-1, 0.3], [0.2, 0.6], [4.9, 0], [5.3, 0], [16, 0], [3, -12]]);
    check(CORES[2], [[-6, 0], [-1, 0], [-0.9, 0], [0, 0.5], [0.95, 0], [1.05, 0], [7, 0]]);
    check(CORES[3], [[-2, 0], [-0.7, 0], [-0.66, 0], [0, 0.3], [1.28, 0], [1.32, 0], [2, 0]]);
  });
});

describe("XSPICE core, lcouple and oneshot: bad cards and refusals", () => {
  const err = (text: string): NetlistError => netlistErrorOf(text);
  it("names file:line:col", () => {
    expect(err("t\nv1 a 0 1\nr1 a b 1\na1 b 0 cc\n.model cc core(h_array=[0 1] b_array=[0 1] area=1)\n.end\n").message).toMatch(/bad\.cir:4:8.*core parameter length has no default/);
    expect(err("t\nv1 a 0 1\nr1 a b 1\na1 b 0 cc\n.model cc core(h_array=[0 1 2] b_array=[0 1] area=1 length=1)\n.end\n").message).toMatch(/bad\.cir:5:40.*h_array has 3 values, b_array 2/);
    expect(err("t\nv1 a 0 1\nr1 a b 1\na1 b 0 cc\n.model cc core(h_array=[0 1 1.5] b_array=[0 1 2] area=1 length=1 input_domain=0.3 fraction=false)\n.end\n").message).toMatch(/bad\.cir:5:24.*50% rule/);
    expect(err("t\nv1 a 0 1\nr1 a b 1\na1 b 0 cc\n.model cc core(h_array=[0 1] b_array=[0 1] area=1 length=1 mode=3)\n.end\n").message).toMatch(/bad\.cir:5:65.*mode = 3 is out of its limits/);
    expect(err("t\nv1 a 0 1\nr1 a b 1\na1 b 0 cc\n.model cc core(h_array=[0 1] b_array=[0 1] area=1 length=1 mode=1.5)\n.end\n").message).toMatch(/bad\.cir:5:65.*mode is an integer/);
    expect(err("t\nv1 a 0 1\nr1 a b 1\na1 b 0 cc\n.model cc core(h_array=[0 1] b_array=[0 1] area=1 length=1 input_domain=0.7)\n.end\n").message).toMatch(/bad\.cir:5:73.*out of its limits/);
    expect(err("t\nv1 a 0 1\nr1 a b 1\na1 %v(b) cc\n.model cc core(h_array=[0 1] b_array=[0 1] area=1 length=1)\n.end\n").message).toMatch(/bad\.cir:4:4.*%v is not allowed on port 'mc' of core/);
    expect(err("t\nv1 a 0 1\nr1 a b 1\na1 (b 0) %h(c) ww\n.model ww lcouple()\nr2 c 0 1\n.end\n").message).toMatch(/bad\.cir:4:10.*%h is not allowed on port 'mmf_out' of lcouple/);
    expect(err("t\nv1 a 0 1\nr1 a b 1\na1 %v(b) (c 0) ww\n.model ww lcouple()\nr2 c 0 1\n.end\n").message).toMatch(/bad\.cir:4:4.*%v is not allowed on port 'l' of lcouple/);
    expect(err("t\nv1 a 0 1\na1 a null null b os\n.model os oneshot(cntl_array=[0 1 2] pw_array=[1 2])\n.end\n").message).toMatch(/bad\.cir:4:47.*cntl_array has 3 values, pw_array 2/);
    expect(err("t\nv1 a 0 1\na1 a null null b os\n.model os oneshot(cntl_array=[0 1] pw_array=[1 -2])\n.end\n").message).toMatch(/bad\.cir:4:48.*-2 is out of its limits/);
    expect(err("t\nv1 a 0 1\na1 null a null b os\n.model os oneshot(cntl_array=[0 1] pw_array=[1 2])\n.end\n").message).toMatch(/bad\.cir:3:4.*port 'clk' of oneshot may not be NULL/);
    expect(err("t\nv1 a 0 1\na1 a null null null os\n.model os oneshot(cntl_array=[0 1] pw_array=[1 2])\n.end\n").message).toMatch(/bad\.cir:3:.*port 'out' of oneshot may not be NULL/);
    // lcouple's AC is refused, at the element
    expect(err("t\nv1 a 0 dc 1 ac 1\nr1 a b 1\na1 (b 0) (c 0) ww\n.model ww lcouple()\na2 c 0 cc\n.model cc core(h_array=[0 1] b_array=[0 1] area=1 length=1)\n.ac dec 1 1 10\n.end\n").message).toMatch(/bad\.cir:4:1.*ac: a1: the AC gains of XSPICE's lcouple/);
  });
  it("refuses the transients of oneshot and lcouple at the element; runs core's (static in pwl mode)", () => {
    const run = (name: string, body: string): void => {
      const f = path.join(dir, name);
      writeFileSync(f, `t\n${body}\n.tran 1u 10u\n.end\n`);
      transient(loadCircuit(f));
    };
    expect(() => run("os-tran.cir", "v1 a 0 1\nr1 b 0 1k\na1 a null null b os\n.model os oneshot(cntl_array=[0 1] pw_array=[1 2])")).toThrow(/os-tran\.cir:4:1: tran: a1: the transient of XSPICE's oneshot/);
    expect(() => run("lc-tran.cir", "v1 a 0 1\nr1 a b 1\na1 (b 0) (c 0) ww\n.model ww lcouple()\na2 c 0 cc\n.model cc core(h_array=[0 1] b_array=[0 1] area=1 length=1)")).toThrow(/lc-tran\.cir:4:1: tran: a1: the transient of XSPICE's lcouple/);
    expect(() => run("core-tran.cir", "v1 a 0 sin(0 3 100k)\nr1 a b 1\na2 b 0 cc\n.model cc core(h_array=[-2 -1 1 2] b_array=[-1 -0.5 0.5 1] area=1 length=1)")).not.toThrow();
  });
});
