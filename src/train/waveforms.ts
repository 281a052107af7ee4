/**
 * waveforms.csv: the physics of training. For a few training samples, the
 * free phase and the nudged phases are integrated in time (the relaxation
 * C dV/dt = -dE/dV with 1 pF on every free node), one after the other, and
 * every node voltage is recorded:
 *   time,sample,phase,beta,v(node1),v(node2),...
 * time in seconds since the start of the sample's first phase; phase is
 * free, nudged+ or nudged- (centered EqProp); beta in dimensionless units.
 */
import { createWriteStream, mkdirSync, renameSync, rmSync } from "node:fs";
import { dirname, basename, join } from "node:path";
import type { Engine } from "../analysis/engine.js";
import { targetVector } from "./targets.js";
import { betaSiemens } from "./nudge-units.js";
import type { TrainJobResult } from "./run.js";

type RelaxFn = (engine: Engine, opts: { cnode?: number; tol?: number; record?: (t: number, V: Float64Array) => void }) => { time: number };

export async function writeTrainingWaveforms(result: TrainJobResult, path: string, samples = 3, cnode = 1e-12): Promise<void> {
  const spec = "../analysis/relax.js";
  const { relax } = (await import(spec)) as { relax: RelaxFn };
  const { model, data, options } = result;
  const c = model.circuit;
  const nodes: number[] = [];
  for (let k = 1; k < c.nodeNames.length; k++) if (!c.internal[k]) nodes.push(k);
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const out = createWriteStream(tmp);
  try {
    out.write(["time", "sample", "phase", "beta", ...nodes.map((k) => `v(${c.nodeNames[k]})`)].join(",") + "\n");
    const y = new Float64Array(model.nOutputs);
    const phases: Array<[string, number]> = [
      ["free", 0],
      ["nudged+", options.beta],
      ["nudged-", -options.beta],
    ];
    for (let s = 0; s < Math.min(samples, data.xTrain.length); s++) {
      model.setInputs(data.xTrain[s]);
      targetVector(data.yTrain[s], model.nOutputs, options.targetAmplitude, options.targets, y);
      // Each sample starts from rest (all free nodes at 0 V), as a chip would after a reset.
      model.engine.x.fill(0);
      model.engine.syncVoltages();
      let t0 = 0;
      const free = new Float64Array(model.engine.x.length);
      for (const [name, beta] of phases) {
        if (name !== "free") model.restoreState(free);
        model.setNudge(betaSiemens(beta, model.Gnudge), beta === 0 ? null : y);
        const r = relax(model.engine, {
          cnode,
          tol: 1e-9,
          record: (t, V) => {
            let row = `${(t0 + t).toPrecision(9)},${s},${name},${beta}`;
            for (const k of nodes) row += "," + V[k].toPrecision(9);
            out.write(row + "\n");
          },
        });
        if (name === "free") model.saveState(free);
        t0 += r.time;
      }
    }
    model.setNudge(0, null);
    await new Promise<void>((res, rej) => out.end((e?: Error | null) => (e ? rej(e) : res())));
    renameSync(tmp, path);
  } catch (e) {
    out.destroy();
    rmSync(tmp, { force: true });
    throw e;
  }
}
