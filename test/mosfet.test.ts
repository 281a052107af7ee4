/**
 * MOSFET level 1 without ngspice: the stamp against finite differences of
 * the pure current function in every region (cutoff, linear, saturation,
 * reversed mode, forward-biased bulk), NMOS and PMOS, with and without
 * series resistances; the I-V law against Shichman-Hodges' closed form;
 * ngspice's limiters on known cases; and bad input, each a NetlistError at
 * file:line:col.
 */
import { describe, expect, it } from "vitest";
import { loadCircuitFromText } from "../src/api.js";
import {
  MOS_GEOMETRY_DEFAULTS,
  deriveMosModel,
  fetlim,
  limvds,
  mosChannel,
  mosDefaults,
  mosInstanceAt,
  mosTerminalCurrents,
  type MosChannelPoint,
  type MosInstance,
  type MosModelParams,
} from "../src/devices/mosfet/mosfet-model.js";
import { ignoredParamCheck, netlistErrorCheck } from "./helpers/netlist-errors.js";
import { GMIN } from "./helpers/stamp-check.js";
import { checkMosSeriesStamp, checkMosStamp } from "./helpers/mos-stamp.js";


function instance(type: 1 | -1, over: Partial<MosModelParams> = {}, geom: Partial<typeof MOS_GEOMETRY_DEFAULTS> = {}, tempC = 27): MosInstance {
  const p: MosModelParams = { ...mosDefaults(type, 27), vto: 0.7 * type, kp: 110e-6, gamma: 0.45, phi: 0.65, lambda: 0.04, is: 1e-13, ...over };
  return mosInstanceAt(deriveMosModel(p), { ...MOS_GEOMETRY_DEFAULTS, l: 2e-6, w: 10e-6, ...geom }, tempC);
}


/** Nodes: 1 drain, 2 gate, 3 source, 4 bulk. Voltages given NMOS-like and mirrored (times type) for a PMOS. */
const REGIONS: Array<[string, { vd: number; vg: number; vs: number; vb: number }]> = [
  ["cutoff", { vd: 2, vg: 0.3, vs: 0, vb: 0 }],
  ["cutoff with body effect", { vd: 3, vg: 1.2, vs: 1, vb: 0 }],
  ["linear", { vd: 0.4, vg: 2.5, vs: 0, vb: 0 }],
  ["saturation", { vd: 3, vg: 1.6, vs: 0, vb: -0.5 }],
  ["saturation, source above bulk", { vd: 4, vg: 3, vs: 1.2, vb: 0 }],
  ["reversed, linear", { vd: -0.3, vg: 2.5, vs: 0, vb: -0.8 }],
  ["reversed, saturated", { vd: -3, vg: 0.5, vs: 0, vb: -3.5 }],
  ["forward-biased bulk-source (vbs > 0: sarg's linear continuation)", { vd: 2, vg: 1.5, vs: 0, vb: 0.45 }],
  ["forward-biased bulk-drain, reversed", { vd: -1, vg: 1, vs: 0, vb: -0.6 }],
  ["both junctions forward, linear", { vd: 0.1, vg: 2, vs: 0, vb: 0.62 }],
];

/**
 * A forward-biased bulk (vbs' > 0, sarg's linear continuation) is where the
 * stamp is ngspice's gmbs = gm GAMMA / (2 sarg), not the derivative (GAMMA /
 * (2 sqrt(PHI)) there; mosChannel's doc): the finite-difference check runs
 * there with GAMMA = 0 (no body effect: both agree), and the test below
 * checks ngspice's gmbs against mos1load.c's formula and how far it is
 * from the derivative.
 */
const forwardBulk = (v: { vd: number; vs: number; vb: number }) => (v.vd >= v.vs ? v.vb - v.vs : v.vb - v.vd) > 0;

describe("MOSFET stamp against finite differences of the current law", () => {
  for (const type of [1, -1] as const) {
    for (const [region, v] of REGIONS) {
      it(`${type === 1 ? "NMOS" : "PMOS"}: ${region}`, () => {
        const p = instance(type, forwardBulk(v) ? { gamma: 0 } : {});
        checkMosStamp(p, type, v);
      });
    }
  }

  it("the region is the one named: gm, gds, gmbs and the junction conductance are nonzero where they should be", () => {
    const p = instance(1);
    const ch: MosChannelPoint = { mode: 1, cdrain: 0, gm: 0, gds: 0, gmbs: 0, von: 0, vdsat: 0 };
    mosChannel(p, 0.3, 2, 0, ch);
    expect([ch.cdrain, ch.gm, ch.gds, ch.gmbs]).toEqual([0, 0, 0, 0]);
    mosChannel(p, 1.6, 3, -0.5, ch);
    expect(ch.vdsat).toBeLessThan(3); // saturation
    expect(ch.gmbs).toBeGreaterThan(0);
    mosChannel(p, 2.5, -0.3, -0.8, ch);
    expect(ch.mode).toBe(-1);
  });

  it("a forward-biased bulk stamps ngspice's gmbs = gm GAMMA / (2 sarg), sarg = sqrt(PHI) - vbs / (2 sqrt(PHI)) (mos1load.c), 1 - vbs / (2 PHI) times the derivative", () => {
    const p = instance(1);
    const ch: MosChannelPoint = { mode: 1, cdrain: 0, gm: 0, gds: 0, gmbs: 0, von: 0, vdsat: 0 };
    const vbs = 0.45;
    mosChannel(p, 1.5, 2, vbs, ch);
    const sphi = Math.sqrt(p.phi);
    const sarg = sphi - vbs / (2 * sphi);
    expect(ch.gmbs).toBeCloseTo((ch.gm * p.gamma) / (2 * sarg), 15);
    const h = 1e-6;
    const at = (vb: number) => {
      mosChannel(p, 1.5, 2, vb, ch);
      return ch.cdrain;
    };
    const derivative = (at(vbs + h) - at(vbs - h)) / (2 * h);
    mosChannel(p, 1.5, 2, vbs, ch);
    expect(derivative / ch.gmbs).toBeCloseTo(1 - vbs / (2 * p.phi), 6);
  });

  it("with series RD and RS (internal nodes 5 and 6): the whole device's addCurrents", () => {
    for (const type of [1, -1] as const) {
      const p = instance(type, { rd: 150, rs: 80, gamma: 0 }); // GAMMA 0: REGIONS has forward-biased bulks (see forwardBulk)
      expect(p.gd).toBeCloseTo(1 / 150, 12);
      expect(p.gs).toBeCloseTo(1 / 80, 12);
      for (const [, v] of REGIONS) checkMosSeriesStamp(p, type, v);
    }
  });
});

describe("Shichman-Hodges closed form", () => {
  const kp = 110e-6;
  const w = 10e-6;
  const l = 2e-6;
  const beta = (kp * w) / l;

  it("saturation and linear currents without body bias, NMOS and PMOS", () => {
    for (const type of [1, -1] as const) {
      const p = instance(type, { lambda: 0.04 });
      const out = [0, 0, 0, 0];
      // the drain terminal also carries the reverse-biased bulk-drain junction's -IS (IS = 1e-13, GMIN 0 here)
      // saturation: Id = beta/2 (vgs - vto)^2 (1 + lambda vds)
      mosTerminalCurrents(p, 0, type * 3, type * 1.5, 0, 0, out);
      expect(out[0] / type).toBeCloseTo((beta / 2) * 0.8 ** 2 * (1 + 0.04 * 3) + 1e-13, 17);
      // linear: Id = beta vds (vgs - vto - vds/2) (1 + lambda vds)
      mosTerminalCurrents(p, 0, type * 0.5, type * 2.7, 0, 0, out);
      expect(out[0] / type).toBeCloseTo(beta * 0.5 * (2 - 0.25) * (1 + 0.04 * 0.5) + 1e-13, 17);
      expect(out[1]).toBe(0);
      expect(Math.abs(out[0] + out[2] + out[3])).toBeLessThan(1e-18); // KCL: the terminal currents sum to zero
    }
  });

  it("body effect: VT = VTO + GAMMA (sqrt(PHI - vbs) - sqrt(PHI))", () => {
    const p = instance(1, { lambda: 0 });
    const out = [0, 0, 0, 0];
    mosTerminalCurrents(p, 0, 3, 2, 0, -1, out);
    const vt = 0.7 + 0.45 * (Math.sqrt(0.65 + 1) - Math.sqrt(0.65));
    expect(out[0]).toBeCloseTo((beta / 2) * (2 - vt) ** 2 + 1e-13, 17);
  });

  it("reversed mode is the same law with drain and source interchanged", () => {
    const p = instance(1);
    const a = [0, 0, 0, 0];
    const r = [0, 0, 0, 0];
    mosTerminalCurrents(p, 0, 2.2, 1.8, 0.3, -0.4, a);
    mosTerminalCurrents(p, 0, 0.3, 1.8, 2.2, -0.4, r);
    expect(r[2]).toBeCloseTo(a[0], 18);
    expect(r[0]).toBeCloseTo(a[2], 18);
  });

  it("KP, PHI, GAMMA and VTO from UO, TOX and NSUB (ngspice's formulas at 27 C)", () => {
    const m = deriveMosModel({ ...mosDefaults(1, 27), tox: 20e-9, nsub: 1e16, uo: 550 });
    const cox = (3.9 * 8.854214871e-12) / 20e-9;
    expect(m.kp).toBeCloseTo(550e-4 * cox, 18);
    const vt = (1.38064852e-23 * 300.15) / 1.6021766208e-19;
    expect(m.phi).toBeCloseTo(2 * vt * Math.log(1e22 / 1.45e16), 14);
    expect(m.gamma).toBeCloseTo(Math.sqrt(2 * 11.7 * 8.854214871e-12 * 1.6021766208e-19 * 1e22) / cox, 14);
    // given values win over derived ones
    const g = deriveMosModel({ ...mosDefaults(1, 27), tox: 20e-9, nsub: 1e16, kp: 3e-5, vto: 0.5, gamma: 0.3, phi: 0.7 });
    expect([g.kp, g.vt0, g.gamma, g.phi]).toEqual([3e-5, 0.5, 0.3, 0.7]);
    // without TOX nothing is derived: ngspice's defaults
    const d = deriveMosModel({ ...mosDefaults(-1, 27), nsub: 1e16 });
    expect([d.kp, d.vt0, d.gamma, d.phi]).toEqual([2e-5, 0, 0, 0.6]);
  });
});

describe("ngspice's limiters", () => {
  it("fetlim: off -> at most vto + 0.5; on and rising: unlimited below vold + vtsthi; middle region: vto - 0.5 .. vto + 4", () => {
    expect(fetlim(3, -1, 1)).toBe(1.5);
    expect(fetlim(8, 5, 1)).toBe(8);
    expect(fetlim(20, 5, 1)).toBe(5 + (2 * 4 + 2));
    expect(fetlim(-3, 2, 1)).toBe(0.5);
    expect(fetlim(9, 2, 1)).toBe(5);
    expect(fetlim(1, 6, 0.7)).toBeCloseTo(2.7, 15); // deep on, going below vto + 3.5: floor vto + 2
  });
  it("limvds: from below 3.5 at most 4 and at least -0.5; from above, at most 3 vold + 2, and not below 2", () => {
    expect(limvds(10, 1)).toBe(4);
    expect(limvds(-5, 1)).toBe(-0.5);
    expect(limvds(30, 4)).toBe(14);
    expect(limvds(0, 5)).toBe(2);
    expect(limvds(4, 5)).toBe(4);
  });
});

describe("MOSFET netlist errors", () => {
  const FILE = "mos.cir";
  const expectNetlistError = netlistErrorCheck(FILE);
  const load = (...lines: string[]) => () => loadCircuitFromText(["* mos", ...lines].join("\n") + "\n", FILE);
  const NCH = ".model nch nmos (level=1 vto=0.7 kp=110u)";

  it("unknown model parameter, at the parameter", () => {
    ignoredParamCheck(FILE)(load(".model nch nmos (vto=0.7 foo=2)", "V1 d 0 1", "M1 d d 0 0 nch"), 2, 26, "foo"); // as ngspice 39
  });
  it("an instance parameter on the card that eqspice does not apply as its instances' default (ngspice 39 would), at the parameter, when the model is used", () => {
    expectNetlistError(load(".model nch nmos (vto=0.7 kp=110u temp=50)", "V1 d 0 1", "M1 d d 0 0 nch"), 2, 39, /\.model nch: TEMP= on the card is, in ngspice 39, the default TEMP of its instances \(here m1\); eqspice applies only L W AD AS PD PS NRD NRS card defaults/);
    expectNetlistError(load(".model qn npn (is=1e-15 icvbe=0.6)", "V1 c 0 1", "Q1 c c 0 qn"), 2, 31, /\.model qn: ICVBE= on the card .* eqspice applies only AREA card defaults/);
    expectNetlistError(load(".model dd d (is=1e-15 temp=40)", "V1 a 0 1", "R1 a b 1k", "D1 b 0 dd"), 2, 28, /\.model dd: TEMP= on the card .* eqspice applies only no card defaults/);
    // an unused card with one is not an error
    expect(() => load(".model nch nmos (vto=0.7 temp=50)", "V1 d 0 1", "R1 d 0 1k")()).not.toThrow();
  });
  it("missing model, at the element", () => {
    expectNetlistError(load("V1 d 0 1", "M1 d d 0 0 nomod"), 3, 1, /m1: unknown MOSFET model 'nomod'/);
    expectNetlistError(load("V1 d 0 1", "M1 d d 0 0"), 3, 10, /m1: missing MOSFET model name/);
  });
  it("wrong node count, at the model standing in the wrong place", () => {
    expectNetlistError(load(NCH, "V1 d 0 1", "M1 d d 0 nch"), 4, 10, /m1: a MOSFET has 4 nodes \(drain gate source bulk\), got 3 before model 'nch'/);
    expectNetlistError(load(NCH, "V1 d 0 1", "M1 d d 0 0 0 nch"), 4, 14, /got 5 before model 'nch'/);
    expectNetlistError(load(NCH, "V1 d 0 1", "M1 d nch"), 4, 6, /got 1 before model|missing node 3 of 4/);
  });
  it("levels other than 1 are refused by name at their LEVEL value", () => {
    expectNetlistError(load(".model bs nmos (level=4 vth0=0.5 tox=4n)", "V1 d 0 1", "M1 d d 0 0 bs"), 2, 23, /MOSFET level 4 \(BSIM1\) is not supported: eqspice models MOSFET level 1/);
    expectNetlistError(load(".model m7 pmos level=7 vto=-1", "V1 d 0 1", "M1 d d 0 0 m7"), 2, 22, /level 7 \(MOS3/);
    expectNetlistError(load(".model m9 NMOS (LEVEL=9)", "V1 d 0 1", "M1 d d 0 0 m9"), 2, 23, /level 9 \(MOS9/);
    expectNetlistError(load(".model b4 nmos (level=5)", "V1 d 0 1", "M1 d d 0 0 b4"), 2, 23, /level 5 \(BSIM2\)/);
  });
  it("a diode model on a MOSFET, a MOSFET model on a diode", () => {
    expectNetlistError(load(".model dd D", "V1 d 0 1", "M1 d d 0 0 dd"), 4, 12, /m1: model 'dd' is a diode model .* not a MOSFET model/);
    expectNetlistError(load(NCH, "V1 d 0 1", "D1 d 0 nch"), 4, 8, /model 'nch' is a MOSFET model .* not a diode model/);
  });
  it("bad geometry and instance parameters", () => {
    expectNetlistError(load(NCH, "V1 d 0 1", "M1 d d 0 0 nch L=0"), 4, 18, /m1: L must be positive/);
    expectNetlistError(load(".model nld nmos (ld=1.5u)", "V1 d 0 1", "M1 d d 0 0 nld L=2u"), 4, 18, /effective channel length/);
    expectNetlistError(load(NCH, "V1 d 0 1", "M1 d d 0 0 nch XL=1u"), 4, 16, /m1: unknown parameter 'XL'/);
    expectNetlistError(load(NCH, "V1 d 0 1", "M1 d d 0 0 nch off 2"), 4, 20, /m1: unexpected '2'/);
    expectNetlistError(load(NCH, "V1 d 0 1", "M1 d d 0 0 nch temp=50"), 4, 16, /own temperature/);
  });
  it("bad model values: PHI <= 0, NSUB below ni with TOX", () => {
    expectNetlistError(load(".model np nmos (phi=0)", "V1 d 0 1", "M1 d d 0 0 np"), 2, 21, /PHI must be positive/);
    expectNetlistError(load(".model np nmos (tox=20n nsub=1e9)", "V1 d 0 1", "M1 d d 0 0 np"), 2, 30, /NSUB must exceed/);
  });
  it("a gate driven by nothing has no DC path", () => {
    expectNetlistError(load(NCH, "V1 d 0 1", "C1 g 0 1p", "M1 d g 0 0 nch"), 4, 4, /node 'g' has no DC path to ground/);
  });
});
