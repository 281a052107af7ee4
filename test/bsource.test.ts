/**
 * Behavioural sources (B): the stamp against finite differences of the
 * compiled expression, the co-content of a reciprocal I=f(V) source, an
 * energy-minimizing circuit with B sources, and the errors for bad input.
 */
import { describe, expect, it } from "vitest";
import { loadCircuitFromText, operatingPoint } from "../src/api.js";
import { BSource, integrate } from "../src/devices/bsource/bsource.js";
import type { LoadContext, SetupContext } from "../src/devices/types.js";
import { energy, hasEnergy } from "../src/analysis/energy.js";
import type { Circuit } from "../src/circuit/circuit.js";
import { NetlistError } from "../src/util/errors.js";

function bOf(c: Circuit, name: string): BSource {
  const d = c.devices.find((x) => x.name === name);
  if (!(d instanceof BSource)) throw new Error(`no B source ${name}`);
  return d;
}

/**
 * Stamp `dev` alone with every node and branch an unknown (row = node index
 * for nodes, nodes + k for branch k): returns the matrix entries and the
 * right-hand side.
 */
function stamp(dev: BSource, nNodes: number, nBranch: number, V: Float64Array, x: Float64Array, time = -1) {
  const n = nNodes + nBranch;
  const slots = new Map<string, number>();
  const ctxS: SetupContext = {
    row: (node) => node,
    entry: (r, c) => {
      const key = `${r},${c}`;
      let h = slots.get(key);
      if (h === undefined) slots.set(key, (h = slots.size));
      return h;
    },
    branch: () => -1,
  };
  dev.setup(ctxS);
  const A = new Float64Array(slots.size);
  const b = new Float64Array(n);
  const ctx: LoadContext = {
    mode: time < 0 ? "dc" : "tran",
    A,
    b,
    V,
    Vk: new Float64Array(nNodes),
    x,
    time,
    srcScale: 1,
    gmin: 1e-12,
    initJunctions: false,
    noncon: false,
    integ: null,
  };
  dev.load(ctx);
  const at = (r: number, c: number) => {
    const h = slots.get(`${r},${c}`);
    return h === undefined ? 0 : A[h];
  };
  return { at, b };
}

/** Central difference of the source's value in the variable `set` moves. */
function fd(dev: BSource, V: Float64Array, x: Float64Array, time: number, get: () => number, set: (v: number) => void): number {
  const v0 = get();
  const h = 1e-6 * Math.max(1, Math.abs(v0));
  set(v0 + h);
  const up = dev.valueAt(V, x, time);
  set(v0 - h);
  const dn = dev.valueAt(V, x, time);
  set(v0);
  return (up - dn) / (2 * h);
}

const DECK = (b: string) => `b stamp\nV1 a 0 1\nV2 b 0 2\nVS a s 0\nRS s 0 1k\nR3 c 0 1k\n${b}\n.end\n`;

/** Check the stamp of B source `b1` in DECK(line) at the point (V of a, b, c; the VS branch current). */
function checkStamp(line: string, va: number, vb: number, vc: number, is = 1.3e-3, time = -1): void {
  const c = loadCircuitFromText(DECK(line), "stamp.cir");
  const dev = bOf(c, "b1");
  const nNodes = c.nodeNames.length;
  const V = new Float64Array(nNodes);
  V[c.nodeIndex.get("a")!] = va;
  V[c.nodeIndex.get("b")!] = vb;
  V[c.nodeIndex.get("c")!] = vc;
  V[c.nodeIndex.get("s")!] = va;
  const x = new Float64Array(c.n + 4);
  const vsK = (c.devices.find((d) => d.name === "vs") as unknown as { k: number }).k;
  if (vsK >= 0) x[vsK] = is;
  // rows: nodes by index; branch unknowns keep their circuit indices, shifted after the nodes
  const shift = nNodes;
  const xs = new Float64Array(shift + c.n + 4);
  const saveK = dev.k;
  const saveCtrl = Int32Array.from(dev.ctrl);
  dev.expr.probes.forEach((p, k) => {
    if (p.kind === "i") dev.ctrl[k] = shift + saveCtrl[k];
  });
  if (dev.kind === "v") dev.k = shift + saveK;
  for (let k = 0; k < x.length; k++) xs[shift + k] = x[k];
  try {
    const { at, b } = stamp(dev, nNodes, c.n + 4, V, xs, time);
    const row = dev.kind === "i" ? dev.a : dev.k;
    const sign = dev.kind === "i" ? 1 : -1;
    // a V= row holds +1 / -1 at n+ / n- besides the partials
    const own = (col: number) => (dev.kind === "v" ? (col === dev.a ? 1 : 0) - (col === dev.b ? 1 : 0) : 0);
    let lin = 0;
    const f0 = dev.valueAt(V, xs, time);
    dev.expr.probes.forEach((p, k) => {
      const col = p.kind === "v" ? dev.ctrl[k] : dev.ctrl[k];
      const want = p.kind === "v"
        ? fd(dev, V, xs, time, () => V[col], (v) => (V[col] = v))
        : fd(dev, V, xs, time, () => xs[col], (v) => (xs[col] = v));
      const got = sign * (at(row, col) - own(col));
      expect(Math.abs(got - want), `${line}: d/d${p.kind}(${p.name}) stamped ${got}, finite difference ${want}`).toBeLessThanOrEqual(1e-6 * Math.max(1e-9, Math.abs(want)) + 1e-12);
      lin += got * (p.kind === "v" ? V[col] : xs[col]);
    });
    // the companion model reproduces f at the linearization point
    if (dev.kind === "i") {
      expect(lin - b[row]).toBeCloseTo(f0, 9);
      // what leaves n+ enters n-
      expect(at(dev.b, dev.ctrl[0]) + at(dev.a, dev.ctrl[0])).toBeCloseTo(0, 15);
    } else {
      // row k: V(n+) - V(n-) - sum g x = f0 - sum g x0
      expect(lin + b[row]).toBeCloseTo(f0, 9);
    }
  } finally {
    dev.k = saveK;
    dev.ctrl.set(saveCtrl);
  }
}

describe("B source stamp = derivative of the compiled expression (finite differences)", () => {
  const cases: Array<[string, number, number, number]> = [
    ["B1 c 0 I=1m*(v(a)^3 - 2*v(a)*v(b) + v(b)**2 + 0.5)", 0.7, -1.2, 0.1],
    ["B1 c 0 I=1e-12*(exp(v(a,b)/0.025)-1)", 2.55, 2, 0.3],
    ["B1 c 0 V=v(a)*v(b)", 0.7, -1.3, 0.2],
    ["B1 c 0 V=v(a)*v(b)*v(c) - v(c,a)/3", 0.7, -1.3, 0.2],
    ["B1 c 0 V=100*i(vs)^2 + 3*i(vs)*v(a) + 2", 0.4, 0, 0],
    ["B1 c 0 I=1m*tanh(i(vs)*1e3) * v(b)", 0.4, 2, 0],
    ["B1 c 0 I=sqrt(v(a)) + ln(v(b)) + log10(v(a)*v(b)) + atan(v(c)) + pwr(v(c), 1.5) + pow(v(c), 2.5)", 0.7, 1.9, -0.45],
    ["B1 c 0 I=sin(v(a)*3) * cos(v(b)) + tan(v(c)) + sinh(v(a)) - cosh(v(b)/4) + abs(v(c)) + sgn(v(c))", 0.7, 1.9, -0.45],
    ["B1 c 0 I=min(v(a), v(b)) + max(v(a)*2, v(c)) + uramp(v(c) + 1) + u2(v(a))", 0.7, 1.9, -0.45],
    // pwl inside a segment, below the first point and above the last (linear extension, as ngspice's PTpwl)
    ["B1 c 0 I=pwl(v(a)*v(b), -1, -1m, 0, 0, 0.5, 2m, 1, 1m) + pwl(v(c), 0, 0, 1, 1)", 0.7, 0.5, -0.45],
    ["B1 c 0 V=pwl(v(a), -1, -1m, 0, 0, 0.5, 2m, 1, 1m)*v(b)", 1.7, 1.9, 0],
  ];
  for (const [line, va, vb, vc] of cases) it(line, () => checkStamp(line, va, vb, vc));

  it("ternary away from and near its switch point (1e-4 from it, steps of 1e-6)", () => {
    for (const va of [0.3, 0.9999, 1.0001, 2]) checkStamp("B1 c 0 I=v(a) > 1 ? v(a)^2*v(b) : 2*v(a)-1", va, 1.5, 0);
    for (const va of [0.3, 0.9999, 1.0001, 2]) checkStamp("B1 c 0 V=(v(a) <= 1 && v(b) > 0) ? exp(v(a)) : v(b)*v(a)", va, 1.5, 0);
  });

  it("u() away from and near its step (the value steps, the partials stay those of the smooth factors)", () => {
    for (const va of [0.1, 0.4999, 0.5001, 1]) checkStamp("B1 c 0 I=u(v(a)-0.5)*v(b)^2 + uramp(v(a)-0.5)*v(b)", va, 1.5, 0);
  });

  it("a time-dependent expression: stamped at the transient's time, DC at time 0", () => {
    checkStamp("B1 c 0 I=v(a)*sin(2*pi*1k*time) + time*1e3*v(b)", 0.7, 1.2, 0, 0, 0.13e-3);
    const c = loadCircuitFromText(DECK("B1 c 0 V=v(a)*sin(2*pi*1k*time) + 1"), "t.cir");
    const d = bOf(c, "b1");
    expect(d.linear).toBe(false); // reloaded at every point: the engine sees it vary
    const V = new Float64Array(c.nodeNames.length);
    V[c.nodeIndex.get("a")!] = 2;
    expect(d.valueAt(V, new Float64Array(c.n), -1)).toBe(1);
    expect(d.valueAt(V, new Float64Array(c.n), 0.25e-3)).toBeCloseTo(3, 12);
  });

  it("an affine expression is a linear device; a piecewise one is not", () => {
    expect(bOf(loadCircuitFromText(DECK("B1 c 0 V=1e5*(v(a)-v(b)) + 2"), "x.cir"), "b1").linear).toBe(true);
    expect(bOf(loadCircuitFromText(DECK("B1 c 0 V=v(a) > 1 ? 1 : 0"), "x.cir"), "b1").linear).toBe(false);
    expect(bOf(loadCircuitFromText(DECK("B1 c 0 V=v(a)*v(b)"), "x.cir"), "b1").linear).toBe(false);
  });

  it("compiled code does not call mathjs: evaluating 10^5 times is far faster than mathjs's own evaluate", async () => {
    const c = loadCircuitFromText(DECK("B1 c 0 I=1e-12*(exp(v(a,b)/0.025)-1) + 1m*tanh(v(c)*v(a))"), "x.cir");
    const d = bOf(c, "b1");
    expect(d.expr.source).not.toMatch(/math|require|import/);
    const xs = new Float64Array(d.expr.probes.length).fill(0.5);
    const out = new Float64Array(xs.length + 1);
    const t0 = performance.now();
    for (let k = 0; k < 100_000; k++) {
      xs[0] = 2 + k * 1e-9;
      d.expr.evalAll(xs, 0, out);
    }
    const compiled = performance.now() - t0;
    const { createRequire } = await import("node:module");
    const math = createRequire(import.meta.url)("mathjs");
    const code = math.compile("1e-12*(exp((x0-x1)/0.025)-1) + 0.001*tanh(x2*x0)");
    const t1 = performance.now();
    for (let k = 0; k < 10_000; k++) code.evaluate({ x0: 2 + k * 1e-9, x1: 0.5, x2: 0.5 });
    const viaMathjs = (performance.now() - t1) * 10;
    // value and all partials compiled vs the value alone through mathjs
    expect(compiled).toBeLessThan(viaMathjs);
  });
});

describe("a reciprocal I=f(V) source: co-content and energy", () => {
  it("is symmetric only when it reads its own branch voltage alone (and not time)", () => {
    const sym = (line: string) => bOf(loadCircuitFromText(DECK(line), "s.cir"), "b1").symmetric;
    expect(sym("B1 c 0 I=1e-12*(exp(v(c)/0.025)-1)")).toBe(true);
    expect(sym("B1 c a I=1m*tanh(v(c,a))")).toBe(true);
    expect(sym("B1 c a I=-1m*tanh(v(a,c))")).toBe(true);
    expect(sym("B1 c 0 I=v(c)*v(a)")).toBe(false);
    expect(sym("B1 c a I=v(c)-2*v(a)")).toBe(false);
    expect(sym("B1 c 0 I=v(c)*time")).toBe(false);
    expect(sym("B1 c 0 I=i(vs)")).toBe(false);
    expect(sym("B1 c 0 V=v(c)")).toBe(false);
  });

  it("the co-content's derivative is the current (finite differences), and J(0) = 0", () => {
    const lines = [
      "B1 c 0 I=1e-12*(exp(v(c)/0.025)-1)",
      "B1 c a I=1m*tanh(v(c,a)/0.1) + 1e-4*v(c,a)^3",
      "B1 a c I=-(v(c,a) > 0.2 ? 2m*(v(c,a)-0.2) : 0) - 1e-5*v(c,a)",
    ];
    for (const line of lines) {
      const c = loadCircuitFromText(DECK(line), "j.cir");
      const d = bOf(c, "b1");
      expect(d.cocontent, line).toBeDefined();
      const V = new Float64Array(c.nodeNames.length);
      const A = d.a;
      const B = d.b;
      expect(d.cocontent!(V, -1)).toBe(0);
      for (const v of [-0.8, -0.1, 0.05, 0.3, 0.55, 0.7]) {
        V.fill(0);
        const h = 1e-5;
        const base = B === 0 ? 0 : 0.3;
        V[A] = base + v + h;
        if (B !== 0) V[B] = base;
        const up = d.cocontent!(V, -1);
        V[A] -= 2 * h;
        const dn = d.cocontent!(V, -1);
        V[A] += h;
        const i = d.valueAt(V, new Float64Array(c.n), -1);
        const dJ = (up - dn) / (2 * h);
        expect(Math.abs(dJ - i), `${line} at v=${v}: dJ/dv ${dJ}, i ${i}`).toBeLessThanOrEqual(1e-6 * Math.abs(i) + 1e-15);
      }
    }
  });

  it("the quadrature is exact to 1e-12 relative on known integrals", () => {
    expect(integrate((u) => Math.exp(u / 0.025), 0, 0.7) / (0.025 * (Math.exp(0.7 / 0.025) - 1)) - 1).toBeLessThan(1e-12);
    expect(Math.abs(integrate((u) => Math.tanh(u), 0, -3) - Math.log(Math.cosh(3)))).toBeLessThan(1e-12);
    expect(Math.abs(integrate((u) => (u > 0.3 ? u - 0.3 : 0), 0, 1) - 0.245)).toBeLessThan(1e-12);
  });

  it("an energy-minimizing circuit with two B sources: the operating point is the minimum of the total co-content", () => {
    const text = [
      "eqprop b",
      "V1 in 0 1",
      "R1 in a 1k",
      "B1 a 0 I=1e-12*(exp(v(a)/0.025)-1)",
      "R2 a b 2k",
      "B2 b 0 I=1m*tanh(v(b)/0.1) + 1e-4*v(b)",
      "R3 b c 500",
      "B3 c b I=2e-4*(exp(v(c,b)/0.05)-1)",
      "R4 c 0 3k",
      ".end",
    ].join("\n");
    const c = loadCircuitFromText(text, "eq.cir");
    expect(c.symmetric).toBe(true);
    expect(hasEnergy(c)).toBe(true);
    const op = operatingPoint(c);
    const V = new Float64Array(c.nodeNames.length);
    for (const [name, v] of Object.entries(op.nodes)) V[c.nodeIndex.get(name)!] = v;
    const e0 = energy(c, V);
    const free = ["a", "b", "c"].map((n) => c.nodeIndex.get(n)!);
    // gradient: the KCL residual, zero at the operating point
    for (const k of free) {
      const h = 1e-6;
      V[k] += h;
      const up = energy(c, V);
      V[k] -= 2 * h;
      const dn = energy(c, V);
      V[k] += h;
      expect(Math.abs((up - dn) / (2 * h))).toBeLessThan(1e-9);
    }
    // every perturbation raises the energy
    let seed = 7;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
    for (let trial = 0; trial < 40; trial++) {
      const d = free.map(() => rnd() * (trial < 20 ? 1e-3 : 0.05));
      free.forEach((k, j) => (V[k] += d[j]));
      const e = energy(c, V);
      free.forEach((k, j) => (V[k] -= d[j]));
      expect(e, `perturbation ${d}`).toBeGreaterThan(e0);
    }
  });
});

/** The NetlistError of loading `body` (after a title line), as "line:col: message". */
function errorOf(body: string[]): string {
  try {
    loadCircuitFromText(["bad b", ...body, ".end", ""].join("\n"), "bad.cir");
  } catch (e) {
    if (!(e instanceof NetlistError)) throw e;
    return `${e.loc!.line}:${e.loc!.col}: ${e.message}`;
  }
  throw new Error("no error");
}

function opErrorOf(body: string[]): string {
  try {
    operatingPoint(loadCircuitFromText(["bad b", ...body, ".end", ""].join("\n"), "bad.cir"));
  } catch (e) {
    if (!(e instanceof NetlistError)) throw e;
    return `${e.loc!.line}:${e.loc!.col}: ${e.message}`;
  }
  throw new Error("no error");
}

describe("B source errors, each at its file:line:col", () => {
  const R = "R1 a 0 1k";
  it("unknown function, unknown parameter, unknown node in v(), unknown source in i()", () => {
    expect(errorOf([R, "B1 a 0 V=2*foo(v(a))"])).toMatch(/^3:12: .*bad\.cir:3:12: b1 V=: unknown function 'foo\(\)'/);
    expect(errorOf([R, "B1 a 0 V=2*k*v(a)"])).toMatch(/^3:12: .*unknown parameter 'k'/);
    expect(errorOf([R, "B1 a 0 V=3*v(nowhere)"])).toMatch(/^3:12: .*b1: v\(nowhere\): no node 'nowhere'/);
    expect(errorOf([R, "B1 a 0 I=1 + i(vx)"])).toMatch(/^3:14: .*b1: i\(vx\): no voltage source named 'vx'/);
    expect(errorOf([R, "R2 a b 1k", "R3 b 0 1k", "B1 b 0 I=i(r2)"])).toMatch(/^5:10: .*'r2' is not a voltage source/);
    expect(errorOf([R, "B1 a 0 V=atan2(1, v(a))"])).toMatch(/^3:10: .*unknown function 'atan2\(\)'/);
    expect(errorOf([R, "B1 a 0 V=sin(v(a), 2)"])).toMatch(/sin\(\) takes 1 argument, got 2/);
  });

  it("a B with neither or both of V= and I=, and other parameters", () => {
    expect(errorOf([R, "B1 a 0"])).toMatch(/^3:1: .*needs V=expression or I=expression/);
    expect(errorOf([R, "B1 a 0 2*v(a)"])).toMatch(/^3:8: .*needs V=expression or I=expression/);
    expect(errorOf([R, "B1 a 0 V=v(a) I=1"])).toMatch(/^3:15: .*one of V= and I=, not both/);
    expect(errorOf([R, "B1 a 0 I=1m temp=50"])).toMatch(/^3:13: .*own temperature \(temp=, dtemp=\) is not supported/);
    expect(errorOf([R, "B1 a 0 I=1m foo=2"])).toMatch(/^3:13: .*unknown B-source parameter 'foo'/);
    expect(errorOf([R, "B1 a 0 V="])).toMatch(/^3:8: .*V= has no expression/);
  });

  it("syntax errors in the expression", () => {
    expect(errorOf([R, "B1 a 0 V=2*(v(a)+1"])).toMatch(/^3:\d+: .*b1 V=: syntax error/);
    expect(errorOf([R, "B1 a 0 V=2 3"])).toMatch(/^3:12: .*missing operator before '3'/);
    expect(errorOf([R, "B1 a 0 V=v(a) # 2"])).toMatch(/^3:15: .*unexpected character '#'/);
    expect(errorOf([R, "B1 a 0 V=v(a) = 2"])).toMatch(/^3:15: .*unexpected '='/);
    expect(errorOf([R, "B1 a 0 V=v(a) % 2"])).toMatch(/^3:15: .*unexpected character '%'/);
    expect(errorOf([R, "B1 a 0 V=v(a,b,c)"])).toMatch(/^3:10: .*takes one or two nodes/);
    expect(errorOf([R, "B1 a 0 V=v(a) ? 1"])).toMatch(/^3:\d+: .*syntax error/);
  });

  it("ngspice features not modelled are refused by name", () => {
    expect(errorOf([R, "B1 a 0 I=table(v(a), 0, 0, 1, 1m)"])).toMatch(/^3:10: .*table\(\) in a B source is not supported/);
    // pwl() is read (ngspice's PTpwl); its bad forms:
    expect(errorOf([R, "B1 a 0 I=pwl(v(a), 0, 0)"])).toMatch(/^3:10: .*pwl\(\) takes its input and at least two \(x, y\) pairs, got 3 arguments/);
    expect(errorOf([R, "B1 a 0 I=pwl(v(a), 0, 0, 1)"])).toMatch(/^3:10: .*pwl\(\) takes its input and at least two/);
    expect(errorOf([R, "B1 a 0 I=pwl(v(a), 0, 0, v(a), 1m)"])).toMatch(/^3:10: .*pwl\(\)'s points must be constants/);
    expect(errorOf([R, "B1 a 0 I=pwl(v(a), 1, 0, 1, 1m)"])).toMatch(/^3:10: .*pwl\(\)'s x values must increase \(1 after 1\)/);
    expect(errorOf([R, "B1 a 0 I=ddt(v(a), 2)*1n"])).toMatch(/^3:10: .*ddt\(\) takes 1 argument/);
    expect(errorOf([R, "B1 a 0 I=dec(v(a))"])).toMatch(/^3:10: .*dec\(\) in a B source is not supported/);
    expect(errorOf([R, "B1 a 0 I=hertz*1m"])).toMatch(/^3:10: .*'hertz'/);
    expect(errorOf([R, "B1 a 0 I=1m", ".options smoothbsrc=1"])).toMatch(/^4:10: .*option 'smoothbsrc'.*not supported/);
  });

  it("errors inside a .func body and in a subcircuit point at the B line", () => {
    expect(errorOf([R, ".func f(x) = {x*nope}", "B1 a 0 I=f(v(a))"])).toMatch(/^4:10: .*unknown parameter 'nope'/);
    expect(errorOf([".subckt s p", "B1 p 0 I=i(vmissing)", ".ends", "X1 a s", R])).toMatch(/^3:10: .*i\(v\.x1\.vmissing\)/);
  });

  it("out-of-range values stop with the source's name, not a hang (ngspice 39 stops with 'out of range' too)", () => {
    expect(opErrorOf(["V1 a 0 -4", "B1 o 0 V=sqrt(v(a))", "R2 o 0 1k"])).toMatch(/^3:1: .*b1: V=sqrt\(v\(a\)\) is NaN \(out of range\) at v\(a\) = -4/);
    expect(opErrorOf(["V1 a 0 -4", "B1 o 0 V=ln(v(a))", "R2 o 0 1k"])).toMatch(/out of range/);
    expect(opErrorOf(["V1 a 0 -1", "B1 o 0 V=exp(1000*v(a)*v(a))", "R2 o 0 1k"])).toMatch(/Infinity \(out of range\)/);
  });

  it("a division by zero divides by 1e-32, as ngspice's PTdivide (ngspice 39: v(o) = 1e32, i(b1) = -1e29)", () => {
    const c = loadCircuitFromText(["div", "V1 a 0 0", "B1 o 0 V=1/v(a)", "R2 o 0 1k", ".end"].join("\n"), "div.cir");
    const op = operatingPoint(c);
    expect(Math.abs(op.nodes.o / 1e32 - 1)).toBeLessThan(1e-15);
    // its partial at b = 0 is ngspice's -a/b^2 = -1/1e-32, not -1/b^2 = -Infinity: Newton converged
    expect(op.strategy).toBe("newton");
    expect(op.branches.b1).toBeCloseTo(-1e29, -16);
  });

  it("B sources in subcircuits map their nodes and sources", () => {
    const c = loadCircuitFromText(["sub", ".subckt amp in out", "Vs in m 0", "Rm m 0 1k", "B1 out 0 V=2*v(in) + 1000*i(vs)", ".ends", "V1 a 0 1", "X1 a o amp", "RL o 0 1k", ".end"].join("\n"), "sub.cir");
    const op = operatingPoint(c);
    expect(op.nodes.o).toBeCloseTo(3, 12);
  });
});
