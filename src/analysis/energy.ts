/**
 * The circuit's energy (total co-content, Millar's pseudo-power), in watts:
 * E(V) = sum over reciprocal devices of integral_0^{dV} i(v) dv. Its gradient
 * with respect to a free node's voltage is the KCL residual at that node, so
 * the DC operating point of a reciprocal circuit is the minimum of E.
 */
import type { Circuit } from "../circuit/circuit.js";
import { isEliminatedSource, type Device, type LinearCapacitance } from "../devices/types.js";

/**
 * True when the circuit is reciprocal (every device stamps symmetrically and
 * every voltage source is grounded; reduced amplifiers count as reciprocal):
 * then E exists and its minimum is the operating point.
 */
export function hasEnergy(c: Circuit): boolean {
  return c.symmetric;
}

/**
 * E(V) in watts for all node voltages V (V[0] = 0). Non-reciprocal devices
 * are skipped. With reduced amplifiers it is the energy of the transformed
 * circuit, sum_k E_k(V) / s_k^2 (see circuit/amplifiers.ts).
 */
export function energy(c: Circuit, V: Float64Array, time = -1): number {
  if (c.amplifiers) return c.amplifiers.energy(c.devices, c.resistors, V, time);
  let e = 0;
  for (const d of c.devices) if (d.cocontent) e += d.cocontent(V, time);
  return e;
}

/**
 * What a relaxation spends, per phase, from its trajectory (joules):
 *  - dissipated: the integral of the power v*i in every resistive device
 *    (resistors, diodes with their GMIN), always >= 0;
 *  - drawn: the integral of the power the sources deliver: voltage sources
 *    (through the nodes they fix), current sources, nudges (EqProp's output
 *    current injection) and controlled sources, each as -(v*i absorbed);
 *  - stored: the change of the energy in the capacitances, node
 *    capacitance (cnode) included, sum C V^2 / 2 at the end minus the start.
 * By Tellegen's theorem drawn = dissipated + stored along the true
 * trajectory; the meter computes drawn and dissipated independently, so the
 * balance checks the bookkeeping. (With reduced bidirectional amplifiers,
 * whose power is not in any device, drawn is taken from the balance.)
 */
export interface PhaseEnergy {
  dissipated: number;
  drawn: number;
  stored: number;
}

/**
 * Instantaneous power of a circuit's devices at a point (V, x), split into
 * resistive dissipation and source delivery, at O(free nodes + free-free
 * resistors + non-resistor devices) per evaluation: the resistor bank's
 * resistors with a fixed terminal (a crossbar from the data inputs) are
 * folded into per-node constants by `begin()`, once per phase.
 *
 * For a bank resistor g from a fixed node k (voltage Vk) to a varying node u:
 *   dissipated  g (Vk - Vu)^2 = g Vk^2 - 2 g Vk Vu + g Vu^2
 *   from the source at k   Vk g (Vk - Vu) = g Vk^2 - g Vk Vu
 * so with c0 = sum g Vk^2, beta_u = sum g Vk and gd_u = sum g over u's
 * fixed neighbours both are affine or quadratic in the varying voltages.
 */
export class PowerMeter {
  private readonly fixed: Uint8Array;
  /** Bank resistors with both terminals varying / exactly one / none. */
  private readonly vv: Int32Array;
  private readonly fv: Int32Array;
  private readonly ff: Int32Array;
  /** Varying nodes with fixed bank neighbours, and their constants (set by begin). */
  private readonly fvNodes: Int32Array;
  private readonly slotOf: Int32Array;
  private readonly beta: Float64Array;
  private readonly gd: Float64Array;
  private c0 = 0;
  private pff = 0;
  /** Non-bank devices by role. */
  private readonly resistive: Device[] = [];
  private readonly sources: Device[] = [];
  private readonly scratch: Float64Array;
  /** True when the balance must stand in for the sources (reduced amplifiers). */
  readonly drawnByBalance: boolean;

  constructor(
    readonly circuit: Circuit,
    /** Node capacitance per free unknown (F). */
    readonly nodeC: Float64Array,
    readonly caps: readonly LinearCapacitance[],
  ) {
    const c = circuit;
    const nodes = c.nodeNames.length;
    this.fixed = new Uint8Array(nodes);
    this.fixed[0] = 1;
    for (const f of c.fixed) this.fixed[f.node] = 1;
    const { na, nb } = c.resistors;
    const vv: number[] = [];
    const fv: number[] = [];
    const ff: number[] = [];
    const slotOf = new Int32Array(nodes).fill(-1);
    const fvNodes: number[] = [];
    for (let e = 0; e < na.length; e++) {
      const fa = this.fixed[na[e]];
      const fb = this.fixed[nb[e]];
      if (fa && fb) ff.push(e);
      else if (fa || fb) {
        fv.push(e);
        const u = fa ? nb[e] : na[e];
        if (slotOf[u] < 0) {
          slotOf[u] = fvNodes.length;
          fvNodes.push(u);
        }
      } else vv.push(e);
    }
    this.vv = Int32Array.from(vv);
    this.fv = Int32Array.from(fv);
    this.ff = Int32Array.from(ff);
    this.fvNodes = Int32Array.from(fvNodes);
    this.slotOf = slotOf;
    this.beta = new Float64Array(fvNodes.length);
    this.gd = new Float64Array(fvNodes.length);
    for (const d of c.devices) {
      if (d === c.resistors || d.power === "stores") continue;
      if (d.power === "dissipates") this.resistive.push(d);
      else if (!isEliminatedSource(d)) this.sources.push(d); // an eliminated source delivers through its fixed node
    }
    this.scratch = new Float64Array(nodes);
    this.drawnByBalance = c.amplifiers !== null;
  }

  /** Fold the bank's fixed-terminal resistors at the present fixed voltages V and conductances. */
  begin(V: Float64Array): void {
    const { na, nb, g } = this.circuit.resistors;
    const { fixed, fv, ff, slotOf, beta, gd } = this;
    beta.fill(0);
    gd.fill(0);
    let c0 = 0;
    for (let k = 0; k < fv.length; k++) {
      const e = fv[k];
      const ge = g[e];
      const a = na[e];
      const fa = fixed[a];
      const vk = fa ? V[a] : V[nb[e]];
      const s = slotOf[fa ? nb[e] : a];
      c0 += ge * vk * vk;
      beta[s] += ge * vk;
      gd[s] += ge;
    }
    let pff = 0;
    for (let k = 0; k < ff.length; k++) {
      const e = ff[k];
      const v = V[na[e]] - V[nb[e]];
      pff += g[e] * v * v;
    }
    this.c0 = c0;
    this.pff = pff;
  }

  /**
   * Power at (V, x) (W): out[0] dissipated in resistive devices, out[1]
   * delivered by the sources (see PhaseEnergy). `time` as Device.addCurrents.
   */
  power(V: Float64Array, x: Float64Array, time: number, out: Float64Array): void {
    const { na, nb, g } = this.circuit.resistors;
    const { vv, fvNodes, beta, gd, fixed, scratch } = this;
    let diss = this.pff + this.c0;
    let src = this.pff + this.c0;
    for (let s = 0; s < fvNodes.length; s++) {
      const v = V[fvNodes[s]];
      diss += (gd[s] * v - 2 * beta[s]) * v;
      src -= beta[s] * v;
    }
    for (let k = 0; k < vv.length; k++) {
      const e = vv[k];
      const v = V[na[e]] - V[nb[e]];
      diss += g[e] * v * v;
    }
    const absorbed = (d: Device): number => {
      const ns = d.nodes;
      for (let j = 0; j < ns.length; j++) scratch[ns[j]] = 0;
      d.addCurrents(V, x, time, scratch);
      let p = 0;
      let pFixed = 0;
      for (let j = 0; j < ns.length; j++) {
        const n = ns[j];
        const q = V[n] * scratch[n];
        scratch[n] = 0;
        p += q;
        if (fixed[n]) pFixed += q;
      }
      // The sources fixing those nodes deliver what flows into d there.
      src += pFixed;
      return p;
    };
    for (const d of this.resistive) diss += absorbed(d);
    for (const d of this.sources) src -= absorbed(d);
    out[0] = diss;
    out[1] = src;
  }

  /** Energy in the capacitances (J): node capacitances on the free unknowns x, then the circuit's capacitors. */
  stored(V: Float64Array, x: Float64Array): number {
    let e = 0;
    const nc = this.nodeC;
    for (let i = 0; i < nc.length; i++) e += 0.5 * nc[i] * x[i] * x[i];
    for (const cap of this.caps) {
      const v = V[cap.a] - V[cap.b];
      e += 0.5 * cap.c * v * v;
    }
    return e;
  }
}
