/**
 * Axis expansion: the points of a sweep are the cartesian product of its
 * axis blocks (the first block varies slowest). A grid block is the
 * cartesian product of its lists (the first key varies slowest), a zip block
 * pairs its lists element by element (all the same length), a list block
 * gives its points one by one.
 */
import { InputError } from "../util/errors.js";
import type { AxisBlock, Flat, SweepConfig } from "./config.js";

/** The assignments of one block, in order. */
export function blockPoints(b: AxisBlock, where: string): Flat[] {
  if ("list" in b) return b.list.map((e) => ({ ...e }));
  if ("zip" in b) {
    const keys = Object.keys(b.zip);
    const lens = keys.map((k) => b.zip[k]!.length);
    if (lens.some((n) => n !== lens[0])) {
      throw new InputError(`${where}.zip: every list must have the same length (${keys.map((k, i) => `${k}: ${lens[i]}`).join(", ")})`);
    }
    return Array.from({ length: lens[0] ?? 0 }, (_, i) => Object.fromEntries(keys.map((k) => [k, b.zip[k]![i]!])));
  }
  let out: Flat[] = [{}];
  for (const [k, vs] of Object.entries(b.grid)) out = out.flatMap((p) => vs.map((v) => ({ ...p, [k]: v })));
  return out;
}

/** Keys a block sets. */
function blockKeys(b: AxisBlock): string[] {
  if ("list" in b) return [...new Set(b.list.flatMap((e) => Object.keys(e)))];
  return Object.keys("zip" in b ? b.zip : b.grid);
}

/** The swept keys, in axis order. A key may be swept by one block only. */
export function axisKeys(cfg: SweepConfig): string[] {
  const owner = new Map<string, number>();
  cfg.axes.forEach((b, i) => {
    for (const k of blockKeys(b)) {
      const j = owner.get(k);
      if (j !== undefined) throw new InputError(`sweep config ${cfg.file}: "${k}" is swept by both axes[${j}] and axes[${i}]; combine them in one block`);
      owner.set(k, i);
    }
  });
  return [...owner.keys()];
}

/** Every point's axis assignment (base not included), in sweep order. */
export function expandAxes(cfg: SweepConfig): Flat[] {
  axisKeys(cfg);
  let out: Flat[] = [{}];
  cfg.axes.forEach((b, i) => {
    const pts = blockPoints(b, `axes[${i}]`);
    out = out.flatMap((p) => pts.map((q) => ({ ...p, ...q })));
  });
  return out;
}
