/**
 * The circuit's energy (total co-content, Millar's pseudo-power), in watts:
 * E(V) = sum over reciprocal devices of integral_0^{dV} i(v) dv. Its gradient
 * with respect to a free node's voltage is the KCL residual at that node, so
 * the DC operating point of a reciprocal circuit is the minimum of E.
 */
import type { Circuit } from "../circuit/circuit.js";

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
