/**
 * Transient analysis: the circuit integrated in time from its initial state
 * (operating point, or `.ic` with `uic`, see tran-init.ts), with sources
 * following their waveforms (PULSE, PWL, SIN, EXP). Capacitors, plus the
 * node capacitance `.options cnode` on every free node, give the dynamics
 * C dV/dt = -i(V, t) (KCL with capacitor currents; for a reciprocal circuit
 * -i = -dE/dV, a relaxation towards the minimum of the energy).
 *
 * Integrators: "odex" (explicit extrapolation, for non-stiff circuits with a
 * nonsingular capacitance matrix and no branch unknowns), "trap" and "bdf2"
 * (implicit with Newton, LTE step control, breakpoints at source corners),
 * "auto" (odex when it applies and is cheap, else trap, or bdf2 under
 * `.options method=gear`; see choose.ts).
 *
 * Results go to a sink one row at a time (time, v(node)..., i(source)...,
 * see tran-output.ts) at every output time, so long runs stream.
 */
import type { Circuit } from "../circuit/circuit.js";
import { InputError, NetlistError } from "../util/errors.js";
import { Engine } from "./engine.js";
import { analyzeCapacitance, type CapacitanceInfo } from "./integrators/capacitance.js";
import { ODEX_MAX_STIFFNESS, chooseIntegrator, explicitApplies, timeConstants, type IntegratorChoice } from "./integrators/choose.js";
import { ExplicitIntegrator } from "./integrators/explicit.js";
import { ImplicitIntegrator } from "./integrators/implicit.js";
import { dynamicLinearDevices } from "./integrators/split.js";
import { tolerancesOf } from "./op.js";
import { initialState } from "./tran-init.js";
import { OutputTimes, RowInterpolator, TranColumns } from "./tran-output.js";
import type { TranSpec } from "../netlist/elaborate.js";

export interface TranOptions {
  /** End time (s). */
  tstop: number;
  /** Output interval (s). */
  tstep: number;
  /** First output time (s), default 0. */
  tstart?: number;
  /** Largest internal step (s); default min(tstep, (tstop - tstart) / 50), as SPICE. */
  tmax?: number;
  /** Start from `.ic` voltages instead of the operating point. */
  uic?: boolean;
  integrator?: IntegratorChoice;
}

/** Where rows go: `begin` once with the columns, then `row` per output time (copy it: the array is reused). */
export interface TranSink {
  begin(columns: string[], units: string[]): void;
  row(values: Float64Array): void;
}

export interface TranStats {
  /** The integrator used. */
  integrator: "odex" | "trap" | "bdf2";
  /** Accepted and rejected steps. */
  steps: number;
  rejected: number;
  /** Newton iterations (implicit) or right-hand-side evaluations (odex): each costs one pass over the devices. */
  evaluations: number;
  rows: number;
}

/** Run a transient of `circuit` and stream its rows to `sink`. */
export function transient(circuit: Circuit, opts: TranOptions, sink: TranSink): TranStats {
  const { tstop, tstep } = opts;
  const tstart = opts.tstart ?? 0;
  if (!(tstop > 0)) throw new InputError(`tran: TSTOP must be positive (got ${tstop})`);
  if (!(tstep > 0)) throw new InputError(`tran: TSTEP must be positive (got ${tstep})`);
  if (!(tstart >= 0 && tstart < tstop)) throw new InputError(`tran: TSTART must be in [0, TSTOP) (got ${tstart})`);
  const tmax = opts.tmax !== undefined && opts.tmax > 0 ? opts.tmax : Math.min(tstep, (tstop - tstart) / 50);
  for (const d of circuit.devices) {
    const why = d.transientRefusal?.();
    if (!why) continue;
    const loc = circuit.locOf(d.name);
    throw loc ? new NetlistError(`tran: ${why}`, loc) : new InputError(`tran: ${why}`);
  }
  const engine = new Engine(circuit);
  const cap = analyzeCapacitance(circuit, circuit.options.cnode);
  initialState(engine, opts.uic ?? false);
  const x0 = Float64Array.from(engine.x);
  const want = opts.integrator ?? "auto";
  if (want === "odex" && !explicitApplies(engine, cap)) {
    throw new InputError(
      "tran: odex needs an explicit ODE: every free node must have capacitance (add capacitors or .options cnode) and no voltage source may float (branch unknowns)",
    );
  }
  const tc = timeConstants(engine, cap, "tran", 0, 1);
  engine.x.set(x0);
  engine.setPoint("tran", 0, 1, null);
  engine.syncVoltages();
  // uic with a source whose node starts elsewhere (uicChargeVoltages): the first step must be an implicit one, which moves the charges
  const uicJump = (opts.uic ?? false) && uicStepsCharges(engine, cap);
  if (uicJump && want === "odex") throw new InputError("tran: odex cannot start a uic transient whose sources step their nodes from the .ic (or 0 V) at t = 0 (ngspice's UIC start); use --integrator trap or bdf2");
  // auto's implicit method is the netlist's (`.options method=gear`: BDF2; else trapezoidal, as ngspice)
  const implicit = circuit.options.method === "gear" ? "bdf2" : "trap";
  const method = want === "auto" ? (uicJump ? implicit : chooseIntegrator(engine, cap, (tstop - tstart) / tc.tauMin, ODEX_MAX_STIFFNESS.tran, implicit)) : want;

  const cols = new TranColumns(circuit);
  sink.begin(cols.names, cols.units);
  const times = new OutputTimes(tstart, tstep, tstop);
  const bps = sourceBreakpoints(circuit, tstop);
  const run = method === "odex" ? runExplicit : runImplicit;
  const r = run(engine, cap, opts.uic ?? false, { tstop, tmax, times, bps, tauMin: tc.tauMin, method }, cols, sink);
  return { integrator: method, ...r, rows: times.length };
}

interface RunSpec {
  tstop: number;
  tmax: number;
  times: OutputTimes;
  bps: number[];
  tauMin: number;
  method: "odex" | "trap" | "bdf2";
}

type RunResult = Pick<TranStats, "steps" | "rejected" | "evaluations">;

/** Corners of every independent source's waveform in (0, tstop), sorted, plus tstop (s). */
export function sourceBreakpoints(circuit: Circuit, tstop: number): number[] {
  const all: number[] = [];
  for (const d of circuit.devices) {
    const b = d.breakpoints?.(tstop);
    if (b) for (const t of b) all.push(t);
  }
  all.sort((a, b) => a - b);
  const eps = 1e-12 * tstop;
  const out: number[] = [];
  for (const t of all) {
    if (t <= eps || t >= tstop - eps) continue;
    if (out.length && t - out[out.length - 1] <= eps) continue;
    out.push(t);
  }
  out.push(tstop);
  return out;
}

/**
 * ngspice's CKTsetBreak on the sorted breakpoints bps (whose last is TSTOP)
 * from index `from` (the next one) on, at the accepted time `now`: a time
 * not after now + minBreak is dropped (ngspice panics before now, and takes
 * one closer than that as reached); one within minBreak before the next breakpoint replaces it
 * (the earlier is kept; TSTOP stays), one within minBreak after the previous
 * is dropped, else it is inserted.
 */
export function insertBreakpoint(bps: number[], from: number, t: number, minBreak: number, now: number): void {
  if (!(t > now + minBreak)) return;
  let i = from;
  while (i < bps.length && bps[i] <= t) i++;
  if (i > 0 && t - bps[i - 1] <= minBreak) return;
  if (i >= bps.length) return; // beyond TSTOP
  if (bps[i] - t <= minBreak) {
    if (i < bps.length - 1) bps[i] = t;
    return;
  }
  bps.splice(i, 0, t);
}

/** Apply `IC=` of capacitors (uic only): their initial voltage overrides the node voltages'. */
function applyCapIcs(cap: CapacitanceInfo, uic: boolean): void {
  if (!uic) return;
  for (const c of cap.caps) if (c.ic !== undefined) c.initState(c.ic);
}

/**
 * ngspice's UIC start for the charges (dctran.c: no operating point; its
 * CKTrhsOld holds the `.ic` voltages and 0 V at every other node, the nodes
 * of voltage sources included): the node voltages that capacitors and
 * device charges start from, each source's node at its `.ic` or 0 V,
 * although the sources drive their nodes from t = 0 on. A supply that
 * reaches a node through a capacitance then charges it in the first step
 * (a 5 V source through 1 pF into 1 kOhm: that node starts near 5 V and
 * decays), as in ngspice.
 */
function uicChargeVoltages(engine: Engine): Float64Array {
  const c = engine.circuit;
  const V = Float64Array.from(engine.V);
  for (const f of c.fixed) V[f.node] = c.ics.get(f.node) ?? 0;
  return V;
}

/** Whether a source's node that uicChargeVoltages starts elsewhere than its value carries a capacitance or a device charge. */
function uicStepsCharges(engine: Engine, cap: CapacitanceInfo): boolean {
  const Vq = uicChargeVoltages(engine);
  const jumps = (n: number) => Vq[n] !== engine.V[n];
  return cap.caps.some((cp) => jumps(cp.a) || jumps(cp.b)) || cap.chargeDevices.some((d) => (d.chargeNodes?.() ?? []).some(jumps));
}

function runImplicit(engine: Engine, cap: CapacitanceInfo, uic: boolean, spec: RunSpec, cols: TranColumns, sink: TranSink): RunResult {
  const { tstop, tmax, times, bps } = spec;
  // ngspice's CKTminBreak (dctran.c): 5e-5 TMAX
  const minBreak = 5e-5 * tmax;
  let bi = 0;
  const integ: ImplicitIntegrator = new ImplicitIntegrator(engine, cap, {
    method: spec.method === "bdf2" ? "bdf2" : "trap",
    sources: "tran",
    srcScale: 1,
    tol: tolerancesOf(engine.circuit),
    tmax,
    hmin: tstop * 1e-14,
    maxNewton: 20,
    // device charges (MOSFET gate charges): their truncation error and ngspice's step sequence, as ngspice integrates them
    ngspiceSteps: cap.chargeDevices.length > 0,
    // a device's breakpoint (a transmission line's delayed corner): into the list, as ngspice's CKTsetBreak
    setBreak: (t, now) => insertBreakpoint(bps, bi, t, minBreak, now),
    minBreak,
  });
  const firstGap = bps[0];
  const h0 = Math.min(1e-3 * Math.min(tmax, firstGap), Number.isFinite(spec.tauMin) ? 0.01 * spec.tauMin : Infinity);
  engine.splitLinear(dynamicLinearDevices(engine.circuit, "tran"));
  integ.start(0, h0, false, uic ? uicChargeVoltages(engine) : engine.V);
  applyCapIcs(cap, uic);
  const interp = new RowInterpolator(cols.names.length);
  interp.push(0, cols.fill(engine, 0), 0);
  let k = 0;
  while (k < times.length && times.at(k) <= 0) sink.row(interp.at(times.at(k++)));
  let segStart = 0;
  try {
    while (integ.t < tstop) {
      while (bps[bi] <= integ.t) bi++;
      const tb = bps[bi];
      integ.advance(tb);
      interp.push(integ.t, cols.fill(engine, integ.t), segStart);
      while (k < times.length && times.at(k) <= integ.t) sink.row(interp.at(times.at(k++)));
      if (integ.t === tb && tb < tstop) {
        segStart = tb;
        integ.restart(integ.breakpointStep(bps[bi + 1] - tb));
      }
    }
  } finally {
    integ.detach();
    engine.splitLinear(null);
  }
  while (k < times.length) sink.row(interp.at(times.at(k++)));
  return { steps: integ.steps, rejected: integ.rejected, evaluations: integ.newtonIterations };
}

function runExplicit(engine: Engine, cap: CapacitanceInfo, uic: boolean, spec: RunSpec, cols: TranColumns, sink: TranSink): RunResult {
  const c = engine.circuit;
  const { tstop, times, bps } = spec;
  const tol = tolerancesOf(c);
  const unit = Math.min(tstop, Number.isFinite(spec.tauMin) ? 100 * spec.tauMin : tstop);
  const ex = new ExplicitIntegrator(engine, cap, { sources: "tran", srcScale: 1, reltol: tol.reltol / 10, abstol: tol.vntol / 10, unit, maxSteps: 1_000_000 });
  applyCapIcs(cap, uic);
  const nf = c.nFree;
  const y = Float64Array.from(engine.x.subarray(0, nf));
  const yy = new Float64Array(nf);
  const dv = new Float64Array(nf);
  const emit = (t: number): void => {
    ex.rate(t, yy, dv);
    ex.setCapacitorCurrents(t, dv);
    sink.row(cols.fill(engine, t));
  };
  let k = 0;
  yy.set(y);
  while (k < times.length && times.at(k) <= 0) emit(times.at(k++));
  let t0 = 0;
  for (const t1 of bps) {
    ex.integrate(t0, t1, y, (_tOld, t, _y, dense) => {
      while (k < times.length && times.at(k) <= t) {
        const tk = times.at(k++);
        for (let i = 0; i < nf; i++) yy[i] = dense(i, tk);
        emit(tk);
      }
    });
    t0 = t1;
  }
  yy.set(y);
  while (k < times.length) emit(times.at(k++));
  return { steps: ex.steps, rejected: ex.rejected, evaluations: ex.evaluations };
}

/** Values that override the netlist's `.tran` card (times in seconds). */
export interface TranOverrides {
  tstop?: number;
  tstep?: number;
  tmax?: number;
  uic?: boolean;
  integrator?: IntegratorChoice;
}

/**
 * Transient options from the `.tran` card and overrides: TSTART is kept
 * when it precedes TSTOP; TMAX is the card's when it gave one, else SPICE's
 * default min(TSTEP, (TSTOP - TSTART) / 50) for the resolved times.
 * @param missing the message when neither the card nor the overrides give TSTOP and TSTEP
 * @param invalid the card's error when it was invalid (Circuit.tranError), thrown instead of `missing`
 */
export function resolveTranOptions(spec: TranSpec | undefined, o: TranOverrides, missing: string, invalid?: NetlistError): TranOptions {
  const tstop = o.tstop ?? spec?.tstop;
  const tstep = o.tstep ?? spec?.tstep;
  if (tstop === undefined || tstep === undefined) throw invalid ?? new InputError(missing);
  const tstart = spec && spec.tstart < tstop ? spec.tstart : 0;
  const cardDefault = spec ? Math.min(spec.tstep, (spec.tstop - spec.tstart) / 50) : NaN;
  const tmax = o.tmax ?? (spec && spec.tmax !== cardDefault ? spec.tmax : Math.min(tstep, (tstop - tstart) / 50));
  return { tstop, tstep, tstart, tmax, uic: o.uic ?? spec?.uic ?? false, integrator: o.integrator ?? "auto" };
}
