/**
 * Claim 3 (Bengio & Fischer 2015): starting from the free equilibrium, the
 * first moments of the nudged relaxation move the hidden voltages along the
 * backpropagated error.
 *
 * The nudged phase is integrated as in claim 2 (explicit Euler, capacitance C
 * on every free node, small beta) and at every step the hidden velocity
 * dV_h/dt is compared with the exact error signal -lambda_h (lambda = H^-1
 * dC/dV, the adjoint of implicit differentiation: dL/dI_h = lambda_h, so
 * -lambda_h is the direction that lowers the loss) by their cosine, for all
 * hidden nodes and per hidden layer. The displacement V_h - V*_h is compared
 * the same way (its cosine tends to 1: that is EqProp's own claim).
 *
 * Leading order at t -> 0+: the nudge acts on the outputs only, so dV/dt(0)
 * is zero on every hidden node; the error reaches the last hidden layer at
 * order t, the one below at order t^2, ... The first nonzero Taylor term of
 * dV/dt on hidden layer l is the restriction to l of (-H)^j (-dC/dV) for the
 * smallest j that reaches l (one layer per power of H): a prediction made
 * without integrating anything, which the first integration steps must match.
 */
import {
  axis,
  COLORS,
  cosine,
  figure,
  freePoint,
  geometricIndices,
  matvec,
  norm,
  pick,
  sig,
  type TheoryCircuit,
} from "./shared.js";
import { nudgedPhase, planSteps, type Capacitance } from "./rbp.js";
import type { PlotFigure } from "../plot/html.js";
import { betaSiemens } from "../train/nudge-units.js";

export interface EarlyOptions {
  /** Sample of the detailed trajectory (default 0). */
  sample?: number;
  /** Samples summarized (the first ones of the training split; default 8). */
  samples?: number;
  /** Dimensionless beta (default 1e-3). */
  beta?: number;
  /** Mean node capacitance (F), default 1 pF. */
  cnode?: number;
  /** Capacitance configurations compared (default both: uniform and equal-tau). */
  capacitances?: Capacitance[];
  /** h = stepFraction * C / lambda_max (default 0.01: fine steps for the early moments). */
  stepFraction?: number;
  /** Integrate until t = horizon * C / lambda_min (default 5). */
  horizon?: number;
  /** Points kept per curve (default 300). */
  points?: number;
}

export interface EarlyCurves {
  sample: number;
  capacitance: Capacitance;
  /** Time step h (s), steps, fastest and slowest time constants of the free dynamics (s). */
  h: number;
  steps: number;
  tauFast: number;
  tauSlow: number;
  /** Kept step indices and times t_k = k h (s); dV/dt at t_k is the Euler slope of step k. */
  kept: number[];
  times: number[];
  /** cos(dV_h/dt, -lambda_h): all hidden nodes, then each hidden layer (NaN while zero). */
  all: number[];
  layers: number[][];
  /** cos(V_h - V*_h, -lambda_h) after step k, all hidden nodes. */
  displacement: number[];
  /** The same at every step (for summaries). */
  allFull: Float64Array;
  layersFull: Float64Array[];
  displacementFull: Float64Array;
  /** Leading-order prediction of the t -> 0+ cosine per hidden layer, and the step at which each layer first moves. */
  predicted: number[];
  firstStep: number[];
}

/**
 * Leading-order (t -> 0+) direction of dV/dt on each hidden layer, and its
 * power j: the first nonzero restriction to the layer of
 * w_j = (-C^-1 H)^j (-C^-1 dC/dV), the j-th time derivative of dV/dt at 0.
 */
export function leadingOrder(H: Float64Array, gradC: Float64Array, c: Float64Array, hidden: number[][]): { directions: Float64Array[]; order: number[] } {
  const n = gradC.length;
  let w = Float64Array.from(gradC, (g, i) => -g / c[i]);
  const directions: Float64Array[] = hidden.map(() => new Float64Array(0));
  const order = hidden.map(() => -1);
  const tmp = new Float64Array(n);
  for (let j = 0; j <= n && order.some((o) => o < 0); j++) {
    hidden.forEach((layer, l) => {
      if (order[l] >= 0) return;
      const v = pick(w, layer);
      if (norm(v) > 0) {
        directions[l] = v;
        order[l] = j;
      }
    });
    matvec(H, w, tmp);
    w = Float64Array.from(tmp, (v, i) => -v / c[i]);
  }
  return { directions, order };
}

/** Cosines of the hidden velocity with the error signal along one nudged trajectory. */
export function earlyCurves(tc: TheoryCircuit, s: number, capacitance: Capacitance, o: EarlyOptions = {}): EarlyCurves {
  const fp = freePoint(tc, s);
  const plan = planSteps(tc, fp, o.cnode ?? 1e-12, o.stepFraction ?? 0.01, capacitance);
  const tauFast = 1 / plan.rateMax;
  const tauSlow = 1 / plan.rateMin;
  const steps = Math.ceil(((o.horizon ?? 5) * tauSlow) / plan.h);
  const allHidden = tc.hidden.flat();
  const err = Float64Array.from(allHidden, (i) => -fp.lambda[i]);
  const errLayer = tc.hidden.map((layer) => Float64Array.from(layer, (i) => -fp.lambda[i]));
  const allFull = new Float64Array(steps);
  const layersFull = tc.hidden.map(() => new Float64Array(steps));
  const displacementFull = new Float64Array(steps);
  const firstStep = tc.hidden.map(() => -1);
  const cosOrNaN = (v: Float64Array, e: Float64Array) => (norm(v) > 0 ? cosine(v, e) : NaN);
  const disp = new Float64Array(allHidden.length);
  nudgedPhase(tc, fp, plan, betaSiemens(o.beta ?? 1e-3, tc.model.Gnudge), steps, (k, x, dx) => {
    allFull[k] = cosOrNaN(pick(dx, allHidden), err);
    tc.hidden.forEach((layer, l) => {
      const v = pick(dx, layer);
      layersFull[l][k] = cosOrNaN(v, errLayer[l]);
      if (firstStep[l] < 0 && norm(v) > 0) firstStep[l] = k;
    });
    allHidden.forEach((i, j) => (disp[j] = x[i] + dx[i] - fp.x0[i]));
    displacementFull[k] = cosOrNaN(disp, err);
  });
  const lead = leadingOrder(fp.H, fp.gradC, plan.c, tc.hidden);
  const kept = geometricIndices(steps - 1, o.points ?? 300);
  const at = (a: Float64Array) => kept.map((k) => sig(a[k], 8));
  return {
    sample: s,
    capacitance,
    h: plan.h,
    steps,
    tauFast,
    tauSlow,
    kept,
    times: kept.map((k) => sig(k * plan.h)),
    all: at(allFull),
    layers: layersFull.map(at),
    displacement: at(displacementFull),
    allFull,
    layersFull,
    displacementFull,
    predicted: lead.directions.map((d, l) => cosine(d, errLayer[l])),
    firstStep,
  };
}

export interface EarlyConfig {
  capacitance: Capacitance;
  /** The detailed trajectory (option `sample`). */
  detail: EarlyCurves;
  /** The other samples of the batch. */
  others: EarlyCurves[];
}

export interface EarlyResult {
  beta: number;
  samples: number;
  layerNames: string[];
  configs: EarlyConfig[];
}

export function earlyInference(tc: TheoryCircuit, o: EarlyOptions = {}): EarlyResult {
  const sample = o.sample ?? 0;
  const n = Math.min(o.samples ?? 8, tc.data.xTrain.length);
  const configs = (o.capacitances ?? (["uniform", "equal-tau"] as Capacitance[])).map((capacitance) => {
    const detail = earlyCurves(tc, sample, capacitance, o);
    const others: EarlyCurves[] = [];
    for (let s = 0; s < n; s++) if (s !== sample) others.push(earlyCurves(tc, s, capacitance, o));
    return { capacitance, detail, others };
  });
  return { beta: o.beta ?? 1e-3, samples: n, layerNames: tc.hidden.map((_, l) => `h${l + 1}`), configs };
}

/** Value of a per-step curve at time t (the step containing t). */
function valueAt(c: EarlyCurves, a: Float64Array, t: number): number {
  return a[Math.min(a.length - 1, Math.max(0, Math.round(t / c.h)))];
}

/** Largest value of a curve (NaN entries skipped) and its step. */
function peakOf(a: Float64Array): { value: number; step: number } {
  let value = -Infinity;
  let step = 0;
  a.forEach((v, k) => {
    if (v > value) {
      value = v;
      step = k;
    }
  });
  return { value, step };
}

/** Milestones of one trajectory. */
export function earlyMilestones(c: EarlyCurves): Record<string, unknown> {
  const first = (a: Float64Array) => {
    for (let k = 0; k < a.length; k++) if (!Number.isNaN(a[k])) return { step: k, time: sig(k * c.h), cosine: sig(a[k]) };
    return null;
  };
  const peak = peakOf(c.allFull);
  const last = c.allFull.length - 1;
  return {
    sample: c.sample,
    step: sig(c.h),
    tauFast: sig(c.tauFast),
    tauSlow: sig(c.tauSlow),
    steps: c.steps,
    firstMove: {
      allHidden: first(c.allFull),
      perLayer: c.layersFull.map((a) => first(a)),
      predictedPerLayer: c.predicted.map((p) => sig(p)),
    },
    allHidden: {
      atTauFast: sig(valueAt(c, c.allFull, c.tauFast)),
      atTauSlow: sig(valueAt(c, c.allFull, c.tauSlow)),
      peak: { cosine: sig(peak.value), time: sig(peak.step * c.h) },
      end: { cosine: sig(c.allFull[last]), time: sig(last * c.h) },
    },
    perLayerAtTauFast: c.layersFull.map((a) => sig(valueAt(c, a, c.tauFast))),
    perLayerAtTauSlow: c.layersFull.map((a) => sig(valueAt(c, a, c.tauSlow))),
    displacementEnd: sig(c.displacementFull[last]),
  };
}

/** Mean, min and max over the batch. */
function stat(xs: number[]): { mean: number; min: number; max: number } {
  // 4 digits: the first move of a deep layer is a tiny vector, whose direction carries roundoff in the 6th.
  return { mean: sig(xs.reduce((a, b) => a + b, 0) / xs.length, 4), min: sig(Math.min(...xs), 4), max: sig(Math.max(...xs), 4) };
}

export function earlySummary(r: EarlyResult): Record<string, unknown> {
  return {
    beta: r.beta,
    scheme: "explicit Euler",
    layers: r.layerNames,
    configs: r.configs.map((cfg) => {
      const all = [cfg.detail, ...cfg.others];
      return {
        capacitance: cfg.capacitance,
        detail: earlyMilestones(cfg.detail),
        batch: {
          samples: all.length,
          firstMovePerLayer: r.layerNames.map((_, l) => stat(all.map((c) => c.layersFull[l][c.firstStep[l]]))),
          firstMoveAllHidden: stat(all.map((c) => c.allFull[Math.min(...c.firstStep)])),
          allHiddenAtTauFast: stat(all.map((c) => valueAt(c, c.allFull, c.tauFast))),
          allHiddenPeak: stat(all.map((c) => peakOf(c.allFull).value)),
          allHiddenEnd: stat(all.map((c) => c.allFull[c.allFull.length - 1])),
          displacementEnd: stat(all.map((c) => c.displacementFull[c.displacementFull.length - 1])),
        },
      };
    }),
  };
}

function detailFigure(r: EarlyResult, cfg: EarlyConfig): PlotFigure {
  const d = cfg.detail;
  const from = d.kept[0] === 0 ? 1 : 0;
  const tns = d.times.map((t) => sig(t * 1e9)).slice(from);
  const tEnd = tns[tns.length - 1];
  const data: Array<Record<string, unknown>> = [
    { x: tns, y: d.all.slice(from), name: "dV_h/dt, all hidden nodes", mode: "lines", line: { color: "black", width: 3 } },
  ];
  d.layers.forEach((c, l) => {
    const color = COLORS[l % COLORS.length];
    data.push({ x: tns, y: c.slice(from), name: `dV_h/dt, layer ${r.layerNames[l]}`, mode: "lines", line: { color, width: 2 } });
    data.push({
      x: [tns[0], tEnd],
      y: [d.predicted[l], d.predicted[l]],
      name: `layer ${r.layerNames[l]}: leading-order prediction at t -> 0+`,
      mode: "lines",
      line: { color, dash: "dot", width: 1 },
    });
  });
  data.push({ x: tns, y: d.displacement.slice(from), name: "V_h - V*_h, all hidden nodes", mode: "lines", line: { color: "gray", dash: "dash", width: 2 } });
  const marks = [
    { t: d.tauFast * 1e9, label: "fastest time constant" },
    { t: d.tauSlow * 1e9, label: "slowest" },
  ];
  const fig = figure(
    `${cfg.capacitance === "uniform" ? "Uniform node capacitance C = 1 pF" : "Equal node time constants (C_n proportional to H_nn, mean 1 pF)"}<br>cosine of the hidden velocity with the exact error signal -lambda_h (sample ${d.sample}, beta = ${r.beta}, explicit Euler, h = ${sig(d.h * 1e12, 3)} ps)`,
    data,
    axis("time since the nudge began (ns)", true),
    axis("cosine with -lambda_h", false, { range: [-1.05, 1.05] }),
    620,
  );
  const layout = fig.layout as Record<string, unknown>;
  layout.shapes = marks.map((m) => ({ type: "line", x0: m.t, x1: m.t, yref: "paper", y0: 0, y1: 1, line: { color: "#bbb", dash: "dot", width: 1 } }));
  layout.annotations = marks.map((m) => ({ x: Math.log10(m.t), y: 1, yref: "paper", text: m.label, showarrow: false, yanchor: "bottom" }));
  return fig;
}

export function earlyFigures(r: EarlyResult): PlotFigure[] {
  const figs = r.configs.map((cfg) => detailFigure(r, cfg));
  const batch: Array<Record<string, unknown>> = [];
  r.configs.forEach((cfg, ci) =>
    [cfg.detail, ...cfg.others].forEach((c, i) => {
      const from = c.kept[0] === 0 ? 1 : 0;
      batch.push({
        x: c.times.slice(from).map((t) => sig(t * 1e9)),
        y: c.all.slice(from),
        name: `${cfg.capacitance}, sample ${c.sample}`,
        legendgroup: cfg.capacitance,
        mode: "lines",
        line: { color: COLORS[i % COLORS.length], width: 1.5, dash: ci === 0 ? "solid" : "dash" },
      });
    }),
  );
  figs.push(
    figure(
      `cos(dV_h/dt, -lambda_h) over all hidden nodes for ${r.samples} iris samples<br>solid: uniform C; dashed: equal node time constants`,
      batch,
      axis("time since the nudge began (ns)", true),
      axis("cosine with -lambda_h", false, { range: [-1.05, 1.05] }),
      620,
    ),
  );
  return figs;
}
