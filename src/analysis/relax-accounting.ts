/**
 * The bookkeeping of one physical relaxation (analysis/relax.ts): the energy
 * dissipated and drawn along the trajectory (EnergyAccumulator: each step's
 * power integrated on the cubic Hermite interpolant of its end points by
 * 2-point Gauss-Legendre, J) and the settling test (SettleCheck: the
 * first-order distance to the DC equilibrium, V, with its backoff). See
 * relax.ts's file comment for the method.
 */
import type { Engine } from "./engine.js";
import type { PhaseEnergy, PowerMeter } from "./energy.js";
import type { CapacitanceInfo } from "./integrators/capacitance.js";
import { tolerancesOf } from "./op.js";

/** Steps between full settling checks at most (odex, and implicit steps whose diagonal estimate is unavailable). */
export const CHECK_EVERY = 32;
/** 2-point Gauss-Legendre nodes on [0, 1]. */
const GAUSS = [0.5 - 0.5 / Math.sqrt(3), 0.5 + 0.5 / Math.sqrt(3)];

/**
 * Energy bookkeeping along one relaxation: each step's power integrated on
 * the Hermite interpolant of its end points (see the file comment), and up
 * to a time inside the last step when the settling time falls there.
 */
export class EnergyAccumulator {
  private readonly nf: number;
  /** Start (a) and end (b) of the last step: unknowns and free-node slopes (V/s). */
  private xa: Float64Array;
  private xb: Float64Array;
  private da: Float64Array;
  private db: Float64Array;
  private ta = 0;
  private tb = 0;
  /** Slopes known at both ends of the last step (else it is interpolated linearly). */
  private slopesA = false;
  private slopesB = false;
  private readonly xg: Float64Array;
  private readonly Vg: Float64Array;
  private readonly p = new Float64Array(2);
  /** Energies up to ta, and of the last step (up to its cut). */
  private dissipated = 0;
  private drawn = 0;
  private stepDiss = 0;
  private stepDrawn = 0;
  private stored0 = 0;
  private stored1 = 0;
  /** Slopes can be read from the steps: plain circuits whose only capacitance is the node capacitance. */
  private readonly slopesAvailable: boolean;

  constructor(
    readonly engine: Engine,
    readonly cap: CapacitanceInfo,
    readonly meter: PowerMeter,
  ) {
    const n = engine.x.length;
    const c = engine.circuit;
    this.nf = c.nFree;
    this.xa = new Float64Array(n);
    this.xb = new Float64Array(n);
    this.da = new Float64Array(n);
    this.db = new Float64Array(n);
    this.xg = new Float64Array(n);
    this.Vg = new Float64Array(engine.V.length);
    this.slopesAvailable = !c.amplifiers && cap.caps.length === 0 && c.n === c.nFree;
  }

  /**
   * Start of a phase at state x0, with the DC system assembled at x0 in the
   * engine (its residual gives the starting slopes).
   */
  begin(x0: Float64Array): void {
    const e = this.engine;
    this.meter.begin(e.V);
    this.xb.set(x0);
    this.ta = this.tb = 0;
    this.dissipated = this.drawn = this.stepDiss = this.stepDrawn = 0;
    this.stored0 = this.stored1 = this.meter.stored(e.V, x0);
    this.slopesB = this.slopesAvailable;
    if (this.slopesB) {
      // dV/dt = -r / C with r = A x - b, the DC residual.
      const { rows, cols } = e.sys.pattern;
      const A = e.sys.A;
      const b = e.sys.b;
      const nf = this.nf;
      const r = this.db;
      for (let i = 0; i < nf; i++) r[i] = -b[i];
      for (let h = 1; h < rows.length; h++) {
        const row = rows[h];
        const col = cols[h];
        if (row >= 0 && row < nf && col >= 0 && col < nf) r[row] += A[h] * x0[col];
      }
      const nc = this.cap.nodeC;
      for (let i = 0; i < nf; i++) r[i] = -r[i] / nc[i];
    }
  }

  /** An accepted point at time t with unknowns x and, when known, the node-capacitance current (A, leaving) of each free unknown. */
  step(t: number, x: Float64Array, nodeCurrent: ((i: number) => number) | null): void {
    this.dissipated += this.stepDiss;
    this.drawn += this.stepDrawn;
    // The last end becomes this step's start.
    let tmp = this.xa;
    this.xa = this.xb;
    this.xb = tmp;
    tmp = this.da;
    this.da = this.db;
    this.db = tmp;
    this.ta = this.tb;
    this.slopesA = this.slopesB;
    this.tb = t;
    this.xb.set(x);
    this.slopesB = this.slopesAvailable && nodeCurrent !== null;
    if (this.slopesB) {
      const nc = this.cap.nodeC;
      for (let i = 0; i < this.nf; i++) this.db[i] = nodeCurrent!(i) / nc[i];
    }
    this.integrate(1);
  }

  /**
   * The last step's energies from its start up to fraction f of it, and
   * the stored energy there: 2-point Gauss on the Hermite interpolant
   * (linear when a slope is unknown).
   */
  private integrate(f: number): void {
    const e = this.engine;
    const c = e.circuit;
    const { nf, xa, xb, da, db, xg, Vg, p } = this;
    const h = this.tb - this.ta;
    const slopes = this.slopesA && this.slopesB;
    Vg.set(e.V);
    const nodeOf = c.nodeOfUnknown;
    const amp = c.amplifiers;
    const at = (s: number): void => {
      const h00 = (1 + 2 * s) * (1 - s) * (1 - s);
      const h10 = s * (1 - s) * (1 - s);
      const h01 = s * s * (3 - 2 * s);
      const h11 = s * s * (s - 1);
      for (let i = 0; i < xg.length; i++) {
        xg[i] = slopes && i < nf ? h00 * xa[i] + h10 * h * da[i] + h01 * xb[i] + h11 * h * db[i] : xa[i] + s * (xb[i] - xa[i]);
      }
      for (let i = 0; i < nodeOf.length; i++) Vg[nodeOf[i]] = xg[i];
      if (amp) for (let d = 0; d < amp.depNode.length; d++) Vg[amp.depNode[d]] = amp.depRatio[d] * xg[amp.depUnknown[d]];
    };
    let diss = 0;
    let drawn = 0;
    if (h > 0 && f > 0) {
      for (const g of GAUSS) {
        at(g * f);
        this.meter.power(Vg, xg, -1, p);
        diss += p[0];
        drawn += p[1];
      }
    }
    const w = 0.5 * f * h;
    this.stepDiss = h > 0 ? diss * w : 0;
    this.stepDrawn = h > 0 ? drawn * w : 0;
    at(f);
    this.stored1 = this.meter.stored(Vg, xg);
  }

  /**
   * End the phase with its linear tail: from the last point to the
   * equilibrium now in the engine, reached at tEnd, the displacement
   * decaying as exp(-t / tau). Energy: P* (tEnd - tb) plus the first-order
   * excess (P(last) - P*) tau (1 - exp(-(tEnd - tb) / tau)).
   */
  tail(tEnd: number, tau: number): void {
    const e = this.engine;
    this.dissipated += this.stepDiss;
    this.drawn += this.stepDrawn;
    const p = this.p;
    const c = e.circuit;
    const nodeOf = c.nodeOfUnknown;
    const Vg = this.Vg;
    Vg.set(e.V);
    for (let i = 0; i < nodeOf.length; i++) Vg[nodeOf[i]] = this.xb[i];
    this.meter.power(Vg, this.xb, -1, p);
    const d0 = p[0];
    const s0 = p[1];
    this.meter.power(e.V, e.x, -1, p);
    const dt = tEnd - this.tb;
    const f = tau > 0 ? tau * (1 - Math.exp(-dt / tau)) : 0;
    this.stepDiss = p[0] * dt + (d0 - p[0]) * f;
    this.stepDrawn = p[1] * dt + (s0 - p[1]) * f;
    this.stored1 = this.meter.stored(e.V, e.x);
  }

  /** Energies of the phase so far (J). */
  result(): PhaseEnergy {
    const dissipated = this.dissipated + this.stepDiss;
    const stored = this.stored1 - this.stored0;
    const drawn = this.meter.drawnByBalance ? dissipated + stored : this.drawn + this.stepDrawn;
    return { dissipated, drawn, stored };
  }
}

/** The settling test (see the file comment), with its backoff. */
export class SettleCheck {
  evaluations = 0;
  private wait = 0;
  private gap = 1;
  private since = 0;
  private readonly saved: Float64Array;

  constructor(
    readonly engine: Engine,
    readonly srcScale: number,
    readonly tol: number,
  ) {
    this.saved = new Float64Array(engine.x.length);
  }

  /**
   * Called after each step with the largest node move of that step (V).
   * Checks when the move was below 10 tol (with backoff) or every
   * CHECK_EVERY steps anyway; returns "settled", "far" (checked, not
   * settled) or "skip".
   */
  step(moved: number): "settled" | "far" | "skip" {
    if (this.wait > 0) this.wait--;
    this.since++;
    const small = moved <= 10 * this.tol && this.wait === 0;
    if (!small && this.since < CHECK_EVERY) return "skip";
    this.since = 0;
    if (this.distance() < this.tol) return "settled";
    if (small) {
      this.gap *= 2;
      this.wait = this.gap;
    }
    return "far";
  }

  /** First-order distance to the DC equilibrium (V): one Newton step, undone. */
  distance(): number {
    const e = this.engine;
    const nf = e.circuit.nFree;
    this.saved.set(e.x);
    const stamps = e.nodeStamps;
    const ctx = e.ctx;
    const mode = ctx.mode;
    const time = ctx.time;
    const integ = ctx.integ;
    e.nodeStamps = null;
    e.setPoint("dc", 0, this.srcScale, null);
    e.lastDelta.fill(Infinity);
    const r = e.newton(tolerancesOf(e.circuit), 1, false);
    this.evaluations += r.iterations;
    let d = e.ctx.noncon ? Infinity : 0;
    for (let i = 0; i < nf; i++) if (!(e.lastDelta[i] <= d)) d = e.lastDelta[i];
    e.x.set(this.saved);
    e.nodeStamps = stamps;
    e.setPoint(mode, time, this.srcScale, integ);
    e.syncVoltages();
    return d;
  }
}
