/**
 * BSIM3 VERSION 3.1 (ngspice 39's bsim3v1 device, b3v1ld.c) in DC: the
 * BSIM3 device (bsim3/bsim3.ts) with the model's `v31` flag, which selects
 * what 3.1 computes otherwise (bsim3-model.ts: the effective size without
 * XL/XW, TOXM, IJTH; bsim3-dc.ts: the junctions linear above 0.5 V with
 * GMIN twice, the substrate current's companion at Vbseff; bsim3.ts: the
 * substrate current drawn from the frame's source, the cold start), plus
 * what b3v1ld.c's matrix adds and no current accounts for:
 *
 * b3v1ld.c stamps -(gds + RevSum - gcsdb - sxpart gtd - gbd) - gbspdp into
 * (s', d'), where the other rows have -gds - RevSum ...: the s' row holds an
 * extra +gbd in the d' column that its right-hand side does not balance.
 * The operating point ngspice finds therefore has, leaving s' into the
 * device, the current
 *   I_stray = M gbd(vbd) V(d')
 * (V(d') the node's voltage to ground, not normalized; gbd the drain
 * junction's conductance at the linearization point, GMIN included). It
 * is 0 with a grounded source or drain, and about 1e-12 V(d') A with a
 * reverse-biased drain junction. eqspice stamps it as that current, with
 * its exact derivatives:
 *   dI/dV(d') = M (gbd - type V(d') gbd'),  dI/dV(b) = M type V(d') gbd'
 * (gbd' = d gbd / d vbd, junctionV31Slope; vbd = type (V(b) - V(d'))),
 * linearized at the limited vbd the rest of the device uses:
 *   I ~ M gbd V(d')_new + M V(d') gbd' (vbd_new - vbd).
 *
 * No charges: VERSION 3.1's (b3v1ld.c's capMod 0-2) are not modelled, so a
 * transient or AC analysis refuses the circuit.
 */
import { Bsim3 } from "../bsim3/bsim3.js";
import { junctionV31Slope } from "../bsim3/bsim3-dc.js";
import type { Bsim3Instance } from "../bsim3/bsim3-model.js";
import type { LoadContext, SetupContext } from "../types.js";

export class Bsim3v1 extends Bsim3 {
  /** Matrix handles of (s', d') and (s', b), and the row of s'. */
  private hsd = -1;
  private hsb = -1;
  private rowS = -1;

  constructor(name: string, d: number, g: number, s: number, b: number, di: number, si: number, p: Bsim3Instance) {
    super(name, d, g, s, b, di, si, p);
    if (!p.model.v31) throw new Error(`${name}: Bsim3v1 needs a VERSION 3.1 model`);
    // no charges and no small-signal model: Device.chargeNodes and Device.acLoad absent, so that the AC
    // analysis refuses the element up front and nothing integrates its (3.3) charges
    Object.defineProperty(this, "acLoad", { value: undefined });
    Object.defineProperty(this, "chargeNodes", { value: undefined });
  }

  override transientRefusal(): string {
    return `${this.name}: transients of BSIM3 VERSION 3.1 MOSFETs (ngspice's bsim3v1) are not supported: their charges are not modelled (.op and .dc are)`;
  }

  override setup(ctx: SetupContext): void {
    super.setup(ctx);
    this.rowS = ctx.row(this.si);
    this.hsd = ctx.entry(this.rowS, ctx.row(this.di));
    this.hsb = ctx.entry(this.rowS, ctx.row(this.b));
  }

  /** gbd and d gbd / d vbd at normalized vbd (S, S/V; GMIN included in gbd, as the device's drain junction). */
  private gbdAt(vbd: number, gmin: number): { gbd: number; slope: number } {
    const p = this.p;
    const slope = junctionV31Slope(p.drainSatCur, p.nvtm, vbd);
    const gbd = p.drainSatCur > 0 ? (vbd < 0.5 ? (p.drainSatCur * Math.exp(vbd / p.nvtm)) / p.nvtm : (p.drainSatCur * Math.exp(0.5 / p.nvtm)) / p.nvtm) + gmin : gmin;
    return { gbd, slope };
  }

  override load(ctx: LoadContext): void {
    super.load(ctx);
    if (ctx.integ) throw new Error(this.transientRefusal());
    const p = this.p;
    const t = p.type;
    const vbd = this.vbd0; // the limited vbd the rest of the stamp used
    const { gbd, slope } = this.gbdAt(vbd, ctx.gmin);
    const vd = ctx.V[this.di];
    const ad = p.m * (gbd - t * vd * slope);
    const ab = p.m * t * vd * slope;
    // I ~ c + ad V(d') + ab V(b), c = -M V(d') gbd' vbd; known voltages move to the right-hand side
    const c = -p.m * vd * slope * vbd;
    ctx.A[this.hsd] += ad;
    ctx.A[this.hsb] += ab;
    ctx.b[this.rowS] -= c + ad * ctx.Vk[this.di] + ab * ctx.Vk[this.b];
  }

  override addCurrents(V: Float64Array, x: Float64Array, time: number, out: Float64Array): void {
    super.addCurrents(V, x, time, out);
    const p = this.p;
    const vbd = p.type * (V[this.b] - V[this.di]);
    out[this.si] += p.m * this.gbdAt(vbd, this.gmin).gbd * V[this.di];
  }
}
