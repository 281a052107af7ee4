/**
 * ngspice 39's MES device (`.model NAME NMF|PMF level=1`, the Statz
 * GaAs MESFET of devices/mes/): parameters and defaults (mes.c,
 * messetup.c, mestemp.c) and the DC law of mesload.c.
 *
 * No temperature dependence: ngspice's MES uses CONSTvt0 (kT/q at 27 C)
 * whatever the circuit temperature, and its parameters are not moved.
 * Normalized voltages vgs = type (V(g) - V(s')), vgd = type (V(g) - V(d')).
 */
import { CHARGE, CONSTboltz, REFTEMP } from "../diode/diode-model.js";
import { pnjlim } from "../diode/diode.js";
import { fetlim } from "../mosfet/mos-shared.js";
import { ZD, ZDP, ZG, ZN, ZS, ZSP, type ZCore, type ZInit } from "./zfet.js";

/** ngspice's CONSTvt0 (V): kT/q at REFTEMP. */
export const CONSTvt0 = (CONSTboltz * REFTEMP) / CHARGE;

export interface MesModelParams {
  type: 1 | -1;
  /** VTO (VT0): pinch-off voltage (V). Default -2. */
  vto: number;
  /** ALPHA: saturation voltage parameter (1/V). Default 2. */
  alpha: number;
  /** BETA: transconductance (A/V^2). Default 2.5e-3. */
  beta: number;
  /** LAMBDA (1/V). Default 0. */
  lambda: number;
  /** B: doping tail (1/V). Default 0.3. */
  b: number;
  rd: number;
  rs: number;
  cgs: number;
  cgd: number;
  pb: number;
  is: number;
  fc: number;
}

export function mesDefaults(type: 1 | -1): MesModelParams {
  return { type, vto: -2, alpha: 2, beta: 2.5e-3, lambda: 0, b: 0.3, rd: 0, rs: 0, cgs: 0, cgd: 0, pb: 1, is: 1e-14, fc: 0.5 };
}

/** ngspice 39's MES model parameter names (mes.c) by field; null: read and unused here (noise). */
export const MES_PARAM_ALIASES: Record<string, keyof MesModelParams | null> = {
  vt0: "vto",
  vto: "vto",
  alpha: "alpha",
  beta: "beta",
  lambda: "lambda",
  b: "b",
  rd: "rd",
  rs: "rs",
  cgs: "cgs",
  cgd: "cgd",
  pb: "pb",
  is: "is",
  fc: "fc",
  kf: null,
  af: null,
};

/**
 * One MES transistor (area applied as mesload.c: BETA, IS times area,
 * RD, RS divided by it) in ngspice's stamp form.
 */
export class MesCore implements ZCore {
  readonly what = "MES (level 1)";
  private readonly beta: number;
  private readonly csat: number;
  private readonly gdpr: number;
  private readonly gspr: number;
  private readonly vcrit: number;
  private vgs0 = 0;
  private vgd0 = 0;

  constructor(
    readonly p: MesModelParams,
    readonly area: number,
  ) {
    this.beta = p.beta * area;
    this.csat = p.is * area;
    this.gdpr = (p.rd !== 0 ? 1 / p.rd : 0) * area;
    this.gspr = (p.rs !== 0 ? 1 / p.rs : 0) * area;
    this.vcrit = CONSTvt0 * Math.log(CONSTvt0 / (Math.SQRT2 * p.is));
  }

  reset(): void {
    this.vgs0 = this.vgd0 = 0;
  }

  load(v: Float64Array, init: ZInit, gmin: number, J: Float64Array, rhs: Float64Array): boolean {
    let vgs: number;
    let vgd: number;
    let limited = false;
    if (init === "jct") {
      vgs = -1;
      vgd = -1;
    } else if (init === "off") {
      vgs = 0;
      vgd = 0;
    } else {
      const t = this.p.type;
      const vgsIn = t * (v[ZG] - v[ZSP]);
      const vgdIn = t * (v[ZG] - v[ZDP]);
      vgs = pnjlim(vgsIn, this.vgs0, CONSTvt0, this.vcrit);
      vgd = pnjlim(vgdIn, this.vgd0, CONSTvt0, this.vcrit);
      vgs = fetlim(vgs, this.vgs0, this.p.vto);
      vgd = fetlim(vgd, this.vgd0, this.p.vto);
      limited = vgs !== vgsIn || vgd !== vgdIn;
    }
    this.vgs0 = vgs;
    this.vgd0 = vgd;
    this.stamp(vgs, vgd, gmin, J, rhs);
    return limited;
  }

  evalAt(v: Float64Array, gmin: number, J: Float64Array, rhs: Float64Array): void {
    const t = this.p.type;
    this.stamp(t * (v[ZG] - v[ZSP]), t * (v[ZG] - v[ZDP]), gmin, J, rhs);
  }

  /** mesload.c from "determine dc current and derivatives" to the y matrix, at (vgs, vgd). */
  private stamp(vgs: number, vgd: number, gmin: number, J: Float64Array, rhs: Float64Array): void {
    const p = this.p;
    const csat = this.csat;
    const vt = CONSTvt0;
    const vds = vgs - vgd;
    let cg: number;
    let ggs: number;
    if (vgs <= -3 * vt) {
      let arg = (3 * vt) / (vgs * Math.E);
      arg = arg * arg * arg;
      cg = -csat * (1 + arg) + gmin * vgs;
      ggs = (csat * 3 * arg) / vgs + gmin;
    } else {
      const evgs = Math.exp(vgs / vt);
      ggs = (csat * evgs) / vt + gmin;
      cg = csat * (evgs - 1) + gmin * vgs;
    }
    let cgd: number;
    let ggd: number;
    if (vgd <= -3 * vt) {
      let arg = (3 * vt) / (vgd * Math.E);
      arg = arg * arg * arg;
      cgd = -csat * (1 + arg) + gmin * vgd;
      ggd = (csat * 3 * arg) / vgd + gmin;
    } else {
      const evgd = Math.exp(vgd / vt);
      ggd = (csat * evgd) / vt + gmin;
      cgd = csat * (evgd - 1) + gmin * vgd;
    }
    cg = cg + cgd;
    let cdrain = 0;
    let gm = 0;
    let gds = 0;
    const beta = this.beta;
    const lam = p.lambda;
    const alpha = p.alpha;
    if (vds >= 0) {
      const vgst = vgs - p.vto;
      if (vgst > 0) {
        const prod = 1 + lam * vds;
        const betap = beta * prod;
        const denom = 1 + p.b * vgst;
        const invdenom = 1 / denom;
        if (vds >= 3 / alpha) {
          cdrain = betap * vgst * vgst * invdenom;
          gm = betap * vgst * (1 + denom) * invdenom * invdenom;
          gds = lam * beta * vgst * vgst * invdenom;
        } else {
          const afact = 1 - (alpha * vds) / 3;
          const lfact = 1 - afact * afact * afact;
          cdrain = betap * vgst * vgst * invdenom * lfact;
          gm = betap * vgst * (1 + denom) * invdenom * invdenom * lfact;
          gds = beta * vgst * vgst * invdenom * (alpha * afact * afact * prod + lfact * lam);
        }
      }
    } else {
      const vgdt = vgd - p.vto;
      if (vgdt > 0) {
        const prod = 1 - lam * vds;
        const betap = beta * prod;
        const denom = 1 + p.b * vgdt;
        const invdenom = 1 / denom;
        if (-vds >= 3 / alpha) {
          cdrain = -betap * vgdt * vgdt * invdenom;
          gm = -betap * vgdt * (1 + denom) * invdenom * invdenom;
          gds = lam * beta * vgdt * vgdt * invdenom - gm;
        } else {
          const afact = 1 + (alpha * vds) / 3;
          const lfact = 1 - afact * afact * afact;
          cdrain = -betap * vgdt * vgdt * invdenom * lfact;
          gm = -betap * vgdt * (1 + denom) * invdenom * invdenom * lfact;
          gds = beta * vgdt * vgdt * invdenom * (alpha * afact * afact * prod + lfact * lam) - gm;
        }
      }
    }
    const cd = cdrain - cgd;
    const t = p.type;
    const ceqgd = t * (cgd - ggd * vgd);
    const ceqgs = t * (cg - cgd - ggs * vgs);
    const cdreq = t * (cd + cgd - gds * vds - gm * vgs);
    rhs[ZG] += -ceqgs - ceqgd;
    rhs[ZDP] += -cdreq + ceqgd;
    rhs[ZSP] += cdreq + ceqgs;
    const gdpr = this.gdpr;
    const gspr = this.gspr;
    const N = ZN;
    J[ZD * N + ZDP] += -gdpr;
    J[ZG * N + ZDP] += -ggd;
    J[ZG * N + ZSP] += -ggs;
    J[ZS * N + ZSP] += -gspr;
    J[ZDP * N + ZD] += -gdpr;
    J[ZDP * N + ZG] += gm - ggd;
    J[ZDP * N + ZSP] += -gds - gm;
    J[ZSP * N + ZG] += -ggs - gm;
    J[ZSP * N + ZS] += -gspr;
    J[ZSP * N + ZDP] += -gds;
    J[ZD * N + ZD] += gdpr;
    J[ZG * N + ZG] += ggd + ggs;
    J[ZS * N + ZS] += gspr;
    J[ZDP * N + ZDP] += gdpr + gds + ggd;
    J[ZSP * N + ZSP] += gspr + gds + gm + ggs;
  }
}
