/**
 * Inductor L (H) between nodes a and b, and the mutual coupling K of two
 * inductors (ngspice's ind and mutual devices).
 *
 * An inductor owns a branch unknown i (A), flowing from a through the
 * inductor to b (the voltage-source convention). Its branch row is
 *   V(a) - V(b) = d(phi)/dt,   phi = L i + sum_j M_j i_j   (Wb)
 * with M_j = k_j sqrt(L L_j) for each inductor j coupled to it. In DC
 * (no integration state) the row is V(a) - V(b) = 0: a short circuit, like a
 * 0 V source. In a transient the flux phi is the state, integrated by the
 * same companion formulas as a capacitor's charge (companionHistory with
 * unit capacitance): d(phi)/dt ~ a0 phi_{n+1} + hist, so the row becomes
 *   V(a) - V(b) - a0 L i - a0 sum_j M_j i_j = hist.
 * The step is bounded by the truncation error of the flux (ngspice's
 * INDtrunc: CKTterr on the flux with the branch voltage as its derivative),
 * through ChargeTruncation.
 *
 * An inductor stores magnetic energy L i^2 / 2: it has no co-content and
 * its stamp is not symmetric (a branch row), so a circuit with one is not
 * reciprocal (hasEnergy is false).
 */
import { NetlistError, type SourceLoc } from "../../util/errors.js";
import { chargeStepBound, companionHistory, type ChargeTruncationSpec } from "../capacitor/capacitor.js";
import { reserveBranch, type BranchHandles } from "../stamp.js";
import type { AcLoadContext, Device, LoadContext, MeterElement, ResolveContext, SetupContext } from "../types.js";

export class Inductor implements Device {
  readonly linear = true;
  readonly symmetric = false;
  readonly definesVoltage = true;
  readonly power = "stores";
  readonly nodes: readonly number[];
  /** Branch unknown index (allocated by the circuit builder). */
  k = -1;
  private h!: BranchHandles;
  private kk = -1;
  /** Couplings to other inductors: mutual inductance M (H) and the other inductor. */
  readonly couplings: Array<{ m: number; other: Inductor }> = [];
  /** Accepted history: fluxes at t_n, t_{n-1}, t_{n-2} (Wb) and branch voltage at t_n (V). */
  private phi1 = 0;
  private phi2 = 0;
  private phi3 = 0;
  private vPrev = 0;

  constructor(
    readonly name: string,
    readonly a: number,
    readonly b: number,
    /** Inductance in henries (> 0). */
    readonly l: number,
    /** Initial current (A) from `ic=`, used with `uic`. */
    readonly ic?: number,
    /** ngspice's INDinduct (H): l before the multiplier m (l = induct / m). */
    private readonly induct = l,
  ) {
    this.nodes = [a, b];
  }

  /** To XSPICE's lmeter: INDinduct between a and b. */
  meterElement(): MeterElement {
    return { kind: "l", a: this.a, b: this.b, value: this.induct };
  }

  /** Its companion model changes with every step. */
  changesInTime(): boolean {
    return true;
  }

  /** The terminals across which its flux's derivative appears (makes it a charge device for the integrators). */
  chargeNodes(): readonly number[] {
    return this.nodes;
  }

  setup(ctx: SetupContext): void {
    this.h = reserveBranch(ctx, this.a, this.b, this.k);
    this.kk = ctx.entry(this.k, this.k);
  }

  /** Its flux at the unknowns x (Wb). */
  flux(x: Float64Array): number {
    let phi = this.l * x[this.k];
    for (const c of this.couplings) phi += c.m * x[c.other.k];
    return phi;
  }

  load(ctx: LoadContext): void {
    const A = ctx.A;
    const h = this.h;
    A[h.ak] += 1;
    A[h.bk] -= 1;
    A[h.ka] += 1;
    A[h.kb] -= 1;
    let rhs = -ctx.Vk[this.a] + ctx.Vk[this.b];
    const integ = ctx.integ;
    if (integ) {
      // V(a) - V(b) - a0 (L i + sum M i_j) = hist; the cross terms are stamped by the Mutual devices.
      A[this.kk] -= integ.a0 * this.l;
      rhs += companionHistory(integ, 1, this.phi1, this.phi2, this.vPrev);
    }
    ctx.b[this.k] += rhs;
  }

  /**
   * AC: the branch row V(a) - V(b) - j w (L i + sum M i_j) = 0; -L on its
   * own diagonal in ctx.c (the couplings' -M are the Mutual devices').
   */
  acLoad(ctx: AcLoadContext): void {
    const A = ctx.g.A;
    const h = this.h;
    A[h.ak] += 1;
    A[h.bk] -= 1;
    A[h.ka] += 1;
    A[h.kb] -= 1;
    ctx.c.A[this.kk] -= this.l;
  }

  /** Its branch current leaves a and enters b, in DC and transient alike. */
  addCurrents(_V: Float64Array, x: Float64Array, _t: number, out: Float64Array): void {
    out[this.a] += x[this.k];
    out[this.b] -= x[this.k];
  }

  /** Start of an implicit integration: the state x is at rest (DC: no voltage across it). */
  startCharges(V: Float64Array, x?: Float64Array): void {
    const phi = x ? this.flux(x) : 0;
    this.phi1 = phi;
    this.phi2 = phi;
    this.phi3 = phi;
    this.vPrev = V[this.a] - V[this.b];
  }

  /** `uic`: the branch current starts at its `ic=` (0 when not given), as ngspice's MODEUIC. */
  uicState(x: Float64Array): void {
    x[this.k] = this.ic ?? 0;
  }

  accept(V: Float64Array, x: Float64Array, _h: number): void {
    this.phi3 = this.phi2;
    this.phi2 = this.phi1;
    this.phi1 = this.flux(x);
    this.vPrev = V[this.a] - V[this.b];
  }

  /** ngspice's INDtrunc: CKTterr on the flux, whose derivative is the branch voltage. */
  chargeTruncation(V: Float64Array, spec: ChargeTruncationSpec, x?: Float64Array): number {
    if (!x) return Infinity;
    const q = [this.flux(x), this.phi1, this.phi2, this.phi3];
    return chargeStepBound(q, V[this.a] - V[this.b], this.vPrev, spec);
  }
}

/**
 * Mutual coupling K of inductors l1 and l2 with coefficient k (0 < |k| <= 1):
 * M = k sqrt(L1 L2). In a transient it stamps the cross terms -a0 M of the
 * two branch rows (the inductors include M i_other in their fluxes); in DC
 * nothing (both are shorts).
 */
export class Mutual implements Device {
  readonly linear = true;
  readonly symmetric = false;
  readonly nodes: readonly number[] = [];
  /** Mutual inductance (H), known once `resolve` has found the inductors. */
  m = 0;
  private l1!: Inductor;
  private l2!: Inductor;
  private e12 = -1;
  private e21 = -1;

  constructor(
    readonly name: string,
    /** Names of the two inductors (lower case) and where each is written. */
    readonly names: readonly [string, string],
    readonly nameLocs: readonly [SourceLoc, SourceLoc],
    readonly k: number,
    readonly loc: SourceLoc,
  ) {}

  /** Find its inductors (named in the same subcircuit instance), each pair coupled once. */
  resolve(ctx: ResolveContext): void {
    const [n1, n2] = this.names;
    const [l1, l2] = this.names.map((nm, j) => {
      const d = ctx.device(nm);
      if (!(d instanceof Inductor)) throw new NetlistError(`${this.name}: no inductor named '${nm}'`, this.nameLocs[j]);
      return d;
    });
    if (l1 === l2) throw new NetlistError(`${this.name}: couples inductor '${n1}' with itself`, this.nameLocs[1]);
    if (!ctx.claim(`k ${[n1, n2].sort().join(" ")}`)) throw new NetlistError(`${this.name}: inductors '${n1}' and '${n2}' are already coupled`, this.loc);
    this.l1 = l1;
    this.l2 = l2;
    this.m = this.k * Math.sqrt(l1.l * l2.l);
    l1.couplings.push({ m: this.m, other: l2 });
    l2.couplings.push({ m: this.m, other: l1 });
  }

  changesInTime(): boolean {
    return true;
  }

  setup(ctx: SetupContext): void {
    this.e12 = ctx.entry(this.l1.k, this.l2.k);
    this.e21 = ctx.entry(this.l2.k, this.l1.k);
  }

  load(ctx: LoadContext): void {
    const integ = ctx.integ;
    if (!integ) return;
    ctx.A[this.e12] -= integ.a0 * this.m;
    ctx.A[this.e21] -= integ.a0 * this.m;
  }

  /** AC: -M (H) between the two branch rows, in ctx.c (see Inductor.acLoad). */
  acLoad(ctx: AcLoadContext): void {
    ctx.c.A[this.e12] -= this.m;
    ctx.c.A[this.e21] -= this.m;
  }

  addCurrents(): void {}
}
