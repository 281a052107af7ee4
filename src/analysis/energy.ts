/**
 * The circuit's energy (total co-content, Millar's pseudo-power), in watts:
 * E(V) = sum over reciprocal devices of integral_0^{dV} i(v) dv. Its gradient
 * with respect to a free node's voltage is the KCL residual at that node, so
 * the DC operating point of a reciprocal circuit is the minimum of E.
 */
import type { Circuit } from "../circuit/circuit.js";

/**
 * True when the circuit is reciprocal (every device stamps symmetrically and
 * every voltage source is grounded): then E exists and its minimum is the
 * operating point.
 */
export function hasEnergy(c: Circuit): boolean {
  return c.symmetric;
}

/** E(V) in watts for all node voltages V (V[0] = 0). Non-reciprocal devices are skipped. */
export function energy(c: Circuit, V: Float64Array, time = -1): number {
  let e = 0;
  for (const d of c.devices) if (d.cocontent) e += d.cocontent(V, time);
  return e;
}
