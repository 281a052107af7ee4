/**
 * The SPICE expression evaluator (src/netlist/expressions.ts): numparam's
 * grammar and functions only, parameters in dependency order with cycles
 * named, bounded nesting, and no mathjs at run time. Values are checked
 * against closed forms computed here with Math, and random arithmetic
 * against mathjs as an independent evaluator (the ngspice comparison of the
 * same operators is in netlist-ngspice.test.ts).
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { elaborate } from "../src/netlist/elaborate.js";
import { parseNetlist } from "../src/netlist/parser.js";
import { NetlistError } from "../src/util/errors.js";
import { ROOT } from "./helpers/build.js";

/** The value of `{expr}` as a voltage source (with parameters pa=1.5, pb=3). */
function value(expr: string): number {
  const el = elaborate(parseNetlist(`t\n.param pa=1.5 pb={pa*2}\nV1 a 0 {${expr}}\nR1 a 0 1k\n`, "t.cir"));
  const v = el.elements.find((e) => e.name === "v1")!;
  return v.type === "v" ? v.source.dc : NaN;
}

function error(text: string): NetlistError {
  try {
    elaborate(parseNetlist(text, "t.cir"));
  } catch (e) {
    expect(e).toBeInstanceOf(NetlistError);
    return e as NetlistError;
  }
  throw new Error(`no error for:\n${text}`);
}

describe("operators and functions (closed forms)", () => {
  const cases: Array<[string, number]> = [
    ["1+2*3-4/2", 5],
    ["2^3^2", Math.pow(Math.pow(2, 3), 2)], // left-associative, as numparam
    ["2**3", 8],
    ["-2^2", -4],
    ["2^-1", 0.5],
    ["-3^0.5+5", 5 - Math.sqrt(3)],
    ["7%3", 1],
    ["-7%3", -1],
    ["1 < 2 ? 5 : 6", 5],
    ["0 ? 2 : 0 ? 3 : 4", 4],
    ["2 > 1 + 3", 0],
    ["!0*1000 + (1==1) + (2!=2)*10", 1001],
    ["1&&0 || 1", 1],
    ["nint(2.5) + 10*nint(3.5) + 100*nint(-2.5)", 2 + 40 - 200],
    ["int(-2.7)", -2],
    ["pwr(-2,3)", 8], // |x|^y in numparam
    ["pow(-2,3)", -8],
    ["sqr(3)", 9],
    ["log(100)", Math.log(100)],
    ["log10(100)", 2],
    ["ln(100)", Math.log(100)],
    ["arctan(1)", Math.PI / 4],
    ["ternary_fcn(0,1,2)", 2],
    ["min(3,1)+max(3,1)*10", 31],
    ["1k*2+1meg/1e6", 2001],
    ["2.2kohm/1.1", 2000],
    ["3mil", 3 * 25.4e-6],
    ["(pa + pb) * 2", 9],
    ["PA*PB", 4.5],
    ["sin(pa)+cos(pb)", Math.sin(1.5) + Math.cos(3)],
    ["+3", 3],
    ["(+3)", 3],
    ["3--2", 5],
    [`${Array.from({ length: 20000 }, () => "1").join("+")}`, 20000], // a long sum is a loop, not a recursion
  ];
  for (const [e, want] of cases) it(`${e.length > 40 ? e.slice(0, 40) + "..." : e} = ${want}`, () => expect(value(e)).toBeCloseTo(want, 12));
});

describe("only SPICE's functions are reachable", () => {
  for (const e of ['evaluate("1+1")', "import(1)", "parse(1)", "createUnit(1)", "pi", "e", "i", "agauss(1,0.1,3)", "1 inch", "[1,2]", "1:3", "a.b", "'x'", "1; 2", "x = 2"]) {
    it(`{${e}} is an error naming the problem`, () => {
      const err = error(`t\nV1 a 0 {${e}}\nR1 a 0 1k\n`);
      expect(err.loc).toEqual({ file: "t.cir", line: 2, col: 8 });
      expect(err.message).toMatch(/unknown function|unknown parameter|unexpected|random-variation|bad expression|bad number|empty expression|unterminated/);
    });
  }
  it("an unknown function lists the SPICE functions", () => {
    expect(error("t\nV1 a 0 {evaluate(1+1)}\nR1 a 0 1k\n").message).toMatch(/unknown function 'evaluate\(\)' \(SPICE functions: sqrt .* ternary_fcn\)/);
  });
  it("numparam's rules on unary '+' and argument counts", () => {
    expect(error("t\nV1 a 0 {2 + + 1}\nR1 a 0 1k\n").message).toMatch(/unexpected '\+'/);
    expect(error("t\nV1 a 0 {-+2}\nR1 a 0 1k\n").message).toMatch(/unexpected '\+'/);
    expect(error("t\nV1 a 0 {min(3,1,2)}\nR1 a 0 1k\n").message).toMatch(/min\(\) takes 2 arguments, got 3/);
  });
  it("bare element values are a number or a name, as in ngspice; .param values may be bare expressions", () => {
    expect(error("t\n.param r=1k\nV1 a 0 1\nR1 a 0 r*2\n").message).toMatch(/bad number 'r\*2' for resistance.*braces/);
    expect(error("t\nV1 a 0 1\nR1 a 0 --1\n").message).toMatch(/t\.cir:3:8: bad number '--1'/);
    expect(error("t\nV1 a 0 1\nR1 a 0 1k+1\n").message).toMatch(/bad number '1k\+1'/);
    const el = elaborate(parseNetlist("t\n.param a=2\n.param b=a*3+1 c = b / 2\nV1 x 0 {c}\nR1 x 0 1k\n", "t.cir"));
    expect(el.params.get("c")).toBe(3.5);
  });
});

describe("parameters", () => {
  it("a cycle is named, at the definition that closes it", () => {
    const e = error("t\n.param a={b+1}\n.param c=1 b={c+a}\nV1 x 0 {a}\nR1 x 0 1k\n");
    expect(e.message).toMatch(/t\.cir:2:8: parameter cycle: a -> b -> a/);
    expect(error("t\n.param a={a+1}\nV1 x 0 {a}\nR1 x 0 1k\n").message).toMatch(/parameter cycle: a -> a/);
  });
  it("forward references; the last definition of a name wins everywhere (as ngspice)", () => {
    const el = elaborate(parseNetlist("t\n.param a={b+1}\n.param b=2\n.param c=1 d={c*10}\n.param c=3\nV1 x 0 1\nR1 x 0 1k\n", "t.cir"));
    expect([el.params.get("a"), el.params.get("c"), el.params.get("d")]).toEqual([3, 3, 30]);
  });
  it("20,000 chained .param lines, in either order, take well under a second (they took 142 s)", () => {
    const n = 20000;
    const fwd = ["t", ".param p0=1", ...Array.from({ length: n - 1 }, (_, i) => `.param p${i + 1}={p${i}+1}`), `V1 a 0 {p${n - 1}}`, "R1 a 0 1k"].join("\n");
    const rev = ["t", ...Array.from({ length: n - 1 }, (_, i) => `.param p${i}={p${i + 1}+1}`), `.param p${n - 1}=1`, "V1 a 0 {p0}", "R1 a 0 1k"].join("\n");
    for (const text of [fwd, rev]) {
      const t0 = performance.now();
      const el = elaborate(parseNetlist(text, "t.cir"));
      const ms = performance.now() - t0;
      expect(el.params.get(text === fwd ? `p${n - 1}` : "p0")).toBe(n);
      expect(ms).toBeLessThan(5000);
    }
  });
  it("nesting is bounded, and the message quotes only the start of a 200 KB expression", () => {
    const deep = "(".repeat(100000) + "1" + ")".repeat(100000);
    const e = error(`t\nV1 a 0 {${deep}}\nR1 a 0 1k\n`);
    expect(e.message).toMatch(/nested more than 256 levels deep/);
    expect(e.message).toMatch(/\(200001 characters\)/);
    expect(e.message.length).toBeLessThan(500);
    expect(value("(".repeat(200) + "1" + ")".repeat(200))).toBe(1);
  });
});

it("evaluating expressions does not load mathjs (0.9-3 s of start-up)", () => {
  const script = `
    import { createRequire } from "node:module";
    const { parseNetlist } = await import("./src/netlist/parser.ts");
    const { elaborate } = await import("./src/netlist/elaborate.ts");
    const el = elaborate(parseNetlist("t\\n.param r={sqrt(16)*1k}\\nV1 a 0 {r/2+max(1,2)}\\nR1 a 0 {r}\\n", "t.cir"));
    const require = createRequire(import.meta.url);
    const loaded = Object.keys(require.cache).filter((k) => k.includes("mathjs"));
    console.log(JSON.stringify({ r: el.params.get("r"), loaded: loaded.length }));
  `;
  const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
  expect(r.stderr).toBe("");
  expect(JSON.parse(r.stdout.trim())).toEqual({ r: 4000, loaded: 0 });
});

describe("against an independent evaluator (mathjs)", () => {
  it("200 random arithmetic expressions agree with mathjs to 1e-12", async () => {
    const { evaluate } = await import("mathjs");
    const { Rng } = await import("../src/util/rng.js");
    const rng = new Rng(2026);
    const pick = <T>(xs: T[]): T => xs[Math.floor(rng.next() * xs.length)]!;
    // Operators and functions whose meaning is the same in both (no ^: numparam's is left-associative).
    const gen = (depth: number): string => {
      if (depth === 0 || rng.next() < 0.25) return (rng.next() * 9 + 0.5).toPrecision(4);
      switch (pick(["+", "-", "*", "/", "f", "m", "p"])) {
        case "+":
          return `${gen(depth - 1)}+${gen(depth - 1)}`;
        case "-":
          return `${gen(depth - 1)}-(${gen(depth - 1)})`;
        case "*":
          return `(${gen(depth - 1)})*(${gen(depth - 1)})`;
        case "/":
          return `(${gen(depth - 1)})/(abs(${gen(depth - 1)})+1)`;
        case "f":
          return `${pick(["sqrt(abs", "exp(-abs", "abs(sin", "abs(cos", "abs(atan"])}(${gen(depth - 1)}))`;
        case "m":
          return `${pick(["min", "max"])}(${gen(depth - 1)},${gen(depth - 1)})`;
        default:
          return `(${gen(depth - 1)})`;
      }
    };
    for (let k = 0; k < 200; k++) {
      const expr = gen(4);
      const ref = evaluate(expr) as number;
      expect(Math.abs(value(expr) - ref), expr).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(ref)));
    }
  });
});
