/**
 * VBIC (BJT LEVEL=4 / 9, ngspice 39's `vbic`): operating points and .dc
 * sweeps against a live ngspice (NPN and PNP, without and with the
 * parasitic resistances, the parasitic PNP, quasi-saturation, temperature,
 * self-heating on a 5th node), the stamp against central finite
 * differences of the terminal currents, and bad input (a NetlistError at
 * its place; .tran refused by name).
 */
import { describe, expect, it } from "vitest";
import { loadCircuitFromText, transient } from "../src/api.js";
import { Vbic } from "../src/devices/vbic/vbic.js";
import { vbicDefaults, vbicInstanceAt, type VbicModelParams } from "../src/devices/vbic/vbic-model.js";
import { VBIC_PARAMS } from "../src/devices/vbic/vbic-params.js";
import { ngspiceDecks, TIGHT } from "./helpers/ngspice-compare.js";
import { describeNgspice, itNgspice } from "./helpers/ngspice.js";
import { checkStamp } from "./helpers/stamp-check.js";
import { netlistErrorCheck } from "./helpers/netlist-errors.js";

const { compare, compareDc } = ngspiceDecks("vbic");

const PARASITICS = "RCX=10 RCI=60 RBX=10 RBI=40 RE=2 RS=20 RBP=40 ISP=1e-15 IBEIP=1e-20 IBCIP=1e-18 IKP=2e-4";
const CORE = "IS=1e-16 IBEI=1e-18 IBEN=5e-15 IBCI=2e-17 IBCN=5e-15 VEF=10 VER=4 IKF=2e-3 IKR=2e-4 AVC1=2 AVC2=15";
const QS = "VO=2 GAMM=2e-11 HRCF=2 QCO=1e-12";

describeNgspice("VBIC operating points and .dc against ngspice", () => {
  itNgspice("NPN without series resistances (the defaults' RCI, RBI, RBP only), forward active and saturated", () => {
    for (const [vb, vc] of [[0.75, 2], [0.8, 0.1], [0.6, 5]]) {
      compare(`npn-${vb}-${vc}`, ["npn", TIGHT, `VB b 0 ${vb}`, `VC c 0 ${vc}`, "RB b bb 1k", "Q1 c bb 0 N1", `.model N1 NPN LEVEL=4 ${CORE}`]);
    }
  });
  itNgspice("NPN with every parasitic (RCX, RBX, RE, RS, the parasitic PNP) and quasi-saturation, 4 terminals", () => {
    for (const [vb, vc] of [[0.8, 2], [0.9, 0.3]]) {
      compare(`npnpar-${vb}-${vc}`, ["npn par", TIGHT, `VB b 0 ${vb}`, `VC c 0 ${vc}`, "VS s 0 0", "RB b bb 500", "Q1 c bb 0 s N1", `.model N1 NPN LEVEL=4 ${CORE} ${PARASITICS} ${QS}`]);
    }
  });
  itNgspice("PNP with parasitics, area and m, at 85 C", () => {
    compare("pnp", ["pnp", TIGHT, ".temp 85", "VE e 0 3", "VB b 0 2.2", "RC c 0 1k", "Q1 c b e 0 P1 2 m=3", `.model P1 PNP LEVEL=4 ${CORE} ${PARASITICS} XTI=3 XII=3 EA=1.1`]);
  });
  itNgspice("self-heating: RTH on a 5th (thermal) node, level 9", () => {
    compare("selfheat", ["sh", TIGHT, "VB b 0 0.8", "VC c 0 3", "RB b bb 200", "Q1 c bb 0 0 t N1", `.model N1 NPN LEVEL=9 ${CORE} RCX=10 RE=2 RTH=300 CTH=1e-9`]);
  });
  itNgspice("a given series resistance below 0.01 ohm is 0.01 ohm (vbicmpar.c's R_MIN): RBI=0.001, RCX=0, RS=0 and RBP=0 given", () => {
    // RBI=0.001 solved as 0.001 ohm was 1.4e-4 V off on b; RS=0, RCX=0 given make their internal nodes (0.01 ohm), not none
    compare("rmin-rbi", ["rmin", TIGHT, "VIN in 0 2.5", "R1 in b 100", "R2 c vp 1k", "VCC vp 0 5", "Q1 c b 0 0 N1", ".model N1 NPN LEVEL=9 RBI=0.001"]);
    compare("rmin-selfheat", ["rmin sh", TIGHT, "VIN in 0 2.5", "R1 in b 100", "R2 c vp 1k", "VCC vp 0 5", "Q1 c b 0 0 t N1", ".model N1 NPN LEVEL=9 RBI=0.001 RCI=0.001 RTH=159"]);
    compare("rmin-zero", ["rmin 0", TIGHT, "VB b 0 0.8", "VC c 0 0.3", "VS s 0 -0.2", "RB b bb 1k", "Q1 c bb 0 s N1", `.model N1 NPN LEVEL=4 ${CORE} RCX=0 RBX=0 RE=0 RS=0 RBP=0 ISP=1e-15 IKP=2e-4`]);
  });
  itNgspice("ngspice's stopping point at default tolerances (VBICconvTest reads the previous iterate, so only the node test and the limiting stop Newton)", () => {
    // examples/osdi/hicuml0/vbic_out.sp's card: ngspice stops after 10 iterations 3.4e-6 V short on b; testing the currents at the step's result took an 11th
    compare("stop", ["stop", "IB 0 b 200n", "VC c 0 2", "VS s 0 0", "Q1 c b 0 s N1",
      ".model N1 NPN LEVEL=4 RCI=1e3 RCX=50 VO=1.5 GAMM=3.402097e-11 HRCF=1 RBX=243 RBI=20 RE=30 RS=0 RBP=0 IS=8.084033e-18 NR=1.005 FC=0.5",
      "+ IBEI=4.542609e-20 IBEN=3.275162e-16 NEN=1.5543186 IBCI=3.594252e-19 NCI=0.996 IBCN=1.717776e-17 NCN=1.202521 AVC1=3e-4 AVC2=1e-5 ISP=1.332e-19",
      "+ VEF=109.6523 VER=2.2052435 IKF=6.03524e-3 IKR=1.807895e-4 IKP=2.908576e-5"]);
  });
  itNgspice(".dc sweeps: a Gummel plot of the NPN with parasitics, and the PNP's output curve", () => {
    compareDc("gummel", ["gum", "VB b 0 0.5", "VC c 0 1", "Q1 c b 0 N1", `.model N1 NPN LEVEL=4 ${CORE} ${PARASITICS}`], "VB 0.3 1.0 0.01");
    compareDc("pnpout", ["pout", "VE e 0 0", "VB b 0 -0.75", "VC c 0 -2", "Q1 c b e P1", `.model P1 PNP LEVEL=4 ${CORE} RCX=10 RBX=10 RE=1`], "VC -3 0 0.05");
  });
});

describe("VBIC stamp against finite differences", () => {
  const model = (type: 1 | -1, over: Record<string, number>): VbicModelParams => {
    const m = vbicDefaults(type);
    const idx = new Map(VBIC_PARAMS.map(([n, , i]) => [n, i]));
    for (const [k, v] of Object.entries(over)) m.pnom[idx.get(k)!] = v;
    return m;
  };
  const over = { is: 1e-16, ibei: 1e-18, iben: 5e-15, ibci: 2e-17, ibcn: 5e-15, vef: 10, ver: 4, ikf: 2e-3, ikr: 2e-4, avc1: 2, avc2: 15, rcx: 10, rci: 60, rbx: 10, rbi: 40, re: 2, rs: 20, rbp: 40, isp: 1e-15, ibeip: 1e-20, ibcip: 1e-18, ikp: 2e-4, vo: 2, gamm: 2e-11, hrcf: 2 };
  // nodes: 1 c, 2 b, 3 e, 4 s; internal 5 cx, 6 ci, 7 bx, 8 bi, 9 bp, 10 ei, 11 si
  const make = (type: 1 | -1): Vbic => new Vbic("q1", [1, 2, 3, 4, 0], [5, 6, 7, 8, 9, 10, 11], vbicInstanceAt(model(type, over), 1.5, 2, 50));
  const currents = (type: 1 | -1) => (v: number[]): number[] => {
    const out = new Float64Array(12);
    make(type).addCurrents(Float64Array.from(v), new Float64Array(0), -1, out);
    return [...out];
  };
  const points: Array<[1 | -1, number[]]> = [
    [1, [0, 2, 0.8, 0, 0, 1.98, 1.7, 0.79, 0.77, 0.3, 0.01, 0.0]],
    [1, [0, 0.2, 0.85, 0, -0.5, 0.21, 0.25, 0.84, 0.83, 0.6, 0.02, -0.4]],
    [-1, [0, -2, -0.8, 0, 0, -1.98, -1.7, -0.79, -0.77, -0.3, -0.01, 0.0]],
  ];
  it("matches dI/dV in forward active, saturation (the parasitic PNP on) and for a PNP", () => {
    for (const [type, v] of points) checkStamp(make(type), 11, v, currents(type));
  });
});

describe("VBIC bad input", () => {
  const FILE = "vbic-bad.cir";
  const expectNetlistError = netlistErrorCheck(FILE);
  const load = (...lines: string[]) => () => loadCircuitFromText(["* vbic", ...lines, ".end"].join("\n") + "\n", FILE);
  it("refuses a non-positive IS, a negative resistance and a 5th node on a level 1 card at their place", () => {
    expectNetlistError(load("V1 c 0 1", "Q1 c c 0 N1", ".model N1 NPN LEVEL=4 IS=0"), 4, 26, /IS must be positive/);
    expectNetlistError(load("V1 c 0 1", "Q1 c c 0 N1", ".model N1 NPN LEVEL=4 RCX=-1"), 4, 27, /RCX must not be negative/);
    expectNetlistError(load("V1 c 0 1", "Q1 c c 0 0 t N1", ".model N1 NPN IS=1e-15"), 3, 14, /got 5 before model 'N1' \(a 5th, thermal node is for VBIC models/);
  });
  it("refuses a transient of a VBIC circuit by name, and still refuses HICUM (level 8)", () => {
    const c = loadCircuitFromText(["* t", "V1 c 0 PULSE(0 1 0 1n)", "Q1 c c 0 N1", ".model N1 NPN LEVEL=4", ".tran 1n 10n", ".end"].join("\n"));
    expect(() => transient(c, { tstop: 10e-9, tstep: 1e-9 })).toThrow(/VBIC .*transient analysis is not supported/);
    expectNetlistError(load("V1 c 0 1", "Q1 c c 0 N1", ".model N1 NPN LEVEL=8"), 4, 21, /level 8 \(HICUM level 2\) is not supported/);
  });
});
