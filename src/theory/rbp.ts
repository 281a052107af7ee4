/**
 * Claim 2 (Scellier & Bengio 2018): at every moment of the nudged phase,
 * (1/beta) dV/dt equals the error derivatives that recurrent backprop
 * (Almeida-Pineda) computes step by step in its side network.
 *
 * Node dynamics with a capacitance C on every free node, integrated by
 * explicit (forward) Euler with one fixed step h for both networks:
 *
 *   nudged phase:  x_{k+1} = x_k - (h/C) r_beta(x_k),   x_0 = free equilibrium x*,
 *                  r_beta = dE/dx + betaS dC/dx, the KCL residual with the nudge set
 *                  (engine.currents: the real nonlinear devices);
 *   side network:  the RBP error iteration through the transposed Jacobian of
 *                  one step of the free dynamics, J = I - (h/C) H (H = d2E/dx2 at x*):
 *                  u_0 = -(h/C) dC/dx,  u_{k+1} = J^T u_k,  d_{k+1} = d_k + u_k,  d_0 = 0,
 *                  i.e. C (d_{k+1} - d_k)/h = -(H d_k + dC/dx), the linear side network.
 *
 * Linearizing the nudged step about x* gives exactly the side network's step
 * with x_k - x* = betaS d_k, so (x_{k+1} - x_k) / (h betaS) - u_k / h = O(betaS)
 * at every k, and d_k -> -H^-1 dC/dx = -lambda (the adjoint of the exact
 * gradient, solved independently by the engine's sparse factorization).
 *
 * The step is h = stepFraction / rate_max, rate_max the largest eigenvalue of
 * C^-1 H (forward Euler is stable for h < 2 / rate_max; below 1 / rate_max it
 * does not oscillate). With uniform C, rate = lambda(H) / C. The nudged run
 * subtracts the free point's residual r_0(x*) (~1e-17 A) at every step.
 */
import {
  axis,
  COLORS,
  extremeEigenvalues,
  figure,
  fitLogLog,
  freePoint,
  geometricIndices,
  matvec,
  norm,
  NodeDynamics,
  sig,
  type FreePoint,
  type LogLogFit,
  type TheoryCircuit,
} from "./shared.js";
import type { PlotFigure } from "../plot/html.js";
import { betaSiemens } from "../train/nudge-units.js";

/** Node capacitances: one value C on every free node, or C_n proportional to the node's self-conductance H_nn (equal node time constants C_n / H_nn), scaled so their mean is C. */
export type Capacitance = "uniform" | "equal-tau";

export interface StepPlan {
  capacitance: Capacitance;
  /** Mean node capacitance (F). */
  cnode: number;
  /** Capacitance of every free node (F). */
  c: Float64Array;
  /** Time step (s). */
  h: number;
  /** Fastest and slowest relaxation rates of the free dynamics, eigenvalues of C^-1 H (1/s). */
  rateMax: number;
  rateMin: number;
}

/** Node capacitances for a free point. */
export function capacitances(fp: FreePoint, n: number, cnode: number, kind: Capacitance): Float64Array {
  if (kind === "uniform") return new Float64Array(n).fill(cnode);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += fp.H[i * n + i] / n;
  return Float64Array.from({ length: n }, (_, i) => (cnode * fp.H[i * n + i]) / mean);
}

/** Choose the explicit Euler step: h = stepFraction / (largest eigenvalue of C^-1 H). */
export function planSteps(tc: TheoryCircuit, fp: FreePoint, cnode: number, stepFraction: number, kind: Capacitance = "uniform"): StepPlan {
  const n = tc.n;
  const c = capacitances(fp, n, cnode, kind);
  // C^-1 H is similar to the symmetric C^-1/2 H C^-1/2.
  const S = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) S[i * n + j] = fp.H[i * n + j] / Math.sqrt(c[i] * c[j]);
  const { max, min } = extremeEigenvalues(S, n);
  return { capacitance: kind, cnode, c, h: stepFraction / max, rateMax: max, rateMin: min };
}

export interface SideNetwork {
  /** Steps taken K. */
  steps: number;
  /** u_k / h = dd/dt over step k (V/(S s)), row-major K x n. */
  rate: Float64Array;
  /** d_k for k = 0..K (V/S), row-major (K+1) x n. */
  d: Float64Array;
}

/**
 * Run the RBP side network from d = 0 until |u_k| <= tol |d_k| (or maxSteps,
 * or exactly `steps` steps when given).
 */
export function sideNetwork(fp: FreePoint, plan: StepPlan, o: { tol?: number; maxSteps?: number; steps?: number }): SideNetwork {
  const n = fp.gradC.length;
  const { h, c } = plan;
  const maxSteps = o.steps ?? o.maxSteps ?? 1_000_000;
  const tol = o.tol ?? 1e-12;
  const rate: number[] = [];
  const dHist: number[] = new Array<number>(n).fill(0);
  let u = Float64Array.from(fp.gradC, (g, i) => (-h / c[i]) * g);
  const d = new Float64Array(n);
  const Hu = new Float64Array(n);
  let k = 0;
  while (k < maxSteps) {
    for (let i = 0; i < n; i++) {
      rate.push(u[i] / h);
      d[i] += u[i];
      dHist.push(d[i]);
    }
    k++;
    if (o.steps === undefined && norm(u) <= tol * norm(d)) break;
    matvec(fp.H, u, Hu);
    const next = new Float64Array(n);
    for (let i = 0; i < n; i++) next[i] = u[i] - (h / c[i]) * Hu[i];
    u = next;
  }
  return { steps: k, rate: Float64Array.from(rate), d: Float64Array.from(dHist) };
}

/**
 * Integrate the nudged phase from the free point for `steps` explicit Euler
 * steps; visit(k, x_k, dx_k) sees each step's start and increment.
 * The free point's own residual r_0(x*) (Newton leaves ~1e-17 A: see
 * freeResidual) is subtracted from every step, so the motion is the nudge's
 * alone: without it the hidden nodes' first steps, which the nudge reaches only
 * at order h and h^2, would show that residual instead.
 * Leaves the model at the free point with the nudge off.
 */
export function nudgedPhase(
  tc: TheoryCircuit,
  fp: FreePoint,
  plan: StepPlan,
  betaS: number,
  steps: number,
  visit: (k: number, x: Float64Array, dx: Float64Array) => void,
): void {
  const n = tc.n;
  const dyn = new NodeDynamics(tc);
  const x = Float64Array.from(fp.x0);
  const r = new Float64Array(n);
  const dx = new Float64Array(n);
  const f = Float64Array.from(plan.c, (c) => -plan.h / c);
  tc.model.setNudge(0, null);
  const r0 = new Float64Array(n);
  dyn.residual(x, r0);
  tc.model.setNudge(betaS, fp.y);
  try {
    for (let k = 0; k < steps; k++) {
      dyn.residual(x, r);
      for (let i = 0; i < n; i++) dx[i] = f[i] * (r[i] - r0[i]);
      visit(k, x, dx);
      for (let i = 0; i < n; i++) x[i] += dx[i];
    }
  } finally {
    tc.model.setNudge(0, null);
    tc.model.restoreState(fp.x0);
  }
}

/** max |r_0(x*)| (A): how far from exact KCL the free equilibrium is. */
export function freeResidual(tc: TheoryCircuit, fp: FreePoint): number {
  const r = new Float64Array(tc.n);
  tc.model.setNudge(0, null);
  new NodeDynamics(tc).residual(Float64Array.from(fp.x0), r);
  tc.model.restoreState(fp.x0);
  return r.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
}

export interface RbpOptions {
  /** Training sample (default 0). */
  sample?: number;
  /** Dimensionless betas of the nudged runs (default 1e-1, 1e-2, 1e-3, 1e-4). */
  betas?: number[];
  /** Node capacitance (F), default 1 pF. */
  cnode?: number;
  /** h = stepFraction * C / lambda_max (default 0.1). */
  stepFraction?: number;
  /** Node capacitances (default uniform). */
  capacitance?: Capacitance;
  /** Stop the side network when |u_k| <= tol |d_k| (default 1e-12). */
  tol?: number;
  /** Points kept per plotted trajectory (default 250). */
  points?: number;
  /** Hidden nodes plotted per hidden layer, the ones with the largest |lambda| (default 2). */
  nodesPerLayer?: number;
}

export interface NudgedRun {
  beta: number;
  betaS: number;
  /** max over steps and nodes |(1/betaS) dV/dt - dd/dt| / max |dd/dt|. */
  rateDeviation: number;
  /** max over steps and nodes |(V - V*)/betaS - d| / max |d|. */
  displacementDeviation: number;
  /** rateDeviation over the hidden nodes only (normalized by their own max |dd/dt|). */
  hiddenRateDeviation: number;
  /** (1/beta) dV/dt (V/s) of the plotted nodes at the kept steps. */
  rate: number[][];
  /** (V - V*)/beta (V) of the plotted nodes at the kept steps (after the step). */
  displacement: number[][];
}

export interface RbpResult {
  sample: number;
  scheme: "explicit Euler";
  plan: StepPlan;
  steps: number;
  /** t_K (s). */
  tEnd: number;
  /** |d_K + lambda| / |lambda|: the side network's end point against the exact adjoint. */
  dInfinityError: number;
  /** max |KCL residual| at the free equilibrium (A), subtracted from the nudged dynamics. */
  freeResidual: number;
  gnudge: number;
  /** Kept step indices and their times t_k (s). */
  kept: number[];
  times: number[];
  nodes: string[];
  /** Gnudge dd/dt (V/s) and Gnudge d (V) of the plotted nodes at the kept steps (d after the step). */
  rbpRate: number[][];
  rbpDisplacement: number[][];
  /** -Gnudge lambda of the plotted nodes (V): d's limit. */
  limit: number[];
  runs: NudgedRun[];
  /** Slope of log(rateDeviation) against log(beta). */
  fit: LogLogFit;
}

export function rbpEquivalence(tc: TheoryCircuit, o: RbpOptions = {}): RbpResult {
  const sample = o.sample ?? 0;
  const betas = o.betas ?? [1e-1, 1e-2, 1e-3, 1e-4];
  const fp = freePoint(tc, sample);
  const plan = planSteps(tc, fp, o.cnode ?? 1e-12, o.stepFraction ?? 0.1, o.capacitance ?? "uniform");
  const side = sideNetwork(fp, plan, { tol: o.tol ?? 1e-12 });
  const n = tc.n;
  const K = side.steps;
  const Gn = tc.model.Gnudge;
  const perLayer = o.nodesPerLayer ?? 2;
  const plotted = tc.hidden.flatMap((layer) => [...layer].sort((a, b) => Math.abs(fp.lambda[b]) - Math.abs(fp.lambda[a])).slice(0, perLayer));
  const kept = geometricIndices(K - 1, o.points ?? 250);
  const keptSet = new Map(kept.map((k, j) => [k, j]));
  let dInf = 0;
  for (let i = 0; i < n; i++) dInf += (side.d[K * n + i] + fp.lambda[i]) ** 2;
  let maxRate = 0;
  for (const v of side.rate) maxRate = Math.max(maxRate, Math.abs(v));
  let maxD = 0;
  for (const v of side.d) maxD = Math.max(maxD, Math.abs(v));
  const isHidden = new Uint8Array(n);
  for (const layer of tc.hidden) for (const i of layer) isHidden[i] = 1;
  let maxHiddenRate = 0;
  for (let k = 0; k < K; k++) for (let i = 0; i < n; i++) if (isHidden[i]) maxHiddenRate = Math.max(maxHiddenRate, Math.abs(side.rate[k * n + i]));

  const runs: NudgedRun[] = betas.map((beta) => {
    const betaS = betaSiemens(beta, Gn);
    let devRate = 0;
    let devDisp = 0;
    let devHidden = 0;
    const rate = plotted.map(() => new Array<number>(kept.length));
    const displacement = plotted.map(() => new Array<number>(kept.length));
    nudgedPhase(tc, fp, plan, betaS, K, (k, x, dx) => {
      for (let i = 0; i < n; i++) {
        const a = dx[i] / (plan.h * betaS);
        const dev = Math.abs(a - side.rate[k * n + i]);
        devRate = Math.max(devRate, dev);
        if (isHidden[i]) devHidden = Math.max(devHidden, dev);
        const disp = (x[i] + dx[i] - fp.x0[i]) / betaS;
        devDisp = Math.max(devDisp, Math.abs(disp - side.d[(k + 1) * n + i]));
      }
      const j = keptSet.get(k);
      if (j !== undefined)
        plotted.forEach((i, p) => {
          rate[p][j] = sig(dx[i] / (plan.h * beta));
          displacement[p][j] = sig((x[i] + dx[i] - fp.x0[i]) / beta);
        });
    });
    return { beta, betaS, rateDeviation: devRate / maxRate, displacementDeviation: devDisp / maxD, hiddenRateDeviation: devHidden / maxHiddenRate, rate, displacement };
  });
  return {
    sample,
    scheme: "explicit Euler",
    plan,
    steps: K,
    tEnd: K * plan.h,
    dInfinityError: Math.sqrt(dInf) / norm(fp.lambda),
    freeResidual: freeResidual(tc, fp),
    gnudge: Gn,
    kept,
    times: kept.map((k) => sig(k * plan.h)),
    nodes: plotted.map((i) => tc.names[i]),
    rbpRate: plotted.map((i) => kept.map((k) => sig(Gn * side.rate[k * n + i]))),
    rbpDisplacement: plotted.map((i) => kept.map((k) => sig(Gn * side.d[(k + 1) * n + i]))),
    limit: plotted.map((i) => sig(-Gn * fp.lambda[i])),
    runs,
    fit: fitLogLog(
      runs.map((r) => r.beta),
      runs.map((r) => r.rateDeviation),
    ),
  };
}

export function rbpSummary(r: RbpResult): Record<string, unknown> {
  return {
    sample: r.sample,
    scheme: r.scheme,
    cnode: r.plan.cnode,
    step: sig(r.plan.h),
    capacitance: r.plan.capacitance,
    tauFast: sig(1 / r.plan.rateMax),
    tauSlow: sig(1 / r.plan.rateMin),
    // Roundoff (about 1e-20 A), whose digits change with the last bit of anything: a bound.
    freeResidual: r.freeResidual < 1e-18 ? "< 1e-18" : sig(r.freeResidual, 1),
    steps: r.steps,
    tEnd: sig(r.tEnd),
    dInfinityRelativeError: sig(r.dInfinityError, 4),
    deviations: r.runs.map((x) => ({ beta: x.beta, rate: sig(x.rateDeviation, 4), displacement: sig(x.displacementDeviation, 4), hiddenRate: sig(x.hiddenRateDeviation, 4) })),
    deviationSlope: sig(r.fit.slope, 4),
    deviationSlopeR2: sig(r.fit.r2, 6),
  };
}

export function rbpFigures(r: RbpResult): PlotFigure[] {
  const tns = r.times.map((t) => sig(t * 1e9));
  // Skip t = 0 on the log axis.
  const from = tns[0] === 0 ? 1 : 0;
  const show = r.runs.filter((x) => x.beta === 1e-1 || x.beta === 1e-3);
  const shown = show.length ? show : r.runs.slice(0, 2);
  const traces = (rbp: number[][], nudged: (x: NudgedRun) => number[][], rbpName: string) => {
    const data: Array<Record<string, unknown>> = [];
    r.nodes.forEach((name, p) => {
      const color = COLORS[p % COLORS.length];
      data.push({ x: tns.slice(from), y: rbp[p].slice(from), name: `${name}: ${rbpName}`, mode: "lines", line: { color, width: 2 } });
      shown.forEach((x, s) =>
        data.push({
          x: tns.slice(from),
          y: nudged(x)[p].slice(from),
          name: `${name}: EqProp, beta=${x.beta}`,
          mode: "markers",
          marker: { color, size: s === 0 ? 7 : 4, symbol: s === 0 ? "circle-open" : "x" },
        }),
      );
    });
    return data;
  };
  const rateFig = figure(
    `Nudged phase (1/beta) dV/dt vs recurrent backprop's error derivatives<br>(sample ${r.sample}, explicit Euler, h = ${sig(r.plan.h * 1e9, 3)} ns, C = ${r.plan.cnode} F ${r.plan.capacitance})`,
    traces(r.rbpRate, (x) => x.rate, "RBP side network, Gnudge dd/dt"),
    axis("time since the nudge began (ns)", true),
    axis("(1/beta) dV/dt  (V/s)"),
    620,
  );
  const dispData = traces(r.rbpDisplacement, (x) => x.displacement, "RBP side network, Gnudge d");
  r.nodes.forEach((name, p) =>
    dispData.push({ x: [tns[from], tns[tns.length - 1]], y: [r.limit[p], r.limit[p]], name: `${name}: -Gnudge lambda (exact adjoint)`, mode: "lines", line: { color: COLORS[p % COLORS.length], dash: "dash", width: 1 } }),
  );
  const dispFig = figure(
    `Displacement (V - V*)/beta vs the side network's accumulated error d<br>both end at -lambda (|d_end + lambda|/|lambda| = ${r.dInfinityError.toExponential(2)})`,
    dispData,
    axis("time since the nudge began (ns)", true),
    axis("(V - V*)/beta  (V)"),
    620,
  );
  const betas = r.runs.map((x) => x.beta);
  const devFig = figure(
    `Max relative deviation from the RBP trajectory vs beta (slope ${r.fit.slope.toFixed(3)})`,
    [
      { x: betas, y: r.runs.map((x) => x.rateDeviation), name: "(1/beta) dV/dt vs dd/dt", mode: "lines+markers" },
      { x: betas, y: r.runs.map((x) => x.hiddenRateDeviation), name: "(1/beta) dV/dt vs dd/dt, hidden nodes only", mode: "lines+markers" },
      { x: betas, y: r.runs.map((x) => x.displacementDeviation), name: "(V - V*)/beta vs d", mode: "lines+markers" },
      { x: betas, y: betas.map((b) => r.runs[0].rateDeviation * (b / r.runs[0].beta)), name: "slope 1 guide", mode: "lines", line: { dash: "dot", color: "gray" } },
    ],
    axis("beta (nudge conductance / Gnudge)", true),
    axis("max |deviation| / max |RBP|", true),
  );
  return [rateFig, dispFig, devFig];
}
