/**
 * The Z element (ngspice 39's GaAs MESFET / HFET devices: MES level 1,
 * MESA levels 2-4, HFETA level 5), DC only: the stamp of each model
 * against central finite differences of its terminal currents (with every
 * series resistance, so every internal node); operating points at several
 * biases, n and p types, and .dc sweeps against a live ngspice; and bad
 * lines and cards (NetlistErrors at their place, refused analyses).
 */
import { describe, expect, it } from "vitest";
import { acSweepFromText, loadCircuitFromText, operatingPoint, transient } from "../src/api.js";
import { ZFet } from "../src/devices/mesfet/zfet.js";
import { MesCore, mesDefaults } from "../src/devices/mesfet/mes-model.js";
import { HfetaCore, hfetaModel } from "../src/devices/mesfet/hfeta-model.js";
import { MesaCore, mesaModel } from "../src/devices/mesfet/mesa-model.js";
import { ngspiceDecks, TIGHT } from "./helpers/ngspice-compare.js";
import { describeNgspice, itNgspice } from "./helpers/ngspice.js";
import { GMIN, checkStamp } from "./helpers/stamp-check.js";
import { netlistErrorCheck } from "./helpers/netlist-errors.js";

const T300 = 300.15;

/** The device's own current law at node voltages v (index = node), for the finite differences. */
function lawOf(dev: ZFet, n: number): (v: number[]) => number[] {
  return (v) => {
    const out = new Float64Array(n + 1);
    dev.addCurrents(Float64Array.from(v), new Float64Array(n), -1, out);
    return [...out];
  };
}

describe("Z element stamps against finite differences", () => {
  it("MES (level 1), NMF and PMF, RD and RS, area: normal, linear, saturated, cutoff, reversed, gate forward", () => {
    for (const type of [1, -1] as const) {
      const p = { ...mesDefaults(type), vto: -1.2, beta: 2e-3, lambda: 0.04, b: 0.5, alpha: 2.5, rd: 5, rs: 7, is: 1e-12 };
      // nodes: 1 d, 2 g, 3 s, 4 d', 5 s'
      const biases = [
        [0, 2, 0, 0, 1.9, 0.05],
        [0, 0.3, -0.5, 0, 0.28, 0.01],
        [0, 1, -3, 0, 0.95, 0.02],
        [0, -1.5, 0.2, 0.3, -1.45, 0.25],
        [0, 0.8, 0.6, 0, 0.75, 0.02],
      ];
      for (const b of biases) {
        const v = b.map((x) => type * x);
        const dev = new ZFet("z1", [1, 2, 3, 4, 2, 5, 4, 5], new MesCore(p, 1.5));
        checkStamp(dev, 5, v, lawOf(dev, 5));
      }
    }
  });

  it("HFETA (level 5), NHFET and PHFET, gatemod 0 and 1, every series resistance (8 terminals)", () => {
    for (const type of [1, -1] as const) {
      for (const gatemod of [0, 1]) {
        const p = hfetaModel(type, { rd: 20, rs: 15, rg: 3, ri: 2, rf: 2.5, rdi: 4, rsi: 3, lambda: 0.17, m: 2.57, vto: type * 0.13, js1s: 1e-3, js1d: 1e-3, gatemod, a1: gatemod ? 0.1 : 0 }, T300);
        for (const b of [
          [0, 1.2, 0.4, 0, 1.15, 0.39, 0.02, 1.14, 0.02],
          [0, 0.3, 0.5, 0, 0.29, 0.49, 0.01, 0.29, 0.01],
          [0, 2, -0.2, 0, 1.9, -0.19, 0.05, 1.9, 0.05],
        ]) {
          const v = b.map((x) => type * x);
          const dev = new ZFet("z1", [1, 2, 3, 4, 5, 6, 7, 8], new HfetaCore(p, 1e-6, 10e-6, 2, T300, T300));
          checkStamp(dev, 8, v, lawOf(dev, 8));
        }
      }
    }
  });

  it("MESA levels 2, 3, 4 with RD, RS, RG, RI, RF, RDI, RSI and TS != TD", () => {
    for (const level of [2, 3, 4] as const) {
      const p = mesaModel(level, { rd: 31, rs: 31, rg: 10, ri: 5, rf: 5, rdi: 2.7, rsi: 2.7, lambda: 0.04, vto: level === 2 ? -1.2 : -2.04, alpha: level === 2 ? 0.5 : 0, tc: 0.001 });
      for (const b of [
        [0, 2, 0, 0, 1.9, 0.01, 0.05, 1.9, 0.05],
        [0, 0.5, -0.5, 0, 0.49, -0.49, 0.01, 0.49, 0.01],
        [0, 1, 0.3, 0, 0.98, 0.29, 0.02, 0.97, 0.02],
      ]) {
        const dev = new ZFet("z1", [1, 2, 3, 4, 5, 6, 7, 8], new MesaCore(p, 1e-6, 20e-6, 1, 310, 320, T300, T300, false, false));
        checkStamp(dev, 8, b, lawOf(dev, 8));
      }
    }
  });
});

const { compare, compareDc } = ngspiceDecks("mesfet");
const MES_N = ".model mn nmf level=1 vto=-1.3 beta=1.4e-3 alpha=2.2 b=0.4 lambda=0.05 rd=12 rs=9 is=1e-13";
const MES_P = ".model mp pmf vto=-1 beta=0.9e-3 lambda=0.03 rd=20 rs=15";
const HF_N = [".model hn nhfet level=5 rd=60 rs=60 rg=5 m=2.57 lambda=0.17", "+ vs=1.5e5 mu=0.385 vt0=0.3 eta=1.32 sigma0=0.04 vsigma=0.1 vsigmat=0.3 js1s=1e-12 js1d=1e-12 nmax=6e15"];
const HF_P = ".model hp phfet level=5 rd=40 rs=40 vt0=-0.2 js1s=1e-10 js1d=1e-10";
const MESA2 = ".model ma nmf level=2 rd=31 rs=31 rg=10 vto=0.1";
const MESA3 = ".model mb nmf level=3 rdi=2.7 rsi=2.7 rd=5 rs=5 mu=0.2 m=2.2 vto=-2.04 eta=1.5 lambda=0.04 tc=0.001 sigma0=0.02 vsigma=0.1 vsigmat=1.37 delta=5 beta=0.0085";
const MESA4 = ".model mc nmf level=4 rd=10 rs=10 ri=4 rf=4 vto=-0.5";

describeNgspice("Z element operating points against ngspice (1e-9 V)", () => {
  itNgspice("MES NMF and PMF common-source stages at several gate voltages, m= as the area", () => {
    for (const vg of [-2, -0.8, 0, 0.4, 0.9]) compare(`mes-n-${vg}`, ["mes n", TIGHT, "VDD vdd 0 5", `VG g 0 ${vg}`, "RL vdd d 1k", "Z1 d g 0 mn", "Z2 vdd g s2 mn m=2", "RS2 s2 0 500", MES_N]);
    for (const vg of [1.5, 0.5, 0, -0.6]) compare(`mes-p-${vg}`, ["mes p", TIGHT, "VDD vdd 0 -5", `VG g 0 ${vg}`, "RL vdd d 2k", "Z1 d g 0 mp area=1.5", MES_P]);
  });

  itNgspice("HFETA NHFET inverter pair and PHFET stage", () => {
    for (const vin of [0, 0.4, 1]) compare(`hfet-n-${vin}`, ["hfet n", TIGHT, "VDD vdd 0 2", `VIN in 0 ${vin}`, "RL vdd o 5k", "Z1 o in 0 hn l=1u w=10u", ...HF_N]);
    for (const vg of [0, -0.5, -1]) compare(`hfet-p-${vg}`, ["hfet p", TIGHT, "VDD vdd 0 -2", `VG g 0 ${vg}`, "RL vdd d 3k", "Z1 d g 0 hp l=1u w=20u m=2", HF_P]);
  });

  itNgspice("ngspice's inverse flag carried to the HFETAs loaded after one with vds < 0 (its DCFL inverter pair's operating point, with v(3) < 0)", () => {
    const v = compare("hfet-inverter", [
      "dcfl",
      TIGHT,
      ".subckt inv 1 2 3",
      "z1 1 3 3 aload l=1u w=10u",
      "z2 3 2 0 adrv l=1u w=10u",
      ".ends",
      "vdd 1 0 dc 2",
      "vin 2 0 dc 0",
      "x1 1 2 3 inv",
      "x2 1 3 4 inv",
      ".model adrv nhfet level=5 rd=60 rs=60 m=2.57 lambda=0.17 vs=1.5e5 mu=0.385 vt0=0.3 eta=1.32 sigma0=0.04 vsigma=0.1 vsigmat=0.3 js1s=1e-12 js1d=1e-12 nmax=6e15",
      ".model aload nhfet level=5 rd=60 rs=60 m=2.57 lambda=0.17 vs=1.5e5 mu=0.385 vt0=-0.3 eta=1.32 sigma0=0.04 vsigma=0.1 vsigmat=0.3 js1s=1e-12 js1d=1e-12 nmax=6e15",
    ]);
    expect(v["3"]).toBeLessThan(0);
  });

  itNgspice("MESA levels 2, 3, 4 (gate resistance, RI, RF, ts/td)", () => {
    for (const vg of [-1, 0, 0.5]) {
      compare(`mesa2-${vg}`, ["mesa2", TIGHT, "VDD vdd 0 3", `VG g 0 ${vg}`, "RL vdd d 2k", "Z1 d g 0 ma l=1u w=10u", MESA2]);
      compare(`mesa3-${vg}`, ["mesa3", TIGHT, "VDD vdd 0 3", `VG g 0 ${vg}`, "RL vdd d 200", "Z1 d g 0 mb l=1u w=150u ts=350 td=360", MESA3]);
      compare(`mesa4-${vg}`, ["mesa4", TIGHT, "VDD vdd 0 3", `VG g 0 ${vg}`, "RL vdd d 1k", "Z1 d g 0 mc l=1u w=20u", MESA4]);
    }
  });

  itNgspice(".dc sweeps: MES output curves, HFETA transfer curve, MESA level 2 output curves", () => {
    compareDc("mes-dc", ["mes dc", "VD d 0 0", "VG g 0 0", "Z1 d g 0 mn", MES_N], "VD 0 4 0.1 VG -1.5 0 0.5");
    compareDc("hfet-dc", ["hfet dc", "VD d 0 1", "VG g 0 0", "Z1 d g 0 hn l=1u w=10u", ...HF_N], "VG -0.5 1 0.05");
    compareDc("mesa-dc", ["mesa dc", "VD d 0 0", "VG g 0 0", "Z1 d g 0 ma l=1u w=20u", MESA2], "VD 0 2 0.05 VG -1 0.5 0.5");
  });
});

const expectNetlistError = netlistErrorCheck("bad.cir");

describe("Z element: bad lines and cards, refused analyses", () => {
  const deck = (...lines: string[]) => ["bad", "VD d 0 1", "VG g 0 0", ...lines, ".end"].join("\n");
  it("an HFET2 (level 6) card is refused at its LEVEL", () => {
    expectNetlistError(() => loadCircuitFromText(deck("Z1 d g 0 h2", ".model h2 nhfet level=6"), "bad.cir"), 5, 23, /HFET2 \(level 6\) is not supported/);
  });
  it("an unknown model and a model of another type", () => {
    expectNetlistError(() => loadCircuitFromText(deck("Z1 d g 0 nope"), "bad.cir"), 4, 10, /unknown MESFET\/HFET model 'nope'/);
    expectNetlistError(() => loadCircuitFromText(deck("Z1 d g 0 dd", ".model dd d"), "bad.cir"), 4, 10, /is a D model/);
  });
  it("missing nodes, an unknown instance parameter, a non-positive L", () => {
    expectNetlistError(() => loadCircuitFromText(deck("Z1 d g"), "bad.cir"), 4, 6, /missing node 3 of 3/);
    expectNetlistError(() => loadCircuitFromText(deck("Z1 d g 0 hn w=1u q=2", ...HF_N), "bad.cir"), 4, 18, /unknown parameter 'q'/);
    expectNetlistError(() => loadCircuitFromText(deck("Z1 d g 0 hn l=0", ...HF_N), "bad.cir"), 4, 15, /length l must be positive/);
  });
  it("MES: an unlabelled value is ignored as ngspice 39 ignores it (with a warning); area= and m= together refused", () => {
    const a = operatingPoint(loadCircuitFromText(deck("Z1 d g 0 mn 3", MES_N), "ok.cir"));
    const b = operatingPoint(loadCircuitFromText(deck("Z1 d g 0 mn", MES_N), "ok.cir"));
    expect(a.branches.vd).toBe(b.branches.vd);
    expect(loadCircuitFromText(deck("Z1 d g 0 mn 3", MES_N), "ok.cir").warnings.some((w) => /ignored, as ngspice 39 ignores it on a MES/.test(w))).toBe(true);
    const c = operatingPoint(loadCircuitFromText(deck("Z1 d g 0 mn m=3", MES_N), "ok.cir"));
    const d = operatingPoint(loadCircuitFromText(deck("Z1 d g 0 mn area=3", MES_N), "ok.cir"));
    expect(c.branches.vd).toBe(d.branches.vd);
    expect(Math.abs(c.branches.vd)).toBeGreaterThan(2 * Math.abs(b.branches.vd));
    expectNetlistError(() => loadCircuitFromText(deck("Z1 d g 0 mn area=2 m=2", MES_N), "bad.cir"), 4, 20, /area= and m= are the same parameter/);
  });
  it("a transient and an AC analysis are refused, naming the missing charges", () => {
    expect(() => transient(loadCircuitFromText(deck("Z1 d g 0 mn", MES_N, ".tran 1n 10n"), "t.cir"))).toThrow(/modelled at DC only.*transient is refused/);
    expect(() => acSweepFromText(deck("Z1 d g 0 mn", MES_N, ".ac dec 10 1 1e6").replace("VG g 0 0", "VG g 0 0 ac 1"), "a.cir")).toThrow(/z1: no small-signal model/);
  });
});
