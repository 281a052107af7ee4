/**
 * JSON waveforms: one object whose keys are the CSV column names, in order,
 * each holding that column as an array, one entry per output time:
 *   {"time":[0,1e-9,...],"v(out)":[0,0.12,...],"i(v1)":[...]}
 * Rows are spilled to a temporary binary file as they arrive (row-major
 * float64), then transposed column group by column group (each group's
 * columns fit in GROUP_BYTES of memory) into the JSON file, which is written
 * under a temporary name and renamed on success. Memory stays bounded for
 * any run length.
 */
import { closeSync, readSync, unlinkSync, writeSync } from "node:fs";
import { AtomicFile, openOutput, tempNameFor } from "./atomic.js";
import { fmtNumber, type WaveformSink } from "./sink.js";

const GROUP_BYTES = 64 * 2 ** 20;
const SPILL_ROWS = 1024;

export class JsonSink implements WaveformSink {
  private columns: string[] = [];
  private width = 0;
  private rows = 0;
  private readonly spillPath: string;
  private spillFd: number;
  private buf = new Float64Array(0);
  private buffered = 0;
  private closed = false;

  constructor(readonly path: string) {
    this.spillPath = tempNameFor(path, "rows");
    this.spillFd = openOutput(this.spillPath, "w+", path);
  }

  begin(columns: string[]): void {
    this.columns = columns.slice();
    this.width = columns.length;
    this.buf = new Float64Array(SPILL_ROWS * this.width);
  }

  row(values: Float64Array): void {
    this.buf.set(values.subarray(0, this.width), this.buffered * this.width);
    this.rows++;
    if (++this.buffered === SPILL_ROWS) this.spill();
  }

  private spill(): void {
    if (!this.buffered) return;
    const bytes = new Uint8Array(this.buf.buffer, 0, this.buffered * this.width * 8);
    let off = 0;
    while (off < bytes.length) off += writeSync(this.spillFd, bytes, off, bytes.length - off);
    this.buffered = 0;
  }

  finish(): void {
    this.spill();
    const out = new AtomicFile(this.path);
    try {
      this.transpose(out);
      out.commit();
    } catch (e) {
      out.abort();
      throw e;
    } finally {
      this.cleanup();
    }
  }

  abort(): void {
    this.cleanup();
  }

  private cleanup(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.spillFd);
    try {
      unlinkSync(this.spillPath);
    } catch {
      /* already gone */
    }
  }

  /** Write the JSON object, reading the spill once per group of columns. */
  private transpose(out: AtomicFile): void {
    const { width, rows } = this;
    const perGroup = Math.max(1, Math.floor(GROUP_BYTES / Math.max(1, rows * 8)));
    const chunkRows = SPILL_ROWS;
    const chunk = new Float64Array(chunkRows * width);
    const chunkBytes = new Uint8Array(chunk.buffer);
    out.write("{");
    for (let g0 = 0; g0 < width; g0 += perGroup) {
      const g1 = Math.min(width, g0 + perGroup);
      const cols = Array.from({ length: g1 - g0 }, () => new Float64Array(rows));
      let r = 0;
      let pos = 0;
      while (r < rows) {
        const n = Math.min(chunkRows, rows - r);
        const want = n * width * 8;
        let got = 0;
        while (got < want) {
          const k = readSync(this.spillFd, chunkBytes, got, want - got, pos + got);
          if (k <= 0) throw new Error(`internal: waveform spill file ${this.spillPath} is short`);
          got += k;
        }
        pos += want;
        for (let i = 0; i < n; i++) for (let j = g0; j < g1; j++) cols[j - g0][r + i] = chunk[i * width + j];
        r += n;
      }
      for (let j = g0; j < g1; j++) {
        out.write(`${j ? "," : ""}${JSON.stringify(this.columns[j])}:[`);
        const col = cols[j - g0];
        let s = "";
        for (let i = 0; i < rows; i++) {
          s += (i ? "," : "") + fmtNumber(col[i]);
          if (s.length > 1 << 15) {
            out.write(s);
            s = "";
          }
        }
        out.write(s + "]");
      }
    }
    out.write("}\n");
  }
}
