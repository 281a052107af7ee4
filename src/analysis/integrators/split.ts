/**
 * Which linear devices change from one time point to the next, for
 * Engine.splitLinear: capacitors (their companion model depends on the step)
 * and, in a transient, independent sources with a time waveform. The other
 * linear devices (resistors, DC sources, controlled sources) are loaded once.
 * Not possible (null) when a node fixed by a voltage source moves in time:
 * every device tied to it would change its right-hand side.
 */
import type { Circuit } from "../../circuit/circuit.js";
import type { Device } from "../../devices/types.js";

export function dynamicLinearDevices(circuit: Circuit, sources: "tran" | "dc"): Device[] | null {
  if (sources === "tran" && circuit.fixed.some((f) => f.source.changesInTime(sources))) return null;
  // Each device says whether its stamp moves (Device.changesInTime): capacitors always, sources with a waveform in a transient.
  return circuit.devices.filter((d) => d.changesInTime?.(sources) === true);
}
