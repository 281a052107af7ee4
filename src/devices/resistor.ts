/**
 * Resistors / conductances. Current leaving a: i = g (Va - Vb) (A).
 * Co-content: E = g (Va - Vb)^2 / 2 (W).
 *
 * A circuit stores all its resistors in one ResistorBank (structure of
 * arrays: node indices and conductances in typed arrays) so that a crossbar
 * of 10^5 devices is stamped by one tight loop; each `Resistor` is a named
 * view of one slot whose `g` (S) the trainer reads and writes.
 */
import { reservePair, stampConductance, type PairHandles } from "./stamp.js";
import type { Device, LoadContext, SetupContext } from "./types.js";

export class ResistorBank implements Device {
  readonly name = "(resistors)";
  readonly linear = true;
  readonly symmetric = true;
  readonly nodes: readonly number[] = [];
  /** Terminal nodes of each resistor. */
  readonly na: Int32Array;
  readonly nb: Int32Array;
  /** Conductance of each resistor (S). */
  readonly g: Float64Array;
  /** Reserved rows and matrix handles, per resistor. */
  private ra!: Int32Array;
  private rb!: Int32Array;
  private haa!: Int32Array;
  private hbb!: Int32Array;
  private hab!: Int32Array;
  private hba!: Int32Array;

  /** The arrays are adopted, not copied: views of slots write into `g`. */
  constructor(na: Int32Array, nb: Int32Array, g: Float64Array) {
    this.na = na;
    this.nb = nb;
    this.g = g;
  }

  get size(): number {
    return this.g.length;
  }

  setup(ctx: SetupContext): void {
    const m = this.size;
    this.ra = new Int32Array(m);
    this.rb = new Int32Array(m);
    this.haa = new Int32Array(m);
    this.hbb = new Int32Array(m);
    this.hab = new Int32Array(m);
    this.hba = new Int32Array(m);
    for (let e = 0; e < m; e++) {
      const ra = ctx.row(this.na[e]);
      const rb = ctx.row(this.nb[e]);
      this.ra[e] = ra;
      this.rb[e] = rb;
      this.haa[e] = ctx.entry(ra, ra);
      this.hbb[e] = ctx.entry(rb, rb);
      this.hab[e] = ctx.entry(ra, rb);
      this.hba[e] = ctx.entry(rb, ra);
    }
  }

  load(ctx: LoadContext): void {
    const { A, b, Vk } = ctx;
    const { g, na, nb, ra, rb, haa, hbb, hab, hba } = this;
    for (let e = 0; e < g.length; e++) {
      const ge = g[e];
      A[haa[e]] += ge;
      A[hbb[e]] += ge;
      A[hab[e]] -= ge;
      A[hba[e]] -= ge;
      // A fixed neighbour's term -g*Vk moves to the right-hand side.
      b[ra[e]] += ge * Vk[nb[e]];
      b[rb[e]] += ge * Vk[na[e]];
    }
  }

  addCurrents(V: Float64Array, _x: Float64Array, _t: number, out: Float64Array): void {
    const { g, na, nb } = this;
    for (let e = 0; e < g.length; e++) {
      const i = g[e] * (V[na[e]] - V[nb[e]]);
      out[na[e]] += i;
      out[nb[e]] -= i;
    }
  }

  cocontent(V: Float64Array): number {
    const { g, na, nb } = this;
    let s = 0;
    for (let e = 0; e < g.length; e++) {
      const v = V[na[e]] - V[nb[e]];
      s += g[e] * v * v;
    }
    return 0.5 * s;
  }
}

/**
 * One resistor. Standalone it is a Device of its own; built by a circuit it
 * is a view of a ResistorBank slot (and the bank does the stamping).
 */
export class Resistor implements Device {
  readonly linear = true;
  readonly symmetric = true;
  readonly nodes: readonly number[];
  private h!: PairHandles;
  private readonly store: Float64Array;
  private readonly slot: number;

  constructor(
    readonly name: string,
    readonly a: number,
    readonly b: number,
    /** Conductance in siemens (ignored when `bank` is given). */
    g: number,
    bank?: { g: Float64Array; index: number },
  ) {
    this.nodes = [a, b];
    if (bank) {
      this.store = bank.g;
      this.slot = bank.index;
    } else {
      this.store = new Float64Array([g]);
      this.slot = 0;
    }
  }

  /** Conductance (S). */
  get g(): number {
    return this.store[this.slot];
  }
  set g(v: number) {
    this.store[this.slot] = v;
  }

  /** Index of this resistor in its bank (0 when standalone). */
  get index(): number {
    return this.slot;
  }

  setup(ctx: SetupContext): void {
    this.h = reservePair(ctx, this.a, this.b);
  }

  load(ctx: LoadContext): void {
    stampConductance(ctx, this.h, this.g);
  }

  addCurrents(V: Float64Array, _x: Float64Array, _t: number, out: Float64Array): void {
    const i = this.g * (V[this.a] - V[this.b]);
    out[this.a] += i;
    out[this.b] -= i;
  }

  cocontent(V: Float64Array): number {
    const v = V[this.a] - V[this.b];
    return 0.5 * this.g * v * v;
  }
}
