/** `eqspice build layered [options] > net.cir`: write a parametric network as an editable netlist. */
import type { Command } from "commander";
import { buildLayered, type LayeredOptions } from "../../../circuits/layered.js";
import { InputError } from "../../netlist/errors.js";
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
}

function numberList(text: string, what: string, sep: RegExp = /,/): number[] {
  const xs = text.split(sep).filter(Boolean).map(Number);
  if (!xs.length || xs.some((v) => !Number.isFinite(v))) throw new InputError(`${what}: expected numbers separated by commas, got '${text}'`);
  return xs;
}

export function registerBuild(program: Command, run: (fn: () => Promise<void> | void) => Promise<void>): void {
  program
    .command("build")
    .description("write a parametric circuit as a netlist on stdout (kinds: layered)")
    .argument("<kind>", "layered: Kendall-style layered crossbar network with diode nonlinearities")
    .requiredOption("--layers <sizes>", "layer sizes before doubling, e.g. 784,100,10")
    .option("--seed <s>", "seed of the initial conductances", int("--seed"))
    .option("--ginit <lo,hi>", "uniform initial conductance range (S), e.g. 1e-7,1e-5")
    .option("--gmin <S>", "trainable lower bound (S)", num("--gmin"))
    .option("--gmax <S>", "trainable upper bound (S)", num("--gmax"))
    .option("--diode <model>", "shockley (1N4148-like, default), ideal, or IS,N[,RS]")
    .option("--bias-up <V>", "bias of the diode that clips high (default 0.3)", num("--bias-up"))
    .option("--bias-down <V>", "bias of the diode that clips low (default -0.7)", num("--bias-down"))
    .option("--gain <A>", "bidirectional amplifiers between layers: forward gain A, backward 1/A", num("--gain"))
    .option("--bias <V>", "bias rail voltage (default 1)", num("--bias"))
    .option("--load <ohms>", "output load resistors (default 1meg)", num("--load"))
    .option("--cnode <F>", "capacitance on every hidden and output node", num("--cnode"))
    .option("--layer-lr <m1,m2,...>", "learning-rate multiplier per layer of conductances (one *@train line per layer)")
    .option("--compact", "write crossbars as *@crossbar annotations (eqspice export-spice expands them)")
    .action((kind: string, f: Flags) =>
      run(() => {
        if (kind.toLowerCase() !== "layered") throw new InputError(`unknown circuit kind '${kind}' (available: layered)`);
        const opts: LayeredOptions = { layers: numberList(f.layers, "--layers", /[,x-]/), seed: f.seed, gmin: f.gmin, gmax: f.gmax, biasUp: f.biasUp, biasDown: f.biasDown, gain: f.gain, biasInput: f.bias, loadR: f.load, cnode: f.cnode, compact: f.compact };
        if (f.layerLr) opts.layerLr = numberList(f.layerLr, "--layer-lr");
        if (f.ginit) {
          const g = numberList(f.ginit, "--ginit");
          if (g.length !== 2) throw new InputError("--ginit: expected LO,HI");
          opts.gInit = [g[0], g[1]];
        }
        if (f.diode) {
          const d = f.diode.toLowerCase();
          if (d === "ideal") opts.diode = "ideal";
          else if (d !== "shockley") {
            const p = numberList(d, "--diode");
            opts.diode = { is: p[0], n: p[1] ?? 1, rs: p[2] };
          }
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
