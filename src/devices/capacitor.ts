/**
 * Capacitor C (F) between nodes a and b. Open in DC. In a transient, the
 * integration method turns it into a companion model:
 *   i = C dv/dt ~ C (a0 v_new + hist)  ->  geq = a0 C; ieq = C hist
 * where hist depends on the method and the accepted history (v_prev, i_prev).
 * A capacitor stores energy C v^2/2 but has no co-content: it does not enter E(V).
 */
import { reservePair, stampConductance, stampCurrentSource, type PairHandles } from "./stamp.js";
import type { Device, LoadContext, SetupContext } from "./types.js";

export class Capacitor implements Device {
  readonly linear = true;
  readonly symmetric = true;
  readonly nodes: readonly number[];
  private h!: PairHandles;
  /** Accepted history: voltages at t_n, t_{n-1} (V) and current at t_n (A). */
  vPrev = 0;
  vPrev2 = 0;
  iPrev = 0;
  /** Initial condition (V) from `IC=`, if given. */
  readonly ic: number | undefined;

  constructor(
    readonly name: string,
    readonly a: number,
    readonly b: number,
    /** Capacitance in farads. */
    readonly c: number,
    ic?: number,
  ) {
    this.nodes = [a, b];
    this.ic = ic;
  }

  setup(ctx: SetupContext): void {
    this.h = reservePair(ctx, this.a, this.b);
  }

  /** Reset history to a DC state with voltage v across it. */
  initState(v: number): void {
    this.vPrev = v;
    this.vPrev2 = v;
    this.iPrev = 0;
  }

  private historyCurrent(ctx: LoadContext): number {
    const integ = ctx.integ!;
    const a0 = integ.a0;
    switch (integ.method) {
      case "be": // i = C (v - v_n)/h
        return -this.c * a0 * this.vPrev;
      case "trap": // i = 2C/h (v - v_n) - i_n
        return -this.c * a0 * this.vPrev - this.iPrev;
      case "bdf2": {
        // Variable-step BDF2: dv/dt = a0 v + a1 v_n + a2 v_{n-1}
        const w = integ.ratio;
        const a1 = -a0 * (1 + w) * (1 + w) / (1 + 2 * w);
        const a2 = a0 * (w * w) / (1 + 2 * w);
        return this.c * (a1 * this.vPrev + a2 * this.vPrev2);
      }
    }
  }

  load(ctx: LoadContext): void {
    if (ctx.mode !== "tran" || !ctx.integ) return;
    const geq = this.c * ctx.integ.a0;
    stampConductance(ctx, this.h, geq);
    // ieq: the part of i independent of v_new, flowing from a to b.
    stampCurrentSource(ctx, this.h, this.historyCurrent(ctx));
  }

  /** Capacitor current is not part of the DC residual. */
  addCurrents(): void {}

  accept(V: Float64Array, _x: Float64Array, h: number): void {
    const v = V[this.a] - V[this.b];
    // Recover i_{n+1} consistent with the trapezoidal rule (used by trap's next step).
    const iNew = h > 0 ? (2 * this.c * (v - this.vPrev)) / h - this.iPrev : 0;
    this.iPrev = iNew;
    this.vPrev2 = this.vPrev;
    this.vPrev = v;
  }
}
