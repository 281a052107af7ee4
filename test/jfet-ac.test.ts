/**
 * The JFET's small-signal model (Jfet.acLoad, ngspice's JFETacLoad) in
 * `.ac` against a live ngspice 39: every node voltage and V-source current
 * phasor at every frequency, |z_eqspice - z_ngspice| <= 1e-6 |z_ngspice| +
 * 1e-9 V (1e-12 A for currents): NJF and PJF amplifiers with CGS, CGD
 * (Miller), RD, RS, area and m, a reversed transistor and one with its gate
 * forward-biased (the junctions' conductances), and one without charges.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import { acSweep } from "../src/api.js";
import { describeNgspice, itNgspice, runNgspiceAc } from "./helpers/ngspice.js";
import { TIGHT, ngspiceDecks } from "./helpers/ngspice-compare.js";

const { dir, worst } = ngspiceDecks("jfet-ac");

/** Run deck `lines` with `.ac ${args}` in both simulators and compare every phasor (relative error recorded per deck). */
function compareAc(name: string, lines: string[], args: string): void {
  const f = path.join(dir, `${name}.cir`);
  writeFileSync(f, [...lines, TIGHT, `.ac ${args}`, ".end", ""].join("\n"));
  const ng = runNgspiceAc(f, args);
  const eq = acSweep(f);
  expect(eq.frequencies.length, `${name}: number of frequencies`).toBe(ng.freq.length);
  let w = 0;
  const check = (what: string, a: { re: Float64Array; im: Float64Array } | undefined, b: { re: Float64Array; im: Float64Array }, abs: number) => {
    expect(a, `${name}: ${what} missing`).toBeDefined();
    for (let k = 0; k < ng.freq.length; k++) {
      const d = Math.hypot(a!.re[k] - b.re[k], a!.im[k] - b.im[k]);
      const m = Math.hypot(b.re[k], b.im[k]);
      w = Math.max(w, d / (m + abs));
      expect(d, `${name}: ${what} at ${ng.freq[k]} Hz: eqspice ${a!.re[k]}+j${a!.im[k]}, ngspice ${b.re[k]}+j${b.im[k]}`).toBeLessThanOrEqual(1e-6 * m + abs);
    }
  };
  for (const [n, ph] of Object.entries(ng.nodes)) check(`v(${n})`, eq.nodes[n], ph, 1e-9);
  for (const [b, ph] of Object.entries(ng.branches)) if (b.startsWith("v")) check(`i(${b})`, eq.branches[b], ph, 1e-12);
  worst.set(name, w);
}

const JC = ".model jc njf (vto=-2 beta=1.3e-3 lambda=0.015 cgs=5p cgd=2p pb=0.8 rd=10 rs=5 is=1e-14)";

describeNgspice("JFET AC against ngspice 39 (1e-6 relative)", () => {
  itNgspice("common-source amplifier, self-biased with a bypassed RS, through a source resistance (the Miller pole of CGD), area and m", () => {
    compareAc("cs", ["cs", "VDD vdd 0 15", "VIN in 0 DC 0 AC 1", "RSIG in g 50k", "RG g 0 1Meg", "RD vdd d 4.7k", "J1 d g s jc 2 m=1.5", "RS s 0 680", "CS s 0 1u", "CL d 0 2p", JC], "dec 10 10 1g");
  });

  itNgspice("PJF source follower with B, and an NJF without charges", () => {
    compareAc("pjf-follower", ["pjf follower", "VSS vss 0 -12", "VIN g 0 DC 0 AC 1 30", "J1 vss g s jp", "RS s 0 2.2k", ".model jp pjf (vto=-1.8 beta=0.9e-3 lambda=0.02 b=0.85 cgs=3p cgd=1p)"], "dec 5 1k 1g");
    compareAc("no-charges", ["no charges", "VDD vdd 0 12", "VG g 0 DC -0.7 AC 1", "RD vdd d 3.3k", "J1 d g 0 jn", ".model jn njf (vto=-2 beta=1.3e-3 lambda=0.015)"], "lin 5 1k 1meg");
  });

  itNgspice("a reversed transistor and one with its gate forward-biased by a current (the gate junctions' conductances and FC PB capacitance)", () => {
    compareAc("reversed", ["reversed", "VL top 0 -3", "VG g 0 DC -3.5 AC 1", "RL top d 1k", "J1 d g 0 jc", JC], "dec 5 1k 1g");
    compareAc("forward-gate", ["forward gate", "VDD vdd 0 9", "IG 0 g DC 50u AC 1u", "RD vdd d 2k", "J1 d g 0 jc", JC], "dec 5 1k 1g");
  });
});
