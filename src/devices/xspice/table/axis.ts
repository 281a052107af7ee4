/**
 * One input of ngspice 39's table2d / table3d against its table axis, as
 * their cfunc.mod takes it: outside the axis the input is held at the end
 * value and the partial derivative ramps to zero over RAMP_WIDTH of the end
 * cell; inside, the cell index (findCrossOver, support/interp.c), the offset
 * from the cell's start (in the axis's unit, V or A) and the local grid step
 * the ENO derivative is divided by (get_local_diff).
 */

/** How quickly the partial derivative ramps to zero beyond the table's edge (in end cells). */
export const RAMP_WIDTH = 0.125;

/** Where an input falls on an axis. */
export interface AxisPoint {
  /** The factor of the partial derivative: 1 inside, down to 0 outside. */
  ramp: number;
  /** The index of the highest axis value <= the (held) input, 0 below the first. */
  ind: number;
  /** The (held) input minus axis[ind]. */
  off: number;
  /** The local step: the centred difference inside, the end cell's width at an end. */
  diff: number;
}

/** The highest index whose value is <= x, 0 if all are greater (a bisection over the increasing axis a). */
export function findCrossOver(a: Float64Array, x: number): number {
  let low = 0;
  let high = a.length;
  while (high - low > 1) {
    const mid = (low + high) >> 1;
    if (a[mid] > x) high = mid;
    else low = mid;
  }
  return low;
}

/** The input u on axis a (length >= 2), into p. */
export function locate(a: Float64Array, u: number, p: AxisPoint): void {
  const n = a.length;
  let v = u;
  if (u < a[0] || u > a[n - 1]) {
    let ramp: number;
    if (u < a[0]) {
      ramp = 1 - (a[0] - u) / (RAMP_WIDTH * (a[1] - a[0]));
      v = a[0];
    } else {
      ramp = 1 - (u - a[n - 1]) / (RAMP_WIDTH * (a[n - 1] - a[n - 2]));
      v = a[n - 1];
    }
    p.ramp = ramp < 0 ? 0 : ramp;
  } else p.ramp = 1;
  const ind = findCrossOver(a, v);
  p.ind = ind;
  p.off = v - a[ind];
  p.diff = ind >= n - 1 ? a[n - 1] - a[n - 2] : ind <= 0 ? a[1] - a[0] : 0.5 * (a[ind + 1] - a[ind - 1]);
}

/**
 * The cell of the linear interpolation: an input at the last axis value
 * falls in the last cell at its far end. Returns the cell index and writes
 * the fraction (0..1) through it into t[slot].
 */
export function cell(a: Float64Array, p: AxisPoint, t: Float64Array, slot: number): number {
  let ind = p.ind;
  let off = p.off;
  if (ind === a.length - 1) {
    --ind;
    off += a[ind + 1] - a[ind];
  }
  t[slot] = off / (a[ind + 1] - a[ind]);
  return ind;
}

export const newPoint = (): AxisPoint => ({ ramp: 1, ind: 0, off: 0, diff: 1 });
