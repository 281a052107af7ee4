/**
 * The XSPICE analog code models eqspice runs, as ngspice 39's
 * src/xspice/icm/analog/<model>/ifspec.ifs (ports, parameters, defaults,
 * limits) and cfunc.mod (equations, smoothing, partials). Every model here
 * has one output `out` and reads its inputs u_j (V for voltage ports, A for
 * current ports) in the order of its connections; `evaluate` gives the
 * output y (V or A) and its exact partials dy/du_j, which ngspice's
 * MIFload stamps as a controlled source linearized at the iterate:
 *   y(u) ~ y0 + sum_j dy/du_j (u_j - u0_j).
 */

import { oneshot } from "./oneshot.js";
import { core } from "./core.js";
import { lcouple } from "./lcouple.js";
import { pswitch } from "./pswitch.js";
import { cmeter, lmeter } from "./meter.js";
import { table2d } from "./table/table2d.js";
import { table3d } from "./table/table3d.js";

/** A port's type, as written after `%`: v, vd (voltage), i, id (current), vnam (a V source's current), d (digital); real: the user-defined node type "real" (never written, a port's default only). */
export type PortType = "v" | "vd" | "i" | "id" | "vnam" | "g" | "gd" | "h" | "hd" | "d" | "real";

export interface PortDef {
  name: string;
  /**
   * "inout": a conductance port (%g, %gd), both an input (its voltage
   * V(n+) - V(n-), read in the port's place among the inputs) and the
   * output (the current y from n+ through the model to n-).
   */
  dir: "in" | "out" | "inout";
  allowed: readonly PortType[];
  /** The type of a port written without `%type` (the ifspec's Default_Type); undefined: %v. */
  defType?: PortType;
  /** The port may be NULL (the ifspec's Null_Allowed: ilimit's supplies). */
  nullable?: boolean;
  /** Vector port with its minimum size, or undefined for a scalar port. */
  vectorMin?: number;
}

export interface ParamDef {
  name: string;
  kind: "real" | "int" | "bool" | "string";
  /** A string parameter's allowed values (case-insensitive): its value is the index of the one given. */
  choices?: readonly string[];
  /** A free string parameter (no `choices`, a file name): its default text; its value is the text given, case kept. */
  defText?: string;
  /** Default value (undefined: the parameter must be given, as ngspice's "Parameter on model has no default"). */
  def?: number;
  /** Vector parameter: its size is that of port `sizeOf`, or at least `min` when not tied to a port. */
  vector?: { sizeOf?: string; min?: number };
  /** Bounds [lo, hi] (inclusive) from the ifspec's Limits. */
  limits?: [number, number];
}

/** The evaluated parameters of one model card: scalars and vectors by name. */
export type XParams = ReadonlyMap<string, number | readonly number[] | string>;

/**
 * What a model that reads a file (table2d, table3d) may ask of the line
 * that uses it: the file a string parameter names, and errors at that
 * parameter (at the card when the parameter is not given).
 */
export interface XFileAccess {
  /** The text of the file parameter `param` names and the path it was read from, found as ngspice 39's fopen_with_path finds it; throws a NetlistError when it cannot be read. */
  read(param: string): { text: string; path: string };
  /** Throw a NetlistError about parameter `param`. */
  fail(param: string, msg: string): never;
}

/** What the evaluation of a code model needs to know of the analysis. */
export interface XEvalState {
  /** True at a DC operating point or sweep point (XSPICE's TIME = 0). */
  dc: boolean;
}

/** A code model, evaluated: y and its partials in out[0], out[1 + j]. */
export interface XBehaviour {
  /** True when y is affine in u (the device is then linear). */
  readonly affine: boolean;
  /**
   * y and its partials at u; `ac`: the AC gains ngspice uses instead, where
   * they are not the exact partials (climit's control inputs).
   */
  evaluate(u: Float64Array, out: Float64Array, ac?: boolean): void;
  /** cmeter / lmeter: the value the model reads of the netlist at its input's positive node (meter.ts), set once every element exists. */
  readonly meter?: "c" | "l";
  setMeter?(value: number): void;
}

/**
 * cm_smooth_discontinuity (ngspice's cmutil.c): y from (xl, yl) to (xu, yu)
 * by two parabolas meeting at the midpoint, flat outside [xl, xu].
 */
export function smoothDiscontinuity(x: number, xl: number, yl: number, xu: number, yu: number): number {
  const xc = (xu + xl) / 2;
  const yc = (yu + yl) / 2;
  const cs = (2 * (yu - yl)) / (xu - xl);
  if (x < xl) return yl;
  if (x < xc) {
    const a = cs / (xu - xl);
    const b = cs - 2 * a * xc;
    const c = yc - a * xc * xc - b * xc;
    return a * x * x + b * x + c;
  }
  if (x < xu) {
    const a = -cs / (xu - xl);
    const b = -2 * a * xu;
    const c = yu - a * xu * xu - b * xu;
    return a * x * x + b * x + c;
  }
  return yu;
}

/**
 * A static model with several current outputs (ilimit): y_o and its
 * partials in out[o (n + 1)], out[o (n + 1) + 1 + j], for its `outputs`
 * outputs in port order.
 */
export interface XMultiBehaviour {
  readonly outputs: number;
  /** `ac`: the AC gains ngspice uses instead, where they are not the exact partials. */
  evaluate(u: Float64Array, out: Float64Array, ac?: boolean): void;
}

/** cm_smooth_discontinuity with its slope: [y, dy/dx] into r. */
export function smoothDiscontinuityD(x: number, xl: number, yl: number, xu: number, yu: number, r: Float64Array): void {
  const xc = (xu + xl) / 2;
  const yc = (yu + yl) / 2;
  const cs = (2 * (yu - yl)) / (xu - xl);
  if (x < xl) [r[0], r[1]] = [yl, 0];
  else if (x < xc) {
    const a = cs / (xu - xl);
    const b = cs - 2 * a * xc;
    const c = yc - a * xc * xc - b * xc;
    [r[0], r[1]] = [a * x * x + b * x + c, 2 * a * x + b];
  } else if (x < xu) {
    const a = -cs / (xu - xl);
    const b = -2 * a * xu;
    const c = yu - a * xu * xu - b * xu;
    [r[0], r[1]] = [a * x * x + b * x + c, 2 * a * x + b];
  } else [r[0], r[1]] = [yu, 0];
}

export interface XModelDef {
  ports: readonly PortDef[];
  params: readonly ParamDef[];
  /** The behaviour for these parameters (static models), or undefined for the integrator / differentiator (dynamic, in xspice.ts). */
  make?(p: XParams, nIn: number, data?: unknown): XBehaviour;
  /** Models that read a file: the data `make` gets, read once per element (errors at the card's parameter). */
  load?(p: XParams, io: XFileAccess): unknown;
  /** int / d_dt / s_xfer: the output has a state integrated in time. */
  dynamic?: "int" | "d_dt" | "s_xfer" | "slew" | "hyst" | "sine";
  /** The dynamic kind for these parameters, where a parameter chooses it (core's mode=2: hyst); undefined: \`dynamic\`. */
  dynamicFor?(p: XParams): "hyst" | undefined;
  /** Checks of the card's parameters beyond their limits (sizes that must agree, ...): a message and the parameter it names, or null. */
  check?(p: XParams): { message: string; param: string } | null;
  /** Several outputs (its inout ports, NULL ones left out): the behaviour for these parameters. */
  makeMulti?(p: XParams, nulls: ReadonlySet<string>): XMultiBehaviour;
  /** Why a transient refuses the model (its time behaviour is not modelled), if it does. */
  tranRefusal?: string;
  /** Why an AC analysis refuses the model (ngspice's AC gains are not what eqspice can match), if it does. */
  acRefusal?: string;
}

const VIN: readonly PortType[] = ["v", "vd", "i", "id", "vnam"];
const VOUT: readonly PortType[] = ["v", "vd", "i", "id"];
const num = (p: XParams, k: string): number => p.get(k) as number;
const vec = (p: XParams, k: string): readonly number[] => p.get(k) as readonly number[];

/**
 * cm_smooth_corner (ngspice's cmutil.c): the parabola that joins the line of
 * slope `lo` to the line of slope `hi`, both through (xc, yc), over
 * [xc - d, xc + d]; returns y at x and writes dy/dx into r[1].
 */
export function smoothCorner(x: number, xc: number, yc: number, d: number, lo: number, hi: number, r: Float64Array): void {
  const xu = xc + d;
  const yu = yc + hi * d;
  const a = ((hi - lo) / 4) * (1 / d);
  const b = hi - 2 * a * xu;
  const c = yu - a * xu * xu - b * xu;
  r[0] = a * x * x + b * x + c;
  r[1] = 2 * a * x + b;
}

/**
 * The output limiter of limit, int and d_dt: y0 (slope dy0 with respect to
 * the input) clipped to [lo, hi] with parabolic corners of half-width
 * `range` (cm_smooth_corner), into r = [y, dy/du]. `limitStyle` "limit":
 * the corners start at lo + range / hi - range as limit/cfunc.mod does;
 * the same parabolas for int and d_dt, whose cfunc.mod tests the ranges in
 * another order (identical regions when lo + range < hi - range).
 */
function clip(y0: number, dy0: number, lo: number, hi: number, range: number, r: Float64Array): void {
  if (y0 < lo + range) {
    if (y0 > lo - range) {
      smoothCorner(y0, lo, lo, range, 0, 1, r);
      r[1] *= dy0;
    } else {
      r[0] = lo;
      r[1] = 0;
    }
  } else if (y0 > hi - range) {
    if (y0 < hi + range) {
      smoothCorner(y0, hi, hi, range, 1, 0, r);
      r[1] *= dy0;
    } else {
      r[0] = hi;
      r[1] = 0;
    }
  } else {
    r[0] = y0;
    r[1] = dy0;
  }
}

/** int / d_dt output limiting, in their cfunc.mod's order of tests (lower limit first, then upper). */
export function clipDynamic(y0: number, dy0: number, lo: number, hi: number, range: number, r: Float64Array): void {
  if (y0 < lo - range) {
    r[0] = lo;
    r[1] = 0;
  } else if (y0 < lo + range) {
    smoothCorner(y0, lo, lo, range, 0, 1, r);
    r[1] *= dy0;
  } else if (y0 > hi + range) {
    r[0] = hi;
    r[1] = 0;
  } else if (y0 > hi - range) {
    smoothCorner(y0, hi, hi, range, 1, 0, r);
    r[1] *= dy0;
  } else {
    r[0] = y0;
    r[1] = dy0;
  }
}

const gain: XModelDef = {
  ports: [
    { name: "in", dir: "in", allowed: VIN },
    { name: "out", dir: "out", allowed: VOUT },
  ],
  params: [
    { name: "in_offset", kind: "real", def: 0 },
    { name: "gain", kind: "real", def: 1 },
    { name: "out_offset", kind: "real", def: 0 },
  ],
  make(p) {
    const off = num(p, "in_offset");
    const k = num(p, "gain");
    const oo = num(p, "out_offset");
    // y = out_offset + gain (u + in_offset)
    return {
      affine: true,
      evaluate(u, out) {
        out[0] = oo + k * (u[0] + off);
        out[1] = k;
      },
    };
  },
};

const summerLike = (product: boolean): XModelDef => ({
  ports: [
    { name: "in", dir: "in", allowed: VIN, vectorMin: 1 },
    { name: "out", dir: "out", allowed: VOUT },
  ],
  params: [
    { name: "in_offset", kind: "real", def: 0, vector: { sizeOf: "in" } },
    { name: "in_gain", kind: "real", def: 1, vector: { sizeOf: "in" } },
    { name: "out_gain", kind: "real", def: 1 },
    { name: "out_offset", kind: "real", def: 0 },
  ],
  make(p, n) {
    const off = vec(p, "in_offset");
    const g = vec(p, "in_gain");
    const og = num(p, "out_gain");
    const oo = num(p, "out_offset");
    if (!product) {
      // summer: y = out_gain sum_j in_gain_j (u_j + in_offset_j) + out_offset
      return {
        affine: true,
        evaluate(u, out) {
          let s = 0;
          for (let j = 0; j < n; j++) {
            s += g[j] * (u[j] + off[j]);
            out[1 + j] = og * g[j];
          }
          out[0] = og * s + oo;
        },
      };
    }
    // mult: y = out_gain prod_j in_gain_j prod_j (u_j + in_offset_j) + out_offset;
    // dy/du_j = out_gain prod(gains) prod_{m != j}(u_m + in_offset_m) (exact, also where a factor is 0)
    let gp = og;
    for (let j = 0; j < n; j++) gp *= g[j];
    return {
      affine: n === 1,
      evaluate(u, out) {
        let prod = 1;
        for (let j = 0; j < n; j++) {
          let others = 1;
          for (let m = 0; m < n; m++) if (m !== j) others *= u[m] + off[m];
          out[1 + j] = gp * others;
          prod *= u[j] + off[j];
        }
        out[0] = gp * prod + oo;
      },
    };
  },
});

const divide: XModelDef = {
  ports: [
    { name: "num", dir: "in", allowed: VIN },
    { name: "den", dir: "in", allowed: VIN },
    { name: "out", dir: "out", allowed: VOUT },
  ],
  params: [
    { name: "num_offset", kind: "real", def: 0 },
    { name: "num_gain", kind: "real", def: 1 },
    { name: "den_offset", kind: "real", def: 0 },
    { name: "den_gain", kind: "real", def: 1 },
    { name: "den_lower_limit", kind: "real", def: 1e-10, limits: [1e-10, Infinity] },
    { name: "den_domain", kind: "real", def: 1e-16 },
    { name: "fraction", kind: "bool", def: 0 },
    { name: "out_gain", kind: "real", def: 1 },
    { name: "out_offset", kind: "real", def: 0 },
  ],
  make(p) {
    const lim = num(p, "den_lower_limit");
    const dom = num(p, "fraction") ? num(p, "den_domain") * lim : num(p, "den_domain");
    const og = num(p, "out_gain");
    const ng = num(p, "num_gain");
    const dg = num(p, "den_gain");
    const no = num(p, "num_offset");
    const dof = num(p, "den_offset");
    const oo = num(p, "out_offset");
    const r = new Float64Array(2);
    // the denominator d = den_gain (u_den + den_offset) kept away from 0: |d| >= den_lower_limit,
    // with a parabolic corner of half-width den_domain about +-den_lower_limit (divide/cfunc.mod)
    return {
      affine: false,
      evaluate(u, out) {
        const n = (u[0] + no) * ng;
        const d = (u[1] + dof) * dg;
        let ld: number;
        let dp: number;
        if (d < lim + dom && d >= 0) {
          if (d > lim - dom) {
            smoothCorner(d, lim, lim, dom, 0, 1, r);
            [ld, dp] = [r[0], r[1]];
          } else [ld, dp] = [lim, 0];
        } else if (d > -(lim + dom) && d < 0) {
          if (d < -(lim - dom)) {
            smoothCorner(d, -lim, -lim, dom, 0, 1, r);
            [ld, dp] = [r[0], r[1]];
          } else [ld, dp] = [-lim, 0];
        } else [ld, dp] = [d, 1];
        out[0] = oo + og * (n / ld);
        out[1] = (og * ng) / ld;
        out[2] = (-og * n * dg * dp) / (ld * ld);
      },
    };
  },
};

const limit: XModelDef = {
  ports: [
    { name: "in", dir: "in", allowed: VIN },
    { name: "out", dir: "out", allowed: VOUT },
  ],
  params: [
    { name: "in_offset", kind: "real", def: 0 },
    { name: "gain", kind: "real", def: 1 },
    { name: "out_lower_limit", kind: "real" },
    { name: "out_upper_limit", kind: "real" },
    { name: "limit_range", kind: "real", def: 1e-6 },
    { name: "fraction", kind: "bool", def: 0 },
  ],
  make(p) {
    const lo = num(p, "out_lower_limit");
    const hi = num(p, "out_upper_limit");
    const range = num(p, "fraction") ? num(p, "limit_range") * (hi - lo) : num(p, "limit_range");
    const k = num(p, "gain");
    const off = num(p, "in_offset");
    const r = new Float64Array(2);
    // y0 = gain (u + in_offset), clipped to [lo, hi] with parabolic corners (limit/cfunc.mod)
    return {
      affine: false,
      evaluate(u, out) {
        clip(k * (off + u[0]), k, lo, hi, range, r);
        out[0] = r[0];
        out[1] = r[1];
      },
    };
  },
};

const pwl: XModelDef = {
  ports: [
    { name: "in", dir: "in", allowed: VIN },
    { name: "out", dir: "out", allowed: VOUT },
  ],
  params: [
    { name: "x_array", kind: "real", vector: { min: 2 } },
    { name: "y_array", kind: "real", vector: { min: 2 } },
    { name: "input_domain", kind: "real", def: 0.01, limits: [1e-12, 0.5] },
    { name: "fraction", kind: "bool", def: 1 },
    { name: "limit", kind: "bool", def: 0 },
  ],
  make(p) {
    // ngspice 39 extends the table by one point at each end, its x mirrored
    // (x[0] = 2 x[1] - x[2]), its y the same as its neighbour's (limit=true:
    // constant outside the table, with a smoothed corner at the end points)
    // or on the end segment's line (limit=false: linear extrapolation)
    const xa = vec(p, "x_array");
    const ya = vec(p, "y_array");
    const lim = num(p, "limit") !== 0;
    const m = xa.length;
    const x = [2 * xa[0] - xa[1], ...xa, 2 * xa[m - 1] - xa[m - 2]];
    const y = lim ? [ya[0], ...ya, ya[m - 1]] : [2 * ya[0] - ya[1], ...ya, 2 * ya[m - 1] - ya[m - 2]];
    const size = x.length;
    const dom0 = num(p, "input_domain");
    const frac = num(p, "fraction") !== 0;
    const r = new Float64Array(2);
    return {
      affine: false,
      evaluate(u, out) {
        const xi = u[0];
        // below the first midpoint / above the last: the end segments' lines
        if (xi <= (x[0] + x[1]) / 2) {
          out[1] = (y[1] - y[0]) / (x[1] - x[0]);
          out[0] = y[0] + (xi - x[0]) * out[1];
          return;
        }
        if (xi >= (x[size - 2] + x[size - 1]) / 2) {
          out[1] = (y[size - 1] - y[size - 2]) / (x[size - 1] - x[size - 2]);
          out[0] = y[size - 1] + (xi - x[size - 1]) * out[1];
          return;
        }
        for (let i = 1; i < size - 1; i++) {
          if (xi < (x[i] + x[i + 1]) / 2) {
            const ls = x[i] - x[i - 1];
            const us = x[i + 1] - x[i];
            // the corner's half-width: input_domain, times the shorter adjacent segment with fraction=true
            const dom = frac ? dom0 * (ls <= us ? ls : us) : dom0;
            if (xi < x[i] - dom) {
              out[1] = (y[i] - y[i - 1]) / ls;
              out[0] = y[i] + (xi - x[i]) * out[1];
            } else if (xi < x[i] + dom) {
              smoothCorner(xi, x[i], y[i], dom, (y[i] - y[i - 1]) / ls, (y[i + 1] - y[i]) / us, r);
              out[0] = r[0];
              out[1] = r[1];
            } else {
              out[1] = (y[i + 1] - y[i]) / us;
              out[0] = y[i] + (xi - x[i]) * out[1];
            }
            return;
          }
        }
        out[0] = NaN;
        out[1] = 0;
      },
    };
  },
};

/**
 * climit: limit with the bounds from two inputs, lo = u_lower + lower_delta,
 * hi = u_upper - upper_delta (climit/cfunc.mod); no linear range between
 * the corners (hi - lo < 2 limit_range): output 0, as ngspice's early return.
 * Its partials with respect to the controls are the exact derivatives of
 * the smoothed output (ngspice's cm_smooth_discontinuity approximates
 * them: the same solutions; in AC its values, as ngspice's AC gains): in the lower corner
 * y = (x - lo - d)^2 / (4 d) + x, in the upper y = -(x - hi + d)^2 / (4 d) + x,
 * with d = limit_range, or limit_range (hi - lo) when fraction=true.
 */
const climit: XModelDef = {
  ports: [
    { name: "in", dir: "in", allowed: VIN },
    { name: "cntl_upper", dir: "in", allowed: VIN },
    { name: "cntl_lower", dir: "in", allowed: VIN },
    { name: "out", dir: "out", allowed: VOUT },
  ],
  params: [
    { name: "in_offset", kind: "real", def: 0 },
    { name: "gain", kind: "real", def: 1 },
    { name: "upper_delta", kind: "real", def: 0 },
    { name: "lower_delta", kind: "real", def: 0 },
    { name: "limit_range", kind: "real", def: 1e-6 },
    { name: "fraction", kind: "bool", def: 0 },
  ],
  make(p) {
    const k = num(p, "gain");
    const off = num(p, "in_offset");
    const ud = num(p, "upper_delta");
    const ld = num(p, "lower_delta");
    const lr = num(p, "limit_range");
    const frac = num(p, "fraction") !== 0;
    const r = new Float64Array(2);
    return {
      affine: false,
      evaluate(u, out, ac) {
        const lo = u[2] + ld;
        const hi = u[1] - ud;
        const d = frac ? lr * (hi - lo) : lr;
        // dd/dlo, dd/dhi
        const dlo = frac ? -lr : 0;
        const dhi = frac ? lr : 0;
        out.fill(0);
        if (hi - d - (lo + d) < 0) return;
        const x = k * (off + u[0]);
        if (x < lo + d) {
          if (x > lo - d) {
            smoothCorner(x, lo, lo, d, 0, 1, r);
            const e = x - lo - d;
            const yd = -e / (2 * d) - (e * e) / (4 * d * d);
            out[0] = r[0];
            out[1] = k * r[1];
            out[3] = ac ? smoothDiscontinuity(x, lo, 1, lo + d, 0) : -e / (2 * d) + yd * dlo;
            out[2] = ac ? 0 : yd * dhi;
          } else {
            out[0] = lo;
            out[3] = 1;
          }
        } else if (x > hi - d) {
          if (x < hi + d) {
            smoothCorner(x, hi, hi, d, 1, 0, r);
            const e = x - hi + d;
            const yd = -e / (2 * d) + (e * e) / (4 * d * d);
            out[0] = r[0];
            out[1] = k * r[1];
            out[2] = ac ? smoothDiscontinuity(x, hi - d, 0, hi, 1) : e / (2 * d) + yd * dhi;
            out[3] = ac ? 0 : yd * dlo;
          } else {
            out[0] = hi;
            out[2] = 1;
          }
        } else {
          out[0] = x;
          out[1] = k;
        }
      },
    };
  },
};

const intModel: XModelDef = {
  ports: [
    { name: "in", dir: "in", allowed: VIN },
    { name: "out", dir: "out", allowed: VOUT },
  ],
  params: [
    { name: "in_offset", kind: "real", def: 0 },
    { name: "gain", kind: "real", def: 1 },
    { name: "out_lower_limit", kind: "real" },
    { name: "out_upper_limit", kind: "real" },
    { name: "limit_range", kind: "real", def: 1e-6 },
    { name: "out_ic", kind: "real", def: 0 },
  ],
  dynamic: "int",
};

const dDt: XModelDef = {
  ports: [
    { name: "in", dir: "in", allowed: VIN },
    { name: "out", dir: "out", allowed: VOUT },
  ],
  params: [
    { name: "gain", kind: "real", def: 1 },
    { name: "out_offset", kind: "real", def: 0 },
    { name: "out_lower_limit", kind: "real" },
    { name: "out_upper_limit", kind: "real" },
    { name: "limit_range", kind: "real", def: 1e-6 },
  ],
  dynamic: "d_dt",
};

const sXfer: XModelDef = {
  ports: [
    { name: "in", dir: "in", allowed: VOUT },
    { name: "out", dir: "out", allowed: VOUT },
  ],
  params: [
    { name: "in_offset", kind: "real", def: 0 },
    { name: "gain", kind: "real", def: 1 },
    { name: "num_coeff", kind: "real", vector: { min: 1 } },
    { name: "den_coeff", kind: "real", vector: { min: 2 } },
    { name: "int_ic", kind: "real", vector: { min: 1 } },
    { name: "denormalized_freq", kind: "real", def: 1 },
  ],
  dynamic: "s_xfer",
};

const slew: XModelDef = {
  ports: [
    { name: "in", dir: "in", allowed: VIN },
    { name: "out", dir: "out", allowed: VOUT },
  ],
  params: [
    { name: "rise_slope", kind: "real", def: 1e-9 },
    { name: "fall_slope", kind: "real", def: 1e-9 },
  ],
  dynamic: "slew",
};

const GD: readonly PortType[] = ["gd"];

/**
 * aswitch (xtradev/aswitch/cfunc.mod): a resistance r(c) of the control
 * input c between out's nodes, the current y = V(out) / r. log=true: r =
 * r_on exp(ln(r_off / r_on) (cntl_on - c) / (cntl_on - cntl_off)); false:
 * r linear in c through (cntl_off, r_off) and (cntl_on, r_on). r_on below
 * 1e-3 ohm is taken as 1e-3. limit=true clamps r to [r_on, r_off] (first
 * up to r_on, then down to r_off, as cfunc.mod), false only from below at
 * 1e-9 ohm. Inputs u = [c, V(out)]. Partials exact: where r is clamped,
 * dy/dc = 0 (cfunc.mod keeps the unclamped one there; same solutions).
 * ngspice 39's AC gains are the partials negated (a negative conductance):
 * an AC analysis refuses the model.
 */
const aswitch: XModelDef = {
  ports: [
    { name: "cntl_in", dir: "in", allowed: VIN },
    { name: "out", dir: "inout", allowed: GD, defType: "gd" },
  ],
  params: [
    { name: "cntl_off", kind: "real", def: 0 },
    { name: "cntl_on", kind: "real", def: 1 },
    { name: "log", kind: "bool", def: 1 },
    { name: "r_off", kind: "real", def: 1e12 },
    { name: "r_on", kind: "real", def: 1 },
    { name: "limit", kind: "bool", def: 0 },
  ],
  acRefusal: "ngspice 39's aswitch gives AC gains of the opposite sign to its DC partials (a negative conductance of -1/r): eqspice does not reproduce that",
  make(p) {
    const con = num(p, "cntl_on");
    const coff = num(p, "cntl_off");
    const roff = num(p, "r_off");
    const ron = Math.max(num(p, "r_on"), 1e-3);
    const log = num(p, "log") !== 0;
    const lim = num(p, "limit") !== 0;
    const inter = log ? Math.log(roff / ron) / (con - coff) : (ron - roff) / (con - coff);
    const r0 = (roff * con - ron * coff) / (con - coff);
    return {
      affine: false,
      evaluate(u, out) {
        const c = u[0];
        const v = u[1];
        let r = log ? ron * Math.exp(inter * (con - c)) : c * inter + r0;
        // dr/dc of the unclamped r
        let dr = log ? -inter * r : inter;
        if (lim) {
          if (r < ron) [r, dr] = [ron, 0];
          if (r > roff) [r, dr] = [roff, 0];
        } else if (r <= 1e-9) [r, dr] = [1e-9, 0];
        out[0] = v / r;
        out[1] = (-v * dr) / (r * r);
        out[2] = 1 / r;
      },
    };
  },
};

/**
 * zener (xtradev/zener/cfunc.mod): the current i(v) from z+ to z- of the
 * voltage v across it; three regions (forward exponential, a line of slope
 * i_sat / 10, the reverse breakdown exponential) when the region 2/3
 * boundary lies below the 1/2 one, else two (forward and reverse
 * exponentials, the smaller slope at 0 raised to the larger by a linear
 * term); plus the leakage i_rev / v_breakdown v. Vt is 0.026 V, as
 * cfunc.mod. limit_switch (ngspice's step limiting of v between
 * iterations) changes the Newton path, not the solution: accepted, not
 * modelled. The partial is cfunc.mod's (exact). AC: the partial.
 */
const zener: XModelDef = {
  ports: [{ name: "z", dir: "inout", allowed: GD, defType: "gd" }],
  params: [
    { name: "v_breakdown", kind: "real", limits: [1e-6, 1e6] },
    { name: "i_breakdown", kind: "real", def: 2e-2, limits: [1e-9, Infinity] },
    { name: "r_breakdown", kind: "real", def: 1, limits: [1e-12, Infinity] },
    { name: "i_rev", kind: "real", def: 1e-6, limits: [1e-9, Infinity] },
    { name: "i_sat", kind: "real", def: 1e-12, limits: [1e-15, Infinity] },
    { name: "n_forward", kind: "real", def: 1, limits: [0.1, 10] },
    { name: "limit_switch", kind: "bool", def: 0 },
  ],
  make(p) {
    const vbr = num(p, "v_breakdown");
    const ibr = num(p, "i_breakdown");
    const rbr = num(p, "r_breakdown");
    const irev = num(p, "i_rev");
    const isat = num(p, "i_sat");
    const nf = num(p, "n_forward");
    const vt = 0.026;
    const v12 = nf * vt * Math.log((nf * vt) / 10.0);
    const k = 1.0 / ibr / rbr;
    const v23 = -vbr + Math.log(10.0 / isat / rbr) / k;
    const g = irev / vbr;
    const three = v23 < v12;
    // three regions
    const i0a = 1e-6;
    const v0 = -vbr + (1.0 / k) * Math.log(ibr / i0a);
    const ord12 = isat * (Math.exp(v12 / nf / vt) - 1.0);
    const a = isat / 10.0;
    const b = ord12 - a * v12;
    const c = a * v23 + b + i0a * Math.exp(-k * (v23 - v0));
    // two regions
    const i0b = ibr / (Math.exp(k * vbr) - 1.0);
    const slope1 = isat / nf / vt;
    const slope2 = i0b * k;
    return {
      affine: false,
      evaluate(u, out) {
        const v = u[0];
        let i: number;
        let d: number;
        if (three) {
          if (v >= v12) {
            const t = Math.exp(v / nf / vt);
            i = isat * (t - 1.0);
            d = (isat / nf / vt) * t;
          } else if (v >= v23) {
            i = a * v + b;
            d = isat / 10.0;
          } else {
            const t = Math.exp(-k * (v - v0));
            i = -i0a * t + c;
            d = k * i0a * t;
          }
        } else if (v >= 0.0) {
          const t = Math.exp(v / nf / vt);
          i = isat * (t - 1.0);
          d = (isat / nf / vt) * t;
          const diff = slope2 - slope1;
          if (diff > 0.0) {
            i += diff * v;
            d += diff;
          }
        } else {
          const t = Math.exp(-k * v);
          i = -i0b * (t - 1.0);
          d = k * i0b * t;
          const diff = slope1 - slope2;
          if (diff > 0.0) {
            i += diff * v;
            d += diff;
          }
        }
        out[0] = i + g * v;
        out[1] = d + g;
      },
    };
  },
};

const GGD: readonly PortType[] = ["g", "gd"];

/**
 * ilimit (analog/ilimit/cfunc.mod): veq = cm_climit_fcn(in; pos_pwr,
 * neg_pwr; v_pwr_range), gain (in + in_offset) limited to the supplies
 * with parabolic corners (a NULL supply reads +-1e6 V); the output current
 * i = (veq - V(out)) / r_out into the out node, r_out from r_out_sink to
 * r_out_source smoothed over +-r_out_domain of veq - V(out)
 * (cm_smooth_discontinuity) when they differ; i limited to [-i_limit_sink,
 * i_limit_source] with parabolic corners (the upper corner's half-width is
 * i_sink_range, as cfunc.mod has it, its region i_source_range); the
 * supply that sources (pos_pwr) or sinks (neg_pwr) the current carries
 * it, smoothed near 0. Outputs (ngspice's signs: current from the node
 * into the model): pos_pwr, neg_pwr, out, NULL ones left out. Partials:
 * the exact derivatives of these (cfunc.mod's approximate veq's control
 * partials and r_out's slope; the same solutions); AC: cfunc.mod's
 * partials, as ngspice's AC gains.
 * Inputs u: in, V(pos_pwr), V(neg_pwr), V(out), NULL ones left out.
 */
const ilimit: XModelDef = {
  ports: [
    { name: "in", dir: "in", allowed: VIN },
    { name: "pos_pwr", dir: "inout", allowed: GGD, defType: "g", nullable: true },
    { name: "neg_pwr", dir: "inout", allowed: GGD, defType: "g", nullable: true },
    { name: "out", dir: "inout", allowed: GGD, defType: "g" },
  ],
  params: [
    { name: "in_offset", kind: "real", def: 0 },
    { name: "gain", kind: "real", def: 1 },
    { name: "r_out_source", kind: "real", def: 1, limits: [1e-9, 1e9] },
    { name: "r_out_sink", kind: "real", def: 1, limits: [1e-9, 1e9] },
    { name: "i_limit_source", kind: "real", def: 10e-3, limits: [1e-12, Infinity] },
    { name: "i_limit_sink", kind: "real", def: 10e-3, limits: [1e-12, Infinity] },
    { name: "v_pwr_range", kind: "real", def: 1e-6, limits: [1e-15, Infinity] },
    { name: "i_source_range", kind: "real", def: 1e-9, limits: [1e-15, Infinity] },
    { name: "i_sink_range", kind: "real", def: 1e-9, limits: [1e-15, Infinity] },
    { name: "r_out_domain", kind: "real", def: 1e-9, limits: [1e-15, Infinity] },
  ],
  makeMulti(p, nulls) {
    const off = num(p, "in_offset");
    const gain = num(p, "gain");
    const rsrc = num(p, "r_out_source");
    const rsnk = num(p, "r_out_sink");
    const ilsrc = num(p, "i_limit_source");
    const ilsnk = num(p, "i_limit_sink");
    const d = num(p, "v_pwr_range");
    const srcR = num(p, "i_source_range");
    const snkR = num(p, "i_sink_range");
    const dom = num(p, "r_out_domain");
    const hasPos = !nulls.has("pos_pwr");
    const hasNeg = !nulls.has("neg_pwr");
    const jPos = hasPos ? 1 : -1;
    const jNeg = hasNeg ? (hasPos ? 2 : 1) : -1;
    const jOut = 1 + (hasPos ? 1 : 0) + (hasNeg ? 1 : 0);
    const n = jOut + 1;
    const t = new Float64Array(2);
    // partials with respect to the inputs: veq's, i's (before and after limiting), the supplies' currents
    const pv = new Float64Array(n);
    const pi = new Float64Array(n);
    const pPos = new Float64Array(n);
    const pNeg = new Float64Array(n);
    return {
      outputs: n - 1,
      evaluate(u, out, ac) {
        const vpos = hasPos ? u[jPos] : 1e6;
        const vneg = hasNeg ? u[jNeg] : -1e6;
        const vout = u[jOut];
        pv.fill(0);
        // cm_climit_fcn(in, in_offset, vpos, vneg, 0, 0, v_pwr_range, gain, FALSE), its tests in its order
        const lo = vneg;
        const hi = vpos;
        const x = gain * (off + u[0]);
        let veq: number;
        // dveq/dx, dveq/dlo, dveq/dhi
        let dx = 0;
        let dlo = 0;
        let dhi = 0;
        if (x < lo + d) {
          if (x > lo - d) {
            smoothCorner(x, lo, lo, d, 0, 1, t);
            veq = t[0];
            dx = t[1];
            // ngspice's AC gain: cm_climit_fcn's cm_smooth_discontinuity approximation of the exact -e / (2 d)
            dlo = ac ? smoothDiscontinuity(x, lo, 1, lo + d, 0) : -(x - lo - d) / (2 * d);
          } else [veq, dlo] = [lo, 1];
        } else if (x > hi - d) {
          if (x < hi + d) {
            smoothCorner(x, hi, hi, d, 1, 0, t);
            veq = t[0];
            dx = t[1];
            dhi = ac ? smoothDiscontinuity(x, hi - d, 0, hi, 1) : (x - hi + d) / (2 * d);
          } else [veq, dhi] = [hi, 1];
        } else [veq, dx] = [x, 1];
        pv[0] = gain * dx;
        if (hasPos) pv[jPos] = dhi;
        if (hasNeg) pv[jNeg] = dlo;
        // r_out of s = veq - vout
        const sv = veq - vout;
        let r = rsrc;
        let pr = 0;
        if (rsrc !== rsnk) {
          smoothDiscontinuityD(sv, -dom, rsnk, dom, rsrc, t);
          [r, pr] = [t[0], t[1]];
        }
        let i = sv / r;
        // di/ds
        const q = 1 / r - (sv * pr) / (r * r);
        // AC: cfunc.mod's partials, veq (vout) in place of veq - vout in r_out's slope terms
        const qv = ac ? 1 / r - (veq * pr) / (r * r) : q;
        for (let j = 0; j < n; j++) pi[j] = qv * pv[j];
        pi[jOut] -= ac ? 1 / r + (vout * pr) / (r * r) : q;
        let iPos = 0;
        let iNeg = 0;
        pPos.fill(0);
        pNeg.fill(0);
        if (i < 0) {
          if (i < -ilsnk + snkR) {
            if (i < -ilsnk - snkR) {
              i = -ilsnk;
              iNeg = -i;
              pi.fill(0);
            } else {
              smoothCorner(i, -ilsnk, -ilsnk, snkR, 0, 1, t);
              i = t[0];
              for (let j = 0; j < n; j++) pi[j] *= t[1];
              iNeg = -i;
              for (let j = 0; j < n; j++) pNeg[j] = -pi[j];
            }
          } else if (i > -2 * snkR) {
            smoothCorner(i, -snkR, 0, snkR, 1, 0, t);
            iNeg = -t[0];
            for (let j = 0; j < n; j++) pNeg[j] = -pi[j] * t[1];
          } else {
            iNeg = -i;
            for (let j = 0; j < n; j++) pNeg[j] = -pi[j];
          }
        } else if (i > ilsrc - srcR) {
          if (i > ilsrc + srcR) {
            i = ilsrc;
            iPos = -i;
            pi.fill(0);
          } else {
            smoothCorner(i, ilsrc, ilsrc, snkR, 1, 0, t);
            i = t[0];
            for (let j = 0; j < n; j++) pi[j] *= t[1];
            iPos = -i;
            for (let j = 0; j < n; j++) pPos[j] = -pi[j];
          }
        } else if (i < 2 * srcR) {
          smoothCorner(i, srcR, 0, srcR, 0, 1, t);
          iPos = -t[0];
          for (let j = 0; j < n; j++) pPos[j] = -pi[j] * t[1];
        } else {
          iPos = -i;
          for (let j = 0; j < n; j++) pPos[j] = -pi[j];
        }
        // outputs in port order, ngspice's signs (OUTPUT = -i, PARTIAL = -di/du)
        let o = 0;
        const put = (y: number, py: Float64Array): void => {
          out[o * (n + 1)] = -y;
          for (let j = 0; j < n; j++) out[o * (n + 1) + 1 + j] = -py[j];
          o++;
        };
        if (hasPos) put(iPos, pPos);
        if (hasNeg) put(iNeg, pNeg);
        put(i, pi);
      },
    };
  },
};

/** hyst: stateful (hyst.ts). */
const hyst: XModelDef = {
  ports: [
    { name: "in", dir: "in", allowed: VIN },
    { name: "out", dir: "out", allowed: VOUT },
  ],
  params: [
    { name: "in_low", kind: "real", def: 0 },
    { name: "in_high", kind: "real", def: 1 },
    { name: "hyst", kind: "real", def: 0.1, limits: [0, Infinity] },
    { name: "out_lower_limit", kind: "real", def: 0 },
    { name: "out_upper_limit", kind: "real", def: 1 },
    { name: "input_domain", kind: "real", def: 0.01 },
    { name: "fraction", kind: "bool", def: 1 },
  ],
  dynamic: "hyst",
};

/**
 * multi_input_pwl (analog/multi_input_pwl/cfunc.mod): the table (x, y) at
 * the smallest input (model "and", and "nand", which cfunc.mod treats the
 * same: it looks for "and" in the name) or the largest (model "or" and
 * "nor"): y[0] at or below x[0], y[last] at or above x[last], else the
 * line through the first segment (x[i-1], x[i]] that holds it; no
 * smoothing. cfunc.mod sets no partials (ngspice iterates on the output
 * alone) and no AC gains (0 in AC): eqspice stamps the exact partial, the
 * segment's slope with respect to the input that is chosen (the first of
 * equal ones), which gives the same solutions, and 0 gains in AC.
 */
const multiInputPwl: XModelDef = {
  ports: [
    { name: "in", dir: "in", allowed: ["vd", "id"], vectorMin: 2, defType: "vd" },
    { name: "out", dir: "out", allowed: ["vd", "id"], defType: "vd" },
  ],
  params: [
    { name: "x", kind: "real", vector: { min: 2 } },
    { name: "y", kind: "real", vector: { min: 2 } },
    { name: "model", kind: "string", choices: ["and", "or", "nand", "nor"], def: 0 },
  ],
  make(p, n) {
    const x = vec(p, "x");
    const y = vec(p, "y");
    const size = x.length;
    const smallest = num(p, "model") % 2 === 0; // and, nand
    return {
      affine: false,
      evaluate(u, out, ac) {
        let k = 0;
        for (let j = 1; j < n; j++) if (smallest ? u[j] < u[k] : u[j] > u[k]) k = j;
        const xi = u[k];
        out.fill(0);
        if (xi <= x[0]) out[0] = y[0];
        else if (xi >= x[size - 1]) out[0] = y[size - 1];
        else {
          for (let i = 1; i < size; i++) {
            if (xi > x[i - 1] && xi <= x[i]) {
              const slope = (y[i] - y[i - 1]) / (x[i] - x[i - 1]);
              out[0] = slope * xi + (y[i] - slope * x[i]);
              if (!ac) out[1 + k] = slope;
              break;
            }
          }
        }
      },
    };
  },
};

/**
 * sine, square and triangle (analog/<model>/cfunc.mod): oscillators whose
 * frequency follows the control input through (cntl_array, freq_array).
 * At DC (ANALYSIS == MIF_DC: an operating point, a .dc sweep, a
 * transient's operating point) cfunc.mod outputs a constant with a zero
 * partial: (out_high + out_low) / 2 for sine, out_low for square and
 * triangle; in AC a gain of 0. sine's transient is sine.ts; square's
 * and triangle's (their cycle times and breakpoints) are not modelled: a
 * transient refuses them.
 */
const oscillator = (kind: "sine" | "square" | "triangle"): XModelDef => ({
  ports: [
    { name: "cntl_in", dir: "in", allowed: VIN },
    { name: "out", dir: "out", allowed: VOUT },
  ],
  params: [
    { name: "cntl_array", kind: "real", vector: { min: 2 } },
    { name: "freq_array", kind: "real", vector: { min: 2 }, limits: [0, Infinity] },
    { name: "out_low", kind: "real", def: -1 },
    { name: "out_high", kind: "real", def: 1 },
    ...(kind === "sine" ? [] : [{ name: "duty_cycle", kind: "real" as const, def: 0.5, limits: [1e-6, 0.999999] as [number, number] }]),
    ...(kind === "square"
      ? [
          { name: "rise_time", kind: "real" as const, def: 1e-9 },
          { name: "fall_time", kind: "real" as const, def: 1e-9 },
        ]
      : []),
  ],
  ...(kind === "sine" ? { dynamic: "sine" as const } : { tranRefusal: `the transient of XSPICE's ${kind} oscillator is not modelled (eqspice runs it at DC, in .op and .dc, and in AC)` }),
  make(p) {
    const y = kind === "sine" ? (num(p, "out_high") + num(p, "out_low")) / 2 : num(p, "out_low");
    return {
      affine: true,
      evaluate(_u, out) {
        out[0] = y;
        out[1] = 0;
      },
    };
  },
});

/** The analog code models eqspice runs, by their SPICE model name. */
export const XSPICE_MODELS: Readonly<Record<string, XModelDef>> = {
  gain,
  summer: summerLike(false),
  mult: summerLike(true),
  divide,
  limit,
  climit,
  pwl,
  int: intModel,
  d_dt: dDt,
  s_xfer: sXfer,
  slew,
  aswitch,
  pswitch,
  zener,
  ilimit,
  hyst,
  multi_input_pwl: multiInputPwl,
  sine: oscillator("sine"),
  square: oscillator("square"),
  triangle: oscillator("triangle"),
  oneshot,
  core,
  lcouple,
  cmeter,
  lmeter,
  table2d,
  table3d,
};

/** ngspice 39's other analog code models (refused by name when used). */
export const XSPICE_ANALOG_OTHERS = new Set(["delay", "potentiometer", "memristor", "sidiode", "capacitoric", "inductoric", "zener", "spice2poly"]);

/** ngspice 39's digital and mixed-signal (event-driven) code models. */
export const XSPICE_DIGITAL = new Set([
  "adc_bridge", "dac_bridge", "d_and", "d_nand", "d_or", "d_nor", "d_xor", "d_xnor", "d_buffer", "d_inverter", "d_tristate", "d_pullup", "d_pulldown",
  "d_dff", "d_jkff", "d_srff", "d_tff", "d_dlatch", "d_srlatch", "d_fsm", "d_fdiv", "d_osc", "d_ram", "d_source", "d_state", "d_open_c", "d_open_e", "d_pwm", "d_lut", "d_genlut",
  "d_to_real", "real_to_v", "real_gain", "real_delay", "real_to_d", "int_to_real", "d_process", "d_cosim", "bidi_bridge",
]);

/** True for a `.model` type that is an XSPICE code model (run or refused when used). */
export function isXspiceModelType(t: string): boolean {
  return t in XSPICE_MODELS || t === "filesource" || t === "pwlts" || XSPICE_ANALOG_OTHERS.has(t) || XSPICE_DIGITAL.has(t);
}
