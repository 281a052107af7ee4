/**
 * Transmission lines at DC: ngspice's lossless line T (tra/traload.c), the
 * lossy line O (ltra/ltraload.c), and the lossy lines Y (txl/txlload.c) and
 * P (coupled lines, cpl/cplload.c), as they stamp under MODEDC. In DC each is
 * a constant linear stamp (the entries ngspice adds, some scaled by CKTgmin),
 * written here as a list of entries
 *   A[row(r), col(c)] += a + b * gmin
 * on the rows of terminals, internal nodes and the line's branch equations.
 * Like ngspice (CKTmkVolt / CKTmkCur), the branch currents are unknowns of
 * their own internal "nodes" (`t1#i1`, `y1#branch1`): a row that is not KCL
 * but the branch equation the device writes there, and no other device
 * touches. The lossless line's transient is tra.ts's; the lossy lines'
 * transients (convolutions) and every line's AC response are not modelled:
 * a transient or AC analysis refuses those.
 */
import type { AcLoadContext, Device, LoadContext, SetupContext } from "../types.js";

/** One matrix entry of the DC stamp: (row node r, column node c) += a + b gmin. */
export interface LineEntry {
  r: number;
  c: number;
  a: number;
  b: number;
}

export class TransmissionLine implements Device {
  readonly linear = true;
  readonly symmetric = false;
  protected rows = new Int32Array(0);
  protected handles = new Int32Array(0);

  constructor(
    readonly name: string,
    /** Its terminals in SPICE order. */
    readonly nodes: readonly number[],
    /** Every node of its stamp (terminals, internal nodes, branch unknowns): one DC group, as the line joins them. */
    private readonly all: readonly number[],
    protected readonly entries: readonly LineEntry[],
    /** What it is, for the refusals: e.g. "lossless transmission line T". */
    protected readonly what: string,
    /** GMIN for addCurrents (the options'; load takes the context's, which gmin stepping moves, as ngspice's CKTgmin). */
    public gmin: number,
  ) {}

  dcGroups(): ReadonlyArray<readonly number[]> {
    return [this.all];
  }

  setup(ctx: SetupContext): void {
    const n = this.entries.length;
    this.rows = new Int32Array(n);
    this.handles = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const e = this.entries[i];
      this.rows[i] = ctx.row(e.r);
      this.handles[i] = ctx.entry(this.rows[i], ctx.row(e.c));
    }
  }

  load(ctx: LoadContext): void {
    const { A, b, Vk } = ctx;
    const g = ctx.gmin;
    for (let i = 0; i < this.entries.length; i++) {
      const e = this.entries[i];
      const v = e.a + e.b * g;
      A[this.handles[i]] += v;
      // a fixed column node's term moves to the right-hand side (Vk is 0 for unknowns and ground)
      b[this.rows[i]] -= v * Vk[e.c];
    }
  }

  addCurrents(V: Float64Array, _x: Float64Array, _t: number, out: Float64Array): void {
    for (const e of this.entries) out[e.r] += (e.a + e.b * this.gmin) * V[e.c];
  }

  transientRefusal(): string | null {
    return `${this.name}: the ${this.what} is modelled at DC only (operating point, .dc): its transient is not implemented`;
  }

  acRefusal(): string {
    return `${this.name}: the ${this.what} is modelled at DC only (operating point, .dc): its AC response is not implemented`;
  }

  acLoad(_ctx: AcLoadContext): void {
    throw new Error(this.acRefusal());
  }
}
