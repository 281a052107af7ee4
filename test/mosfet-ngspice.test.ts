/**
 * MOSFET level 1 against a live ngspice 39 (skipped, with one visible
 * warning, when ngspice is missing): small decks written for this test,
 * each solved by both simulators with tight tolerances (ngspice's default
 * reltol leaves its own answer ~1e-6 V short), every node voltage and
 * V-source current compared. Then a transient of an inverter whose
 * transistors carry no capacitance (the load is a capacitor) against
 * ngspice's .tran, and one whose drain is held only by the Meyer Cgd, against
 * ngspice's .tran with trap, auto and bdf2 (gear).
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import { loadCircuit, opFromFile, transient } from "../src/api.js";
import { againstInterpolated, atCommonPoints, ngspiceDecks, TIGHT } from "./helpers/ngspice-compare.js";
import { describeNgspice, itNgspice, runNgspiceOp, runNgspiceTran } from "./helpers/ngspice.js";

const { dir, worst, compare } = ngspiceDecks("mosfet-ngspice");

const NMOS = ".model nch nmos (level=1 vto=0.7 kp=110u gamma=0.4 phi=0.65 lambda=0.04)";
const PMOS = ".model pch pmos (level=1 vto=-0.8 kp=50u gamma=0.5 phi=0.7 lambda=0.05)";

describeNgspice("MOSFET level 1 operating points against ngspice", () => {
  itNgspice("common-source amplifier with a resistor load, at gate biases from cutoff through saturation to the linear region", () => {
    for (const vg of [0.3, 0.9, 1.5, 2.5, 5]) {
      const v = compare(`cs-${vg}`, ["common source", TIGHT, "VDD vdd 0 5", `VG g 0 ${vg}`, "RD vdd d 10k", "M1 d g 0 0 nch L=2u W=10u", NMOS]);
      if (vg === 0.3) expect(v.d).toBeCloseTo(5, 6); // cutoff: only the junction's leakage through RD
    }
  });

  itNgspice("CMOS inverter at several input voltages (both transistors, PMOS bulk at VDD)", () => {
    for (const vin of [0, 0.5, 1.2, 1.6, 2.0, 2.5, 3.3]) {
      compare(`inv-${vin}`, ["cmos inverter", TIGHT, "VDD vdd 0 3.3", `VIN in 0 ${vin}`, "MN out in 0 0 nch L=1u W=2u", "MP out in vdd vdd pch L=1u W=5u", NMOS, PMOS]);
    }
  });

  itNgspice("L, W (and AD, AS, PD, PS) on the .model card are the defaults of instances that give none (vendors' macromodels), levels 1, 2 and 3", () => {
    for (const level of [1, 2, 3]) {
      const card = `.model nmi nmos (level=${level} L=2u W=42u KP=20u vto=0.6 cj=1e-4 cjsw=1e-10 js=1e-6 AD=10p AS=12p PD=20u PS=22u)`;
      // a differential pair as MCP6041's input stage: the tail node sets the pair's Vgs, so W/L shows at once
      const v = compare(`card-lw-${level}`, ["card l w", TIGHT, "VDD vdd 0 2.2", "VSS vss 0 -2.2", "VP p 0 0.01", "VN n 0 0", "M1 d1 p s s nmi", "M2 d2 n s s nmi L=4u",
        "I1 s vss 4u", "R1 vdd d1 100k", "R2 vdd d2 100k", "M3 x p vss vss nmi W=10u", "RX vdd x 200k", card]);
      // the card's W/L = 21 (2 uA per side: Vgs - VTO = 0.1 V), not the instance defaults' 100 um x 100 um (0.45 V)
      expect(v.s).toBeGreaterThan(-0.85);
    }
  });

  itNgspice("current mirror (diode-connected reference, output into a resistor), M=2 on the output", () => {
    compare("mirror", ["current mirror", TIGHT, "VDD vdd 0 5", "IREF vdd ref 50u", "M1 ref ref 0 0 nch L=4u W=20u", "M2 out ref 0 0 nch L=4u W=20u M=2", "RL vdd out 20k", NMOS]);
  });

  itNgspice("source follower with body effect (bulk to ground, source well above it)", () => {
    for (const vg of [1.5, 3, 4.5]) {
      compare(`follower-${vg}`, ["source follower", TIGHT, "VDD vdd 0 5", `VG g 0 ${vg}`, "M1 vdd g s 0 nch L=2u W=20u", "RS s 0 20k", NMOS]);
    }
  });

  itNgspice("PMOS with LAMBDA and GAMMA: common-source stage, bulk above the source", () => {
    for (const vg of [0, 1.5, 2.5, 4.5]) {
      compare(`pmos-${vg}`, ["pmos stage", TIGHT, "VDD vdd 0 5", "VB nb 0 6", `VG g 0 ${vg}`, "M1 d g vdd nb pch L=2u W=20u", "RD d 0 10k", PMOS]);
    }
  });

  itNgspice("differential pair with a resistive tail and resistor loads, balanced and unbalanced", () => {
    for (const dv of [0, 0.05, 0.3, -1]) {
      compare(`diffpair-${dv}`, [
        "diff pair",
        TIGHT,
        "VDD vdd 0 5",
        "VSS vss 0 -5",
        `VP inp 0 ${dv / 2}`,
        `VN inn 0 ${-dv / 2}`,
        "R1 vdd o1 20k",
        "R2 vdd o2 20k",
        "M1 o1 inp tail vss nch L=2u W=20u",
        "M2 o2 inn tail vss nch L=2u W=20u",
        "RT tail vss 20k",
        NMOS,
      ]);
    }
  });

  itNgspice("transistors in reverse mode (drain below source): NMOS and PMOS, linear and saturated", () => {
    compare("reverse-n", ["reverse nmos", TIGHT, "VG g 0 3", "VS s 0 2", "M1 0 g s 0 nch L=2u W=10u", "R1 s2 0 5k", "M2 0 g s2 0 nch L=1u W=5u", "VX s2b 0 1.5", "R2 s2b s2 1k", NMOS]);
    compare("reverse-p", ["reverse pmos", TIGHT, "VDD vdd 0 3", "VG g 0 0", "VD d 0 1", "RL vdd x 2k", "M1 x g d vdd pch L=2u W=10u", PMOS]);
  });

  itNgspice("a transistor pulled into reverse mode by the circuit (pass gate driving a node below its source)", () => {
    compare("pass-gate", ["pass gate", TIGHT, "VDD vdd 0 3.3", "VA a 0 0.4", "RUP vdd b 30k", "M1 a vdd b 0 nch L=1u W=2u", "RL b 0 100k", NMOS]);
  });

  itNgspice("models from UO, TOX, NSUB (and NSS, TPG) instead of KP and VTO; LD shortens the channel", () => {
    const nm = ".model nproc nmos (level=1 tox=20n nsub=1e16 uo=550 ld=0.1u lambda=0.02)";
    const pm = ".model pproc pmos (level=1 tox=20n nsub=2e16 nss=1e10 tpg=-1 uo=200)";
    compare("process-inv", ["process inverter", TIGHT, "VDD vdd 0 5", "VIN in 0 2.2", "MN out in 0 0 nproc L=2u W=4u", "MP out in vdd vdd pproc L=2u W=10u", nm, pm]);
    compare("process-cs", ["process cs", TIGHT, "VDD vdd 0 5", "VG g 0 1.8", "RD vdd d 20k", "M1 d g s 0 nproc L=3u W=6u", "RS s 0 1k", nm]);
  });

  itNgspice("series RD and RS (internal nodes), RSH with NRD/NRS, junction saturation from JS and the areas", () => {
    compare("series-r", [
      "series r",
      TIGHT,
      "VDD vdd 0 5",
      "VG g 0 2",
      "RL vdd d 5k",
      "M1 d g 0 0 nrr L=2u W=20u",
      "M2 d2 g 0 0 nsh L=2u W=20u NRD=2 NRS=3",
      "RL2 vdd d2 5k",
      ".model nrr nmos (level=1 vto=0.7 kp=110u rd=200 rs=150 lambda=0.01)",
      ".model nsh nmos (vto=0.7 kp=110u rsh=40 js=1e-4)",
    ]);
  });

  itNgspice("forward-biased bulk junctions (bulk driven above the source and drain), JS with AD/AS", () => {
    compare("bulk-forward", [
      "bulk forward",
      TIGHT,
      "VB b 0 0.9",
      "VG g 0 2",
      "RD vdd d 1k",
      "VDD vdd 0 2",
      "RS s 0 1k",
      "M1 d g s bx nj L=2u W=10u AD=20p AS=20p",
      "RB b bx 2k",
      ".model nj nmos (vto=0.7 kp=110u gamma=0.4 js=1e-3)",
    ]);
  });

  itNgspice("transistors inside subcircuits with parametrized widths: a three-inverter ring at its metastable point, a latch pulled by a resistor", () => {
    const inv = [".subckt inv in out vdd w={2u}", "MN out in 0 0 nch L=1u W={w}", "MP out in vdd vdd pch L=1u W={2.5*w}", ".ends"];
    compare("ring3", ["ring", TIGHT, ...inv, "VDD vdd 0 3.3", "X1 a b vdd inv", "X2 b c vdd inv w=3u", "X3 c a vdd inv w={1.5u}", NMOS, PMOS]);
    compare("latch", ["latch", TIGHT, ...inv, "VDD vdd 0 3.3", "X1 q qb vdd inv", "X2 qb q vdd inv", "RP q 0 5k", NMOS, PMOS]);
  });

  itNgspice("the circuit temperature (.temp 80) moves KP, PHI, VTO and the junction currents; TNOM on a model", () => {
    compare("temp80", [
      "temperature",
      TIGHT,
      ".temp 80",
      "VDD vdd 0 5",
      "VG g 0 1.4",
      "RD vdd d 10k",
      "M1 d g 0 0 nch L=2u W=10u",
      "M2 d2 g 0 0 ntn L=2u W=10u",
      "RD2 vdd d2 10k",
      NMOS,
      ".model ntn nmos (vto=0.7 kp=110u gamma=0.4 tnom=50 lambda=0.04)",
    ]);
  });
});

describeNgspice("MOSFET transients", () => {
  itNgspice("an inverter without device capacitances driving a load capacitor, PULSE input, against ngspice's .tran to 1e-3 V", () => {
    const f = path.join(dir, "inv-tran.cir");
    writeFileSync(
      f,
      [
        "inverter tran",
        "VDD vdd 0 3.3",
        "VIN in 0 PULSE(0 3.3 1n 2n 2n 10n 24n)",
        "MN out in 0 0 nch L=1u W=2u",
        "MP out in vdd vdd pch L=1u W=5u",
        "CL out 0 50f",
        NMOS,
        PMOS,
        ".tran 0.1n 50n",
        ".end",
        "",
      ].join("\n"),
    );
    // Both with a step of at most 10 ps: the two trapezoidal solutions then differ by their discretization
    // (~3e-4 V at the switching edges; 1.3e-5 V at 2 ps, second order), not by the transistors.
    const ng = runNgspiceTran(f, { tstep: 0.1e-9, tstop: 50e-9, tmax: 0.01e-9, nodes: ["out"] });
    const eq = transient(loadCircuit(f), { integrator: "trap", tmax: 0.01e-9 });
    // compare at eqspice's output times, ngspice's (non-uniform) points interpolated linearly
    const w = againstInterpolated(eq.time, eq.nodes.out, ng.time, ng.nodes.out);
    worst.set("inv-tran (tran)", w);
    expect(w).toBeLessThanOrEqual(1e-3);
    // the waveform does switch: low while the input is high
    const at = (ts: number) => eq.nodes.out[Math.round(ts / 0.1e-9)];
    expect(at(0.5e-9)).toBeGreaterThan(3.2);
    expect(at(10e-9)).toBeLessThan(0.1);
  });

  itNgspice("a resistor pulling up an NMOS drain held only by its Meyer Cgd (TOX, CGSO): trap and auto run and agree with ngspice's trap .tran to 1e-3 V, bdf2 with its gear, at TMAX 10 ps and 100 ps", () => {
    // Once the transistor saturates Cgd is 0 and node out is algebraic: the trapezoidal charge current
    // i = 2/h (q - q_prev) - i_prev then rings, +-11 mV at 10 ps in both simulators. eqspice used to
    // estimate the LTE on that node's voltage, saw the ringing (which no step removes) and stopped at
    // 7.4 ns with "time step too small"; it now bounds the step by the gate charges, as ngspice does.
    const deck = (method: string) => ["caps", `.options method=${method}`, "VDD vdd 0 3.3", "VIN in 0 PULSE(0 3.3 1n 1n 1n 5n 12n)", "R1 vdd out 10k", "M1 out in 0 0 ncap L=1u W=2u", ".model ncap nmos (vto=0.7 kp=110u tox=20n cgso=1e-10)", ".tran 0.1n 20n", ".end", ""].join("\n");
    const f = path.join(dir, "caps-trap.cir");
    const fg = path.join(dir, "caps-gear.cir");
    writeFileSync(f, deck("trap"));
    writeFileSync(fg, deck("gear"));
    for (const tmax of [10e-12, 100e-12]) {
      const ngTrap = runNgspiceTran(f, { tstep: 0.1e-9, tstop: 20e-9, tmax, nodes: ["out"] });
      const ngGear = runNgspiceTran(fg, { tstep: 0.1e-9, tstop: 20e-9, tmax, nodes: ["out"] });
      for (const [integrator, ng] of [["trap", ngTrap], ["auto", ngTrap], ["bdf2", ngGear]] as const) {
        // output every tmax/10: after each breakpoint both simulators step 0.1 tmax, doubling up to tmax, so their points are output times
        const r = transient(loadCircuit(f), { integrator, tmax, tstep: tmax / 10 });
        expect(r.stats.integrator).toBe(integrator === "bdf2" ? "bdf2" : "trap");
        const m = atCommonPoints(r.time, r.nodes.out, ng.time, ng.nodes.out, 1e-9, tmax / 10);
        worst.set(`caps ${integrator} tmax ${tmax}`, m.dv);
        expect(m.matched / m.total, `${integrator} tmax ${tmax}: ngspice points that are eqspice points`).toBeGreaterThan(0.95);
        expect(m.dv, `${integrator} tmax ${tmax} at ${m.t}`).toBeLessThanOrEqual(1e-3);
        const at = (ts: number) => r.nodes.out[Math.round(ts / (tmax / 10))];
        expect(at(0.5e-9)).toBeGreaterThan(3.2);
        expect(at(6e-9)).toBeLessThan(1);
        expect(at(10e-9)).toBeGreaterThan(3.2);
      }
    }
    // its operating point is still computed, and matches ngspice
    const ng = runNgspiceOp(f);
    const op = opFromFile(f);
    expect(Math.abs(op.nodes.out - ng.nodes.out)).toBeLessThan(1e-6);
  }, 60_000);
});
