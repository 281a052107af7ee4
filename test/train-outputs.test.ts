/**
 * What `eqspice train` writes: trained.cir runs in ngspice and gives the same
 * outputs as eqspice; waveforms.csv holds the free and nudged phases
 * integrated in time, ending where the steady-state solver says.
 */
import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runTrainJob } from "../src/train/run.js";
import { writeTrainingWaveforms } from "../src/train/waveforms.js";
import { opFromFile } from "../src/api.js";
import { describeNgspice, runNgspiceOp } from "./helpers/ngspice.js";

const tmp = () => mkdtempSync(join(tmpdir(), "eqspice-out-"));

describeNgspice("trained.cir in ngspice", () => {
  it("gives the same node voltages as eqspice (plain resistors and expanded crossbars)", async () => {
    for (const netlist of ["netlists/iris.cir", "test/fixtures/train/xbar-xor.cir"]) {
      const dir = tmp();
      await runTrainJob({ netlist, dataset: netlist.includes("iris") ? "iris" : "xor", options: { epochs: 2 }, out: dir });
      const trained = join(dir, "trained.cir");
      const text = readFileSync(trained, "utf8");
      expect(text).not.toMatch(/^\s*\*@crossbar/m);
      // ngspice's default reltol leaves ~5e-6 V errors in diode circuits; tighten it for the comparison.
      const tight = join(dir, "trained-tight.cir");
      writeFileSync(tight, text.replace(/^\.end\s*$/m, ".options reltol=1e-10 vntol=1e-12 abstol=1e-15\n.end"));
      const ng = runNgspiceOp(tight);
      const eq = opFromFile(trained);
      let worst = 0;
      for (const [node, v] of Object.entries(eq.nodes)) {
        expect(ng.nodes[node], `node ${node} in ngspice`).toBeDefined();
        worst = Math.max(worst, Math.abs(v - ng.nodes[node]));
      }
      expect(worst).toBeLessThanOrEqual(1e-6);
    }
  });
});

describe("waveforms.csv", () => {
  it("holds free and nudged phases in time; each free phase ends at the steady state", async () => {
    const dir = tmp();
    const result = await runTrainJob({ netlist: "netlists/xor.cir", dataset: "xor", options: { epochs: 3 } });
    const path = join(dir, "waveforms.csv");
    await writeTrainingWaveforms(result, path, 2);
    const lines = readFileSync(path, "utf8").trim().split("\n");
    const header = lines[0].split(",");
    expect(header.slice(0, 4)).toEqual(["time", "sample", "phase", "beta"]);
    expect(header).toContain("v(h1_0)");
    const rows = lines.slice(1).map((l) => l.split(","));
    const phases = new Set(rows.map((r) => `${r[1]}/${r[2]}`));
    expect([...phases].sort()).toEqual(["0/free", "0/nudged+", "0/nudged-", "1/free", "1/nudged+", "1/nudged-"]);
    // time increases within a sample
    for (let i = 1; i < rows.length; i++) if (rows[i][1] === rows[i - 1][1]) expect(Number(rows[i][0])).toBeGreaterThanOrEqual(Number(rows[i - 1][0]));
    // the end of sample 0's free phase equals the Newton steady state of the same inputs
    const { model, data } = result;
    model.setInputs(data.xTrain[0]);
    model.setNudge(0, null);
    model.settle({ kind: "newton" });
    const lastFree = rows.filter((r) => r[1] === "0" && r[2] === "free").pop()!;
    const col = header.indexOf("v(h1_0)");
    const node = model.circuit.nodeIndex.get("h1_0")!;
    expect(Math.abs(Number(lastFree[col]) - model.engine.V[node])).toBeLessThan(1e-6);
  });
});
