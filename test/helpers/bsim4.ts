/**
 * The BSIM4 test cards (made up, 45 nm-style) and the I-V grid comparison
 * against ngspice shared by test/bsim4.test.ts and test/bsim4-modes.test.ts.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import { opFromFile } from "../../src/api.js";
import { TIGHT } from "./ngspice-compare.js";
import { runNgspiceOp } from "./ngspice.js";

/** A 45 nm-style NMOS card (made up for these tests, after the shape of public predictive cards), MOBMOD 0, with L/W/P binning terms. */
export const N45 =
  "toxe=1.8e-9 toxp=1.5e-9 toxm=1.8e-9 epsrox=3.9 xj=1.4e-8 ndep=3.4e18 ngate=2e20 nsd=2e20 vth0=0.39 k1=0.4 k2=0.01 k3=0 " +
  "k3b=0 w0=2.5e-6 dvt0=1 dvt1=2 dvt2=0 dvt0w=0 dvt1w=0 dvt2w=0 dsub=0.1 minv=0.05 voffl=0 dvtp0=1e-10 dvtp1=0.1 lpe0=0 " +
  "lpeb=0 cdsc=0 cdscb=0 cdscd=0 cit=0 voff=-0.13 nfactor=1.6 eta0=0.0125 etab=0 vfb=-0.55 u0=0.049 ua=6e-10 ub=1.2e-18 " +
  "uc=0 vsat=124340 a0=1.0 ags=1e-20 a1=0 a2=1.0 b0=0 b1=0 keta=0.04 dwg=0 dwb=0 pclm=0.04 pdiblc1=0.001 pdiblc2=0.001 " +
  "pdiblcb=-0.005 drout=0.5 pvag=1e-20 delta=0.01 pscbe1=8.14e8 pscbe2=1e-7 fprout=0.2 pdits=0.08 pditsd=0.23 pditsl=2.3e6 " +
  "rdsw=155 prwg=0.1 prwb=-0.05 wr=1 alpha0=0.074 alpha1=0.005 beta0=30 agidl=2e-4 bgidl=2.1e9 cgidl=2e-4 egidl=0.8 " +
  "mobmod=0 ud=0.1 lvth0=-2e-3 wvth0=1e-3 pvth0=1e-4 lu0=1e-3 wk2=1e-3 lketa=-4e-3 lpclm=0.01 wua=1e-11 pub=1e-20 " +
  "lrdsw=3 jss=1e-4 jsws=1e-11 jswgs=1e-10 njs=1.05 xtis=3 ijthsfwd=0.01 lint=2e-9 wint=5e-9";
/** The PMOS of the pair, MOBMOD 1 (UC in 1/V), a DITS shift (DVTP2..5). */
export const P45 =
  "toxe=1.85e-9 toxp=1.5e-9 xj=1.4e-8 ndep=2.44e18 ngate=2e20 vth0=-0.41 k1=0.4 k2=-0.01 dvt0=1 dvt1=2 dsub=0.1 minv=0.05 " +
  "dvtp0=1e-11 dvtp1=0.05 dvtp2=0.02 dvtp3=0.1 dvtp4=0.5 dvtp5=0.01 voff=-0.126 nfactor=2.1 eta0=0.0115 vfb=0.55 " +
  "u0=0.0095 ua=2e-9 ub=5e-19 uc=-0.04 vsat=70000 a0=1 ags=0.1 a1=0.02 a2=0.8 keta=-0.047 pclm=0.12 pdiblc1=0.001 " +
  "pdiblc2=0.001 pdiblcb=3.4e-8 drout=0.56 pvag=0.5 delta=0.01 pscbe1=8.14e8 pscbe2=9.58e-7 fprout=0.2 pdits=0.08 " +
  "pditsd=0.23 pditsl=2.3e6 rdsw=155 prwg=0 alpha0=0.074 alpha1=0.005 beta0=30 agidl=2e-4 bgidl=2.1e9 cgidl=2e-4 " +
  "egidl=0.8 mobmod=1 lvth0=3e-3 wu0=-2e-4 pk2=-1e-4 lua=-2e-11 dwg=-1e-9 dwb=1e-9 cdsc=2e-4 cdscd=1e-4 cdscb=-1e-4";

/** Gate tunneling terms for the 45 nm cards (IGCMOD, IGBMOD 1; PIGCD derived unless given). */
export const IG = "igcmod=1 igbmod=1 aigc=0.012 bigc=0.0028 cigc=0.002 aigsd=0.0087 bigsd=0.0007 cigsd=0.002 nigc=1 poxedge=1 ntox=1 toxref=1.8e-9 dlcig=5e-9";

export const cardOf = (name: string, type: "nmos" | "pmos", body: string) => `.model ${name} ${type} (level=54 ${body})`;

/**
 * A comparer writing decks into `dir`, recording each deck's worst relative
 * difference in `relWorst`.
 */
export function currentComparer(dir: string, relWorst: Map<string, number>) {
  /**
   * Both simulators on `lines`; every V-source current within `rtol` of
   * ngspice's plus 1e-18 A (the bulk sources VB*: plus `atolBulk`), every
   * node within 1e-9 V.
   */
  return function compareCurrents(name: string, lines: string[], rtol = 1e-9, atolBulk = 1e-18): number {
    const f = path.join(dir, `${name}.cir`);
    writeFileSync(f, [...lines, ".end", ""].join("\n"));
    const ng = runNgspiceOp(f);
    const eq = opFromFile(f);
    let w = 0;
    let n = 0;
    for (const b of Object.keys(ng.branches)) {
      if (!b.startsWith("v")) continue;
      n++;
      const i = ng.branches[b];
      const d = Math.abs(eq.branches[b] - i);
      const atol = b.startsWith("vb") ? atolBulk : 1e-18;
      expect(d, `${name}: i(${b}) eqspice ${eq.branches[b]} ngspice ${i}`).toBeLessThanOrEqual(rtol * Math.abs(i) + atol);
      w = Math.max(w, d / Math.max(Math.abs(i), 1e-12));
    }
    expect(n).toBeGreaterThan(3);
    for (const k of Object.keys(ng.nodes)) if (k !== "0" && !k.includes("#")) expect(Math.abs(eq.nodes[k] - ng.nodes[k])).toBeLessThanOrEqual(1e-9);
    relWorst.set(name, w);
    return w;
  };
}

/**
 * One transistor per bias point: Vgs -0.3 .. 1.2 V, Vds 0.05 .. 1.2 V, Vbs
 * 0, -0.5 V and +0.3 V (mirrored for a PMOS); reversed Vds; junction
 * geometry given (`geom`) or from b4geo.c.
 */
export function ivDeck(card: string, type: 1 | -1, l: string, w: string, extra: string[] = [], geom = "AD=0.1p AS=0.12p PD=1.4u PS=1.6u"): string[] {
  const name = card.split(/\s+/)[1];
  const lines = ["BSIM4 I-V grid", TIGHT, ...extra, `VB1 b1 0 ${-0.5 * type}`, "VB0 b0 0 0", `VB2 b2 0 ${0.3 * type}`];
  let k = 0;
  for (const vg of [-0.3, 0, 0.25, 0.4, 0.6, 0.9, 1.2]) {
    for (const vd of [0.05, 0.3, 0.8, 1.2]) {
      for (const b of ["b0", "b1", "b2"]) {
        k++;
        lines.push(`VG${k} g${k} 0 ${type * vg}`, `VD${k} d${k} 0 ${type * vd}`, `M${k} d${k} g${k} 0 ${b} ${name} L=${l} W=${w} ${geom}`);
      }
    }
  }
  // reversed: the drain below the source
  for (const vg of [-0.3, 0.5, 1.2]) {
    for (const b of ["b0", "b1"]) {
      k++;
      lines.push(`VG${k} g${k} 0 ${type * vg}`, `VS${k} s${k} 0 ${type * 1.1}`, `M${k} 0 g${k} s${k} ${b} ${name} L=${l} W=${w} ${geom}`);
    }
  }
  lines.push(card);
  return lines;
}

