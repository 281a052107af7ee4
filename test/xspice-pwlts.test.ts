/**
 * XSPICE pwlts (src/devices/xspice/pwlts.ts: pwl's smoothed curve of the
 * time) against a live ngspice 39: operating points (the value at t = 0,
 * inside and outside the table, limit true and false, %v %vd %id outputs)
 * to 1e-9 V, and a transient into RC filters: the source nodes at
 * ngspice's own time points equal eqspice's curve there (1e-9 V) and the
 * filtered nodes agree to 1e-3 V. Bad cards and lines are NetlistErrors.
 */
import path from "node:path";
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadCircuit, loadCircuitFromText, transient } from "../src/api.js";
import { NetlistError } from "../src/util/errors.js";
import { describeNgspice, itNgspice, runNgspiceTran } from "./helpers/ngspice.js";
import { TIGHT, againstInterpolated, ngspiceDecks } from "./helpers/ngspice-compare.js";

const { dir, worst, compare } = ngspiceDecks("xspice-pwlts");

const card = (name: string, x: string, extra = "") => `.model ${name} pwlts(x_array=[${x}] y_array=[0.1 0.1 1 1 0 0.2] ${extra})`;

describeNgspice("pwlts against ngspice 39", () => {
  itNgspice("operating points: the curve at t = 0, inside the table, before it (extrapolated or limited) and on a smoothed corner", () => {
    const decks: Array<[string, string]> = [
      ["0 1m 2m 8m 9m 10m", ""],
      ["-5m -1m 2m 8m 9m 10m", "input_domain=0.2 fraction=true"],
      ["1m 2m 3m 8m 9m 10m", "limit=false"],
      ["1m 2m 3m 8m 9m 10m", "limit=true"],
      ["-1m 1u 3m 8m 9m 10m", "input_domain=0.4 fraction=true"],
    ];
    decks.forEach(([x, extra], k) => {
      compare(`op-${k}`, ["pwlts op", TIGHT, card("p1", x, extra), "a1 s p1", "rs s 0 1k", "a2 %vd(d e) p1", "rd d 0 1k", "re e 0 2k", "a3 %id(f 0) p1", "rf f 0 100"]);
    });
  });

  itNgspice(".tran: the source node is the same curve at ngspice's points; RC filters on it agree to 1e-3 V", () => {
    const f = path.join(dir, "tran.cir");
    writeFileSync(f, ["pwlts tran", ".options reltol=1e-6 abstol=1e-15 vntol=1e-9", card("p1", "0 0.1 0.2 0.8 0.9 1.0", "input_domain=0.01 fraction=false"), card("p2", "0 0.1 0.2 0.8 0.9 1.0", "input_domain=0.2 fraction=true limit=true"), "a1 s1 p1", "r1 s1 o1 1", "c1 o1 0 0.1", "a2 s2 p2", "r2 s2 o2 1", "c2 o2 0 0.1", ".tran 1m 1.5", ".end", ""].join("\n"));
    const ng = runNgspiceTran(f, { tstep: 1e-3, tstop: 1.5, tmax: 1e-3, nodes: ["s1", "s2", "o1", "o2"] });
    const eq = transient(loadCircuit(f), { tstep: 1e-3, tstop: 1.5, tmax: 1e-3 });
    const c = loadCircuit(f);
    const src = (n: string) => c.devices.find((d) => d.name === n) as unknown as { value: { wave: { kind: string; at(t: number): number } } };
    const curves = { s1: src("a1#branch_0_0").value.wave, s2: src("a2#branch_0_0").value.wave };
    let w = 0;
    for (let i = 0; i < ng.time.length; i++) for (const n of ["s1", "s2"] as const) w = Math.max(w, Math.abs(ng.nodes[n][i] - curves[n].at(ng.time[i])));
    worst.set("tran ngspice source against eqspice's curve", w);
    expect(w).toBeLessThanOrEqual(1e-9);
    for (const n of ["o1", "o2"]) {
      const d = againstInterpolated(eq.time, eq.nodes[n], ng.time, ng.nodes[n]);
      worst.set(`tran ${n}`, d);
      expect(Math.max(...eq.nodes[n]) - Math.min(...eq.nodes[n])).toBeGreaterThan(0.5);
      expect(d, n).toBeLessThanOrEqual(1e-3);
    }
  });
});

describe("pwlts: bad cards and lines", () => {
  const bad = (text: string): NetlistError => {
    try {
      loadCircuitFromText(text, "bad.cir");
    } catch (e) {
      if (e instanceof NetlistError) return e;
      throw e;
    }
    throw new Error("no error");
  };
  it("times that do not increase, sizes that differ, a vector or an input port", () => {
    expect(bad("t\n.model p pwlts(x_array=[0 2 1] y_array=[0 1 2])\na1 s p\nr s 0 1\n.end\n").message).toMatch(/bad\.cir:2:\d+: \.model p: x_array \(times\) must increase/);
    expect(bad("t\n.model p pwlts(x_array=[0 1 2] y_array=[0 1])\na1 s p\nr s 0 1\n.end\n").message).toMatch(/x_array has 3 values, y_array 2/);
    expect(bad("t\n.model p pwlts(x_array=[0 1] y_array=[0 1])\na1 [s] p\nr s 0 1\n.end\n").message).toMatch(/bad\.cir:3:4: a1: port 'out' of pwlts is not a vector/);
    expect(bad("t\n.model p pwlts(x_array=[0 1] y_array=[0 1])\na1 x s p\nr s 0 1\n.end\n").message).toMatch(/code model pwlts has 1 port \(out\), the line connects 2/);
  });
});
