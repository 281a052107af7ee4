/**
 * The Z element (ngspice 39's GaAs MESFET and HFET devices: MES, MESA,
 * HFETA), one device class for all of them: eight local terminals
 *   0 d, 1 g, 2 s (the element's nodes),
 *   3 d', 4 g', 5 s' (behind RD, RG, RS),
 *   6 d'', 7 s'' (behind RF, RI: MESA's and HFETA's gate-drain and
 *     gate-source charge branches),
 * where an absent resistance makes the inner terminal the outer node (the
 * same global node twice: their stamps add). A model's core (ZCore:
 * mes-model.ts, hfeta-model.ts, mesa-model.ts) writes the 8 x 8 local
 * Jacobian J and the right-hand side terms rhs exactly as the device's
 * ngspice load routine stamps them (its ceqgs, ceqgd, cdreq at the limited
 * branch voltages); this class puts them in the system, the columns of
 * fixed nodes moved to the right-hand side. The terminal currents (the
 * KCL residual) are then I = J v - rhs at unlimited voltages v (every
 * ngspice companion is i(v0) + J (v - v0) written as J v - rhs).
 *
 * DC only: the gate charges are not integrated (transientRefusal) and the
 * small-signal capacitances not stamped (acRefusal): both refused.
 */
import { reserveLocalJacobian } from "../stamp.js";
import type { Device, LoadContext, SetupContext } from "../types.js";

/** Local terminal indices. */
export const ZD = 0;
export const ZG = 1;
export const ZS = 2;
export const ZDP = 3;
export const ZGP = 4;
export const ZSP = 5;
export const ZDPP = 6;
export const ZSPP = 7;
export const ZN = 8;

/** How a load starts (ngspice's MODEINITJCT: junctions at their start guess; OFF: held at 0). */
export type ZInit = "jct" | "off" | null;

/** A model's DC law in ngspice's stamp form. */
export interface ZCore {
  /** What the model is, for messages ("MES (level 1)"). */
  readonly what: string;
  /**
   * ngspice's load at local voltages v (ZN): the branch voltages from v
   * (or the start guess of `init`), limited against the last load's, then
   * J (ZN x ZN, row-major) and rhs (ZN) as the load routine adds them;
   * true when limiting changed a voltage. The core keeps the limited
   * voltages for the next load.
   */
  load(v: Float64Array, init: ZInit, gmin: number, J: Float64Array, rhs: Float64Array): boolean;
  /** The same law at v without limiting and without touching the state (currents, AC, tests). */
  evalAt(v: Float64Array, gmin: number, J: Float64Array, rhs: Float64Array): void;
  /** Forget the limiter's memory. */
  reset(): void;
  /**
   * MESA, HFETA: ngspice's `inverse` flag, a local of the load routine set
   * by the first instance with vds < 0 and left set for every instance
   * loaded after it in the same pass (ZGroup): the flag coming in, and
   * whether this instance's own vds was negative in its last evaluation.
   */
  stickyIn?: boolean;
  lastNeg?: boolean;
}

let created = 0;

/**
 * The MESA or HFETA instances of one circuit in ngspice's load order
 * (models in the reverse order of their first use, each model's instances
 * in the reverse order of their lines: CKTmodCrt and CKTcrtElt prepend),
 * for ngspice's `inverse` flag that carries from one instance to the
 * next within one load pass. A pass is evaluated for all members at the
 * first member's load; each member then stamps its own result once.
 */
export class ZGroup {
  private readonly members: ZFet[] = [];
  private sorted = false;
  add(z: ZFet): void {
    this.members.push(z);
    this.sorted = false;
  }
  private order(): ZFet[] {
    if (!this.sorted) {
      const first = new Map<string, number>();
      for (const z of this.members) first.set(z.modelKey, Math.min(first.get(z.modelKey) ?? Infinity, z.created));
      this.members.sort((a, b) => first.get(b.modelKey)! - first.get(a.modelKey)! || b.created - a.created);
      this.sorted = true;
    }
    return this.members;
  }
  /** Evaluate a load pass of every member at ctx (each one's limited stamp into its pending buffers). */
  pass(ctx: LoadContext): void {
    let sticky = false;
    for (const z of this.order()) {
      z.core.stickyIn = sticky;
      z.evaluateLoad(ctx);
      if (z.core.lastNeg) sticky = true;
    }
  }
  /** The flag coming into `me` at unlimited node voltages V (currents, residuals). */
  stickyAt(me: ZFet, V: Float64Array): boolean {
    for (const z of this.order()) {
      if (z === me) return false;
      if (z.negAt(V)) return true;
    }
    return false;
  }
}

const GROUPS = new WeakMap<object, Map<string, ZGroup>>();

export class ZFet implements Device {
  readonly linear = false;
  readonly symmetric = false;
  readonly power = "dissipates";
  readonly nodes: readonly number[];
  private rows = new Int32Array(ZN);
  private h = new Int32Array(ZN * ZN);
  private readonly J = new Float64Array(ZN * ZN);
  private readonly rhs = new Float64Array(ZN);
  private readonly v = new Float64Array(ZN);
  /** addCurrents' own buffers (a pending pass result stays in J, rhs). */
  private readonly Jc = new Float64Array(ZN * ZN);
  private readonly rhsc = new Float64Array(ZN);
  gmin = 1e-12;
  /** Creation order and model (ZGroup's ngspice load order); group kind ("hfeta", "mesa") or null (MES: no carried flag). */
  readonly created = created++;
  modelKey = "";
  groupKind: string | null = null;
  private group: ZGroup | null = null;
  /** A pass result not yet stamped (ZGroup.pass). */
  private pending = false;
  private pendingNoncon = false;
  /** ngspice's OFF: see Jfet.off. */
  off = false;
  holdOff = false;

  /**
   * @param term the global node of each local terminal (ZD .. ZSPP)
   * @param core the model's law
   */
  constructor(
    readonly name: string,
    readonly term: readonly number[],
    readonly core: ZCore,
  ) {
    this.nodes = [...new Set(term)];
  }

  dcGroups(): ReadonlyArray<readonly number[]> {
    return [this.nodes];
  }

  setup(ctx: SetupContext): void {
    reserveLocalJacobian(ctx, ZN, this.term, this.rows, this.h);
    if (this.groupKind) {
      let m = GROUPS.get(ctx);
      if (!m) GROUPS.set(ctx, (m = new Map()));
      let g = m.get(this.groupKind);
      if (!g) m.set(this.groupKind, (g = new ZGroup()));
      g.add(this);
      this.group = g;
      this.pending = false;
    }
  }

  /** Whether this instance's vds (type-normalized, d' to s') is negative at V. */
  negAt(V: Float64Array): boolean {
    return this.typeSign * (V[this.term[ZDP]] - V[this.term[ZSP]]) < 0;
  }
  /** +1 n-type, -1 p-type (the normalization of vds). */
  typeSign = 1;

  /** The limited load into this device's buffers (no stamping). */
  evaluateLoad(ctx: LoadContext): void {
    const init: ZInit = this.holdOff ? "off" : ctx.initJunctions ? "jct" : null;
    this.J.fill(0);
    this.rhs.fill(0);
    const v = this.localV(ctx.V);
    this.pendingNoncon = this.core.load(v, init, ctx.gmin, this.J, this.rhs) || init === "jct";
    this.pending = true;
    this.passV.set(v);
    this.passGmin = ctx.gmin;
    this.passInit = init;
  }

  /** The point a pending pass result was evaluated at (a load at another point starts a new pass). */
  private readonly passV = new Float64Array(ZN);
  private passGmin = 0;
  private passInit: ZInit = null;
  private samePoint(ctx: LoadContext): boolean {
    const init: ZInit = this.holdOff ? "off" : ctx.initJunctions ? "jct" : null;
    if (init !== this.passInit || ctx.gmin !== this.passGmin) return false;
    for (let k = 0; k < ZN; k++) if (ctx.V[this.term[k]] !== this.passV[k]) return false;
    return true;
  }

  reset(): void {
    this.core.reset();
  }

  private localV(V: Float64Array): Float64Array {
    const v = this.v;
    for (let k = 0; k < ZN; k++) v[k] = V[this.term[k]];
    return v;
  }

  load(ctx: LoadContext): void {
    if (this.group) {
      if (!this.pending || !this.samePoint(ctx)) this.group.pass(ctx);
    } else this.evaluateLoad(ctx);
    this.pending = false;
    if (this.pendingNoncon) ctx.noncon = true;
    const J = this.J;
    const rhs = this.rhs;
    const { A, b, Vk } = ctx;
    const h = this.h;
    const term = this.term;
    for (let r = 0; r < ZN; r++) {
      const o = r * ZN;
      let q = rhs[r];
      for (let c = 0; c < ZN; c++) {
        const g = J[o + c];
        if (g === 0) continue;
        A[h[o + c]] += g;
        q -= g * Vk[term[c]];
      }
      b[this.rows[r]] += q;
    }
  }

  /** The terminal currents at V (A, leaving each node into the device): J v - rhs of the unlimited law. */
  addCurrents(V: Float64Array, _x: Float64Array, _time: number, out: Float64Array): void {
    const J = this.Jc;
    const rhs = this.rhsc;
    J.fill(0);
    rhs.fill(0);
    if (this.group) this.core.stickyIn = this.group.stickyAt(this, V);
    const v = this.localV(V);
    this.core.evalAt(v, this.gmin, J, rhs);
    if (this.group) this.core.stickyIn = false;
    for (let r = 0; r < ZN; r++) {
      let i = -rhs[r];
      const o = r * ZN;
      for (let c = 0; c < ZN; c++) i += J[o + c] * v[c];
      out[this.term[r]] += i;
    }
  }

  /** The local Jacobian and currents at local voltages v (tests: the stamp against finite differences). */
  localAt(v: Float64Array, gmin: number): { J: Float64Array; I: Float64Array } {
    const J = new Float64Array(ZN * ZN);
    const rhs = new Float64Array(ZN);
    this.core.evalAt(v, gmin, J, rhs);
    const I = new Float64Array(ZN);
    for (let r = 0; r < ZN; r++) {
      let i = -rhs[r];
      for (let c = 0; c < ZN; c++) i += J[r * ZN + c] * v[c];
      I[r] = i;
    }
    return { J, I };
  }

  transientRefusal(): string {
    return `${this.name}: the ${this.core.what} Z element is modelled at DC only (operating point, .dc): its gate charges are not integrated, so a transient is refused`;
  }

  acRefusal(): string {
    return `${this.name}: the ${this.core.what} Z element is modelled at DC only (operating point, .dc): its small-signal capacitances are not modelled, so .ac is refused`;
  }
}
