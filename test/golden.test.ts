/**
 * Golden comparisons: every test/golden/*.cir is solved by ngspice (batch mode)
 * and by eqspice; operating points must agree.
 *
 *  - node voltages: same node names (ground and internal device nodes, i.e.
 *    names containing '#', excepted), max |dV| <= 1e-6 V;
 *  - branch currents: every voltage-source branch ngspice prints (`v1`,
 *    `v.x1.vb`, ...) must be reported by eqspice; E/H branches (`e1`,
 *    `h.x1.h1`) are compared when eqspice reports them; every branch eqspice
 *    reports must exist in ngspice; |dI| <= 1e-9 + 1e-6 |I|.
 * Skipped, with one visible warning, when ngspice is not installed.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { opFromFile } from "../src/api.js";
import { describeNgspice, runNgspiceOp } from "./helpers/ngspice.js";

const goldenDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "golden");
const files = readdirSync(goldenDir)
  .filter((f) => f.toLowerCase().endsWith(".cir"))
  .sort();

const V_TOL = 1e-6;
const I_ABS = 1e-9;
const I_REL = 1e-6;

const isGround = (n: string): boolean => n === "0" || n === "gnd";
const isInternal = (n: string): boolean => n.includes("#");
const lower = (r: Record<string, number>): Record<string, number> =>
  Object.fromEntries(Object.entries(r).map(([k, v]) => [k.toLowerCase(), v]));

it("has at least 16 golden netlists", () => {
  expect(files.length).toBeGreaterThanOrEqual(16);
});

describeNgspice("golden netlists: eqspice vs ngspice operating point", () => {
  for (const file of files) {
    it(file, () => {
      const p = path.join(goldenDir, file);
      const ng = runNgspiceOp(p);
      const eqRaw = opFromFile(p);
      const eqNodes = lower(eqRaw.nodes);
      const eqBranches = lower(eqRaw.branches);

      // node sets
      const eqNames = Object.keys(eqNodes).filter((n) => !isGround(n) && !isInternal(n));
      const ngNames = Object.keys(ng.nodes).filter((n) => !isGround(n) && !isInternal(n));
      const notInNg = eqNames.filter((n) => !(n in ng.nodes));
      const notInEq = ngNames.filter((n) => !(n in eqNodes));
      expect(notInNg, `${file}: nodes reported by eqspice but not by ngspice (ngspice has: ${ngNames.join(", ")})`).toEqual([]);
      expect(notInEq, `${file}: nodes reported by ngspice but not by eqspice (eqspice has: ${eqNames.join(", ")})`).toEqual([]);

      // node voltages
      let worst = "";
      let worstDv = -1;
      for (const n of ngNames) {
        const dv = Math.abs(eqNodes[n]! - ng.nodes[n]!);
        if (!(dv <= worstDv)) {
          worstDv = Number.isNaN(dv) ? Infinity : dv;
          worst = n;
        }
      }
      if (worst !== "") {
        expect(
          worstDv,
          `${file}: worst node ${worst}: ngspice ${ng.nodes[worst]} V, eqspice ${eqNodes[worst]} V, |dV| = ${worstDv}`,
        ).toBeLessThanOrEqual(V_TOL);
      }

      // branch currents
      const missingV = Object.keys(ng.branches).filter((b) => b.startsWith("v") && !(b in eqBranches));
      expect(missingV, `${file}: voltage-source branches missing in eqspice (eqspice has: ${Object.keys(eqBranches).join(", ")})`).toEqual([]);
      const unknown = Object.keys(eqBranches).filter((b) => !(b in ng.branches));
      expect(unknown, `${file}: branches reported by eqspice but not by ngspice (ngspice has: ${Object.keys(ng.branches).join(", ")})`).toEqual([]);
      let worstB = "";
      let worstRatio = -1;
      for (const b of Object.keys(ng.branches)) {
        if (!(b in eqBranches)) continue;
        const ref = ng.branches[b]!;
        const ratio = Math.abs(eqBranches[b]! - ref) / (I_ABS + I_REL * Math.abs(ref));
        if (!(ratio <= worstRatio)) {
          worstRatio = Number.isNaN(ratio) ? Infinity : ratio;
          worstB = b;
        }
      }
      if (worstB !== "") {
        expect(
          worstRatio,
          `${file}: worst branch ${worstB}: ngspice ${ng.branches[worstB]} A, eqspice ${eqBranches[worstB]} A ` +
            `(|dI| / (1e-9 + 1e-6 |I|) = ${worstRatio})`,
        ).toBeLessThanOrEqual(1);
      }
    });
  }
});
