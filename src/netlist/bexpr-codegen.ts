/**
 * The derivatives and the generated code of B-source expressions
 * (netlist/bexpr.ts): mathjs's symbolic derivatives for the arithmetic and
 * smooth functions, the rules for ngspice's own functions (|x|^y, pwr, u,
 * uramp, min, max, abs, the ternary), and one plain JavaScript function
 * that returns the value and every partial, with the run-time helpers that
 * give ngspice's semantics. mathjs is not called after compiling.
 */
import type * as MathTypes from "mathjs";

type MathNode = MathTypes.MathNode;
type MathJs = typeof MathTypes;

/** mathjs's relational operators (their derivative is 0). */
export const RELATIONAL = new Set(["equal", "unequal", "smaller", "smallerEq", "larger", "largerEq"]);
/** The generated code's variables: __x0, __x1, ... (the controls). */
export const VAR = /^__x(\d+)$/;

/** Round half to even, as C's nearbyint (ngspice's nint). */
function rint(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
const TWO_PI = 2 * Math.PI;
/** ptfuncs.c's MODULUS: x - trunc(x / l) * l. */
const modulus = (x: number, l: number): number => x - Math.trunc(x / l) * l;

/** Run-time helpers of the generated code (ngspice semantics). */
export const HELPERS: Record<string, (...a: number[]) => number> = {
  abs: Math.abs,
  sgn: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0),
  sqrt: Math.sqrt,
  exp: Math.exp,
  log: Math.log,
  log10: Math.log10,
  sin: (x) => Math.sin(modulus(x, TWO_PI)),
  cos: (x) => Math.cos(modulus(x, TWO_PI)),
  tan: (x) => Math.tan(modulus(x, Math.PI)),
  asin: Math.asin,
  acos: Math.acos,
  atan: Math.atan,
  sinh: Math.sinh,
  cosh: Math.cosh,
  tanh: Math.tanh,
  asinh: Math.asinh,
  acosh: Math.acosh,
  atanh: Math.atanh,
  sec: (x) => 1 / Math.cos(modulus(x, TWO_PI)),
  csc: (x) => 1 / Math.sin(modulus(x, TWO_PI)),
  sech: (x) => 1 / Math.cosh(x),
  u: (x) => (x < 0 ? 0 : x > 0 ? 1 : 0.5),
  u2: (x) => (x <= 0 ? 0 : x <= 1 ? x : 1),
  uramp: (x) => (x < 0 ? 0 : x),
  ceil: Math.ceil,
  floor: Math.floor,
  nint: rint,
  eq0: (x) => (x === 0 ? 1 : 0),
  ne0: (x) => (x !== 0 ? 1 : 0),
  gt0: (x) => (x > 0 ? 1 : 0),
  lt0: (x) => (x < 0 ? 1 : 0),
  ge0: (x) => (x >= 0 ? 1 : 0),
  le0: (x) => (x <= 0 ? 1 : 0),
  min: (a, b) => (a > b ? b : a),
  max: (a, b) => (a > b ? a : b),
  // ngspice's power (PTpower, also `^` and `**`): |a|^b
  pow: (a, b) => Math.pow(Math.abs(a), b),
  // ngspice's pwr (PTpwr): sgn(a) |a|^b
  pwr: (a, b) => (a < 0 ? -Math.pow(-a, b) : Math.pow(a, b)),
  // u2's derivative
  u2d: (x) => (x > 0 && x <= 1 ? 1 : 0),
  // ngspice's PTddt outside a transient: 0 (the only analyses that accept ddt)
  ddt: () => 0,
  // ngspice's PTpwl(x; x0, y0, x1, y1, ...): the segment of the bisection, extended linearly beyond the ends
  pwl: (x, ...p) => {
    const [k0, k1] = pwlSegment(x, p);
    return p[2 * k0 + 1] + ((p[2 * k1 + 1] - p[2 * k0 + 1]) * (x - p[2 * k0])) / (p[2 * k1] - p[2 * k0]);
  },
  // its derivative in x (PTpwl_derivative): the segment's slope
  pwld: (x, ...p) => {
    const [k0, k1] = pwlSegment(x, p);
    return (p[2 * k1 + 1] - p[2 * k0 + 1]) / (p[2 * k1] - p[2 * k0]);
  },
};

/** ptfuncs.c's bisection: the segment [k0, k1] of the points (x_k = p[2k]) for x (the first or last beyond the ends). */
function pwlSegment(x: number, p: number[]): [number, number] {
  let k0 = 0;
  let k1 = p.length / 2 - 1;
  while (k1 - k0 > 1) {
    const k = (k0 + k1) >> 1;
    if (p[2 * k] > x) k1 = k;
    else k0 = k;
  }
  return [k0, k1];
}

// ---------------------------------------------------------------- derivatives

/** Smooth functions whose derivative mathjs knows (ngspice name -> mathjs name). */
const MATHJS_FUNCS: Record<string, string> = {
  exp: "exp", sqrt: "sqrt", ln: "log", log: "log", log10: "log10",
  sin: "sin", cos: "cos", tan: "tan", asin: "asin", acos: "acos", atan: "atan",
  sinh: "sinh", cosh: "cosh", tanh: "tanh", asinh: "asinh", acosh: "acosh", atanh: "atanh",
};
const ZERO_DERIV = new Set(["ddt", "sgn", "u", "ceil", "floor", "nint", "eq0", "ne0", "gt0", "lt0", "ge0", "le0", "and", "or", "not", "pwld", ...RELATIONAL]);

export class Differentiator {
  private readonly rules = new Map<string, MathNode[]>();
  private readonly memo = new Map<string, Map<MathNode, MathNode>>();
  private readonly deps = new Map<MathNode, Set<string>>();
  constructor(private readonly math: MathJs) {}

  private c(v: number): MathNode {
    return new this.math.ConstantNode(v);
  }
  private isConst(n: MathNode, v?: number): boolean {
    return n.type === "ConstantNode" && (v === undefined || (n as MathTypes.ConstantNode).value === v);
  }
  private fn(name: string, args: MathNode[]): MathNode {
    return new this.math.FunctionNode(new this.math.SymbolNode(name), args);
  }
  private op(op: string, fn: string, args: MathNode[]): MathNode {
    return new this.math.OperatorNode(op as "+", fn as "add", args);
  }
  mul(a: MathNode, b: MathNode): MathNode {
    if (this.isConst(a, 0) || this.isConst(b, 0)) return this.c(0);
    if (this.isConst(a, 1)) return b;
    if (this.isConst(b, 1)) return a;
    return this.op("*", "multiply", [a, b]);
  }
  add(a: MathNode, b: MathNode): MathNode {
    if (this.isConst(a, 0)) return b;
    if (this.isConst(b, 0)) return a;
    return this.op("+", "add", [a, b]);
  }

  /** Variables a subtree reads. */
  private varsOf(n: MathNode): Set<string> {
    let s = this.deps.get(n);
    if (s) return s;
    s = new Set();
    if (n.type === "SymbolNode") s.add((n as MathTypes.SymbolNode).name);
    else for (const ch of children(n)) for (const v of this.varsOf(ch)) s.add(v);
    this.deps.set(n, s);
    return s;
  }

  /** mathjs's derivative of `expr` (in t1, t2) with respect to `wrt`, once per rule. */
  private rule(key: string, expr: string, vars: string[]): MathNode[] {
    let r = this.rules.get(key);
    if (!r) {
      const parsed = this.math.parse(expr);
      r = vars.map((v) => this.math.derivative(parsed, v));
      this.rules.set(key, r);
    }
    return r;
  }

  /** Substitute the rule's t1/t2 by the arguments. */
  private subst(rule: MathNode, args: MathNode[]): MathNode {
    return rule.transform((x) => {
      if (x.type === "SymbolNode") {
        const name = (x as MathTypes.SymbolNode).name;
        if (name === "t1") return args[0];
        if (name === "t2") return args[1];
      }
      return x;
    });
  }

  /** Partial derivatives of node n with respect to its arguments (null: identically zero). */
  private partials(n: MathNode, args: MathNode[]): Array<MathNode | null> {
    const fnName = n.type === "OperatorNode" ? (n as MathTypes.OperatorNode).fn : (n as MathTypes.FunctionNode).fn.name;
    if (ZERO_DERIV.has(fnName)) return args.map(() => null);
    const [a, b] = args;
    switch (fnName) {
      case "divide": {
        // ngspice's PTdifferentiate: d(a/b) = (da*b - a*db)/b^2, the division fudged too: d/da = b/b^2, d/db = -a/b^2
        // (at b = 0 both are 0, where 1/b would be 1e32)
        const b2 = this.op("*", "multiply", [b, b]);
        return [this.op("/", "divide", [b, b2]), this.op("/", "divide", [this.op("-", "unaryMinus", [a]), b2])];
      }
      case "add":
      case "subtract":
      case "multiply": {
        const sym = { add: "+", subtract: "-", multiply: "*" }[fnName];
        return this.rule(fnName, `t1 ${sym} t2`, ["t1", "t2"]).map((r) => this.subst(r, args));
      }
      case "unaryMinus":
        return [this.c(-1)];
      case "unaryPlus":
        return [this.c(1)];
      case "abs":
        return [this.fn("sgn", [a])];
      case "uramp":
        return [this.fn("u", [a])];
      case "u2":
        return [this.fn("u2d", [a])];
      case "pwl":
        // the points are constants (checked when compiling): only the input has a partial
        return [this.fn("pwld", args), ...args.slice(1).map(() => null)];
      case "min":
        return [this.cond(this.op(">", "larger", [a, b]), this.c(0), this.c(1)), this.cond(this.op(">", "larger", [a, b]), this.c(1), this.c(0))];
      case "max":
        return [this.cond(this.op(">", "larger", [a, b]), this.c(1), this.c(0)), this.cond(this.op(">", "larger", [a, b]), this.c(0), this.c(1))];
      case "pow":
        // d|a|^b/da = b |a|^(b-1) sgn(a); d/db = |a|^b ln|a|
        return [
          this.mul(this.mul(b, this.fn("pow", [a, this.op("-", "subtract", [b, this.c(1)])])), this.fn("sgn", [a])),
          this.mul(this.fn("pow", [a, b]), this.fn("log", [this.fn("abs", [a])])),
        ];
      case "pwr":
        // d(sgn(a)|a|^b)/da = b |a|^(b-1); d/db = sgn(a)|a|^b ln|a|
        return [this.mul(b, this.fn("pow", [a, this.op("-", "subtract", [b, this.c(1)])])), this.mul(this.fn("pwr", [a, b]), this.fn("log", [this.fn("abs", [a])]))];
    }
    const mj = MATHJS_FUNCS[fnName];
    if (mj) return [this.subst(this.rule(mj, `${mj}(t1)`, ["t1"])[0], args)];
    throw new Error(`internal: no derivative rule for ${fnName}`);
  }

  private cond(c: MathNode, a: MathNode, b: MathNode): MathNode {
    return new this.math.ConditionalNode(c, a, b);
  }

  /** d n / d v, with sharing (a DAG) and constant folding of 0 and 1. */
  diff(n: MathNode, v: string): MathNode {
    let memo = this.memo.get(v);
    if (!memo) this.memo.set(v, (memo = new Map()));
    const got = memo.get(n);
    if (got) return got;
    let r: MathNode;
    if (!this.varsOf(n).has(v)) r = this.c(0);
    else if (n.type === "SymbolNode") r = this.c(1);
    else if (n.type === "ConditionalNode") {
      const c = n as MathTypes.ConditionalNode;
      const a = this.diff(c.trueExpr, v);
      const b = this.diff(c.falseExpr, v);
      r = this.isConst(a, 0) && this.isConst(b, 0) ? this.c(0) : this.cond(c.condition, a, b);
    } else {
      const args = children(n);
      const ps = this.partials(n, args);
      r = this.c(0);
      for (let k = 0; k < args.length; k++) {
        const p = ps[k];
        if (!p || !this.varsOf(args[k]).has(v)) continue;
        r = this.add(r, this.mul(p, this.diff(args[k], v)));
      }
    }
    memo.set(n, r);
    return r;
  }
}

function children(n: MathNode): MathNode[] {
  if (n.type === "OperatorNode") return (n as MathTypes.OperatorNode).args;
  if (n.type === "FunctionNode") return (n as MathTypes.FunctionNode).args;
  if (n.type === "ConditionalNode") {
    const c = n as MathTypes.ConditionalNode;
    return [c.condition, c.trueExpr, c.falseExpr];
  }
  return [];
}

// ---------------------------------------------------------------- code generation

const JS_BIN: Record<string, string> = { add: "+", subtract: "-", multiply: "*" };
/** ngspice's PTfudge_factor at the default GMIN: gmin * 1e-20. */
export const PT_FUDGE = 1e-32;
const JS_CMP: Record<string, string> = { equal: "===", unequal: "!==", smaller: "<", smallerEq: "<=", larger: ">", largerEq: ">=" };

/** JS source of a tree: shared subexpressions become `const` temporaries (computed once per call). */
export class Gen {
  readonly lines: string[] = [];
  private readonly byText = new Map<string, string>();
  private readonly byNode = new Map<MathNode, string>();

  expr(n: MathNode): string {
    const known = this.byNode.get(n);
    if (known !== undefined) return known;
    const s = this.raw(n);
    let out = s;
    if (s.length > 12 && !/^[\w.[\]]+$/.test(s)) {
      let t = this.byText.get(s);
      if (!t) {
        t = `t${this.byText.size}`;
        this.lines.push(`const ${t} = ${s};`);
        this.byText.set(s, t);
      }
      out = t;
    }
    this.byNode.set(n, out);
    return out;
  }

  private raw(n: MathNode): string {
    switch (n.type) {
      case "ConstantNode": {
        const v = (n as MathTypes.ConstantNode).value as number;
        return Number.isFinite(v) ? (v < 0 || Object.is(v, -0) ? `(${v})` : String(v)) : v > 0 ? "Infinity" : v < 0 ? "(-Infinity)" : "NaN";
      }
      case "SymbolNode": {
        const name = (n as MathTypes.SymbolNode).name;
        if (name === "__t") return "t";
        const m = VAR.exec(name);
        if (!m) throw new Error(`internal: symbol ${name} in a B expression`);
        return `x[${m[1]}]`;
      }
      case "ConditionalNode": {
        const c = n as MathTypes.ConditionalNode;
        return `(${this.expr(c.condition)} !== 0 ? ${this.expr(c.trueExpr)} : ${this.expr(c.falseExpr)})`;
      }
      case "FunctionNode": {
        const f = n as MathTypes.FunctionNode;
        let name = f.fn.name;
        if (name === "ln") name = "log";
        if (!(name in HELPERS)) throw new Error(`internal: function ${name} in a B expression`);
        return `F.${name}(${f.args.map((a) => this.expr(a)).join(", ")})`;
      }
      case "OperatorNode": {
        const o = n as MathTypes.OperatorNode;
        const a = o.args.map((x) => this.expr(x));
        if (o.fn in JS_BIN) return `(${a[0]} ${JS_BIN[o.fn]} ${a[1]})`;
        // ngspice's PTdivide: the divisor moved 1e-32 (gmin 1e-12 times 1e-20) away from zero
        if (o.fn === "divide") return `(${a[0]} / (${a[1]} >= 0 ? ${a[1]} + ${PT_FUDGE} : ${a[1]} - ${PT_FUDGE}))`;
        if (o.fn in JS_CMP) return `(${a[0]} ${JS_CMP[o.fn]} ${a[1]} ? 1 : 0)`;
        switch (o.fn) {
          case "unaryMinus":
            return `(-${a[0]})`;
          case "unaryPlus":
            return a[0];
          case "pow": // only from mathjs's derivative rules (sec(t)^2, t^2): the ordinary power
            return `Math.pow(${a[0]}, ${a[1]})`;
          case "and":
            return `(${a[0]} !== 0 && ${a[1]} !== 0 ? 1 : 0)`;
          case "or":
            return `(${a[0]} !== 0 || ${a[1]} !== 0 ? 1 : 0)`;
          case "not":
            return `(${a[0]} === 0 ? 1 : 0)`;
        }
        throw new Error(`internal: operator ${o.fn} in a B expression`);
      }
    }
    throw new Error(`internal: ${n.type} in a B expression`);
  }
}
