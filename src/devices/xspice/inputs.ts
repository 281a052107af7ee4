/**
 * The inputs of an XSPICE code-model instance, shared by XspiceDevice (one
 * output) and XspiceMultiDevice (several): node-pair voltages u_j = V(p) -
 * V(n) (V) or the currents of voltage branches (A, %vnam and %i ports).
 */
import { controllingBranch } from "../control.js";
import type { LoadContext, ResolveContext, SetupContext, VoltageBranch } from "../types.js";
import type { XDeviceInput } from "./xspice.js";

/** The voltage branch of each current input into `branches[j]` (voltage inputs keep null). */
export function resolveInputBranches(name: string, inputs: readonly XDeviceInput[], ctx: ResolveContext, branches: Array<VoltageBranch | null>): void {
  inputs.forEach((u, j) => {
    if (u.kind !== "i") return;
    branches[j] = controllingBranch(
      ctx,
      u.source,
      u.loc,
      `${name}: unknown voltage source '${u.source}' (a %vnam port names a voltage source)`,
      `${name}: '${u.source}' must be a voltage source (V, E, H, L or a V= B source): its current is not a branch unknown`,
    );
  });
}

/** kctrl[j]: the branch unknown's index of current input j (left -1 for voltage inputs). */
export function branchUnknowns(branches: ReadonlyArray<VoltageBranch | null>, kctrl: Int32Array): void {
  for (let j = 0; j < branches.length; j++) {
    const br = branches[j];
    if (br) kctrl[j] = br.k;
  }
}

/**
 * Row R's matrix entries in the columns of every input, at hP/hN[s * n + j]: a voltage input's + and - node
 * columns, a current input's branch column (in hP only).
 */
export function reserveInputColumns(ctx: SetupContext, R: number, s: number, inputs: readonly XDeviceInput[], kctrl: Int32Array, hP: Int32Array, hN: Int32Array): void {
  const n = inputs.length;
  for (let j = 0; j < n; j++) {
    const u = inputs[j];
    if (u.kind === "v") {
      hP[s * n + j] = ctx.entry(R, ctx.row(u.p));
      hN[s * n + j] = ctx.entry(R, ctx.row(u.n));
    } else hP[s * n + j] = ctx.entry(R, kctrl[j]);
  }
}

/** The inputs u at (V, x), into `u`: node-pair voltages (V) or branch currents (A). */
export function gatherInputs(inputs: readonly XDeviceInput[], kctrl: Int32Array, V: Float64Array, x: Float64Array, u: Float64Array): Float64Array {
  for (let j = 0; j < inputs.length; j++) {
    const p = inputs[j];
    u[j] = p.kind === "v" ? V[p.p] - V[p.n] : x[kctrl[j]];
  }
  return u;
}

/** ngspice 39's XSPICE input convergence limiting, on by default (cktinit.c: conv_limit step 0.25, abs_step 0.1). */
export const CONV_LIMIT_STEP = 0.25;
export const CONV_LIMIT_ABS_STEP = 0.1;

/**
 * The inputs a code model is evaluated at in a DC iteration, as mifload.c
 * gives them: at INITJCT (a cold solve's first iteration) every analog
 * input is 0; afterwards each moves at most max(0.25 |last|, 0.1) (V or A)
 * from the value used at the last load, and one that is held back marks the
 * iterate not converged (ctx.noncon), so ngspice's Newton path and
 * stopping point are kept. `last` is the device's memory of the values
 * used (it persists across solves, as ngspice's input.rvalue does). In a
 * transient step the inputs are used as they are (ngspice starts each
 * time point from the accepted inputs, which eqspice's predictor does not
 * reproduce): only `last` follows them.
 */
export function limitInputs(u: Float64Array, last: Float64Array, ctx: LoadContext): void {
  if (ctx.mode !== "dc" || ctx.integ !== null) {
    last.set(u);
    return;
  }
  if (ctx.initJunctions) {
    u.fill(0);
    last.fill(0);
    return;
  }
  for (let j = 0; j < u.length; j++) {
    const lim = Math.max(CONV_LIMIT_STEP * Math.abs(last[j]), CONV_LIMIT_ABS_STEP);
    const d = u[j] - last[j];
    if (Math.abs(d) > lim) {
      u[j] = last[j] + (d > 0 ? lim : -lim);
      ctx.noncon = true;
    }
    last[j] = u[j];
  }
}
