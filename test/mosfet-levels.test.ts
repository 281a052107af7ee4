/**
 * MOSFET levels 2 (Grove-Frohman) and 3 (semi-empirical), ngspice's mos2 and
 * mos3: the stamp against finite differences of the pure current function
 * in every region (cutoff, subthreshold with NFS, linear, saturation,
 * reversed drain and source, body bias, forward-biased bulk), NMOS and PMOS,
 * with and without VMAX, NFS, XJ, DELTA, THETA, ETA, UCRIT; then live ngspice
 * 39 (skipped with one warning when it is missing): I-V grids (every bias a
 * transistor with its own sources, each drain current compared relatively)
 * for NMOS and PMOS cards with given and derived VTO/KP/GAMMA/PHI, short
 * and long channels, with and without VMAX; circuits (inverter, current
 * mirror, differential pair, PMOS stage, pass gate, series RD/RS/RSH,
 * temperature, forward-biased bulk) at level 3 and some at level 2, every
 * node voltage and source current compared; one transient per level with
 * Meyer, overlap and junction capacitances; the model-card errors.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadCircuit, loadCircuitFromText, opFromFile, transient } from "../src/api.js";
import { deriveMos2Model, mos2Defaults } from "../src/devices/mosfet/mos2-model.js";
import { deriveMos3Model, mos3Defaults } from "../src/devices/mosfet/mos3-model.js";
import { MOS_GEOMETRY_DEFAULTS, mosDefaults, mosInstanceAt, type MosInstance, type MosModelParams } from "../src/devices/mosfet/mosfet-model.js";
import { atCommonPoints, ngspiceDecks, TIGHT } from "./helpers/ngspice-compare.js";
import { describeNgspice, itNgspice, runNgspiceOp, runNgspiceTran } from "./helpers/ngspice.js";
import { ignoredParamCheck, netlistErrorCheck } from "./helpers/netlist-errors.js";
import { checkMosSeriesStamp, checkMosStamp } from "./helpers/mos-stamp.js";

/**
 * Nodes 1 drain, 2 gate, 3 source, 4 bulk; NMOS-like voltages, mirrored for
 * a PMOS. Away from vbs = 0 exactly: level 2's current has a kink in its
 * slope there (its square-root continuation for vbs > 0 differs from
 * sqrt(PHI - vbs) in the second derivative, which enters the threshold
 * through the XJ and NFS terms), where central differences average two
 * one-sided slopes.
 */
const REGIONS: Array<[string, { vd: number; vg: number; vs: number; vb: number }]> = [
  ["cutoff (or deep subthreshold with NFS)", { vd: 2, vg: 0.1, vs: 0, vb: -0.2 }],
  ["near the threshold (subthreshold with NFS)", { vd: 2, vg: 0.6, vs: 0, vb: -0.2 }],
  ["linear", { vd: 0.3, vg: 2.5, vs: 0, vb: -0.2 }],
  ["saturation, body bias", { vd: 3, vg: 1.6, vs: 0, vb: -0.5 }],
  ["saturation, source above bulk", { vd: 4, vg: 3, vs: 1.2, vb: 0 }],
  ["reversed, linear", { vd: -0.3, vg: 2.5, vs: 0, vb: -0.8 }],
  ["reversed, saturated", { vd: -3, vg: 0.5, vs: 0, vb: -3.5 }],
  ["forward-biased bulk-source (vbs > 0)", { vd: 2, vg: 1.5, vs: 0, vb: 0.3 }],
];

const CARDS3: Array<[string, Partial<MosModelParams>]> = [
  ["VTO, KP, GAMMA, PHI only", { vto: 0.7, kp: 110e-6, gamma: 0.4, phi: 0.65 }],
  ["THETA ETA KAPPA XJ LD, NSUB (ALPHA, XD)", { vto: 0.7, kp: 110e-6, gamma: 0.4, phi: 0.65, theta: 0.1, eta: 0.05, kappa: 0.3, tox: 20e-9, nsub: 1e16, xj: 0.2e-6, ld: 0.05e-6 }],
  ["VMAX, derived KP", { vto: 0.7, gamma: 0.4, theta: 0.1, eta: 0.05, kappa: 0.3, tox: 20e-9, nsub: 1e16, xj: 0.2e-6, vmax: 1.5e5, ld: 0.05e-6 }],
  ["NFS DELTA VMAX, all derived", { tox: 20e-9, nsub: 2e16, nfs: 1e11, delta: 0.5, theta: 0.05, vmax: 1e5, eta: 0.02, xj: 0.3e-6, uo: 500 }],
  ["NFS DELTA without VMAX", { tox: 20e-9, nsub: 2e16, nfs: 1e11, delta: 0.5, theta: 0.05, eta: 0.02, xj: 0.3e-6, uo: 500 }],
];
const CARDS2: Array<[string, Partial<MosModelParams>]> = [
  ["VTO, KP, GAMMA, PHI, LAMBDA", { vto: 0.7, kp: 110e-6, gamma: 0.4, phi: 0.65, lambda: 0.02 }],
  ["NSUB UCRIT UEXP XJ DELTA, all derived", { tox: 20e-9, nsub: 1e16, uo: 550, ucrit: 1e4, uexp: 0.2, xj: 0.2e-6, ld: 0.05e-6, delta: 0.5 }],
  ["VMAX NEFF NFS", { tox: 20e-9, nsub: 1e16, uo: 550, ucrit: 1e4, uexp: 0.2, xj: 0.2e-6, vmax: 5e4, neff: 2, nfs: 1e11 }],
  ["NFS, VTO given", { vto: 0.7, tox: 20e-9, nsub: 2e16, nfs: 1e11, xj: 0.3e-6 }],
];

function instance(level: 2 | 3, type: 1 | -1, over: Partial<MosModelParams>): MosInstance {
  const base = mosDefaults(type, 27);
  const p = { ...(level === 3 ? mos3Defaults(base) : mos2Defaults(base)), is: 1e-13, ...over };
  if (type === -1 && p.vto !== undefined) p.vto = -p.vto;
  const model = level === 3 ? deriveMos3Model(p) : deriveMos2Model(p);
  return mosInstanceAt(model, { ...MOS_GEOMETRY_DEFAULTS, l: 1e-6, w: 10e-6 }, 27);
}

for (const [level, cards] of [[3, CARDS3], [2, CARDS2]] as const) {
  describe(`level ${level}: the stamp against finite differences of the current law`, () => {
    for (const [cn, card] of cards) {
      for (const type of [1, -1] as const) {
        for (const [region, v] of REGIONS) {
          it(`${cn}, ${type === 1 ? "NMOS" : "PMOS"}: ${region}`, () => {
            const p = instance(level, type, card);
            checkMosStamp(p, type, v);
          });
        }
      }
    }
    it("with series RD and RS (internal nodes 5, 6): the whole device's addCurrents", () => {
      for (const type of [1, -1] as const) {
        const p = instance(level, type, { ...cards[2][1], rd: 150, rs: 80 });
        for (const [, v] of REGIONS) checkMosSeriesStamp(p, type, v);
      }
    });
  });
}

describe("the regions are the ones named", () => {
  it("level 3 without NFS is off below von, with NFS conducts exponentially there; reversed mode swaps drain and source", () => {
    const ch = { mode: 1 as 1 | -1, cdrain: 0, gm: 0, gds: 0, gmbs: 0, von: 0, vdsat: 0 };
    const p = instance(3, 1, CARDS3[0][1]);
    p.channel(p, 0.3, 2, 0, ch);
    expect([ch.cdrain, ch.gm, ch.gds, ch.gmbs]).toEqual([0, 0, 0, 0]);
    const q = instance(3, 1, CARDS3[4][1]);
    q.channel(q, q.vto - 0.1, 2, 0, ch);
    const i1 = ch.cdrain;
    q.channel(q, q.vto - 0.2, 2, 0, ch);
    expect(i1).toBeGreaterThan(0);
    // about a decade per n Vt ln 10 (n ~ 1.5 here): a factor 2 to 20 per 100 mV
    expect(i1 / ch.cdrain).toBeGreaterThan(2);
    expect(i1 / ch.cdrain).toBeLessThan(20);
    p.channel(p, 2.5, -0.3, -0.8, ch);
    expect(ch.mode).toBe(-1);
    // level 3's junctions have ngspice's cubic reverse tail, level 2's level 1's linear one
    expect(p.junction).not.toBe(instance(2, 1, CARDS2[0][1]).junction);
  });
});

const { dir, worst, compare } = ngspiceDecks("mosfet-levels");
const relWorst = new Map<string, number>();
afterAll(() => {
  if (relWorst.size) console.log(`mosfet-levels: max relative drain current difference against ngspice per I-V grid:\n${[...relWorst].map(([k, v]) => `  ${k}: ${v.toExponential(2)}`).join("\n")}`);
});

/**
 * Solve `lines` with both simulators; every V-source current within `rtol`
 * of ngspice's (relative; plus 1e-18 A: a current of 1e-12 A below the
 * threshold is a difference of terms of 1e-5 A at level 2, whose rounding
 * differs by that much) and every node within 1e-9 V.
 * Returns the worst relative current difference.
 */
function compareCurrents(name: string, lines: string[], rtol = 1e-11): number {
  const f = path.join(dir, `${name}.cir`);
  writeFileSync(f, [...lines, ".end", ""].join("\n"));
  const ng = runNgspiceOp(f);
  const eq = opFromFile(f);
  let w = 0;
  for (const b of Object.keys(ng.branches)) {
    if (!b.startsWith("v")) continue;
    const i = ng.branches[b];
    const d = Math.abs(eq.branches[b] - i);
    expect(d, `${name}: i(${b}) eqspice ${eq.branches[b]} ngspice ${i}`).toBeLessThanOrEqual(rtol * Math.abs(i) + 1e-18);
    w = Math.max(w, d / Math.max(Math.abs(i), 1e-9));
  }
  for (const n of Object.keys(ng.nodes)) if (n !== "0" && !n.includes("#")) expect(Math.abs(eq.nodes[n] - ng.nodes[n])).toBeLessThanOrEqual(1e-9);
  relWorst.set(name, w);
  return w;
}

/** One transistor per bias point: gate 0.2 .. 3 V, drain 0.05 .. 5 V, bulk at the source or 1 V below it (mirrored for a PMOS). */
function ivDeck(card: string, type: 1 | -1, l: string): string[] {
  const name = card.split(/\s+/)[1];
  const lines = ["I-V grid", TIGHT, `VB b 0 ${-type}`, "VB0 b0 0 0"];
  let k = 0;
  for (const vg of [0.2, 0.6, 0.9, 1.5, 3]) {
    for (const vd of [0.05, 0.5, 2, 5]) {
      for (const b of ["b0", "b"]) {
        k++;
        lines.push(`VG${k} g${k} 0 ${type * vg}`, `VD${k} d${k} 0 ${type * vd}`, `M${k} d${k} g${k} 0 ${b} ${name} L=${l} W=10u`);
      }
    }
  }
  // reversed: the drain below the source
  for (const vg of [1, 3]) {
    k++;
    lines.push(`VG${k} g${k} 0 ${type * vg}`, `VS${k} s${k} 0 ${type * 1.5}`, `M${k} 0 g${k} s${k} b ${name} L=${l} W=10u`);
  }
  lines.push(card);
  return lines;
}

const IV3: Array<[string, string, 1 | -1]> = [
  ["n3-given", ".model n3g nmos (level=3 vto=0.7 kp=110u gamma=0.4 phi=0.65 theta=0.08 eta=0.02 kappa=0.5 nsub=1e16 tox=20n xj=0.25u ld=0.08u)", 1],
  ["n3-vmax-nfs-delta", ".model n3f nmos (level=3 vto=0.7 kp=110u gamma=0.4 phi=0.65 theta=0.08 eta=0.02 kappa=0.5 nsub=1e16 tox=20n vmax=1.5e5 xj=0.25u delta=0.3 nfs=1e11 ld=0.08u)", 1],
  ["n3-derived", ".model n3d nmos (level=3 tox=20n nsub=1e16 uo=550 theta=0.1 eta=0.05 kappa=0.3 xj=0.2u ld=0.05u)", 1],
  ["p3-derived-vmax", ".model p3d pmos (level=3 tox=20n nsub=2e16 uo=200 tpg=-1 nss=1e10 theta=0.1 eta=0.1 kappa=0.2 vmax=1e5 xj=0.2u)", -1],
  ["p3-given-nfs", ".model p3f pmos (level=3 vto=-0.8 kp=40u gamma=0.5 phi=0.7 theta=0.1 nfs=5e10 tox=25n)", -1],
];
const IV2: Array<[string, string, 1 | -1]> = [
  ["n2-given", ".model n2a nmos (level=2 vto=0.7 kp=110u gamma=0.4 phi=0.65 lambda=0.02)", 1],
  ["n2-derived-ucrit", ".model n2b nmos (level=2 tox=20n nsub=1e16 uo=550 ucrit=1e4 uexp=0.2 xj=0.2u ld=0.05u delta=0.5)", 1],
  ["n2-vmax-nfs", ".model n2c nmos (level=2 tox=20n nsub=1e16 uo=550 ucrit=1e4 uexp=0.2 xj=0.2u vmax=5e4 neff=2 nfs=1e11)", 1],
  ["p2-derived-vmax", ".model p2a pmos (level=2 tox=20n nsub=2e16 uo=200 tpg=-1 nss=1e10 vmax=4e4 uexp=0.1 xj=0.2u)", -1],
  ["p2-given-nfs", ".model p2b pmos (level=2 vto=-0.8 kp=40u gamma=0.5 phi=0.7 lambda=0.03 nfs=5e10 tox=25n)", -1],
];

describeNgspice("MOSFET levels 2 and 3: I-V grids against ngspice", () => {
  for (const [level, cards] of [[3, IV3], [2, IV2]] as const) {
    itNgspice(`level ${level}: NMOS and PMOS, given and derived parameters, with and without VMAX and NFS, L = 0.8 um and 10 um`, () => {
      for (const [name, card, type] of cards) for (const l of ["0.8u", "10u"]) compareCurrents(`iv-${name}-${l}`, ivDeck(card, type, l));
    });
  }
});

const N3 = ".model n3f nmos (level=3 vto=0.7 kp=110u gamma=0.4 phi=0.65 theta=0.08 eta=0.02 kappa=0.5 nsub=1e16 tox=20n vmax=1.5e5 xj=0.25u delta=0.3 nfs=1e11 ld=0.08u)";
const P3 = ".model p3f pmos (level=3 vto=-0.8 kp=40u gamma=0.5 phi=0.7 theta=0.1 nfs=5e10 tox=25n vmax=1e5 nsub=3e16 xj=0.2u eta=0.05 kappa=0.4)";
const N2 = ".model n2f nmos (level=2 vto=0.7 kp=110u gamma=0.4 phi=0.65 nsub=1e16 tox=20n ucrit=2e4 uexp=0.15 vmax=6e4 xj=0.25u nfs=1e11 ld=0.08u)";
const P2 = ".model p2f pmos (level=2 vto=-0.8 kp=40u gamma=0.5 phi=0.7 lambda=0.02 tox=25n nsub=3e16 xj=0.2u)";

describeNgspice("MOSFET levels 2 and 3: circuits against ngspice", () => {
  itNgspice("level 3 CMOS inverter from rail to rail, and a level 2 one", () => {
    for (const vin of [0, 0.5, 1.0, 1.4, 1.8, 2.5, 3.3]) {
      compare(`inv3-${vin}`, ["inverter", TIGHT, "VDD vdd 0 3.3", `VIN in 0 ${vin}`, "MN out in 0 0 n3f L=0.8u W=2u", "MP out in vdd vdd p3f L=0.8u W=5u", N3, P3]);
      compare(`inv2-${vin}`, ["inverter", TIGHT, "VDD vdd 0 3.3", `VIN in 0 ${vin}`, "MN out in 0 0 n2f L=0.8u W=2u", "MP out in vdd vdd p2f L=0.8u W=5u", N2, P2]);
    }
  });
  itNgspice("level 3 current mirror (M=2 on the output) and differential pair, balanced and unbalanced", () => {
    compare("mirror3", ["mirror", TIGHT, "VDD vdd 0 5", "IREF vdd ref 50u", "M1 ref ref 0 0 n3f L=2u W=20u", "M2 out ref 0 0 n3f L=2u W=20u M=2", "RL vdd out 20k", N3]);
    compare("mirror2", ["mirror", TIGHT, "VDD vdd 0 5", "IREF vdd ref 50u", "M1 ref ref 0 0 n2f L=2u W=20u", "M2 out ref 0 0 n2f L=2u W=20u M=2", "RL vdd out 20k", N2]);
    for (const dv of [0, 0.05, 0.3, -1]) {
      compare(`diff3-${dv}`, ["diff pair", TIGHT, "VDD vdd 0 5", "VSS vss 0 -5", `VP inp 0 ${dv / 2}`, `VN inn 0 ${-dv / 2}`, "R1 vdd o1 20k", "R2 vdd o2 20k", "M1 o1 inp tail vss n3f L=1u W=20u", "M2 o2 inn tail vss n3f L=1u W=20u", "RT tail vss 20k", N3]);
    }
  });
  itNgspice("level 3 PMOS stage with the bulk above the source; a pass gate in reverse mode", () => {
    for (const vg of [0, 1.5, 2.5, 4.5]) compare(`pcs3-${vg}`, ["pmos stage", TIGHT, "VDD vdd 0 5", "VB nb 0 6", `VG g 0 ${vg}`, "M1 d g vdd nb p3f L=1u W=20u", "RD d 0 10k", P3]);
    compare("pass3", ["pass gate", TIGHT, "VDD vdd 0 3.3", "VA a 0 0.4", "RUP vdd b 30k", "M1 a vdd b 0 n3f L=1u W=2u", "RL b 0 100k", N3]);
    compare("pass2", ["pass gate", TIGHT, "VDD vdd 0 3.3", "VA a 0 0.4", "RUP vdd b 30k", "M1 a vdd b 0 n2f L=1u W=2u", "RL b 0 100k", N2]);
  });
  itNgspice("series RD, RS and RSH (internal nodes), JS with areas; level 3's DELVTO, XL, WD, XW", () => {
    compare("series3", [
      "series",
      TIGHT,
      "VDD vdd 0 5",
      "VG g 0 2",
      "RL vdd d 5k",
      "M1 d g 0 0 nrr L=1u W=20u",
      "M2 d2 g 0 0 nsh L=1u W=20u NRD=2 NRS=3 AD=20p AS=20p",
      "RL2 vdd d2 5k",
      ".model nrr nmos (level=3 vto=0.7 kp=110u rd=200 rs=150 theta=0.1 vmax=1e5 tox=20n)",
      ".model nsh nmos (level=3 vto=0.7 kp=110u rsh=40 js=1e-4 delvto=0.1 xl=0.1u wd=0.2u xw=0.1u)",
    ]);
    compare("series2", ["series", TIGHT, "VDD vdd 0 5", "VG g 0 2", "RL vdd d 5k", "M1 d g 0 0 n2r L=1u W=20u", "M2 d2 g 0 0 n2r L=1u W=20u NRD=2 NRS=3", "RL2 vdd d2 5k", ".model n2r nmos (level=2 vto=0.7 kp=110u rd=200 rs=150 rsh=30 vmax=5e4 tox=20n nsub=1e16)"]);
  });
  itNgspice("the circuit temperature (.temp 80) and a model TNOM; forward-biased bulk junctions", () => {
    compare("temp3", [
      "temperature",
      TIGHT,
      ".temp 80",
      "VDD vdd 0 5",
      "VG g 0 1.4",
      "RD vdd d 10k",
      "M1 d g 0 0 n3f L=1u W=10u",
      "M2 d2 g 0 0 n3t L=2u W=10u",
      "RD2 vdd d2 10k",
      "M3 d3 g 0 0 n2f L=2u W=10u",
      "RD3 vdd d3 10k",
      N3,
      N2,
      ".model n3t nmos (level=3 tox=20n nsub=1e16 uo=550 tnom=50 nfs=1e11 theta=0.1 vmax=1.2e5 xj=0.2u)",
    ]);
    compare("bulkfwd3", ["bulk forward", TIGHT, "VB b 0 0.9", "VG g 0 2", "RD vdd d 1k", "VDD vdd 0 2", "RS s 0 1k", "M1 d g s bx n3f L=2u W=10u AD=20p AS=20p", "M2 d g s bx n2f L=2u W=10u", "RB b bx 2k", N3, N2]);
  });
});

describeNgspice("MOSFET levels 2 and 3: transients against ngspice", () => {
  const models: Record<2 | 3, string[]> = {
    3: [
      ".model nc nmos (level=3 vto=0.7 kp=110u gamma=0.4 phi=0.65 theta=0.08 eta=0.02 kappa=0.5 nsub=1e16 tox=20n vmax=1.5e5 xj=0.25u nfs=1e11 ld=0.08u cgso=2e-10 cgdo=2e-10 cgbo=1e-10 cj=2e-4 cjsw=5e-10)",
      ".model pc pmos (level=3 vto=-0.8 kp=40u gamma=0.5 phi=0.7 theta=0.1 tox=20n nsub=2e16 vmax=1e5 xj=0.2u cgso=2e-10 cgdo=2e-10 cj=3e-4 cjsw=4e-10 mjsw=0.4)",
    ],
    2: [
      ".model nc nmos (level=2 vto=0.7 kp=110u gamma=0.4 phi=0.65 nsub=1e16 tox=20n ucrit=2e4 uexp=0.15 vmax=6e4 xj=0.25u nfs=1e11 ld=0.08u cgso=2e-10 cgdo=2e-10 cgbo=1e-10 cj=2e-4 cjsw=5e-10)",
      ".model pc pmos (level=2 vto=-0.8 kp=40u gamma=0.5 phi=0.7 lambda=0.02 tox=20n nsub=2e16 xj=0.2u cgso=2e-10 cgdo=2e-10 cj=3e-4 cjsw=4e-10)",
    ],
  };
  for (const level of [3, 2] as const) {
    itNgspice(`level ${level} CMOS inverter with Meyer, overlap and junction capacitances (MJSW default 0.33), PULSE input: trap at TMAX 10 ps against ngspice's to 1e-3 V`, () => {
      const f = path.join(dir, `inv${level}-tran.cir`);
      writeFileSync(
        f,
        [
          `level ${level} inverter`,
          "VDD vdd 0 3.3",
          "VIN in 0 PULSE(0 3.3 1n 1n 1n 5n 12n)",
          "MN out in 0 0 nc L=0.8u W=4u AD=8p AS=8p PD=12u PS=12u",
          "MP out in vdd vdd pc L=0.8u W=10u AD=20p AS=20p PD=24u PS=24u",
          "CL out 0 20f",
          ...models[level],
          ".tran 0.1n 20n",
          ".end",
          "",
        ].join("\n"),
      );
      const tmax = 10e-12;
      const ng = runNgspiceTran(f, { tstep: 0.1e-9, tstop: 20e-9, tmax, nodes: ["out"] });
      const r = transient(loadCircuit(f), { integrator: "trap", tmax, tstep: tmax / 10 });
      const m = atCommonPoints(r.time, r.nodes.out, ng.time, ng.nodes.out, 0, tmax / 10);
      worst.set(`inv${level}-tran`, m.dv);
      expect(m.matched / m.total, "ngspice points that are eqspice points").toBeGreaterThan(0.95);
      expect(m.dv, `at ${m.t}`).toBeLessThanOrEqual(1e-3);
      // it does switch: high before the pulse, low while the input is high, high again after
      const at = (ts: number) => r.nodes.out[Math.round(ts / (tmax / 10))];
      expect(at(0.5e-9)).toBeGreaterThan(3.2);
      expect(at(6e-9)).toBeLessThan(0.1);
      expect(at(11e-9)).toBeGreaterThan(3.2);
    }, 60_000);
  }
});

describe("level 2 and 3 model cards: errors at the parameter", () => {
  const FILE = "lv.cir";
  const expectNetlistError = netlistErrorCheck(FILE);
  const load = (...lines: string[]) => () => loadCircuitFromText(["* levels", ...lines, "V1 d 0 1", "M1 d d 0 0 m"].join("\n") + "\n", FILE);
  // levels 2 and 3 are checked with their model (at the value); level 1 names already by the parser (at the name)
  it("a parameter of another level, or none, is unknown at this level", () => {
    // names ngspice 39's level 3 / level 2 tables do not have: ignored with a warning, as ngspice ignores them
    ignoredParamCheck(FILE)(load(".model m nmos (level=3 vto=0.7 lambda=0.02)"), 2, 39, "lambda");
    ignoredParamCheck(FILE)(load(".model m nmos (level=2 vto=0.7 theta=0.1)"), 2, 38, "theta");
    ignoredParamCheck(FILE)(load(".model m nmos (level=2 utra=0.5)"), 2, 29, "utra");
    expectNetlistError(load(".model m nmos (level=3 xd=1u)"), 2, 27, /unknown MOSFET level 3 model parameter 'xd'/);
    ignoredParamCheck(FILE)(load(".model m nmos (level=1 vmax=1e5)"), 2, 24, "vmax");
  });
  it("bad values: TOX <= 0, NSUB below ni, PHI <= 0, TPG not -1, 0, 1", () => {
    expectNetlistError(load(".model m nmos (level=3 tox=0)"), 2, 28, /TOX must be positive at level 3/);
    expectNetlistError(load(".model m pmos (level=2 tox=-1n)"), 2, 28, /TOX must be positive at level 2/);
    expectNetlistError(load(".model m nmos (level=3 nsub=1e9)"), 2, 29, /NSUB must exceed the intrinsic density/);
    expectNetlistError(load(".model m nmos (level=2 phi=-0.1)"), 2, 28, /PHI must be positive/);
    expectNetlistError(load(".model m nmos (level=3 nsub=1e16 tpg=2)"), 2, 38, /TPG must be 1, -1 or 0/);
  });
  it("an empty effective channel: level 3's XL and WD, XW count (at the element's L or W)", () => {
    const dev = (m: string, inst: string) => () => loadCircuitFromText(["* levels", m, "V1 d 0 1", inst].join("\n") + "\n", FILE);
    expectNetlistError(dev(".model m nmos (level=3 xl=-1u)", "M1 d d 0 0 m L=1u W=10u"), 4, 16, /m1: effective channel length L - 2 LD \+ XL = .* m is not positive \(\.model m LD=0 XL=-0\.000001\)/);
    expectNetlistError(dev(".model m nmos (level=3 wd=3u xw=0.5u)", "M1 d d 0 0 m L=1u W=5u"), 4, 21, /m1: effective channel width W - 2 WD \+ XW = .* m is not positive/);
    expectNetlistError(dev(".model m nmos (level=2 ld=1u)", "M1 d d 0 0 m L=1.5u"), 4, 16, /m1: effective channel length L - 2 LD = .* m is not positive/);
  });
  it("other levels are still refused by name, at their LEVEL", () => {
    expectNetlistError(load(".model m nmos (level=5 vth0=0.5)"), 2, 22, /MOSFET level 5 \(BSIM2\) is not supported: eqspice models MOSFET level 1 \(Shichman-Hodges\), level 2 \(Grove-Frohman\), level 3 \(semi-empirical\), level 6 \(Sakurai-Newton n-th power\), levels 8\/49 \(BSIM3 3\.1-3\.3, see docs\/netlist\.md\) and 14\/54 \(BSIM4 4\.7-4\.8, DC only\)/);
    expectNetlistError(load(".model m nmos (level=9)"), 2, 22, /level 9 \(MOS9\)/);
  });
  it("levels 2 and 3 are accepted with their parameters and run", () => {
    expect(() => load(".model m nmos (level=3 vto=0.7 kp=1e-4 theta=0.1 vmax=1e5 kappa=0.3 eta=0.01 nfs=1e11 delta=0.2 xj=0.2u)")()).not.toThrow();
    expect(() => load(".model m nmos (level=2 vto=0.7 kp=1e-4 ucrit=1e4 uexp=0.2 neff=1.5 vmax=1e5 nfs=1e11 delta=0.2 xj=0.2u lambda=0.01)")()).not.toThrow();
  });
});
