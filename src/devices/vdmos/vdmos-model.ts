/**
 * ngspice 39's VDMOS power MOSFET model (src/spicelib/devices/vdmos/):
 * its parameters (vdmos.c's model table), the defaults of vdmosset.c, the
 * temperature update of vdmostemp.c (VDMOStempUpdate; self-heating calls it
 * again at the junction temperature, devices/vdmos/vdmos.ts)
 * and the DC laws of vdmosload.c: a level-1-like channel with a soft
 * (logarithmic) weak-inversion overdrive, the body diode with its
 * breakdown, and the quasi-saturation drain resistance.
 *
 * Units: volts, amperes, ohms, siemens, kelvin inside (temperatures on the
 * card are in Celsius, as ngspice reads them). Normalized voltages are
 * type (n = +1, p = -1) times the physical ones, as in ngspice.
 */
import { CHARGE, CONSTboltz, CONSTCtoK, REFTEMP } from "../diode/diode-model.js";

/** ngspice's CONSTKoverQ (V/K). */
export const KOVERQ = CONSTboltz / CHARGE;
/** ngspice's CKTepsmin: the smallest saturation current it keeps (A). */
const EPSMIN = 1e-28;

/** A VDMOS `.model` card's values (ngspice's names; the defaults of vdmosset.c). */
export interface VdmosModelParams {
  /** +1 n-channel (vdmosn, `nchan` or nothing), -1 p-channel (`pchan`). */
  type: 1 | -1;
  /** VTO (VTH0): threshold voltage (V). */
  vto: number;
  /** KP: transconductance (A/V^2). */
  kp: number;
  /** PHI: surface potential (V); must be positive (only checked, as ngspice). */
  phi: number;
  /** LAMBDA: channel-length modulation (1/V). */
  lambda: number;
  /** THETA: mobility reduction with vgs (1/V). */
  theta: number;
  /** RD, RS, RG: drain, source, gate ohmic resistances (ohm); 0: no internal node. */
  rd: number;
  rs: number;
  rg: number;
  /** RQ, VQ: quasi-saturation resistance (ohm) and voltage (V); used when both are given. */
  rq: number;
  vq: number;
  qsGiven: boolean;
  /** MTRIODE: conductance multiplier in the triode region. */
  mtriode: number;
  /** SUBSHIFT (V), KSUBTHRES (V): the weak-inversion shift and slope. */
  subshift: number;
  ksubthres: number;
  tksubthres1: number;
  tksubthres2: number;
  /** TCVTH (VTOTC): linear temperature coefficient of VTO (V/K). */
  tcvth: number;
  /** MU (BEX): exponent of KP's temperature dependence. */
  mu: number;
  /** TEXP0: exponent of RD's temperature dependence (used when given, else TRD1/TRD2). */
  texp0: number;
  texp0Given: boolean;
  /** TEXP1: exponent of RQ's temperature dependence. */
  texp1: number;
  trd1: number;
  trd2: number;
  trg1: number;
  trg2: number;
  trs1: number;
  trs2: number;
  trb1: number;
  trb2: number;
  /** RDS: drain-source shunt (ohm); without it ngspice puts 1e-15 S from drain to source. */
  rds: number;
  rdsGiven: boolean;
  /** Body diode: IS (A), N, RB (ohm), BV (V, only when given), IBV (A), NBV, EG (eV), XTI. */
  is: number;
  n: number;
  rb: number;
  bv: number;
  bvGiven: boolean;
  ibv: number;
  nbv: number;
  eg: number;
  xti: number;
  /** Body diode charge: VJ (V), CJO (F), M (grading), FC, TT (s). */
  vj: number;
  cjo: number;
  mj: number;
  fc: number;
  tt: number;
  /** Gate capacitances: CGDMIN, CGDMAX (F), A, CGS (F). */
  cgdmin: number;
  cgdmax: number;
  a: number;
  cgs: number;
  /** TNOM (C): parameter measurement temperature; `.options tnom` when not given. */
  tnom: number;
  /** Self-heating (an instance with `thermal`): RTHJC, RTHCA (K/W), CTHJ (J/K); it acts only when RTHJC is given. */
  rthjc: number;
  rthca: number;
  cthj: number;
  rthjcGiven: boolean;
}

export function vdmosDefaults(tnom: number): VdmosModelParams {
  return {
    type: 1,
    vto: 0,
    kp: 1,
    phi: 0.6,
    lambda: 0,
    theta: 0,
    rd: 0,
    rs: 0,
    rg: 0,
    rq: 0,
    vq: 0,
    qsGiven: false,
    mtriode: 1,
    subshift: 0,
    ksubthres: 0.1,
    tksubthres1: 0,
    tksubthres2: 0,
    tcvth: 0,
    mu: -1.5,
    texp0: 1.5,
    texp0Given: false,
    texp1: 0.3,
    trd1: 0,
    trd2: 0,
    trg1: 0,
    trg2: 0,
    trs1: 0,
    trs2: 0,
    trb1: 0,
    trb2: 0,
    rds: 1e15,
    rdsGiven: false,
    is: 1e-14,
    n: 1,
    rb: 0,
    bv: 1e99,
    bvGiven: false,
    ibv: 1e-10,
    nbv: 1,
    eg: 1.11,
    xti: 3,
    vj: 0.8,
    cjo: 0,
    mj: 0.5,
    fc: 0.5,
    tt: 0,
    cgdmin: 0,
    cgdmax: 0,
    a: 1,
    cgs: 0,
    tnom,
    rthjc: 1,
    rthca: 1000,
    cthj: 10e-6,
    rthjcGiven: false,
  };
}

/**
 * ngspice 39's VDMOS model parameter names (vdmos.c, VDMOSmPTable), each to
 * its field of VdmosModelParams; null: read and not used by eqspice's DC
 * model (noise KF/AF, the safe-operating-area limits, which only warn in
 * ngspice, and the self-heating network, which acts only on an instance
 * with the `thermal` flag, read below); "type":
 * the vdmosn / vdmosp / vdmos flags. RTHJC, RTHCA, CTHJ act only on an
 * instance with the `thermal` flag.
 */
export const VDMOS_PARAM_ALIASES: Record<string, keyof VdmosModelParams | null | "ntype" | "ptype"> = {
  vto: "vto",
  vth0: "vto",
  kp: "kp",
  phi: "phi",
  lambda: "lambda",
  theta: "theta",
  rd: "rd",
  rs: "rs",
  rg: "rg",
  tnom: "tnom",
  kf: null,
  af: null,
  vdmosn: "ntype",
  vdmosp: "ptype",
  vdmos: "ntype",
  rq: "rq",
  vq: "vq",
  mtriode: "mtriode",
  tcvth: "tcvth",
  vtotc: "tcvth",
  mu: "mu",
  bex: "mu",
  texp0: "texp0",
  texp1: "texp1",
  trd1: "trd1",
  trd2: "trd2",
  trg1: "trg1",
  trg2: "trg2",
  trs1: "trs1",
  trs2: "trs2",
  trb1: "trb1",
  trb2: "trb2",
  subshift: "subshift",
  ksubthres: "ksubthres",
  tksubthres1: "tksubthres1",
  tksubthres2: "tksubthres2",
  bv: "bv",
  ibv: "ibv",
  nbv: "nbv",
  rds: "rds",
  rb: "rb",
  n: "n",
  tt: "tt",
  eg: "eg",
  xti: "xti",
  is: "is",
  vj: "vj",
  cjo: "cjo",
  m: "mj",
  fc: "fc",
  cgdmin: "cgdmin",
  cgdmax: "cgdmax",
  a: "a",
  cgs: "cgs",
  rthjc: "rthjc",
  rthca: "rthca",
  cthj: "cthj",
  vgs_max: null,
  vgd_max: null,
  vds_max: null,
  vgsr_max: null,
  vgdr_max: null,
  pd_max: null,
  id_max: null,
  idr_max: null,
  te_max: null,
  rth_ext: null,
  derating: null,
};

/** The names ngspice 39 knows on a VDMOS card (for the parser's unrecognized-parameter warning). */
export const NGSPICE_VDMOS_PARAMS: ReadonlySet<string> = new Set(Object.keys(VDMOS_PARAM_ALIASES));

/**
 * LTspice annotations on a VDMOS card that ngspice's front end drops before
 * reading it (inpcom.c, inp_vdmos_model): `ron=`, `vds=`, `qg=`, `mfg=`,
 * and the bare words `pchan` / `nchan` (pchan makes the model p-channel).
 */
/** The parser's key for the `pchan` word of a VDMOS card (not a parameter name: it has a space). */
export const VDMOS_PCHAN_KEY = "p channel";

export const VDMOS_DROPPED_ANNOTATIONS: ReadonlySet<string> = new Set(["ron", "vds", "qg", "mfg"]);

/** One transistor's values at its temperature (vdmostemp.c, vdmosset.c), m applied. */
export interface VdmosInstance {
  readonly model: VdmosModelParams;
  readonly type: 1 | -1;
  /** Device temperature (K) and the model's TNOM (K). */
  readonly temp: number;
  /** KP m (T/TNOM)^MU (A/V^2). */
  readonly beta: number;
  /** VTO - type TCVTH (T - TNOM) (V; ngspice's tVth). */
  readonly vth: number;
  /** KSUBTHRES (1 + TKSUBTHRES1 dT + TKSUBTHRES2 dT^2) (V). */
  readonly ksub: number;
  /** Drain resistance at T over m (ohm; ngspice's rd0T), 0 when RD = 0. */
  readonly rd0: number;
  /** Quasi-saturation resistance at T over m (ohm; rd1T), 0 without RQ and VQ. */
  readonly rd1: number;
  /** Source and gate conductances at T, m/R (S); 0 when R = 0. */
  readonly gs: number;
  readonly gg: number;
  /** Drain-source shunt m/RDS, or 1e-15 S (S). */
  readonly gds: number;
  /** Body diode: saturation current m IS at T (A), N Vt (V), NBV Vt (V), vcrit (V), breakdown knee (V), series conductance m/RB at T (S). */
  readonly isat: number;
  readonly vte: number;
  readonly vtebrk: number;
  readonly vcrit: number;
  readonly bvEff: number;
  readonly gb: number;
  /** d(isat)/dT (A/K) and d(gb)/dT (S/K), for self-heating's Jacobian. */
  readonly isatDT: number;
  readonly gbDT: number;
  /** Body diode depletion charge at T: CJO m (F), VJ (V), M, FC VJ (V), F1, F2, F3; TT (s). */
  readonly cj: number;
  readonly pb: number;
  readonly mj: number;
  readonly depCap: number;
  readonly f1: number;
  readonly f2: number;
  readonly f3: number;
  readonly tt: number;
  /** What vdmostemp.c / vdmosset.c warn about (limited values), for the elaboration's warnings. */
  readonly notes: readonly string[];
}

/**
 * The instance at temperature tempC (C) with multiplier m (vdmostemp.c's
 * VDMOStempUpdate at the device temperature, vdmosset.c's conductances);
 * reltol: `.options reltol`, the tolerance of the breakdown knee's iteration.
 */
export function vdmosInstanceAt(model: VdmosModelParams, m: number, tempC: number, reltol = 1e-3): VdmosInstance {
  const notes: string[] = [];
  const T = tempC + CONSTCtoK;
  const tnom = model.tnom + CONSTCtoK;
  const eg = model.eg < 0.1 ? 0.1 : model.eg;
  if (model.eg < 0.1) notes.push("body diode activation energy too small, limited to 0.1");
  const fc = model.fc > 0.95 ? 0.95 : model.fc;
  if (model.fc > 0.95) notes.push("coefficient Fc too large, limited to 0.95");
  const is = model.is < EPSMIN ? EPSMIN : model.is;
  const dt = T - tnom;
  const ratio = T / tnom;
  const beta = model.kp * m * Math.pow(ratio, model.mu);
  const vth = model.vto - model.type * model.tcvth * dt;
  const ksub = model.ksubthres * (1 + model.tksubthres1 * dt + model.tksubthres2 * dt * dt);
  const rd0 = model.texp0Given ? (model.rd / m) * Math.pow(ratio, model.texp0) : (model.rd / m) * (1 + model.trd1 * dt + model.trd2 * dt * dt);
  const rd1 = model.qsGiven ? (model.rq / m) * Math.pow(ratio, model.texp1) : 0;
  const gg = model.rg > 0 ? m / model.rg / (1 + model.trg1 * dt + model.trg2 * dt * dt) : 0;
  const gs = model.rs > 0 ? m / model.rs / (1 + model.trs1 * dt + model.trs2 * dt * dt) : 0;
  const gds = model.rdsGiven && model.rds > 0 ? m / model.rds : 1e-15;
  const gb0 = model.rb > 0 ? m / model.rb : 0;
  const fb = 1 + model.trb1 * dt + model.trb2 * dt * dt;
  const gb = gb0 / fb;
  // d(gb)/dT exactly (vdmostemp.c's VDIOtConductance_dT leaves out the 2 of d(dt^2)/dT: its Jacobian, not its currents)
  const gbDT = (-gb0 * (model.trb1 + 2 * model.trb2 * dt)) / (fb * fb);

  // junction potential and capacitance at T (the diode's pbfact formulas)
  const fact1 = tnom / REFTEMP;
  const vtnom = tnom * KOVERQ;
  const kt1 = CONSTboltz * tnom;
  const egfet1 = 1.16 - (7.02e-4 * tnom * tnom) / (tnom + 1108);
  const arg1n = -egfet1 / (kt1 + kt1) + 1.1150877 / (CONSTboltz * (REFTEMP + REFTEMP));
  const pbfact1 = -2 * vtnom * (1.5 * Math.log(fact1) + CHARGE * arg1n);
  const vt = T * KOVERQ;
  const fact2 = T / REFTEMP;
  const kt = T * CONSTboltz;
  const egfet = 1.16 - (7.02e-4 * T * T) / (T + 1108);
  const argT = -egfet / (kt + kt) + 1.1150877 / (CONSTboltz * (REFTEMP + REFTEMP));
  const pbfact = -2 * vt * (1.5 * Math.log(fact2) + CHARGE * argT);
  const mj = model.mj; // VDIOgradCoeffTemp1/2 are 0 (no card parameter sets them)
  const pbo = (model.vj - pbfact1) / fact1;
  const gmaold = (model.vj - pbo) / pbo;
  let cj = (m * model.cjo) / (1 + mj * (400e-6 * (tnom - REFTEMP) - gmaold));
  let pb = pbfact + fact2 * pbo;
  const gmanew = (pb - pbo) / pbo;
  cj *= 1 + mj * (400e-6 * (T - REFTEMP) - gmanew);

  const vte = model.n * vt;
  const arg1 = ((T / tnom) - 1) * eg / vte;
  const arg2 = (model.xti / model.n) * Math.log(T / tnom);
  const isat = m * is * Math.exp(arg1 + arg2);
  const arg1DT = eg / (vte * tnom) - (eg * (T / tnom - 1)) / (vte * T);
  const isatDT = isat * (arg1DT + model.xti / model.n / T);
  const xfc = Math.log(1 - fc);
  const f1 = (pb * (1 - Math.exp((1 - mj) * xfc))) / (1 - mj);
  let depCap = fc * pb;
  const vcrit = vte * Math.log(vte / (Math.SQRT2 * isat));
  if (depCap > 2.5) {
    pb = 2.5 / model.n;
    depCap = model.n * pb;
    notes.push(`junction potential VJ too large, limited to ${pb.toFixed(6)}`);
  }
  let bvEff = model.bv;
  if (model.bvGiven) {
    // the knee where the breakdown current meets IBV (vdmostemp.c, tlev 0), 25 iterations at most
    const tbv = Math.abs(model.bv);
    const cbv = model.ibv;
    if (cbv < (isat * tbv) / vt) bvEff = tbv;
    else {
      const tol = reltol * cbv; // ngspice's CKTreltol * cbv
      let xbv = tbv - model.nbv * vt * Math.log(1 + cbv / isat);
      for (let iter = 0; iter < 25; iter++) {
        xbv = tbv - model.nbv * vt * Math.log(cbv / isat + 1 - xbv / vt);
        const xcbv = isat * (Math.exp((tbv - xbv) / (model.nbv * vt)) - 1 + xbv / vt);
        if (Math.abs(xcbv - cbv) <= tol) break;
      }
      bvEff = xbv;
    }
  }
  const f2 = Math.exp((1 + mj) * xfc);
  const f3 = 1 - fc * (1 + mj);
  return {
    model,
    type: model.type,
    temp: T,
    beta,
    vth,
    ksub,
    rd0,
    rd1,
    gs,
    gg,
    gds,
    isat,
    vte,
    vtebrk: model.nbv * vt,
    vcrit,
    bvEff,
    gb,
    isatDT,
    gbDT,
    cj,
    pb,
    mj,
    depCap,
    f1,
    f2,
    f3,
    tt: model.tt,
    notes,
  };
}

/** The channel at one point (normalized): ngspice's mode, cdrain, gm, gds. */
export interface VdmosChannelPoint {
  /** +1 when vds >= 0, -1 when the drain acts as the source. */
  mode: 1 | -1;
  /** Drain current in the mode's direction (A, >= 0 for a normal device). */
  cdrain: number;
  /** ngspice's gm and gds (S), as vdmosload.c computes them (see vdmosChannel). */
  gm: number;
  gds: number;
}

/**
 * vdmosload.c's channel at normalized (vgs, vds): with mode = sign(vds)
 * (vgd = vgs - vds takes vgs's place when vds < 0),
 *   vgst = slope ln(1 + exp((v_g - von - SUBSHIFT) / slope)),   slope = KSUBTHRES(T)
 *   betap = beta (1 + LAMBDA vds) / (1 + THETA vgs),   vdss = MTRIODE |vds|
 *   saturation (vgst <= vdss): cdrain = betap vgst^2 / 2
 *   linear:                    cdrain = betap vdss (vgst - vdss / 2)
 * Note ngspice's own quirks, kept: LAMBDA and THETA multiply the signed vds
 * and vgs in both modes, and gm, gds are the derivatives in the normal mode's
 * variables, so in the reverse mode with LAMBDA or THETA nonzero they are
 * not exactly the derivatives of cdrain (Newton still converges to the
 * same solution: the currents are exact, only the path uses this Jacobian).
 */
export function vdmosChannel(p: VdmosInstance, vgs: number, vds: number, out: VdmosChannelPoint): void {
  const m = p.model;
  const mode = vds >= 0 ? 1 : -1;
  const von = p.vth * p.type;
  let vgst = (mode === 1 ? vgs : vgs - vds) - von;
  const slope = p.ksub;
  const vdss = vds * m.mtriode * mode;
  const t0 = 1 + m.lambda * vds;
  const t1 = 1 + m.theta * vgs;
  const betap = (p.beta * t0) / t1;
  const dbetapdvgs = (-p.beta * m.theta * t0) / (t1 * t1);
  const dbetapdvds = (p.beta * m.lambda) / t1;
  const t2 = Math.exp((vgst - m.subshift) / slope);
  vgst = slope * Math.log(1 + t2);
  const dvgstdvgs = t2 / (t2 + 1);
  out.mode = mode;
  if (vgst <= vdss) {
    out.cdrain = betap * vgst * vgst * 0.5;
    out.gm = betap * vgst * dvgstdvgs + 0.5 * dbetapdvgs * vgst * vgst;
    out.gds = 0.5 * dbetapdvds * vgst * vgst;
  } else {
    out.cdrain = betap * vdss * (vgst - 0.5 * vdss);
    out.gm = betap * vdss * dvgstdvgs + vdss * dbetapdvgs * (vgst - 0.5 * vdss);
    out.gds = vdss * dbetapdvds * (vgst - 0.5 * vdss) + betap * m.mtriode * (vgst - 0.5 * vdss) - 0.5 * vdss * betap * m.mtriode;
  }
}

/**
 * d(cdrain)/dT (A/K) of vdmosChannel at normalized (vgs, vds) through the
 * temperature-dependent instance values, given their derivatives:
 * dBeta = d(beta)/dT (A/V^2/K), dVth = d(vth)/dT (V/K), dKsub = d(ksub)/dT (V/K).
 * With x = v_g - von - SUBSHIFT, u = exp(x / slope), vgst = slope ln(1 + u):
 *   d(vgst)/d(von) = -u / (1 + u),   d(vgst)/d(slope) = vgst / slope - (u / (1 + u)) x / slope,
 *   cdrain = betap F(vgst),   dF/d(vgst) = vgst (saturation), vdss (linear),
 *   d(cdrain)/dT = cdrain / beta dBeta + betap dF/d(vgst) (type dVth d(vgst)/d(von) + dKsub d(vgst)/d(slope)).
 * (von = type vth.) vdmosload.c's dIds_dT keeps only beta's second factor,
 * (T/T0)^MU: beta MU / T, where beta = KP (T/TNOM)^MU (T/T0)^MU.
 */
export function vdmosChannelDT(p: VdmosInstance, vgs: number, vds: number, dBeta: number, dVth: number, dKsub: number): number {
  const m = p.model;
  const mode = vds >= 0 ? 1 : -1;
  const von = p.vth * p.type;
  const x = (mode === 1 ? vgs : vgs - vds) - von - m.subshift;
  const slope = p.ksub;
  const vdss = vds * m.mtriode * mode;
  const betap = (p.beta * (1 + m.lambda * vds)) / (1 + m.theta * vgs);
  const u = Math.exp(x / slope);
  const vgst = slope * Math.log(1 + u);
  const w = u / (u + 1);
  const dvgstdT = -w * p.type * dVth + (vgst / slope - (w * x) / slope) * dKsub;
  const sat = vgst <= vdss;
  const F = sat ? vgst * vgst * 0.5 : vdss * (vgst - 0.5 * vdss);
  const dF = sat ? vgst : vdss;
  return (p.beta !== 0 ? (betap / p.beta) * F * dBeta : 0) + betap * dF * dvgstdT;
}

/**
 * vdmosload.c's body diode at normalized vd (anode at the source side):
 * current i (A) and ngspice's conductance g (S), GMIN included:
 *   vd >= -3 N Vt:           i = IS (exp(vd / (N Vt)) - 1)
 *   reverse (no BV or above -BV'): i = -IS (1 + (3 N Vt / (e vd))^3),
 *                            g = IS 3 (3 N Vt / (e vd)) / vd   (ngspice's: not the cube's derivative)
 *   breakdown:               i = -IS exp(-(BV' + vd) / (NBV Vt))
 * plus GMIN vd (i, g; ib, gb without GMIN).
 */
export function vdmosDiode(p: VdmosInstance, vd: number, gmin: number, out: { i: number; g: number; ib: number; gb: number }): void {
  const vte = p.vte;
  let cdb: number;
  let gdb: number;
  if (vd >= -3 * vte) {
    const evd = Math.exp(vd / vte);
    cdb = p.isat * (evd - 1);
    gdb = (p.isat * evd) / vte;
  } else if (!p.model.bvGiven || vd >= -p.bvEff) {
    const arg = (3 * vte) / (vd * Math.E);
    const arg3 = arg * arg * arg;
    cdb = -p.isat * (1 + arg3);
    gdb = (p.isat * 3 * arg) / vd;
  } else {
    const evrev = Math.exp(-(p.bvEff + vd) / p.vtebrk);
    cdb = -p.isat * evrev;
    gdb = (p.isat * evrev) / p.vtebrk;
  }
  out.ib = cdb;
  out.gb = gdb;
  out.i = cdb + gmin * vd;
  out.g = gdb + gmin;
}

/**
 * Half of vdmosload.c's gate-drain capacitance at normalized vgd (F;
 * devsup.c's DevCapVDMOS): with s = (CGDMAX - CGDMIN) / (1 + pi/2) and
 * y = CGDMAX - s, Cgd = s tanh(A vgd) + y for vgd > 0 and s atan(A vgd) + y
 * below (from CGDMIN + ... at large negative vgd up to CGDMAX). ngspice
 * stores halves: the capacitance over a step is the half at the new point
 * plus the half at the accepted one. Cgs is the constant CGS.
 */
export function vdmosHalfCgd(m: VdmosModelParams, vgd: number): number {
  const s = (m.cgdmax - m.cgdmin) / (1 + Math.PI / 2);
  const y = m.cgdmax - s;
  return vgd > 0 ? 0.5 * (s * Math.tanh(m.a * vgd) + y) : 0.5 * (s * Math.atan(m.a * vgd) + y);
}

/**
 * The body diode's charge (C) and capacitance (F) at normalized vd
 * (vdmosload.c): the depletion charge of CJO(T), VJ(T), M (the linear
 * extension above FC VJ) plus TT times the diode's current without GMIN
 * (cdb, its conductance gdb for the capacitance).
 */
export function vdmosDiodeCharge(p: VdmosInstance, vd: number, cdb: number, gdb: number, out: { q: number; c: number }): void {
  const czero = p.cj;
  let q: number;
  let c: number;
  if (vd < p.depCap) {
    const arg = 1 - vd / p.pb;
    const sarg = Math.exp(-p.mj * Math.log(arg));
    q = (p.pb * czero * (1 - arg * sarg)) / (1 - p.mj);
    c = czero * sarg;
  } else {
    const czof2 = czero / p.f2;
    q = czero * p.f1 + czof2 * (p.f3 * (vd - p.depCap) + (p.mj / (p.pb + p.pb)) * (vd * vd - p.depCap * p.depCap));
    c = czof2 * (p.f3 + (p.mj * vd) / p.pb);
  }
  out.q = q + p.tt * cdb;
  out.c = c + p.tt * gdb;
}

/**
 * d(i)/dT (A/K) of the body diode's current at normalized vd and device
 * temperature T (K), as vdmosload.c's dIdio_dT for self-heating (p at T).
 */
export function vdmosDiodeDT(p: VdmosInstance, vd: number, T: number): number {
  const vte = p.vte;
  if (vd >= -3 * vte) {
    const evd = Math.exp(vd / vte);
    return p.isatDT * (evd - 1) - (p.isat * vd * evd) / (vte * T);
  }
  if (!p.model.bvGiven || vd >= -p.bvEff) {
    const arg = (3 * vte) / (vd * Math.E);
    const arg3 = arg * arg * arg;
    return -p.isatDT * (arg3 + 1) - (p.isat * 3 * arg3) / T;
  }
  const evrev = Math.exp(-(p.bvEff + vd) / p.vtebrk);
  return (p.isat * (-p.bvEff - vd) * evrev) / p.vtebrk / T - p.isatDT * evrev;
}
