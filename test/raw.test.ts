/**
 * ngspice raw files from `eqspice tran --format raw|raw-ascii`: live ngspice
 * loads each file (`load`), lists its vectors with the right types and
 * lengths, and writes them back out (`wrdata`, 18 digits) with exactly the
 * values eqspice's CSV holds for the same run. Also: the header layout, and
 * eqspice's own reader on files ngspice wrote.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers/build.js";
import { itNgspice } from "./helpers/ngspice.js";
import { cExp, parseRaw, rawDate } from "../src/output/raw.js";
import { loadCircuitFromText, streamTransient, transient } from "../src/api.js";
import { InputError } from "../src/util/errors.js";

const tmp = mkdtempSync(path.join(tmpdir(), "eqspice-raw-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// node voltages, a subcircuit's internal node, a diode, and currents of a V and an E source
const NETLIST = `raw round trip
V1 in 0 PULSE(0 2 0.2u 20n 20n 1u 3u)
R1 in a 1k
C1 a 0 1n
D1 a b dmod
R2 b 0 2k
X1 b out stage
E1 e 0 a 0 0.5
RE e 0 10k
.subckt stage p q
R1 p mid 1k
C1 mid 0 0.5n
R2 mid q 1k
.ends
RL out 0 5k
.model dmod d(is=1e-14 n=1.05)
.tran 50n 4u
.end
`;
const net = path.join(tmp, "rt.cir");
writeFileSync(net, NETLIST);

/** CSV columns of the same run: name -> values. */
function readCsv(file: string): Map<string, number[]> {
  const [head, ...rows] = readFileSync(file, "utf8").trim().split("\n");
  const names = head.split(",");
  const cols = new Map(names.map((n) => [n, [] as number[]]));
  for (const r of rows) r.split(",").forEach((v, k) => cols.get(names[k])!.push(Number(v)));
  return cols;
}

/** Run ngspice on a control script in `dir`; returns stdout. */
function ngspice(dir: string, lines: string[]): string {
  const deck = path.join(dir, "load.cir");
  writeFileSync(deck, ["load raw", ".control", ...lines, ".endc", ".end", ""].join("\n"));
  const r = spawnSync(process.env.NGSPICE ?? "ngspice", ["-b", deck], { cwd: dir, encoding: "utf8", timeout: 60_000 });
  if (r.error) throw r.error;
  return r.stdout + r.stderr;
}

describe("tran --format raw / raw-ascii", () => {
  for (const format of ["raw", "raw-ascii"] as const) {
    itNgspice(`ngspice loads the ${format} file with the same names, types and values`, async () => {
      const dir = mkdtempSync(path.join(tmp, `${format}-`));
      const raw = path.join(dir, "rt.raw");
      const csv = path.join(dir, "rt.csv");
      const r1 = await runCli(["tran", net, "--format", format, "--out", raw, "--quiet"]);
      expect(r1.code, r1.stderr).toBe(0);
      const r2 = await runCli(["tran", net, "--out", csv, "--quiet"]);
      expect(r2.code, r2.stderr).toBe(0);
      const want = readCsv(csv);
      const names = [...want.keys()];
      expect(names).toEqual(["time", "v(in)", "v(a)", "v(b)", "v(e)", "v(out)", "v(x1.mid)", "i(v1)", "i(e1)"]);
      const rows = want.get("time")!.length;
      expect(rows).toBe(81);

      const vecs = names.filter((n) => n !== "time");
      const out = ngspice(dir, ["load rt.raw", "display", "set numdgt=17", "set wr_singlescale", "set wr_vecnames", `wrdata back.dat ${vecs.join(" ")}`]);
      expect(out).not.toMatch(/error/i);
      // display: every vector with its type and length
      for (const n of names) {
        const type = n === "time" ? "time" : n.startsWith("v(") ? "voltage" : "current";
        expect(out, n).toMatch(new RegExp(`^\\s+${n.replace(/[().]/g, "\\$&")}\\s+: ${type}, real, ${rows} long`, "m"));
      }
      const [head, ...lines] = readFileSync(path.join(dir, "back.dat"), "utf8").trim().split("\n");
      expect(head.trim().split(/\s+/)).toEqual(names);
      expect(lines.length).toBe(rows);
      lines.forEach((l, i) => {
        const vals = l.trim().split(/\s+/).map(Number);
        names.forEach((n, k) => {
          const w = want.get(n)![i];
          if (vals[k] !== w) expect(vals[k], `${n} at row ${i}`).toBe(w); // (=== also takes -0 for 0)
        });
      });
      // the diode clips: v(b) is not a scaled copy of v(a) (the values are a real test)
      expect(Math.max(...want.get("v(b)")!)).toBeLessThan(0.9 * Math.max(...want.get("v(a)")!));
      expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    }, 60_000);
  }

  it("the header is ngspice's: fields in order, variables with types, the point count patched in", async () => {
    const raw = path.join(tmp, "h.raw");
    const r = await runCli(["tran", net, "--out", raw, "--quiet"]); // .raw extension: binary raw
    expect(r.code, r.stderr).toBe(0);
    const buf = readFileSync(raw);
    const text = buf.toString("latin1");
    const head = text.slice(0, text.indexOf("Binary:\n") + 8);
    const lines = head.split("\n");
    expect(lines[0]).toBe("Title: raw round trip");
    expect(lines[1]).toMatch(/^Date: (Sun|Mon|Tue|Wed|Thu|Fri|Sat) [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d  \d{4}$/);
    expect(lines.slice(2, 5)).toEqual(["Plotname: Transient Analysis", "Flags: real", "No. Variables: 9"]);
    expect(lines[5]).toMatch(/^No. Points: 81 +$/);
    expect(lines[6]).toBe("Variables:");
    expect(lines[7]).toBe("\t0\ttime\ttime");
    expect(lines[8]).toBe("\t1\tv(in)\tvoltage");
    expect(lines[14]).toBe("\t7\ti(v1)\tcurrent");
    expect(lines[16]).toBe("Binary:");
    // 81 points x 9 doubles after the header
    expect(buf.length - Buffer.byteLength(head, "latin1")).toBe(81 * 9 * 8);
  });

  itNgspice("eqspice's reader reads files ngspice writes (binary and ASCII) as ngspice prints them", () => {
    const dir = mkdtempSync(path.join(tmp, "ng-"));
    writeFileSync(path.join(dir, "c.cir"), "rc\nV1 in 0 SIN(0 1 1meg)\nR1 in a 1k\nC1 a 0 100p\n.end\n");
    const out = ngspice(dir, [
      "source c.cir",
      "tran 20n 2u",
      "set filetype=binary",
      "write b.raw",
      "set filetype=ascii",
      "write a.raw",
      "set numdgt=17",
      "set wr_singlescale",
      "set wr_vecnames",
      "wrdata vals.dat v(in) v(a) i(v1)",
    ]);
    expect(existsSync(path.join(dir, "b.raw")), out).toBe(true);
    const [head, ...lines] = readFileSync(path.join(dir, "vals.dat"), "utf8").trim().split("\n");
    const names = head.trim().split(/\s+/);
    const want = names.map((_, k) => lines.map((l) => Number(l.trim().split(/\s+/)[k])));
    for (const f of ["b.raw", "a.raw"]) {
      const r = parseRaw(readFileSync(path.join(dir, f)));
      expect(r.plotname).toBe("Transient Analysis");
      names.forEach((n, k) => {
        const v = r.variables.findIndex((x) => x.name === n);
        expect(v, `${f}: ${n}`).toBeGreaterThanOrEqual(0);
        // binary is exact; ngspice's ASCII has 16 digits
        const got = Array.from(r.values[v]);
        if (f === "b.raw") expect(got).toEqual(want[k]);
        else got.forEach((x, i) => expect(Math.abs(x - want[k][i])).toBeLessThanOrEqual(1e-15 * Math.abs(want[k][i]) + 1e-300));
      });
    }
  }, 60_000);

  it("C formats: %.16e with two exponent digits, ngspice's date", () => {
    expect(cExp(1.5e-7)).toBe("1.4999999999999999e-07"); // as C prints the double nearest 1.5e-7
    expect(cExp(2 ** -30)).toBe("9.3132257461547852e-10");
    expect(cExp(0.15625)).toBe("1.5625000000000000e-01");
    expect(cExp(-2)).toBe("-2.0000000000000000e+00");
    expect(cExp(1e300)).toBe("1.0000000000000001e+300");
    expect(rawDate(new Date(2026, 11, 1, 9, 5, 3))).toBe("Tue Dec  1 09:05:03  2026");
  });

  it("bad output requests are clean errors (exit 1, no stack trace), before the run", async () => {
    const cases: Array<[string[], RegExp]> = [
      [["--out", "/missing/dir/x.csv"], /--out: cannot write \/missing\/dir\/x.csv: directory \/missing\/dir does not exist/],
      [["--format", "raw", "--out", "/missing/x.raw"], /cannot write \/missing\/x.raw/],
      [["--out", tmp], /it is a directory/],
      [["--plot", "/missing/p.html"], /--plot: cannot write/],
      [["--format", "raw"], /--format raw needs --out FILE/],
      [["--format", "spice3"], /--format: expected one of csv, json, raw, raw-ascii/],
      [["--max-rows", "-3"], /--max-rows: expected a positive integer/],
      [["--max-rows", "80"], /gives 81 output rows, more than the limit of 80: use a larger TSTEP \(--tstep\), or raise --max-rows/],
    ];
    for (const [args, re] of cases) {
      const r = await runCli(["tran", net, ...args]);
      expect(r.code, args.join(" ")).toBe(1);
      expect(r.stderr).toMatch(re);
      expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
    }
  }, 60_000);
});

describe("tran row limits", () => {
  it("a run of 10^9 rows is refused up front with the count, not after minutes and gigabytes", async () => {
    const big = path.join(tmp, "big.cir");
    writeFileSync(big, "rc\nV1 in 0 1\nR1 in a 1k\nC1 a 0 1n\n.tran 1n 1\n.end\n");
    for (const extra of [[], ["--out", path.join(tmp, "big.csv")], ["--format", "json", "--out", path.join(tmp, "big.json")], ["--plot", path.join(tmp, "big.html")]]) {
      const t0 = Date.now();
      const r = await runCli(["tran", big, ...extra]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/gives 1,000,000,001 output rows, more than the limit of 10,000,000/);
      expect(r.stdout).toBe("");
      expect(Date.now() - t0).toBeLessThan(10_000);
    }
    expect(readdirSync(tmp).filter((f) => f.startsWith("big."))).toEqual(["big.cir"]);
  }, 60_000);

  it("the library refuses too many rows up front too (in memory and streamed)", () => {
    const c = loadCircuitFromText("rc\nV1 in 0 1\nR1 in a 1k\nC1 a 0 1n\n.ic v(a)=0\n.tran 1n 1 uic\n.end\n", "big.cir", { forTransient: true });
    expect(() => transient(c)).toThrow(InputError);
    expect(() => transient(c)).toThrow(/gives 1,000,000,001 output rows, more than the limit of [\d,]+: use a larger TSTEP .* or pass a larger maxRows, or use streamTransient/);
    const rows: number[] = [];
    expect(() => streamTransient(c, {}, { begin() {}, row: (v) => rows.push(v[0]) })).toThrow(/more than the limit of 10,000,000/);
    expect(rows).toEqual([]); // nothing ran
    // within the limit: the RC charges as 1 - exp(-t/RC) (RC = 1 us), to SPICE's tolerances
    const r = transient(c, { tstop: 5e-6, tstep: 1e-7, maxRows: 51 });
    expect(r.time.length).toBe(51);
    r.time.forEach((t, k) => expect(Math.abs(r.nodes.a[k] - (1 - Math.exp(-t / 1e-6)))).toBeLessThan(2e-3));
    expect(() => transient(c, { tstop: 5e-6, tstep: 1e-7, maxRows: 50 })).toThrow(/gives 51 output rows/);
  });

  it("--max-rows admits exactly the rows asked for", async () => {
    const r = await runCli(["tran", net, "--max-rows", "81", "--quiet"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split("\n").length).toBe(82); // header + 81 rows
  });
});
