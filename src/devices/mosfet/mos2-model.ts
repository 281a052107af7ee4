/**
 * MOSFET level 2 (Grove-Frohman, with Baum's velocity saturation) as
 * ngspice 39's mos2: its model card (mos2.c's table, mos2set.c's defaults),
 * the values derived from it (mos2temp.c: KP, PHI, GAMMA, VTO from UO, TOX,
 * NSUB, NSS, TPG; the depletion coefficient XD from NSUB), the instance
 * constants, and the drain current (mos2load.c's "moseq2"). Temperature,
 * junctions (level 1's law), Meyer charges, limiters and the stamp are
 * shared with level 1 (mos-shared.ts, mosfet.ts).
 *
 * Units as mosfet-model.ts: volts, amperes, metres; NSUB cm^-3, NSS and NFS
 * cm^-2, UO cm^2/(V s), UCRIT V/cm, VMAX m/s. Normalized voltages.
 */
import { CHARGE, CONSTCtoK } from "../diode/diode-model.js";
import { EPS_OX, MOS_PARAM_ALIASES, EPS_SI, KoverQ, mosInstanceCommon, mosJunction, type MosChannelPoint, type MosGeometry, type MosInstance } from "./mos-shared.js";
import type { MosModel, MosModelParams } from "./mosfet-model.js";

/**
 * Names accepted in `.model NAME NMOS|PMOS (LEVEL=2 ...)` (ngspice's mos2.c
 * model table), each to its field; null: accepted and not stored. (UTRA,
 * which SPICE2 lists, is not in ngspice's table: ngspice ignores it with a
 * warning, eqspice refuses it as unknown.)
 */
export const MOS2_PARAM_ALIASES: Record<string, keyof MosModelParams | null> = {
  ...MOS_PARAM_ALIASES,
  delta: "delta",
  uexp: "uexp",
  ucrit: "ucrit",
  vmax: "vmax",
  xj: "xj",
  neff: "neff",
  nfs: "nfs",
};

/** mos2set.c's defaults where they differ from level 1's: MJSW 0.33 (level 1: 0.5). */
export function mos2Defaults(p: MosModelParams): MosModelParams {
  return { ...p, mjsw: 0.33, level: 2 };
}

/** Level 2's derived model values (mos2temp.c, model part, and mos2set.c's defaults). */
export interface Mos2ModelExtra {
  /** UO (cm^2/(V s)), default 600: the mobility of the UCRIT law and of VMAX (not scaled with temperature, as in ngspice). */
  uo: number;
  /** XD = sqrt(2 eps_si / (q NSUB)) (m / V^0.5); 0 without NSUB. */
  xd: number;
  /** True when NSUB is given (ngspice's substrate doping is then nonzero). */
  hasNsub: boolean;
  delta: number;
  ucrit: number;
  uexp: number;
  vmax: number;
  xj: number;
  neff: number;
  nfs: number;
}

/**
 * Derive level 2's model values as mos2temp.c does: TOX defaults to 1e-7 m,
 * KP = UO Cox when not given; with NSUB (which must exceed 1.45e10 cm^-3:
 * checked by the caller) PHI = max(0.1, 2 Vt ln(NSUB / 1.45e10)), GAMMA, VTO
 * from the work functions (TPG default 1), and XD.
 */
export function deriveMos2Model(p: MosModelParams): MosModel {
  const tnomK = p.tnom + CONSTCtoK;
  const vtnom = tnomK * KoverQ;
  const egfet1 = 1.16 - (7.02e-4 * tnomK * tnomK) / (tnomK + 1108);
  let phi = p.phi ?? 0.6;
  let gamma = p.gamma ?? 0;
  let vt0 = p.vto ?? 0;
  const coxArea = EPS_OX / (p.tox ?? 1e-7);
  const uo = p.uo ?? 600;
  const kp = p.kp ?? uo * 1e-4 * coxArea; // cm^2 -> m^2
  let xd = 0;
  if (p.nsub !== undefined) {
    const nsub = p.nsub * 1e6; // cm^-3 -> m^-3
    if (p.phi === undefined) phi = Math.max(0.1, 2 * vtnom * Math.log(nsub / 1.45e16));
    const fermis = p.type * 0.5 * phi;
    let wkfng = 3.2;
    const tpg = p.tpg ?? 1;
    if (tpg !== 0) {
      const fermig = p.type * tpg * 0.5 * egfet1;
      wkfng = 3.25 + 0.5 * egfet1 - fermig;
    }
    const wkfngs = wkfng - (3.25 + 0.5 * egfet1 + fermis);
    if (p.gamma === undefined) gamma = Math.sqrt(2 * 11.7 * 8.854214871e-12 * CHARGE * nsub) / coxArea;
    if (p.vto === undefined) {
      const vfb = wkfngs - ((p.nss ?? 0) * 1e4 * CHARGE) / coxArea;
      vt0 = vfb + p.type * (gamma * Math.sqrt(phi) + phi);
    }
    xd = Math.sqrt((EPS_SI + EPS_SI) / (CHARGE * nsub));
  }
  const mos2: Mos2ModelExtra = {
    uo,
    xd,
    hasNsub: p.nsub !== undefined && p.nsub !== 0,
    delta: p.delta ?? 0,
    ucrit: p.ucrit ?? 1e4,
    uexp: p.uexp ?? 0,
    vmax: p.vmax ?? 0,
    xj: p.xj ?? 0,
    neff: p.neff ?? 1,
    nfs: p.nfs ?? 0,
  };
  return { level: 2, mos2, mos3: null, type: p.type, vt0, kp, gamma, phi, lambda: p.lambda, coxArea, tnomK, params: p };
}

/** A level-2 transistor's own constants (what mos2load.c computes per call from the model and geometry). */
export interface Mos2Consts {
  /** Effective length L - 2 LD (m). */
  leff: number;
  /** The narrow-width factor DELTA pi eps_si Leff / (4 Cox') (1), and eta = 1 + factor. */
  factor: number;
  eta: number;
  gamma: number;
  xd: number;
  xj: number;
  hasNsub: boolean;
  lambda: number;
  /** q NFS W Leff M / Cox' (the NFS part of xn); NFS itself (0: no subthreshold current). */
  xnfs: number;
  nfs: number;
  /** UCRIT 100 eps_si / Cox (V): the gate drive above which the mobility degrades, with exponent UEXP. */
  ucritV: number;
  uexp: number;
  /** UO in m^2/(V s). */
  u0: number;
  vmax: number;
  neff: number;
  /** sqrt(PB(T)) (V^0.5), of the punch-through limit. */
  sbiarg: number;
}

/** A level-2 transistor at `tempC`: the shared instance values on Leff = L - 2 LD and W, level 1's junction law. */
export function mos2InstanceAt(mm: MosModel, g: MosGeometry, tempC: number): MosInstance {
  const x = mm.mos2!;
  const p = mm.params;
  const leff = g.l - 2 * p.ld;
  const inst = mosInstanceCommon(mm, g, tempC, leff, g.w, 0, 2, mos2Channel, mosJunction);
  const oxideCap = mm.coxArea * leff * g.m * g.w;
  const factor = ((0.125 * x.delta * 2 * Math.PI * EPS_SI) / oxideCap) * leff;
  inst.mos2 = {
    leff,
    factor,
    eta: 1 + factor,
    gamma: mm.gamma,
    xd: x.xd,
    xj: x.xj,
    hasNsub: x.hasNsub,
    lambda: mm.lambda,
    xnfs: ((CHARGE * x.nfs * 1e4) / oxideCap) * g.m * g.w * leff,
    nfs: x.nfs,
    ucritV: (x.ucrit * 100 * EPS_SI) / mm.coxArea,
    uexp: x.uexp,
    u0: x.uo * 1e-4,
    vmax: x.vmax,
    neff: x.neff,
    sbiarg: Math.sqrt(inst.bulkPot),
  };
  return inst;
}

/**
 * A value with its derivatives by the mode's vgs', vds', vbs' (forward-mode
 * differentiation: level 2's current is a long chain, through the roots of
 * a quartic with VMAX, and ngspice's own gm, gds, gmbs leave out several of
 * its dependences).
 */
class D {
  constructor(
    readonly v: number,
    readonly g: number,
    readonly d: number,
    readonly b: number,
  ) {}
}
const ZERO = new D(0, 0, 0, 0);
const k = (v: number): D => new D(v, 0, 0, 0);
const add = (x: D, y: D): D => new D(x.v + y.v, x.g + y.g, x.d + y.d, x.b + y.b);
const sub = (x: D, y: D): D => new D(x.v - y.v, x.g - y.g, x.d - y.d, x.b - y.b);
const mul = (x: D, y: D): D => new D(x.v * y.v, x.g * y.v + x.v * y.g, x.d * y.v + x.v * y.d, x.b * y.v + x.v * y.b);
const div = (x: D, y: D): D => {
  const q = x.v / y.v;
  return new D(q, (x.g - q * y.g) / y.v, (x.d - q * y.d) / y.v, (x.b - q * y.b) / y.v);
};
/** x * c and c * x for a number c (the value as ngspice's product). */
const sc = (x: D, c: number): D => new D(x.v * c, x.g * c, x.d * c, x.b * c);
/** The same value with derivatives f'(x) times x's. */
const chain = (v: number, dv: number, x: D): D => new D(v, dv * x.g, dv * x.d, dv * x.b);
const sqrt = (x: D): D => {
  const r = Math.sqrt(x.v);
  return chain(r, 0.5 / r, x);
};
const exp = (x: D): D => {
  const e = Math.exp(x.v);
  return chain(e, e, x);
};
const log = (x: D): D => chain(Math.log(x.v), 1 / x.v, x);
const abs = (x: D): D => (x.v < 0 ? sc(x, -1) : x);
const max = (x: D, y: D): D => (x.v >= y.v ? x : y);
const min = (x: D, y: D): D => (x.v <= y.v ? x : y);

const SIG1 = [1, -1, 1, -1];
const SIG2 = [1, 1, -1, -1];

/**
 * Level-2 drain current, mos2load.c, with (vgs', vds', vbs') the mode's
 * voltages (as mosChannel). In words: the threshold von = VBI + factor (PHI -
 * vbs') + gamasd sqrt(PHI - vbs') with the short-channel GAMMA gamasd (XJ,
 * XD) and the narrow-width factor (DELTA), plus n Vt with NFS; the mobility
 * UO (UCRIT eps_si / Cox / (vgs' - von))^UEXP above the critical field;
 * vdsat from Grove-Frohman's bulk-charge equation (with VMAX, the smallest
 * positive root of Baum's quartic); the channel shortened by LAMBDA, or
 * from XD and NSUB, limited at punch-through; then
 *   linear      beta' ((vgs' - vbin - eta vds'/2) vds' - 2/3 gamasd ((PHI - vbd')^1.5 - (PHI - vbs')^1.5))
 *   saturation  the same at vds' = vdsat,
 *   subthreshold (NFS, vgs' <= von): the current at von times exp((vgs' - von) / (n Vt)),
 * cut off at vgs' <= vbin without NFS; at vds' <= 1e-10 no current, with
 * ngspice's channel conductance as gds. The current is ngspice's; its
 * derivatives are exact (forward-mode, class D), not ngspice's approximate
 * gm, gds, gmbs: the solution is the same, the Newton path may differ.
 * (ngspice reuses a stale current in one corner, NFS with vdsat <= 0 above
 * vth, which eqspice takes as 0.)
 */
export function mos2Channel(p: MosInstance, vgs: number, vds: number, vbs: number, out: MosChannelPoint): void {
  const c = p.mos2!;
  const mode: 1 | -1 = vds >= 0 ? 1 : -1;
  out.mode = mode;
  const lvgs = new D(mode === 1 ? vgs : vgs - vds, 1, 0, 0);
  const lvds = new D(vds * mode, 0, 1, 0);
  const lvbs = new D(mode === 1 ? vbs : vbs - vds, 0, 0, 1);
  const phi = p.phi;
  const vt = p.vt;
  const leff = c.leff;
  const phiMinVbs = sub(k(phi), lvbs);
  const sphi = Math.sqrt(phi);
  const sphi3 = phi * sphi;
  // sqrt(PHI - vbs') and sqrt(PHI - vbd') with their derivatives (which enter the values of xn and gamasd)
  let sarg1: D;
  let dsrgdb: D;
  if (lvbs.v <= 0) {
    sarg1 = sqrt(phiMinVbs);
    dsrgdb = div(k(-0.5), sarg1);
  } else {
    sarg1 = div(k(sphi), add(k(1), sc(lvbs, 0.5 / phi)));
    dsrgdb = sc(mul(sarg1, sc(sarg1, 1 / sphi3)), -0.5);
  }
  let barg: D;
  let dbrgdb: D;
  if (lvbs.v - lvds.v <= 0) {
    barg = sqrt(add(phiMinVbs, lvds));
    dbrgdb = div(k(-0.5), barg);
  } else {
    barg = div(k(sphi), add(k(1), sc(sub(lvbs, lvds), 0.5 / phi)));
    dbrgdb = sc(mul(barg, sc(barg, 1 / sphi3)), -0.5);
  }
  // threshold: narrow-channel and short-channel effects
  const factor = c.factor;
  const eta = c.eta;
  const vbin = add(k(p.vbi * p.type), sc(phiMinVbs, factor));
  let gamasd: D;
  let dgddvb: D;
  if (c.gamma > 0 || c.hasNsub) {
    const xwd = sc(barg, c.xd);
    const xws = sc(sarg1, c.xd);
    let argss = ZERO;
    let argsd = ZERO;
    let args = ZERO;
    let argd = ZERO;
    if (c.xj > 0) {
      const t2 = 2 / c.xj;
      args = sqrt(add(k(1), sc(xws, t2)));
      argd = sqrt(add(k(1), sc(xwd, t2)));
      const t = (0.5 * c.xj) / leff;
      argss = sc(sub(args, k(1)), t);
      argsd = sc(sub(argd, k(1)), t);
    }
    gamasd = sc(sub(sub(k(1), argss), argsd), c.gamma);
    let dbargs = ZERO;
    let dbargd = ZERO;
    if (c.xj > 0) {
      const t = 0.5 / leff;
      dbargs = div(sc(sc(dsrgdb, c.xd), t), args);
      dbargd = div(sc(sc(dbrgdb, c.xd), t), argd);
    }
    dgddvb = sc(add(dbargs, dbargd), -c.gamma);
  } else {
    gamasd = k(c.gamma);
    dgddvb = ZERO;
  }
  let von = add(vbin, mul(gamasd, sarg1));
  const vth = von;
  let vdsat = ZERO;
  const sub2 = c.nfs !== 0;
  let argg = ZERO;
  let xn = ZERO;
  if (sub2) {
    const cdonco = add(sc(add(mul(gamasd, dsrgdb), mul(dgddvb, sarg1)), -1), k(factor));
    xn = add(k(1 + c.xnfs), cdonco);
    const tmp = sc(xn, vt);
    von = add(von, tmp);
    argg = div(k(1), tmp);
  } else if (lvgs.v <= vbin.v) {
    off(out, von.v, 0);
    return;
  }
  const vgst = sub(lvgs, von);
  const sarg3 = mul(mul(sarg1, sarg1), sarg1);
  const body = sub(mul(mul(barg, barg), barg), sarg3);
  // effective mobility
  let ufact = k(1);
  let ueff = k(c.u0);
  if (vgst.v > c.ucritV) {
    ufact = exp(sc(log(div(k(c.ucritV), vgst)), c.uexp));
    ueff = sc(ufact, c.u0);
  }
  // saturation voltage, Grove-Frohman
  const vgsx = sub2 ? max(lvgs, von) : lvgs;
  const gammad = sc(gamasd, 1 / eta);
  const drive = sc(sub(vgsx, vbin), 1 / eta);
  if (gammad.v > 0) {
    const gammd2 = mul(gammad, gammad);
    const argv = add(drive, phiMinVbs);
    if (argv.v > 0) {
      const arg1 = sqrt(add(k(1), div(sc(argv, 4), gammd2)));
      vdsat = max(add(drive, sc(mul(gammd2, sub(k(1), arg1)), 0.5)), ZERO);
    }
  } else vdsat = max(drive, ZERO);
  if (c.vmax > 0) {
    // Baum's velocity saturation: the smallest positive root x of x^4 + a1 x^3 + b1 x^2 + c1 x + d1, vdsat = x^2 - (PHI - vbs')
    const v1 = add(drive, phiMinVbs);
    const v2 = phiMinVbs;
    const xv = div(k(c.vmax * leff), ueff);
    const a1 = sc(gammad, 1 / 0.75);
    const b1 = sc(add(v1, xv), -2);
    const c1 = sc(mul(gammad, xv), -2);
    const d1 = sub(sub(sc(mul(v1, add(v2, xv)), 2), mul(v2, v2)), sc(mul(gammad, sarg3), 4 / 3));
    const a = sc(b1, -1);
    const b = sub(mul(a1, c1), sc(d1, 4));
    const cc = sub(sc(mul(d1, sub(mul(a1, a1), sc(b1, 4))), -1), mul(c1, c1));
    const r = add(sc(mul(a, a), -1 / 3), b);
    const s = add(sub(sc(mul(mul(a, a), a), 2 / 27), sc(mul(a, b), 1 / 3)), cc);
    const r3 = mul(mul(r, r), r);
    const s2 = mul(s, s);
    const pp = add(sc(s2, 1 / 4), sc(r3, 1 / 27));
    const p0 = abs(pp);
    const p2 = sqrt(p0);
    let y3: D;
    if (pp.v < 0) {
      const ro = exp(sc(log(sqrt(add(sc(s2, 1 / 4), p0))), 1 / 3));
      const q = div(sc(p2, -2), s);
      const fi = chain(Math.atan(q.v), 1 / (1 + q.v * q.v), q);
      const f3 = sc(fi, 1 / 3);
      const cosf = chain(Math.cos(f3.v), -Math.sin(f3.v), f3);
      y3 = sub(sc(mul(ro, cosf), 2), sc(a, 1 / 3));
    } else {
      const p3 = exp(sc(log(abs(add(sc(s, -0.5), p2))), 1 / 3));
      const p4 = exp(sc(log(abs(sub(sc(s, -0.5), p2))), 1 / 3));
      y3 = sub(add(p3, p4), sc(a, 1 / 3));
    }
    const a3 = sqrt(add(sub(sc(mul(a1, a1), 1 / 4), b1), y3));
    const b3 = sqrt(sub(sc(mul(y3, y3), 1 / 4), d1));
    let xvalid: D | null = null;
    for (let i = 0; i < 4; i++) {
      const a4 = add(sc(a1, 0.5), sc(a3, SIG1[i]));
      const b4 = add(sc(y3, 0.5), sc(b3, SIG2[i]));
      const delta4 = sub(sc(mul(a4, a4), 1 / 4), b4);
      if (delta4.v < 0) continue;
      const t = sqrt(delta4);
      for (const x4 of [add(sc(a4, -0.5), t), sub(sc(a4, -0.5), t)]) {
        if (x4.v <= 0) continue;
        const xv2 = x4.v * x4.v;
        let poly = xv2 * xv2 + a1.v * xv2 * x4.v;
        poly = poly + b1.v * xv2 + c1.v * x4.v + d1.v;
        if (Math.abs(poly) > 1e-6) continue;
        if (xvalid === null || !(x4.v > xvalid.v)) xvalid = x4;
      }
    }
    if (xvalid !== null) vdsat = sub(mul(xvalid, xvalid), phiMinVbs);
  }
  // channel-length modulation
  let xlamda = k(c.lambda);
  let bsarg = ZERO;
  let bodys = ZERO;
  if (lvds.v !== 0) {
    if (lvbs.v - vdsat.v <= 0) bsarg = sqrt(add(vdsat, phiMinVbs));
    else bsarg = div(k(sphi), add(k(1), sc(sub(lvbs, vdsat), 0.5 / phi)));
    bodys = sub(mul(mul(bsarg, bsarg), bsarg), sarg3);
    if (c.hasNsub && !(c.lambda > 0)) {
      if (c.vmax <= 0) {
        const argv = sc(sub(lvds, vdsat), 1 / 4);
        const sargv = sqrt(add(k(1), mul(argv, argv)));
        const arg1 = sqrt(add(argv, sargv));
        const xlfact = div(k(c.xd / leff), lvds);
        xlamda = mul(xlfact, arg1);
      } else {
        const xdv = c.xd / Math.sqrt(c.neff);
        const xlv = div(k(c.vmax * xdv), sc(ueff, 2));
        const argv = max(sub(lvds, vdsat), ZERO);
        const xls = sqrt(add(mul(xlv, xlv), argv));
        const xlfact = div(k(xdv / leff), lvds);
        xlamda = mul(xlfact, sub(xls, xlv));
      }
    }
  }
  // limit the channel shortening at punch-through
  let xwb = c.xd * c.sbiarg;
  const xld = leff - xwb;
  let clfact = sub(k(1), mul(xlamda, lvds));
  const xleff = sc(clfact, leff);
  const deltal = sc(mul(xlamda, lvds), leff);
  if (!c.hasNsub) xwb = 0.25e-6;
  if (xleff.v < xwb) {
    const xl2 = div(k(xwb), add(k(1), sc(sub(deltal, k(xld)), 1 / xwb)));
    clfact = div(xl2, k(leff));
  }
  // effective beta
  const beta1 = div(sc(ufact, p.beta), clfact);
  out.von = von.v;
  out.vdsat = vdsat.v;
  if (lvds.v <= 1e-10) {
    // no current; the channel conductance
    out.cdrain = 0;
    out.gm = 0;
    out.gmbs = 0;
    if (lvgs.v <= von.v) {
      out.gds = sub2 ? beta1.v * (von.v - vbin.v - gamasd.v * sarg1.v) * Math.exp(argg.v * (lvgs.v - von.v)) : 0;
    } else out.gds = beta1.v * (lvgs.v - vbin.v - gamasd.v * sarg1.v);
    return;
  }
  let cdrain: D;
  if (sub2 && lvgs.v <= von.v) {
    // subthreshold
    if (vdsat.v <= 0) {
      off(out, von.v, vdsat.v);
      return;
    }
    const vdson = min(vdsat, lvds);
    const bb = lvds.v > vdsat.v ? bodys : body;
    const cdson = mul(beta1, sub(mul(sub(sub(von, vbin), sc(vdson, eta * 0.5)), vdson), sc(mul(gamasd, bb), 1 / 1.5)));
    cdrain = mul(cdson, exp(mul(argg, sub(lvgs, von))));
  } else if (lvds.v <= vdsat.v) {
    // linear region
    cdrain = mul(beta1, sub(mul(sub(sub(lvgs, vbin), sc(lvds, eta / 2)), lvds), sc(mul(gamasd, body), 1 / 1.5)));
  } else {
    // saturation region
    cdrain = mul(beta1, sub(mul(sub(sub(lvgs, vbin), sc(vdsat, eta / 2)), vdsat), sc(mul(gamasd, bodys), 1 / 1.5)));
  }
  out.cdrain = cdrain.v;
  out.gm = cdrain.g;
  out.gds = cdrain.d;
  out.gmbs = cdrain.b;
}

function off(out: MosChannelPoint, von: number, vdsat: number): void {
  out.cdrain = 0;
  out.gm = 0;
  out.gds = 0;
  out.gmbs = 0;
  out.von = von;
  out.vdsat = vdsat;
}
