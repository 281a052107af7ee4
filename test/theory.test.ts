/**
 * The theory reproductions (docs/theory.md). Every reference number comes
 * from an independent computation: the exact gradient (implicit
 * differentiation, itself checked here against finite differences of the
 * loss), the Hessian (checked against finite differences of the KCL
 * residual), linear solves and power series of H, and the exponents 1 and 2
 * that the theory predicts.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Command } from "commander";
import { makeEstimator } from "../src/train/estimators.js";
import { betaSweep, chlGradient, type BetaSweepResult } from "../src/theory/beta.js";
import { rbpEquivalence, sideNetwork, planSteps, type RbpResult } from "../src/theory/rbp.js";
import { earlyInference, type EarlyResult } from "../src/theory/early.js";
import { runTheory } from "../src/theory/index.js";
import { registerTheory } from "../src/cli/commands/theory.js";
import { InputError } from "../src/util/errors.js";
import { cosine, fitLogLog, freePoint, NodeDynamics, relativeError, solveDense, theoryCircuit, type TheoryCircuit } from "../src/theory/shared.js";

let tc: TheoryCircuit;
beforeAll(() => {
  tc = theoryCircuit();
});

describe("theory circuit", () => {
  it("is the 2-hidden-layer diode network with 22 free nodes", () => {
    expect(tc.hidden.map((l) => l.length)).toEqual([8, 8]);
    expect(tc.n).toBe(8 + 8 + 6);
  });

  it("H (the assembled Jacobian) equals finite differences of the KCL residual", () => {
    const fp = freePoint(tc, 0);
    const n = tc.n;
    const dyn = new NodeDynamics(tc);
    const rp = new Float64Array(n);
    const rm = new Float64Array(n);
    const delta = 1e-6;
    let scale = 0;
    for (const v of fp.H) scale = Math.max(scale, Math.abs(v));
    for (let j = 0; j < n; j++) {
      const x = Float64Array.from(fp.x0);
      x[j] += delta;
      dyn.residual(x, rp);
      x[j] -= 2 * delta;
      dyn.residual(x, rm);
      for (let i = 0; i < n; i++) {
        const fd = (rp[i] - rm[i]) / (2 * delta);
        expect(Math.abs(fd - fp.H[i * n + j])).toBeLessThanOrEqual(1e-7 * scale + 1e-5 * Math.abs(fp.H[i * n + j]));
      }
    }
    tc.model.restoreState(fp.x0);
  });

  it("the free equilibrium satisfies KCL to 1e-15 A and lambda solves H lambda = dC/dV (dense check)", () => {
    const fp = freePoint(tc, 1);
    const r = new Float64Array(tc.n);
    new NodeDynamics(tc).residual(Float64Array.from(fp.x0), r);
    for (const v of r) expect(Math.abs(v)).toBeLessThan(1e-15);
    expect(relativeError(solveDense(fp.H, fp.gradC), fp.lambda)).toBeLessThan(1e-10);
    tc.model.restoreState(fp.x0);
  });

  it("log-log fits recover known exponents", () => {
    const xs = [1e-3, 1e-2, 1e-1];
    const f = fitLogLog(xs, xs.map((x) => 3 * x ** 2));
    expect(f.slope).toBeCloseTo(2, 12);
    expect(10 ** f.intercept).toBeCloseTo(3, 10);
  });
});

describe("claim 1: EqProp converges to the exact gradient as beta -> 0", () => {
  let r: BetaSweepResult;
  beforeAll(() => {
    r = betaSweep(tc, { betas: [1e-4, 3.16227766e-4, 1e-3, 3.16227766e-3, 1e-2, 1e-1, 1], samples: 4 });
  });

  it("the reference (batch exact gradient) is the derivative of the batch loss (finite differences)", () => {
    const model = tc.model;
    const samples = 4;
    const m = model.tIndex.length;
    const exact = new Float64Array(m);
    for (let s = 0; s < samples; s++) {
      const fp = freePoint(tc, s);
      for (let k = 0; k < m; k++) exact[k] += fp.grad[k] / samples;
    }
    const g0 = model.getConductances();
    const nrm = Math.hypot(...exact);
    const batchLoss = (eps: number) => {
      model.setConductances(g0.map((g, k) => g + (eps * exact[k]) / nrm));
      let L = 0;
      for (let s = 0; s < samples; s++) L += freePoint(tc, s).loss / samples;
      return L;
    };
    const eps = 1e-10;
    const fd = (batchLoss(eps) - batchLoss(-eps)) / (2 * eps);
    model.setConductances(g0);
    expect(Math.abs(fd - nrm) / nrm).toBeLessThan(1e-5);
    expect(Math.abs(r.exactNorm - nrm) / nrm).toBeLessThan(1e-12);
  });

  it("every EqProp estimator's error vanishes as beta -> 0; cosine -> 1", () => {
    const last = 0; // beta = 1e-4
    for (const name of ["positive", "negative", "centered"] as const) {
      expect(r.curves[name].cosine[last]).toBeGreaterThan(1 - 1e-7);
      expect(r.curves[name].relativeError[last]).toBeLessThan(3e-4);
      // monotone in beta over the small-beta decades
      for (let i = 1; i <= 4; i++) expect(r.curves[name].relativeError[i]).toBeGreaterThan(r.curves[name].relativeError[i - 1]);
    }
    expect(r.curves.centered.relativeError[last]).toBeLessThan(1e-6);
  });

  it("one-sided errors fall like beta, the centered one's like beta^2 (Laborieux et al. 2021)", () => {
    expect(r.fits.positive.slope).toBeGreaterThan(0.95);
    expect(r.fits.positive.slope).toBeLessThan(1.05);
    expect(r.fits.negative.slope).toBeGreaterThan(0.95);
    expect(r.fits.negative.slope).toBeLessThan(1.05);
    expect(r.fits.centered.slope).toBeGreaterThan(1.95);
    expect(r.fits.centered.slope).toBeLessThan(2.05);
    for (const f of Object.values(r.fits)) {
      expect(f.points).toBe(5);
      expect(f.r2).toBeGreaterThan(0.999);
    }
  });

  it("CHL converges to the infinitesimal-clamp limit of a linear solve, which is not the gradient", () => {
    expect(r.chlLimit.cosineMeasured).toBeGreaterThan(1 - 1e-8);
    expect(r.chlLimit.relativeErrorMeasured).toBeLessThan(1e-3);
    expect(r.chlLimit.cosineToExact).toBeLessThan(0.999);
    expect(r.chlLimit.relativeErrorToExact).toBeGreaterThan(0.05);
    // Flat in beta: the bias does not vanish.
    expect(Math.abs(r.curves.chl.relativeError[0] - r.chlLimit.relativeErrorToExact)).toBeLessThan(1e-3);
  });

  it("CHL at beta = 1 (clamp to the targets) is eqspice's chl estimator", () => {
    const fp = freePoint(tc, 2);
    const m = tc.model.tIndex.length;
    const a = new Float64Array(m);
    const b = new Float64Array(m);
    chlGradient(tc, fp.y, 1, a);
    makeEstimator("chl", { beta: 1, relax: { kind: "newton" } }).gradient(tc.model, fp.y, b);
    expect(relativeError(a, b)).toBeLessThan(1e-9);
  });
});

describe("claim 2: (1/beta) dV/dt of the nudged phase equals recurrent backprop's error derivatives", () => {
  let r: RbpResult;
  beforeAll(() => {
    r = rbpEquivalence(tc, { betas: [1e-1, 1e-2, 1e-3] });
  });

  it("the deviation from the side network falls linearly with beta", () => {
    const dev = r.runs.map((x) => x.rateDeviation);
    expect(dev[2]).toBeLessThan(1e-3);
    for (let i = 1; i < dev.length; i++) {
      const ratio = dev[i] / dev[i - 1];
      expect(ratio).toBeGreaterThan(0.07);
      expect(ratio).toBeLessThan(0.14);
    }
    expect(r.fit.slope).toBeGreaterThan(0.9);
    expect(r.fit.slope).toBeLessThan(1.1);
    for (const x of r.runs) {
      expect(x.displacementDeviation).toBeLessThan(1.5 * x.beta);
      expect(x.hiddenRateDeviation).toBeLessThan(1 * x.beta);
    }
  });

  it("the side network ends at -lambda, the adjoint of the exact gradient", () => {
    expect(r.dInfinityError).toBeLessThan(1e-8);
  });

  it("the side network's d(t) equals the closed form -(I - (I - hH/C)^k) H^-1 dC/dV at a middle step", () => {
    const fp = freePoint(tc, 0);
    const plan = planSteps(tc, fp, 1e-12, 0.1);
    const k = 40;
    const side = sideNetwork(fp, plan, { steps: k });
    // (I - hH/C)^k applied to lambda by repeated dense products, independent of the u-recursion.
    const n = tc.n;
    let v = Float64Array.from(fp.lambda);
    for (let s = 0; s < k; s++) {
      const w = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let acc = 0;
        for (let j = 0; j < n; j++) acc += fp.H[i * n + j] * v[j];
        w[i] = v[i] - (plan.h / 1e-12) * acc;
      }
      v = w;
    }
    const expected = Float64Array.from(fp.lambda, (l, i) => -(l - v[i]));
    expect(relativeError(side.d.subarray(k * n, (k + 1) * n), expected)).toBeLessThan(1e-10);
  });
});

describe("claim 3: early inference moves hidden voltages along the backpropagated error", () => {
  let r: EarlyResult;
  beforeAll(() => {
    r = earlyInference(tc, { samples: 3 });
  });

  it("the error reaches the last hidden layer after one step, the one below after two", () => {
    for (const cfg of r.configs) expect(cfg.detail.firstStep).toEqual([2, 1]);
  });

  it("the first moves match the leading-order power series of H (no integration)", () => {
    for (const cfg of r.configs)
      for (const c of [cfg.detail, ...cfg.others])
        // The first move is V(t1) - V(0), a tiny difference of voltages: its direction carries
        // rounding of about 1e-6 that depends on the LDL^T pivot order (1.1e-6 with AMD, 0.9e-6 before).
        c.layersFull.forEach((a, l) => expect(Math.abs(a[c.firstStep[l]] - c.predicted[l])).toBeLessThan(3e-6));
  });

  it("with equal node time constants every layer's first move is within 0.95 of the error signal; uniform C is sample dependent", () => {
    const eq = r.configs.find((c) => c.capacitance === "equal-tau")!;
    for (const c of [eq.detail, ...eq.others]) for (const p of c.predicted) expect(p).toBeGreaterThan(0.95);
    const uni = r.configs.find((c) => c.capacitance === "uniform")!;
    expect(uni.detail.predicted[1]).toBeGreaterThan(0.9);
  });

  it("the hidden velocity aligns with -lambda_h (peak cosine > 0.92) and the displacement ends on it (> 0.999)", () => {
    for (const cfg of r.configs)
      for (const c of [cfg.detail, ...cfg.others]) {
        const peak = Math.max(...Array.from(c.allFull).filter((v) => !Number.isNaN(v)));
        expect(peak).toBeGreaterThan(0.92);
        expect(c.displacementFull[c.displacementFull.length - 1]).toBeGreaterThan(0.999);
      }
  });

  it("the displacement's direction is EqProp's: cos(V_h - V*_h, -lambda_h) from an independent steady nudged solve", () => {
    // Nudged equilibrium by Newton (no time stepping) at the same beta.
    const fp = freePoint(tc, 0);
    tc.model.setNudge(r.beta * tc.model.Gnudge, fp.y);
    tc.model.settle({ kind: "newton" });
    const hidden = tc.hidden.flat();
    const disp = hidden.map((i) => tc.model.engine.x[i] - fp.x0[i]);
    tc.model.setNudge(0, null);
    tc.model.restoreState(fp.x0);
    const c = cosine(disp, hidden.map((i) => -fp.lambda[i]));
    const uni = r.configs.find((x) => x.capacitance === "uniform")!.detail;
    expect(Math.abs(uni.displacementFull[uni.displacementFull.length - 1] - c)).toBeLessThan(1e-4);
  });
});

describe("eqspice theory", () => {
  const dir = mkdtempSync(join(tmpdir(), "eqspice-theory-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("writes a self-contained HTML page and theory.json with the command that regenerates it", () => {
    const r = runTheory({ parts: ["rbp"], outDir: dir });
    expect(r.files).toEqual([join(dir, "theory-rbp.html"), join(dir, "theory.json")]);
    const html = readFileSync(join(dir, "theory-rbp.html"), "utf8");
    expect(html).not.toMatch(/<script[^>]+src=/i);
    expect(html).toContain("Plotly.newPlot");
    const json = JSON.parse(readFileSync(join(dir, "theory.json"), "utf8"));
    expect(json.rbp.command).toBe(`eqspice theory rbp --out ${dir}`);
    expect(json.rbp.deviations).toHaveLength(4);
    expect(json.circuit.layers).toEqual([4, 8, 8, 3]);
  });

  it("writes numbers without roundoff digits: a circuit perturbed by a few ulps writes the same files (plots/ regenerates unchanged elsewhere)", () => {
    const plain = join(dir, "plain");
    const moved = join(dir, "moved");
    runTheory({ parts: ["beta", "rbp", "early"], outDir: plain });
    const perturbed = theoryCircuit();
    const g = perturbed.model.getConductances();
    // About two ulps, in a pattern: what another libm, another Node or another summation order does to the last bits.
    for (let k = 0; k < g.length; k++) g[k] *= 1 + 4e-16 * [1, -1, 0.5][k % 3]!;
    perturbed.model.setConductances(g);
    expect(perturbed.model.getConductances()).not.toEqual(theoryCircuit().model.getConductances());
    runTheory({ parts: ["beta", "rbp", "early"], outDir: moved, circuit: perturbed });
    for (const f of ["theory.json", "theory-beta.html", "theory-rbp.html", "theory-early.html"]) {
      const a = readFileSync(join(plain, f), "utf8").replaceAll(plain, "DIR");
      const b = readFileSync(join(moved, f), "utf8").replaceAll(moved, "DIR");
      expect(a === b, `${f} depends on roundoff`).toBe(true);
    }
  }, 300_000);

  it("rejects an unknown part with an input error", async () => {
    const program = new Command().exitOverride();
    let err: unknown;
    registerTheory(program, async (fn) => {
      try {
        await fn();
      } catch (e) {
        err = e;
      }
    });
    await program.parseAsync(["node", "eqspice", "theory", "bogus", "--out", dir]);
    expect(err).toBeInstanceOf(InputError);
  });
});
