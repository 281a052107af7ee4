/**
 * `eqspice tran` as users run it (from the TypeScript sources through tsx,
 * so no build is needed), and the waveform writers behind it:
 *  - CSV on stdout: header time,v(node)...,i(source)..., one row per TSTEP;
 *  - --tstop/--tstep override the .tran card and take SPICE numbers;
 *  - --out x.json: an object of column arrays equal to the CSV;
 *  - --plot: an HTML file;
 *  - bad flags exit 1; a failed run leaves no file under the final name
 *    and no temporary files;
 *  - sinks stream: JSON rows are spilled and transposed, an aborted sink
 *    leaves nothing behind.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { CsvSink } from "../src/output/csv.js";
import { JsonSink } from "../src/output/json.js";

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
const MAIN = path.join(ROOT, "src", "cli", "main.ts");
const tmp = mkdtempSync(path.join(tmpdir(), "eqspice-tran-cli-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["--import", "tsx", MAIN, ...args], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const RC = path.join(tmp, "rc.cir");
writeFileSync(RC, `rc\nV1 in 0 PULSE(0 1 0.5u 10n 10n 2u 5u)\nR1 in out 1k\nC1 out 0 1n\n.tran 0.1u 3u\n.end\n`);
const NOCAP = path.join(tmp, "nocap.cir");
writeFileSync(NOCAP, `nocap\nV1 in 0 DC 1\nR1 in a 1k\nR2 a 0 1k\n.tran 1u 10u\n.end\n`);

const parseCsv = (text: string): { header: string[]; rows: number[][] } => {
  const lines = text.trim().split("\n");
  return { header: lines[0].split(","), rows: lines.slice(1).map((l) => l.split(",").map(Number)) };
};

const leftovers = (): string[] => readdirSync(tmp).filter((f) => f.startsWith("."));

describe("eqspice tran", () => {
  it("prints CSV on stdout: header and one row per TSTEP from the .tran card", () => {
    const r = cli("tran", RC);
    expect(r.status, r.stderr).toBe(0);
    const { header, rows } = parseCsv(r.stdout);
    expect(header).toEqual(["time", "v(in)", "v(out)", "i(v1)"]);
    expect(rows.length).toBe(31);
    expect(rows[10][0]).toBeCloseTo(1e-6, 18);
    expect(rows[30][0]).toBe(3e-6);
    // v(out) rises after the edge at 0.5 us (tau 1 us) until the input falls at 2.51 us
    expect(rows[25][0]).toBeCloseTo(2.5e-6, 18);
    expect(rows[25][2]).toBeCloseTo(1 - Math.exp(-(2.5e-6 - 0.505e-6) / 1e-6), 3);
    expect(r.stderr).toMatch(/tran: 31 rows to 3 us, \w+: \d+ steps/);
  });

  it("--tstop / --tstep override the card and accept SPICE numbers; --integrator picks the method", () => {
    const r = cli("tran", RC, "--tstop", "1u", "--tstep", "250n", "--integrator", "bdf2", "--quiet");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    const { rows } = parseCsv(r.stdout);
    expect(rows.map((x) => x[0])).toEqual([0, 2.5e-7, 5e-7, 7.5e-7, 1e-6]);
  });

  it("--out x.json writes an object of column arrays equal to the CSV", () => {
    const json = path.join(tmp, "w.json");
    const csv = path.join(tmp, "w.csv");
    expect(cli("tran", RC, "--out", json, "--integrator", "trap").status).toBe(0);
    expect(cli("tran", RC, "--out", csv, "--integrator", "trap").status).toBe(0);
    const j = JSON.parse(readFileSync(json, "utf8")) as Record<string, number[]>;
    const c = parseCsv(readFileSync(csv, "utf8"));
    expect(Object.keys(j)).toEqual(c.header);
    c.header.forEach((h, k) => expect(j[h]).toEqual(c.rows.map((row) => row[k])));
    expect(leftovers()).toEqual([]);
  });

  it("--format json needs --out; --format csv with a .json name writes CSV", () => {
    expect(cli("tran", RC, "--format", "json").status).toBe(1);
    const f = path.join(tmp, "really-csv.json");
    expect(cli("tran", RC, "--out", f, "--format", "csv").status).toBe(0);
    expect(readFileSync(f, "utf8").startsWith("time,")).toBe(true);
  });

  it("--plot writes a self-contained HTML page", () => {
    const html = path.join(tmp, "p.html");
    const r = cli("tran", RC, "--plot", html, "--quiet");
    expect(r.status, r.stderr).toBe(0);
    const text = readFileSync(html, "utf8");
    expect(text).toContain("Plotly.newPlot");
    expect(text).toContain('"name":"v(out)"');
  });

  it("bad input exits 1 without a stack trace", () => {
    for (const args of [
      ["tran", RC, "--integrator", "euler"],
      ["tran", RC, "--tstop", "abc"],
      ["tran", RC, "--format", "xml", "--out", path.join(tmp, "x.xml")],
      ["tran", path.join(tmp, "missing.cir")],
    ]) {
      const r = cli(...args);
      expect(r.status, `${args.join(" ")}: ${r.stderr}`).toBe(1);
      expect(r.stderr).not.toMatch(/^\s+at /m);
    }
    // a netlist without .tran needs the times on the command line
    const nt = path.join(tmp, "notran.cir");
    writeFileSync(nt, "x\nV1 a 0 1\nR1 a 0 1k\n.end\n");
    expect(cli("tran", nt).stderr).toMatch(/no \.tran card/);
    expect(cli("tran", nt, "--tstop", "1u", "--tstep", "0.5u").status).toBe(0);
  });

  it("an output in a directory that does not exist is a clear error before the run, no stack trace", () => {
    for (const [flag, file] of [["--out", "/missing/dir/x.csv"], ["--out", "/missing/dir/x.raw"], ["--plot", "/missing/dir/p.html"]] as const) {
      const r = cli("tran", RC, flag, file);
      expect(r.status, `${flag} ${file}: ${r.stderr}`).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr).toBe(`eqspice: error: ${flag}: cannot write ${file}: directory /missing/dir does not exist\n`);
    }
  });

  it("a failed run leaves no file under the final name and no temporary files", () => {
    const out = path.join(tmp, "fail.json");
    const plot = path.join(tmp, "fail.html");
    const r = cli("tran", NOCAP, "--integrator", "odex", "--out", out, "--plot", plot);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/odex needs an explicit ODE/);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(plot)).toBe(false);
    expect(leftovers()).toEqual([]);
  });
});

describe("waveform sinks", () => {
  it("JsonSink transposes many spilled rows; aborting sinks leave nothing", () => {
    const file = path.join(tmp, "big.json");
    const s = new JsonSink(file);
    const cols = ["time", "v(a)", "v(b)", "i(v1)"];
    s.begin(cols);
    const row = new Float64Array(4);
    const n = 5000;
    for (let i = 0; i < n; i++) {
      row[0] = i * 1e-9;
      row[1] = Math.sin(i);
      row[2] = i === 7 ? 1 / 3 : -i;
      row[3] = 1e-300 * i;
      s.row(row);
    }
    s.finish();
    const j = JSON.parse(readFileSync(file, "utf8")) as Record<string, number[]>;
    expect(Object.keys(j)).toEqual(cols);
    expect(j["v(a)"].length).toBe(n);
    expect(j["v(a)"][4321]).toBe(Math.sin(4321));
    expect(j["v(b)"][7]).toBe(1 / 3);
    expect(j["i(v1)"][4999]).toBe(1e-300 * 4999);

    for (const sink of [new JsonSink(path.join(tmp, "ab.json")), new CsvSink(path.join(tmp, "ab.csv"))]) {
      sink.begin(cols);
      sink.row(row);
      sink.abort();
    }
    expect(existsSync(path.join(tmp, "ab.json"))).toBe(false);
    expect(existsSync(path.join(tmp, "ab.csv"))).toBe(false);
    expect(leftovers()).toEqual([]);
  });
});
