/**
 * pswitch (ngspice 39's xtradev/pswitch/cfunc.mod): PSpice's voltage
 * controlled switch as a code model, two conductance ports:
 *
 *   Aname %gd(c+ c-) %gd(o+ o-) model      (cntl_in may also be %g)
 *
 * The switch is a resistance r(c) of the control voltage c = V(c+) - V(c-)
 * between o+ and o-, its current (A, from o+ through the model to o-)
 *   i_out = V(out) / r,
 * and the control port draws i_cntl = c / r_cntl_in (A, from c+ to c-).
 *
 * r_on below 1e-3 ohm is taken as 1e-3, r_off above 1e12 ohm as 1e12;
 * cntl_on and cntl_off closer than 1e-12 V are moved apart to
 * cntl_on + 1e-3 and cntl_off - 1e-3 (cfunc.mod's INIT).
 *
 * log=true (PSpice's VSWITCH): with x = (c - cntl_off) / (cntl_on -
 * cntl_off) - 1/2 (for cntl_on > cntl_off; else (cntl_on - c) / (cntl_on -
 * cntl_off) - 1/2 and s = -1, here s = 1),
 *   ln r = ln sqrt(r_on r_off) + L (1.5 x / s - 2 x^3 / s^3),  L = ln(r_on / r_off),
 * r = r_on beyond cntl_on, r_off beyond cntl_off, and r kept >= r_on.
 * log=false: r linear in c through (cntl_off, r_off) and (cntl_on, r_on),
 * r_on / r_off beyond cntl_on / cntl_off, and kept >= 1e-9 ohm.
 *
 * Partials: exact (ngspice takes them numerically, cm_analog_auto_partial:
 * the same solutions); where r is clamped, dr/dc = 0:
 *   d i_out / dc = -V(out) r'(c) / r^2,  d i_out / dV(out) = 1 / r,
 *   d i_cntl / dc = 1 / r_cntl_in.
 * ngspice 39's AC gains are the partials negated (a negative conductance),
 * and none for the control port: an AC analysis refuses the model.
 * Inputs u = [c, V(out)]; outputs in port order: cntl_in, out.
 */
import type { XModelDef, XMultiBehaviour, XParams } from "./models.js";

const num = (p: XParams, k: string): number => p.get(k) as number;

/** r(c) and dr/dc into res, for the model's parameters (cfunc.mod's INIT, done once). */
export function pswitchResistance(p: XParams): (c: number, res: Float64Array) => void {
  const ron = Math.max(num(p, "r_on"), 1e-3);
  const roff = Math.min(num(p, "r_off"), 1e12);
  let con = num(p, "cntl_on");
  let coff = num(p, "cntl_off");
  if (Math.abs(con - coff) < 1e-12) {
    con += 0.001;
    coff -= 0.001;
  }
  const w = con - coff;
  if (num(p, "log") !== 0) {
    const up = con > coff;
    // the cubic in x normalised to [-1/2, 1/2] over [cntl_off, cntl_on]; s = +-1 its direction
    const s = up ? 1 : -1;
    const logmean = Math.log(Math.sqrt(ron * roff));
    const lr = Math.log(ron / roff);
    const c1 = (1.5 * lr) / s;
    const c3 = (2 * lr) / (s * s * s);
    // dx/dc
    const dx = up ? 1 / w : -1 / w;
    return (c, res) => {
      const on = up ? c > con : c < con;
      const off = up ? c < coff : c > coff;
      if (on) [res[0], res[1]] = [ron, 0];
      else if (off) [res[0], res[1]] = [roff, 0];
      else {
        const x = up ? (c - coff) / w - 0.5 : (con - c) / w - 0.5;
        const r = Math.exp(logmean + c1 * x - c3 * x * x * x);
        // dr/dc = r (c1 - 3 c3 x^2) dx/dc
        if (r < ron) [res[0], res[1]] = [ron, 0];
        else [res[0], res[1]] = [r, r * (c1 - 3 * c3 * x * x) * dx];
      }
    };
  }
  const inter = (ron - roff) / w;
  const r0 = (roff * con - ron * coff) / w;
  const up = w >= 0;
  return (c, res) => {
    const off = up ? c < coff : c > coff;
    const on = up ? c > con : c < con;
    let r: number;
    let dr: number;
    if (off) [r, dr] = [roff, 0];
    else if (on) [r, dr] = [ron, 0];
    else [r, dr] = [c * inter + r0, inter];
    if (r <= 1e-9) [r, dr] = [1e-9, 0];
    res[0] = r;
    res[1] = dr;
  };
}

export const pswitch: XModelDef = {
  ports: [
    { name: "cntl_in", dir: "inout", allowed: ["g", "gd"], defType: "gd" },
    { name: "out", dir: "inout", allowed: ["gd"], defType: "gd" },
  ],
  params: [
    { name: "cntl_off", kind: "real", def: 0 },
    { name: "cntl_on", kind: "real", def: 1 },
    { name: "log", kind: "bool", def: 1 },
    { name: "r_off", kind: "real", def: 1e12 },
    { name: "r_on", kind: "real", def: 1 },
    { name: "r_cntl_in", kind: "real", def: 1e12 },
  ],
  acRefusal: "ngspice 39's pswitch gives AC gains of the opposite sign to its DC partials (a negative conductance of -1/r) and none on its control port: eqspice does not reproduce that",
  check(p) {
    if (num(p, "r_cntl_in") === 0) return { message: "pswitch's r_cntl_in must not be 0 (the control port's current is V(cntl_in) / r_cntl_in)", param: "r_cntl_in" };
    if (num(p, "log") !== 0 && !(Math.min(num(p, "r_off"), 1e12) > 0)) return { message: "pswitch with log=true needs r_off > 0 (r varies as the logarithm of r_on / r_off)", param: "r_off" };
    return null;
  },
  makeMulti(p): XMultiBehaviour {
    const rc = num(p, "r_cntl_in");
    const res = pswitchResistance(p);
    const t = new Float64Array(2);
    return {
      outputs: 2,
      evaluate(u, out) {
        const c = u[0];
        const v = u[1];
        // i_cntl = c / r_cntl_in
        out[0] = c / rc;
        out[1] = 1 / rc;
        out[2] = 0;
        // i_out = V(out) / r(c)
        res(c, t);
        const r = t[0];
        out[3] = v / r;
        out[4] = (-v * t[1]) / (r * r);
        out[5] = 1 / r;
      },
    };
  },
};
