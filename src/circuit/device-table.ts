/**
 * Every element of a circuit by name. Resistors are kept as a name -> bank
 * index map and get their `Resistor` view only when asked for: an operating
 * point of a 160,000-device crossbar never needs the views, and making them
 * was a large share of its cost.
 */
import type { Device } from "../devices/types.js";
import { Resistor } from "../devices/resistor.js";
import type { SourceLoc } from "../netlist/errors.js";
import type { FastResistors } from "../netlist/lexer.js";

export class DeviceTable {
  private readonly others = new Map<string, Device>();
  private readonly rIndex = new Map<string, number>();
  private readonly rNames: string[] = [];
  /** Source locations of resistors that did not come from the parser's plain-resistor arrays. */
  private readonly rLocs: Array<SourceLoc | undefined> = [];
  private readonly views: Array<Resistor | undefined> = [];

  /**
   * @param rA, rB, rG the resistor bank's terminals and conductances (S)
   * @param fast the parser's plain-resistor arrays: bank slot k < fast.names.length is row k there
   */
  constructor(
    private readonly rA: Int32Array,
    private readonly rB: Int32Array,
    private readonly rG: Float64Array,
    private readonly fast: FastResistors,
  ) {}

  /**
   * Register resistor `name` at bank slot k; false when the name is taken.
   * One map operation: a resistor's name starts with `r` (SPICE names begin
   * with their element letter, flattened ones too), so it cannot collide with
   * another kind of element, and the map's size tells whether it was new.
   */
  addResistor(name: string, k: number, loc?: SourceLoc): boolean {
    const size = this.rIndex.size;
    this.rIndex.set(name, k);
    if (this.rIndex.size === size) {
      this.rIndex.set(name, this.rNames.indexOf(name)); // keep the first definition (error path)
      return false;
    }
    this.rNames[k] = name;
    if (loc) this.rLocs[k] = loc;
    return true;
  }

  /** Register any other element; false when the name is taken. */
  add(name: string, d: Device): boolean {
    if (this.rIndex.has(name) || this.others.has(name)) return false;
    this.others.set(name, d);
    return true;
  }

  /** Number of resistors. */
  get resistorCount(): number {
    return this.rNames.length;
  }

  /** Name of the resistor at bank slot k. */
  resistorName(k: number): string {
    return this.rNames[k];
  }

  /** The view of the resistor at bank slot k (made once, on first use). */
  resistor(k: number): Resistor {
    let v = this.views[k];
    if (!v) {
      const loc = this.rLocs[k];
      v = new Resistor(this.rNames[k], this.rA[k], this.rB[k], 0, { g: this.rG, index: k }, loc, loc ? undefined : this.fast, k);
      this.views[k] = v;
    }
    return v;
  }

  get(name: string): Device | undefined {
    const d = this.others.get(name);
    if (d) return d;
    const k = this.rIndex.get(name);
    return k === undefined ? undefined : this.resistor(k);
  }

  has(name: string): boolean {
    return this.others.has(name) || this.rIndex.has(name);
  }

  /** Every element: the others, then the resistors in bank order. */
  *values(): IterableIterator<Device> {
    yield* this.others.values();
    for (let k = 0; k < this.rNames.length; k++) yield this.resistor(k);
  }

  get size(): number {
    return this.others.size + this.rIndex.size;
  }
}
