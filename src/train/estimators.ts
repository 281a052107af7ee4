/**
 * Gradient estimators of the loss L = C(V^0) = |out - y|^2 / 2 (V^2) with
 * respect to each trainable conductance g (S): dL/dg in V^2/S. All share one
 * interface, so the trainer and gradcheck swap them by name.
 *
 * EqProp (Scellier & Bengio 2016): with F = E + betaS C and dE/dg = dV^2/2,
 *   positive  (betaS, 0):       [dV(b)^2 - dV(0)^2]  / (2 betaS)
 *   negative  (-betaS, 0):      [dV(-b)^2 - dV(0)^2] / (-2 betaS)
 *   centered  (betaS, -betaS):  [dV(b)^2 - dV(-b)^2] / (4 betaS)   (bias O(beta^2))
 *   chl       (clamped, 0):     [dV(clamp)^2 - dV(0)^2] / (2 betaS): outputs clamped to the
 *             targets by a nudge 1e4 Gnudge strong (the beta -> infinity end), scaled like EqProp
 *             with the user's beta so learning rates carry over.
 *   exact     implicit differentiation at the free equilibrium: J^T lambda = dC/dV,
 *             dL/dg = -(lambda_a - lambda_b)(V_a - V_b) (recurrent backprop's answer).
 */
import type { EqModel, RelaxOptions } from "./model.js";
import { ConvergenceError, InputError } from "../util/errors.js";
import type { Circuit } from "../circuit/circuit.js";
import { betaSiemens, CHL_CLAMP } from "./nudge-units.js";

export type EstimatorName = "centered" | "positive" | "negative" | "chl" | "exact";
export const ESTIMATORS: EstimatorName[] = ["centered", "positive", "negative", "chl", "exact"];

export interface SampleResult {
  /** Free-phase loss |out - y|^2 / 2 (V^2). */
  loss: number;
  /** Free-phase outputs (V), a view valid until the next call. */
  outputs: Float64Array;
}

export interface GradientEstimator {
  readonly name: EstimatorName;
  /**
   * With the model's inputs already set: run the phases for target y (V) and
   * write this sample's gradient into grad (length model.nParams): dL/dg (V^2/S) for
   * each trainable conductance, then dL/di (V^2/A) for each trainable current source.
   */
  gradient(model: EqModel, y: ArrayLike<number>, grad: Float64Array): SampleResult;
}

export interface EstimatorOptions {
  /** Dimensionless nudge strength; the nudge conductance is beta * Gnudge (S). */
  beta: number;
  relax: RelaxOptions;
}

/** Scratch buffers sized to one model, reused across samples (no allocation per sample). */
class Buffers {
  /** Free-phase unknowns (warm start of the nudged phases). */
  readonly free: Float64Array;
  /** Node voltages of two phases (V). */
  readonly V0: Float64Array;
  readonly V1: Float64Array;
  readonly out: Float64Array;
  readonly adj: Float64Array;
  /** The adjoint by node (exact gradient). */
  readonly lam: Float64Array;
  constructor(model: EqModel) {
    const nodes = model.engine.V.length;
    this.free = new Float64Array(model.engine.x.length);
    this.V0 = new Float64Array(nodes);
    this.V1 = new Float64Array(nodes);
    this.out = new Float64Array(model.nOutputs);
    this.adj = new Float64Array(model.engine.x.length);
    this.lam = new Float64Array(nodes);
  }
}

function freePhase(model: EqModel, y: ArrayLike<number>, opts: EstimatorOptions, buf: Buffers): number {
  model.setNudge(0, null);
  model.settle(opts.relax);
  model.saveState(buf.free);
  model.outputs(buf.out);
  let loss = 0;
  for (let k = 0; k < buf.out.length; k++) {
    const e = buf.out[k] - y[k];
    loss += 0.5 * e * e;
  }
  return loss;
}

function nudgedPhase(model: EqModel, betaS: number, y: ArrayLike<number>, opts: EstimatorOptions, buf: Buffers, into: Float64Array): void {
  model.restoreState(buf.free);
  model.setNudge(betaS, y);
  model.settle(opts.relax);
  model.saveVoltages(into);
}

/**
 * An estimator that can hand over its two phases' node voltages, so the
 * trainer can fuse the contrast with the update (see EqModel.contrastUpdate).
 */
export interface ContrastEstimator extends GradientEstimator {
  /**
   * Run the phases; V1, V0 and the factor c such that dL/dg = c [(dV1)^2 - (dV0)^2]
   * (times the model's amplifier correction when `amplified`: EqProp measures the
   * drops of the physical circuit, whose energy is that of the rescaled one).
   */
  phases(model: EqModel, y: ArrayLike<number>): ContrastPhases;
}

export type ContrastPhases = SampleResult & { V1: Float64Array; V0: Float64Array; factor: number; amplified: boolean };

export function isContrastEstimator(e: GradientEstimator): e is ContrastEstimator {
  return typeof (e as ContrastEstimator).phases === "function";
}

/** Two-phase EqProp estimator: phases at beta1 and beta2 (S), gradient = [d(beta1) - d(beta2)] / (2 (beta1 - beta2)). */
class EqPropEstimator implements ContrastEstimator {
  private buf: Buffers | null = null;
  constructor(
    readonly name: EstimatorName,
    private readonly opts: EstimatorOptions,
    private readonly betas: (Gnudge: number, beta: number) => [number, number, number],
  ) {}

  phases(model: EqModel, y: ArrayLike<number>): ContrastPhases {
    const buf = (this.buf ??= new Buffers(model));
    const loss = freePhase(model, y, this.opts, buf);
    const [b1, b2, scale] = this.betas(model.Gnudge, this.opts.beta);
    if (b2 === 0) model.saveVoltages(buf.V0);
    nudgedPhase(model, b1, y, this.opts, buf, buf.V1);
    if (b2 !== 0) nudgedPhase(model, b2, y, this.opts, buf, buf.V0);
    // Leave the circuit at its free state: the next sample warm-starts from it.
    model.restoreState(buf.free);
    model.setNudge(0, null);
    return { loss, outputs: buf.out, V1: buf.V1, V0: buf.V0, factor: 1 / (2 * scale), amplified: true };
  }

  gradient(model: EqModel, y: ArrayLike<number>, grad: Float64Array): SampleResult {
    const r = this.phases(model, y);
    model.contrast(r.V1, r.V0, r.factor, grad, r.amplified);
    return r;
  }
}

/**
 * Implicit differentiation through the free equilibrium (the exact gradient).
 * It is also a contrast estimator: -(lambda_a - lambda_b)(V_a - V_b) equals
 * f [(d1)^2 - (d2)^2] with node values V1 = V + e lambda and V2 = V - e lambda
 * (lambda = 0 on fixed nodes) and f = -1 / (4 e), so the trainer's fused and
 * deferred update kernels serve it too. e scales the adjoint to volts
 * (max |e lambda| = 1 V) so that V +- e lambda keeps V's precision.
 */
class ExactEstimator implements ContrastEstimator {
  readonly name = "exact" as const;
  private buf: Buffers | null = null;
  constructor(private readonly opts: EstimatorOptions) {}

  phases(model: EqModel, y: ArrayLike<number>): ContrastPhases {
    const buf = (this.buf ??= new Buffers(model));
    const loss = freePhase(model, y, this.opts, buf);
    const lam = freeAdjoint(model, y, buf.out, buf.adj, buf.lam);
    let big = 0;
    for (let i = 0; i < lam.length; i++) big = Math.max(big, Math.abs(lam[i]));
    const e = big > 0 ? 1 / big : 1;
    const V = model.engine.V;
    for (let i = 0; i < lam.length; i++) {
      buf.V1[i] = V[i] + e * lam[i];
      buf.V0[i] = V[i] - e * lam[i];
    }
    // Exact already: no amplifier correction.
    return { loss, outputs: buf.out, V1: buf.V1, V0: buf.V0, factor: -1 / (4 * e), amplified: false };
  }

  gradient(model: EqModel, y: ArrayLike<number>, grad: Float64Array): SampleResult {
    const buf = (this.buf ??= new Buffers(model));
    const loss = freePhase(model, y, this.opts, buf);
    exactGradient(model, y, buf.out, buf.adj, grad, buf.lam);
    return { loss, outputs: buf.out };
  }
}

/**
 * dL/dg at the model's current (free) equilibrium with outputs `out`:
 * solve J^T lambda = dC/dx, then dL/dg = -(lambda_a - lambda_b)(V_a - V_b),
 * and dL/di = -(lambda+ - lambda-) for a bias (a current i leaving node +
 * and entering node - has d(KCL residual)/di = +1 at + and -1 at -).
 * `adj` receives lambda by unknown (length n); `lamNodes`, by node, is
 * scratch (allocated when not given).
 */
export function exactGradient(
  model: EqModel,
  y: ArrayLike<number>,
  out: Float64Array,
  adj: Float64Array,
  grad: Float64Array,
  lamNodes: Float64Array = new Float64Array(model.engine.V.length),
): void {
  const lam = freeAdjoint(model, y, out, adj, lamNodes);
  const V = model.engine.V;
  const { tA, tB, bA, bB } = model;
  const m = tA.length;
  for (let k = 0; k < m; k++) grad[k] = -(lam[tA[k]] - lam[tB[k]]) * (V[tA[k]] - V[tB[k]]);
  for (let j = 0; j < bA.length; j++) grad[m + j] = -(lam[bA[j]] - lam[bB[j]]);
}

/**
 * The adjoint at the free equilibrium: solve J^T lambda = dC/dx into `adj`
 * (by unknown), and write every node's adjoint into `lam` (0 on ground and
 * fixed nodes). With reduced amplifiers (circuit.amplifiers) an amplifier
 * output a = A h is no unknown: a device on it sees lambda_a = lambda_h / A
 * (h's KCL carries 1/A of the current drawn from a), from
 * AmplifierReduction.nodeAdjoint.
 */
function freeAdjoint(model: EqModel, y: ArrayLike<number>, out: Float64Array, adj: Float64Array, lam: Float64Array): Float64Array {
  const engine = model.engine;
  const c = model.circuit;
  if (!model.linearize()) throw new ConvergenceError("singular Jacobian at the free equilibrium: cannot differentiate through it");
  adjointRhs(model, y, out, adj);
  model.solveAdjoint(adj);
  if (c.amplifiers) return c.amplifiers.nodeAdjoint(adj, lam);
  const u = c.unknownOfNode;
  for (let node = 0; node < lam.length; node++) lam[node] = u[node] >= 0 ? adj[u[node]] : 0;
  return lam;
}

/** dC/dx into adj (length n): (out - y) at each output's + node, minus at its - node. */
function adjointRhs(model: EqModel, y: ArrayLike<number>, out: Float64Array, adj: Float64Array): void {
  const c = model.circuit;
  adj.fill(0);
  const outs = c.ports.outputs;
  for (let k = 0; k < outs.length; k++) {
    const e = out[k] - y[k];
    const up = c.unknownOfNode[outs[k].pos];
    if (up >= 0) adj[up] += e;
    if (outs[k].neg !== undefined) {
      const un = c.unknownOfNode[outs[k].neg!];
      if (un >= 0) adj[un] -= e;
    }
  }
}

/**
 * Why estimator `name` cannot train `circuit` (null when it can). EqProp's
 * estimators contrast the energies of nudged equilibria, so the circuit
 * must have one: every device reciprocal (bidirectional amplifiers count,
 * reduced). A transistor, an inductor, a controlled or behavioural source
 * that is not makes the contrast something other than the gradient, with no
 * sign of it in the numbers. The exact gradient differentiates any circuit.
 */
export function estimatorRefusal(name: EstimatorName, circuit: Circuit): string | null {
  if (name === "exact" || circuit.symmetric) return null;
  const d = circuit.devices.find((dev) => !dev.symmetric);
  const what = d ? `${d.name} is not reciprocal` : "it is not reciprocal";
  return `--estimator ${name} (Equilibrium Propagation) needs a circuit with an energy, and ${what}: its nudged phases would not give the gradient. Use --estimator exact, or make the circuit reciprocal`;
}

/** Throw the InputError of estimatorRefusal, if any. */
export function requireEstimable(name: EstimatorName, circuit: Circuit): void {
  const why = estimatorRefusal(name, circuit);
  if (why) throw new InputError(why);
}

/** The estimator named `name`. */
export function makeEstimator(name: EstimatorName, opts: EstimatorOptions): GradientEstimator {
  switch (name) {
    case "centered":
      return new EqPropEstimator(name, opts, (Gn, b) => {
        const s = betaSiemens(b, Gn);
        return [s, -s, 2 * s];
      });
    case "positive":
      return new EqPropEstimator(name, opts, (Gn, b) => [betaSiemens(b, Gn), 0, betaSiemens(b, Gn)]);
    case "negative":
      return new EqPropEstimator(name, opts, (Gn, b) => [-betaSiemens(b, Gn), 0, -betaSiemens(b, Gn)]);
    case "chl":
      return new EqPropEstimator(name, opts, (Gn, b) => [betaSiemens(CHL_CLAMP, Gn), 0, betaSiemens(b, Gn)]);
    case "exact":
      return new ExactEstimator(opts);
  }
}
