/**
 * Switches S (sw) and W (csw) as ngspice 39: the stamp against finite
 * differences of the switch law, operating points against live ngspice
 * (states past and inside the hysteresis band, `on`, negative hysteresis,
 * W through a subcircuit, a Schmitt-trigger switch fed back from its own
 * terminal, ROFF = 1/GMIN by default), transients against live ngspice at
 * equal TMAX (a pulse-driven switch charging a capacitor, a relaxation
 * oscillator whose switch discharges its own capacitor through hysteresis,
 * also against its closed-form period, a current-controlled switch), and
 * bad lines at file:line:col. A circuit with no consistent DC state (a
 * switch that opens what closes it) fails its operating point in both.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadCircuit, loadCircuitFromText, transient } from "../src/api.js";
import { Switch } from "../src/devices/switch/switch.js";
import { checkStamp } from "./helpers/stamp-check.js";
import { againstInterpolated, ngspiceDecks, TIGHT } from "./helpers/ngspice-compare.js";
import { describeNgspice, itNgspice, runNgspiceTran } from "./helpers/ngspice.js";
import { netlistErrorCheck } from "./helpers/netlist-errors.js";

const { dir, worst, compare } = ngspiceDecks("switch");
const expectNetlistError = netlistErrorCheck("<netlist>");
const load = (...lines: string[]) => () => loadCircuitFromText(["* test", ...lines, ".end"].join("\n"));

describe("switch stamp", () => {
  const model = { threshold: 0.5, hysteresis: 0.1, ron: 10, roff: 1e6 };
  for (const [what, vc] of [["on", 1.2], ["off", -0.3]] as const) {
    it(`S ${what}: the stamp is the derivative of i = g(state) (Va - Vb), control nodes included`, () => {
      const sw = new Switch("s1", 1, 2, { kind: "v", c: 3, d: 4 }, model, false);
      const g = vc > 0.6 ? 1 / model.ron : 1 / model.roff;
      checkStamp(sw, 4, [0, 2.0, 0.7, vc, 0], (v) => {
        const i = g * (v[1] - v[2]);
        return [0, i, -i, 0, 0];
      });
      expect(sw.on).toBe(vc > 0.6);
    });
  }
});

describeNgspice("switch operating points against ngspice", () => {
  itNgspice("S and W past and inside the band, with and without `on`, negative hysteresis, subcircuits, defaults: every node to 1e-9 V", () => {
    const decks: Record<string, string[]> = {
      defaults: ["* S and W with default models", "V1 a 0 1", "R1 a b 1", "S1 b 0 c 0 swm", "Vc c 0 -1", "Vi e 0 0", "R3 e 0 1", "W1 a f Vi cswm", "R4 f 0 1", ".model swm sw", ".model cswm csw"],
      past: ["* controls past both thresholds", "V1 a 0 5", "Vc c 0 2", "S1 a b c 0 sm", "R1 b 0 1k", "S2 a d 0 c sm", "R2 d 0 1k", ".model sm sw vt=1 vh=0.5 ron=10 roff=1meg"],
      band: ["* controls inside the band: off, and on with `on`", "V1 a 0 5", "Vc c 0 1.2", "S1 a b c 0 sm", "R1 b 0 1k", "S2 a d c 0 sm on", "R2 d 0 1k", "S3 a e c 0 sm off", "R3 e 0 1k", ".model sm sw vt=1 vh=0.5 ron=10 roff=1meg"],
      negative: ["* negative hysteresis", "V1 a 0 5", "Vc c 0 1.2", "Vd d 0 2.5", "S1 a b c 0 sn", "R1 b 0 1k", "S2 a e d 0 sn", "R2 e 0 1k", "S3 a g c 0 sn on", "R3 g 0 1k", ".model sn sw vt=1 vh=-0.5 ron=10 roff=1meg"],
      current: ["* W: current-controlled, in band and past", "V1 a 0 5", "I1 0 s 2m", "Vs s 0 0", "W1 a b Vs cm", "R1 b 0 1k", "I2 0 t 0.6m", "Vt t 0 0", "W2 a c Vt cm", "R2 c 0 1k", "W3 a d Vt cm on", "R3 d 0 1k", ".model cm csw it=0.5m ih=0.2m ron=5 roff=10meg"],
      subckt: ["* W controlled through a subcircuit's own source", ".subckt sense in out", "Vm in mid 0", "R1 mid 0 100", "W1 in out Vm cm", "Rl out 0 1k", ".model cm csw it=1m ron=2", ".ends", "V1 a 0 1", "X1 a o sense"],
      latch: ["* switches fed back from their own terminal: latches that hold off, or on with `on`", "V1 a 0 5", "S1 a b b 0 sl", "R1 b 0 10k", "S2 a c c 0 sl on", "R2 c 0 10k", ".model sl sw vt=2 vh=0.5 ron=100 roff=1meg"],
      gmin: ["* ROFF defaults to 1/GMIN", "V1 a 0 1", "S1 a b 0 a sd", "R1 b 0 1", ".model sd sw vt=0.5", ".options gmin=1e-9"],
    };
    for (const [name, lines] of Object.entries(decks)) compare(name, [...lines, TIGHT, ".op"]);
  });
});

/** Run `lines` in both simulators at TMAX tmax and return max |dV| over `nodes` (ngspice's points interpolated at eqspice's times) for t >= tFrom. */
function tranDv(name: string, lines: string[], tstep: number, tstop: number, tmax: number, nodes: string[], tTo = tstop, uic = false): number {
  const f = path.join(dir, `${name}.cir`);
  writeFileSync(f, [...lines, `.tran ${tstep} ${tstop}${uic ? " 0 " + tmax + " uic" : ""}`, ".end", ""].join("\n"));
  const ng = runNgspiceTran(f, { tstep, tstop, tmax, nodes, uic });
  const eq = transient(loadCircuit(f), { tmax, tstep, uic });
  let w = 0;
  const n = eq.time.findIndex((t) => t > tTo);
  const k = n < 0 ? eq.time.length : n;
  for (const node of nodes) w = Math.max(w, againstInterpolated(eq.time.subarray(0, k), eq.nodes[node].subarray(0, k), ng.time, ng.nodes[node]));
  worst.set(`${name} (tran, tmax ${tmax})`, w);
  return w;
}

describeNgspice("switch transients against ngspice", () => {
  // A switch changes state at a time point, so a waveform that jumps within a
  // step agrees only to the step (the slope times the difference in switching
  // instants): the decks keep their switching edges resolved by TMAX.
  itNgspice("a pulse-driven switch charging and discharging a capacitor: <= 1e-3 V", () => {
    const w = tranDv(
      "pulse-rc",
      ["* pulse-driven switch, RC", "V1 a 0 5", "Vg g 0 PULSE(0 2 1u 1n 1n 4u 10u)", "S1 a b g 0 sm", "C1 b 0 1n", "R1 b 0 10k", ".model sm sw vt=1 vh=0.2 ron=10k roff=1g"],
      10e-9,
      25e-6,
      20e-9,
      ["b"],
    );
    expect(w).toBeLessThan(1e-3);
  }, 60_000);
  itNgspice("a relaxation oscillator (the switch discharges its own capacitor between the hysteresis thresholds, from uic): <= 1e-3 V, the period as the closed form", () => {
    const lines = ["* relaxation oscillator", "V1 a 0 5", "R1 a b 10k", "C1 b 0 1n", "S1 b 0 b 0 sr", ".model sr sw vt=2.5 vh=1 ron=500 roff=1g"];
    const w = tranDv("relaxation", lines, 2e-9, 40e-6, 2e-9, ["b"], 40e-6, true);
    expect(w).toBeLessThan(1e-3);
    // Period: charge 1.5 -> 3.5 V through 10k from 5 V, discharge 3.5 -> 1.5 V towards 5 * 500/10.5k through 500||10k.
    const eq = transient(loadCircuit(path.join(dir, "relaxation.cir")), { tmax: 2e-9, tstep: 2e-9 });
    const v = eq.nodes.b;
    const peaks: number[] = [];
    for (let k = 1; k + 1 < v.length; k++) if (v[k] > 3 && v[k] > v[k - 1] && v[k] >= v[k + 1]) peaks.push(eq.time[k]);
    const rOn = (500 * 10e3) / (500 + 10e3);
    const vInf = (5 * 500) / (500 + 10e3);
    const period = 10e-6 * Math.log(3.5 / 1.5) + rOn * 1e-9 * Math.log((3.5 - vInf) / (1.5 - vInf));
    expect(peaks.length).toBeGreaterThanOrEqual(3);
    for (let k = 1; k < peaks.length; k++) expect(Math.abs(peaks[k] - peaks[k - 1] - period) / period).toBeLessThan(2e-3);
  }, 60_000);
  itNgspice("a current-controlled switch driven by a current ramp through its ammeter: <= 1e-3 V", () => {
    const w = tranDv(
      "csw-ramp",
      ["* W on a ramp", "V1 a 0 3", "I1 0 s PWL(0 0 10u 2m 20u 0)", "Vs s 0 0", "W1 a b Vs cm", "R1 b 0 10k", "C1 b 0 1n", ".model cm csw it=1m ih=0.35m ron=10k roff=1meg"],
      2e-9,
      20e-6,
      2e-9,
      ["b"],
    );
    expect(w).toBeLessThan(1e-3);
  }, 60_000);
});

describe("switch lines and models that are wrong", () => {
  it("errors at file:line:col", () => {
    const m = ".model sm sw vt=1";
    expectNetlistError(load("V1 a 0 1", "S1 a 0 a 0 nosuch"), 3, 12, /s1: unknown switch model 'nosuch'/);
    expectNetlistError(load("V1 a 0 1", "S1 a 0 a 0", m), 3, 1, /s1: missing switch model name/);
    expectNetlistError(load("V1 a 0 1", "S1 a 0 a 0 sm maybe", m), 3, 15, /s1: unexpected 'maybe'/);
    expectNetlistError(load("V1 a 0 1", "S1 a 0 a 0 cm", ".model cm csw it=1m"), 3, 12, /s1: model 'cm' is a CSW model .* not a voltage-controlled switch model \(SW\)/);
    expectNetlistError(load("V1 a 0 1", "W1 a 0 V1 sm", m), 3, 11, /w1: model 'sm' is a SW model .* not a current-controlled switch model \(CSW\)/);
    expectNetlistError(load("V1 a 0 1", "S1 a 0 a 0 sm", ".model sm sw vt=1 it=2"), 4, 19, /unknown SW switch model parameter 'it'/);
    expectNetlistError(load("V1 a 0 1", "S1 a 0 a 0 sm", ".model sm sw ron=0"), 4, 18, /RON must be a positive resistance/);
    expectNetlistError(load("V1 a 0 1", "R1 a b 1k", "W1 b 0 R1 cm", ".model cm csw"), 4, 8, /w1: controlling element 'r1' must be a voltage source/);
    expectNetlistError(load("V1 a 0 1", "W1 a 0 Vx cm", ".model cm csw"), 3, 8, /w1: unknown controlling source 'vx'/);
  });
});
