/**
 * Run ngspice (batch mode) on a netlist and read back the results, for golden
 * comparisons against eqspice.
 *
 * How it works: the netlist is copied to a fresh temp directory with
 *  - relative `.include` / `.inc` / `.lib` paths rewritten to absolute ones
 *    (ngspice itself resolves includes nested inside included files relative
 *    to the including file, so only the top level needs rewriting),
 *  - existing `.control ... .endc` blocks removed, analysis/output cards
 *    (`.op .tran .dc .ac .print .save .meas` ...) commented out, so that only
 *    our analysis runs and `.save` cannot hide vectors,
 *  - our own `.control` block and `.end` appended.
 * ngspice is run with cwd = the netlist's directory and a 60 s timeout.
 *
 * What ngspice 39 prints (and therefore the keys returned here, lower-cased):
 *  - node voltages by node name: `out`; numeric nodes as `v(1)` (returned as `1`);
 *    subcircuit-internal nodes as `x1.mid`, nested `x1.x2.mid`.
 *  - branch currents as `<name>#branch` (returned without `#branch`) for V, E, H
 *    sources (and inductors): top level `v1`, `e1`, `h1`; inside subcircuits the
 *    device letter is repeated in front of the instance path: `v.x1.vb`,
 *    `v.x1.x2.vq`, `e.x1.e1`, `h.x1.h1`.
 *  - the current of a voltage source is the current flowing into its + node,
 *    through the source, out of its - node (a source delivering power reports a
 *    negative current).
 *  - internal device nodes (e.g. the node between a diode's RS and junction)
 *    are not printed by `print all`.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "vitest";

const NGSPICE = process.env.NGSPICE ?? "ngspice";
const TIMEOUT_MS = 60_000;

let available: boolean | undefined;

/** True if an ngspice executable answers `ngspice -v` (cached). */
export function ngspiceAvailable(): boolean {
  if (available === undefined) {
    const r = spawnSync(NGSPICE, ["-v"], { encoding: "utf8", timeout: 10_000, stdio: ["ignore", "pipe", "pipe"] });
    available = !r.error && r.status === 0 && /ngspice/i.test(r.stdout + r.stderr);
  }
  return available;
}

let warned = false;
function warnSkip(): void {
  if (!warned) {
    warned = true;
    console.warn("ngspice not installed: skipping golden comparisons");
  }
}

/** `describe` that is skipped (with one visible warning) when ngspice is missing. */
export function describeNgspice(name: string, fn: () => void): void {
  const ok = ngspiceAvailable();
  if (!ok) warnSkip();
  describe.skipIf(!ok)(name, fn);
}

/** `it` that is skipped (with one visible warning) when ngspice is missing. */
export function itNgspice(name: string, fn: () => void | Promise<void>, timeout?: number): void {
  const ok = ngspiceAvailable();
  if (!ok) warnSkip();
  it.skipIf(!ok)(name, fn, timeout);
}

export interface NgspiceRunOptions {
  /** Accept results even though ngspice warned about a singular matrix (floating node). Default false. */
  allowSingular?: boolean;
  /** Timeout in ms (default 60 s). */
  timeoutMs?: number;
  /** A message ngspice prints that is known to be harmless here (removed before the check for errors). */
  ignore?: RegExp;
}

export interface NgspiceOpResult {
  nodes: Record<string, number>;
  branches: Record<string, number>;
  /** Newton iterations of the operating point (rusage totiter), when ngspice printed them. */
  iterations?: number;
}

export interface NgspiceTranOptions extends NgspiceRunOptions {
  tstep: number;
  tstop: number;
  /** Maximum internal time step (default: ngspice's choice). */
  tmax?: number;
  /** Skip the initial operating point, start from .ic / zero (ngspice `uic`). */
  uic?: boolean;
  /** Node names to record (default: all nodes). */
  nodes?: string[];
}

export interface NgspiceTranResult {
  /** ngspice's own (non-uniform) time points. */
  time: Float64Array;
  nodes: Record<string, Float64Array>;
  /** Branch currents; only filled when `nodes` was not given. */
  branches: Record<string, Float64Array>;
}

const ANALYSIS_CARDS = new Set([
  ".op", ".tran", ".dc", ".ac", ".tf", ".noise", ".sens", ".pz", ".disto", ".four", ".fourier",
  ".print", ".plot", ".probe", ".save", ".meas", ".measure", ".width",
]);

/** Copy the netlist (minus analyses, control blocks and `.end`) and append `control`. */
function buildDeck(netlistPath: string, control: string[]): string {
  const abs = path.resolve(netlistPath);
  const dir = path.dirname(abs);
  const lines = readFileSync(abs, "utf8").split(/\r?\n/);
  const out: string[] = [lines[0] ?? "* eqspice golden"];
  let inControl = false;
  let commenting = false; // inside a commented-out card, also comment its `+` continuations
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const trimmed = line.trim();
    const card = (trimmed.split(/\s+/)[0] ?? "").toLowerCase();
    if (inControl) {
      if (card === ".endc") inControl = false;
      continue;
    }
    if (trimmed.startsWith("+")) {
      out.push(commenting ? "*" + line : line);
      continue;
    }
    if (trimmed === "" || trimmed.startsWith("*")) {
      out.push(line);
      continue;
    }
    commenting = false;
    if (card === ".end") break;
    if (card === ".control") {
      inControl = true;
      continue;
    }
    if (ANALYSIS_CARDS.has(card)) {
      commenting = true;
      out.push("*" + line);
      continue;
    }
    if (card === ".include" || card === ".inc" || card === ".lib") {
      const m = /^(\s*\S+\s+)(["']?)([^"'\s]+)\2(.*)$/.exec(line);
      if (m) {
        const file = m[3]!;
        const resolved = path.resolve(dir, file);
        if (!path.isAbsolute(file) && existsSync(resolved)) {
          out.push(`${m[1]}"${resolved}"${m[4]}`);
          continue;
        }
      }
    }
    out.push(line);
  }
  out.push(".control", ...control, "quit 0", ".endc", ".end", "");
  return out.join("\n");
}

interface RawRun {
  stdout: string;
  stderr: string;
  plot: string;
}

function runDeck(netlistPath: string, control: string[], opts: NgspiceRunOptions, work: string): RawRun {
  const deckPath = path.join(work, "deck.cir");
  writeFileSync(deckPath, buildDeck(netlistPath, control));
  const r = spawnSync(NGSPICE, ["-b", deckPath], {
    cwd: path.dirname(path.resolve(netlistPath)),
    encoding: "utf8",
    timeout: opts.timeoutMs ?? TIMEOUT_MS,
    killSignal: "SIGKILL",
    maxBuffer: 256 * 1024 * 1024,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const stdout = r.stdout ?? "";
  const stderr = r.stderr ?? "";
  const fail = (why: string): never => {
    throw new Error(`ngspice failed on ${netlistPath}: ${why}\n--- stderr ---\n${stderr.trim()}\n--- stdout (tail) ---\n${stdout.trim().split("\n").slice(-20).join("\n")}`);
  };
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    if (code === "ETIMEDOUT") fail(`timed out after ${(opts.timeoutMs ?? TIMEOUT_MS) / 1000} s`);
    fail(r.error.message);
  }
  // only look before our marker on stdout, so node names like `error` cannot trip the check
  let all = stdout.split("EQSPICE_PLOT")[0] + "\n" + stderr;
  if (opts.ignore) all = all.replace(new RegExp(opts.ignore.source, opts.ignore.flags.includes("g") ? opts.ignore.flags : opts.ignore.flags + "g"), "");
  const bad = /\berror\b|fatal|aborted|solution failed|timestep too small|could not find/i.exec(all);
  if (bad) fail(`output contains "${bad[0]}"`);
  if (!opts.allowSingular && /singular matrix/i.test(all)) fail("singular matrix (floating node or loop of voltage sources?)");
  const m = /^EQSPICE_PLOT (\S+)/m.exec(stdout);
  if (!m) fail("analysis did not run (no plot marker)");
  return { stdout, stderr, plot: m![1]! };
}

/** Map a vector name printed by ngspice to a node name, or undefined for non-node vectors. */
function nodeName(vec: string): string | undefined {
  const v = vec.toLowerCase();
  const m = /^v\((.*)\)$/.exec(v);
  if (m) return m[1]!;
  if (v.startsWith("@") || v.includes("#")) return undefined;
  return v;
}

/** DC operating point: all node voltages and branch currents, >= 15 significant digits. */
export function runNgspiceOp(netlistPath: string, opts: NgspiceRunOptions = {}): NgspiceOpResult {
  const work = mkdtempSync(path.join(tmpdir(), "eqspice-ngspice-"));
  try {
    const control = [
      "set numdgt=15",
      "op",
      "echo EQSPICE_PLOT $curplot",
      "print all",
      "echo EQSPICE_END",
      "rusage totiter",
    ];
    const run = runDeck(netlistPath, control, opts, work);
    if (!run.plot.startsWith("op")) throw new Error(`ngspice op failed on ${netlistPath} (current plot ${run.plot})\n${run.stderr}`);
    const body = run.stdout.slice(run.stdout.indexOf("EQSPICE_PLOT"), run.stdout.indexOf("EQSPICE_END"));
    const nodes: Record<string, number> = {};
    const branches: Record<string, number> = {};
    for (const line of body.split("\n")) {
      const lm = /^\s*(\S+)\s+=\s+(\S+)\s*$/.exec(line);
      if (!lm) continue;
      const name = lm[1]!.toLowerCase();
      const value = Number(lm[2]!);
      if (!Number.isFinite(value)) throw new Error(`ngspice printed a non-finite value for ${name}: ${lm[2]}`);
      if (name.endsWith("#branch")) branches[name.slice(0, -"#branch".length)] = value;
      else {
        const n = nodeName(name);
        if (n !== undefined) nodes[n] = value;
      }
    }
    if (Object.keys(nodes).length === 0 && Object.keys(branches).length === 0) {
      throw new Error(`ngspice op on ${netlistPath} printed no vectors\n${run.stderr}`);
    }
    const it = /Total iterations = (\d+)/.exec(run.stdout);
    return it ? { nodes, branches, iterations: Number(it[1]) } : { nodes, branches };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Transient analysis via `wrdata` (full precision). Time points are ngspice's own. */
export function runNgspiceTran(netlistPath: string, opts: NgspiceTranOptions): NgspiceTranResult {
  const work = mkdtempSync(path.join(tmpdir(), "eqspice-ngspice-"));
  try {
    const dataPath = path.join(work, "tran.dat");
    const wanted = opts.nodes?.map((n) => n.toLowerCase());
    const tranArgs = [opts.tstep, opts.tstop].map((x) => x.toExponential(15));
    if (opts.tmax !== undefined) tranArgs.push("0", opts.tmax.toExponential(15));
    if (opts.uic) tranArgs.push("uic");
    const control = [
      "set numdgt=15",
      "set wr_singlescale",
      "set wr_vecnames",
      `tran ${tranArgs.join(" ")}`,
      "echo EQSPICE_PLOT $curplot",
      `wrdata ${dataPath} ${wanted ? wanted.map((n) => `v(${n})`).join(" ") : "all"}`,
    ];
    const run = runDeck(netlistPath, control, opts, work);
    if (!run.plot.startsWith("tran")) throw new Error(`ngspice tran failed on ${netlistPath} (current plot ${run.plot})\n${run.stderr}`);
    if (!existsSync(dataPath)) throw new Error(`ngspice wrote no data for ${netlistPath}\n${run.stderr}`);
    const [header, ...rows] = readFileSync(dataPath, "utf8").split("\n").filter((l) => l.trim() !== "");
    // ngspice names a VDMOS's body-diode node `m1#body diode` (vdmosset.c): one vector, two words
    const names = header!.trim().replace(/#body diode\b/gi, "#body_diode").split(/\s+/).map((s) => s.toLowerCase());
    const cols = names.map(() => new Float64Array(rows.length));
    rows.forEach((row, i) => {
      const vals = row.trim().split(/\s+/);
      if (vals.length !== names.length) throw new Error(`wrdata row ${i} has ${vals.length} columns, header has ${names.length}`);
      vals.forEach((v, j) => (cols[j]![i] = Number(v)));
    });
    const result: NgspiceTranResult = { time: cols[0]!, nodes: {}, branches: {} };
    names.forEach((name, j) => {
      if (j === 0) return;
      if (wanted) {
        result.nodes[wanted[j - 1]!] = cols[j]!;
      } else if (name.endsWith("#branch")) {
        result.branches[name.slice(0, -"#branch".length)] = cols[j]!;
      } else if (name !== "time") {
        const n = nodeName(name);
        if (n !== undefined) result.nodes[n] = cols[j]!;
      }
    });
    return result;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export interface NgspiceDcResult {
  /** The first (inner) sweep's value at each point (ngspice's `v-sweep`, `i-sweep`, `res-sweep` or `temp-sweep`). */
  sweep: Float64Array;
  nodes: Record<string, Float64Array>;
  branches: Record<string, Float64Array>;
}

/**
 * Run ngspice's `<analysis> <args>` on a netlist (its own analysis cards
 * commented out) and read every vector `wrdata` writes at full precision:
 * the lower-case column names (the scale first) and the columns.
 */
function runWrdata(netlistPath: string, analysis: "dc" | "ac", args: string, opts: NgspiceRunOptions): { names: string[]; cols: Float64Array[] } {
  const work = mkdtempSync(path.join(tmpdir(), "eqspice-ngspice-"));
  try {
    const dataPath = path.join(work, `${analysis}.dat`);
    const control = ["set numdgt=15", "set wr_singlescale", "set wr_vecnames", `${analysis} ${args}`, "echo EQSPICE_PLOT $curplot", `wrdata ${dataPath} all`];
    const run = runDeck(netlistPath, control, opts, work);
    if (!run.plot.startsWith(analysis)) throw new Error(`ngspice ${analysis} failed on ${netlistPath} (current plot ${run.plot})\n${run.stderr}`);
    if (!existsSync(dataPath)) throw new Error(`ngspice wrote no data for ${netlistPath}\n${run.stderr}`);
    const [header, ...rows] = readFileSync(dataPath, "utf8").split("\n").filter((l) => l.trim() !== "");
    // ngspice names a VDMOS's body-diode node `m1#body diode` (vdmosset.c): one vector, two words
    const names = header!.trim().replace(/#body diode\b/gi, "#body_diode").split(/\s+/).map((s) => s.toLowerCase());
    const cols = names.map(() => new Float64Array(rows.length));
    rows.forEach((row, i) => {
      const vals = row.trim().split(/\s+/);
      if (vals.length !== names.length) throw new Error(`wrdata row ${i} has ${vals.length} columns, header has ${names.length}`);
      vals.forEach((v, j) => (cols[j]![i] = Number(v)));
    });
    return { names, cols };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * DC sweep via `wrdata` (full precision): `args` as the `.dc` card takes
 * them, e.g. "V1 0 1 0.1" or "vds 0 5 0.1 vgs 1 3 1" (numbers only: the
 * control language does not evaluate `{...}`). A nested sweep's rows come
 * inner sweep fastest, every outer value in turn.
 */
/**
 * DC sweep via `wrdata` (full precision): `args` as the `.dc` card takes
 * them, e.g. "V1 0 1 0.1" or "vds 0 5 0.1 vgs 1 3 1" (numbers only: the
 * control language does not evaluate `{...}`). A nested sweep's rows come
 * inner sweep fastest, every outer value in turn.
 */
export function runNgspiceDc(netlistPath: string, args: string, opts: NgspiceRunOptions = {}): NgspiceDcResult {
  const { names, cols } = runWrdata(netlistPath, "dc", args, opts);
  const result: NgspiceDcResult = { sweep: cols[0]!, nodes: {}, branches: {} };
  names.forEach((name, j) => {
    if (j === 0) return;
    if (name.endsWith("#branch")) result.branches[name.slice(0, -"#branch".length)] = cols[j]!;
    else {
      const n = nodeName(name);
      if (n !== undefined) result.nodes[n] = cols[j]!;
    }
  });
  return result;
}

export interface NgspiceAcResult {
  /** The frequencies (Hz). */
  freq: Float64Array;
  /** Node voltage phasors (V) by lower-case node name. */
  nodes: Record<string, { re: Float64Array; im: Float64Array }>;
  /** Branch current phasors (A) by lower-case element name (ngspice's `name#branch`). */
  branches: Record<string, { re: Float64Array; im: Float64Array }>;
}

/**
 * Run ngspice's `ac <args>` (e.g. "dec 10 1 1meg") on a netlist (its own
 * analysis cards are commented out) and read every vector: wrdata writes
 * the scale, then each complex vector as real and imaginary columns.
 */
export function runNgspiceAc(netlistPath: string, args: string, opts: NgspiceRunOptions = {}): NgspiceAcResult {
  const { names, cols } = runWrdata(netlistPath, "ac", args, opts);
  const result: NgspiceAcResult = { freq: cols[0]!, nodes: {}, branches: {} };
  for (let j = 1; j + 1 < names.length; j += 2) {
    const name = names[j]!;
    const ph = { re: cols[j]!, im: cols[j + 1]! };
    if (name === "frequency") continue;
    if (name.endsWith("#branch")) result.branches[name.slice(0, -"#branch".length)] = ph;
    else {
      const n = nodeName(name);
      if (n !== undefined) result.nodes[n] = ph;
    }
  }
  return result;
}
