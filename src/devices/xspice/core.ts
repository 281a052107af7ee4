/**
 * core (ngspice 39's icm/xtradev/core/cfunc.mod): a magnetic core, one
 * conductance port mc (%gd or %g) whose voltage is the magnetomotive force
 * mmf (ampere-turns, as volts) and whose current is the flux (webers, as
 * amperes) from mc+ through the model to mc-. It is driven by lcouple's
 * mmf_out port.
 *
 * mode=1 (pwl): H = mmf / length (A/m), B(H) the B-H table (h_array,
 * b_array) with its end segments' lines beyond the end midpoints and each
 * inner corner smoothed over +-input_domain (times the shorter adjacent
 * segment with fraction=true) by cm_smooth_corner; flux = B area, its
 * partial dB/dH area / length. Unlike the pwl model the table is not
 * extended. fraction=false with a segment shorter than 2 input_domain:
 * ngspice's "Violation of 50% rule in breakpoints!" (the model outputs
 * nothing), refused here.
 *
 * mode=2 (hyst): the flux is the hyst model's output of the mmf (the same
 * code and parameters: in_low, in_high, hyst, out_lower_limit,
 * out_upper_limit, input_domain, fraction), hyst.ts.
 *
 * AC: the partial at the operating point, as cfunc.mod's AC gain. Static
 * in a transient (pwl mode); hyst mode as hyst.
 */
import { smoothCorner, type PortType, type XModelDef, type XParams } from "./models.js";

const G: readonly PortType[] = ["g", "gd"];

export const core: XModelDef = {
  ports: [{ name: "mc", dir: "inout", allowed: G, defType: "gd" }],
  params: [
    { name: "h_array", kind: "real", vector: { min: 2 } },
    { name: "b_array", kind: "real", vector: { min: 2 } },
    { name: "area", kind: "real" },
    { name: "length", kind: "real" },
    { name: "input_domain", kind: "real", def: 0.01, limits: [1e-12, 0.5] },
    { name: "fraction", kind: "bool", def: 1 },
    { name: "mode", kind: "int", def: 1, limits: [1, 2] },
    { name: "in_low", kind: "real", def: 0 },
    { name: "in_high", kind: "real", def: 1 },
    { name: "hyst", kind: "real", def: 0.1, limits: [0, Infinity] },
    { name: "out_lower_limit", kind: "real", def: 0 },
    { name: "out_upper_limit", kind: "real", def: 1 },
  ],
  dynamicFor: (p) => (p.get("mode") === 2 ? "hyst" : undefined),
  check(p) {
    if (p.get("mode") === 2) return null;
    const h = p.get("h_array") as readonly number[];
    const b = p.get("b_array") as readonly number[];
    if (h.length !== b.length) return { message: `h_array has ${h.length} values, b_array ${b.length}: they must be as many`, param: "b_array" };
    const dom = p.get("input_domain") as number;
    if (!p.get("fraction")) {
      for (let i = 0; i + 1 < h.length; i++) {
        if (h[i + 1] - h[i] < 2 * dom) return { message: `h_array's segment [${h[i]}, ${h[i + 1]}] is shorter than 2 input_domain = ${2 * dom} with fraction=false (ngspice: "Violation of 50% rule in breakpoints!")`, param: "h_array" };
      }
    }
    return null;
  },
  make(p: XParams) {
    const H = p.get("h_array") as readonly number[];
    const B = p.get("b_array") as readonly number[];
    const area = p.get("area") as number;
    const len = p.get("length") as number;
    const dom0 = p.get("input_domain") as number;
    const frac = p.get("fraction") !== 0;
    const size = H.length;
    const r = new Float64Array(2);
    return {
      affine: false,
      evaluate(u, out) {
        const x = u[0] / len;
        let y = NaN;
        let d = NaN;
        if (x <= (H[1] + H[0]) / 2) {
          d = (B[1] - B[0]) / (H[1] - H[0]);
          y = B[0] + (x - H[0]) * d;
        } else if (x >= (H[size - 2] + H[size - 1]) / 2) {
          d = (B[size - 1] - B[size - 2]) / (H[size - 1] - H[size - 2]);
          y = B[size - 1] + (x - H[size - 1]) * d;
        } else {
          for (let i = 1; i < size - 1; i++) {
            if (x < (H[i] + H[i + 1]) / 2) {
              const ls = H[i] - H[i - 1];
              const us = H[i + 1] - H[i];
              const dom = frac ? dom0 * (ls <= us ? ls : us) : dom0;
              if (x < H[i] - dom) {
                d = (B[i] - B[i - 1]) / ls;
                y = B[i] + (x - H[i]) * d;
              } else if (x < H[i] + dom) {
                smoothCorner(x, H[i], B[i], dom, (B[i] - B[i - 1]) / ls, (B[i + 1] - B[i]) / us, r);
                [y, d] = [r[0], r[1]];
              } else {
                d = (B[i + 1] - B[i]) / us;
                y = B[i] + (x - H[i]) * d;
              }
              break;
            }
          }
        }
        out[0] = y * area;
        out[1] = (d * area) / len;
      },
    };
  },
};
