/**
 * ngspice 39's MESA device (`.model NAME NMF level=2|3|4`, devices/mesa/,
 * from MacSpice 3f4: T. Ytterdal's MESFET models; level 2 is mesa1(),
 * level 3 mesa2() (delta-doped), level 4 mesa3()): the parameters by
 * their ngspice names with the defaults of mesasetup.c, the instance at
 * its source and drain temperatures TS, TD (mesatemp.c) and the DC law of
 * mesaload.c, ported as written:
 * - n-type only (ngspice sets a PMF card to NMF), no type sign;
 * - vgs, vgd limited by pnjlim (vt n TS, vt n TD) then fetlim;
 * - the threshold von = VTO(TS) + KS (V(s') - VSG) reads the last
 *   iterate's s' voltage unlimited, with no matrix entry for it;
 * - for vds < 0 the channel is evaluated at (vgd, -vds) and only the
 *   current changes sign; ngspice's flag for this also stays set for the
 *   instances loaded after one in the same pass (they then use vgd and
 *   change sign though their vds > 0), which ZGroup reproduces;
 * - AG's correction AG (cgs - cgd) enters the right-hand side only.
 */
import { CHARGE, CONSTboltz, CONSTCtoK } from "../diode/diode-model.js";
import { pnjlim } from "../diode/diode.js";
import { fetlim } from "../mosfet/mos-shared.js";
import { ZD, ZDP, ZDPP, ZG, ZGP, ZN, ZS, ZSP, ZSPP, type ZCore, type ZInit } from "./zfet.js";

const KoverQ = CONSTboltz / CHARGE;
const EPSILONGAAS = 12.244 * 8.85418e-12;

/** Model parameter names of ngspice 39's MESA (mesa.c), without the type flags and LEVEL. */
export const MESA_PARAMS: readonly string[] = (
  "vto vt0 lambda lambdahf beta vs rd rs rg ri rf rdi rsi phib phib1 tphib astar ggr del xchi tggr n eta m mc alpha " +
  "sigma0 vsigmat vsigma mu theta mu1 mu2 d nd du ndu th ndelta delta tc tvto alphat tlambda teta0 teta1 tmu xtm0 xtm1 " +
  "xtm2 ks vsg tf flo delfo ag rtc1 rtc2 zeta nmax gamma epsi cas cbs"
).split(" ");

/** Aliases (IOPR) to the names stored. */
const MESA_ALIAS: Record<string, string> = { vt0: "vto", tphib: "phib1", tggr: "xchi", alphat: "tvto", rtc1: "tc1", rtc2: "tc2" };

export interface MesaModelParams {
  level: 2 | 3 | 4;
  v: Record<string, number>;
  given: Set<string>;
}

/** mesasetup.c's defaults with the card's values (phib, phib1 in joules; tlambda, teta0, teta1, tmu, tf in kelvin, as mesamparam.c stores them). tf defaults to the circuit temperature (set by the instance). */
export function mesaModel(level: 2 | 3 | 4, given: Record<string, number>): MesaModelParams {
  const v: Record<string, number> = {
    vto: -1.26,
    d: 0.12e-6,
    du: 0.035e-6,
    lambda: 0.045,
    vs: 1.5e5,
    beta: 0.0085,
    eta: 1.73,
    m: 2.5,
    mc: 3.0,
    alpha: 0,
    sigma0: 0.081,
    vsigmat: 1.01,
    vsigma: 0.1,
    mu: 0.23,
    theta: 0,
    mu1: 0,
    mu2: 0,
    nd: 2.0e23,
    ndu: 1e22,
    ndelta: 6e24,
    th: 0.01e-6,
    delta: 5.0,
    tc: 0,
    rd: 0,
    rs: 0,
    rg: 0,
    ri: 0,
    rf: 0,
    rdi: 0,
    rsi: 0,
    phib: 0.5 * CHARGE,
    phib1: 0,
    astar: 4.0e4,
    ggr: 40,
    del: 0.04,
    xchi: 0.033,
    n: 1,
    tvto: 0,
    tlambda: Number.MAX_VALUE,
    teta0: Number.MAX_VALUE,
    teta1: 0,
    tmu: 300.15,
    xtm0: 0,
    xtm1: 0,
    xtm2: 0,
    ks: 0,
    vsg: 0,
    flo: 0,
    delfo: 0,
    ag: 0,
    tc1: 0,
    tc2: 0,
    zeta: 1,
    nmax: 2e16,
    gamma: 3.0,
    epsi: 12.244 * 8.85418e-12,
    cas: 1,
    cbs: 1,
  };
  const g = new Set<string>();
  for (const [k0, x] of Object.entries(given)) {
    const k = MESA_ALIAS[k0] ?? k0;
    g.add(k);
    v[k] = k === "phib" || k === "phib1" ? x * CHARGE : k === "tlambda" || k === "teta0" || k === "teta1" || k === "tmu" || k === "tf" ? x + CONSTCtoK : x;
  }
  return { level, v, given: g };
}

interface Channel {
  cdrain: number;
  gm: number;
  gds: number;
}

/** A MESA at its geometry and temperatures (mesatemp.c), in ngspice's stamp form. */
export class MesaCore implements ZCore {
  readonly what: string;
  private readonly lv: 2 | 3 | 4;
  private readonly m: number;
  private readonly L: number;
  private readonly W: number;
  private readonly ts: number;
  private readonly td: number;
  private readonly vpo: number;
  private readonly vpou: number;
  private readonly vpod: number;
  private readonly deltaSqr: number;
  private readonly tMu: number;
  private readonly tTheta: number;
  private readonly tVto: number;
  private readonly imax: number;
  private readonly gchi0: number;
  private readonly beta: number;
  private readonly tEta: number;
  private readonly tLambda: number;
  private readonly n0: number;
  private readonly nsb0: number;
  private readonly isatb0: number;
  private readonly cf: number;
  private readonly csatfs: number;
  private readonly csatfd: number;
  private readonly ggrwl: number;
  private readonly vcrits: number;
  private readonly vcritd: number;
  private readonly tRdi: number;
  private readonly tRsi: number;
  private readonly gd: number;
  private readonly gs: number;
  private readonly gg: number;
  private readonly gi: number;
  private readonly gf: number;
  private vgs0 = 0;
  private vgd0 = 0;
  stickyIn = false;
  lastNeg = false;
  private readonly ch: Channel = { cdrain: 0, gm: 0, gds: 0 };

  /**
   * @param l, w channel length, width (m); mult the instance's M
   * @param tsK, tdK source- and drain-side temperatures (K); circuitK, tnomK the circuit's temperature and TNOM (K)
   * @param noRi, noRf s'' = s', d'' = d' (no RI, RF): vgspp, vgdpp follow the limited vgs, vgd
   */
  constructor(
    readonly p: MesaModelParams,
    l: number,
    w: number,
    mult: number,
    tsK: number,
    tdK: number,
    circuitK: number,
    tnomK: number,
    private readonly noRi: boolean,
    private readonly noRf: boolean,
  ) {
    const v = p.v;
    this.lv = p.level;
    this.what = `MESA (level ${p.level})`;
    this.m = mult;
    this.L = l;
    this.W = w;
    this.ts = tsK;
    this.td = tdK;
    const tf = p.given.has("tf") ? v.tf : circuitK;
    if (p.level === 2) {
      this.vpo = (CHARGE * v.nd * v.d * v.d) / 2 / EPSILONGAAS;
      this.vpou = 0;
      this.vpod = 0;
    } else {
      this.vpou = (CHARGE * v.ndu * v.du * v.du) / 2 / EPSILONGAAS;
      this.vpod = (CHARGE * v.ndelta * v.th * (2 * v.du + v.th)) / 2 / EPSILONGAAS;
      this.vpo = this.vpou + this.vpod;
    }
    this.deltaSqr = v.delta * v.delta;
    const Ts = tsK;
    const Td = tdK;
    const vt = KoverQ * Ts;
    if (v.mu1 === 0 && v.mu2 === 0) this.tMu = v.mu * Math.pow(Ts / v.tmu, v.xtm0);
    else {
      const muimp = v.mu * Math.pow(Ts / v.tmu, v.xtm0);
      const mupo = v.mu1 * Math.pow(v.tmu / Ts, v.xtm1) + v.mu2 * Math.pow(v.tmu / Ts, v.xtm2);
      this.tMu = 1 / (1 / muimp + 1 / mupo);
    }
    this.tTheta = v.theta;
    const tPhib = v.phib - v.phib1 * (Ts - tnomK);
    this.tVto = v.vto - v.tvto * (Ts - tnomK);
    this.imax = CHARGE * v.nmax * v.vs * w;
    this.gchi0 = p.level === 2 ? (CHARGE * w) / l : ((CHARGE * w) / l) * this.tMu;
    this.beta = (2 * EPSILONGAAS * v.vs * v.zeta * w) / v.d;
    this.tEta = v.eta * (1 + Ts / v.teta0) + v.teta1 / Ts;
    this.tLambda = v.lambda * (1 - Ts / v.tlambda);
    const d = p.level === 3 ? v.du : v.d;
    this.n0 = p.level === 4 ? (v.epsi * this.tEta * vt) / 2 / CHARGE / d : (EPSILONGAAS * this.tEta * vt) / CHARGE / d;
    this.nsb0 = (EPSILONGAAS * this.tEta * vt) / CHARGE / (v.du + v.th);
    this.isatb0 = (CHARGE * this.n0 * vt * w) / l;
    this.cf = p.level === 4 ? 0.5 * v.epsi * w : 0.5 * EPSILONGAAS * w;
    this.csatfs = 0.5 * v.astar * Ts * Ts * Math.exp(-tPhib / (CONSTboltz * Ts)) * l * w;
    this.csatfd = 0.5 * v.astar * Td * Td * Math.exp(-tPhib / (CONSTboltz * Td)) * l * w;
    this.ggrwl = v.ggr * l * w * Math.exp(v.xchi * (Ts - tnomK));
    this.vcrits = this.csatfs !== 0 ? vt * Math.log(vt / (Math.SQRT2 * this.csatfs)) : Number.MAX_VALUE;
    const vtd = KoverQ * Td;
    this.vcritd = this.csatfd !== 0 ? vtd * Math.log(vtd / (Math.SQRT2 * this.csatfd)) : Number.MAX_VALUE;
    void tf;
    const tcf = (r: number, T: number): number => (r !== 0 ? r * (1 + v.tc1 * (T - tnomK) + v.tc2 * (T - tnomK) * (T - tnomK)) : 0);
    this.tRdi = tcf(v.rdi, Td);
    this.tRsi = tcf(v.rsi, Ts);
    const inv = (r: number): number => (r !== 0 ? 1 / r : 0);
    this.gg = inv(tcf(v.rg, Ts));
    this.gs = inv(tcf(v.rs, Ts));
    this.gd = inv(tcf(v.rd, Td));
    this.gi = inv(tcf(v.ri, Ts));
    this.gf = inv(tcf(v.rf, Td));
  }

  reset(): void {
    this.vgs0 = this.vgd0 = 0;
  }

  load(vl: Float64Array, init: ZInit, gmin: number, J: Float64Array, rhs: Float64Array): boolean {
    let vgs: number;
    let vgd: number;
    let vgspp: number;
    let vgdpp: number;
    let limited = false;
    if (init === "jct") {
      vgs = -1;
      vgd = -1;
      vgspp = 0;
      vgdpp = 0;
    } else if (init === "off") {
      vgs = vgd = vgspp = vgdpp = 0;
    } else {
      const vgsIn = vl[ZGP] - vl[ZSP];
      const vgdIn = vl[ZGP] - vl[ZDP];
      vgspp = vl[ZGP] - vl[ZSPP];
      vgdpp = vl[ZGP] - vl[ZDPP];
      const n = this.p.v.n;
      vgs = pnjlim(vgsIn, this.vgs0, n * KoverQ * this.ts, this.vcrits);
      vgd = pnjlim(vgdIn, this.vgd0, n * KoverQ * this.td, this.vcritd);
      vgs = fetlim(vgs, this.vgs0, this.tVto);
      vgd = fetlim(vgd, this.vgd0, this.tVto);
      if (this.noRi) vgspp = vgs;
      if (this.noRf) vgdpp = vgd;
      limited = vgs !== vgsIn || vgd !== vgdIn;
    }
    this.vgs0 = vgs;
    this.vgd0 = vgd;
    this.stamp(vgs, vgd, vl[ZSP], gmin, J, rhs);
    void vgspp;
    void vgdpp;
    return limited;
  }

  evalAt(vl: Float64Array, gmin: number, J: Float64Array, rhs: Float64Array): void {
    this.stamp(vl[ZGP] - vl[ZSP], vl[ZGP] - vl[ZDP], vl[ZSP], gmin, J, rhs);
  }

  private stamp(vgs: number, vgd: number, vsp: number, gmin: number, J: Float64Array, rhs: Float64Array): void {
    const v = this.p.v;
    const vtd = KoverQ * this.td;
    const vts = KoverQ * this.ts;
    const vted = v.n * vtd;
    const vtes = v.n * vts;
    let vds = vgs - vgd;
    let arg = (-vgs * v.del) / vts;
    let earg = Math.exp(arg);
    const evgs = Math.exp(vgs / vtes);
    const ggs = (this.csatfs * evgs) / vtes + this.ggrwl * earg * (1 - arg) + gmin;
    const cgs = this.csatfs * (evgs - 1) + this.ggrwl * vgs * earg + gmin * vgs;
    arg = (-vgd * v.del) / vtd;
    earg = Math.exp(arg);
    const evgd = Math.exp(vgd / vted);
    const ggd = (this.csatfd * evgd) / vted + this.ggrwl * earg * (1 - arg) + gmin;
    const cgd = this.csatfd * (evgd - 1) + this.ggrwl * vgd * earg + gmin * vgd;
    // ngspice's flag: set by this instance's vds < 0 or carried from an earlier one in the pass (ZGroup)
    let inverse = this.stickyIn;
    this.lastNeg = vds < 0;
    if (vds < 0) {
      vds = -vds;
      inverse = true;
    }
    const von = this.tVto + v.ks * (vsp - v.vsg);
    const ch = this.ch;
    const vg = inverse ? vgd : vgs;
    if (this.lv === 2) this.mesa1(vg, vds, von, ch);
    else if (this.lv === 3) this.mesa2(vg, vds, von, ch);
    else this.mesa3(vg, vds, von, ch);
    let cdrain = ch.cdrain;
    const { gm, gds } = ch;
    if (inverse) {
      cdrain = -cdrain;
      vds = -vds;
    }
    const cd = cdrain - cgd;
    const m = this.m;
    const ccorr = v.ag * (cgs - cgd);
    // DC: no charge currents (cgspp = cgdpp = ggspp = ggdpp = 0)
    let ceqgd = cgd - ggd * vgd;
    let ceqgs = cgs - ggs * vgs;
    const cdreq = cd + cgd - gds * vds - gm * vgs;
    rhs[ZGP] += m * (-ceqgs - ceqgd);
    ceqgd = cgd - ggd * vgd;
    rhs[ZDP] += m * (-cdreq + ceqgd + ccorr);
    ceqgs = cgs - ggs * vgs;
    rhs[ZSP] += m * (cdreq + ceqgs - ccorr);
    const N = ZN;
    const { gd, gs, gg, gi, gf } = this;
    J[ZD * N + ZD] += m * gd;
    J[ZS * N + ZS] += m * gs;
    J[ZG * N + ZG] += m * gg;
    J[ZSPP * N + ZSPP] += m * gi;
    J[ZDPP * N + ZDPP] += m * gf;
    J[ZGP * N + ZGP] += m * (ggd + ggs + gg);
    J[ZDP * N + ZDP] += m * (gds + ggd + gd + gf);
    J[ZSP * N + ZSP] += m * (gds + gm + ggs + gs + gi);
    J[ZD * N + ZDP] -= m * gd;
    J[ZDP * N + ZD] -= m * gd;
    J[ZS * N + ZSP] -= m * gs;
    J[ZSP * N + ZS] -= m * gs;
    J[ZG * N + ZGP] -= m * gg;
    J[ZGP * N + ZG] -= m * gg;
    J[ZGP * N + ZDP] -= m * ggd;
    J[ZGP * N + ZSP] -= m * ggs;
    J[ZDP * N + ZGP] += m * (gm - ggd);
    J[ZDP * N + ZSP] += m * (-gds - gm);
    J[ZSP * N + ZGP] += m * (-ggs - gm);
    J[ZSP * N + ZDP] -= m * gds;
    J[ZSP * N + ZSPP] -= m * gi;
    J[ZSPP * N + ZSP] -= m * gi;
    J[ZDP * N + ZDPP] -= m * gf;
    J[ZDPP * N + ZDP] -= m * gf;
  }

  /** mesa1() (level 2): DC part. */
  private mesa1(vgs: number, vds: number, von: number, out: Channel): void {
    const v = this.p.v;
    const RS = this.tRsi;
    const RD = this.tRdi;
    const vt = KoverQ * this.ts;
    const etavth = this.tEta * vt;
    const rt = RS + RD;
    const vgt0 = vgs - von;
    const s = Math.exp((vgt0 - v.vsigmat) / v.vsigma);
    const sigma = v.sigma0 / (1 + s);
    const vgt = vgt0 + sigma * vds;
    const mu = this.tMu + this.tTheta * vgt;
    const vl = (v.vs / mu) * this.L;
    const beta = this.beta / (this.vpo + 3 * vl);
    const u = vgt / vt - 1;
    const t = Math.sqrt(this.deltaSqr + u * u);
    const vgte = 0.5 * vt * (2 + u + t);
    const a = 2 * beta * vgte;
    const b = Math.exp(-vgt / etavth);
    const sqrt1 = vgte > this.vpo ? 0 : Math.sqrt(1 - vgte / this.vpo);
    const ns = 1.0 / (1.0 / v.nd / v.d / (1 - sqrt1) + (1.0 / this.n0) * b);
    if (ns < 1.0e-38) {
      out.cdrain = 0;
      out.gm = 0;
      out.gds = 0;
      return;
    }
    const gchi = this.gchi0 * mu * ns;
    const gch = gchi / (1 + gchi * rt);
    const f = Math.sqrt(1 + 2 * a * RS);
    const d = 1 + a * RS + f;
    const e = 1 + v.tc * vgte;
    const isata = (a * vgte) / (d * e);
    const isatb = this.isatb0 * mu * Math.exp(vgt / etavth);
    const isat = (isata * isatb) / (isata + isatb);
    const vsate = isat / gch;
    const m = v.m + v.alpha * vgte;
    let g = Math.pow(vds / vsate, m);
    const h = Math.pow(1 + g, 1.0 / m);
    const delidgch0 = vds / h;
    const delidgch = delidgch0 * (1 + this.tLambda * vds);
    const cdrain = gch * delidgch;
    out.cdrain = cdrain;
    let temp = 1 + gchi * rt;
    const delgchgchi = 1.0 / (temp * temp);
    const delgchins = this.gchi0 * mu;
    const delnsvgt = ((ns * ns * 1.0) / this.n0 / etavth) * b;
    const q = 1 - sqrt1;
    const delnsvgte = sqrt1 === 0 ? 0 : (0.5 * ns * ns) / (this.vpo * v.nd * v.d * sqrt1 * q * q);
    const delvgtevgt = 0.5 * (1 + u / t);
    const delidvds0 = gch / h;
    const delidvds1 = vds !== 0.0 ? (cdrain * Math.pow(vds / vsate, m - 1)) / (vsate * (1 + g)) : 0.0;
    const delidvds = delidvds0 * (1 + 2 * this.tLambda * vds) - delidvds1;
    const delidvsate = (cdrain * g) / (vsate * (1 + g));
    const delvsateisat = 1.0 / gch;
    let r = isata + isatb;
    r = r * r;
    const delisatisata = (isatb * isatb) / r;
    const vv = 1.0 + 1.0 / f;
    const ddevgte = 2 * beta * RS * vv * e + d * v.tc;
    temp = d * d * e * e;
    const delisatavgte = (2 * a * d * e - a * vgte * ddevgte) / temp;
    const delisatabeta = (2 * vgte * vgte * (d * e - a * e * RS * vv)) / temp;
    const delisatisatb = (isata * isata) / r;
    const delvsategch = -vsate / gch;
    const dvgtvgs = 1 - (v.sigma0 * vds * s) / v.vsigma / ((1 + s) * (1 + s));
    temp = this.gchi0 * ns * this.tTheta;
    const dgchivgt = delgchins * (delnsvgte * delvgtevgt + delnsvgt) + temp;
    const dvgtevds = delvgtevgt * sigma;
    const dgchivds = delgchins * (delnsvgte * dvgtevds + delnsvgt * sigma) + temp * sigma;
    temp = (delisatabeta * 3 * beta * vl * this.tTheta) / (mu * (this.vpo + 3 * vl));
    const disatavgt = delisatavgte * delvgtevgt + temp;
    const disatavds = delisatavgte * dvgtevds + temp * sigma;
    const disatbvgt = isatb / etavth + (isatb / mu) * this.tTheta;
    const p = delgchgchi * dgchivgt;
    const w = delgchgchi * dgchivds;
    const dvsatevgt = delvsateisat * (delisatisata * disatavgt + delisatisatb * disatbvgt) + delvsategch * p;
    const dvsatevds = delvsateisat * (delisatisata * disatavds + delisatisatb * disatbvgt * sigma) + delvsategch * w;
    let gmmadd = 0;
    let gdsmadd = 0;
    if (v.alpha !== 0) {
      gmmadd = vds === 0 ? 0 : cdrain * (Math.log(1 + g) / (m * m) - (g * Math.log(vds / vsate)) / (m * (1 + g))) * v.alpha * delvgtevgt;
      gdsmadd = gmmadd * sigma;
    }
    const gm1 = delidvsate * dvsatevgt;
    g = delidgch * p + gm1;
    out.gm = (g + gmmadd) * dvgtvgs;
    const gds0 = delidvsate * dvsatevds + delidgch * w + gdsmadd;
    out.gds = delidvds + gds0;
  }

  /** mesa2() (level 3, delta-doped): DC part. */
  private mesa2(vgs: number, vds: number, von: number, out: Channel): void {
    const v = this.p.v;
    const RS = this.tRsi;
    const RD = this.tRdi;
    const vt = KoverQ * this.ts;
    const etavth = this.tEta * vt;
    const rt = RS + RD;
    const vgt0 = vgs - von;
    const s = Math.exp((vgt0 - v.vsigmat) / v.vsigma);
    const sigma = v.sigma0 / (1 + s);
    const vgt = vgt0 + sigma * vds;
    const t = vgt / vt - 1;
    const q = Math.sqrt(this.deltaSqr + t * t);
    const vgte = 0.5 * vt * (2 + t + q);
    const a = 2 * v.beta * vgte;
    let nsa: number;
    let delnsavgte: number;
    const { vpo, vpod, vpou } = this;
    if (vgt > vpod) {
      if (vgte > vpo) {
        nsa = v.ndelta * v.th + v.ndu * v.du;
        delnsavgte = 0;
      } else {
        const r = Math.sqrt((vpo - vgte) / vpou);
        nsa = v.ndelta * v.th + v.ndu * v.du * (1 - r);
        delnsavgte = (v.ndu * v.du) / vpou / 2.0 / r;
      }
    } else {
      if (vpod - vgte < 0) {
        nsa = v.ndelta * v.th * (1 - v.du / v.th);
        delnsavgte = 0;
      } else {
        const r = Math.sqrt(1 + ((v.ndu / v.ndelta) * (vpod - vgte)) / vpou);
        nsa = v.ndelta * v.th * (1 - (v.du / v.th) * (r - 1));
        delnsavgte = (v.du * v.ndu) / 2.0 / vpou / r;
      }
    }
    const b = Math.exp(vgt / etavth);
    const nsb = this.nsb0 * b;
    const delnsbvgt = nsb / etavth;
    const ns = (nsa * nsb) / (nsa + nsb);
    if (ns < 1.0e-38) {
      out.cdrain = 0;
      out.gm = 0;
      out.gds = 0;
      return;
    }
    const gchi = this.gchi0 * ns;
    const gch = gchi / (1 + gchi * rt);
    const f = Math.sqrt(1 + 2 * a * RS);
    const d = 1 + a * RS + f;
    const e = 1 + v.tc * vgte;
    const isata = (a * vgte) / d / e;
    const isatb = this.isatb0 * b;
    const isat = (isata * isatb) / (isata + isatb);
    const vsate = isat / gch;
    let g = Math.pow(vds / vsate, v.m);
    const h = Math.pow(1 + g, 1.0 / v.m);
    const delidgch0 = vds / h;
    const delidgch = delidgch0 * (1 + this.tLambda * vds);
    const cdrain = gch * delidgch;
    out.cdrain = cdrain;
    const delvgtevgt = 0.5 * (1 + t / q);
    const delidvds0 = gch / h;
    const delidvds1 = vds !== 0.0 ? (cdrain * Math.pow(vds / vsate, v.m - 1)) / vsate / (1 + g) : 0.0;
    const delidvds = delidvds0 * (1 + 2 * this.tLambda * vds) - delidvds1;
    const delgchgchi = 1.0 / (1 + gchi * rt) / (1 + gchi * rt);
    const delgchins = this.gchi0;
    let r = nsa + nsb;
    r = r * r;
    const delnsvgt = (nsb * nsb * delvgtevgt * delnsavgte + nsa * nsa * delnsbvgt) / r;
    const delidvsate = (cdrain * g) / vsate / (1 + g);
    const delvsateisat = 1.0 / gch;
    r = isata + isatb;
    r = r * r;
    const delisatisata = (isatb * isatb) / r;
    const ddevgte = 2 * v.beta * RS * (1 + 1.0 / f) * e + d * v.tc;
    const delisatavgte = (2 * a * d * e - a * vgte * ddevgte) / d / d / e / e;
    const delisatisatb = (isata * isata) / r;
    const delisatbvgt = isatb / etavth;
    const delvsategch = -vsate / gch;
    const delvgtvgs = 1 - (v.sigma0 * vds * s) / v.vsigma / (1 + s) / (1 + s);
    const p = delgchgchi * delgchins * delnsvgt;
    const delvsatevgt = delvsateisat * (delisatisata * delisatavgte * delvgtevgt + delisatisatb * delisatbvgt) + delvsategch * p;
    const gm1 = delidvsate * delvsatevgt;
    g = delidgch * p + gm1;
    out.gm = g * delvgtvgs;
    out.gds = delidvds + g * sigma;
  }

  /** mesa3() (level 4): DC part. */
  private mesa3(vgs: number, vds: number, von: number, out: Channel): void {
    const v = this.p.v;
    const RS = this.tRsi;
    const RD = this.tRdi;
    const vt = KoverQ * this.ts;
    const etavth = this.tEta * vt;
    const vl = (v.vs / this.tMu) * this.L;
    const rt = RS + RD;
    const vgt0 = vgs - von;
    const s = Math.exp((vgt0 - v.vsigmat) / v.vsigma);
    const sigma = v.sigma0 / (1 + s);
    const vgt = vgt0 + sigma * vds;
    const u = (0.5 * vgt) / vt - 1;
    const t = Math.sqrt(this.deltaSqr + u * u);
    const vgte = vt * (2 + u + t);
    const b = Math.exp(vgt / etavth);
    const nsm = 2 * this.n0 * Math.log(1 + 0.5 * b);
    if (nsm < 1.0e-38) {
      out.cdrain = 0;
      out.gm = 0;
      out.gds = 0;
      return;
    }
    const c = Math.pow(nsm / v.nmax, v.gamma);
    const q = Math.pow(1 + c, 1.0 / v.gamma);
    const ns = nsm / q;
    const gchi = this.gchi0 * ns;
    const gch = gchi / (1 + gchi * rt);
    const gchim = this.gchi0 * nsm;
    // ngspice: the untempered RSI here, RS(T) below
    const h = Math.sqrt(1 + 2 * gchim * v.rsi + (vgte * vgte) / (vl * vl));
    let p = 1 + gchim * RS + h;
    const isatm = (gchim * vgte) / p;
    let g = Math.pow(isatm / this.imax, v.gamma);
    const isat = isatm / Math.pow(1 + g, 1 / v.gamma);
    const vsate = isat / gch;
    const d = Math.pow(vds / vsate, v.m);
    const e = Math.pow(1 + d, 1.0 / v.m);
    const delidgch = (vds * (1 + this.tLambda * vds)) / e;
    const cdrain = gch * delidgch;
    out.cdrain = cdrain;
    const delidvsate = (cdrain * d) / vsate / (1 + d);
    const delidvds = (gch * (1 + 2 * this.tLambda * vds)) / e - (cdrain * Math.pow(vds / vsate, v.m - 1)) / (vsate * (1 + d));
    const a = 1 + gchi * rt;
    const delgchgchi = 1.0 / (a * a);
    const delgchins = this.gchi0;
    const delnsnsm = (ns / nsm) * (1 - c / (1 + c));
    const delnsmvgt = this.n0 / etavth / (1.0 / b + 0.5);
    const delvgtevgt = 0.5 * (1 + u / t);
    const delvsateisat = 1.0 / gch;
    const delisatisatm = (isat / isatm) * (1 - g / (1 + g));
    const delisatmvgte = (gchim * (p - (vgte * vgte) / (vl * vl * h))) / (p * p);
    const delvsategch = -vsate / gch;
    const delisatmgchim = (vgte * (p - gchim * RS * (1 + 1.0 / h))) / (p * p);
    const delvgtvgs = 1 - ((vds * v.sigma0) / v.vsigma) * (s / ((1 + s) * (1 + s)));
    p = delgchgchi * delgchins * delnsnsm * delnsmvgt;
    const delvsatevgt = delvsateisat * delisatisatm * (delisatmvgte * delvgtevgt + delisatmgchim * this.gchi0 * delnsmvgt) + delvsategch * p;
    g = delidgch * p + delidvsate * delvsatevgt;
    out.gm = g * delvgtvgs;
    out.gds = delidvds + g * sigma;
  }
}
