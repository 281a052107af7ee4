/**
 * Builder for Kendall-style layered analog networks (Kendall et al. 2020).
 *
 * Produces plain SPICE text (runs as is in `ngspice -b`) annotated with the
 * eqspice training annotations of docs/annotations.md.
 *
 * Topology, for layers [n0, n1, ..., nL] (sizes before doubling):
 *
 *  - inputs: feature k is doubled into two grounded voltage sources,
 *      VXkP  xkp 0  DC +x_k
 *      VXkN  xkn 0  DC -x_k
 *    so that positive conductances realize signed weights.
 *  - bias rail: VBIAS xb 0 DC biasInput, joined to every node of every
 *    hidden/output layer l by a trainable resistor RB<l>_<j>.
 *  - layer l (1..L) is joined to layer l-1 by a full crossbar of trainable
 *    resistors RW<l>_<i>_<j> from row node i of layer l-1 to column node j of
 *    layer l (row order for the input layer: x0p, x0n, x1p, x1n, ...; column
 *    order for the output layer: o0p, o0n, o1p, o1n, ...). This is exactly the
 *    element naming of `*@crossbar W<l> ROWS COLS`.
 *  - hidden node h<l>_<j>: two antiparallel diodes, each in series with a
 *    bias voltage source to ground. The sources are shared by the whole
 *    network:
 *      VBU vbu 0 DC biasUp      DU<l>_<j> h<l>_<j> vbu  DMOD  (conducts when V(h) > biasUp + Vd)
 *      VBD vbd 0 DC biasDown    DD<l>_<j> vbd  h<l>_<j> DMOD  (conducts when V(h) < biasDown - Vd)
 *    so each hidden voltage is softly clipped to about
 *    [biasDown - Vd, biasUp + Vd] (Vd = diode knee voltage at the current
 *    the crossbar can deliver; ~0.2-0.5 V for the 1N4148 model at these
 *    conductances, ~0.01-0.02 V for the "ideal" diode).
 *  - outputs: doubled, nodes o<k>p / o<k>n, prediction V(okp) - V(okn); each
 *    output node has a load resistor RLO<k>P / RLO<k>N to ground.
 *  - optional node capacitance C<node> node 0 cnode on every hidden and output
 *    node (no effect on .op; for transient runs).
 *
 * Bidirectional amplifier (option `gain` = A), inserted after every hidden
 * layer, between h<l>_<j> and the next crossbar:
 *
 *      EA<l>_<j> a<l>_<j>i 0   h<l>_<j> 0   A       forward: V(a) = A V(h)
 *      VA<l>_<j> a<l>_<j>i a<l>_<j>  DC 0           0 V ammeter, I = current the
 *                                                   next crossbar draws from a
 *      FA<l>_<j> h<l>_<j>  0   VA<l>_<j>   1/A      backward: that current / A is
 *                                                   drawn from h to ground
 *
 *    The next crossbar's rows are the a<l>_<j> nodes. Well-posedness in
 *    ngspice: a<l>_<j>i and a<l>_<j> are fixed by the VCVS (a voltage-defined
 *    branch referenced to ground) and the 0 V source, so they always have a
 *    DC path to ground; the CCCS is controlled by a real V element (ngspice
 *    requires a voltage source as the controlling branch), and it only adds
 *    a current to h, which keeps its own DC paths (the input-side crossbar
 *    and the two diode branches). The MNA matrix stays nonsingular for any
 *    A > 0. With A = 1 this reduces to a plain direct connection as far as the
 *    crossbar currents are concerned (h sees exactly the current the next layer
 *    draws). With A != 1 the Jacobian is no longer symmetric (forward gain A,
 *    backward 1/A, as in Kendall et al.), so the network is not strictly an
 *    energy-based model any more.
 *
 * "ideal" diode: approximated by a Shockley diode with a very small emission
 * coefficient, IS=1e-10 A, N=0.05 (N*Vt = 1.3 mV): the forward drop is about
 * 12 mV at 1 uA and 21 mV at 1 mA, reverse leakage 0.1 nA, so the hidden
 * voltages are clipped almost exactly to [biasDown, biasUp] as in Scellier
 * 2024's ideal-diode networks. ngspice converges on it (its junction-voltage
 * limiting handles the steep exponential).
 *
 * All random draws come from a seeded mulberry32 (circuits/rng.ts) in a fixed
 * order (crossbar 1 row-major, bias row 1, crossbar 2, ...), so the same
 * options always give the same netlist text.
 */
import { mulberry32, uniform } from "./rng.js";

export interface DiodeParams {
  is: number;
  n: number;
  rs?: number;
}

export interface LayeredOptions {
  /** e.g. [784, 100, 10]: inputs, hidden..., outputs (before doubling). */
  layers: number[];
  /** PRNG seed, default 1. */
  seed?: number;
  /** uniform init range of the conductances (S), default [1e-7, 1e-5]. */
  gInit?: [number, number];
  /** training bounds (S) for the *@train annotation; default gInit[0]/10 and gInit[1]*10. */
  gmin?: number;
  gmax?: number;
  /** diode model, default 1N4148-like IS=2.52n N=1.752; "ideal" = IS=1e-10 N=0.05. */
  diode?: DiodeParams | "ideal";
  /** bias source of the "up" diode (clips high), default +0.3 V. */
  biasUp?: number;
  /** bias source of the "down" diode (clips low), default -0.7 V. */
  biasDown?: number;
  /** bidirectional amplifier gain A after every hidden layer; omit for none. */
  gain?: number;
  /** voltage of the bias rail (joined to every hidden/output node by trainable RB resistors), default 1 V. */
  biasInput?: number;
  /** output load resistor to ground (ohms), default 1e6 (1 uS, small against the crossbar). */
  loadR?: number;
  /** DC input values before doubling (length layers[0]); default all 0. */
  inputs?: number[];
  /** optional capacitance (F) from every hidden and output node to ground. */
  cnode?: number;
  /** title (first line) of the netlist; default describes the network. */
  title?: string;
  /**
   * Write each crossbar as one `*@crossbar` annotation (init=uniform, seeded)
   * instead of one R line per device: a 784-100-10 netlist shrinks from 5 MB
   * to ~60 kB. eqspice reads it directly; `eqspice export-spice` expands it
   * for ngspice. The initial conductances then come from the crossbar's own
   * seeded draw, not from this builder's generator.
   */
  compact?: boolean;
  /**
   * Learning-rate multiplier per layer of conductances (layer l = the
   * crossbar and bias row feeding layer l), written as `lr=` on one `*@train`
   * line per layer. Deep nodes load the earlier layers' error signal, so
   * earlier layers usually want larger multipliers. Default: none (one line).
   */
  layerLr?: number[];
}

export interface LayeredCircuit {
  /** the netlist text, ending with ".end\n". */
  text: string;
  /** input source pairs as in the *@input annotation, e.g. "VX0P:VX0N" (feature order). */
  inputs: string[];
  /** output node pairs as in the *@output annotation, e.g. "o0p:o0n" (class order). */
  outputs: string[];
  /** names of all trainable resistors (RW<l>_<i>_<j> then RB<l>_<j>, per layer). */
  trainable: string[];
  /** hidden node names per hidden layer, e.g. [["h1_0", "h1_1", ...]]. */
  hidden: string[][];
  /** the glob patterns used in the *@train annotation. */
  trainPatterns: string[];
}

export const LAYERED_DEFAULTS = {
  seed: 1,
  gInit: [1e-7, 1e-5] as [number, number],
  diode: { is: 2.52e-9, n: 1.752 } as DiodeParams,
  idealDiode: { is: 1e-10, n: 0.05 } as DiodeParams,
  biasUp: 0.3,
  biasDown: -0.7,
  biasInput: 1,
  loadR: 1e6,
} as const;

/** C-like %.<p>g formatting (no trailing zeros), parseable by SPICE. */
export function fmtG(x: number, p = 9): string {
  if (!Number.isFinite(x)) throw new Error(`non-finite value ${x}`);
  if (x === 0) return "0";
  const ex = x.toExponential(p - 1); // d.ddddddddde+X, correctly rounded
  const ei = ex.indexOf("e");
  const exp = Number(ex.slice(ei + 1));
  const strip = (m: string): string => (m.includes(".") ? m.replace(/0+$/, "").replace(/\.$/, "") : m);
  if (exp < -4 || exp >= p) return `${strip(ex.slice(0, ei))}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  return strip(x.toFixed(Math.max(0, p - 1 - exp)));
}

function checkPositive(name: string, v: number): void {
  if (!(Number.isFinite(v) && v > 0)) throw new Error(`${name} must be a positive number, got ${v}`);
}

export function buildLayered(opts: LayeredOptions): LayeredCircuit {
  const layers = opts.layers;
  if (!Array.isArray(layers) || layers.length < 2) throw new Error("layers needs at least an input and an output size");
  for (const n of layers) {
    if (!Number.isInteger(n) || n < 1) throw new Error(`layer sizes must be positive integers, got ${n}`);
  }
  const seed = opts.seed ?? LAYERED_DEFAULTS.seed;
  const [gLo, gHi] = opts.gInit ?? LAYERED_DEFAULTS.gInit;
  checkPositive("gInit[0]", gLo);
  checkPositive("gInit[1]", gHi);
  if (gHi < gLo) throw new Error("gInit must be [lo, hi] with lo <= hi");
  const gmin = opts.gmin ?? gLo / 10;
  const gmax = opts.gmax ?? gHi * 10;
  checkPositive("gmin", gmin);
  checkPositive("gmax", gmax);
  if (gmax < gmin) throw new Error("gmax must be >= gmin");
  const diode: DiodeParams =
    opts.diode === "ideal" ? LAYERED_DEFAULTS.idealDiode : (opts.diode ?? LAYERED_DEFAULTS.diode);
  checkPositive("diode.is", diode.is);
  checkPositive("diode.n", diode.n);
  if (diode.rs !== undefined && !(diode.rs >= 0)) throw new Error("diode.rs must be >= 0");
  const biasUp = opts.biasUp ?? LAYERED_DEFAULTS.biasUp;
  const biasDown = opts.biasDown ?? LAYERED_DEFAULTS.biasDown;
  const biasInput = opts.biasInput ?? LAYERED_DEFAULTS.biasInput;
  const loadR = opts.loadR ?? LAYERED_DEFAULTS.loadR;
  checkPositive("loadR", loadR);
  const gain = opts.gain;
  if (gain !== undefined) checkPositive("gain", gain);
  if (opts.cnode !== undefined) checkPositive("cnode", opts.cnode);
  const nIn = layers[0]!;
  const nOut = layers[layers.length - 1]!;
  const xs = opts.inputs ?? new Array<number>(nIn).fill(0);
  if (xs.length !== nIn) throw new Error(`inputs has ${xs.length} values, expected ${nIn}`);
  for (const x of xs) if (!Number.isFinite(x)) throw new Error(`non-finite input ${x}`);

  const rng = mulberry32(seed);
  const L: string[] = [];
  const trainable: string[] = [];
  const hidden: string[][] = [];
  const inputs: string[] = [];
  const outputs: string[] = [];

  L.push(opts.title !== undefined ? `* ${opts.title.replace(/\n/g, " ")}` : `* eqspice layered network ${layers.join("-")} seed=${seed}${gain !== undefined ? ` gain=${fmtG(gain)}` : ""}`);
  L.push(`* generated by circuits/layered.ts: doubled inputs/outputs, crossbars RW<l>_<i>_<j>, bias-rail resistors RB<l>_<j>,`);
  L.push(`* antiparallel diodes DU/DD to shared bias sources VBU/VBD on every hidden node${gain !== undefined ? ", bidirectional amplifiers EA/FA" : ""}.`);
  L.push(`* gInit=[${fmtG(gLo)}, ${fmtG(gHi)}] S  biasUp=${fmtG(biasUp)} biasDown=${fmtG(biasDown)} biasInput=${fmtG(biasInput)} loadR=${fmtG(loadR)}`);

  // Annotations.
  for (let k = 0; k < nIn; k++) inputs.push(`VX${k}P:VX${k}N`);
  for (let k = 0; k < nOut; k++) outputs.push(`o${k}p:o${k}n`);
  const trainPatterns = ["RW*", "RB*"];
  L.push(`*@input ${inputs.join(" ")}`);
  L.push(`*@output ${outputs.join(" ")}`);
  if (opts.layerLr) {
    if (opts.layerLr.length !== layers.length - 1 || opts.layerLr.some((v) => !(v > 0))) {
      throw new Error(`layerLr needs ${layers.length - 1} positive multipliers (one per layer of conductances)`);
    }
    opts.layerLr.forEach((lr, i) => L.push(`*@train RW${i + 1}_* RB${i + 1}_* gmin=${fmtG(gmin)} gmax=${fmtG(gmax)} lr=${fmtG(lr)}`));
  } else {
    L.push(`*@train ${trainPatterns.join(" ")} gmin=${fmtG(gmin)} gmax=${fmtG(gmax)}`);
  }
  L.push("");

  // Sources.
  L.push("* inputs (doubled: +x, -x)");
  for (let k = 0; k < nIn; k++) {
    const x = xs[k]!;
    L.push(`VX${k}P x${k}p 0 DC ${fmtG(x)}`);
    L.push(`VX${k}N x${k}n 0 DC ${fmtG(x === 0 ? 0 : -x)}`);
  }
  L.push("* bias rail and diode bias sources");
  L.push(`VBIAS xb 0 DC ${fmtG(biasInput)}`);
  const nHiddenLayers = layers.length - 2;
  if (nHiddenLayers > 0) {
    L.push(`VBU vbu 0 DC ${fmtG(biasUp)}`);
    L.push(`VBD vbd 0 DC ${fmtG(biasDown)}`);
  }

  // Row nodes of the crossbar feeding layer 1.
  let rows: string[] = [];
  for (let k = 0; k < nIn; k++) rows.push(`x${k}p`, `x${k}n`);

  for (let l = 1; l < layers.length; l++) {
    const isOut = l === layers.length - 1;
    const n = layers[l]!;
    const cols: string[] = [];
    if (isOut) for (let k = 0; k < n; k++) cols.push(`o${k}p`, `o${k}n`);
    else for (let j = 0; j < n; j++) cols.push(`h${l}_${j}`);

    L.push("");
    L.push(`* crossbar W${l}: ${rows.length} rows x ${cols.length} cols, plus bias row RB${l}_*`);
    if (opts.compact) {
      for (let i = 0; i < rows.length; i++) for (let j = 0; j < cols.length; j++) trainable.push(`RW${l}_${i}_${j}`);
      L.push(`*@crossbar W${l} ${rows.join(",")} ${cols.join(",")} init=uniform(${fmtG(gLo)},${fmtG(gHi)}) seed=${seed * 1000 + l}`);
    } else {
      for (let i = 0; i < rows.length; i++) {
        for (let j = 0; j < cols.length; j++) {
          const g = uniform(rng, gLo, gHi);
          const name = `RW${l}_${i}_${j}`;
          trainable.push(name);
          L.push(`${name} ${rows[i]} ${cols[j]} ${fmtG(1 / g)}`);
        }
      }
    }
    for (let j = 0; j < cols.length; j++) {
      const g = uniform(rng, gLo, gHi);
      const name = `RB${l}_${j}`;
      trainable.push(name);
      L.push(`${name} xb ${cols[j]} ${fmtG(1 / g)}`);
    }

    if (!isOut) {
      hidden.push(cols);
      L.push(`* layer ${l} nonlinearity: antiparallel diodes to VBU/VBD`);
      for (let j = 0; j < n; j++) {
        L.push(`DU${l}_${j} h${l}_${j} vbu DMOD`);
        L.push(`DD${l}_${j} vbd h${l}_${j} DMOD`);
      }
      if (gain !== undefined) {
        L.push(`* layer ${l} bidirectional amplifiers: forward VCVS gain ${fmtG(gain)}, backward CCCS gain 1/${fmtG(gain)}`);
        const next: string[] = [];
        for (let j = 0; j < n; j++) {
          const h = `h${l}_${j}`;
          const a = `a${l}_${j}`;
          L.push(`EA${l}_${j} ${a}i 0 ${h} 0 ${fmtG(gain)}`);
          L.push(`VA${l}_${j} ${a}i ${a} DC 0`);
          L.push(`FA${l}_${j} ${h} 0 VA${l}_${j} ${fmtG(1 / gain, 17)}`);
          next.push(a);
        }
        rows = next;
      } else {
        rows = cols;
      }
    } else {
      L.push("* output loads");
      for (let k = 0; k < n; k++) {
        L.push(`RLO${k}P o${k}p 0 ${fmtG(loadR)}`);
        L.push(`RLO${k}N o${k}n 0 ${fmtG(loadR)}`);
      }
    }
    if (opts.cnode !== undefined) {
      for (const c of cols) L.push(`C${c} ${c} 0 ${fmtG(opts.cnode)}`);
    }
  }

  L.push("");
  const rsPart = diode.rs !== undefined && diode.rs > 0 ? ` RS=${fmtG(diode.rs)}` : "";
  L.push(`.model DMOD D(IS=${fmtG(diode.is)} N=${fmtG(diode.n)}${rsPart})`);
  L.push(".op");
  L.push(".end");
  return { text: L.join("\n") + "\n", inputs, outputs, trainable, hidden, trainPatterns };
}
