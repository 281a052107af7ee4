/**
 * The parser's fast lane for plain resistor lines (src/netlist/fast-resistors.ts)
 * must read exactly what the ordinary tokenizer reads: the same names, nodes,
 * values and locations, the same duplicate errors, and the same numbers as
 * parseSpiceNumber, bit for bit.
 */
import { describe, expect, it } from "vitest";
import { parseNetlist } from "../src/netlist/parser.js";
import { allElementSpecs, elaborate } from "../src/netlist/elaborate.js";
import { parseSpiceNumber } from "../src/netlist/numbers.js";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadCircuit, loadCircuitFromText } from "../src/api.js";
import { NetlistError } from "../src/util/errors.js";
import { Rng } from "../src/util/rng.js";

const specsOf = (text: string) =>
  allElementSpecs(elaborate(parseNetlist(text, "t.cir")))
    .filter((s) => s.type === "r")
    .map((s) => ({ name: s.name, nodes: s.nodes, ohms: s.type === "r" ? s.ohms : NaN, loc: s.loc }))
    .sort((a, b) => a.name.localeCompare(b.name));

describe("the fast lane's number reader", () => {
  it("takes a value only when it reads the same double as parseSpiceNumber, else leaves the line to the tokenizer", () => {
    const rng = new Rng(7);
    const values = ["1", "+0.5", ".5", "5.", "007", "123456789012345", "1234567890123456", "0.1", "-2.2e-3", "1e5", "1E+5", "2.5e-300", "1k", "4.7meg", "4.7MEG", "3mil", "10kohm", "1e", "5e+", "5v", "5%", "1.2.3", "-0", "0", "1e0005"];
    const letters = ["", "", "", "k", "m", "u", "n", "p", "f", "a", "t", "g", "meg", "mil", "ohm", "e"];
    for (let i = 0; i < 2000; i++) {
      const digits = 1 + Math.floor(rng.next() * 17);
      let m = "";
      for (let d = 0; d < digits; d++) m += Math.floor(rng.next() * 10);
      const point = Math.floor(rng.next() * (digits + 1));
      const sign = ["", "-", "+"][Math.floor(rng.next() * 3)];
      const exp = rng.next() < 0.3 ? `e${Math.floor(rng.next() * 60) - 30}` : "";
      values.push(sign + m.slice(0, point) + "." + m.slice(point) + exp + letters[Math.floor(rng.next() * letters.length)], sign + m + exp);
    }
    // Nonzero finite values only: the tokenizer rejects the others with an error of its own.
    // Subnormal values (no finite conductance) are refused; the lane leaves them to the tokenizer (tested below).
    const ok = values.filter((v) => {
      const x = parseSpiceNumber(v);
      return Number.isFinite(x) && Math.abs(x) >= 2.2250738585072014e-308;
    });
    const text = ["* t", ...ok.map((v, k) => `R${k} a b ${v}`)].join("\n");
    const net = parseNetlist(text, "t.cir");
    const taken = net.fastR.count;
    expect(taken, "most plain values take the fast lane").toBeGreaterThan(ok.length / 2);
    const byName = new Map(allElementSpecs(elaborate(net)).map((s) => [s.name, s]));
    for (let k = 0; k < ok.length; k++) {
      const s = byName.get(`r${k}`)!;
      const got = s.type === "r" ? s.ohms : NaN;
      expect(Object.is(got, parseSpiceNumber(ok[k])), `${ok[k]}: ${got} vs ${parseSpiceNumber(ok[k])}`).toBe(true);
    }
    for (let q = 0; q < taken; q++) {
      const k = Number(net.fastR.name(q).slice(1));
      expect(Object.is(net.fastR.ohms[q], parseSpiceNumber(ok[k])), ok[k]).toBe(true);
    }
  });
});

/** A double with uniformly random bits (positive, finite, nonzero): every binary exponent, subnormals included. */
function randomBits(rng: Rng): number {
  const bits = new Uint32Array(2);
  for (;;) {
    bits[0] = Math.floor(rng.next() * 2 ** 32);
    bits[1] = Math.floor(rng.next() * 2 ** 31);
    const x = new Float64Array(bits.buffer)[0];
    if (Number.isFinite(x) && x !== 0) return x;
  }
}

describe("the fast lane's long numbers", () => {
  /**
   * Lines with these values must all be taken by the lane (net.fastR.count
   * counts exactly the lines it took; the tokenizer takes the rest) and read
   * as parseSpiceNumber reads them, bit for bit; `slowNumbers` counts the
   * values the lane had to hand to parseSpiceNumber itself.
   */
  const check = (values: string[]) => {
    // Subnormal values (no finite conductance) are refused; the lane leaves them to the tokenizer (tested below).
    const ok = values.filter((v) => {
      const x = parseSpiceNumber(v);
      return Number.isFinite(x) && Math.abs(x) >= 2.2250738585072014e-308;
    });
    const net = parseNetlist(["* t", ...ok.map((v, k) => `R${k} a b ${v}`)].join("\n"), "t.cir");
    expect(net.fastR.count, "every line is taken by the lane").toBe(ok.length);
    for (let q = 0; q < ok.length; q++) {
      const k = Number(net.fastR.name(q).slice(1));
      const want = parseSpiceNumber(ok[k]);
      if (!Object.is(net.fastR.ohms[q], want)) expect.fail(`${ok[k]}: lane ${net.fastR.ohms[q]}, parseSpiceNumber ${want}`);
    }
    // The elaborated circuit carries the same values.
    const byName = new Map(allElementSpecs(elaborate(net)).map((s) => [s.name, s]));
    for (const k of [0, ok.length >> 1, ok.length - 1]) {
      const s = byName.get(`r${k}`)!;
      expect(Object.is(s.type === "r" ? s.ohms : NaN, parseSpiceNumber(ok[k])), ok[k]).toBe(true);
    }
    return { net, ok };
  };

  it("reads JavaScript's and Python's shortest round-trip output (16-17 digits) of random doubles in the kernel", () => {
    const rng = new Rng(11);
    const values: string[] = [];
    for (let i = 0; i < 4000; i++) {
      const x = rng.next() * 1e6;
      // String(x) is the shortest round trip, as Python's repr; toExponential(16) and toPrecision(17) always write 17 digits.
      values.push(String(x), x.toExponential(16), x.toPrecision(17), x.toExponential(15), String(1 / x), (1 / x).toExponential(16));
      const y = randomBits(rng);
      if (y > 1e-300 && y < 1e300) values.push(String(y), y.toExponential(16), y.toPrecision(16), (-y).toExponential(16));
    }
    values.push("12345.678901234567", "1.2345678901234567e-05", "158528.04799968295", "0.30000000000000004", "1.7976931348623157e308", "2.2250738585072014e-308");
    const { net, ok } = check(values);
    expect(ok.length).toBeGreaterThan(30000);
    expect(net.fastR.slowNumbers, "normal doubles need no JavaScript").toBe(0);
  });

  it("reads 16-20 digit mantissas, halfway cases, long digit strings, scale suffixes and units exactly", () => {
    const rng = new Rng(12);
    const letters = ["", "k", "meg", "MEG", "mil", "m", "u", "n", "p", "f", "a", "t", "g", "ohm", "kohm", "e", "Meg"];
    const values: string[] = [];
    for (let i = 0; i < 6000; i++) {
      const digits = 16 + Math.floor(rng.next() * 5);
      let m = String(1 + Math.floor(rng.next() * 9));
      for (let d = 1; d < digits; d++) m += Math.floor(rng.next() * 10);
      const point = Math.floor(rng.next() * (digits + 1));
      const sign = ["", "-", "+"][Math.floor(rng.next() * 3)];
      const exp = rng.next() < 0.5 ? `e${Math.floor(rng.next() * 80) - 40}` : "";
      values.push(sign + m.slice(0, point) + "." + m.slice(point) + exp + letters[Math.floor(rng.next() * letters.length)]);
      values.push(String(rng.next() * 1e6) + letters[i % letters.length]);
    }
    // Exact ties (round half to even), both sides of 2^53, and values a hair off a tie.
    for (const v of ["9007199254740993", "9007199254740995", "9007199254740993.0000000001", "9007199254740992.9999999999", "4503599627370496.5", "4503599627370497.5", "4503599627370497.50000000000000000001", "18014398509481990", "18014398509481994", "1.8014398509481990e16", "123456789012345678e3", "7.00000000000000011102230246251565404236316680908203125e-1", "0.1000000000000000055511151231257827021181583404541015625", "0.10000000000000000555111512312578270211815834045410156249", "0.10000000000000000555111512312578270211815834045410156251"]) values.push(v, `${v}k`, `-${v}meg`);
    // More than 19 significant digits, leading and trailing zeros.
    values.push("123456789012345678901234567890", "0.000000000000000000001234567890123456789", "1.00000000000000000000000000001", "000000000000000000001.5", "2.50000000000000000000000000000e3", "3.14159265358979323846264338327950288419716939937510");
    const { net } = check(values);
    // A few of the hand-written ties above carry more than 19 digits and straddle a rounding boundary on purpose.
    expect(net.fastR.slowNumbers, "only digit strings past 19 digits that straddle a rounding boundary go to JavaScript").toBeLessThan(20);
  });

  it("reads huge and tiny exponents, subnormals and the edges of the double range, with and without suffixes", () => {
    const rng = new Rng(13);
    const values: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const y = randomBits(rng); // every binary exponent, subnormals included
      values.push(String(y), y.toExponential(16), y.toExponential(12), `${String(y)}${["k", "meg", "f", "a", "t"][i % 5]}`);
    }
    values.push("4.9e-324", "5e-324", "2.4703282292062328e-324", "2.4703282292062327e-324", "1e-320", "2.225073858507201e-308", "2.2250738585072011e-308");
    values.push("1.7976931348623157e308", "1.7976931348623158e308", "1.7976931348623158079e308", "1e308", "1e307k", "1e-310f", "1E+300", "1e0005", "1e-0005", "1e-342", "1e-343", "1e-345", "123e-345", "1.5e308");
    check(values);
  });

  it("leaves values that round to zero or infinity, or are subnormal, to the tokenizer, which rejects them", () => {
    for (const v of ["1e-400", "2e-324", "1e309", "1.8e308", "1e300t", "1e-320a", "1e99999999999999999999", "1e-320", "4.9e-324", "2.2250738585072011e-308", "-1e-310", "1e-305f"]) {
      const x = parseSpiceNumber(v);
      expect(x === 0 || !Number.isFinite(x) || Math.abs(x) < 2.2250738585072014e-308, v).toBe(true);
      // both paths refuse it, naming the value's line and column
      expect(() => loadCircuitFromText(`* t\nV1 a 0 1\nR1 a 0 ${v}\nR2 a 0 1k`, "t.cir"), v).toThrow(/^t\.cir:3:8: /);
      let lane = -1;
      try {
        lane = parseNetlist(`* t\nR1 a b ${v}\nR2 a 0 1k`, "t.cir").fastR.count;
      } catch {
        lane = 0; // the tokenizer's path reports it
      }
      expect(lane, v).toBeLessThan(2);
    }
  });
});

describe("fast lane", () => {
  it("reads names, nodes, values and columns exactly as the tokenizer does", () => {
    const lines = ["V1 in 0 1", "R1 in A 1k", "\tr2  a  GND\t2.2e3", "  RLoad a out 158528.048", "R4 OUT 0 1e6", "Rx_1 out gnd 47"];
    const plain = ["* t", ...lines].join("\n") + "\n";
    // A trailing `; comment` sends each line through the ordinary tokenizer instead.
    const slow = ["* t", ...lines.map((l) => l + " ; c")].join("\n") + "\n";
    const crlf = plain.replace(/\n/g, "\r\n");
    expect(parseNetlist(plain, "t.cir").fastR.count).toBe(5);
    expect(parseNetlist(slow, "t.cir").fastR.count).toBe(0);
    expect(specsOf(plain)).toEqual(specsOf(slow));
    expect(specsOf(crlf)).toEqual(specsOf(slow));
    expect(specsOf(plain).find((s) => s.name === "r2")).toEqual({ name: "r2", nodes: ["a", "0"], ohms: 2200, loc: { file: "t.cir", line: 4, col: 2 } });
  });

  it("finds its resistors by name, and the circuit solves the same either way", () => {
    const lines = ["V1 in 0 1", "R1 in a 1k", "R2 a 0 3k"];
    const c = loadCircuitFromText(["* t", ...lines].join("\n"), "t.cir");
    expect(c.deviceByName.has("r2")).toBe(true);
    expect(c.deviceByName.has("r3")).toBe(false);
    expect(c.locOf("r2")).toEqual({ file: "t.cir", line: 4, col: 1 });
    expect((c.deviceByName.get("r1") as { g: number }).g).toBe(1e-3);
  });

  it("duplicate names: fast/fast, fast/ordinary and ordinary/fast all point at the later line and name the earlier", () => {
    const cases: Array<[string[], number, RegExp]> = [
      [["V1 a 0 1", "R1 a 0 1k", "r1 a 0 2k"], 4, /duplicate element name 'r1' \(first defined at t\.cir:3:1\)/],
      [["V1 a 0 1", "R1 a 0 1k", "R1 a 0 r=2k"], 4, /duplicate element name 'r1' \(first defined at t\.cir:3:1\)/],
      [["V1 a 0 1", "R1 a 0 {1k}", "R1 a 0 2k"], 4, /duplicate element name 'r1' \(first defined at t\.cir:3:1\)/],
      [["V1 a 0 1", "R1 a 0 1k", "V1 a 0 1"], 4, /duplicate element name 'v1' \(first defined at t\.cir:2:1\)/],
      // More plain lines than other resistors: those are looked up in the lane one by one, not at the end.
      [["V1 a 0 1", "R1 a 0 1k", "R2 a 0 1k", "R3 a 0 1k", "R2 a 0 {2k}"], 6, /duplicate element name 'r2' \(first defined at t\.cir:4:1\)/],
      [["V1 a 0 1", "R2 a 0 {2k}", "R1 a 0 1k", "R2 a 0 1k", "R3 a 0 1k"], 5, /duplicate element name 'r2' \(first defined at t\.cir:3:1\)/],
    ];
    for (const [lines, line, msg] of cases) {
      let err: unknown;
      try {
        loadCircuitFromText(["* t", ...lines].join("\n"), "t.cir");
      } catch (e) {
        err = e;
      }
      expect(err, lines.join(" | ")).toBeInstanceOf(NetlistError);
      expect((err as NetlistError).message).toMatch(msg);
      expect((err as NetlistError).loc.line).toBe(line);
    }
  });

  it("keeps every name findable and every duplicate caught as its tables grow", () => {
    // Short lines: the tables start small for this source and must grow several times.
    const n = 20000;
    const lines = ["V1 n0 0 1"];
    // 2999 distinct nodes: the node table (1024 to start) grows twice.
    for (let k = 0; k < n; k++) lines.push(`R${k} n${k % 2999} N${(k + 1) % 2999} ${k + 1}`);
    const net = parseNetlist(["* t", ...lines].join("\n"), "t.cir");
    expect(net.fastR.count).toBe(n);
    expect(net.fastR.nodeNames.length).toBe(2999);
    expect(net.fastR.nodeNames[5]).toBe("n5"); // rows n0 N1, n1 N2, ...: ids in order of first appearance, case folded
    expect(net.fastR.nodeNames[net.fastR.a[12345]]).toBe(`n${12345 % 2999}`);
    for (const k of [0, 1, 4095, 4096, 12345, n - 1]) {
      const q = net.fastR.find(`r${k}`);
      expect(q).toBe(k);
      expect(net.fastR.ohms[q]).toBe(k + 1);
    }
    expect(net.fastR.find(`r${n}`)).toBe(-1);
    expect(() => loadCircuitFromText(["* t", ...lines, "R19999 n1 n2 5"].join("\n"), "t.cir")).toThrow(/duplicate element name 'r19999' \(first defined at t\.cir:20002:1\)/);
  });

  it("sources with non-ASCII characters take the ordinary path, with the same result", () => {
    const lines = ["V1 in 0 1", "R1 in a 1k", "R2 a 0 3k"];
    const ascii = ["* t", ...lines].join("\n");
    const accented = ["* résistances", ...lines].join("\n");
    expect(parseNetlist(ascii, "t.cir").fastR.count).toBe(2);
    expect(parseNetlist(accented, "t.cir").fastR.count).toBe(0);
    expect(specsOf(accented)).toEqual(specsOf(ascii));
  });

  it("rows from included files keep their file and line, and names are unique across files", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "eqspice-fast-"));
    try {
      writeFileSync(path.join(dir, "part.inc"), "R3 b 0 4k\nR4 b a 5k\n");
      const top = path.join(dir, "top.cir");
      writeFileSync(top, "* t\nV1 in 0 1\nR1 in a 1k\n.include part.inc\nR2 a b 3k\n");
      const c = loadCircuit(top);
      expect(c.locOf("r4")).toEqual({ file: path.join(dir, "part.inc"), line: 2, col: 1 });
      expect(c.locOf("r2")).toEqual({ file: top, line: 5, col: 1 });
      writeFileSync(top, "* résistances, 2 kΩ\nV1 in 0 1\nR1 in a 1k\nR2 a 0 3k\n");
      expect(loadCircuit(top).title).toBe("* résistances, 2 kΩ"); // UTF-8 files still decode as UTF-8
      writeFileSync(top, "* t\nV1 in 0 1\nR4 in a 1k\n.include part.inc\n");
      expect(() => loadCircuit(top)).toThrow(/part\.inc:2:1: duplicate element name 'r4' \(first defined at .*top\.cir:3:1\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("*@train patterns find fast-lane rows by prefix, in bank order, whatever their case", () => {
    const lines = ["*@train RB* rw1_?_1", "V1 x 0 1"];
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) lines.push(`RW1_${i}_${j} x h${j} 1k`);
    lines.push("rb_0 h0 0 2k", "RB_1 h1 0 2k", "Rb_2 h2 0 2k");
    const c = loadCircuitFromText(["* t", ...lines].join("\n"), "t.cir");
    expect(c.ports.trainable.map((t) => t.device.name)).toEqual(["rb_0", "rb_1", "rb_2", "rw1_0_1", "rw1_1_1", "rw1_2_1"]);
    expect(() => loadCircuitFromText(["* t", "*@train RBX*", ...lines.slice(1)].join("\n"), "t.cir")).toThrow(/pattern 'rbx\*' matches no resistor/);
  });
});
