/**
 * Shards: `--shard K/N` runs a deterministic 1/N of a sweep's points, so N
 * independent processes (a Slurm job array, GNU parallel) split one sweep
 * with no coordinator. Points are ordered by their config hash and dealt
 * round-robin, so the shards are disjoint, cover every point, differ in size
 * by at most one, and do not depend on the order of the axes in the config.
 */
import { InputError } from "../util/errors.js";

export interface Shard {
  /** 1-based shard index. */
  k: number;
  n: number;
}

/** Parse "K/N" (1 <= K <= N). */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const k = m ? Number(m[1]) : NaN;
  const n = m ? Number(m[2]) : NaN;
  if (!m || !(n >= 1) || !(k >= 1 && k <= n)) throw new InputError(`--shard: expected K/N with 1 <= K <= N (e.g. 3/8), got '${text}'`);
  return { k, n };
}

/** The items of shard `s`, in their original order. */
export function selectShard<T extends { hash: string }>(items: T[], s: Shard | undefined): T[] {
  if (!s || s.n === 1) return items;
  const order = items.map((p) => p.hash).sort();
  const mine = new Set(order.filter((_, i) => i % s.n === s.k - 1));
  return items.filter((p) => mine.has(p.hash));
}
