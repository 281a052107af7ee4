/**
 * NumPy .npy reading (src/data/npy.ts) and the npy: dataset, against files
 * written by NumPy itself (test/fixtures/npy, made by make.py there, with
 * the values NumPy read back in expected.json).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseNpy, readNpy } from "../src/data/npy.js";
import { loadDataset } from "../src/data/sources.js";
import { InputError } from "../src/util/errors.js";
import { runCli } from "./helpers/build.js";

const DIR = path.join(path.dirname(new URL(import.meta.url).pathname), "fixtures", "npy");
const f = (name: string) => path.join(DIR, name);
const expected = JSON.parse(readFileSync(f("expected.json"), "utf8")) as Record<string, unknown>;
const tmp = mkdtempSync(path.join(tmpdir(), "eqspice-npy-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("readNpy: every dtype NumPy writes, exactly", () => {
  for (const dt of ["b1", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "f2", "f4", "f8"]) {
    it(dt, () => {
      const a = readNpy(f(`dtype-${dt}.npy`));
      expect(a.dtype).toBe(dt);
      const want = expected[dt] as number[];
      expect(a.shape).toEqual([want.length]);
      expect(Array.from(a.data)).toEqual(want);
    });
  }

  it("2-D float64 (v1.0), bytes in 3-D (v2.0 and v3.0 headers), (N, 1) labels", () => {
    const blobs = expected.blobs as { X: number[][]; Y: number[] };
    const x = readNpy(f("blobs-X.npy"));
    expect(x.shape).toEqual([30, 3]);
    expect(Array.from(x.data)).toEqual(blobs.X.flat());
    const img = expected.img as { X: number[][]; Y: number[] };
    const v2 = readNpy(f("img-X-v2.npy"));
    expect(v2.shape).toEqual([6, 2, 3]);
    expect(Array.from(v2.data)).toEqual(img.X.slice(0, 6).flat());
    const v3 = readNpy(f("img-Xtest-v3.npy"));
    expect(v3.shape).toEqual([2, 2, 3]);
    expect(Array.from(v3.data)).toEqual(img.X.slice(6).flat());
    expect(readNpy(f("img-Ytest.npy")).shape).toEqual([2, 1]);
  });
});

describe("readNpy refuses what it cannot read, with the file and the reason", () => {
  const cases: Array<[string, RegExp]> = [
    ["bad-bigendian.npy", /big-endian/],
    ["bad-fortran.npy", /Fortran/],
    ["bad-complex.npy", /complex/],
    ["bad-strings.npy", /strings/],
    ["bad-object.npy", /Python objects/],
    ["bad-structured.npy", /structured/],
    ["bad-truncated.npy", /truncated: shape \(30, 3\)/],
    ["bad-big-i8.npy", /too large to hold exactly/],
  ];
  for (const [name, re] of cases) {
    it(name, () => {
      let err: unknown;
      try {
        readNpy(f(name));
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(InputError);
      expect((err as Error).message).toContain(name);
      expect((err as Error).message).toMatch(re);
    });
  }

  it("not an .npy file, an unknown version, a cut header, a missing file", () => {
    expect(() => parseNpy(Buffer.from("x,y\n1,2\n"), "data.csv")).toThrow(/data.csv: not a NumPy .npy file/);
    const good = readFileSync(f("dtype-f8.npy"));
    const v9 = Buffer.from(good);
    v9[6] = 9;
    expect(() => parseNpy(v9, "v9.npy")).toThrow(/version 9.0 is not supported/);
    expect(() => parseNpy(good.subarray(0, 40), "cut.npy")).toThrow(/cut.npy: truncated .npy header/);
    const garbled = Buffer.from(good);
    garbled.write("{'descr': <f8", 10, "latin1");
    expect(() => parseNpy(garbled, "garbled.npy")).toThrow(/garbled.npy: not a valid .npy header/);
    expect(() => readNpy(path.join(tmp, "nope.npy"))).toThrow(InputError);
  });
});

describe("--dataset npy:X.npy,Y.npy", () => {
  it("features and labels as NumPy has them, split 80/20 per class", () => {
    const blobs = expected.blobs as { X: number[][]; Y: number[] };
    const d = loadDataset(`npy:${f("blobs-X.npy")},${f("blobs-Y.npy")}`);
    expect(d.features).toBe(3);
    expect(d.classes).toBe(3);
    expect(d.encoding).toBe("minmax");
    expect(d.xTrain.length).toBe(24);
    expect(d.xTest.length).toBe(6);
    // every sample appears once, with its own label
    const key = (x: ArrayLike<number>) => Array.from(x).join(",");
    const want = new Map(blobs.X.map((x, i) => [key(x), blobs.Y[i]]));
    const got = [...d.xTrain.map((x, i) => [key(x), d.yTrain[i]] as const), ...d.xTest.map((x, i) => [key(x), d.yTest[i]] as const)];
    expect(new Map(got)).toEqual(want);
    // stratified: 2 test samples per class
    expect([0, 1, 2].map((c) => Array.from(d.yTest).filter((y) => y === c).length)).toEqual([2, 2, 2]);
  });

  it("four files: the test split as given; bytes are pixels (byte/255, encoding unit)", () => {
    const img = expected.img as { X: number[][]; Y: number[] };
    const d = loadDataset(`npy:${f("img-X-v2.npy")},${f("img-Y-v2.npy")},${f("img-Xtest-v3.npy")},${f("img-Ytest.npy")}`);
    expect(d.encoding).toBe("unit");
    expect(d.features).toBe(6);
    expect(d.classes).toBe(2);
    expect(d.xTrain.map((x) => Array.from(x))).toEqual(img.X.slice(0, 6).map((r) => r.map((v) => Math.fround(v / 255))));
    expect(Array.from(d.yTrain)).toEqual(img.Y.slice(0, 6));
    expect(Array.from(d.yTest)).toEqual(img.Y.slice(6));
  });

  it("bad label arrays, mismatched counts and bad specs are InputErrors", () => {
    const X = f("blobs-X.npy");
    expect(() => loadDataset(`npy:${f("dtype-f8.npy")},${f("blobs-Y.npy")}`)).toThrow(/features must have 2 or more dimensions/);
    expect(() => loadDataset(`npy:${X},${f("bad-float-labels.npy")}`)).toThrow(/label 1.5 at index 1 is not a class number/);
    expect(() => loadDataset(`npy:${X},${f("bad-negative-labels.npy")}`)).toThrow(/label -1 at index 1/);
    expect(() => loadDataset(`npy:${X},${f("img-Y-v2.npy")}`)).toThrow(/has 30 samples but .* has 6 labels/);
    expect(() => loadDataset(`npy:${X},${X}`)).toThrow(/labels must have shape \(N,\) or \(N, 1\)/);
    expect(() => loadDataset(`npy:${X}`)).toThrow(/expected npy:X.npy,Y.npy/);
    expect(() => loadDataset(`npy:${X},${f("blobs-Y.npy")},${X}`)).toThrow(/expected npy:X.npy,Y.npy/);
  });

  it("trains from the CLI (iris-sized netlist on 3 blobs), and a bad file exits 1 with no stack trace", async () => {
    // 3 features, 3 classes: a small layered network built by eqspice itself
    const net = path.join(tmp, "net.cir");
    const b = await runCli(["build", "layered", "--layers", "3,6,3"]);
    expect(b.code, b.stderr).toBe(0);
    writeFileSync(net, b.stdout);
    const r = await runCli(["train", net, "--dataset", `npy:${f("blobs-X.npy")},${f("blobs-Y.npy")}`, "--epochs", "20", "--out", path.join(tmp, "run")]);
    expect(r.code, r.stderr).toBe(0);
    const m = JSON.parse(readFileSync(path.join(tmp, "run", "metrics.json"), "utf8")) as { final: { testAccuracy: number } };
    // three well-separated blobs: a trained network gets them right
    expect(m.final.testAccuracy).toBeGreaterThanOrEqual(5 / 6);
    const bad = await runCli(["train", net, "--dataset", `npy:${f("bad-fortran.npy")},${f("blobs-Y.npy")}`, "--epochs", "1", "--out", path.join(tmp, "run2")]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/bad-fortran.npy: the array is in Fortran/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});
