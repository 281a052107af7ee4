/**
 * Bipolar junction transistor, ngspice 39's Gummel-Poon model `bjt`
 * (level 1): the model parameters with their defaults and aliases
 * (bjt.c, bjtsetup.c), the values at the circuit temperature (bjttemp.c,
 * the default TLEV = 0 equations) and the pure DC law (bjtload.c): the
 * transport current with the base charge qb, the ideal and non-ideal base
 * currents, the current-dependent base resistance and the substrate
 * junction.
 *
 * Units: volts, amperes, siemens, ohms, seconds, farads; temperatures in
 * Celsius at the interface, kelvin inside; EG in eV.
 *
 * Sign convention: `type` is +1 for NPN and -1 for PNP. The law is written
 * for normalized junction voltages vbe = type (V(b') - V(e')) and
 * vbc = type (V(b') - V(c')) (primes: the internal nodes behind RB, RE,
 * RC), so that a PNP is an NPN in these variables; its physical currents
 * are type times the normalized ones. Normalized currents are positive
 * when they flow from the node INTO the transistor: cc into c', cb into
 * b', and -(cc + cb) into e'.
 */
import { CHARGE, CONSTboltz, CONSTCtoK, REFTEMP } from "../diode/diode-model.js";

/** kT/q = KoverQ * T (V), T in kelvin. */
const KoverQ = CONSTboltz / CHARGE;
/** ngspice's CONSTe (e), in the reverse-bias continuation of the junction currents. */
const CONSTe = Math.E;
/** ngspice's exponent cap (the substrate diode). */
const MAX_EXP_ARG = 709;

/** A `.model NAME NPN|PNP` card, defaults filled in (bjtsetup.c). Undefined = not given, where that matters. */
export interface BjtModelParams {
  /** +1 NPN, -1 PNP. */
  type: 1 | -1;
  /** Transport saturation current (A). Default 1e-16. */
  is: number;
  /** Ideal forward beta. Default 100. */
  bf: number;
  /** Forward emission coefficient. Default 1. */
  nf: number;
  /** Forward Early voltage (V); 0 or not given: infinite. */
  vaf: number;
  /** Forward beta roll-off (high injection) corner current (A); 0: infinite. */
  ikf: number;
  /** B-E leakage saturation current (A); a value above 1e-4 is a multiple of IS (ngspice). Default 0. */
  ise: number;
  /** B-E leakage emission coefficient. Default 1.5. */
  ne: number;
  /** Ideal reverse beta. Default 1. */
  br: number;
  /** Reverse emission coefficient. Default 1. */
  nr: number;
  /** Reverse Early voltage (V); 0: infinite. */
  var: number;
  /** Reverse beta roll-off corner current (A); 0: infinite. */
  ikr: number;
  /** B-C leakage saturation current (A); above 1e-4 a multiple of IS. Default 0. */
  isc: number;
  /** B-C leakage emission coefficient. Default 2. */
  nc: number;
  /** Zero-bias base resistance (ohm). Default 0. */
  rb: number;
  /** Current where the base resistance falls halfway to RBM (A); 0: no current dependence through IRB. */
  irb: number;
  /** Minimum base resistance at high current (ohm). Default RB. */
  rbm?: number;
  /** Emitter and collector resistances (ohm). Default 0. */
  re: number;
  rc: number;
  /**
   * Charge storage (transient only; DC ignores them): B-E depletion CJE (F),
   * VJE (V), MJE; forward transit time TF (s) with its bias dependence XTF,
   * VTF (V), ITF (A) and excess phase PTF (degrees);
   * B-C depletion CJC, VJC, MJC with the fraction XCJC on the internal base;
   * reverse transit time TR; substrate depletion CJS, VJS, MJS.
   */
  cje: number;
  vje: number;
  mje: number;
  tf: number;
  xtf: number;
  vtf: number;
  itf: number;
  ptf: number;
  cjc: number;
  vjc: number;
  mjc: number;
  xcjc: number;
  tr: number;
  cjs: number;
  vjs: number;
  mjs: number;
  /** Forward and reverse beta temperature exponent. Default 0. */
  xtb: number;
  /** Energy gap for the temperature dependence of IS (eV). Default 1.11. */
  eg: number;
  /** Temperature exponent of IS. Default 3. */
  xti: number;
  /** Flicker noise (accepted, not used). */
  kf: number;
  af: number;
  /** Forward-bias depletion capacitance coefficient. Default 0.5. */
  fc: number;
  /** Parameter measurement temperature (C). Default `.options tnom` (27). */
  tnom: number;
  /** Substrate junction saturation current (A); 0 (not given): the substrate junction is GMIN alone. */
  iss: number;
  /** Substrate junction emission coefficient. Default 1. */
  ns: number;
  /** High-current roll-off exponent of qb. Default 0.5 (the classic Gummel-Poon square root). */
  nkf: number;
  /** +1 vertical (substrate to the collector, NPN default), -1 lateral (to the base, PNP default). */
  subs: 1 | -1;
}

export function bjtDefaults(type: 1 | -1, tnom: number): BjtModelParams {
  return {
    type,
    is: 1e-16,
    bf: 100,
    nf: 1,
    vaf: 0,
    ikf: 0,
    ise: 0,
    ne: 1.5,
    br: 1,
    nr: 1,
    var: 0,
    ikr: 0,
    isc: 0,
    nc: 2,
    rb: 0,
    irb: 0,
    re: 0,
    rc: 0,
    cje: 0,
    vje: 0.75,
    mje: 0.33,
    tf: 0,
    xtf: 0,
    vtf: 0,
    itf: 0,
    ptf: 0,
    cjc: 0,
    vjc: 0.75,
    mjc: 0.33,
    xcjc: 1,
    tr: 0,
    cjs: 0,
    vjs: 0.75,
    mjs: 0,
    xtb: 0,
    eg: 1.11,
    xti: 3,
    kf: 0,
    af: 1,
    fc: 0.5,
    tnom,
    iss: 0,
    ns: 1,
    nkf: 0.5,
    subs: type === 1 ? 1 : -1,
  };
}

/**
 * Names accepted in `.model NAME NPN|PNP (...)` (ngspice's bjt.c table),
 * each to its field; null: accepted and not stored (LEVEL, the NPN/PNP
 * flags, and the datasheet annotations VCEO and ICRATING that PSpice
 * vendor cards carry and ngspice ignores).
 */
export const BJT_PARAM_ALIASES: Record<string, keyof BjtModelParams | null> = {
  level: null,
  npn: null,
  pnp: null,
  vceo: null,
  icrating: null,
  is: "is",
  bf: "bf",
  nf: "nf",
  vaf: "vaf",
  va: "vaf",
  ikf: "ikf",
  ik: "ikf",
  ise: "ise",
  c2: "ise",
  ne: "ne",
  br: "br",
  nr: "nr",
  var: "var",
  vb: "var",
  ikr: "ikr",
  isc: "isc",
  c4: "isc",
  nc: "nc",
  rb: "rb",
  irb: "irb",
  rbm: "rbm",
  re: "re",
  rc: "rc",
  cje: "cje",
  vje: "vje",
  pe: "vje",
  mje: "mje",
  me: "mje",
  tf: "tf",
  xtf: "xtf",
  vtf: "vtf",
  itf: "itf",
  ptf: "ptf",
  cjc: "cjc",
  vjc: "vjc",
  pc: "vjc",
  mjc: "mjc",
  mc: "mjc",
  xcjc: "xcjc",
  tr: "tr",
  cjs: "cjs",
  csub: "cjs",
  ccs: "cjs",
  vjs: "vjs",
  ps: "vjs",
  mjs: "mjs",
  ms: "mjs",
  xtb: "xtb",
  eg: "eg",
  xti: "xti",
  kf: "kf",
  af: "af",
  fc: "fc",
  tnom: "tnom",
  tref: "tnom",
  iss: "iss",
  ns: "ns",
  nkf: "nkf",
  nk: "nkf",
  subs: "subs",
};

/**
 * ngspice bjt parameters eqspice does not model, by what they are: an
 * error naming the parameter rather than a silently different device.
 */
export function bjtUnsupportedParam(name: string): string | null {
  if (name === "ibe" || name === "ibc") return "separate B-E / B-C saturation currents (IBE, IBC) are not supported: use IS";
  if (["rco", "vo", "gamma", "qco", "quasimod", "vg", "cn", "d"].includes(name)) return "the quasi-saturation model (RCO, VO, GAMMA, QCO, QUASIMOD, VG, CN, D) is not supported";
  if (name === "tlev" || name === "tlevc") return "temperature equation selectors TLEV/TLEVC other than the default are not supported";
  if (/^t(bf|br|ikf|ikr|irb|nc|ne|nf|nr|rb|rc|re|rm|vaf|var|itf|tf|tr|mje|mjc|mjs|ns|is|ise|isc|iss)[12]$/.test(name) || ["trb", "trc", "tre"].includes(name)) {
    return "first/second-order temperature coefficients (TBF1, TRB1, ...) are not supported: temperature enters through XTI, XTB and EG";
  }
  if (["ctc", "cte", "cts", "tvjc", "tvje", "tvjs"].includes(name)) return "capacitance temperature coefficients (CTC, CTE, CTS, TVJC, TVJE, TVJS) are not supported";
  if (["vbe_max", "vbc_max", "vce_max", "pd_max", "ic_max", "ib_max", "te_max", "rth0"].includes(name)) return "safe-operating-area limits (VBE_MAX, IC_MAX, ...) are not supported";
  return null;
}

/** ngspice's BJT levels other than 1, by what they are (refused by name). */
export const BJT_LEVEL_NAMES: Record<number, string> = {
  8: "HICUM level 2",
};

/** One transistor's values at the circuit temperature: everything the DC law needs (bjttemp.c, area applied). */
export interface BjtInstance {
  type: 1 | -1;
  /** Thermal voltage kT/q at the device temperature (V). */
  vt: number;
  /** IS(T) * area (A): the B-E junction and the transport current's forward part. */
  satCur: number;
  /**
   * The B-C junction's saturation current (A): IS(T) * area * area. ngspice 39's
   * bjttemp.c multiplies the already area-scaled IS(T) by AREAB (= AREA) once
   * more for it; eqspice follows (measured: a saturated transistor of area 4
   * matches ngspice only so). Equal to satCur at area 1.
   */
  bcSatCur: number;
  /** BF(T), BR(T). */
  betaF: number;
  betaR: number;
  /** ISE(T) * area, ISC(T) * area (A). */
  beLeak: number;
  bcLeak: number;
  nf: number;
  nr: number;
  ne: number;
  nc: number;
  /** 1/VAF, 1/VAR (1/V); 0: no Early effect. */
  invVaf: number;
  invVar: number;
  /** 1/(IKF area), 1/(IKR area) (1/A); 0: no high injection. */
  invIkf: number;
  invIkr: number;
  nkf: number;
  /** RB / area, RBM / area (ohm); IRB * area (A). */
  rb: number;
  rbm: number;
  irb: number;
  /** area / RC, area / RE (S); 0: no resistance (no internal node). */
  gc: number;
  ge: number;
  /** pnjlim's critical voltage vt ln(vt / (sqrt2 IS(T) area)) (V). */
  vcrit: number;
  /** Substrate junction: ISS(T) * area (A; 0: GMIN only), NS, and its critical voltage (50 V without ISS, as ngspice). */
  subSat: number;
  ns: number;
  subVcrit: number;
  /** +1 vertical (substrate junction to c'), -1 lateral (to b'). */
  subs: 1 | -1;
  /** Parallel multiplier M: every current and conductance times M. */
  m: number;
  /** True when a charge (TF, TR, CJE, CJC, CJS) is nonzero: a transient integrates them. */
  hasCharges: boolean;
  /** The charges at the device temperature (see BjtCharges); null when hasCharges is false. */
  charges: BjtCharges | null;
}

/**
 * One depletion junction at the device temperature, area included (per
 * unit M): zero-bias capacitance cz (F), potential pb (V), grading m, and
 * the forward-bias linearization above fcpb = FC pb (bjttemp.c's tf1..tf7):
 *   f1 = pb (1 - (1 - FC)^(1 - m)) / (1 - m)   (the charge at fcpb is cz f1)
 *   f2 = (1 - FC)^(1 + m),  f3 = 1 - FC (1 + m).
 */
export interface BjtJunctionCap {
  cz: number;
  pb: number;
  m: number;
  fcpb: number;
  f1: number;
  f2: number;
  f3: number;
}

/** The charge-storage parameters of one transistor (bjttemp.c values, area applied, per unit M). */
export interface BjtCharges {
  /** TF, TR (s). */
  tf: number;
  tr: number;
  /** Excess-phase delay PTF (radians) TF (s); 0: none (bjttemp.c's BJTexcessPhaseFactor). */
  td: number;
  /** XTF; 1/(1.44 VTF) (1/V, 0 without VTF); ITF * area (A). */
  xtf: number;
  ovtf: number;
  itf: number;
  /** B-E junction (CJE area). */
  be: BjtJunctionCap;
  /** B-C junction on the internal base (XCJC CJC area) and on the external base ((1 - XCJC) CJC area). */
  bc: BjtJunctionCap;
  bx: BjtJunctionCap;
  /** Substrate junction: CJS area (F), VJS(T) (V), MJS; no forward linearization (ngspice's own law for vsub >= 0). */
  czsub: number;
  ps: number;
  ms: number;
}

/**
 * Junction potential and capacitance at T (bjttemp.c, TLEVC = 0), from
 * pb, cz at TNOM (temperatures in kelvin); m the grading coefficient:
 *   egfet(T) = 1.16 - 7.02e-4 T^2 / (T + 1108)
 *   pbfact(T) = -2 vt(T) (1.5 ln(T/REFTEMP) + q (-egfet(T) / (2 k T) + 1.1150877 / (2 k REFTEMP)))
 *   pbo = (pb - pbfact(TNOM)) / (TNOM/REFTEMP),  pb(T) = (T/REFTEMP) pbo + pbfact(T)
 *   cz(T) = cz (1 + m (4e-4 (T - REFTEMP) - (pb(T) - pbo)/pbo)) / (1 + m (4e-4 (TNOM - REFTEMP) - (pb - pbo)/pbo)).
 * At T = TNOM it returns pb and cz.
 */
function junctionCapAt(cz: number, pb: number, m: number, tnomK: number, tK: number): { cz: number; pb: number } {
  const pbfact = (T: number): number => {
    const egfet = 1.16 - (7.02e-4 * T * T) / (T + 1108);
    const arg = -egfet / (2 * CONSTboltz * T) + 1.1150877 / (CONSTboltz * (REFTEMP + REFTEMP));
    return -2 * KoverQ * T * (1.5 * Math.log(T / REFTEMP) + CHARGE * arg);
  };
  const fact1 = tnomK / REFTEMP;
  const fact2 = tK / REFTEMP;
  const pbo = (pb - pbfact(tnomK)) / fact1;
  const gmaold = (pb - pbo) / pbo;
  let c = cz / (1 + m * (4e-4 * (tnomK - REFTEMP) - gmaold));
  const pbT = fact2 * pbo + pbfact(tK);
  const gmanew = (pbT - pbo) / pbo;
  c *= 1 + m * (4e-4 * (tK - REFTEMP) - gmanew);
  return { cz: c, pb: pbT };
}

function junctionCap(cz: number, pb: number, m: number, fc: number): BjtJunctionCap {
  const xfc = Math.log(1 - fc);
  return { cz, pb, m, fcpb: fc * pb, f1: (pb * (1 - Math.exp((1 - m) * xfc))) / (1 - m), f2: Math.exp((1 + m) * xfc), f3: 1 - fc * (1 + m) };
}

/** The charges of a transistor at temperature tK (kelvin), area applied; null without any. */
function bjtChargesAt(p: BjtModelParams, area: number, tnomK: number, tK: number): BjtCharges | null {
  if (!(p.tf !== 0 || p.tr !== 0 || p.cje !== 0 || p.cjc !== 0 || p.cjs !== 0)) return null;
  // ngspice limits FC to 0.9999 and the grading coefficients to 0.999 (bjttemp.c)
  const fc = Math.min(p.fc, 0.9999);
  const me = Math.min(p.mje, 0.999);
  const mc = Math.min(p.mjc, 0.999);
  const ms = Math.min(p.mjs, 0.999);
  const be = junctionCapAt(p.cje, p.vje, me, tnomK, tK);
  const bc = junctionCapAt(p.cjc, p.vjc, mc, tnomK, tK);
  const sub = junctionCapAt(p.cjs, p.vjs, ms, tnomK, tK);
  const ctot = bc.cz * area;
  const czbc = ctot * p.xcjc;
  return {
    tf: p.tf,
    tr: p.tr,
    td: (p.ptf / (180 / Math.PI)) * p.tf,
    xtf: p.xtf,
    ovtf: p.vtf !== 0 ? 1 / (p.vtf * 1.44) : 0,
    itf: p.itf * area,
    be: junctionCap(be.cz * area, be.pb, me, fc),
    bc: junctionCap(czbc, bc.pb, mc, fc),
    bx: junctionCap(ctot - czbc, bc.pb, mc, fc),
    czsub: sub.cz * area,
    ps: sub.pb,
    ms,
  };
}

/**
 * bjttemp.c (TLEV = 0) at `tempC`:
 *   factlog = (T/TNOM - 1) EG / vt + XTI ln(T/TNOM),  bfactor = (T/TNOM)^XTB
 *   IS(T) = IS e^factlog,  BF(T) = BF bfactor,  BR(T) = BR bfactor,
 *   ISE(T) = ISE e^(factlog/NE) / bfactor,  ISC(T) = ISC e^(factlog/NC) / bfactor,
 *   ISS(T) = ISS e^(factlog/NS) / bfactor,
 * then the area: saturation and leakage currents, IKF, IKR, IRB and the
 * conductances of RC and RE times area; RB and RBM divided by it. The
 * charges: junction capacitances and potentials at T (junctionCapAt), CJE,
 * CJC, CJS and ITF times area (ngspice's AREAB, AREAC are AREA here).
 */
export function bjtInstanceAt(p: BjtModelParams, area: number, m: number, tempC: number): BjtInstance {
  const T = tempC + CONSTCtoK;
  const tnom = p.tnom + CONSTCtoK;
  const vt = T * KoverQ;
  const ratlog = Math.log(T / tnom);
  const ratio1 = T / tnom - 1;
  const bfactor = Math.exp(ratlog * p.xtb);
  const factlog = (ratio1 * p.eg) / vt + p.xti * ratlog;
  const satCur = area * p.is * Math.exp(factlog);
  // bjtsetup.c: ISE, ISC above 1e-4 are multiples of IS
  const ise = p.ise > 1e-4 ? p.is * p.ise : p.ise;
  const isc = p.isc > 1e-4 ? p.is * p.isc : p.isc;
  const beLeak = (area * ise * Math.exp(factlog / p.ne)) / bfactor;
  const bcLeak = ((isc * Math.exp(factlog / p.nc)) / bfactor) * area;
  const subSat = p.iss !== 0 ? ((p.iss * Math.exp(factlog / p.ns)) / bfactor) * area : 0;
  const rb = p.rb / area;
  const rbm = (p.rbm ?? p.rb) / area;
  return {
    type: p.type,
    vt,
    satCur,
    bcSatCur: satCur * area,
    betaF: p.bf * bfactor,
    betaR: p.br * bfactor,
    beLeak,
    bcLeak,
    nf: p.nf,
    nr: p.nr,
    ne: p.ne,
    nc: p.nc,
    invVaf: p.vaf !== 0 ? 1 / p.vaf : 0,
    invVar: p.var !== 0 ? 1 / p.var : 0,
    invIkf: p.ikf !== 0 ? 1 / p.ikf / area : 0,
    invIkr: p.ikr !== 0 ? 1 / p.ikr / area : 0,
    nkf: p.nkf,
    rb,
    rbm,
    irb: p.irb * area,
    gc: p.rc !== 0 ? area / p.rc : 0,
    ge: p.re !== 0 ? area / p.re : 0,
    vcrit: vt * Math.log(vt / (Math.SQRT2 * satCur)),
    subSat,
    ns: p.ns,
    subVcrit: subSat !== 0 ? vt * Math.log(vt / (Math.SQRT2 * subSat)) : 50,
    subs: p.subs,
    m,
    hasCharges: p.tf !== 0 || p.tr !== 0 || p.cje !== 0 || p.cjc !== 0 || p.cjs !== 0,
    charges: bjtChargesAt(p, area, tnom, T),
  };
}

/** The intrinsic transistor at one point (normalized; see bjtPoint). Conductances in S, currents in A, per unit M. */
export interface BjtPoint {
  /** Collector current into c' and base current into b' (A). */
  cc: number;
  cb: number;
  /** dcb/dvbe (gpi), dcb/dvbc (gmu); dcc/dvbe = gm + go, dcc/dvbc = -(go + gmu). */
  gpi: number;
  gmu: number;
  gm: number;
  go: number;
  /** The transport current's junction terms cbe, cbc (A) and their derivatives gbe, gbc (S), before qb. */
  cbe: number;
  gbe: number;
  cbc: number;
  gbc: number;
  /** Normalized base charge and its derivatives. */
  qb: number;
  dqbdve: number;
  dqbdvc: number;
  /** Conductance of the base resistance 1/rbb (S; 0 without RB) and its derivatives d/dvbe, d/dvbc (S/V). */
  gx: number;
  dgxdve: number;
  dgxdvc: number;
}

export function newBjtPoint(): BjtPoint {
  return { cc: 0, cb: 0, gpi: 0, gmu: 0, gm: 0, go: 0, cbe: 0, gbe: 0, cbc: 0, gbc: 0, qb: 1, dqbdve: 0, dqbdvc: 0, gx: 0, dgxdve: 0, dgxdvc: 0 };
}

/**
 * One junction of bjtload.c: above -3 n vt, I (e^(v/(n vt)) - 1); below it
 * ngspice's cubic continuation -I (1 + (3 n vt / (v e))^3). Current into
 * `out.i`, its derivative into `out.g`.
 */
function junction(isat: number, nvt: number, v: number, out: { i: number; g: number }): void {
  if (v >= -3 * nvt) {
    const ev = Math.exp(v / nvt);
    out.i = isat * (ev - 1);
    out.g = (isat * ev) / nvt;
  } else {
    let arg = (3 * nvt) / (v * CONSTe);
    arg = arg * arg * arg;
    out.i = -isat * (1 + arg);
    out.g = (isat * 3 * arg) / v;
  }
}

const jn = { i: 0, g: 0 };

/**
 * The Gummel-Poon DC law of bjtload.c at normalized (vbe, vbc), GMIN on
 * both junctions:
 *   cbe = IS (e^(vbe/(NF vt)) - 1),  cbc = IS_bc (e^(vbc/(NR vt)) - 1)   (IS_bc: see bcSatCur)
 *   cben = ISE (e^(vbe/(NE vt)) - 1) + GMIN vbe,  cbcn = ISC (e^(vbc/(NC vt)) - 1) + GMIN vbc
 *   q1 = 1 / (1 - vbc/VAF - vbe/VAR),  q2 = cbe/IKF + cbc/IKR
 *   qb = q1 (1 + (max(0, 1 + 4 q2))^NKF) / 2     (qb = q1 without IKF, IKR)
 *   cc = (cbe - cbc)/qb - cbc/BR - cbcn,  cb = cbe/BF + cben + cbc/BR + cbcn
 * with gpi = dcb/dvbe, gmu = dcb/dvbc, go = -dcc/dvbc - gmu, gm = dcc/dvbe - go.
 * The base resistance (RB > 0): rbb = RBM + (RB - RBM)/qb, or with IRB
 *   x = max(cb/IRB, 1e-9),  z = (sqrt(1 + 14.59025 x) - 1) / (2.4317 sqrt x)
 *   rbb = RBM + 3 (RB - RBM) (tan z - z) / (z tan^2 z),
 * gx = 1/rbb with its derivatives through qb or cb (ngspice stamps gx as a
 * constant, which is not the derivative; the solution is the same).
 * Everything per unit M.
 */
export function bjtPoint(p: BjtInstance, vbe: number, vbc: number, gmin: number, out: BjtPoint): void {
  const vt = p.vt;
  junction(p.satCur, vt * p.nf, vbe, jn);
  const cbe = jn.i;
  const gbe = jn.g;
  let cben = 0;
  let gben = 0;
  if (p.beLeak !== 0) {
    junction(p.beLeak, vt * p.ne, vbe, jn);
    cben = jn.i;
    gben = jn.g;
  }
  gben += gmin;
  cben += gmin * vbe;
  junction(p.bcSatCur, vt * p.nr, vbc, jn);
  const cbc = jn.i;
  const gbc = jn.g;
  let cbcn = 0;
  let gbcn = 0;
  if (p.bcLeak !== 0) {
    junction(p.bcLeak, vt * p.nc, vbc, jn);
    cbcn = jn.i;
    gbcn = jn.g;
  }
  gbcn += gmin;
  cbcn += gmin * vbc;
  const q1 = 1 / (1 - p.invVaf * vbc - p.invVar * vbe);
  let qb: number;
  let dqbdve: number;
  let dqbdvc: number;
  if (p.invIkf === 0 && p.invIkr === 0) {
    qb = q1;
    dqbdve = q1 * qb * p.invVar;
    dqbdvc = q1 * qb * p.invVaf;
  } else {
    const q2 = p.invIkf * cbe + p.invIkr * cbc;
    const arg = Math.max(0, 1 + 4 * q2);
    const sqarg = Math.pow(arg, p.nkf);
    qb = (q1 * (1 + sqarg)) / 2;
    if (arg > 0) {
      const drolloff = (2 * p.nkf * sqarg) / arg;
      dqbdve = q1 * (qb * p.invVar + p.invIkf * gbe * drolloff);
      dqbdvc = q1 * (qb * p.invVaf + p.invIkr * gbc * drolloff);
    } else {
      dqbdve = q1 * qb * p.invVar;
      dqbdvc = q1 * qb * p.invVaf;
    }
  }
  const cc = (cbe - cbc) / qb - cbc / p.betaR - cbcn;
  const cb = cbe / p.betaF + cben + cbc / p.betaR + cbcn;
  const gpi = gbe / p.betaF + gben;
  const gmu = gbc / p.betaR + gbcn;
  const go = (gbc + ((cbe - cbc) * dqbdvc) / qb) / qb;
  const gm = (gbe - ((cbe - cbc) * dqbdve) / qb) / qb - go;
  out.cc = cc;
  out.cb = cb;
  out.gpi = gpi;
  out.gmu = gmu;
  out.gm = gm;
  out.go = go;
  out.cbe = cbe;
  out.gbe = gbe;
  out.cbc = cbc;
  out.gbc = gbc;
  out.qb = qb;
  out.dqbdve = dqbdve;
  out.dqbdvc = dqbdvc;
  // base resistance
  out.gx = 0;
  out.dgxdve = 0;
  out.dgxdvc = 0;
  if (p.rb === 0) return;
  const rbpi = p.rb - p.rbm;
  let rbb: number;
  let drbbdve: number;
  let drbbdvc: number;
  if (p.irb !== 0) {
    const x0 = cb / p.irb;
    const clamped = !(x0 > 1e-9);
    const x = clamped ? 1e-9 : x0;
    const s = Math.sqrt(1 + 14.59025 * x);
    const r = Math.sqrt(x);
    const z = (-1 + s) / 2.4317 / r;
    const t = Math.tan(z);
    rbb = p.rbm + (3 * rbpi * (t - z)) / z / t / t;
    if (clamped) {
      drbbdve = drbbdvc = 0;
    } else {
      // dz/dx from z = (s - 1) / (2.4317 r); d/dz of f = (tan z - z) / (z tan^2 z)
      const dzdx = ((14.59025 / (2 * s)) * r - (s - 1) / (2 * r)) / (2.4317 * x);
      const N = t - z;
      const D = z * t * t;
      const dN = t * t; // d(tan z)/dz - 1
      const dD = t * t + 2 * z * t * (1 + t * t);
      const dfdz = (dN * D - N * dD) / (D * D);
      const drbbdcb = (3 * rbpi * dfdz * dzdx) / p.irb;
      drbbdve = drbbdcb * gpi;
      drbbdvc = drbbdcb * gmu;
    }
  } else {
    rbb = p.rbm + rbpi / qb;
    const k = -rbpi / (qb * qb);
    drbbdve = k * dqbdve;
    drbbdvc = k * dqbdvc;
  }
  if (rbb === 0) return;
  const gx = 1 / rbb;
  out.gx = gx;
  out.dgxdve = -gx * gx * drbbdve;
  out.dgxdvc = -gx * gx * drbbdvc;
}

/**
 * The substrate junction between the substrate node and c' (vertical) or
 * b' (lateral), normalized vsub = type SUBS (V(s) - V(c' or b')): with ISS,
 * ISS (e^(vsub/(NS vt)) - 1) + GMIN vsub (cubic continuation below -3 NS vt,
 * exponent capped at 709); without ISS, GMIN vsub alone (bjtload.c).
 */
export function bjtSubstrate(p: BjtInstance, vsub: number, gmin: number, out: { i: number; g: number }): void {
  if (p.subSat === 0) {
    out.g = gmin;
    out.i = gmin * vsub;
    return;
  }
  const vts = p.vt * p.ns;
  if (vsub <= -3 * vts) {
    let arg = (3 * vts) / (vsub * CONSTe);
    arg = arg * arg * arg;
    out.g = (p.subSat * 3 * arg) / vsub + gmin;
    out.i = -p.subSat * (1 + arg) + gmin * vsub;
  } else {
    const ev = Math.exp(Math.min(MAX_EXP_ARG, vsub / vts));
    out.g = (p.subSat * ev) / vts + gmin;
    out.i = p.subSat * (ev - 1) + gmin * vsub;
  }
}

const ptScratch = newBjtPoint();
const subScratch = { i: 0, g: 0 };

/**
 * Physical terminal currents (A), each LEAVING its node into the device,
 * M included, at node voltages vc, vb, ve, vs (external collector, base,
 * emitter, substrate) and vci, vbi, vei (the internal c', b', e'; equal to
 * the external ones without RC, RB, RE): out = [c, b, e, s, c', b', e'].
 * When an internal node is the external one, add the two entries.
 */
export function bjtTerminalCurrents(p: BjtInstance, gmin: number, v: { c: number; b: number; e: number; s: number; ci: number; bi: number; ei: number }, out: Float64Array | number[]): void {
  const t = p.type;
  const m = p.m;
  const vbe = t * (v.bi - v.ei);
  const vbc = t * (v.bi - v.ci);
  const pt = ptScratch;
  bjtPoint(p, vbe, vbc, gmin, pt);
  for (let k = 0; k < 7; k++) out[k] = 0;
  out[4] += m * t * pt.cc;
  out[5] += m * t * pt.cb;
  out[6] -= m * t * (pt.cc + pt.cb);
  const irb = p.rb !== 0 ? m * pt.gx * (v.b - v.bi) : 0;
  out[1] += irb;
  out[5] -= irb;
  const irc = m * p.gc * (v.c - v.ci);
  out[0] += irc;
  out[4] -= irc;
  const ire = m * p.ge * (v.e - v.ei);
  out[2] += ire;
  out[6] -= ire;
  const ts = t * p.subs;
  const vsc = p.subs === 1 ? v.ci : v.bi;
  bjtSubstrate(p, ts * (v.s - vsc), gmin, subScratch);
  out[3] += m * ts * subScratch.i;
  if (p.subs === 1) out[4] -= m * ts * subScratch.i;
  else out[5] -= m * ts * subScratch.i;
}

/**
 * Weil's excess phase of bjtload.c (transient only, td = PTF TF != 0): the
 * transport current's forward part cbe/qb becomes the output of a
 * second-order delay integrated by backward Euler over the step delta,
 * with the accepted history cex1 = cexbc(t_n), cex2 = cexbc(t_{n-1}) and
 * r = delta / (last accepted step):
 *   a = delta/td,  arg2 = 3a,  arg1 = 3a^2,  denom = 1 + arg1 + arg2,  arg3 = arg1/denom
 *   cch = (cex1 (1 + r + arg2) - cex2 r) / denom
 *   cexbc = cch + arg3 cbe/qb          (replaces cbe/qb in the collector current)
 * Returns cch and arg3 in out; the caller replaces cbe by cex = arg3 cbe in
 * cc, gm, go (see applyExcessPhase).
 */
export function excessPhase(td: number, delta: number, r: number, cex1: number, cex2: number, out: { cch: number; arg3: number }): void {
  const a = delta / td;
  const arg2 = 3 * a;
  const arg1 = arg2 * a;
  const denom = 1 + arg1 + arg2;
  out.arg3 = arg1 / denom;
  out.cch = (cex1 * (1 + r + arg2) - cex2 * r) / denom;
}

/**
 * The DC point pt with the excess phase applied (bjtload.c): with cex =
 * arg3 cbe, gex = arg3 gbe,
 *   cc += cch + (cex - cbe)/qb,  go = (gbc + (cex - cbc) dqb/dvbc / qb) / qb,
 *   gm = (gex - (cex - cbc) dqb/dvbe / qb) / qb - go;
 * cb, gpi, gmu and the raw junction terms are unchanged. Returns the
 * collector current's change cch + (cex - cbe)/qb (A, per unit M).
 */
export function applyExcessPhase(pt: BjtPoint, cch: number, arg3: number): number {
  const cex = arg3 * pt.cbe;
  const gex = arg3 * pt.gbe;
  const qb = pt.qb;
  const dcc = cch + (cex - pt.cbe) / qb;
  pt.cc += dcc;
  pt.go = (pt.gbc + ((cex - pt.cbc) * pt.dqbdvc) / qb) / qb;
  pt.gm = (gex - ((cex - pt.cbc) * pt.dqbdve) / qb) / qb - pt.go;
  return dcc;
}

/** The charges at one point (normalized, per unit M): charges in C, capacitances in F. */
export interface BjtChargePoint {
  /** B-E charge (b' -> e'): depletion + TF diffusion; dqbe/dvbe, dqbe/dvbc (the diffusion charge's dependence on vbc through VTF and qb). */
  qbe: number;
  cbe: number;
  cbeBc: number;
  /** B-C charge on the internal base (b' -> c'): depletion XCJC CJC + TR diffusion; dqbc/dvbc. */
  qbc: number;
  cbc: number;
  /** B-C depletion charge on the external base (b -> c'), (1 - XCJC) CJC; dqbx/dvbx. */
  qbx: number;
  cbx: number;
  /** Substrate charge (s -> c' or b'); dqsub/dvsub. */
  qsub: number;
  csub: number;
}

export function newBjtChargePoint(): BjtChargePoint {
  return { qbe: 0, cbe: 0, cbeBc: 0, qbc: 0, cbc: 0, qbx: 0, cbx: 0, qsub: 0, csub: 0 };
}

/**
 * Depletion charge of a junction at v (bjtload.c): below fcpb
 *   q = pb cz (1 - (1 - v/pb)^(1 - m)) / (1 - m),  C = cz (1 - v/pb)^-m,
 * above it the linear continuation of C:
 *   q = cz f1 + (cz/f2) (f3 (v - fcpb) + m/(2 pb) (v^2 - fcpb^2)),  C = (cz/f2) (f3 + m v/pb).
 * Adds to out.q, out.c.
 */
function depletion(j: BjtJunctionCap, v: number, out: { q: number; c: number }): void {
  if (j.cz === 0) return;
  if (v < j.fcpb) {
    const arg = 1 - v / j.pb;
    const sarg = Math.exp(-j.m * Math.log(arg));
    out.q += (j.pb * j.cz * (1 - arg * sarg)) / (1 - j.m);
    out.c += j.cz * sarg;
  } else {
    const czf2 = j.cz / j.f2;
    out.q += j.cz * j.f1 + czf2 * (j.f3 * (v - j.fcpb) + (j.m / (j.pb + j.pb)) * (v * v - j.fcpb * j.fcpb));
    out.c += czf2 * (j.f3 + (j.m * v) / j.pb);
  }
}

const dq = { q: 0, c: 0 };

/**
 * The charges of bjtload.c at normalized (vbe, vbc, vbx, vsub), vbx =
 * type (V(b) - V(c')) across the external part of the B-C capacitance, with
 * pt the DC point at (vbe, vbc) (its cbe, gbe, cbc, gbc, qb and derivatives):
 *  - B-E: TF times the forward transport current modified by XTF, VTF, ITF
 *    (for vbe > 0; at vbe <= 0, TF cbe):
 *      argtf = XTF e^(vbc ovtf) (cbe / (cbe + ITF))^2,  cbeq = cbe (1 + argtf) / qb,
 *      qbe = TF cbeq + depletion(CJE),
 *    dqbe/dvbe = TF (gbe (1 + argtf (3 - 2 cbe/(cbe + ITF))) - cbeq dqb/dvbe) / qb + C_dep,
 *    dqbe/dvbc = TF (cbe argtf ovtf - cbeq dqb/dvbc) / qb  (ngspice's geqcb / ag0);
 *  - B-C internal: qbc = TR cbc + depletion(XCJC CJC), C = TR gbc + C_dep;
 *  - B-C external: qbx = depletion((1 - XCJC) CJC) at vbx;
 *  - substrate: vsub < 0: ps czsub (1 - (1 - vsub/ps)^(1 - ms)) / (1 - ms);
 *    vsub >= 0: vsub czsub (1 + ms vsub / (2 ps)), C = czsub (1 + ms vsub/ps).
 */
export function bjtCharges(c: BjtCharges, pt: BjtPoint, vbe: number, vbc: number, vbx: number, vsub: number, out: BjtChargePoint): void {
  const tf = c.tf;
  let cbeq = pt.cbe;
  let gbeq = pt.gbe;
  let dvc = 0;
  if (tf !== 0 && vbe > 0) {
    let argtf = 0;
    let arg2 = 0;
    let arg3 = 0;
    if (c.xtf !== 0) {
      argtf = c.xtf;
      if (c.ovtf !== 0) argtf *= Math.exp(vbc * c.ovtf);
      arg2 = argtf;
      if (c.itf !== 0) {
        const temp = pt.cbe / (pt.cbe + c.itf);
        argtf *= temp * temp;
        arg2 = argtf * (3 - temp - temp);
      }
      arg3 = pt.cbe * argtf * c.ovtf;
    }
    cbeq = (pt.cbe * (1 + argtf)) / pt.qb;
    gbeq = (pt.gbe * (1 + arg2) - cbeq * pt.dqbdve) / pt.qb;
    dvc = (tf * (arg3 - cbeq * pt.dqbdvc)) / pt.qb;
  }
  dq.q = tf * cbeq;
  dq.c = tf * gbeq;
  depletion(c.be, vbe, dq);
  out.qbe = dq.q;
  out.cbe = dq.c;
  out.cbeBc = dvc;
  dq.q = c.tr * pt.cbc;
  dq.c = c.tr * pt.gbc;
  depletion(c.bc, vbc, dq);
  out.qbc = dq.q;
  out.cbc = dq.c;
  dq.q = 0;
  dq.c = 0;
  depletion(c.bx, vbx, dq);
  out.qbx = dq.q;
  out.cbx = dq.c;
  if (c.czsub === 0) {
    out.qsub = 0;
    out.csub = 0;
  } else if (vsub < 0) {
    const arg = 1 - vsub / c.ps;
    const sarg = Math.exp(-c.ms * Math.log(arg));
    out.qsub = (c.ps * c.czsub * (1 - arg * sarg)) / (1 - c.ms);
    out.csub = c.czsub * sarg;
  } else {
    out.qsub = vsub * c.czsub * (1 + (c.ms * vsub) / (2 * c.ps));
    out.csub = c.czsub * (1 + (c.ms * vsub) / c.ps);
  }
}
