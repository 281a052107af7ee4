/**
 * XSPICE filesource (src/devices/xspice/filesource.ts) against a live
 * ngspice 39: data files written here (comments, commas, more columns than
 * ports, amplscale / amploffset shorter than the ports, timescale,
 * timeoffset, timerelative), %v, %vd and %id ports, `%vd([...])` in
 * parentheses; operating points (the value at t = 0, interpolated between
 * rows or held with amplstep) to 1e-9 V, and a transient: the source nodes
 * equal the file's piecewise-linear curve at both simulators' own time
 * points, and an RC filter on them agrees to 1e-3 V. Bad data files and bad
 * lines are NetlistErrors naming the card's file= and the data line.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadCircuit, loadCircuitFromText, transient } from "../src/api.js";
import { NetlistError } from "../src/util/errors.js";
import { channelWaveform, parseFileSource } from "../src/devices/xspice/filesource.js";
import { describeNgspice, itNgspice, runNgspiceTran } from "./helpers/ngspice.js";
import { TIGHT, againstInterpolated, ngspiceDecks } from "./helpers/ngspice-compare.js";

const { dir, worst, compare } = ngspiceDecks("xspice-filesource");

/** Three channels; a comment of each kind, commas, a blank line and a fourth column the two-port elements ignore. */
const DATA = ["* time ch1 ch2 ch3", "# octave style", "0 0.5 1.0 -2", "; semicolon comment", "", "2e-6, 1.5, 0.25, -1 9", "3e-6 1.5 -0.5 0", "6e-6 -1 -0.5 2.5", "10e-6 0.2 2 1"].join("\n") + "\n";

/** ngspice 39 lower-cases the card, file= too: absolute paths for ngspice's copied decks need a lower-case directory. */
const lowDir = path.join(tmpdir(), `eqspice-filesource-${process.pid}`);
mkdirSync(lowDir, { recursive: true });
afterAll(() => rmSync(lowDir, { recursive: true, force: true }));
const DATA_ABS = path.join(lowDir, "data.txt");
writeFileSync(DATA_ABS, DATA);
writeFileSync(path.join(dir, "data.txt"), DATA);

/** The file's channel k (1-based) at t (s) with scale, offset and the time map, as the doc of filesource.ts states it. */
function expected(t: number, k: number, o: { scale?: number; offset?: number; tscale?: number; toff?: number; step?: boolean } = {}): number {
  const rows = DATA.split("\n").filter((l) => /^\s*[-+.\d]/.test(l)).map((l) => l.split(/[\s,]+/).filter(Boolean).map(Number));
  const ts = rows.map((r) => r[0] * (o.tscale ?? 1) + (o.toff ?? 0));
  const ys = rows.map((r) => r[k] * (o.scale ?? 1) + (o.offset ?? 0));
  if (t <= ts[0]) return ys[0];
  for (let i = 1; i < ts.length; i++) {
    if (t <= ts[i]) return o.step ? ys[i - 1] : ys[i - 1] + ((ys[i] - ys[i - 1]) * (t - ts[i - 1])) / (ts[i] - ts[i - 1]);
  }
  // past the last row: 0, as ngspice 39
  return 0;
}

describeNgspice("filesource against ngspice 39", () => {
  itNgspice(".tran past the file's last row: 0, as ngspice 39", () => {
    writeFileSync(path.join(lowDir, "short.txt"), "0 1\n1e-6 2\n2e-6 0.5\n");
    const f = path.join(dir, "end.cir");
    writeFileSync(f, ["filesource end", `.model fs filesource(file="${path.join(lowDir, "short.txt")}" amplscale=[1] amploffset=[0])`, "a1 %vd([s 0]) fs", "r s 0 1k", ".tran 0.25u 4u", ".end", ""].join("\n"));
    const ng = runNgspiceTran(f, { tstep: 2.5e-7, tstop: 4e-6, nodes: ["s"] });
    const eq = transient(loadCircuit(f), { tstep: 2.5e-7, tstop: 4e-6 });
    for (const [time, v] of [[ng.time, ng.nodes.s], [eq.time, eq.nodes.s]] as const) {
      for (let i = 0; i < time.length; i++) if (time[i] > 2.01e-6) expect(v[i]).toBe(0);
      expect(Math.max(...v)).toBeGreaterThan(1.5);
    }
  });

  itNgspice("operating points: the value at t = 0, interpolated across rows shifted by timeoffset or held by amplstep; %v %vd %id ports, scale and offset vectors shorter than the ports", () => {
    for (const [k, [toff, step]] of ([[0, false], [-1e-6, false], [-2.5e-6, false], [-2.5e-6, true], [-20e-6, false]] as const).entries()) {
      const model = `.model fs filesource(file="data.txt" timeoffset=${toff} timescale=1 amplstep=${step} amplscale=[2 -1] amploffset=[0.1])`;
      const nodes = compare(`op-${k}`, ["filesource op", TIGHT, model, "a1 %vd([a 0 b c]) fs", "rb b 0 1k", "rc c 0 2k", "a2 [%v d %id e 0 %v f] fs", "rd d 0 1k", "re e 0 500", "rf f 0 1k"]);
      // and the doc's reading of the file (ngspice agrees with it through `compare`)
      expect(nodes.a).toBeCloseTo(expected(0, 1, { scale: 2, offset: 0.1, toff, step }), 12);
      expect(nodes.d).toBeCloseTo(expected(0, 1, { scale: 2, offset: 0.1, toff, step }), 12);
    }
  });

  itNgspice("timerelative drops timeoffset (ngspice 39 resets the previous time it should add on every row); timescale stretches the rows", () => {
    compare("op-rel", ["filesource rel", TIGHT, '.model fs filesource(file="data.txt" timeoffset=-2u timerelative=true amplscale=[1] amploffset=[0])', "a1 [p] fs", "rp p 0 1k"]);
    compare("op-scale", ["filesource scale", TIGHT, '.model fs filesource(file="data.txt" timeoffset=-1u timescale=0.5 amplscale=[1 1 1] amploffset=[0 0 0.5])', "a1 [p q] fs", "rp p 0 1k", "rq q 0 1k"]);
  });

  itNgspice(".tran: the source nodes are the file's curve at each simulator's own points; an RC filter on them agrees to 1e-3 V", () => {
    const f = path.join(dir, "tran.cir");
    const model = `.model fs filesource(file="${DATA_ABS}" amplscale=[1 2] amploffset=[0 0] timeoffset=-0.5u)`;
    writeFileSync(f, ["filesource tran", ".options reltol=1e-6 abstol=1e-15 vntol=1e-9", model, "a1 %vd([s1 0 s2 0]) fs", "r1 s1 o1 1k", "c1 o1 0 1n", "r2 s2 o2 2k", "c2 o2 0 0.5n", ".tran 0.05u 9u", ".end", ""].join("\n"));
    // up to 9 us, inside the data (its last row at 9.5 us): ngspice 39 drops to 0 from the first step it tries past
    // the last row on, even where it then retries an earlier time
    const ng = runNgspiceTran(f, { tstep: 5e-8, tstop: 9e-6, tmax: 2e-8, nodes: ["s1", "s2", "o1", "o2"] });
    const eq = transient(loadCircuit(f), { tstep: 2e-8, tstop: 9e-6, tmax: 2e-8 });
    for (const [who, time, nodes] of [["ngspice", ng.time, ng.nodes], ["eqspice", eq.time, eq.nodes]] as const) {
      let w = 0;
      for (let i = 0; i < time.length; i++) {
        const t = time[i];
        w = Math.max(w, Math.abs(nodes.s1[i] - expected(t, 1, { toff: -0.5e-6 })), Math.abs(nodes.s2[i] - expected(t, 2, { scale: 2, toff: -0.5e-6 })));
      }
      worst.set(`tran ${who} source against the file`, w);
      expect(w, who).toBeLessThanOrEqual(1e-9);
    }
    for (const n of ["o1", "o2"]) {
      const w = againstInterpolated(eq.time, eq.nodes[n], ng.time, ng.nodes[n]);
      worst.set(`tran ${n}`, w);
      expect(Math.max(...eq.nodes[n]) - Math.min(...eq.nodes[n])).toBeGreaterThan(1);
      expect(w, n).toBeLessThanOrEqual(1e-3);
    }
  });
});

describe("filesource data and lines", () => {
  const p = { timescale: 1, timeoffset: 0, timerelative: false, amplscale: [], amploffset: [] };
  const fail = (line: number, msg: string): never => {
    throw new Error(`line ${line}: ${msg}`);
  };

  it("reads rows as cfunc.mod does: comments and non-numeric lines skipped, commas, extra columns ignored", () => {
    const d = parseFileSource("* c\nhello\n0 1,2 3\n1e-6\t4 5\n", 2, p, fail);
    expect(d).toEqual({ t: [0, 1e-6], y: [[1, 4], [2, 5]] });
  });

  it("a staircase holds the earlier row up to the next row's time", () => {
    expect(channelWaveform([0, 1, 1, 3], [5, 6, 7, 8], true)).toEqual({ t: [0, 1, 1, 1, 3, 3, 3], v: [5, 5, 6, 7, 7, 8, 0] });
    expect(channelWaveform([0, 1], [5, 6], false)).toEqual({ t: [0, 1, 1], v: [5, 6, 0] });
  });

  it("refuses short rows, decreasing times and empty files, naming the line", () => {
    expect(() => parseFileSource("0 1 2\n1 3\n", 2, p, fail)).toThrow(/line 2: the row has 1 value after its time, the element's output has 2 ports/);
    expect(() => parseFileSource("0 1\n2 3\n1 4\n", 1, p, fail)).toThrow(/line 3: times must not decrease/);
    expect(() => parseFileSource("* nothing\n", 1, p, fail)).toThrow(/no data rows/);
    // before its first row ngspice 39 reads outside its data
    expect(() => parseFileSource("* late\n1e-6 1\n2e-6 3\n", 1, p, fail)).toThrow(/line 2: the first row is at t = 1e-6 s, after 0/);
    expect(parseFileSource("1e-6 1\n2e-6 3\n", 1, { ...p, timeoffset: -1e-6 }, fail).t).toEqual([0, 1e-6]);
  });

  const deck = (model: string, line = "a1 %vd([a 0]) fs") => `t\n${model}\n${line}\nra a 0 1k\n.end\n`;
  const bad = (text: string): NetlistError => {
    try {
      loadCircuitFromText(text, path.join(dir, "bad.cir"));
    } catch (e) {
      if (e instanceof NetlistError) return e;
      throw e;
    }
    throw new Error("no error");
  };

  it("a missing file or a bad row: an error at the card's file=, naming the file and its line", () => {
    const e = bad(deck('.model fs filesource(file="nowhere.txt" amplscale=[1] amploffset=[0])'));
    expect(e.message).toMatch(/bad\.cir:2:\d+: .*cannot open filesource file 'nowhere\.txt'/);
    writeFileSync(path.join(dir, "short.txt"), "0 1\n1\n");
    expect(bad(deck('.model fs filesource(file="short.txt" amplscale=[1] amploffset=[0])')).message).toMatch(/bad\.cir:2:\d+: \.model fs: filesource file 'short\.txt' line 2 .*the row has 0 values/);
  });

  it("bad lines: a scalar port, a port type it does not take, an unclosed %vd(, two connections", () => {
    // amplscale and amploffset have no default, as in ngspice 39
    expect(bad(deck('.model fs filesource(file="data.txt" amplscale=[1])')).message).toMatch(/bad\.cir:3:\d+: .*amploffset has no default and is not given/);
    const m = '.model fs filesource(file="data.txt" amplscale=[1] amploffset=[0])';
    expect(bad(deck(m, "a1 a fs")).message).toMatch(/bad\.cir:3:4: a1: port 'out' of filesource is a vector/);
    expect(bad(deck(m, "a1 [%g(a)] fs")).message).toMatch(/port type %g is not allowed on port 'out' of filesource/);
    expect(bad(deck(m, "a1 %vd([a 0] fs")).message).toMatch(/a1: '%vd\(\[\.\.\.' has no '\)' after its '\]'/);
    expect(bad(deck(m, "a1 [a] [b] fs")).message).toMatch(/code model filesource has 1 port \(out\), the line connects 2/);
  });
});
