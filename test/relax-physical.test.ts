/**
 * What the physical relaxation reports: its settling time and the energy it
 * dissipates and draws, against closed forms (RC charging) and against
 * ngspice's .tran on the same circuit (its source power integrated); and its
 * trajectory on the shipped MNIST network against a tight-tolerance one
 * (1e-3 V), with the energy balance drawn = dissipated + stored.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadCircuit, loadCircuitFromText } from "../src/api.js";
import { Engine } from "../src/analysis/engine.js";
import { relax, type RelaxResult } from "../src/analysis/relax.js";
import { solveDc } from "../src/analysis/op.js";
import { EqModel } from "../src/train/model.js";
import { loadDataset } from "../src/data/sources.js";
import { scaleInputs } from "../src/data/dataset.js";
import { targetVector } from "../src/train/targets.js";
import { itNgspice, runNgspiceTran } from "./helpers/ngspice.js";
import { ROOT } from "./helpers/build.js";

/** Relax from 0 V on every free node; the record of (t, V[node]) for the named nodes. */
function relaxFromRest(text: string, opts: Parameters<typeof relax>[1], names: string[] = []): { r: RelaxResult; ts: number[]; vs: number[][]; engine: Engine } {
  const c = loadCircuitFromText(text, "x.cir");
  const engine = new Engine(c);
  engine.setPoint("dc", 0, 1, null);
  engine.x.fill(0);
  engine.syncVoltages();
  const idx = names.map((n) => c.nodeIndex.get(n)!);
  const ts: number[] = [];
  const vs: number[][] = idx.map(() => []);
  const r = relax(engine, { ...opts, record: (t, V) => (ts.push(t), idx.forEach((k, j) => vs[j].push(V[k]))) });
  return { r, ts, vs, engine };
}

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

describe("energy of a relaxation against closed forms", () => {
  // A source Vs charging C (cnode) through R1, with R2 to ground: tau = C R1 R2 / (R1 + R2), V* = Vs R2 / (R1 + R2).
  const Vs = 2;
  const R1 = 1e3;
  const R2 = 3e3;
  const C = 1e-9;
  const divider = (tight: boolean) =>
    `rc\nV1 in 0 DC ${Vs}\nR1 in a ${R1}\nR2 a 0 ${R2}\n.options cnode=${C}${tight ? " reltol=1e-9 vntol=1e-12" : ""}\n.end\n`;
  const closed = (T: number) => {
    const tau = (C * R1 * R2) / (R1 + R2);
    const Vst = (Vs * R2) / (R1 + R2);
    const e = Math.exp(-T / tau);
    const VT = Vst * (1 - e);
    // drawn = Vs/R1 * integral (Vs - V) dt; stored = C V(T)^2 / 2; dissipated = drawn - stored.
    const drawn = (Vs / R1) * ((Vs - Vst) * T + Vst * tau * (1 - e));
    const stored = 0.5 * C * VT * VT;
    return { drawn, stored, dissipated: drawn - stored, tau };
  };

  for (const [integrator, within] of [["bdf2", 1e-6], ["odex", 3e-2]] as const) {
    // odex's points are joined linearly (no slopes), so its quadrature is only first order.
    it(`RC divider charging (${integrator}, tight tolerances): dissipated, drawn and stored to ${within}`, () => {
      const { r } = relaxFromRest(divider(true), { integrator, tol: 1e-9 });
      expect(r.settled).toBe(true);
      const want = closed(r.time);
      // The reported settling time: the linear decay from V* to within 1e-9 V takes tau ln(V*/1e-9).
      expect(rel(r.time, want.tau * Math.log(1.5 / 1e-9))).toBeLessThan(integrator === "bdf2" ? 1e-2 : 0.5);
      expect(rel(r.energy.dissipated, want.dissipated)).toBeLessThan(within);
      expect(rel(r.energy.drawn, want.drawn)).toBeLessThan(within);
      expect(rel(r.energy.stored, want.stored)).toBeLessThan(within);
    });
  }

  it("RC charging without a load dissipates C V^2 / 2 and draws C V^2 (tight tolerances, 1e-6)", () => {
    const { r } = relaxFromRest(`rc\nV1 in 0 DC 3\nR1 in a 2k\n.options cnode=${C} reltol=1e-9 vntol=1e-12\n.end\n`, { integrator: "bdf2", tol: 1e-9 });
    expect(r.settled).toBe(true);
    // Over [0, T] exactly: dissipated C V^2 (1 - e^-2T/tau) / 2, drawn C V^2 (1 - e^-T/tau); e^-T/tau = 1e-9 / 3 here.
    const e = 1e-9 / 3;
    expect(rel(r.energy.dissipated, (0.5 * C * 9 * (1 - e * e)))).toBeLessThan(1e-6);
    expect(rel(r.energy.drawn, C * 9 * (1 - e))).toBeLessThan(1e-6);
    expect(rel(r.energy.stored, 0.5 * C * 9 * (1 - e) ** 2)).toBeLessThan(1e-6);
  });

  it("default tolerances: the divider's energies within 3e-3 of the closed form at the reported time, which is within 10%", () => {
    const { r } = relaxFromRest(divider(false), { integrator: "bdf2", tol: 1e-9 });
    const want = closed(r.time);
    expect(rel(r.time, want.tau * Math.log(1.5 / 1e-9))).toBeLessThan(0.1);
    expect(rel(r.energy.dissipated, want.dissipated)).toBeLessThan(3e-3);
    expect(rel(r.energy.drawn, want.drawn)).toBeLessThan(3e-3);
  });
});

describe("energy and trajectory against ngspice .tran", () => {
  // A diode network with a current source: nonlinear, two free nodes. eqspice puts cnode on every
  // free node; ngspice gets the same capacitances as explicit capacitors.
  const body = `V1 in 0 DC 2\nR1 in a 1k\nR2 a b 2k\nD1 a 0 DM\nR3 b 0 3k\nI1 0 b DC 0.2m\n.model DM D(IS=1e-14 N=1)\n`;
  const C = 1e-9;
  itNgspice("drawn, dissipated and stored energy to 1e-3, node voltages to 1e-3 V", () => {
    const { r, ts, vs } = relaxFromRest(`net\n${body}.options cnode=${C}\n.end\n`, { integrator: "bdf2", tol: 1e-9 }, ["a", "b"]);
    expect(r.settled).toBe(true);
    const T = r.time;
    const dir = mkdtempSync(path.join(tmpdir(), "eqspice-relax-"));
    try {
      const file = path.join(dir, "net.cir");
      writeFileSync(file, `net\n${body}C1 a 0 ${C}\nC2 b 0 ${C}\n.ic v(a)=0 v(b)=0\n.end\n`);
      const ng = runNgspiceTran(file, { tstep: T / 2000, tstop: T, tmax: T / 20000, uic: true });
      const t = ng.time;
      const va = ng.nodes["a"];
      const vb = ng.nodes["b"];
      const iV1 = ng.branches["v1"];
      // Source power: V1 delivers -2 * I(V1) (ngspice's current flows into + through the source);
      // I1 (0.2 mA from ground into b) delivers 0.2m * V(b).
      let drawn = 0;
      const p = (k: number) => -2 * iV1[k] + 2e-4 * vb[k];
      for (let k = 1; k < t.length; k++) drawn += 0.5 * (p(k) + p(k - 1)) * (t[k] - t[k - 1]);
      const last = t.length - 1;
      const stored = 0.5 * C * (va[last] ** 2 + vb[last] ** 2);
      expect(rel(r.energy.drawn, drawn)).toBeLessThan(1e-3);
      expect(rel(r.energy.stored, stored)).toBeLessThan(1e-3);
      expect(rel(r.energy.dissipated, drawn - stored)).toBeLessThan(1e-3);
      // Waveforms: eqspice's points (linear between them) against ngspice's dense trajectory.
      let worst = 0;
      let j = 0;
      for (let k = 0; k < t.length; k++) {
        while (j < ts.length - 2 && ts[j + 1] < t[k]) j++;
        const w = Math.min(1, Math.max(0, (t[k] - ts[j]) / (ts[j + 1] - ts[j])));
        worst = Math.max(worst, Math.abs(vs[0][j] + w * (vs[0][j + 1] - vs[0][j]) - va[k]), Math.abs(vs[1][j] + w * (vs[1][j + 1] - vs[1][j]) - vb[k]));
      }
      expect(worst).toBeLessThan(1e-3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe("the shipped MNIST network (DRN-XS)", () => {
  it("free and nudged phases: trajectory within 1e-3 V of a tight-tolerance one, same settling time and energy, balanced", () => {
    const c = loadCircuit(path.join(ROOT, "netlists", "mnist.cir"));
    const m = new EqModel(c);
    const data = scaleInputs(loadDataset("mnist", { limitTrain: 2, limitTest: 1 }), 100);
    const y = new Float64Array(10);
    const nf = c.nFree;
    const run = (x0: Float64Array, tight: boolean) => {
      const saved = { ...c.options };
      if (tight) Object.assign(c.options, { reltol: 1e-6, vntol: 1e-9 });
      m.engine.x.set(x0);
      m.engine.syncVoltages();
      const ts: number[] = [];
      const xs: Float64Array[] = [];
      const r = relax(m.engine, { tol: 1e-10, record: (t) => (ts.push(t), xs.push(Float64Array.from(m.engine.x))) });
      Object.assign(c.options, saved);
      return { r, ts, xs, end: Float64Array.from(m.engine.x) };
    };
    m.setInputs(data.xTrain[1]);
    solveDc(m.engine);
    const previous = Float64Array.from(m.engine.x);
    m.setInputs(data.xTrain[0]);
    targetVector(data.yTrain[0], 10, 1, "onehot", y);
    let free = previous;
    for (const beta of [0, 0.4109, -0.4109]) {
      m.setNudge(beta * m.Gnudge, beta ? y : null);
      const start = beta === 0 ? previous : free;
      const ref = run(start, true);
      const got = run(start, false);
      if (beta === 0) free = got.end;
      expect(got.r.integrator).toBe("bdf2");
      expect(got.r.settled).toBe(true);
      let worst = 0;
      let j = 0;
      for (let k = 0; k < got.ts.length; k++) {
        const t = got.ts[k];
        while (j < ref.ts.length - 2 && ref.ts[j + 1] < t) j++;
        const w = Math.min(1, Math.max(0, (t - ref.ts[j]) / (ref.ts[j + 1] - ref.ts[j])));
        for (let i = 0; i < nf; i++) worst = Math.max(worst, Math.abs(got.xs[k][i] - (ref.xs[j][i] + w * (ref.xs[j + 1][i] - ref.xs[j][i]))));
      }
      expect(worst).toBeLessThan(1e-3);
      for (let i = 0; i < nf; i++) expect(Math.abs(got.end[i] - ref.end[i])).toBeLessThan(1e-9);
      expect(got.r.steps).toBeLessThan(ref.r.steps / 4);
      expect(rel(got.r.time, ref.r.time)).toBeLessThan(0.1);
      expect(rel(got.r.energy.dissipated, ref.r.energy.dissipated)).toBeLessThan(0.02);
      expect(got.r.energy.dissipated).toBeGreaterThan(0);
      // Tellegen: what the sources deliver is dissipated or stored (computed independently).
      const { drawn, dissipated, stored } = got.r.energy;
      expect(Math.abs(drawn - dissipated - stored)).toBeLessThan(1e-5 * drawn);
    }
  }, 60_000);
});

describe("training and eval report what the physical phases spend", () => {
  it("summaries: nearest-rank percentiles and the mean", async () => {
    const { summarize } = await import("../src/train/physical.js");
    const v = Array.from({ length: 200 }, (_, i) => (i * 37) % 200 + 1); // 1..200 shuffled
    const s = summarize(v);
    expect(s.mean).toBeCloseTo(100.5, 12);
    expect([s.p50, s.p90, s.p99, s.max]).toEqual([100, 180, 198, 200]);
  });

  it("--relax ode on xor: per-sample settling time and energy in the epoch metrics, equal to the relaxations' own sums", async () => {
    const { normalizeTrainOptions, train } = await import("../src/train/trainer.js");
    const c = loadCircuit(path.join(ROOT, "netlists", "xor.cir"));
    const m = new EqModel(c);
    await m.loadOde();
    const data = scaleInputs(loadDataset("xor"), 2);
    const seen: Array<{ time: number; energy: { dissipated: number; drawn: number } }> = [];
    const opts = normalizeTrainOptions({ epochs: 1, relax: "ode", estimator: "centered", lr: 0.1 });
    // Wrap the hook the trainer installs, to see every relaxation.
    const metrics = train(m, data, opts, {
      onSample: () => {
        if (seen.length === 0 && m.onRelax) {
          const inner = m.onRelax;
          m.onRelax = (r) => (seen.push(r as (typeof seen)[number]), inner(r));
        }
      },
    });
    const p = metrics[0].physical!;
    expect(p.train.samples).toBe(4);
    expect(p.test.samples).toBe(4);
    expect(p.test.phases).toBe(4);
    // From the second sample on, every relaxation was seen: 3 samples x 3 phases in training, then 4 in the test.
    expect(seen.length).toBe(9 + 4);
    const testSeen = seen.slice(9);
    const meanTime = testSeen.reduce((s, r) => s + r.time, 0) / 4;
    const meanDiss = testSeen.reduce((s, r) => s + r.energy.dissipated, 0) / 4;
    expect(p.test.time.mean).toBeCloseTo(meanTime, 20);
    expect(rel(p.test.dissipated.mean, meanDiss)).toBeLessThan(1e-12);
    expect(p.train.time.mean).toBeGreaterThan(p.test.time.mean);
    expect(p.train.dissipated.p50).toBeGreaterThan(0);
    expect(rel(p.train.drawn.mean, p.train.dissipated.mean)).toBeLessThan(1e-3);
  });
});
