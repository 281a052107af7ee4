/**
 * MOSFET level 6 (ngspice's MOS6, the Sakurai-Newton n-th power law): the
 * stamp against finite differences of the pure current function in every
 * region (cutoff, linear, saturation, reversed, body bias, forward-biased
 * bulk), NMOS and PMOS, with KV, NV, KC, NC, GAMMA, GAMMA1, SIGMA, LAMBDA0,
 * LAMBDA1, and cards derived from TOX/NSUB/UO; then live ngspice 39 (skipped
 * with one warning when it is missing): operating points of circuits written
 * for this test (every node voltage and V-source current), .dc sweeps of vgs
 * and vds with body bias, .temp, an .ac (ngspice's MOS6 has no AC load: the
 * transistors are absent there, and eqspice does the same), a transient with
 * Meyer, overlap and junction capacitances; the model-card errors.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadCircuit, loadCircuitFromText, transient } from "../src/api.js";
import { deriveMos6Model, mos6Channel, mos6Defaults } from "../src/devices/mosfet/mos6-model.js";
import { MOS_GEOMETRY_DEFAULTS, mosDefaults, mosInstanceAt, type MosInstance, type MosModelParams } from "../src/devices/mosfet/mosfet-model.js";
import { againstInterpolated, ngspiceDecks, TIGHT } from "./helpers/ngspice-compare.js";
import { describeNgspice, itNgspice, runNgspiceTran } from "./helpers/ngspice.js";
import { ignoredParamCheck, netlistErrorCheck } from "./helpers/netlist-errors.js";
import { GMIN } from "./helpers/stamp-check.js";
import { checkMosSeriesStamp, checkMosStamp } from "./helpers/mos-stamp.js";

const { dir, worst, compare, compareDc, compareAc } = ngspiceDecks("mos6-ngspice");

/** Nodes 1 drain, 2 gate, 3 source, 4 bulk; NMOS-like voltages, mirrored for a PMOS. */
const REGIONS: Array<[string, { vd: number; vg: number; vs: number; vb: number }]> = [
  ["cutoff", { vd: 2, vg: 0.1, vs: 0, vb: -0.2 }],
  ["linear", { vd: 0.3, vg: 2.5, vs: 0, vb: -0.2 }],
  ["linear, near vdsat", { vd: 1.1, vg: 2.0, vs: 0, vb: -0.7 }],
  ["saturation, body bias", { vd: 3, vg: 1.6, vs: 0, vb: -0.5 }],
  ["saturation, source above bulk", { vd: 4, vg: 3, vs: 1.2, vb: 0 }],
  ["reversed, linear", { vd: -0.3, vg: 2.5, vs: 0, vb: -0.8 }],
  ["reversed, saturated", { vd: -3, vg: 0.5, vs: 0, vb: -3.5 }],
  ["forward-biased bulk-source (vbs > 0)", { vd: 2, vg: 1.5, vs: 0, vb: 0.3 }],
];

const CARDS: Array<[string, Partial<MosModelParams>]> = [
  ["defaults with VTO", { vto: 0.7 }],
  ["KV NV KC NC GAMMA GAMMA1 SIGMA LAMBDA0 LAMBDA1", { vto: 0.6, kv: 1.8, nv: 0.9, kc: 6e-5, nc: 1.4, gamma: 0.45, gamma1: 0.05, sigma: 0.03, phi: 0.7, lambda0: 0.03, lambda1: 0.004 }],
  ["derived from TOX NSUB UO NSS, LAMBDA, LD", { tox: 20e-9, nsub: 1e16, uo: 500, nss: 1e10, nc: 1.3, kv: 1.2, nv: 0.8, ld: 0.1e-6, lambda: 0.02, sigma: 0.01 }],
];

function instance(type: 1 | -1, over: Partial<MosModelParams>, m = 1): MosInstance {
  const p = { ...mos6Defaults(mosDefaults(type, 27)), is: 1e-13, ...over };
  if (type === -1 && p.vto !== undefined) p.vto = -p.vto;
  return mosInstanceAt(deriveMos6Model(p), { ...MOS_GEOMETRY_DEFAULTS, l: 1e-6, w: 10e-6, m }, 27);
}

describe("level 6: the stamp against finite differences of the current law", () => {
  for (const [cn, card] of CARDS) {
    for (const type of [1, -1] as const) {
      for (const [region, v] of REGIONS) {
        it(`${cn}, ${type === 1 ? "NMOS" : "PMOS"}: ${region}`, () => {
          const p = instance(type, card);
          checkMosStamp(p, type, v);
        });
      }
    }
  }
  it("with series RD and RS (internal nodes 5, 6) and M=3: the whole device's addCurrents", () => {
    for (const type of [1, -1] as const) {
      const p = instance(type, { ...CARDS[1][1], rd: 150, rs: 80 }, 3);
      for (const [, v] of REGIONS) checkMosSeriesStamp(p, type, v);
    }
  });
  it("the regions are the ones named: the n-th power laws in saturation, (2 - x) x below vdsat, off at von", () => {
    const ch = { mode: 1 as 1 | -1, cdrain: 0, gm: 0, gds: 0, gmbs: 0, von: 0, vdsat: 0 };
    const card = CARDS[1][1];
    const p = instance(1, card);
    // vbs = 0: von = VBI + GAMMA sqrt(PHI) - SIGMA vds = VTO - SIGMA vds
    mos6Channel(p, 2, 4, 0, ch);
    const vgon = 2 - (0.6 - 0.03 * 4);
    expect(ch.von).toBeCloseTo(0.6 - 0.12, 12);
    expect(ch.vdsat).toBeCloseTo(1.8 * vgon ** 0.9, 12);
    expect(ch.cdrain).toBeCloseTo(p.beta * vgon ** 1.4 * (1 + 0.03 * 4), 15);
    expect(p.beta).toBeCloseTo((6e-5 * 10) / 1, 15);
    mos6Channel(p, 2, 0.5, 0, ch);
    const vg2 = 2 - (0.6 - 0.03 * 0.5);
    const x = 0.5 / (1.8 * vg2 ** 0.9);
    expect(ch.cdrain).toBeCloseTo(p.beta * vg2 ** 1.4 * (1 + 0.03 * 0.5) * (2 - x) * x, 15);
    mos6Channel(p, 0.4, 1, 0, ch);
    expect(ch.cdrain).toBe(0);
    expect(ch.vdsat).toBe(0);
    // KC from UO and TOX: 0.5 UO Cox
    const d = deriveMos6Model({ ...mos6Defaults(mosDefaults(1, 27)), tox: 20e-9, uo: 500 });
    expect(d.kp).toBeCloseTo((0.5 * 500 * 1e-4 * 3.9 * 8.854214871e-12) / 20e-9, 18);
    expect(deriveMos6Model({ ...mos6Defaults(mosDefaults(1, 27)) }).kp).toBe(5e-5);
  });
});

const N6 = ".model n6 nmos (level=6 vto=0.6 kv=1.8 nv=0.9 kc=6e-5 nc=1.4 gamma=0.45 gamma1=0.05 sigma=0.03 phi=0.7 lambda0=0.03 lambda1=0.004)";
const P6 = ".model p6 pmos (level=6 vto=-0.8 kv=1.5 nv=0.7 kc=2.5e-5 nc=1.25 gamma=0.5 gamma1=0.02 sigma=0.02 phi=0.7 lambda=0.05 lambda1=0.003)";
const N6D = ".model n6d nmos (level=6 tox=20n nsub=1e16 uo=500 nss=1e10 tpg=1 nc=1.3 kv=1.2 nv=0.8 ld=0.1u lambda=0.02)";
const P6D = ".model p6d pmos (level=6 tox=20n nsub=2e16 uo=200 tpg=-1 nc=1.2 kv=1.4 nv=0.75 ld=0.05u lambda0=0.03 sigma=0.01)";

describeNgspice("MOSFET level 6 operating points against ngspice", () => {
  itNgspice("common-source stage with a resistor load from cutoff through saturation to the linear region, NMOS and PMOS", () => {
    for (const vg of [0.3, 0.9, 1.5, 2.5, 5]) {
      const v = compare(`cs-${vg}`, ["cs", TIGHT, "VDD vdd 0 5", `VG g 0 ${vg}`, "RD vdd d 10k", "M1 d g 0 0 n6 L=2u W=10u", N6]);
      if (vg === 0.3) expect(v.d).toBeCloseTo(5, 6);
      compare(`pcs-${vg}`, ["pcs", TIGHT, "VDD vdd 0 5", "VB nb 0 5.5", `VG g 0 ${5 - vg}`, "M1 d g vdd nb p6 L=2u W=20u", "RD d 0 10k", P6]);
    }
  });
  itNgspice("CMOS inverter at several inputs, given and derived cards", () => {
    for (const vin of [0, 0.7, 1.2, 1.65, 2.1, 3.3]) {
      compare(`inv-${vin}`, ["inv", TIGHT, "VDD vdd 0 3.3", `VIN in 0 ${vin}`, "MN out in 0 0 n6 L=1u W=2u", "MP out in vdd vdd p6 L=1u W=5u", N6, P6]);
      compare(`invd-${vin}`, ["invd", TIGHT, "VDD vdd 0 3.3", `VIN in 0 ${vin}`, "MN out in 0 0 n6d L=1u W=2u", "MP out in vdd vdd p6d L=1u W=5u", N6D, P6D]);
    }
  });
  itNgspice("source follower (body effect with GAMMA1), current mirror with M=2, differential pair", () => {
    for (const vg of [1.5, 3, 4.5]) compare(`follower-${vg}`, ["follower", TIGHT, "VDD vdd 0 5", `VG g 0 ${vg}`, "M1 vdd g s 0 n6 L=2u W=20u", "RS s 0 20k", N6]);
    compare("mirror", ["mirror", TIGHT, "VDD vdd 0 5", "IREF vdd ref 50u", "M1 ref ref 0 0 n6 L=4u W=20u", "M2 out ref 0 0 n6 L=4u W=20u M=2", "RL vdd out 20k", N6]);
    for (const dv of [0, 0.05, 0.3, -1]) {
      compare(`diffpair-${dv}`, ["dp", TIGHT, "VDD vdd 0 5", "VSS vss 0 -5", `VP inp 0 ${dv / 2}`, `VN inn 0 ${-dv / 2}`, "R1 vdd o1 20k", "R2 vdd o2 20k", "M1 o1 inp tail vss n6d L=2u W=20u", "M2 o2 inn tail vss n6d L=2u W=20u", "RT tail vss 20k", N6D]);
    }
  });
  itNgspice("reverse mode (pass gate pulling a node below its source), forward-biased bulk (vbs past 2 PHI too)", () => {
    compare("pass", ["pass", TIGHT, "VG g 0 3", "VA a 0 0.2", "M1 a g b 0 n6 L=1u W=4u", "RB vdd b 5k", "VDD vdd 0 2", N6]);
    compare("pass-p", ["pass p", TIGHT, "VG g 0 -1", "VA a 0 2.5", "M1 a g b vb p6 L=1u W=4u", "RB b 0 5k", "VB vb 0 3", P6]);
    for (const vb of [0.2, 0.5, 1.6]) {
      compare(`fwd-${vb}`, ["fwd", TIGHT, "VDD vdd 0 3", "VG g 0 1.5", `VB b 0 ${vb}`, "RD vdd d 5k", "M1 d g s b n6 L=1u W=4u", "RS s 0 1k", N6]);
    }
  });
  itNgspice("RD, RS, RSH with NRD/NRS, JS with AD/AS, junction capacitances (no effect at DC), M=3 (M GMIN and one device's vcrit)", () => {
    const card = ".model nr nmos (level=6 vto=0.7 kc=5e-5 nc=1.2 kv=1.5 nv=0.8 rd=120 rs=60 js=1e-4 cj=1e-4 cjsw=1e-10 gamma=0.3)";
    const rsh = ".model ns nmos (level=6 vto=0.7 kc=5e-5 nc=1.2 rsh=30 lambda=0.01)";
    for (const vg of [1, 2, 4]) {
      compare(`rdrs-${vg}`, ["rdrs", TIGHT, "VDD vdd 0 4", `VG g 0 ${vg}`, "RL vdd d 2k", "M1 d g s 0 nr L=1u W=20u AD=20p AS=20p PD=24u PS=24u M=3", "RS s 0 100", card]);
      compare(`rsh-${vg}`, ["rsh", TIGHT, "VDD vdd 0 4", `VG g 0 ${vg}`, "RL vdd d 2k", "M1 d g 0 0 ns L=1u W=20u NRD=2 NRS=3", rsh]);
    }
  });
  itNgspice(".temp 80 and -20 move KC, PHI, VTO and the junctions; TNOM on a model", () => {
    for (const t of [80, -20]) {
      compare(`temp-${t}`, ["temp", TIGHT, `.temp ${t}`, "VDD vdd 0 3.3", "VIN in 0 1.5", "MN out in 0 0 n6 L=1u W=2u", "MP out in vdd vdd p6 L=1u W=5u", "RB vdd b 100k", "MB b b 0 0 n6d L=1u W=1u", N6, P6, N6D]);
    }
    compare("tnom", ["tnom", TIGHT, ".temp 50", "VDD vdd 0 3", "VG g 0 1.5", "RD vdd d 10k", "M1 d g 0 0 nt L=1u W=4u", ".model nt nmos (level=6 vto=0.6 tnom=10 kc=4e-5 gamma=0.3 is=1e-12)"]);
  });
});

describeNgspice("MOSFET level 6 .dc, .ac and .tran against ngspice", () => {
  itNgspice(".dc of vgs (cutoff, linear, saturation) at two drain biases and two body biases, and of vds at several gates", () => {
    for (const vb of [0, -1.5]) {
      for (const vd of [0.1, 3]) {
        compareDc(`dc-vgs-${vb}-${vd}`, ["dc vgs", `VD d 0 ${vd}`, "VG g 0 0", `VB b 0 ${vb}`, "M1 d g 0 b n6 L=1u W=10u", "RX d x 1", "VX x 0 0", N6], "VG 0 5 0.05");
        compareDc(`dc-pvgs-${vb}-${vd}`, ["dc pvgs", `VD d 0 ${-vd}`, "VG g 0 0", `VB b 0 ${-vb}`, "M1 d g 0 b p6 L=1u W=10u", "RX d x 1", "VX x 0 0", P6], "VG -5 0 0.05");
      }
    }
    compareDc("dc-vds", ["dc vds", "VD d 0 0", "VG g 0 2", "VB b 0 -1", "RX d x 10", "M1 x g 0 b n6d L=1u W=10u", N6D], "VD -2 5 0.05 VG 0 4 1");
  }, 60_000);
  itNgspice(".ac: ngspice's MOS6 has no AC load, so a level-6 stage passes nothing and a level-1 one beside it does", () => {
    compareAc(
      "ac",
      ["ac", "VDD vdd 0 5", "VIN in 0 DC 1.5 AC 1", "M1 out in 0 0 n6 L=2u W=10u", "RL vdd out 20k", "CL out 0 1p", "M2 out2 in 0 0 n1 L=2u W=10u", "RL2 vdd out2 20k", "CL2 out2 0 1p", N6, ".model n1 nmos (level=1 vto=0.7 kp=100u tox=20n)"],
      "dec 5 1k 1g",
    );
  });
  itNgspice("an inverter with Meyer (TOX), overlap and junction capacitances, PULSE input: trap .tran to 1e-3 V", () => {
    const f = path.join(dir, "inv-tran.cir");
    const n = ".model nt nmos (level=6 vto=0.6 kc=6e-5 nc=1.3 kv=1.6 nv=0.8 gamma=0.4 tox=20n cgso=2e-10 cgdo=2e-10 cj=2e-4 cjsw=2e-10 lambda=0.02)";
    const p = ".model pt pmos (level=6 vto=-0.7 kc=2.5e-5 nc=1.25 kv=1.5 nv=0.75 gamma=0.5 tox=20n cgso=2e-10 cgdo=2e-10 cj=2e-4 cjsw=2e-10 mj=0.4 mjsw=0.3 lambda=0.03)";
    writeFileSync(
      f,
      ["inverter tran", "VDD vdd 0 3.3", "VIN in 0 PULSE(0 3.3 1n 2n 2n 10n 24n)", "MN out in 0 0 nt L=1u W=2u AD=4p AS=4p PD=6u PS=6u", "MP out in vdd vdd pt L=1u W=5u AD=10p AS=10p PD=12u PS=12u", "CL out 0 20f", n, p, ".tran 0.1n 30n", ".end", ""].join("\n"),
    );
    const ng = runNgspiceTran(f, { tstep: 0.1e-9, tstop: 30e-9, tmax: 0.01e-9, nodes: ["out"] });
    const eq = transient(loadCircuit(f), { integrator: "trap", tmax: 0.01e-9 });
    const w = againstInterpolated(eq.time, eq.nodes.out, ng.time, ng.nodes.out);
    worst.set("inv-tran (tran)", w);
    expect(w).toBeLessThanOrEqual(1e-3);
    const at = (ts: number) => eq.nodes.out[Math.round(ts / 0.1e-9)];
    expect(at(0.5e-9)).toBeGreaterThan(3.2);
    expect(at(10e-9)).toBeLessThan(0.1);
  }, 60_000);
});

describeNgspice("PS on a level-6 card", () => {
  itNgspice("is mos6.c's model parameter (unused), not the instances' source perimeter as on the other levels' cards: a source node with CJSW charges as in ngspice", () => {
    const f = path.join(dir, "ps-card.cir");
    // were PS=3 (m) the source perimeter, CJSW would put 3 nF on node s; the instance's PS (0) leaves only CL
    writeFileSync(f, ["ps card", "VDD vdd 0 3", "VIN in 0 PULSE(0 1 1n 1n 1n 5n 20n)", "R1 in s 10k", "CL s 0 50f", "M1 vdd 0 s 0 m6 L=1u W=5u", ".model m6 nmos (level=6 vto=0.7 ps=3 cjsw=1e-9)", ".tran 0.1n 10n", ".end", ""].join("\n"));
    const ng = runNgspiceTran(f, { tstep: 0.1e-9, tstop: 10e-9, tmax: 0.02e-9, nodes: ["s"] });
    const eq = transient(loadCircuit(f), { integrator: "trap", tmax: 0.02e-9 });
    const w = againstInterpolated(eq.time, eq.nodes.s, ng.time, ng.nodes.s);
    worst.set("ps-card (tran)", w);
    expect(w).toBeLessThanOrEqual(1e-3);
    expect(eq.nodes.s[Math.round(4e-9 / 0.1e-9)]).toBeGreaterThan(0.9); // tau = 0.5 ns: charged by 4 ns
  });
});

describe("level 6 model cards: errors and warnings at the parameter", () => {
  const FILE = "lv6.cir";
  const expectNetlistError = netlistErrorCheck(FILE);
  const load = (...lines: string[]) => () => loadCircuitFromText(["* level 6", ...lines, "V1 d 0 1", "M1 d d 0 0 m"].join("\n") + "\n", FILE);
  it("names mos6.c does not have (KP, KF, AF, level 3's THETA, a typo) are ignored with a warning at the name, as ngspice 39 ignores them", () => {
    ignoredParamCheck(FILE)(load(".model m nmos (level=6 vto=0.7 kp=1e-4)"), 2, 35, "kp");
    ignoredParamCheck(FILE)(load(".model m nmos (level=6 kf=1e-25)"), 2, 27, "kf");
    ignoredParamCheck(FILE)(load(".model m nmos (level=6 theta=0.1)"), 2, 30, "theta");
    ignoredParamCheck(FILE)(load(".model m nmos (level=6 gama1=0.1)"), 2, 30, "gama1");
  });
  it("bad values: PHI <= 0, NSUB below ni (with TOX), TOX < 0, IS < 0, TPG not -1, 0, 1, a value that is not a number, an empty channel", () => {
    expectNetlistError(load(".model m nmos (level=6 phi=-0.1)"), 2, 28, /PHI must be positive/);
    expectNetlistError(load(".model m nmos (level=6 tox=20n nsub=1e9)"), 2, 37, /NSUB must exceed the intrinsic density/);
    expectNetlistError(load(".model m nmos (level=6 tox=-1n)"), 2, 28, /TOX must not be negative/);
    expectNetlistError(load(".model m nmos (level=6 is=-1)"), 2, 27, /IS must not be negative/);
    expectNetlistError(load(".model m nmos (level=6 tox=20n nsub=1e16 tpg=2)"), 2, 46, /TPG must be 1, -1 or 0/);
    expectNetlistError(load(".model m nmos (level=6 kv=abc)"), 2, 27, /./);
    const dev = (m: string, inst: string) => () => loadCircuitFromText(["* level 6", m, "V1 d 0 1", inst].join("\n") + "\n", FILE);
    expectNetlistError(dev(".model m nmos (level=6 ld=1u)", "M1 d d 0 0 m L=1.5u"), 4, 16, /m1: effective channel length L - 2 LD = .* m is not positive/);
  });
  it("every mos6.c parameter is accepted and runs", () => {
    expect(() =>
      load(".model m nmos (level=6 vto=0.7 vt0=0.7 kv=2 nv=0.5 kc=5e-5 nc=1 nvth=0.5 ps=0 gamma=0.3 gamma1=0.01 sigma=0.01 phi=0.6 lambda=0.01 lambda0=0.01 lambda1=0.001 rd=1 rs=1 cbd=1f cbs=1f is=1e-14 pb=0.8 cgso=0 cgdo=0 cgbo=0 rsh=0 cj=0 mj=0.5 cjsw=0 mjsw=0.5 js=0 ld=0 tox=20n u0=500 uo=500 fc=0.5 tpg=1 nsub=1e16 nss=0 tnom=27)")(),
    ).not.toThrow();
  });
});
