/**
 * The diode's recombination current ISR, NR (PSpice cards such as D1N4148),
 * its knee currents IKF, IKR and RS's temperature coefficients TRS, TRS2,
 * as ngspice 39's level-1 diode (dioload.c, diotemp.c):
 *  - decks against a live ngspice 39 at tight tolerances (skipped, with one
 *    visible warning, when ngspice is missing): the corpus' D1N4148 deck
 *    (v(2) = 0.55195 V), forward, reverse and breakdown points at several
 *    temperatures, areas and multipliers;
 *  - the stamp against central finite differences of an independent
 *    current law written here from ngspice's equations;
 *  - the co-content: zero at 0 V, its derivative the current;
 *  - bad values as NetlistErrors at file:line:col; PSpice's IBVL, NBVL,
 *    TBV1, TBV2 ignored with a warning, as ngspice 39 ignores them.
 */
import { describe, expect, it } from "vitest";
import { loadCircuitFromText } from "../src/api.js";
import { parseNetlist } from "../src/netlist/parser.js";
import { elaborate } from "../src/netlist/elaborate.js";
import { Diode } from "../src/devices/diode/diode.js";
import { CHARGE, CONSTboltz, DIODE_DEFAULTS, junctionAt, type DiodeModelParams } from "../src/devices/diode/diode-model.js";
import { netlistErrorCheck } from "./helpers/netlist-errors.js";
import { ngspiceDecks, TIGHT } from "./helpers/ngspice-compare.js";
import { describeNgspice, itNgspice } from "./helpers/ngspice.js";
import { GMIN, checkStamp } from "./helpers/stamp-check.js";

const { compare } = ngspiceDecks("diode-isr");

const D1N4148 = ".model D1N4148 D(Is=5.84n N=1.94 Rs=.7017 Ikf=44.17m Xti=3 Eg=1.11 Cjo=.95p M=.55 Vj=.75 Fc=.5 Isr=11.07n Nr=2.088 Bv=75 Ibv=1u Tt=11.54n)";

describeNgspice("ISR, NR, IKF, IKR, TRS against ngspice 39", () => {
  itNgspice("the corpus' D1N4148 deck (Lab5/B.sp's card): v(2) = 0.5519424 V at tight tolerances (the corpus' 0.55195 at ngspice's default ones; 0.56785 without ISR)", () => {
    const v = compare("d1n4148-min", ["isr nr", TIGHT, "V1 1 0 1", "R1 1 2 1k", "D1 2 0 D1N4148",
      ".model D1N4148 D(Is=5.84n N=1.94 Rs=.7017 Ikf=44.17m Xti=3 Eg=1.11 Cjo=.95p M=.55 Vj=.75 Fc=.5 Isr=11.07n Nr=2.088 Bv=100 Ibv=100u Tt=11.07n)"]);
    expect(Math.abs(v["2"] - 0.5519424)).toBeLessThan(1e-7);
  });

  itNgspice("D1N4148 forward (IKF active), small forward, reverse and in breakdown, with area and m, at -20, 27 and 85 C", () => {
    for (const temp of [-20, 27, 85]) {
      compare(`d1n4148-${temp}`, [
        "d1n4148 points", TIGHT, `.temp ${temp}`,
        "V1 1 0 5", "R1 1 2 20", "D1 2 0 D1N4148 2",
        "V2 3 0 1", "R2 3 4 100k", "D2 4 0 D1N4148 m=3",
        "V3 5 0 -10", "R3 5 6 1k", "D3 0 6 D1N4148",
        "V4 7 0 -90", "R4 7 8 10k", "D4 0 8 D1N4148 0.5",
        "V5 9 0 -0.2", "D5 9 0 D1N4148",
        D1N4148,
      ]);
    }
  });

  itNgspice("ISR alone with other M, VJ (the generation factor), FC limiting VJ, NR; IKF alone; IKR alone; TRS, TRS2", () => {
    const points = ["V1 1 0 3", "R1 1 2 50", "D1 2 0 dm", "V2 3 0 0.9", "R2 3 4 10k", "D2 4 0 dm", "V3 5 0 -2", "R3 5 6 10", "D3 0 6 dm 3", "V4 7 0 -0.05", "D4 7 0 dm", "V5 9 0 -1", "R5 9 10 1k", "D5 10 0 dm", "V6 11 0 -3", "R6 11 12 1k", "D6 12 0 dm"];
    const cards = [
      "dm d(is=1e-14 isr=1e-10 nr=2.5 m=0.33 vj=0.6)",
      "dm d(is=1e-14 isr=1e-10 m=0.95 vj=2.5 fc=0.5)",
      "dm d(is=1e-15 n=1.1 isr=1e-9 nr=1.8 rs=2)",
      "dm d(is=1e-12 ikf=1m rs=1)",
      "dm d(is=1e-12 n=1.5 ikr=1u bv=1.5 ibv=1m)",
      "dm d(is=1e-12 ikr=1n)",
      "dm d(is=1e-12 rs=10 trs=5e-3 trs2=1e-5 tnom=40)",
    ];
    cards.forEach((card, k) => {
      for (const temp of [27, 100]) compare(`card${k}-${temp}`, ["isr cards", TIGHT, `.temp ${temp}`, ...points, `.model ${card}`]);
    });
  });

  itNgspice("PSpice's IBVL, NBVL, TBV1, TBV2 are ignored as ngspice 39 ignores them", () => {
    compare("pspice-ignored", ["ignored", TIGHT, "V1 1 0 -80", "R1 1 2 10k", "D1 0 2 dz", ".model dz D(Is=1e-14 Bv=75 Ibv=1u Ibvl=1n Nbvl=3 Tbv1=1e-3 Tbv2=0)", ".temp 60"]);
  });
});

/** ngspice's level-1 junction current at 27 C (TNOM 27), written out independently: IS, N, ISR, NR, M, VJ, IKF, IKR, no BV. */
function lawAt27(m: DiodeModelParams, area: number): (v: number) => number {
  const vt = (CONSTboltz * 300.15) / CHARGE;
  const vte = m.n * vt;
  const is = m.is * area;
  const isr = m.isr * area;
  const mj = Math.min(m.mj, 0.9);
  const vj = Math.min(m.vj, 1 / m.fc);
  return (v) => {
    let i: number;
    if (v >= -3 * vte) {
      i = is * (Math.exp(v / vte) - 1);
      i += isr * (Math.exp(v / (m.nr * vt)) - 1) * Math.pow((1 - v / vj) ** 2 + 0.005, mj / 2);
      if (i > 1e-18 && Number.isFinite(m.ikf)) i /= 1 + Math.sqrt(i / (m.ikf * area));
    } else {
      i = -is * (1 + ((3 * vte) / (v * Math.E)) ** 3);
      if (i < -1e-18 && Number.isFinite(m.ikr)) i /= 1 + Math.sqrt(-i / (m.ikr * area));
    }
    return i + GMIN * v;
  };
}

const MODELS: Array<[string, DiodeModelParams, number]> = [
  ["D1N4148", { ...DIODE_DEFAULTS, is: 5.84e-9, n: 1.94, ikf: 44.17e-3, cjo: 0.95e-12, mj: 0.55, vj: 0.75, isr: 11.07e-9, nr: 2.088 }, 1],
  ["ISR, M 0.33, VJ 0.6, area 3", { ...DIODE_DEFAULTS, is: 1e-14, isr: 1e-10, nr: 2.5, mj: 0.33, vj: 0.6 }, 3],
  ["ISR with M above 0.9 and VJ limited by FC", { ...DIODE_DEFAULTS, is: 1e-14, isr: 1e-10, mj: 0.95, vj: 2.5, fc: 0.5 }, 1],
  ["IKF and IKR", { ...DIODE_DEFAULTS, is: 1e-12, n: 1.5, ikf: 1e-3, ikr: 1e-9 }, 2],
];

describe("the diode with ISR, IKF, IKR: stamp and co-content", () => {
  for (const [name, model, area] of MODELS) {
    const jp = junctionAt(model, area, 27);
    const law = lawAt27(model, area);
    for (const vd of [-5, -0.2, -3.1 * jp.vte, -2.9 * jp.vte, -0.01, 0, 0.02, 0.3, 0.6, 0.75, 1.2]) {
      it(`${name} at vd = ${vd.toPrecision(4)} V: the stamp against finite differences of the independent law (RS = 2 ohm)`, () => {
        const law0 = law(vd) - GMIN * vd;
        // nodes 1 anode, 2 cathode, 3 internal anode: RS carries the junction's current
        const vs = Math.max(-0.5, Math.min(0.5, 2 * law0));
        const volts = [0, 0.1 + vd + vs, 0.1, 0.1 + vd];
        const d = new Diode("d1", 1, 2, 3, jp, 0.5);
        checkStamp(d, 3, volts, (v) => {
          const i = law(v[3] - v[2]);
          const ir = 0.5 * (v[1] - v[3]);
          return [0, ir, -i, i - ir];
        });
      });
    }
    it(`${name}: the co-content is 0 at 0 V and its derivative is the current (to 1e-6), across -3 N Vt`, () => {
      const d = new Diode("d1", 1, 0, 1, jp, 0);
      d.gmin = GMIN;
      const E = (v: number) => d.cocontent(Float64Array.from([0, v]));
      expect(E(0)).toBe(0);
      for (const v of [-4, -0.5, -3.5 * jp.vte, -2.5 * jp.vte, -0.02, 0.05, 0.4, 0.7, 1]) {
        const h = 1e-5 * Math.max(1, Math.abs(v));
        const dE = (E(v + h) - E(v - h)) / (2 * h);
        const i = law(v);
        expect(Math.abs(dE - i), `dE/dv at ${v}: ${dE} vs i ${i}`).toBeLessThanOrEqual(1e-6 * Math.abs(i) + 1e-18);
      }
    });
  }
});

describe("diode ISR, IKF, IKR, NR: bad values and ignored PSpice parameters", () => {
  const FILE = "isr.cir";
  const expectNetlistError = netlistErrorCheck(FILE);
  const load = (...lines: string[]) => () => loadCircuitFromText(["* isr", ...lines].join("\n") + "\n", FILE);

  it("IKF, IKR, NR must be positive, ISR not negative (at the value)", () => {
    expectNetlistError(load(".model dm d(ikf=0)", "V1 a 0 1", "D1 a 0 dm"), 2, 17, /\.model dm: IKF must be positive/);
    expectNetlistError(load(".model dm d(ik=-1m)", "V1 a 0 1", "D1 a 0 dm"), 2, 16, /\.model dm: IKF must be positive/);
    expectNetlistError(load(".model dm d(is=1e-14 ikr=-1)", "V1 a 0 1", "D1 a 0 dm"), 2, 26, /\.model dm: IKR must be positive/);
    expectNetlistError(load(".model dm d(isr=1n nr=0)", "V1 a 0 1", "D1 a 0 dm"), 2, 23, /\.model dm: NR must be positive/);
    expectNetlistError(load(".model dm d(isr=-1n)", "V1 a 0 1", "D1 a 0 dm"), 2, 17, /\.model dm: ISR must not be negative/);
  });

  it("IBVL, NBVL, TBV1, TBV2: a warning naming each, at its place", () => {
    const el = elaborate(parseNetlist(["t", "V1 a 0 1", "D1 a 0 dm", ".model dm d(is=1e-14 ibvl=1n tbv1=1e-3)", ".end"].join("\n"), FILE));
    expect(el.warnings.filter((w) => /diode parameter (IBVL|TBV1) \(PSpice\) ignored, as ngspice 39 ignores it/.test(w))).toHaveLength(2);
    expect(el.warnings.some((w) => w.startsWith(`${FILE}:4:27:`))).toBe(true);
  });
});
