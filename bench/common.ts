/**
 * Shared helpers for the benchmark sections (bench/op.ts, later bench/tran.ts, ...):
 * repository paths, timed child processes with peak RSS, ngspice helpers,
 * eqspice JSON parsing, statistics and table printing.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** repository root: the nearest ancestor of this file holding package.json (works from bench/ and dist/bench/). */
export function repoRoot(): string {
  let d = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(d, "package.json"))) return d;
    const up = dirname(d);
    if (up === d) throw new Error("bench: cannot find the repository root (package.json)");
    d = up;
  }
}

export const ROOT = repoRoot();
export const OUT_DIR = join(ROOT, "bench", "out");
export const EQSPICE_CLI = join(ROOT, "dist", "src", "cli", "main.js");

// ---------------------------------------------------------------- arguments

export interface Flags {
  [k: string]: string | boolean | undefined;
}

/** `--reps 5 --sizes=4-8-2,20-50-10 --flag` -> { reps: "5", sizes: "...", flag: true } */
export function parseFlags(argv: string[]): Flags {
  const f: Flags = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith("--")) throw new Error(`unexpected argument ${a}`);
    const eq = a.indexOf("=");
    if (eq >= 0) f[a.slice(2, eq)] = a.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1]!.startsWith("--")) f[a.slice(2)] = argv[++i]!;
    else f[a.slice(2)] = true;
  }
  return f;
}

export function intFlag(f: Flags, name: string, dflt: number): number {
  const v = f[name];
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} needs a positive integer, got ${String(v)}`);
  return n;
}

// ---------------------------------------------------------- timed processes

export interface RunResult {
  /** wall time of the whole process in seconds */
  wall: number;
  /** peak resident set size in bytes, NaN if unknown */
  rss: number;
  /** user + system CPU time of the child in seconds (GNU time %U + %S), NaN if unknown */
  cpu: number;
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** set when the process could not be started or timed out */
  error?: string;
}

let timeOk: boolean | undefined;
/** GNU time present and working (`/usr/bin/time -f %M -o FILE cmd`)? */
export function haveGnuTime(): boolean {
  if (timeOk === undefined && process.env.EQBENCH_NO_GNU_TIME) timeOk = false; // force the /proc fallback
  if (timeOk === undefined) {
    const dir = mkdtempSync(join(tmpdir(), "eqbench-"));
    try {
      const out = join(dir, "t");
      const r = spawnSync("/usr/bin/time", ["-f", "%M", "-o", out, "true"], { encoding: "utf8" });
      timeOk = r.status === 0 && existsSync(out) && /^\d+\s*$/.test(readFileSync(out, "utf8").trim().split("\n").pop() ?? "");
    } catch {
      timeOk = false;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return timeOk;
}

/** peak RSS (VmHWM) of a live process from /proc, bytes; NaN if unreadable */
function readHwm(pid: number): number {
  try {
    const m = /VmHWM:\s*(\d+)\s*kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

/**
 * Runs `cmd args` to completion, measuring wall time and peak RSS.
 * Peak RSS comes from GNU time (`%M`, max RSS of the child from wait4) when
 * available, else from polling /proc/PID/status VmHWM every 10 ms (the high
 * water mark is monotone, so polling only misses growth in the last 10 ms).
 */
export async function runTimed(cmd: string, args: string[], opts: { cwd?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  const useTime = haveGnuTime();
  const dir = useTime ? mkdtempSync(join(tmpdir(), "eqbench-")) : "";
  const rssFile = join(dir, "rss");
  const [c, a] = useTime ? ["/usr/bin/time", ["-f", "%U %S %M", "-o", rssFile, cmd, ...args]] : [cmd, args];
  return new Promise<RunResult>((res) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let hwm = NaN;
    let error: string | undefined;
    const t0 = process.hrtime.bigint();
    const child = spawn(c, a, { cwd: opts.cwd ?? ROOT, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    const poll = useTime
      ? undefined
      : setInterval(() => {
          if (child.pid !== undefined) {
            const h = readHwm(child.pid);
            if (!Number.isNaN(h)) hwm = Number.isNaN(hwm) ? h : Math.max(hwm, h);
          }
        }, 10);
    const timer =
      opts.timeoutMs !== undefined
        ? setTimeout(() => {
            error = `timeout after ${opts.timeoutMs! / 1000} s`;
            child.kill("SIGKILL");
          }, opts.timeoutMs)
        : undefined;
    child.on("error", (e) => {
      error = `cannot start ${cmd}: ${e.message}`;
    });
    child.on("close", (status, signal) => {
      const wall = Number(process.hrtime.bigint() - t0) / 1e9;
      if (poll) clearInterval(poll);
      if (timer) clearTimeout(timer);
      let rss = hwm;
      let cpu = NaN;
      let stderr = Buffer.concat(err).toString("utf8");
      if (useTime) {
        try {
          // GNU time writes "Command exited with non-zero status N" before the value
          const lines = readFileSync(rssFile, "utf8").trim().split("\n");
          const f = lines[lines.length - 1]!.trim().split(/\s+/).map(Number);
          rss = f[2]! * 1024;
          cpu = f[0]! + f[1]!;
          const extra = lines.slice(0, -1).filter((l) => !/^Command (exited|terminated)/.test(l));
          if (extra.length) stderr += extra.join("\n");
        } catch {
          rss = NaN;
        }
        rmSync(dir, { recursive: true, force: true });
      }
      res({ wall, rss, cpu, status, signal, stdout: Buffer.concat(out).toString("utf8"), stderr, ...(error !== undefined ? { error } : {}) });
    });
  });
}

/** one-line description of why a run failed, or undefined if it succeeded */
export function failure(r: RunResult): string | undefined {
  if (r.error) return r.error;
  if (r.signal) return `killed by ${r.signal}`;
  if (r.status !== 0) {
    const msg = (r.stderr.trim() || r.stdout.trim()).split("\n").filter((l) => l.trim() !== "");
    const first = msg.find((l) => /error/i.test(l)) ?? msg[0] ?? "";
    return `exit ${r.status}${first ? `: ${first.trim()}` : ""}`;
  }
  return undefined;
}

// ------------------------------------------------------------------ ngspice

export function haveNgspice(): boolean {
  return spawnSync("ngspice", ["-v"], { encoding: "utf8" }).status === 0;
}

/**
 * Control block that runs .op and prints every node voltage (and branch
 * current) at full precision, plus ngspice's own timing breakdown.
 * Replaces the `.op` line of a netlist.
 */
export function withPrintAll(netlist: string): string {
  const ctl = ".control\nset numdgt=17\nop\nprint all\nrusage all\nquit 0\n.endc";
  if (!/^\.op\s*$/im.test(netlist)) throw new Error("netlist has no .op line");
  return netlist.replace(/^\.op\s*$/im, ctl);
}

/** node voltages (lowercase names) from `print all` output, branch currents excluded */
export function parsePrintAll(stdout: string): Map<string, number> {
  const v = new Map<string, number>();
  for (const m of stdout.matchAll(/^\s*([^\s=]+)\s*=\s*([-+0-9.eE]+|nan|inf)\s*$/gim)) {
    const name = m[1]!.toLowerCase();
    if (name.includes("#")) continue;
    v.set(name.replace(/^v\((.*)\)$/, "$1"), Number(m[2]));
  }
  return v;
}

/** selected fields of ngspice's `rusage all` output */
export function parseRusage(stdout: string): Record<string, number> {
  const r: Record<string, number> = {};
  for (const m of stdout.matchAll(/^(Netlist loading time|Subckt and Param expansion time|Netlist parsing time|Total iterations|Circuit Equations|Total analysis time \(seconds\)|Matrix reorder time|Matrix factor time|Matrix load time)\s*=\s*(\S+)/gm)) {
    r[m[1]!] = Number(m[2]);
  }
  return r;
}

// ------------------------------------------------------------------ eqspice

/**
 * Extracts node voltages from eqspice's `op --json` output without assuming
 * one exact schema: looks for an object of node -> number under a likely key
 * (voltages, nodeVoltages, nodes, v, op, solution, result), an array of
 * {node|name, voltage|value|v} records, or else the largest object anywhere
 * in the document whose values are all numbers. Keys are lowercased and
 * `v(name)` is unwrapped.
 */
export function voltagesFromJson(text: string): Map<string, number> {
  const doc: unknown = JSON.parse(text);
  const norm = (k: string): string => k.toLowerCase().replace(/^v\((.*)\)$/, "$1");
  const asMap = (o: unknown): Map<string, number> | undefined => {
    if (Array.isArray(o)) {
      const m = new Map<string, number>();
      for (const e of o) {
        if (e === null || typeof e !== "object") return undefined;
        const r = e as Record<string, unknown>;
        const name = r.node ?? r.name;
        const val = r.voltage ?? r.value ?? r.v;
        if (typeof name !== "string" || typeof val !== "number") return undefined;
        m.set(norm(name), val);
      }
      return m.size ? m : undefined;
    }
    if (o === null || typeof o !== "object") return undefined;
    const ent = Object.entries(o as Record<string, unknown>);
    if (!ent.length || !ent.every(([, v]) => typeof v === "number")) return undefined;
    return new Map(ent.map(([k, v]) => [norm(k), v as number]));
  };
  const preferred = ["voltages", "nodevoltages", "node_voltages", "nodes", "v", "op", "solution", "result"];
  const visit = (o: unknown, depth: number): Map<string, number> | undefined => {
    if (o === null || typeof o !== "object" || depth > 4) return undefined;
    if (!Array.isArray(o)) {
      const rec = o as Record<string, unknown>;
      for (const [k, v] of Object.entries(rec)) {
        if (preferred.includes(k.toLowerCase())) {
          const m = asMap(v) ?? visit(v, depth + 1);
          if (m) return m;
        }
      }
    }
    return undefined;
  };
  const direct = visit(doc, 0) ?? asMap(doc);
  if (direct) return direct;
  let best: Map<string, number> | undefined;
  const walk = (o: unknown, depth: number): void => {
    if (o === null || typeof o !== "object" || depth > 6) return;
    const m = asMap(o);
    if (m && (!best || m.size > best.size)) best = m;
    for (const v of Object.values(o as Record<string, unknown>)) walk(v, depth + 1);
  };
  walk(doc, 0);
  if (!best) throw new Error("no node-voltage map found in the JSON output");
  return best;
}

/** max |a - b| over the nodes both maps have (ground excluded) */
export function maxAbsDiff(a: Map<string, number>, b: Map<string, number>): { max: number; n: number; worst: string } {
  let max = 0;
  let n = 0;
  let worst = "";
  for (const [k, va] of a) {
    if (k === "0" || k === "gnd") continue;
    const vb = b.get(k);
    if (vb === undefined) continue;
    n++;
    const d = Math.abs(va - vb);
    if (!(d <= max)) {
      max = d;
      worst = k;
    }
  }
  return { max, n, worst };
}

// --------------------------------------------------------------- statistics

export function median(xs: number[]): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((p, q) => p - q);
  const h = s.length >> 1;
  return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
}

export function fmtSec(s: number): string {
  if (!Number.isFinite(s)) return "-";
  return s < 1 ? `${(s * 1000).toFixed(0)} ms` : `${s.toFixed(2)} s`;
}

export function fmtMB(bytes: number): string {
  return Number.isFinite(bytes) ? `${(bytes / 2 ** 20).toFixed(0)} MB` : "-";
}

/** prints an aligned text table; cells may be long (error messages), the last column is not padded */
export function printTable(header: string[], rows: string[][]): void {
  const w = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (i < header.length - 1 ? (r[i] ?? "").length : 0))));
  const line = (r: string[]): string =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(w[i]!)))
      .join("  ")
      .trimEnd();
  console.log(line(header));
  console.log(line(w.map((n, i) => "-".repeat(i === w.length - 1 ? Math.max(n, header[i]!.length) : n))));
  for (const r of rows) console.log(line(r));
}

export function resolveFromRoot(p: string): string {
  return resolve(ROOT, p);
}
