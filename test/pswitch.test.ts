/**
 * XSPICE pswitch (ngspice 39's xtradev/pswitch) against a live ngspice 39:
 * operating points and .dc sweeps of the control through the switching
 * range in log and linear modes (rising and falling, the r_on / r_off
 * clamps, cntl_on = cntl_off, r_cntl_in loading the control), its stamp
 * against finite differences, and bad cards as NetlistErrors at file:line:col.
 */
import { describe, expect, it } from "vitest";
import { loadCircuitFromText } from "../src/api.js";
import { XspiceMultiDevice } from "../src/devices/xspice/multi.js";
import { describeNgspice, itNgspice } from "./helpers/ngspice.js";
import { TIGHT, ngspiceDecks } from "./helpers/ngspice-compare.js";
import { checkStamp } from "./helpers/stamp-check.js";
import { netlistErrorOf } from "./helpers/netlist-errors.js";

const { compare, compareDc } = ngspiceDecks("pswitch");

const PS = [
  ".model plog pswitch(cntl_off=0 cntl_on=1 r_off=1e4 r_on=100 log=true)",
  ".model plogf pswitch(cntl_off=1.1 cntl_on=0.9 r_off=1e12 r_on=1k log=true)",
  ".model plin pswitch(cntl_off=0.2 cntl_on=0.8 r_off=2e3 r_on=10 log=false)",
  ".model plinf pswitch(cntl_on=-0.5 cntl_off=1 r_off=1e5 r_on=1e-4 log=false r_cntl_in=1k)",
  // r_off above 1e12 taken as 1e12, cntl_on = cntl_off nudged apart by +-1 mV
  ".model peq pswitch(cntl_off=0.5 cntl_on=0.5 r_off=1e15 r_on=50 log=true r_cntl_in=10k)",
  ".model peql pswitch(cntl_off=0.5 cntl_on=0.5 r_off=1e3 r_on=50 log=false)",
];

const SWEEP = [
  "v1 c 0 0", "v2 in 0 2", ...PS,
  "r1 in o1 1k", "a1 c 0 %gd(o1 0) plog",
  "r2 in o2 1k", "a2 %gd(c 0) %gd(o2 0) plogf",
  "r3 in o3 1k", "a3 %g(c) %gd(o3 0) plin",
  "rc c cc 500", "r4 in o4 1k", "a4 cc 0 o4 0 plinf",
  "r5 in o5 1k", "a5 c 0 o5 0 peq",
  "r6 in o6 100", "a6 c 0 o6 0 peql",
];

describeNgspice("XSPICE pswitch against ngspice 39", () => {
  itNgspice("operating points: log and linear, rising and falling, a control port that loads its source", () => {
    compare("pswitch-op", ["pswitch op", TIGHT, ...SWEEP.map((l) => (l === "v1 c 0 0" ? "v1 c 0 0.37" : l)), "a7 %gd(c in) %gd(o7 m7) plog", "r7 in o7 2k", "r7b m7 0 500"]);
  });
  itNgspice(".dc sweeps of the control through cntl_off..cntl_on and beyond (log and linear: the switch's I-V)", () => {
    compareDc("pswitch-sweep", ["pswitch sweep", TIGHT, ...SWEEP], "v1 -1 2 0.005");
    // the output's I-V at a fixed control inside the range
    compareDc("pswitch-iv", ["pswitch iv", TIGHT, "v1 c 0 0.4", "v2 in 0 0", ...PS, "r1 in o1 10", "a1 c 0 %gd(o1 0) plog", "r3 in o3 10", "a3 c 0 %gd(o3 0) plin"], "v2 -3 3 0.05");
  });
});

describe("XSPICE pswitch: stamp against finite differences", () => {
  it("both ports' partials, log and linear, inside and outside the switching range", () => {
    for (const m of PS) {
      const name = m.split(" ")[1];
      const c = loadCircuitFromText(`t\na1 %gd(1 2) %gd(3 4) ${name}\n${m}\n.end\n`, "<t>", { allowFloating: true });
      const d = c.devices.find((x) => x instanceof XspiceMultiDevice) as XspiceMultiDevice;
      const nNodes = Math.max(...d.nodes);
      for (const p of [[0.3, 0, 0.7, 0.1], [0.5, 0.1, -0.4, 0.2], [-0.7, 0, 1, 0], [1.3, 0, 0.5, -0.5], [0.9, -0.05, 2, 1], [0.49, 0, 1, 0], [0.505, 0, 1, 0.2], [0.97, 0, 3, 0], [1.05, 0, 3, 0], [0.6, 0, -2, 0]]) {
        const volts = new Array<number>(nNodes + 1).fill(0);
        p.forEach((v, i) => (volts[c.nodeIndex.get(String(i + 1))!] = v));
        try {
          checkStamp(d, nNodes, volts, (v) => {
            const out = new Float64Array(nNodes + 1);
            d.addCurrents(Float64Array.from(v), new Float64Array(0), -1, out);
            return Array.from(out);
          });
        } catch (e) {
          throw new Error(`${name} at [${p.join(" ")}]: ${(e as Error).message}`);
        }
      }
    }
  });
});

describe("XSPICE pswitch: bad cards", () => {
  it("names file:line:col", () => {
    expect(netlistErrorOf("t\nv1 a 0 1\nr1 a b 1k\na1 a 0 %v(b) ps\n.model ps pswitch()\n.end\n").message).toMatch(/bad\.cir:4:8.*%v is not allowed on port 'out' of pswitch/);
    expect(netlistErrorOf("t\nv1 a 0 1\nr1 a b 1k\na1 a 0 b ps\n.model ps pswitch()\n.end\n").message).toMatch(/bad\.cir:4:8.*needs 2 nodes/);
    expect(netlistErrorOf("t\nv1 a 0 1\nr1 a b 1k\na1 a 0 b 0 ps\n.model ps pswitch(r_cntl_in=0)\n.end\n").message).toMatch(/bad\.cir:5:29.*r_cntl_in must not be 0/);
    expect(netlistErrorOf("t\nv1 a 0 1\nr1 a b 1k\na1 a 0 b 0 ps\n.model ps pswitch(r_off=-1)\n.end\n").message).toMatch(/bad\.cir:5:25.*log=true needs r_off > 0/);
    expect(netlistErrorOf("t\nv1 a 0 1\nr1 a b 1k\na1 a 0 b 0 ps\n.model ps pswitch()\n.ac dec 1 1 10\n.end\n").message).toMatch(/pswitch gives AC gains/);
  });
});
