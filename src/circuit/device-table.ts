/**
 * Every element of a circuit by name. Resistors are bank slots: those from
 * the parser's plain-resistor arrays are found through its name table (no
 * name strings at all), the others through a name -> slot map. A resistor
 * gets its `Resistor` view only when asked for: an operating point of a
 * 160,000-device crossbar never needs the views, and making them (or even
 * their names) was a large share of its cost.
 */
import type { Device } from "../devices/types.js";
import { Resistor } from "../devices/resistor/resistor.js";
import type { SourceLoc } from "../util/errors.js";
import type { FastResistors } from "../netlist/fast-resistors.js";
import { globLiteralPrefix, globMatch } from "../netlist/annotations.js";

export class DeviceTable {
  private readonly others = new Map<string, Device>();
  /** Bank slots of the resistors that did not come from the parser's plain-resistor arrays. */
  private readonly rIndex = new Map<string, number>();
  /** Their names, by bank slot (slots below fast.count are named by `fast`). */
  private readonly rNames: string[] = [];
  /** Their source locations, by bank slot. */
  private readonly rLocs: Array<SourceLoc | undefined> = [];
  private readonly views: Array<Resistor | undefined> = [];
  /**
   * Whether names of other resistors are checked against `fast` at the end
   * (`fastDuplicate`) instead of one by one as they are added: whichever
   * side is smaller is looked up in the other (a crossbar annotation adds
   * 10^5 names next to a few plain lines; a plain crossbar is the reverse).
   */
  private readonly checkFastAtEnd: boolean;

  /**
   * @param rA, rB, rG the resistor bank's terminals and conductances (S)
   * @param fast the parser's plain-resistor arrays: bank slot k < fast.count
   *   is row k there, its name already known unique among them
   */
  constructor(
    private readonly rA: Int32Array,
    private readonly rB: Int32Array,
    private readonly rG: Float64Array,
    private readonly fast: FastResistors,
  ) {
    this.checkFastAtEnd = fast.count <= rA.length - fast.count;
  }

  /** Bank slot of resistor `name`, or -1. */
  private slotOf(name: string): number {
    const k = this.rIndex.get(name);
    if (k !== undefined) return k;
    // Only resistor names start with `r` (SPICE names begin with their element letter, flattened ones too).
    return name.charCodeAt(0) === 114 ? this.fast.find(name) : -1;
  }

  /**
   * Register resistor `name` (one that is not a row of `fast`) at bank slot k;
   * false when the name is taken (by a row of `fast` only when checked now:
   * see `fastDuplicate`). One map operation: the map's size tells whether
   * the name was new.
   */
  addResistor(name: string, k: number, loc?: SourceLoc): boolean {
    if (!this.checkFastAtEnd && this.fast.find(name) >= 0) return false;
    const size = this.rIndex.size;
    this.rIndex.set(name, k);
    if (this.rIndex.size === size) {
      this.rIndex.set(name, this.rNames.indexOf(name)); // keep the first definition (error path)
      return false;
    }
    this.rNames[k] = name;
    this.rLocs[k] = loc;
    return true;
  }

  /**
   * After every resistor is added: the name of a row of `fast` that another
   * resistor also has, when that check was left for the end; else undefined.
   */
  fastDuplicate(): string | undefined {
    if (!this.checkFastAtEnd || this.rIndex.size === 0) return undefined;
    for (let q = 0; q < this.fast.count; q++) {
      const name = this.fast.name(q);
      if (this.rIndex.has(name)) return name;
    }
    return undefined;
  }

  /** Register any other element; false when the name is taken. */
  add(name: string, d: Device): boolean {
    if (this.others.has(name) || this.slotOf(name) >= 0) return false;
    this.others.set(name, d);
    return true;
  }

  /** Number of resistors. */
  get resistorCount(): number {
    return this.rA.length;
  }

  /** Name of the resistor at bank slot k. */
  resistorName(k: number): string {
    return k < this.fast.count ? this.fast.name(k) : this.rNames[k];
  }

  /**
   * Bank slots of the resistors whose names match glob `pattern`, in bank
   * order. Names are made only for candidates that share the pattern's
   * literal prefix, found in the source text in place.
   */
  *resistorsMatching(pattern: string): IterableIterator<number> {
    if (!/[*?]/.test(pattern)) {
      // A plain name (trained.cir lists 10^5 of them): one lookup, not a scan.
      const k = this.slotOf(pattern.toLowerCase());
      if (k >= 0) yield k;
      return;
    }
    const pre = globLiteralPrefix(pattern);
    const fast = this.fast;
    for (let q = fast.nextWithPrefix(pre, 0); q >= 0; q = fast.nextWithPrefix(pre, q + 1)) {
      if (globMatch(pattern, fast.name(q))) yield q;
    }
    for (let k = fast.count; k < this.rNames.length; k++) {
      if (this.rNames[k].startsWith(pre) && globMatch(pattern, this.rNames[k])) yield k;
    }
  }

  /** The view of the resistor at bank slot k (made once, on first use). */
  resistor(k: number): Resistor {
    let v = this.views[k];
    if (!v) {
      const fromFast = k < this.fast.count;
      const name = this.resistorName(k);
      v = new Resistor(name, this.rA[k], this.rB[k], 0, { g: this.rG, index: k }, fromFast ? undefined : this.rLocs[k], fromFast ? this.fast : undefined, k);
      this.views[k] = v;
    }
    return v;
  }

  get(name: string): Device | undefined {
    const d = this.others.get(name);
    if (d) return d;
    const k = this.slotOf(name);
    return k < 0 ? undefined : this.resistor(k);
  }

  has(name: string): boolean {
    return this.others.has(name) || this.slotOf(name) >= 0;
  }

  /** Every element: the others, then the resistors in bank order. */
  *values(): IterableIterator<Device> {
    yield* this.others.values();
    for (let k = 0; k < this.rA.length; k++) yield this.resistor(k);
  }

  get size(): number {
    return this.others.size + this.rA.length;
  }
}
