/**
 * Transient analysis, library level:
 *  - an RC step matches the exact exponential with every integrator;
 *  - the end of a long transient equals the operating point to 1e-9 V;
 *  - the energy E(V(t)) of a reciprocal circuit never increases;
 *  - `.options cnode` equals explicit capacitors on every free node;
 *  - `.ic` without uic holds the node during the operating point only;
 *  - `uic` starts from `.ic` and capacitor IC=;
 *  - auto picks odex for a non-stiff circuit and an implicit method otherwise
 *    (BDF2 under `.options method=gear`);
 *  - odex survives non-finite states (restarts with a smaller step);
 *  - rows: one per TSTEP, with TSTOP last; source currents by KCL.
 */
import { describe, expect, it } from "vitest";
import { loadCircuitFromText, transient as apiTransient } from "../src/api.js";
import { transient, type TranOptions, type TranStats } from "../src/analysis/tran.js";
import { operatingPoint } from "../src/analysis/op.js";
import { energy } from "../src/analysis/energy.js";
import { Engine } from "../src/analysis/engine.js";
import { analyzeCapacitance } from "../src/analysis/integrators/capacitance.js";
import { ExplicitIntegrator } from "../src/analysis/integrators/explicit.js";
import { outputTimes } from "../src/analysis/tran-output.js";
import type { Device, LoadContext } from "../src/devices/types.js";
import { buildLayered } from "../circuits/index.js";

interface Run {
  columns: string[];
  rows: Float64Array[];
  stats: TranStats;
}

function run(text: string, opts: Partial<TranOptions> & { integrator?: TranOptions["integrator"] } = {}): Run {
  const c = loadCircuitFromText(text, "test.cir", { allowFloating: true });
  const t = c.tran;
  const rows: Float64Array[] = [];
  let columns: string[] = [];
  const stats = transient(
    c,
    { tstop: opts.tstop ?? t!.tstop, tstep: opts.tstep ?? t!.tstep, tmax: opts.tmax, uic: opts.uic ?? t?.uic, integrator: opts.integrator ?? "auto" },
    { begin: (cols) => (columns = cols), row: (v) => rows.push(Float64Array.from(v)) },
  );
  return { columns, rows, stats };
}

const col = (r: Run, name: string): number => {
  const k = r.columns.indexOf(name);
  if (k < 0) throw new Error(`no column ${name} in ${r.columns.join(",")}`);
  return k;
};

/** A 4-8-2 diode crossbar (reciprocal) with 1 pF on hidden/output nodes and DC inputs. */
function crossbar(extra = ""): string {
  const c = buildLayered({ layers: [4, 8, 2], seed: 5, inputs: [0.9, -0.4, 0.7, -0.8], cnode: 1e-12 });
  return c.text.replace(/^\.op$/m, `${extra}\n.tran 10n 400n uic`);
}

describe("RC step response", () => {
  const rc = `rc\n.options reltol=1e-6 vntol=1e-9\nV1 in 0 PULSE(0 1 1u 1p 1p 1 2)\nR1 in out 1k\nC1 out 0 1n\n.tran 0.1u 6u\n.end\n`;
  for (const m of ["trap", "bdf2", "odex", "auto"] as const) {
    it(`matches 1 - exp(-(t - 1us)/1us) (${m})`, () => {
      const r = run(rc, { integrator: m });
      const k = col(r, "v(out)");
      let worst = 0;
      for (const row of r.rows) {
        const t = row[0];
        const exact = t <= 1e-6 ? 0 : 1 - Math.exp(-(t - 1e-6 - 0.5e-12) / 1e-6);
        worst = Math.max(worst, Math.abs(row[k] - exact));
      }
      expect(worst).toBeLessThan(1e-4);
    });
  }
});

describe("long transients end at the operating point", () => {
  for (const m of ["auto", "trap", "bdf2", "odex"] as const) {
    it(`diode crossbar from 0 V (${m}) ends within 1e-9 V of op`, () => {
      const text = crossbar();
      const r = run(text, { integrator: m, tstop: 20e-6, tstep: 1e-6 });
      const op = operatingPoint(loadCircuitFromText(text.replace(/^\.tran.*$/m, ""), "x.cir"));
      const last = r.rows[r.rows.length - 1];
      expect(last[0]).toBeCloseTo(20e-6, 15);
      let worst = 0;
      for (const [node, v] of Object.entries(op.nodes)) worst = Math.max(worst, Math.abs(last[col(r, `v(${node})`)] - v));
      expect(worst).toBeLessThan(1e-9);
    });
  }
});

describe("energy never increases along a transient of a reciprocal circuit", () => {
  for (const m of ["trap", "bdf2", "odex"] as const) {
    it(`crossbar relaxing from 0 V (${m})`, () => {
      const text = crossbar(".options reltol=1e-6 vntol=1e-9");
      const c = loadCircuitFromText(text, "x.cir", { allowFloating: true });
      expect(c.symmetric).toBe(true);
      const r = run(text, { integrator: m, tstep: 1e-9 });
      const V = new Float64Array(c.nodeNames.length);
      let prev = Infinity;
      let first = NaN;
      let rises = 0;
      for (const row of r.rows) {
        for (let k = 1; k < c.nodeNames.length; k++) {
          const j = r.columns.indexOf(`v(${c.nodeNames[k]})`);
          if (j >= 0) V[k] = row[j];
        }
        const E = energy(c, V);
        if (Number.isNaN(first)) first = E;
        if (E > prev + 1e-13 * Math.abs(prev)) rises++;
        prev = E;
      }
      expect(rises).toBe(0);
      expect(prev).toBeLessThan(first); // it did relax
    });
  }
});

describe("node capacitance option", () => {
  it("`.options cnode=1p` equals explicit 1 pF capacitors on every free node", () => {
    const body = `V1 in 0 PULSE(0 1 10n 5n 5n 50n 200n)\nR1 in a 10k\nR2 a b 20k\nR3 b 0 30k\nD1 b 0 dd\n.model dd D(IS=1e-12)\n.tran 2n 150n\n`;
    const withOption = run(`cnode\n.options cnode=1p\n${body}.end\n`, { integrator: "trap" });
    const explicit = run(`caps\nCA a 0 1p\nCB b 0 1p\n${body}.end\n`, { integrator: "trap" });
    expect(withOption.rows.length).toBe(explicit.rows.length);
    let worst = 0;
    for (let i = 0; i < withOption.rows.length; i++)
      for (const n of ["v(a)", "v(b)"]) worst = Math.max(worst, Math.abs(withOption.rows[i][col(withOption, n)] - explicit.rows[i][col(explicit, n)]));
    expect(worst).toBeLessThan(1e-9);
    // and it makes a purely resistive network dynamic: v(a) lags the input
    const k = col(withOption, "v(a)");
    const row = withOption.rows.find((r) => Math.abs(r[0] - 20e-9) < 1e-15)!;
    expect(row[k]).toBeGreaterThan(0.05);
    expect(row[k]).toBeLessThan(0.99 * (50 / 60));
  });
});

describe("initial conditions", () => {
  it(".ic without uic holds the node during the operating point, then releases it", () => {
    const r = run(`ic\n.ic v(a)=0.2\nV1 in 0 DC 1\nR1 in a 1k\nC1 a 0 1n\nR2 a 0 1k\n.tran 0.1u 10u\n.end\n`);
    const k = col(r, "v(a)");
    expect(r.rows[0][k]).toBeCloseTo(0.2, 9);
    // relaxes to the divider value 0.5 V with tau = 0.5 us
    expect(r.rows[r.rows.length - 1][k]).toBeCloseTo(0.5, 6);
    const at1us = r.rows.find((row) => Math.abs(row[0] - 1e-6) < 1e-15)!;
    expect(at1us[k]).toBeCloseTo(0.5 - 0.3 * Math.exp(-2), 3);
  });

  it("uic starts from .ic and capacitor IC=", () => {
    const r = run(`uic\n.ic v(a)=2\nR1 a 0 1k\nC1 a 0 1n\nR2 b 0 1k\nC2 b 0 1n IC=-1\n.tran 0.1u 3u uic\n.end\n`, { integrator: "trap" });
    expect(r.rows[0][col(r, "v(a)")]).toBe(2);
    expect(r.rows[0][col(r, "v(b)")]).toBe(-1);
    const last = r.rows[r.rows.length - 1];
    expect(last[col(r, "v(a)")]).toBeCloseTo(2 * Math.exp(-3), 3);
    expect(last[col(r, "v(b)")]).toBeCloseTo(-Math.exp(-3), 3);
  });
});

describe("integrator choice", () => {
  it("auto takes odex for a non-stiff RC and trap for a stiff network", () => {
    expect(run(`rc\nV1 in 0 DC 1\nR1 in a 1k\nC1 a 0 1n\n.tran 0.1u 3u uic\n.end\n`).stats.integrator).toBe("odex");
    const stiff = `stiff\nV1 in 0 DC 1\nR1 in a 1\nC1 a 0 1n\nR2 a b 1meg\nC2 b 0 1n\n.tran 10u 10m uic\n.end\n`;
    expect(run(stiff).stats.integrator).toBe("trap");
    // a floating voltage source (branch unknown) rules odex out
    expect(run(`br\nV1 in x DC 1\nR0 x 0 1k\nR1 in a 1k\nC1 a 0 1n\nCX x 0 1n\nCI in 0 1n\n.tran 0.1u 3u\n.end\n`).stats.integrator).toBe("trap");
  });

  it("`.options method=gear` makes auto's implicit method BDF2 (trapezoidal otherwise), and another method is ngspice's warning and the trapezoidal rule", () => {
    const rlc = (opt: string) => `rlc\n${opt}\nV1 in 0 PULSE(0 1 1u 10n 10n 1u 4u)\nR1 in a 10\nL1 a b 1u\nC1 b 0 1n\n.tran 0.1u 4u\n.end\n`;
    expect(run(rlc("")).stats.integrator).toBe("trap");
    expect(run(rlc(".options method=trapezoidal")).stats.integrator).toBe("trap");
    expect(run(rlc(".options METHOD=Gear")).stats.integrator).toBe("bdf2");
    // an explicit --integrator still wins
    expect(run(rlc(".options method=gear"), { integrator: "trap" }).stats.integrator).toBe("trap");
    // the same waveform either way (both at reltol 1e-6): the option changes the method, not the circuit
    const tight = ".options reltol=1e-6 vntol=1e-9";
    const a = run(rlc(tight));
    const b = run(rlc(`${tight} method=gear`));
    const k = col(a, "v(b)");
    let worst = 0;
    for (let i = 0; i < a.rows.length; i++) worst = Math.max(worst, Math.abs(a.rows[i][k] - b.rows[i][k]));
    expect(worst).toBeLessThan(1e-3);
    // another method: ngspice's "unsupported integration method", a warning and the trapezoidal rule
    const c = loadCircuitFromText(rlc(".options method=euler"), "test.cir");
    expect(c.warnings.join("\n")).toMatch(/test\.cir:2:\d+: option 'method' 'euler' is not an integration method .*the trapezoidal rule/);
    expect(run(rlc(".options method=euler")).stats.integrator).toBe("trap");
  });

  it("an invalid .tran card (gnucap's `.tran 0 1 trace all`) is a warning for the other analyses, as ngspice drops it, and the error of a transient that reads it", () => {
    const text = "t\nV1 a 0 1\nR1 a b 1k\nC1 b 0 1n\n.tran 0 1 trace all\n.end\n";
    const c = loadCircuitFromText(text, "bad.cir");
    expect(c.tran).toBeUndefined();
    expect(c.warnings.join("\n")).toMatch(/bad\.cir:5:\d+: .*\.tran.*\(the \.tran card is ignored, as ngspice 39 drops it/);
    expect(operatingPoint(c).nodes.b).toBeCloseTo(1, 9);
    expect(() => apiTransient(c)).toThrow(/bad\.cir:5:\d+: /);
    // the card's times given instead: it runs
    expect(apiTransient(c, { tstop: 1e-6, tstep: 1e-7 }).time.length).toBe(11);
  });

  it("odex is refused when the capacitance matrix is singular", () => {
    expect(() => run(`sing\nV1 in 0 DC 1\nR1 in a 1k\nR2 a b 1k\nC1 b 0 1n\n.tran 0.1u 3u\n.end\n`, { integrator: "odex" })).toThrow(/odex needs an explicit ODE/);
  });
});

/** A conductance g (S) to ground that returns NaN above vmax: an explicit method overshooting the equilibrium sees a non-finite rate. */
class Fragile implements Device {
  readonly name = "fragile";
  readonly linear = true;
  readonly symmetric = true;
  readonly nodes: readonly number[];
  constructor(
    readonly a: number,
    readonly g: number,
    readonly vmax: number,
  ) {
    this.nodes = [a, 0];
  }
  setup(): void {}
  load(_ctx: LoadContext): void {}
  addCurrents(V: Float64Array, _x: Float64Array, _t: number, out: Float64Array): void {
    out[this.a] += V[this.a] > this.vmax ? NaN : this.g * V[this.a];
  }
}

describe("odex guard against non-finite states", () => {
  it("restarts from the last good state with a smaller step and finishes finite", () => {
    const c = loadCircuitFromText(`g\nIS 0 a DC 1m\nR1 a 0 1k\nC1 a 0 1n\n.end\n`, "g.cir", { allowFloating: true });
    const a = c.nodeIndex.get("a")!;
    c.devices.push(new Fragile(a, 1e-3, 0.501));
    const e = new Engine(c);
    const cap = analyzeCapacitance(c, 0);
    e.setPoint("tran", 0, 1, null);
    const ex = new ExplicitIntegrator(e, cap, { sources: "tran", srcScale: 1, reltol: 1e-6, abstol: 1e-9, unit: 1e-6, maxSteps: 100000 });
    const y = new Float64Array([0]);
    ex.integrate(0, 5e-6, y);
    // dv/dt = (1m - 2m v) / 1n: settles at 0.5 V with tau 0.5 us; odex's extrapolation stages overshoot past 0.501 V
    expect(Number.isFinite(y[0])).toBe(true);
    expect(y[0]).toBeCloseTo(0.5 * (1 - Math.exp(-10)), 6);
    expect(ex.restarts).toBeGreaterThan(0);
  });
});

describe("rows and columns", () => {
  it("one row every TSTEP from 0, TSTOP last; header time, v(node)..., i(source)...", () => {
    const r = run(`rows\nV1 in 0 PULSE(0 1 0 1n 1n 1u 2u)\nR1 in a 1k\nC1 a 0 1n\nE1 e 0 a 0 2\nRE e 0 1k\n.tran 50n 1.01u\n.end\n`);
    expect(r.columns).toEqual(["time", "v(in)", "v(a)", "v(e)", "i(v1)", "i(e1)"]);
    expect(r.rows.map((row) => row[0])).toEqual(Array.from(outputTimes(0, 50e-9, 1.01e-6)));
    expect(r.rows.length).toBe(22);
    expect(r.rows[1][0]).toBe(5e-8);
    expect(r.rows[21][0]).toBe(1.01e-6);
    // KCL: the source delivers the resistor's current, i(v1) = -(V(in) - V(a)) / 1k
    for (const row of r.rows.slice(2)) {
      expect(row[col(r, "i(v1)")]).toBeCloseTo(-(row[1] - row[2]) / 1e3, 9);
      expect(row[col(r, "i(e1)")]).toBeCloseTo(-row[3] / 1e3, 9);
    }
  });

  it("source currents include capacitor currents (a capacitor straight on a source)", () => {
    const r = run(`cs\nV1 in 0 PWL(0 0 1u 1 2u 1)\nC1 in 0 1n\nR1 in 0 1meg\n.tran 0.1u 2u\n.end\n`, { integrator: "trap" });
    const k = col(r, "i(v1)");
    const mid = r.rows.find((row) => Math.abs(row[0] - 0.5e-6) < 1e-15)!;
    // C dV/dt = 1n * 1e6 = 1 mA plus 0.5 uA through R1, delivered by the source (negative)
    expect(mid[k]).toBeCloseTo(-(1e-3 + 0.5e-6), 8);
  });

  it("rejects bad times", () => {
    expect(() => run(`x\nR1 a 0 1k\nV1 a 0 1\n.end\n`, { tstop: -1, tstep: 1e-9 })).toThrow(/TSTOP/);
  });
});
