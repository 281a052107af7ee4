/**
 * XSPICE analog code models (`A` elements) against a live ngspice 39 (its
 * code models are loaded by its spinit): gain, summer, mult, divide, limit,
 * pwl, int and d_dt; their port types (%v, %vd, %i, %id, %vnam, voltage
 * and current outputs, vector ports); .op and .dc sweeps through the
 * smoothed corners (1e-9 V at TIGHT tolerances), .ac (1e-6 relative) and
 * .tran (int, d_dt: 1e-3 V). Stamps against finite differences; bad lines
 * and cards as NetlistErrors at file:line:col.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { netlistErrorOf } from "./helpers/netlist-errors.js";
import { loadCircuit, loadCircuitFromText, operatingPoint, transient } from "../src/api.js";
import { NetlistError } from "../src/util/errors.js";
import { XspiceDevice } from "../src/devices/xspice/xspice.js";
import { XSPICE_MODELS } from "../src/devices/xspice/models.js";
import { describeNgspice, itNgspice, runNgspiceTran } from "./helpers/ngspice.js";
import { TIGHT, ngspiceDecks } from "./helpers/ngspice-compare.js";
import { checkStamp } from "./helpers/stamp-check.js";

const { dir, worst, compare, compareDc, compareAc } = ngspiceDecks("xspice");



const LIM = ".model lim limit(in_offset=0.1 gain=2 out_lower_limit=-1 out_upper_limit=1.5 limit_range=0.2)";
const PWL = ".model pw pwl(x_array=[-1 0 1 3] y_array=[0.5 0 2 1] input_domain=0.1)";

describeNgspice("XSPICE analog code models against ngspice 39: .op and .dc", () => {
  itNgspice("gain with every port type: %v, default, %i and %id outputs, %i, %id and %vnam inputs, %vd", () => {
    compare("gain-ports", [
      "gain ports", TIGHT,
      "v1 in 0 1.5",
      ".model g1 gain(in_offset=0.1 gain=2.0 out_offset=-0.01)",
      "a1 %v(in) %v(out) g1",
      "a2 in out2 g1", "r2 out2 0 1k",
      "a3 %v(in) %i(out3) g1", "r3 out3 0 1k",
      "a4 %v(in) %id(out4 mid4) g1", "r4 out4 0 1k", "r4b mid4 0 2k",
      "v5 x5 0 0.2", "r5 in x5 1k", "a5 %vnam(v5) %v(out5) g1",
      "a6 %id(in x6) %v(out6) g1", "r6 x6 0 1k",
      "a7 %i(x7) %vd(out7 in) g1", "r7 in x7 3k", "r7b out7 0 1k",
      "a8 %vd(in out) %v(out8) g1",
    ]);
  });

  itNgspice("summer and mult with vector ports and vector parameters, a loop through a resistor", () => {
    compare("summer-mult", [
      "summer mult", TIGHT,
      "v1 a 0 1.2", "v2 b 0 -0.7", "v3 c 0 0.3",
      ".model sm summer(in_offset=[0.1 -0.2 0] in_gain=[1 -1 2.5] out_gain=0.5 out_offset=0.05)",
      "a1 [a b %vd(c a)] s sm",
      ".model mu mult(in_offset=[0.5 1] in_gain=[2 0.5] out_gain=-1.5 out_offset=0.2)",
      "a2 %v [a s] m mu",
      "a3 [b %i(q)] %i(m2) mu", "rq a q 2k", "rm2 m2 0 1k",
    ]);
  });

  itNgspice("in subcircuits: {expression} vector elements from the instance's parameters, %vnam of the subcircuit's own source", () => {
    compare("subckt", [
      "subckt", TIGHT, ".param k=3", "v1 in 0 0.4",
      ".subckt blk a y params: g=2", "vs a m 0", "rm m 0 1k", ".model gg summer(in_gain=[{g} {-g/4}] out_offset={k/10})", "a1 [a %vnam(vs)] y gg", ".ends",
      "x1 in o1 blk g=5", "x2 in o2 blk",
    ]);
  });

  itNgspice("divide, limit and pwl at operating points in each region", () => {
    compare("divide-limit-pwl", [
      "divide limit pwl", TIGHT,
      "v1 a 0 0.3", "v2 b 0 2", "v3 c 0 -0.5",
      ".model dv divide(num_offset=0.1 num_gain=2 den_offset=0.1 den_gain=1.5 out_gain=0.7 out_offset=0.01 den_lower_limit=0.05 den_domain=0.01)",
      "a1 a b d1 dv", "a2 b c d2 dv", "a3 a 0 d3 dv",
      LIM, "a4 a l1 lim", "a5 b l2 lim", "a6 c l3 lim",
      PWL, "a7 a p1 pw", "a8 b p2 pw", "a9 c p3 pw",
      ".model pwc pwl(x_array=[0 1 2] y_array=[0 1 0] limit=true)", "a10 b p4 pwc",
      ".model ig int(out_ic=2 out_lower_limit=-10 out_upper_limit=10)", "a11 a i1 ig",
      ".model dd d_dt(out_offset=1 out_lower_limit=-10 out_upper_limit=10)", "a12 a i2 dd",
      // s_xfer at DC: its integrators at int_ic; with as many numerator as denominator terms the input shows through
      ".model sx s_xfer(num_coeff=[1 2] den_coeff=[2 3 4] in_offset=0.5 gain=2 int_ic=[0.3 0.7])", "a13 b x1 sx", ".model sl slew()", "a16 c x4 sl",
      ".model sx2 s_xfer(num_coeff=[5 1 2] den_coeff=[2 3 4] in_offset=0.5 gain=2 int_ic=[0.3 0.7] denormalized_freq=10)", "a14 b x2 sx2", "a15 %vd(b a) %i(x3) sx2", "r15 x3 0 1k",
    ]);
  });

  itNgspice(".dc sweeps through limit's and pwl's smoothed corners and divide's denominator limit", () => {
    compareDc("limit-sweep", ["limit sweep", "v1 in 0 0", LIM, "a1 in o lim", ".model limf limit(gain=1 out_lower_limit=-1 out_upper_limit=1 limit_range=0.1 fraction=true)", "a2 in o2 limf"], "v1 -1.5 1.5 0.01");
    compareDc("pwl-sweep", ["pwl sweep", "v1 in 0 0", PWL, "a1 in o pw", ".model pwa pwl(x_array=[-1 0 1 3] y_array=[0.5 0 2 1] input_domain=0.05 fraction=false)", "a2 in o2 pwa"], "v1 -2 4 0.01");
    const CL = [".model cl climit(in_offset=0.1 gain=2 upper_delta=0.1 lower_delta=0.05 limit_range=0.1)", ".model clf climit(gain=1 limit_range=0.1 fraction=true)"];
    compareDc("climit-sweep", ["climit sweep", "v1 in 0 0", "vu up 0 1", "vl lo 0 -0.5", ...CL, "a1 in up lo o1 cl", "a2 in %vd(up 0) lo o2 clf"], "v1 -1 1 0.01");
    compareDc("climit-control-sweep", ["climit control sweep", "v1 in 0 0.3", "vu up 0 1", "vl lo 0 -0.5", ...CL, "a1 in up lo o1 cl", "a2 in up %i(lo2) %i(o2) clf", "rl lo lo2 1", "r2 o2 0 1"], "vl -0.5 1.2 0.01");
    compareDc("divide-sweep", ["divide sweep", "v1 num 0 1", "v2 den 0 0", ".model dv divide(den_lower_limit=0.1 den_domain=0.02)", "a1 num den o dv", ".model dvf divide(den_lower_limit=0.1 den_domain=0.2 fraction=true)", "a2 num den o2 dvf"], "v2 -0.3 0.3 0.005");
  });
});

describeNgspice("XSPICE analog code models against ngspice 39: .ac and .tran", () => {
  itNgspice(".ac: gain, summer, limit and climit in their corners, pwl, int, d_dt and s_xfer in an RC circuit", () => {
    compareAc("ac", [
      "ac", "v1 in 0 dc 0.95 ac 1", "r1 in x 1k", "c1 x 0 1u",
      ".model g1 gain(gain=-3 in_offset=0.05)", "a1 x o1 g1",
      ".model sm summer(in_gain=[1 2])", "a2 [x o1] o2 sm",
      LIM, "a3 in o3 lim",
      PWL, "a4 x o4 pw",
      ".model ig int(gain=1000 out_lower_limit=-1e6 out_upper_limit=1e6)", "a5 x o5 ig", "a7 x %i(o7) ig", "r7 o7 0 1k",
      ".model dd d_dt(gain=1e-3 out_lower_limit=-1e6 out_upper_limit=1e6)", "a6 x o6 dd",
      ".model sx2 s_xfer(num_coeff=[5 1 2] den_coeff=[2 3 4] in_offset=0.5 gain=2 int_ic=[0.3 0.7] denormalized_freq=10)", "a8 x o8 sx2",
      // climit in its corners: its control inputs' AC gains are ngspice's (cm_smooth_discontinuity)
      ".model sl slew(rise_slope=1e3)", "a13 x o13 sl",
      ".model cl climit(limit_range=0.2)", "a11 in x 0 o11 cl", "vlo lo 0 0.9", "vhi hi 0 1", "a12 in hi lo o12 cl",
      ".model bw s_xfer(num_coeff=[1] den_coeff=[1 1.414 1] int_ic=[0 0] denormalized_freq=6283)", "a9 x %i(o9) bw", "r9 o9 0 1k",
      ".model hp s_xfer(gain=0.5 num_coeff=[1 0 0 0] den_coeff=[1 2 2 1] int_ic=[0 0 0] denormalized_freq=1e4)", "rv in vin 1k", "a10 %i(vin) o10 hp",
    ], "dec 5 1 100k");
  });

  itNgspice(".tran: int and d_dt of a sine and a pulse, int in a feedback loop (an RC made of blocks)", () => {
    const f = path.join(dir, "tran.cir");
    writeFileSync(f, [
      "tran", "v1 in 0 sin(0.2 1 1k)", "v2 p 0 pulse(0 1 0.2m 0.1m 0.1m 0.3m 1m)",
      ".model ig int(gain=1000 in_offset=0.1 out_ic=0.5 out_lower_limit=-0.8 out_upper_limit=0.9 limit_range=0.05)", "a1 in o1 ig",
      ".model dd d_dt(gain=2e-5 out_offset=0.1 out_lower_limit=-0.05 out_upper_limit=0.5 limit_range=0.02)", "a2 p o2 dd",
      // y' = 2000 (u - y): int of a summer of the input and its own output
      ".model sm summer(in_gain=[1 -1])", "a3 [p y] e sm", ".model ig2 int(gain=2000 out_lower_limit=-10 out_upper_limit=10)", "a4 e y ig2",
      // a 2nd-order low-pass (corner 1 kHz) and a high-pass, from nonzero integrator states
      ".model lp s_xfer(num_coeff=[1] den_coeff=[1 1.414 1] int_ic=[0.2 -0.1] denormalized_freq=6283)", "a5 p s1 lp",
      ".model hp s_xfer(gain=0.5 num_coeff=[1 0 0] den_coeff=[1 0.5 1] int_ic=[0 0] denormalized_freq=1e4)", "a6 in s2 hp",
      // slew-rate limited followers of the pulse (it rises at 1e4 V/s, falls at 5e3 V/s) and of the sine, one with a current output
      ".model sl slew(rise_slope=5e3 fall_slope=2e3)", "a7 p w1 sl", "a8 in %i(w2) sl", "r8 w2 0 1",
      ".tran 1u 3m", ".end", "",
    ].join("\n"));
    const nodes = ["o1", "o2", "y", "s1", "s2", "w1", "w2"];
    // both integrate by backward Euler (XSPICE's cm_analog_integrate): a small TMAX keeps the step-size differences small
    const tmax = 0.25e-6;
    const ng = runNgspiceTran(f, { tstep: 1e-6, tstop: 3e-3, tmax, nodes });
    const eq = transient(loadCircuit(f), { integrator: "trap", tmax });
    for (const n of nodes) {
      let w = 0;
      const e = eq.nodes[n];
      const nv = ng.nodes[n];
      // eqspice at its output grid, ngspice interpolated there (both steps are at most 1 us)
      let j = 0;
      for (let k = 0; k < eq.time.length; k++) {
        const t = eq.time[k];
        while (j + 1 < ng.time.length - 1 && ng.time[j + 1] < t) j++;
        const t0 = ng.time[j];
        const t1 = ng.time[j + 1];
        const v = t1 > t0 ? nv[j] + ((nv[j + 1] - nv[j]) * (t - t0)) / (t1 - t0) : nv[j];
        // d_dt jumps where the pulse has corners: skip the points within a step of them
        if (n === "o2" && [0.2e-3, 0.3e-3, 0.6e-3, 0.7e-3].some((c) => [0, 1, 2].some((p) => Math.abs(t - c - p * 1e-3) < 3e-6))) continue;
        w = Math.max(w, Math.abs(e[k] - v));
      }
      worst.set(`tran v(${n}) (${ng.time.length} ngspice points, range ${Math.min(...e).toFixed(3)} to ${Math.max(...e).toFixed(3)} V)`, w);
      expect(w, `tran v(${n})`).toBeLessThanOrEqual(1e-3);
    }
  });
});

describe("XSPICE devices: stamps against finite differences", () => {
  /** A device reading node voltages (1, 2) with its output between 3 and 0, built from a one-line netlist. */
  const device = (model: string, conn: string): { d: XspiceDevice; index: (n: string) => number } => {
    const c = loadCircuitFromText(`t\n${conn}\n${model}\n.end\n`, "<t>", { allowFloating: true });
    return { d: c.devices.find((d) => d instanceof XspiceDevice) as XspiceDevice, index: (n) => c.nodeIndex.get(n)! };
  };
  it("mult, divide, limit and pwl with a current output: the Jacobian is the derivative of the current", () => {
    const cases: Array<[string, string, number[][]]> = [
      [".model mu mult(in_offset=[0.5 -1] in_gain=[2 0.5] out_gain=1.5)", "a1 [1 2] %i(3) mu", [[0.3, 0.7, 0.1], [-0.5, 1, 0]]],
      [".model dv divide(den_lower_limit=0.1 den_domain=0.05 num_offset=0.2)", "a1 1 2 %i(3) dv", [[0.3, 0.7, 0], [0.3, 0.12, 0], [0.3, -0.09, 0], [0.4, -2, 0]]],
      [".model lim limit(gain=2 out_lower_limit=-1 out_upper_limit=1 limit_range=0.2)", "a1 1 %i(3) lim", [[0.3, 0, 0], [0.45, 0, 0], [-0.55, 0, 0], [2, 0, 0]]],
      [".model pw pwl(x_array=[-1 0 1 3] y_array=[0.5 0 2 1] input_domain=0.1)", "a1 1 %i(3) pw", [[0.01, 0, 0], [0.95, 0, 0], [2, 0, 0], [-3, 0, 0], [5, 0, 0]]],
      [".model pwc pwl(x_array=[-1 0 1 3] y_array=[0.5 0 2 1] input_domain=0.1 limit=true)", "a1 1 %i(3) pwc", [[-1.05, 0, 0], [2.98, 0, 0], [3.1, 0, 0], [-3, 0, 0]]],
      // climit: in, cntl_upper, cntl_lower (nodes 1, 2, 4); each corner, fixed and fractional ranges
      [".model cl climit(in_offset=0.1 gain=2 upper_delta=0.1 lower_delta=0.05 limit_range=0.1)", "a1 1 2 4 %i(3) cl", [[0.25, 1, 0, -0.5], [0.38, 1, 0, -0.5], [-0.28, 1, 0, -0.5], [-0.33, 1, 0, -0.5], [-1, 1, 0, -0.5], [2, 1, 0, -0.5]]],
      [".model clf climit(gain=1 limit_range=0.1 fraction=true)", "a1 1 2 4 %i(3) clf", [[0.95, 1, 0, -0.5], [1.1, 1, 0, -0.5], [-0.45, 1, 0, -0.5], [-0.6, 1, 0, -0.5], [0.2, 1, 0, -0.5]]],
    ];
    for (const [model, conn, points] of cases) {
      const { d, index } = device(model, conn);
      const n = d.nodes.length;
      const nNodes = Math.max(...d.nodes);
      for (const p of points) {
        const volts = new Array<number>(nNodes + 1).fill(0);
        p.forEach((v, i) => (volts[index(String(i + 1))] = v));
        checkStamp(d, nNodes, volts, (v) => {
          const out = new Float64Array(nNodes + 1);
          d.addCurrents(Float64Array.from(v), new Float64Array(0), -1, out);
          return Array.from(out);
        });
      }
      expect(n).toBeGreaterThan(1);
    }
  });
});

describe("XSPICE: bad lines and cards", () => {
  const err = (text: string): NetlistError => netlistErrorOf(text);
  it("names file:line:col", () => {
    const e1 = err('t\nv1 a 0 1\na1 a b dand\n.model dand d_process(process_file="prog")\n.end\n');
    expect(e1.message).toMatch(/bad\.cir:3:8.*XSPICE digital code model d_process is not supported/);
    const e2 = err("t\nv1 a 0 1\na1 a b c g1\n.model g1 gain(gain=2)\n.end\n");
    expect(e2.message).toMatch(/bad\.cir:3:8.*gain has 2 ports/);
    const e3 = err("t\nv1 a 0 1\na1 [a a] b sm\n.model sm summer(in_gain=[1 2 3])\n.end\n");
    expect(e3.message).toMatch(/bad\.cir:4:26.*in_gain has 3 values, but port 'in'.* has 2/);
    const e4 = err("t\nv1 a 0 1\na1 a b zz\n.model zz nmos(level=1)\n.end\n");
    expect(e4.message).toMatch(/bad\.cir:3:8.*not an XSPICE code model/);
    const e5 = err("t\nv1 a 0 1\na1 a b nope\n.end\n");
    expect(e5.message).toMatch(/bad\.cir:3:8.*unknown code model 'nope'/);
    const e6 = err("t\nv1 a 0 1\na1 a b lim\n.model lim limit(gain=2)\n.end\n");
    expect(e6.message).toMatch(/bad\.cir:3:8.*out_lower_limit has no default/);
    const e7 = err("t\nv1 a 0 1\na1 a b g1\n.model g1 gain(gian=2)\n.end\n");
    expect(e7.message).toMatch(/bad\.cir:4:21.*unknown gain parameter 'gian'/);
    const e8 = err("t\nv1 a 0 1\na1 %g(a) b g1\n.model g1 gain(gain=2)\n.end\n");
    expect(e8.message).toMatch(/bad\.cir:3:4.*%g is not allowed/);
    const e9 = err("t\nv1 a 0 1\na1 a b sl\n.model sl delay(delay=1)\n.end\n");
    expect(e9.message).toMatch(/bad\.cir:3:8.*code model delay is not supported/);
    const e15 = err("t\nv1 a 0 1\na1 a b sx\n.model sx s_xfer(num_coeff=[1] den_coeff=[1 1 1] int_ic=[0])\n.end\n");
    expect(e15.message).toMatch(/bad\.cir:4:57.*int_ic needs 2 values/);
    const e16 = err("t\nv1 a 0 1\na1 a b sx\n.model sx s_xfer(num_coeff=[1 1 1] den_coeff=[1 1] int_ic=[0])\n.end\n");
    expect(e16.message).toMatch(/bad\.cir:4:28.*more values/);
    const e10 = err("t\nv1 a 0 1\na1 ~a b g1\n.model g1 gain(gain=2)\n.end\n");
    expect(e10.message).toMatch(/bad\.cir:3:4.*'~'/);
    const e11 = err("t\nv1 a 0 1\na1 a b g1\n.model g1 gain(gain=[1 2])\n.end\n");
    expect(e11.message).toMatch(/bad\.cir:4:21.*gain is a scalar/);
    const e12 = err("t\nv1 a 0 1\na1 a b pw\n.model pw pwl(x_array=[0 1 2] y_array=[0 1])\n.end\n");
    expect(e12.message).toMatch(/bad\.cir:4:39.*as many/);
    const e13 = err("t\nv1 a 0 1\na1 a b pw\n.model pw pwl(x_array=[0 1 2] y_array=[0 1 2] input_domain=0.7)\n.end\n");
    expect(e13.message).toMatch(/bad\.cir:4:.*out of its limits/);
    const e17 = err("t\nv1 a 0 1\na1 (a b) (c 0) lc\n.model lc memristor(rmin=10)\n.end\n");
    expect(e17.message).toMatch(/bad\.cir:3:16.*XSPICE code model memristor is not supported/);
    const e18 = err("t\nv1 a 0 1\na1 a b m1\n.model m1 foo(gain=2)\n.end\n");
    expect(e18.message).toMatch(/bad\.cir:4:11.*model type 'foo' is not supported/);
    const e19 = err("t\nv1 a 0 1\na1 a NULL g1\n.model g1 gain(gain=2)\n.end\n");
    expect(e19.message).toMatch(/bad\.cir:3:6.*may not be NULL/);
    const e20 = err("t\nv1 a 0 1\na1 a %d(b) g1\n.model g1 gain(gain=2)\n.end\n");
    expect(e20.message).toMatch(/bad\.cir:3:6.*digital port type/);
    const e14 = err("t\nv1 a 0 1\na1 [a b g1\n.model g1 summer()\n.end\n");
    expect(e14.message).toMatch(/bad\.cir:3:4.*no '\]'/);
  });
  it("a stray ')' closing a card written without '(' is a separator, as in ngspice (its examples/xspice/various/x_fer.cir)", () => {
    const deck = (card: string) => `t\nv1 a 0 2\na1 a b g1\n${card}\nr1 b 0 1k\n.end\n`;
    const v = (card: string) => operatingPoint(loadCircuitFromText(deck(card), "t.cir")).nodes.b;
    expect(v(".model g1 gain gain=2.5 in_offset=0.1\n+ )")).toBeCloseTo(5.25, 12);
    expect(v(".model g1 gain gain=2.5 in_offset=0.1\n+ )")).toBe(v(".model g1 gain(gain=2.5 in_offset=0.1)"));
  });
  it("every model in the table has an output port last", () => {
    for (const [k, m] of Object.entries(XSPICE_MODELS)) expect(m.ports[m.ports.length - 1].dir, k).not.toBe("in");
  });
});
