import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildLayered, fmtG, mulberry32 } from "../circuits/index.js";

const hasNgspice = spawnSync("ngspice", ["-v"], { encoding: "utf8" }).status === 0;
if (!hasNgspice) console.warn("layered-builder.test: ngspice not found, skipping the ngspice runs");

/** element lines (first token) of a netlist, title and comments excluded */
function elements(text: string): string[] {
  return text
    .split("\n")
    .slice(1)
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("*") && !l.startsWith("."));
}

function count(text: string, re: RegExp): number {
  return elements(text).filter((l) => re.test(l.split(/\s+/)[0]!)).length;
}

function globToRe(glob: string): RegExp {
  return new RegExp("^" + glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".") + "$", "i");
}

/** runs ngspice on the netlist with a control block printing all node voltages at full precision */
function runNgspice(text: string): Map<string, number> {
  const dir = mkdtempSync(join(tmpdir(), "eqspice-layered-"));
  try {
    const file = join(dir, "net.cir");
    const ctl = text.replace(/^\.op\s*$/m, ".control\nset numdgt=17\nop\nprint all\nquit 0\n.endc");
    writeFileSync(file, ctl);
    const r = spawnSync("ngspice", ["-b", file], { encoding: "utf8", maxBuffer: 1 << 28 });
    const out = `${r.stdout}\n${r.stderr}`;
    expect(r.status, out).toBe(0);
    expect(out, out).not.toMatch(/error|singular|failed|timestep too small/i);
    const v = new Map<string, number>();
    for (const m of r.stdout.matchAll(/^\s*([^\s=#]+)\s*=\s*(\S+)\s*$/gm)) v.set(m[1]!.toLowerCase(), Number(m[2]));
    return v;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Parsed {
  name: string;
  nodes: string[];
  value: number;
}
function parse(text: string): Parsed[] {
  return elements(text).map((l) => {
    const t = l.split(/\s+/);
    const name = t[0]!;
    if (/^R/i.test(name)) return { name, nodes: [t[1]!, t[2]!], value: Number(t[3]) };
    if (/^D/i.test(name)) return { name, nodes: [t[1]!, t[2]!], value: NaN };
    return { name, nodes: [t[1]!, t[2]!], value: NaN };
  });
}

const VT = 0.025864186; // ngspice at 27 C
const GMIN = 1e-12;

describe("buildLayered", () => {
  const rng = mulberry32(42);
  const x4 = Array.from({ length: 4 }, () => 2 * rng() - 1);

  it("4-8-2: element counts and annotations", () => {
    const c = buildLayered({ layers: [4, 8, 2], inputs: x4 });
    const t = c.text;
    expect(t.split("\n")[0]).toMatch(/^\*/); // title line is a comment
    expect(count(t, /^VX\d+[PN]$/i)).toBe(8);
    expect(count(t, /^V/i)).toBe(8 + 3); // inputs + VBIAS + VBU + VBD
    expect(count(t, /^RW1_/i)).toBe(8 * 8);
    expect(count(t, /^RW2_/i)).toBe(8 * 4);
    expect(count(t, /^RB/i)).toBe(8 + 4);
    expect(count(t, /^D/i)).toBe(16);
    expect(count(t, /^DU/i)).toBe(8);
    expect(count(t, /^RLO/i)).toBe(4);
    expect(count(t, /^[EFC]/i)).toBe(0);
    expect(elements(t).length).toBe(11 + 96 + 12 + 16 + 4);

    const lines = t.split("\n");
    expect(lines).toContain("*@input VX0P:VX0N VX1P:VX1N VX2P:VX2N VX3P:VX3N");
    expect(lines).toContain("*@output o0p:o0n o1p:o1n");
    expect(lines).toContain("*@train RW* RB* gmin=1e-08 gmax=0.0001");
    expect(lines.filter((l) => l.startsWith("*@")).length).toBe(3);
    expect(lines.filter((l) => /^\.model DMOD D\(IS=2\.52e-09 N=1\.752\)$/.test(l)).length).toBe(1);
    expect(lines.filter((l) => l === ".op").length).toBe(1);
    expect(t.endsWith(".end\n")).toBe(true);
    expect(c.inputs).toEqual(["VX0P:VX0N", "VX1P:VX1N", "VX2P:VX2N", "VX3P:VX3N"]);
    expect(c.outputs).toEqual(["o0p:o0n", "o1p:o1n"]);
    expect(c.hidden).toEqual([Array.from({ length: 8 }, (_, j) => `h1_${j}`)]);

    // the train globs select exactly the trainable resistors
    const names = elements(t).map((l) => l.split(/\s+/)[0]!);
    const res = c.trainPatterns.map(globToRe);
    const selected = names.filter((n) => res.some((r) => r.test(n)));
    expect(selected).toEqual(c.trainable);
    expect(c.trainable.length).toBe(96 + 12);

    // doubled inputs, conductances inside gInit
    expect(lines).toContain(`VX0P x0p 0 DC ${fmtG(x4[0]!)}`);
    expect(lines).toContain(`VX0N x0n 0 DC ${fmtG(-x4[0]!)}`);
    for (const p of parse(t).filter((e) => /^R[WB]/.test(e.name))) {
      expect(1 / p.value).toBeGreaterThanOrEqual(1e-7 * (1 - 1e-8));
      expect(1 / p.value).toBeLessThanOrEqual(1e-5 * (1 + 1e-8));
    }
  });

  it("is deterministic in the seed", () => {
    const a = buildLayered({ layers: [4, 8, 2], seed: 3 }).text;
    expect(buildLayered({ layers: [4, 8, 2], seed: 3 }).text).toBe(a);
    expect(buildLayered({ layers: [4, 8, 2], seed: 4 }).text).not.toBe(a);
  });

  it("4-8-2 with gain: amplifier elements", () => {
    const c = buildLayered({ layers: [4, 8, 2], inputs: x4, gain: 4 });
    const t = c.text;
    expect(count(t, /^EA/i)).toBe(8);
    expect(count(t, /^FA/i)).toBe(8);
    expect(count(t, /^VA/i)).toBe(8);
    expect(count(t, /^RW2_/i)).toBe(8 * 4);
    expect(t).toContain("EA1_0 a1_0i 0 h1_0 0 4\n");
    expect(t).toContain("VA1_0 a1_0i a1_0 DC 0\n");
    expect(t).toContain("FA1_0 h1_0 0 VA1_0 0.25\n");
    // the output crossbar is fed by the amplifier outputs
    expect(elements(t).filter((l) => l.startsWith("RW2_")).every((l) => /^RW2_\d+_\d+ a1_\d+ o\d+[pn] /.test(l))).toBe(true);
    const names = elements(t).map((l) => l.split(/\s+/)[0]!);
    const res = c.trainPatterns.map(globToRe);
    expect(names.filter((n) => res.some((r) => r.test(n)))).toEqual(c.trainable);
  });

  it("two hidden layers and cnode", () => {
    const c = buildLayered({ layers: [3, 5, 4, 2], gain: 2, cnode: 1e-12 });
    expect(c.hidden.map((h) => h.length)).toEqual([5, 4]);
    expect(count(c.text, /^RW1_/)).toBe(6 * 5);
    expect(count(c.text, /^RW2_/)).toBe(5 * 4);
    expect(count(c.text, /^RW3_/)).toBe(4 * 4);
    expect(count(c.text, /^D/)).toBe(2 * 9);
    expect(count(c.text, /^EA/)).toBe(9);
    expect(count(c.text, /^C/)).toBe(5 + 4 + 4);
  });

  it("rejects bad options", () => {
    expect(() => buildLayered({ layers: [4] })).toThrow();
    expect(() => buildLayered({ layers: [4, 0, 2] })).toThrow();
    expect(() => buildLayered({ layers: [2, 2], inputs: [1] })).toThrow();
    expect(() => buildLayered({ layers: [2, 2], gInit: [1e-5, 1e-7] })).toThrow();
    expect(() => buildLayered({ layers: [2, 2], gain: 0 })).toThrow();
  });

  it.skipIf(!hasNgspice)("4-8-2 runs in ngspice, converges, and satisfies KCL at the hidden nodes", () => {
    const c = buildLayered({ layers: [4, 8, 2], inputs: x4 });
    const v = runNgspice(c.text);
    const V = (n: string): number => (n === "0" ? 0 : v.get(n.toLowerCase())!);
    for (const h of c.hidden[0]!) {
      expect(Number.isFinite(V(h))).toBe(true);
      expect(V(h)).toBeGreaterThan(-0.7 - 1);
      expect(V(h)).toBeLessThan(0.3 + 1);
    }
    expect(V("x0p")).toBeCloseTo(x4[0]!, 9);
    expect(V("x0n")).toBeCloseTo(-x4[0]!, 9);
    for (const o of c.outputs) for (const n of o.split(":")) expect(Number.isFinite(V(n))).toBe(true);
    // KCL: sum of currents leaving each hidden node is ~0
    const els = parse(c.text);
    const is = 2.52e-9,
      nvt = 1.752 * VT;
    for (const h of c.hidden[0]!) {
      let sum = 0,
        mag = 0;
      for (const e of els) {
        const [a, b] = e.nodes as [string, string];
        if (a !== h && b !== h) continue;
        const vab = V(a) - V(b);
        let i: number;
        if (/^R/.test(e.name)) i = vab / e.value;
        else if (/^D/.test(e.name)) i = is * (Math.exp(vab / nvt) - 1) + GMIN * vab;
        else continue;
        const out = a === h ? i : -i;
        sum += out;
        mag += Math.abs(out);
      }
      expect(Math.abs(sum)).toBeLessThan(1e-4 * mag + 1e-11);
    }
  });

  it.skipIf(!hasNgspice)("4-8-2 with gain 4 runs in ngspice; V(a) = 4 V(h)", () => {
    const c = buildLayered({ layers: [4, 8, 2], inputs: x4, gain: 4 });
    const v = runNgspice(c.text);
    for (let j = 0; j < 8; j++) {
      const h = v.get(`h1_${j}`)!;
      expect(Number.isFinite(h)).toBe(true);
      expect(v.get(`a1_${j}`)!).toBeCloseTo(4 * h, 9);
    }
    for (const o of c.outputs) for (const n of o.split(":")) expect(Number.isFinite(v.get(n)!)).toBe(true);
  });

  it.skipIf(!hasNgspice)("ideal diodes clip the hidden nodes to about [biasDown, biasUp]", () => {
    // strong inputs, wide conductance spread, single input pair so the hidden nodes swing hard
    const c = buildLayered({ layers: [2, 6, 2], inputs: [1, -1], diode: "ideal", gInit: [1e-7, 1e-5], biasInput: 2, biasUp: 0.1, biasDown: -0.1, seed: 5 });
    expect(c.text).toContain(".model DMOD D(IS=1e-10 N=0.05)");
    const v = runNgspice(c.text);
    for (const h of c.hidden[0]!) {
      const x = v.get(h)!;
      expect(x).toBeLessThan(0.1 + 0.03);
      expect(x).toBeGreaterThan(-0.1 - 0.03);
    }
    // with a 2 V rail through comparable conductances, at least one node is clipped at the top
    expect(Math.max(...c.hidden[0]!.map((h) => v.get(h)!))).toBeGreaterThan(0.1);
  });

  it("784-100-10 generation size", () => {
    const t0 = performance.now();
    const c = buildLayered({ layers: [784, 100, 10] });
    const ms = performance.now() - t0;
    const lines = c.text.split("\n");
    const nEl = 2 * 784 + 3 + 1568 * 100 + 100 * 20 + 100 + 20 + 200 + 20;
    expect(elements(c.text).length).toBe(nEl);
    expect(lines.length).toBeGreaterThan(nEl);
    expect(lines.length).toBeLessThan(nEl + 50);
    expect(c.trainable.length).toBe(1568 * 100 + 100 * 20 + 120);
    expect(ms).toBeLessThan(10_000);
  });
});
