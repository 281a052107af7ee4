/**
 * XSPICE table2d and table3d (src/devices/xspice/table/) against a live
 * ngspice 39: tables written here (comments, scale suffixes, commas,
 * non-uniform axes), operating points, .dc sweeps across table points and
 * beyond the table's edges (1e-9 V at TIGHT tolerances), .ac (ngspice's
 * AC gains: the ENO partials, and table3d's y/z mix-up) and .tran; the
 * partials against finite differences where ngspice's ENO derivative is the
 * derivative of the linear interpolation; the table file found as ngspice
 * finds it; bad table files as NetlistErrors at the card's file=.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadCircuit, loadCircuitFromText, transient } from "../src/api.js";
import { NetlistError } from "../src/util/errors.js";
import { XspiceDevice } from "../src/devices/xspice/xspice.js";
import { XSPICE_MODELS, type XFileAccess } from "../src/devices/xspice/models.js";
import { readTableFile, spiceValue } from "../src/devices/xspice/table/file.js";
import { describeNgspice, itNgspice, runNgspiceTran } from "./helpers/ngspice.js";
import { TIGHT, ngspiceDecks } from "./helpers/ngspice-compare.js";
import { checkStamp } from "./helpers/stamp-check.js";

const { dir, worst, compare, compareDc, compareAc } = ngspiceDecks("xspice-table");

/** A 2-D table (6 x by 5 y, non-uniform, nonlinear data) with the file format's corners: comments, suffixes, commas, blank lines. */
const T2 = [
  "* a 2-D table",
  "* x size",
  "6",
  "* y size",
  "6",
  "",
  "* x axis (V)",
  "-1 -0.5 0 250m 1 2.5",
  "* y axis",
  "0, 0.5, 1.0, 2, 3, 3.5",
  "* data: one row per y",
  "0.1 0.2 0.4 0.5 1.1 2.0",
  "0.0 0.3 0.9 1.2 2.2 3.5",
  "* a comment among the rows",
  "-0.2 0.5 1.6 2.0 3.1 5.0",
  "-0.5 0.9 2.8 3.3 5.5 9.0",
  "-1.0 1.4 4.0 5.0 8.0 0.014k",
  "-1.2 1.5 4.5 6.0 9.0 15",
  "",
].join("\n");

/** A 3-D table (5 x, 4 y, 4 z): f = x^2 y + sin(z) x + y z, a little noise-free curvature in every direction. */
function table3(): string {
  const xs = [-1, 0, 0.5, 1.5, 2];
  const ys = [0, 1, 1.5, 3];
  const zs = [-2, -1, 0, 2];
  const f = (x: number, y: number, z: number): number => x * x * y + Math.sin(z) * x + y * z;
  const out = ["* 3-D table", String(xs.length), String(ys.length), String(zs.length), xs.join(" "), ys.join(" "), zs.join(" ")];
  for (const z of zs) {
    out.push(`* z = ${z}`);
    for (const y of ys) out.push(xs.map((x) => f(x, y, z).toPrecision(10)).join(" "));
  }
  return out.join("\n") + "\n";
}

/** An affine 2-D table on a uniform non-unit grid: ngspice's ENO partials are then exactly the output's derivatives. */
const AFFINE = ["* affine", "5", "4", "0 0.5 1 1.5 2", "-1 1 3 5", ...[-1, 1, 3, 5].map((y) => [0, 0.5, 1, 1.5, 2].map((x) => 0.3 + 2 * x - 0.7 * y).join(" "))].join("\n") + "\n";
/** A bilinear table (an xy term) on a unit grid: the partials are again exact. */
const BILIN = ["* bilinear, unit grid", "4", "4", "0 1 2 3", "1 2 3 4", ...[1, 2, 3, 4].map((y) => [0, 1, 2, 3].map((x) => 1 + x - 2 * y + 0.5 * x * y).join(" "))].join("\n") + "\n";

/**
 * A directory whose absolute path is lower-case, for tables named by absolute paths: ngspice 39 lower-cases the
 * card, file= too, and so does eqspice (the deck directory's random name has capitals).
 */
const lowDir = path.join(tmpdir(), `eqspice-xspice-table-abs-${process.pid}`);
mkdirSync(lowDir, { recursive: true });
afterAll(() => rmSync(lowDir, { recursive: true, force: true }));
writeFileSync(path.join(lowDir, "bilin.table"), BILIN);
writeFileSync(path.join(lowDir, "affine.table"), AFFINE);
writeFileSync(path.join(dir, "t2.table"), T2);
writeFileSync(path.join(dir, "t3.table"), table3());
writeFileSync(path.join(dir, "affine.table"), AFFINE);
writeFileSync(path.join(dir, "bilin.table"), BILIN);

const M2 = '.model tab2 table2d(file="t2.table")';
const M2B = '.model tab2b table2d(offset=0.1 gain=-2 order=2 file="t2.table")';
const M2C = '.model tab2c table2d(order=4 file="t2.table" gain=1.5)';
const M3 = '.model tab3 table3d(file="t3.table" gain=0.5 offset=-0.2)';
const M3B = '.model tab3b table3d(file="t3.table" order=2)';

describeNgspice("table2d and table3d against ngspice 39: .op, .dc, .ac, .tran", () => {
  itNgspice("table2d operating points: inside, on table points, at and beyond the edges; %v, %i, %id outputs, %vd and %i inputs", () => {
    const pts: Array<[number, number]> = [[0.3, 0.7], [0.25, 1], [-1, 0], [2.5, 3], [3, 4], [-2, 1.2], [0.1, -0.5], [1.7, 2.2]];
    pts.forEach(([x, y], k) => {
      compare(`t2-op-${k}`, [
        "table2d op", TIGHT, M2, M2B, M2C,
        `vx x 0 ${x}`, `vy y 0 ${y}`,
        "a1 x y out1 tab2", "r1 out1 0 1k",
        "a2 x y %v(out2) tab2b", "r2 out2 0 1k",
        "a3 %vd(x y) y %id(out3 m3) tab2c", "r3 out3 0 2", "r3m m3 0 3",
        // a current input: the current of vy2 (x / 1 kohm)
        "rr x q 1k", "vy2 q 0 0", "rq y q2 2k", "a4 %vnam(vy2) %i(q2) %v(out4) tab2b", "r4 out4 0 1",
      ]);
    });
  });

  itNgspice("table3d operating points, orders 3 and 2, inside and outside", () => {
    const pts: Array<[number, number, number]> = [[0.3, 0.7, -0.4], [0.5, 1.5, 0], [2, 3, 2], [-1.5, 0.2, -3], [1.9, 3.4, 1.1], [0, 1, -1]];
    pts.forEach(([x, y, z], k) => {
      compare(`t3-op-${k}`, [
        "table3d op", TIGHT, M3, M3B,
        `vx x 0 ${x}`, `vy y 0 ${y}`, `vz z 0 ${z}`,
        "a1 x y z out1 tab3", "r1 out1 0 100",
        "a2 x y z %v(out2) tab3b", "r2 out2 0 1k",
      ]);
    });
  });

  itNgspice("a table2d transistor: %vd(d s) %vd(g s) %id(d s) against a resistor (its own partial is its DC path)", () => {
    compare("t2-self", ["table2d self", TIGHT, M2, "vdd dd 0 2", "rl dd d 1k", "vg g 0 1.5", "a1 %vd(d 0) %vd(g 0) %id(d 0) tab2"], 1e-9);
  });

  itNgspice(".dc sweeps across table points and beyond both edges", () => {
    compareDc("t2-dc-x", ["table2d dc x", M2, M2B, M2C, "vx x 0 0", "vy y 0 0.7", "a1 x y out1 tab2", "r1 out1 0 1k", "a2 x y %v(out2) tab2b", "r2 out2 0 1k", "a3 x y %v(out3) tab2c", "r3 out3 0 1"], "vx -1.6 3.1 0.05");
    compareDc("t2-dc-y", ["table2d dc y", M2, "vx x 0 0.6", "vy y 0 0", "a1 x y out1 tab2", "r1 out1 0 1k"], "vy -0.4 3.5 0.05");
    compareDc("t3-dc", ["table3d dc", M3, M3B, "vx x 0 0.4", "vy y 0 1.2", "vz z 0 0", "a1 x y z out1 tab3", "r1 out1 0 10", "a2 x y z %v(out2) tab3b", "r2 out2 0 1"], "vz -2.5 2.6 0.05");
    compareDc("t3-dc-2", ["table3d dc 2", M3, "vx x 0 0", "vy y 0 1.2", "vz z 0 0.3", "a1 x y z out1 tab3", "r1 out1 0 10"], "vx -1.3 2.3 0.1 vy -0.2 3.2 0.4");
  });

  itNgspice(".ac: the gains are ngspice's partials (inside, outside in the ramp, beyond it), and table3d's y input carries the z partial", () => {
    for (const [k, [x, y]] of [[0.3, 0.7], [2.55, 1.2], [-1.04, 0.2], [1, 3.3]].entries()) {
      compareAc(`t2-ac-${k}`, ["table2d ac", M2, M2C, `vx x 0 ${x} ac 1`, `vy y 0 ${y} ac 0.5 30`, "a1 x y out1 tab2", "r1 out1 0 1k", "c1 out1 0 1u", "a2 %vd(x y) y %v(out2) tab2c", "r2 out2 0 1"], "dec 3 10 10k");
    }
    compareAc("t3-ac", ["table3d ac", M3, M3B, "vx x 0 0.3 ac 1", "vy y 0 0.7 ac 0.5", "vz z 0 -0.4 ac 0.25 90", "a1 x y z out1 tab3", "r1 out1 0 1", "a2 x y z %v(out2) tab3b", "r2 out2 0 1"], "dec 2 10 1k");
    compareAc("t3-ac-z", ["table3d ac z only", M3, "vx x 0 0.3", "vy y 0 0.7", "vz z 0 -0.4 ac 1", "a1 x y z out1 tab3", "r1 out1 0 1"], "lin 2 10 100");
  });

  itNgspice(".tran: a static model follows its inputs: both simulators' waveforms equal the table of the sources' values at their own time points (ngspice 4e-14, eqspice 1e-3 V)", () => {
    const f = path.join(dir, "t-tran.cir");
    writeFileSync(f, ["table tran", TIGHT, M2, M3, "vx x 0 sin(0.5 2 1k)", "vy y 0 sin(1.5 2 300)", "vz z 0 0.2", "a1 x y out1 tab2", "r1 out1 0 1", "a2 x y z %v(out2) tab3", "r2 out2 0 1", ".tran 10u 3m", ".end", ""].join("\n"));
    const tmax = 5e-6;
    const ng = runNgspiceTran(f, { tstep: 1e-5, tstop: 3e-3, tmax, nodes: ["out1", "out2", "x", "y"] });
    // eqspice's rows are every tstep, interpolated between its internal points: a grid of internal steps (tmax = tstep) puts them on those points
    const eq = transient(loadCircuit(f), { tmax: 1e-6, tstep: 1e-6 });
    const b2 = behaviour("table2d", T2);
    const b3 = behaviour("table3d", table3(), { gain: 0.5, offset: -0.2 });
    const o = new Float64Array(4);
    const want = (x: number, y: number): [number, number] => {
      b2.evaluate(Float64Array.from([x, y]), o);
      const w1 = o[0];
      b3.evaluate(Float64Array.from([x, y, 0.2]), o);
      return [w1, o[0]];
    };
    for (const [who, time, nodes] of [["ngspice", ng.time, ng.nodes], ["eqspice", eq.time, eq.nodes]] as const) {
      let w = 0;
      for (let k = 0; k < time.length; k++) {
        const t = time[k];
        const [w1, w2] = want(0.5 + 2 * Math.sin(2 * Math.PI * 1e3 * t), 1.5 + 2 * Math.sin(2 * Math.PI * 300 * t));
        // a current output (out1, %i by default) drives its current out of the model into the node's 1 ohm... with ngspice's sign: v = -f
        w = Math.max(w, Math.abs(-nodes.out1[k] - w1), Math.abs(nodes.out2[k] - w2));
      }
      worst.set(`tran ${who} against the table`, w);
      expect(Math.max(...nodes.out1) - Math.min(...nodes.out1), who).toBeGreaterThan(5);
      // ngspice: to its printed digits; eqspice's transient of XSPICE models (its existing plumbing, ~1.75 loads per step
      // here) is 1e-3 V accurate, as xspice.test.ts' int/d_dt comparisons take it
      expect(w, who).toBeLessThanOrEqual(who === "ngspice" ? 1e-9 : 2e-3);
    }
  });

  itNgspice("the file is found in the netlist's directory, not the current one; an absolute path as given", () => {
    const sub = path.join(dir, "sub");
    mkdirSync(sub, { recursive: true });
    writeFileSync(path.join(sub, "only-here.table"), AFFINE);
    const f = path.join(sub, "rel.cir");
    writeFileSync(f, ["rel", '.model ta table2d(file="only-here.table")', `.model tb table2d(file="${path.join(lowDir, "bilin.table")}")`, "vx x 0 0.7", "vy y 0 2.5", "a1 x y out1 ta", "r1 out1 0 1", "a2 x y out2 tb", "r2 out2 0 1", ".op", ".end", ""].join("\n"));
    const c = loadCircuit(f);
    expect(c.devices.filter((d) => d instanceof XspiceDevice).length).toBe(2);
    compare("t-paths", ["rel", '.model ta table2d(file="sub/only-here.table")', "vx x 0 0.7", "vy y 0 2.5", "a1 x y out1 ta", "r1 out1 0 1"]);
  });
});

/** The behaviour of a table model over table file text, as make() builds it. */
function behaviour(type: "table2d" | "table3d", text: string, params: Record<string, number> = {}) {
  const def = XSPICE_MODELS[type];
  const p = new Map<string, number | string>([["order", 3], ["verbose", 0], ["offset", 0], ["gain", 1], ["file", "x"], ...Object.entries(params)]);
  const io: XFileAccess = { read: () => ({ text, path: "x" }), fail: (_p, m) => { throw new Error(m); } };
  return def.make!(p, type === "table2d" ? 2 : 3, def.load!(p, io));
}

describe("table2d and table3d partials", () => {
  const fd = (beh: ReturnType<typeof behaviour>, u: number[], j: number): number => {
    const h = 1e-6;
    const out = new Float64Array(u.length + 1);
    const up = Float64Array.from(u);
    up[j] += h;
    beh.evaluate(up, out);
    const fp = out[0];
    up[j] -= 2 * h;
    beh.evaluate(up, out);
    return (fp - out[0]) / (2 * h);
  };
  it("equal the finite-difference derivatives of the output where ngspice's ENO derivative is exact (affine, and bilinear on a unit grid)", () => {
    for (const [text, pts] of [[AFFINE, [[0.3, 0.1], [1.2, 4.2], [0.75, -0.5], [1.9, 2.9]]], [BILIN, [[0.3, 1.1], [1.5, 2.5], [2.7, 3.9], [0.5, 1.5]]]] as const) {
      for (const order of [2, 3]) {
        const beh = behaviour("table2d", text, { order, gain: 1.7, offset: 0.2 });
        for (const u of pts) {
          const out = new Float64Array(3);
          beh.evaluate(Float64Array.from(u), out);
          for (let j = 0; j < 2; j++) expect(Math.abs(out[1 + j] - fd(beh, [...u], j)), `order ${order} at ${u} d/du${j}`).toBeLessThan(1e-7);
        }
      }
    }
  });
  it("are ngspice's ENO derivatives, not the slope of the bilinear output, on a curved table; ramp to 0 over 1/8 of the end cell outside", () => {
    const beh = behaviour("table2d", T2);
    const out = new Float64Array(3);
    beh.evaluate(Float64Array.from([0.6, 1.4]), out);
    expect(Math.abs(out[1] - fd(beh, [0.6, 1.4], 0))).toBeGreaterThan(1e-3);
    // beyond x = 2.5 (end cell 1.5 wide): the output is held, the partial ramps to 0 at 2.5 + 0.1875
    const at = (x: number): Float64Array => {
      const o = new Float64Array(3);
      beh.evaluate(Float64Array.from([x, 1.4]), o);
      return o;
    };
    expect(at(2.6)[0]).toBe(at(2.5)[0]);
    expect(at(2.6)[1]).toBeCloseTo(at(2.5)[1] * (1 - 0.1 / 0.1875), 12);
    expect(at(2.7)[1]).toBe(0);
  });
  it("the device stamps the partials its behaviour gives (affine table2d and table3d, checkStamp)", () => {
    const t3 = ["* affine 3-D", "4", "4", "4", "0 1 2 3", "0 0.5 1 1.5", "-1 0 1 2"];
    for (const z of [-1, 0, 1, 2]) for (const y of [0, 0.5, 1, 1.5]) t3.push([0, 1, 2, 3].map((x) => 1 + 0.5 * x - y + 0.25 * z).join(" "));
    writeFileSync(path.join(lowDir, "affine3.table"), t3.join("\n") + "\n");
    for (const [model, conn, nNodes] of [
      [`.model ta table2d(file="${path.join(lowDir, "affine.table")}" gain=2)`, "a1 1 2 %id(3 4) ta", 4],
      [`.model tb table3d(file="${path.join(lowDir, "affine3.table")}")`, "a1 %vd(1 4) 2 3 %i(4) tb", 4],
    ] as const) {
      const c = loadCircuitFromText(`t\n${conn}\n${model}\n.end\n`, "<t>", { allowFloating: true });
      const d = c.devices.find((x) => x instanceof XspiceDevice) as XspiceDevice;
      const volts = [0, 0.7, 0.4, 0.3, 0.1];
      const ix = (n: string) => c.nodeIndex.get(n)!;
      const v = new Array<number>(Math.max(...d.nodes) + 1).fill(0);
      ["1", "2", "3", "4"].forEach((n, k) => (v[ix(n)] = volts[k + 1]));
      checkStamp(d, Math.max(...d.nodes), v, (vv) => {
        const out = new Float64Array(Math.max(...d.nodes) + 1);
        d.addCurrents(Float64Array.from(vv), new Float64Array(0), -1, out);
        return Array.from(out);
      });
      void nNodes;
    }
  });
});

describe("table files: the format and bad input", () => {
  it("reads numbers as cnv_get_spice_value does", () => {
    expect(spiceValue("250m")).toBe(0.25);
    expect(spiceValue("1meg")).toBe(1e6);
    expect(spiceValue("2mil")).toBeCloseTo(50.8e-6, 18);
    expect(spiceValue("14k")).toBe(14000);
    expect(spiceValue("-1.5e-3")).toBe(-1.5e-3);
    expect(spiceValue("3V")).toBe(3);
    expect(spiceValue("abc")).toBeUndefined();
    expect(spiceValue("1.2.3")).toBeUndefined();
  });
  it("reads the axes and rows, comments and blank lines skipped", () => {
    const t = readTableFile(T2, 2, 3);
    expect(Array.from(t.axes[0])).toEqual([-1, -0.5, 0, 0.25, 1, 2.5]);
    expect(Array.from(t.axes[1])).toEqual([0, 0.5, 1, 2, 3, 3.5]);
    expect(Array.from(t.rows[0][4])).toEqual([-1, 1.4, 4, 5, 8, 14]);
  });

  let nErr = 0;
  const err = (table: string | null, model = "table2d", extra = ""): NetlistError => {
    nErr++;
    const name = `bad-${Math.random().toString(36).slice(2)}.table`;
    if (table !== null) writeFileSync(path.join(dir, name), table);
    const f = path.join(dir, "bad.cir");
    const conn = model === "table2d" ? "a1 x y out tb" : "a1 x y y out tb";
    writeFileSync(f, ["bad", "vx x 0 1", "vy y 0 1", conn, "r1 out 0 1", `.model tb ${model}(${extra}file="${name}")`, ".end", ""].join("\n"));
    try {
      loadCircuit(f);
    } catch (e) {
      expect(e).toBeInstanceOf(NetlistError);
      return e as NetlistError;
    }
    throw new Error(`no error (case ${nErr})`);
  };
  const col = `${path.join(dir, "bad.cir")}:6:`;
  it("a missing file: an error at the card's file=, naming the paths tried", () => {
    const e = err(null);
    expect(e.message).toContain(`${col}24: .model tb: cannot open table2d file`);
    expect(e.message).toMatch(/ENOENT/);
  });
  it("bad sizes, axes and rows: errors at file= naming the table's line", () => {
    const head = (nx: string, ny: string, xs: string, ys: string) => `* t\n${nx}\n${ny}\n${xs}\n${ys}\n`;
    const rows = (n: number, w = 4) => Array.from({ length: n }, (_, k) => Array.from({ length: w }, (_, i) => k + i).join(" ")).join("\n") + "\n";
    expect(err(head("four", "4", "0 1 2 3", "0 1 2 3") + rows(4)).message).toMatch(/:2: the number of x values must be a number/);
    expect(err(head("4", "3", "0 1 2 3", "0 1 2") + rows(3)).message).toMatch(/:5: the table has 3 y values.*at least 2\*order-2 = 4.*ng=4 is too big/);
    expect(err(head("2", "4", "0 1", "0 1 2 3") + rows(4, 2)).message).toMatch(/:4: the table has 2 x values.*order=3 needs at least 3/);
    expect(err(head("4", "4", "0 1 2", "0 1 2 3") + rows(4)).message).toMatch(/:4: not enough numbers in the x axis: 3, the size line says 4/);
    expect(err(head("4", "4", "0 1 2 3 4", "0 1 2 3") + rows(4)).message).toMatch(/:4: too many numbers in the x axis/);
    expect(err(head("4", "4", "0 1 1 3", "0 1 2 3") + rows(4)).message).toMatch(/:4: the x axis must increase/);
    expect(err(head("4", "4", "0 1 2 3", "0 1 2 3") + rows(3)).message).toMatch(/:8: not enough data: 3 data rows, the y axis has 4/);
    expect(err(head("4", "4", "0 1 2 3", "0 1 2 3") + rows(2) + "1 2 3\n" + rows(1)).message).toMatch(/:8: not enough numbers in data row 3 \(y = 2\): 3, the x axis has 4/);
    expect(err(head("4", "4", "0 1 2 3", "0 1 2 3") + rows(5)).message).toMatch(/:10: more data rows than the 4 y values/);
    expect(err(head("4", "4", "0 1 2 3", "0 1 2 3") + rows(2) + "1 2 x 4\n" + rows(1)).message).toMatch(/'x' in data row 3 .*not a number \(ngspice 39 would read it as 0\)/);
    expect(err(head("4", "4", "0 1 2 3", "0 1 2 3") + rows(4) + "* the end\n").message).toMatch(/:10: a comment line ends the file: ngspice 39 then refuses the table/);
    expect(err("* t\n4\n4\n0 1 2 3\n").message).toMatch(/the file ends before the y axis/);
    // table3d: too few rows for its tables
    expect(err("* t\n4\n4\n4\n0 1 2 3\n0 1 2 3\n0 1 2 3\n" + rows(10), "table3d").message).toMatch(/not enough data: 10 data rows, 4 tables of 4 rows need 16/);
  });
  it("file= is lower-cased as ngspice 39 lower-cases the card (its file UP.table is not found, the error says why); verbose=3 runs as there", () => {
    writeFileSync(path.join(dir, "UP.table"), AFFINE);
    const f = path.join(dir, "upper.cir");
    writeFileSync(f, ["upper", "vx x 0 1", "vy y 0 1", "a1 x y out tb", "r1 out 0 1", '.model tb table2d(file="UP.table")', ".end", ""].join("\n"));
    expect(() => loadCircuit(f)).toThrow(/upper\.cir:6:24: .*cannot open table2d file 'up\.table'.*ngspice 39 lower-cases the card: 'UP\.table' is read as 'up\.table'/);
    writeFileSync(f, ["upper", "vx x 0 1", "vy y 0 1", "a1 x y out tb", "r1 out 0 1", '.model tb table2d(file="affine.table" verbose=3 order=1)', ".end", ""].join("\n"));
    expect(loadCircuit(f).devices.some((d) => d instanceof XspiceDevice)).toBe(true);
  });
  it("a string file= must be quoted; the error is at the value", () => {
    const f = path.join(dir, "bare.cir");
    writeFileSync(f, ["bare", "vx x 0 1", "vy y 0 1", "a1 x y out tb", "r1 out 0 1", ".model tb table2d(file=t2.table)", ".end", ""].join("\n"));
    expect(() => loadCircuit(f)).toThrow(/bare\.cir:6:24: .*parameter file is a string: write it in double quotes/);
  });
});
