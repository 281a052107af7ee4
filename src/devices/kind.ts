/**
 * What the circuit builder asks of each kind of element: make its device
 * from the element's elaborated line. The builder knows no element kinds: it
 * numbers the nodes, looks the kind up in the registry (registry.ts) and
 * then asks the devices themselves for their topology (Device.definesVoltage,
 * dcGroups, resolve, ...). A new device is a folder with its device and its
 * `element.ts`, plus one line in the registry.
 */
import type { ElementSpec, SimOptions } from "../netlist/elaborate.js";
import type { Device } from "./types.js";

/** The elaborated line of element type T (the netlist's ElementSpec for that letter). */
export type SpecOf<T extends ElementSpec["type"]> = ElementSpec extends infer S ? (S extends { type: infer U } ? (T extends U ? S & { type: T } : never) : never) : never;

/** What a kind's `make` may ask the builder. */
export interface MakeContext {
  /** Node indices of the element's terminals, in the order of spec.nodes. */
  readonly nodes: readonly number[];
  /** A new internal node of this element, named `element#suffix` (e.g. a diode's `#internal` node between RS and the junction). */
  internalNode(suffix: string): number;
  /** The netlist's simulator options (GMIN, temperature, reltol). */
  readonly options: SimOptions;
}

/** Make the device of an elaborated element line of type T. */
export type MakeDevice<T extends ElementSpec["type"]> = (spec: SpecOf<T>, ctx: MakeContext) => Device;
