/**
 * Builder for deep resistive networks (DRN) as Scellier 2024 builds them
 * ("A fast algorithm to simulate nonlinear resistive networks", ICML; code
 * in rain-neuromorphics/energy-based-learning, papers/fast-drn).
 *
 * Plain SPICE text (runs in `ngspice -b` after `eqspice export-spice`
 * expands the crossbars) with eqspice's training annotations.
 *
 * Topology, for layers [n0, n1, ..., nL] (sizes before doubling):
 *  - inputs: feature k (a pixel in [0, 1] times the input gain, volts) is
 *    doubled into grounded voltage sources VXkP (+x) and VXkN (-x), so that
 *    positive conductances realize signed weights;
 *  - hidden layer l: nodes h<l>_<j>. Each has an ideal diode to ground that
 *    switches at 0 V: the first half of the layer is excitatory (diode DE
 *    from ground to the node: V(h) >= 0, a ReLU) and the second half
 *    inhibitory (diode DI from the node to ground: V(h) <= 0). No bias
 *    voltage sources: the knee sits at 0 V, in the middle of the voltages
 *    the network reaches, so the nonlinearity acts on every sample;
 *  - outputs: nodes o<k>, single-ended and linear (no diode, no load), read
 *    as V(o<k>); the prediction is the largest output;
 *  - biases: one current source per hidden and output node, IB<l>_<j> from
 *    ground into the node, trainable and signed, starting at 0 A;
 *  - layer l is joined to layer l-1 by a crossbar `*@crossbar W<l>` of
 *    trainable conductances, drawn uniform in +-gunit/sqrt(fan_in) with the
 *    negative draws clamped to gmin (Scellier's init: negatives clamped to 0;
 *    a conductance cannot be negative, gmin stands for "off");
 *  - optional bidirectional amplifiers after every hidden layer (Kendall et
 *    al. 2020), with the same three elements as circuits/layered.ts.
 *
 * Units. Scellier's conductances are dimensionless; here one of his units is
 * `gunit` siemens (default 1e-4 S, so initial conductances are a few uS and
 * currents mA). The trainer's learning rates are in units of the largest
 * trainable gmax, which the builder sets to gunit, so Scellier's learning
 * rates carry over unchanged: `lr=0.006`. The nudge is his 1.0 gunit, written
 * as the trainer's dimensionless beta = gunit / Gnudge, with Gnudge the mean
 * self-conductance of the outputs at the initial conductances (computed
 * here from the same seeded draws the crossbar annotation makes).
 *
 * The ideal diode is a Shockley diode with IS = 1e-10 A and N = 0.05
 * (N Vt = 1.3 mV): 0.1 nA reverse leakage, and a forward drop of 23 mV at
 * 5 mA, against signals of volts.
 */
import { fmtG } from "./layered.js";
import { uniformConductances } from "../src/netlist/annotations.js";
import { parseSpiceNumber } from "../src/netlist/numbers.js";

export interface DrnOptions {
  /** e.g. [784, 100, 10]: inputs, hidden..., outputs (before doubling of the inputs). */
  layers: number[];
  /** Seed of the crossbar draws (crossbar l uses seed * 1000 + l). Default 1. */
  seed?: number;
  /** Conductance unit (S): Scellier's dimensionless 1. Default 1e-4. */
  gunit?: number;
  /** Trainable lower bound (S), "off". Default 1e-6 gunit. */
  gmin?: number;
  /** Trainable upper bound (S). Default gunit (the learning-rate unit). */
  gmax?: number;
  /** Bidirectional amplifier gain after every hidden layer; omit for none. */
  gain?: number;
  /** Learning-rate multiplier per layer of parameters (crossbar and biases feeding layer l). */
  layerLr?: number[];
  /** Input gain (V per unit pixel), written into *@defaults as vin. Default 100, 2000, 4000 for 1, 2, 3 hidden layers, divided by the outputs' cumulative gain. */
  inputGain?: number;
  /** Dimensionless nudge written into *@defaults, in units of gunit (Scellier's beta). Default 1. */
  nudge?: number;
  /** Training defaults written into *@defaults. */
  epochs?: number;
  lr?: number;
  batch?: number;
  lrDecay?: number;
  /** Capacitance (F) from every hidden and output node to ground (for transients). */
  cnode?: number;
  /**
   * The diodes: "ideal" (default; Scellier's, switching at 0 V) or a
   * Shockley model such as the 1N4148's {is: 2.52e-9, n: 1.752}. A real
   * diode is written in series with a bias source of its knee voltage
   * (Kendall et al. 2020's diodes to bias sources), so that the unit still
   * switches at about 0 V, in the middle of the voltages the inputs drive:
   *   excitatory  DE: VKE (at +Vk) -> h   conducts when V(h) < Vk - Vd(I), about 0
   *   inhibitory  DI: h -> VKI (at -Vk)   conducts when V(h) > Vd(I) - Vk, about 0
   * with Vk = N Vt ln(1 + kneeCurrent / IS), the forward drop at kneeCurrent.
   */
  diode?: "ideal" | { is: number; n: number };
  /** Current (A) at which a real diode's drop is cancelled by its bias source. Default 1e-3 (the crossbar currents at the default gunit and input gain are 0.1-10 mA). */
  kneeCurrent?: number;
  title?: string;
}

/** Thermal voltage at 27 C (V), as ngspice computes it (k T / q at 300.15 K). */
const VT_27C = (1.380649e-23 * 300.15) / 1.602176634e-19;

export interface DrnCircuit {
  text: string;
  /** Mean self-conductance of the outputs at the initial conductances (S). */
  gnudge: number;
  /** The dimensionless beta written into *@defaults. */
  beta: number;
}

/** Default input gains of Scellier 2024's code: 1, 2 and 3 hidden layers. */
const INPUT_GAIN = [100, 2000, 4000];
export const DRN_IDEAL_DIODE = { is: 1e-10, n: 0.05 };

export function buildDrn(opts: DrnOptions): DrnCircuit {
  const layers = opts.layers;
  if (!Array.isArray(layers) || layers.length < 2) throw new Error("layers needs at least an input and an output size");
  for (const n of layers) if (!Number.isInteger(n) || n < 1) throw new Error(`layer sizes must be positive integers, got ${n}`);
  const positive = (name: string, v: number | undefined) => {
    if (v !== undefined && !(Number.isFinite(v) && v > 0)) throw new Error(`${name} must be a positive number, got ${v}`);
  };
  positive("gunit", opts.gunit);
  positive("gmin", opts.gmin);
  positive("gmax", opts.gmax);
  positive("gain", opts.gain);
  positive("inputGain", opts.inputGain);
  positive("nudge", opts.nudge);
  positive("cnode", opts.cnode);
  positive("kneeCurrent", opts.kneeCurrent);
  const real = opts.diode !== undefined && opts.diode !== "ideal" ? opts.diode : null;
  if (real) {
    positive("diode.is", real.is);
    positive("diode.n", real.n);
  }
  // The knee voltage a real diode's bias source cancels (V).
  const vk = real ? real.n * VT_27C * Math.log(1 + (opts.kneeCurrent ?? 1e-3) / real.is) : 0;
  const seed = opts.seed ?? 1;
  if (!Number.isInteger(seed)) throw new Error(`seed must be an integer, got ${seed}`);
  const gunit = opts.gunit ?? 1e-4;
  const gmin = opts.gmin ?? 1e-6 * gunit;
  const gmax = opts.gmax ?? gunit;
  if (!(gmax > gmin)) throw new Error("gmax must exceed gmin");
  const nHidden = layers.length - 2;
  const nudge = opts.nudge ?? 1;
  const gain = opts.gain;
  // Cumulative gain of each layer's nodes (1 for the first hidden layer) and of the outputs.
  const layerScale = (l: number) => (gain === undefined ? 1 : gain ** (l - 1));
  const sOut = layerScale(layers.length - 1);
  // With amplifiers the same recipe is the plain network in the variables V / s (docs/theory.md):
  // inputs 1/s_out as large, and a bias at scale s learning (s / s_out)^2 as fast.
  const vin = opts.inputGain ?? (INPUT_GAIN[Math.min(nHidden, 3) - 1] ?? 100) / sOut;
  if (opts.layerLr && (opts.layerLr.length !== layers.length - 1 || opts.layerLr.some((v) => !(v > 0)))) {
    throw new Error(`layerLr needs ${layers.length - 1} positive multipliers (one per layer of parameters)`);
  }
  const nIn = layers[0];
  const nOut = layers[layers.length - 1];
  const L: string[] = [];
  L.push(`* ${opts.title ?? `eqspice deep resistive network (Scellier 2024) ${layers.join("-")} seed=${seed}${gain !== undefined ? ` gain=${fmtG(gain)}` : ""}`}`);
  L.push(
    real
      ? `* generated by circuits/drn.ts: doubled inputs, diodes (IS=${fmtG(real.is)} N=${fmtG(real.n)}) to knee bias sources VKE/VKI at +/-${fmtG(vk, 4)} V, switching at about 0 V (half excitatory DE, half inhibitory DI),`
      : "* generated by circuits/drn.ts: doubled inputs, ideal diodes at 0 V (half excitatory DE, half inhibitory DI),",
  );
  L.push("* linear single-ended outputs, trainable current-source biases IB, crossbars W<l>" + (gain !== undefined ? ", bidirectional amplifiers EA/VA/FA" : "") + ".");
  L.push(`* gunit=${fmtG(gunit)} S (Scellier's conductance 1), gmin=${fmtG(gmin)} gmax=${fmtG(gmax)}`);
  const inputs: string[] = [];
  for (let k = 0; k < nIn; k++) inputs.push(`VX${k}P:VX${k}N`);
  L.push(`*@input ${inputs.join(" ")}`);
  L.push(`*@output ${Array.from({ length: nOut }, (_, k) => `o${k}`).join(" ")}`);

  // The rows of each crossbar and the seeded draws (needed here for Gnudge).
  let rows: string[] = [];
  for (let k = 0; k < nIn; k++) rows.push(`x${k}p`, `x${k}n`);
  const body: string[] = [];
  let gnudge = 0;
  for (let l = 1; l < layers.length; l++) {
    const isOut = l === layers.length - 1;
    const n = layers[l];
    const cols = isOut ? Array.from({ length: n }, (_, k) => `o${k}`) : Array.from({ length: n }, (_, j) => `h${l}_${j}`);
    const a = gunit / Math.sqrt(rows.length);
    const cbSeed = seed * 1000 + l;
    const lrMult = opts.layerLr ? opts.layerLr[l - 1] : 1;
    const lr = opts.layerLr ? ` lr=${fmtG(lrMult)}` : "";
    const biasLrMult = lrMult * (layerScale(l) / sOut) ** 2;
    body.push("", `* layer ${l}: crossbar W${l} (${rows.length} x ${cols.length}), init uniform(+-gunit/sqrt(${rows.length})) clamped at gmin`);
    body.push(`*@crossbar W${l} ${rows.join(",")} ${cols.join(",")} init=uniform(${fmtG(-a)},${fmtG(a)}) seed=${cbSeed} gmin=${fmtG(gmin)} gmax=${fmtG(gmax)}${lr} train`);
    if (isOut) {
      // The conductances the annotation will draw, from the values as written.
      const g = uniformConductances(rows.length * cols.length, parseSpiceNumber(fmtG(-a)), parseSpiceNumber(fmtG(a)), parseSpiceNumber(fmtG(gmin)), cbSeed);
      gnudge = g.reduce((s, v) => s + v, 0) / cols.length;
    }
    body.push(`* layer ${l}: signed current-source biases, from ground into each node`);
    for (let j = 0; j < cols.length; j++) body.push(`IB${l}_${j} 0 ${cols[j]} DC 0`);
    if (opts.layerLr || gain !== undefined) body.push(`*@train IB${l}_* lr=${fmtG(biasLrMult)}`);
    if (!isOut) {
      const [dm, lo, hi] = real ? ["DKNEE", "vke", "vki"] : ["DIDEAL", "0", "0"];
      body.push(`* layer ${l}: ${real ? "diodes to the knee bias sources, switching at about" : "ideal diodes at"} 0 V; units 0..${Math.ceil(n / 2) - 1} excitatory (V >= 0), the rest inhibitory (V <= 0)`);
      for (let j = 0; j < n; j++) body.push(j < Math.ceil(n / 2) ? `DE${l}_${j} ${lo} h${l}_${j} ${dm}` : `DI${l}_${j} h${l}_${j} ${hi} ${dm}`);
      if (gain !== undefined) {
        body.push(`* layer ${l}: bidirectional amplifiers, forward voltage gain ${fmtG(gain)}, backward current gain 1/${fmtG(gain)}`);
        const next: string[] = [];
        for (let j = 0; j < n; j++) {
          const h = `h${l}_${j}`;
          const am = `a${l}_${j}`;
          body.push(`EA${l}_${j} ${am}i 0 ${h} 0 ${fmtG(gain)}`, `VA${l}_${j} ${am}i ${am} DC 0`, `FA${l}_${j} ${h} 0 VA${l}_${j} ${fmtG(1 / gain, 17)}`);
          next.push(am);
        }
        rows = next;
      } else rows = cols;
    }
    if (opts.cnode !== undefined) for (const c of cols) body.push(`C${c} ${c} 0 ${fmtG(opts.cnode)}`);
  }
  if (!opts.layerLr && gain === undefined) L.push("*@train IB*");
  const beta = Number((nudge * gunit / gnudge).toPrecision(4));
  const defaults = [
    `epochs=${opts.epochs ?? 10}`,
    `lr=${fmtG(opts.lr ?? 0.006)}`,
    `batch=${opts.batch ?? 4}`,
    `lr-decay=${fmtG(opts.lrDecay ?? 0.99)}`,
    `beta=${fmtG(beta)}`,
    `vin=${fmtG(vin)}`,
    "targets=onehot",
    "target=1",
  ];
  L.push(`*@defaults ${defaults.join(" ")}`);
  L.push(`* beta=${fmtG(beta)} is a nudge of ${fmtG(nudge)} gunit: the outputs' mean self-conductance is ${fmtG(gnudge)} S`);
  L.push("", "* inputs (doubled: +x, -x)");
  for (let k = 0; k < nIn; k++) L.push(`VX${k}P x${k}p 0 DC 0`, `VX${k}N x${k}n 0 DC 0`);
  if (real) {
    L.push("", `* knee bias sources: the diode's forward drop at ${fmtG(opts.kneeCurrent ?? 1e-3)} A (N Vt ln(1 + I/IS), Vt at 27 C)`);
    L.push(`VKE vke 0 DC ${fmtG(vk)}`, `VKI vki 0 DC ${fmtG(-vk)}`);
  }
  const model = real ? `.model DKNEE D(IS=${fmtG(real.is)} N=${fmtG(real.n)})` : `.model DIDEAL D(IS=${fmtG(DRN_IDEAL_DIODE.is)} N=${fmtG(DRN_IDEAL_DIODE.n)})`;
  L.push(...body, "", model, ".op", ".end");
  return { text: L.join("\n") + "\n", gnudge, beta };
}
