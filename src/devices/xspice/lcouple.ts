/**
 * lcouple (ngspice 39's icm/xtradev/lcouple/cfunc.mod): a winding of
 * num_turns turns on a core (core.ts). Port l (%hd or %h) is the
 * winding: its branch current i_l (A, from l+ through the winding to l-)
 * is the input, its voltage the output num_turns dphi/dt; port mmf_out
 * (%hd) drives the core: V(mmf+) - V(mmf-) = num_turns i_l (ampere-turns),
 * its branch current the core's flux phi (webers, with a minus sign).
 *
 * At DC (TIME = 0: an operating point, a .dc point, a transient's first
 * point) cfunc.mod sets the winding's voltage to 0 with a zero partial:
 * the winding is then a 0 V source, which is how eqspice reads port l (its
 * current the model's input, as an %id port's); mmf_out is the model's
 * voltage output. Not modelled: the transient (cfunc.mod's backward
 * difference N (phi - phi_old) / (TIME - T(1)) of the flux) and AC (its
 * gains j omega N from the flux and N from i_l, which need the mmf branch's
 * current as an input): both refuse the model.
 */
import type { XModelDef, XParams } from "./models.js";

export const lcouple: XModelDef = {
  ports: [
    // at DC a 0 V source whose current is the input (the %i / %id reading of line.ts)
    { name: "l", dir: "in", allowed: ["h", "hd"], defType: "hd" },
    { name: "mmf_out", dir: "out", allowed: ["hd"], defType: "hd" },
  ],
  params: [{ name: "num_turns", kind: "real", def: 1 }],
  tranRefusal: "the transient of XSPICE's lcouple (the winding's voltage num_turns dphi/dt of the core's flux) is not modelled (eqspice runs it at DC, in .op and .dc)",
  acRefusal: "the AC gains of XSPICE's lcouple (j omega num_turns from the core's flux) are not modelled (eqspice runs it at DC, in .op and .dc)",
  make(p: XParams) {
    const n = p.get("num_turns") as number;
    return {
      affine: true,
      evaluate(u, out) {
        // mmf = num_turns i_l
        out[0] = n * u[0];
        out[1] = n;
      },
    };
  },
};
