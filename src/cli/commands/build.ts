/** `eqspice build layered [options] > net.cir`: write a parametric network as an editable netlist. */
import type { Command } from "commander";
import { buildLayered, LAYERED_DEFAULTS, type LayeredOptions } from "../../../circuits/layered.js";
import { buildDrn, type DrnOptions } from "../../../circuits/drn.js";
import { InputError } from "../../util/errors.js";
import { num, int } from "../options.js";

interface Flags {
  layers: string;
  seed?: number;
  ginit?: string;
  gmin?: number;
  gmax?: number;
  diode?: string;
  biasUp?: number;
  biasDown?: number;
  gain?: number;
  bias?: number;
  load?: number;
  cnode?: number;
  compact?: boolean;
  layerLr?: string;
  inputGain?: number;
  gunit?: number;
  nudge?: number;
  kneeCurrent?: number;
}

/** Layer sizes: `784,100,10`, `784x100x10` or `784-100-10` (a minus sign is not a separator after a comma). */
function layerList(text: string): number[] {
  const parts = /^\d+(-\d+)+$/.test(text.trim()) ? text.trim().split("-") : text.split(/[,x]/).map((p) => p.trim());
  const xs = parts.map(Number);
  const bad = parts.find((p, i) => !(p !== "" && Number.isInteger(xs[i]) && xs[i] >= 1));
  if (bad !== undefined) throw new InputError(`--layers: layer sizes must be positive integers, got '${bad}' in '${text}'`);
  if (xs.length < 2) throw new InputError(`--layers: need at least an input and an output size, got '${text}'`);
  return xs;
}

function numberList(text: string, what: string, sep: RegExp = /,/): number[] {
  const xs = text.split(sep).filter(Boolean).map(Number);
  if (!xs.length || xs.some((v) => !Number.isFinite(v))) throw new InputError(`${what}: expected numbers separated by commas, got '${text}'`);
  return xs;
}

export function registerBuild(program: Command, run: (fn: () => Promise<void> | void) => Promise<void>): void {
  program
    .command("build")
    .description("write a parametric circuit as a netlist on stdout (kinds: drn, layered)")
    .argument("<kind>", "drn: Scellier 2024 deep resistive network (ideal diodes at 0 V, current-source biases); layered: Kendall-style network with biased diodes")
    .requiredOption("--layers <sizes>", "layer sizes before doubling, e.g. 784,100,10")
    .option("--seed <s>", "seed of the initial conductances", int("--seed"))
    .option("--ginit <lo,hi>", "uniform initial conductance range (S), e.g. 1e-7,1e-5")
    .option("--gmin <S>", "trainable lower bound (S)", num("--gmin"))
    .option("--gmax <S>", "trainable upper bound (S)", num("--gmax"))
    .option("--diode <model>", "shockley (1N4148-like; layered's default), ideal (drn's default), or IS,N[,RS] (drn: IS,N); drn writes a real diode in series with a knee bias source")
    .option("--bias-up <V>", "bias of the diode that clips high (default 0.3)", num("--bias-up"))
    .option("--bias-down <V>", "bias of the diode that clips low (default -0.7)", num("--bias-down"))
    .option("--gain <A>", "bidirectional amplifiers between layers: forward gain A, backward 1/A", num("--gain"))
    .option("--bias <V>", "bias rail voltage (default 1)", num("--bias"))
    .option("--load <ohms>", "output load resistors (default 1meg)", num("--load"))
    .option("--cnode <F>", "capacitance on every hidden and output node", num("--cnode"))
    .option("--layer-lr <m1,m2,...>", "learning-rate multiplier per layer of conductances (one *@train line per layer)")
    .option("--compact", "layered: write crossbars as *@crossbar annotations (drn always does; eqspice export-spice expands them)")
    .option("--input-gain <V>", "drn: volts per unit pixel, written as the netlist's default vin (default 100, 2000, 4000 for 1, 2, 3 hidden layers)", num("--input-gain"))
    .option("--gunit <S>", "drn: siemens per unit of Scellier's conductances (default 1e-4)", num("--gunit"))
    .option("--nudge <b>", "drn: nudge strength in gunit (Scellier's beta, default 1)", num("--nudge"))
    .option("--knee-current <A>", "drn with a real --diode: current at which each diode's bias source cancels its forward drop (default 1e-3)", num("--knee-current"))
    .action((kind: string, f: Flags) =>
      run(() => {
        const k = kind.toLowerCase();
        if (k === "drn") {
          const bad = (["ginit", "biasUp", "biasDown", "bias", "load"] as const).filter((o) => f[o] !== undefined);
          if (bad.length) throw new InputError(`build drn: --${bad.map((o) => o.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase())).join(", --")} only apply to 'layered'`);
          let text: string;
          try {
            text = buildDrn({
              layers: layerList(f.layers),
              seed: f.seed,
              gmin: f.gmin,
              gmax: f.gmax,
              gain: f.gain,
              cnode: f.cnode,
              gunit: f.gunit,
              nudge: f.nudge,
              inputGain: f.inputGain,
              layerLr: f.layerLr ? numberList(f.layerLr, "--layer-lr") : undefined,
              diode: drnDiode(f.diode),
              kneeCurrent: f.kneeCurrent,
            }).text;
          } catch (e) {
            throw new InputError(`build drn: ${(e as Error).message}`);
          }
          process.stdout.write(text);
          return;
        }
        if (k !== "layered") throw new InputError(`unknown circuit kind '${kind}' (available: drn, layered)`);
        const opts: LayeredOptions = { layers: layerList(f.layers), seed: f.seed, gmin: f.gmin, gmax: f.gmax, biasUp: f.biasUp, biasDown: f.biasDown, gain: f.gain, biasInput: f.bias, loadR: f.load, cnode: f.cnode, compact: f.compact };
        if (f.layerLr) opts.layerLr = numberList(f.layerLr, "--layer-lr");
        if (f.ginit) {
          const g = numberList(f.ginit, "--ginit");
          if (g.length !== 2) throw new InputError("--ginit: expected LO,HI");
          opts.gInit = [g[0], g[1]];
        }
        if (f.diode) {
          const d = diodeFlag(f.diode);
          opts.diode = d === "ideal" ? d : { is: d.is, n: d.n ?? 1, rs: d.rs };
        }
        let text: string;
        try {
          text = buildLayered(opts).text;
        } catch (e) {
          throw new InputError(`build layered: ${(e as Error).message}`);
        }
        process.stdout.write(text);
      }),
    );
}

/** --diode: ideal, shockley (1N4148-like: the layered builder's default model) or IS[,N[,RS]]. */
function diodeFlag(d: string): "ideal" | { is: number; n?: number; rs?: number } {
  const name = d.toLowerCase();
  if (name === "ideal") return "ideal";
  if (name === "shockley") return LAYERED_DEFAULTS.diode;
  const p = numberList(d, "--diode");
  return { is: p[0]!, n: p[1], rs: p[2] };
}

/** build drn's --diode: ideal (the default), shockley or IS,N (a junction without series resistance). */
function drnDiode(flag: string | undefined): DrnOptions["diode"] {
  const d = flag === undefined ? "ideal" : diodeFlag(flag);
  if (d === "ideal") return d;
  if (d.n === undefined || d.rs !== undefined) throw new InputError("build drn: --diode expects ideal, shockley or IS,N (no series resistance)");
  return { is: d.is, n: d.n };
}
