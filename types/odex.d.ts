/**
 * Types for `odex` v2 (Hairer & Wanner's ODEX, Gragg-Bulirsch-Stoer
 * extrapolation, ported to JavaScript). The package ships no .d.ts, and its
 * package.json points TypeScript at its TypeScript source (which does not
 * compile under `strict`), so `import "odex"` would type-check that source.
 * Load it at run time instead and type it with the global namespace `Odex`:
 *
 *   import { createRequire } from "node:module";
 *   const odex = createRequire(import.meta.url)("odex") as Odex.Module;
 *   const s = new odex.Solver(n);
 */
declare namespace Odex {
  /** y' = f(x, y). May return the same array on every call (odex copies it). */
  export type Derivative = (x: number, y: number[]) => number[];

  /**
   * Called after every accepted step (and once at the start with nr = 1):
   * the step covered [xOld, x] and y = y(x). `dense(i, t)` interpolates
   * component i at t in [xOld, x] when `denseOutput` is set. Return false to stop.
   */
  export type OutputFunction = (
    nr: number,
    xOld: number,
    x: number,
    y: number[],
    dense?: (component: number, t: number) => number,
  ) => boolean | void;

  export enum Outcome {
    Converged = 0,
    MaxStepsExceeded = 1,
    EarlyReturn = 2,
  }

  export interface SolveResult {
    y: number[];
    outcome: Outcome;
    nStep: number;
    xEnd: number;
    nAccept: number;
    nReject: number;
    nEval: number;
  }

  export class Solver {
    constructor(n: number);
    n: number;
    uRound: number;
    maxSteps: number;
    /** First step; odex never starts below 1e-4 (in the problem's time unit). */
    initialStepSize: number;
    /** 0 means xEnd - x. */
    maxStepSize: number;
    maxExtrapolationColumns: number;
    stepSizeSequence: number;
    stabilityCheckCount: number;
    stabilityCheckTableLines: number;
    denseOutput: boolean;
    denseOutputErrorEstimator: boolean;
    denseComponents: number[] | undefined;
    interpolationFormulaDegree: number;
    stepSizeReductionFactor: number;
    stepSizeFac1: number;
    stepSizeFac2: number;
    stepSizeFac3: number;
    stepSizeFac4: number;
    stepSafetyFactor1: number;
    stepSafetyFactor2: number;
    relativeTolerance: number | number[];
    absoluteTolerance: number | number[];
    debug: boolean;
    grid(dt: number, out: (x: number, y: number[]) => unknown): OutputFunction;
    solve(f: Derivative, x: number, y0: number[], xEnd: number, solOut?: OutputFunction): SolveResult;
  }

  /** What `require("odex")` returns. */
  export interface Module {
    Solver: typeof Solver;
    Outcome: typeof Outcome;
  }
}
