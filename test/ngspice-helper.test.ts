import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, expect } from "vitest";
import { describeNgspice, itNgspice, runNgspiceOp, runNgspiceTran } from "./helpers/ngspice.js";

const dir = mkdtempSync(path.join(tmpdir(), "eqspice-helper-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function netlist(name: string, text: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
}

describeNgspice("ngspice helper", () => {
  itNgspice("op: 10 V over 1k/3k gives exactly 7.5 V, subcircuit names", () => {
    const p = netlist(
      "div.cir",
      `divider
V1 IN 0 DC 10
R1 in OUT 1k
R2 out 0 3k
X1 in 7 half
R3 7 0 1meg
.subckt half a b
Rt a mid 1g
Vm mid b 0
.ends
.op
.end
`,
    );
    const r = runNgspiceOp(p);
    expect(r.nodes.in).toBe(10);
    expect(Math.abs(r.nodes.out! - 7.5)).toBeLessThan(1e-12);
    expect(r.nodes).toHaveProperty("7"); // numeric node, printed as v(7) by ngspice
    expect(r.nodes).toHaveProperty("x1.mid");
    expect(Math.abs(r.branches.v1! - -(2.5e-3 + 10 / 1.001e9))).toBeLessThan(1e-15);
    expect(Math.abs(r.branches["v.x1.vm"]! - 10 / 1.001e9)).toBeLessThan(1e-20);
    expect(r.branches).toHaveProperty("v.x1.vm");
  });

  itNgspice("op: a failing netlist throws with ngspice's stderr", () => {
    const p = netlist("bad.cir", "bad\nV1 1 0 1\nR1 1 0 {nosuchparam}\n.end\n");
    expect(() => runNgspiceOp(p)).toThrow(/ngspice failed/);
    const q = netlist("float.cir", "floating\nV1 1 0 1\nR1 1 2 1k\nC1 2 3 1p\nR2 3 4 1k\nC2 4 0 1p\n.end\n");
    expect(() => runNgspiceOp(q)).toThrow(/singular/);
  });

  itNgspice("tran: RC charging matches 1 - exp(-t/RC) to 1e-3", () => {
    const p = netlist(
      "rc.cir",
      `rc
V1 in 0 PWL(0 0 1n 1)
R1 in out 1k
C1 out 0 1u
.end
`,
    );
    const rc = 1e-3;
    const r = runNgspiceTran(p, { tstep: 10e-6, tstop: 5e-3, nodes: ["out", "in"] });
    expect(r.time.length).toBeGreaterThan(50);
    expect(r.time[r.time.length - 1]).toBeCloseTo(5e-3, 12);
    const out = r.nodes.out!;
    let worst = 0;
    for (let i = 0; i < r.time.length; i++) {
      worst = Math.max(worst, Math.abs(out[i]! - (1 - Math.exp(-r.time[i]! / rc))));
    }
    expect(worst).toBeLessThan(1e-3);
    const all = runNgspiceTran(p, { tstep: 10e-6, tstop: 1e-3 });
    expect(Object.keys(all.nodes).sort()).toEqual(["in", "out"]);
    expect(all.branches).toHaveProperty("v1");
  });
});
