/**
 * The VBIC bipolar transistor (ngspice 39's `vbic`, BJT LEVEL=4 / 9), the
 * DC device of vbicload.c: terminals collector c, base b, emitter e,
 * substrate s and the thermal node t (the 5th node; ground when not
 * given), with the internal nodes cx (behind RCX), bx (RBX), ei (RE), si
 * (RS), each only when its resistance is nonzero, and ci, bi, bp always
 * (vbicsetup.c).
 *
 * The currents and their derivatives are vbicload.c's own generated code
 * (vbicEval, vbic-eval.ts: Ibe, Ibex, Itzf, Itzr, Ibc, Ibep, Ircx, Irci,
 * Irbx, Irbi, Ire, Irbp, Ibcp, Iccp, Irs, Irth, Ith), evaluated at the
 * limited branch voltages, with GMIN added as vbicload.c adds it (across
 * Ibe, Ibex, Ibc, Ibep, Ibcp and three times to Irci), and stamped by
 * vbicload.c's own load (vbicStamp, vbic-stamp.ts), in its branch form:
 * each element adds type (I - sum g v) with the limited v, so the
 * linearization is that of ngspice whatever the limiting did.
 *
 * Limiting as vbicload.c: DEVpnjlim on Vbei, Vbex, Vbci, Vbcx, Vbep and
 * Vbcp around the last iterate's values (vt of the device temperature,
 * VBICtVcrit), DEVlimitlog (100 K) on the temperature rise. The first
 * iteration of a cold solve (MODEINITJCT) starts at Vbe = Vbei = Vbex =
 * type vcrit (ngspice's own, the type factor included), the rest 0 and
 * Vbcp = -Vbe; OFF holds every branch at 0.
 *
 * Self-heating (RTH > 0): the thermal node's voltage is the temperature
 * rise (K) of vbic_4T_et_cf_fj; its row carries Irth = Vrth / RTH and the
 * dissipated power Ith = -P as vbicload.c stamps them (that stamp's matrix
 * has the opposite sign of dIth/dV, ngspice's, copied: the Newton path is
 * ngspice's; the solution, where the row's current vanishes, is the same).
 *
 * Not here: the charges (transient) and the small-signal load (AC); both
 * are refused (transientRefusal; no acLoad).
 */
import { pnjlim } from "../diode/diode.js";
import type { Device, LoadContext, SetupContext } from "../types.js";
import { newVbicOut, vbicEval, type VbicOut, type VbicVolts } from "./vbic-eval.js";
import type { VbicInstance } from "./vbic-model.js";
import { B, BI, BP, BX, C, CI, CX, E, EI, S, SI, T, VBIC_SLOTS, vbicStamp } from "./vbic-stamp.js";

/** The limited junction voltages an iterate remembers (ngspice's state0), and the currents of its convergence test. */
interface VbicState {
  Vbei: number;
  Vbex: number;
  Vbci: number;
  Vbcx: number;
  Vbep: number;
  Vrci: number;
  Vrbi: number;
  Vrbp: number;
  Vbcp: number;
  Vrth: number;
}

function zeroVolts(): VbicVolts {
  return { Vrth: 0, Vbei: 0, Vbex: 0, Vbci: 0, Vbep: 0, Vbcp: 0, Vrcx: 0, Vbcx: 0, Vrci: 0, Vrbx: 0, Vrbi: 0, Vre: 0, Vrbp: 0, Vrs: 0, Vbe: 0, Vbc: 0, Vcei: 0, Vcep: 0 };
}

export class Vbic implements Device {
  readonly linear = false;
  readonly symmetric = false;
  readonly power = "dissipates";
  readonly nodes: readonly number[];
  /** Global node of each stamp slot (C, B, E, S, T, CX, CI, BX, BI, BP, EI, SI). */
  private readonly slot: Int32Array;
  /** Distinct global nodes of the slots, and each slot's index among them. */
  private readonly uniq: readonly number[];
  private readonly li: Int32Array;
  private readonly n: number;
  private rows!: Int32Array;
  private h!: Int32Array;
  /** Dense local matrix (n x n) and slot right-hand side of the last stamp. */
  private readonly J: Float64Array;
  private readonly R = new Float64Array(VBIC_SLOTS);
  private readonly Rl: Float64Array;
  gmin = 1e-12;
  off = false;
  holdOff = false;
  private readonly st: VbicState = { Vbei: 0, Vbex: 0, Vbci: 0, Vbcx: 0, Vbep: 0, Vrci: 0, Vrbi: 0, Vrbp: 0, Vbcp: 0, Vrth: 0 };
  private readonly v: VbicVolts = zeroVolts();
  private readonly o: VbicOut = newVbicOut();
  private readonly Madd = (r: number, c: number, g: number): void => {
    this.J[this.li[r] * this.n + this.li[c]] += g;
  };

  /**
   * @param term [c, b, e, s, t] (t = s = ground when not given: 0)
   * @param internal [cx, ci, bx, bi, bp, ei, si] (cx === c without RCX, ...)
   */
  constructor(
    readonly name: string,
    term: readonly [number, number, number, number, number],
    internal: readonly [number, number, number, number, number, number, number],
    readonly p: VbicInstance,
  ) {
    const slot = new Int32Array(VBIC_SLOTS);
    [slot[C], slot[B], slot[E], slot[S], slot[T]] = term;
    [slot[CX], slot[CI], slot[BX], slot[BI], slot[BP], slot[EI], slot[SI]] = internal;
    this.slot = slot;
    const uniq: number[] = [];
    this.li = new Int32Array(VBIC_SLOTS);
    for (let k = 0; k < VBIC_SLOTS; k++) {
      let i = uniq.indexOf(slot[k]);
      if (i < 0) i = uniq.push(slot[k]) - 1;
      this.li[k] = i;
    }
    this.uniq = uniq;
    this.n = uniq.length;
    this.J = new Float64Array(this.n * this.n);
    this.Rl = new Float64Array(this.n);
    const nodes = [...term.slice(0, 4)];
    if (term[4] !== 0 || p.selfheat) nodes.push(term[4]);
    for (const x of internal) if (!nodes.includes(x)) nodes.push(x);
    this.nodes = nodes;
  }

  /** Every node is joined at DC (the resistances, GMIN across the junctions, RTH or nothing on the thermal node). */
  dcGroups(): ReadonlyArray<readonly number[]> {
    return [this.uniq.filter((x) => x !== this.slot[T] || this.p.selfheat)];
  }

  setup(ctx: SetupContext): void {
    const n = this.n;
    this.rows = new Int32Array(n);
    this.h = new Int32Array(n * n);
    for (let r = 0; r < n; r++) this.rows[r] = ctx.row(this.uniq[r]);
    for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) this.h[r * n + c] = ctx.entry(this.rows[r], ctx.row(this.uniq[c]));
  }

  reset(): void {
    const s = this.st;
    s.Vbei = s.Vbex = s.Vbci = s.Vbcx = s.Vbep = s.Vrci = s.Vrbi = s.Vrbp = s.Vbcp = s.Vrth = 0;
  }

  transientRefusal(): string | null {
    return `${this.name}: the VBIC model (BJT level 4/9) has no charges in eqspice (DC operating point and .dc only): transient analysis is not supported`;
  }

  /** The unlimited branch voltages of vbicload.c at node voltages V. */
  private branches(V: Float64Array, v: VbicVolts): void {
    const t = this.p.type;
    const s = this.slot;
    const d = (a: number, b: number): number => t * (V[s[a]] - V[s[b]]);
    v.Vbei = d(BI, EI);
    v.Vbex = d(BX, EI);
    v.Vbci = d(BI, CI);
    v.Vbcx = d(BI, CX);
    v.Vbep = d(BX, BP);
    v.Vrci = d(CX, CI);
    v.Vrbi = d(BX, BI);
    v.Vrbp = d(BP, CX);
    v.Vbcp = d(SI, BP);
    v.Vbe = d(B, E);
    v.Vbc = d(B, C);
    v.Vrcx = d(C, CX);
    v.Vrbx = d(B, BX);
    v.Vre = d(E, EI);
    v.Vrs = d(S, SI);
    v.Vrth = this.p.selfheat ? V[s[T]] : 0;
  }

  /** vbic_4T_et_cf_fj at v (Vcei, Vcep from it), GMIN added as vbicload.c, then its stamp into J and R. */
  private evaluate(v: VbicVolts, gmin: number): void {
    const p = this.p;
    v.Vcei = v.Vbei - v.Vbci;
    v.Vcep = v.Vbep - v.Vbcp;
    const o = this.o;
    vbicEval(p.p, v, p.scale, o);
    o.Ibe += gmin * v.Vbei;
    o.Ibe_Vbei += gmin;
    o.Ibex += gmin * v.Vbex;
    o.Ibex_Vbex += gmin;
    o.Ibc += gmin * v.Vbci;
    o.Ibc_Vbci += gmin;
    o.Ibep += gmin * v.Vbep;
    o.Ibep_Vbep += gmin;
    o.Irci += gmin * v.Vrci;
    o.Irci_Vrci += gmin;
    o.Irci += gmin * v.Vbci;
    o.Irci_Vbci += gmin;
    o.Irci += gmin * v.Vbcx;
    o.Irci_Vbcx += gmin;
    o.Ibcp += gmin * v.Vbcp;
    o.Ibcp_Vbcp += gmin;
    this.J.fill(0);
    this.R.fill(0);
    vbicStamp(o, v, p.type, p.selfheat, 0, 0, 0, 0, 0, 0, 0, 0, this.Madd, this.R);
    const Rl = this.Rl;
    Rl.fill(0);
    for (let k = 0; k < VBIC_SLOTS; k++) Rl[this.li[k]] += this.R[k];
  }

  load(ctx: LoadContext): void {
    const p = this.p;
    const v = this.v;
    const st = this.st;
    const t = p.type;
    if (this.holdOff) {
      Object.assign(v, zeroVolts());
    } else if (ctx.initJunctions) {
      Object.assign(v, zeroVolts());
      if (!this.off) {
        v.Vbe = v.Vbei = v.Vbex = t * p.vcrit;
        v.Vbcp = v.Vbc - v.Vbe;
      }
      ctx.noncon = true;
    } else {
      this.branches(ctx.V, v);
      let lim = false;
      const j = (x: number, old: number): number => {
        const y = pnjlim(x, old, p.vt, p.vcrit);
        if (y !== x) lim = true;
        return y;
      };
      v.Vbei = j(v.Vbei, st.Vbei);
      v.Vbex = j(v.Vbex, st.Vbex);
      v.Vbci = j(v.Vbci, st.Vbci);
      v.Vbcx = j(v.Vbcx, st.Vbcx);
      v.Vbep = j(v.Vbep, st.Vbep);
      v.Vbcp = j(v.Vbcp, st.Vbcp);
      if (p.selfheat) {
        const old = st.Vrth;
        if (v.Vrth > old + 100) {
          v.Vrth = old + 100 + Math.log10((v.Vrth - old) / 100);
          lim = true;
        } else if (v.Vrth < old - 100) {
          v.Vrth = old - 100 - Math.log10((old - v.Vrth) / 100);
          lim = true;
        }
      }
      if (lim) ctx.noncon = true;
    }
    this.evaluate(v, ctx.gmin);
    st.Vbei = v.Vbei;
    st.Vbex = v.Vbex;
    st.Vbci = v.Vbci;
    st.Vbcx = v.Vbcx;
    st.Vbep = v.Vbep;
    st.Vrci = v.Vrci;
    st.Vrbi = v.Vrbi;
    st.Vrbp = v.Vrbp;
    st.Vbcp = v.Vbcp;
    st.Vrth = v.Vrth;
    const { A, b, Vk } = ctx;
    const n = this.n;
    const J = this.J;
    for (let r = 0; r < n; r++) {
      let rhs = this.Rl[r];
      for (let c = 0; c < n; c++) {
        const g = J[r * n + c];
        if (g === 0) continue;
        A[this.h[r * n + c]] += g;
        rhs -= g * Vk[this.uniq[c]];
      }
      b[this.rows[r]] += rhs;
    }
  }

  // No convTest: ngspice's VBICconvTest (vbicconv.c) reads CKTrhsOld, the
  // iterate this load was evaluated at, not the step's result; its branch
  // voltages then differ from state0's only where pnjlim / limitlog acted,
  // and then the load has already counted a nonconvergence. So it always
  // passes, like the BJT's and the diode's; testing the step's result here
  // instead stopped one iteration later than ngspice (vbic_out.sp: 3.4e-6 V).

  private readonly cv: VbicVolts = zeroVolts();

  /**
   * The currents (A) leaving each node at V, unlimited, GMIN included: the
   * stamp's J V - R (exact at its own point), except the thermal row, which
   * is Irth + Ith itself (its stamp's matrix is ngspice's, see above).
   */
  addCurrents(V: Float64Array, _x: Float64Array, _time: number, out: Float64Array): void {
    const v = this.cv;
    this.branches(V, v);
    this.evaluate(v, this.gmin);
    const n = this.n;
    const J = this.J;
    const tl = this.li[T];
    for (let r = 0; r < n; r++) {
      if (this.p.selfheat && r === tl) continue;
      let i = -this.Rl[r];
      for (let c = 0; c < n; c++) i += J[r * n + c] * V[this.uniq[c]];
      out[this.uniq[r]] += i;
    }
    if (this.p.selfheat) out[this.slot[T]] += this.o.Irth + this.o.Ith;
  }
}
