/**
 * The inputs of an XSPICE code-model instance, shared by XspiceDevice (one
 * output) and XspiceMultiDevice (several): node-pair voltages u_j = V(p) -
 * V(n) (V) or the currents of voltage branches (A, %vnam and %i ports).
 */
import { controllingBranch } from "../control.js";
import type { ResolveContext, SetupContext, VoltageBranch } from "../types.js";
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
