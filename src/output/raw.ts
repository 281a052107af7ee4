/**
 * ngspice raw files (the format of ngspice's `write` and `-r`, which
 * ngspice's own `load`, PySpice, spicelib, gwave and LTspice read):
 *
 *   Title: <circuit title>
 *   Date: Tue Dec  1 11:36:29  2026
 *   Plotname: Transient Analysis
 *   Flags: real
 *   No. Variables: 3
 *   No. Points: 101
 *   Variables:
 *   	0	time	time
 *   	1	v(a)	voltage
 *   	2	i(v1)	current
 *   Binary:                      (or Values:, ASCII)
 *   <per point, per variable: a little-endian float64>
 *
 * ASCII values are written as ngspice writes them: ` <point>\t<value>\n`,
 * then `\t<value>\n` for each other variable, then a blank line; values in
 * C's %.16e (17 significant digits, so they read back exactly; ngspice's
 * default is %.15e). Variable names are eqspice's column names, which are
 * ngspice's (`v(node)`, `i(source)`); types come from the units (s: time,
 * V: voltage, A: current).
 *
 * Rows stream to the file as they come (bounded memory); the point count is
 * patched into the header at the end. The file is written under a temporary
 * name and renamed on success.
 */
import { AtomicFile } from "./atomic.js";
import type { WaveformSink } from "./sink.js";

export type RawEncoding = "binary" | "ascii";

export interface RawOptions {
  /** Title line (the circuit's title). */
  title: string;
  /** Plot name (default "Transient Analysis"). */
  plotname?: string;
  /** Date written in the header (default now): fix it for reproducible files. */
  date?: Date;
}

const TYPE_OF_UNIT: Record<string, string> = { s: "time", V: "voltage", A: "current" };
/** Width of the point count's field: the count is patched in at the end, padded with spaces (ngspice reads it so). */
const POINTS_FIELD = 20;
const CHUNK_ROWS = 4096;

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** ngspice's date format: `Tue Dec  1 11:36:29  2026` (local time). */
export function rawDate(d: Date): string {
  const two = (n: number) => String(n).padStart(2, "0");
  return `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2)} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}  ${d.getFullYear()}`;
}

/** C's `%.16e`: at least two exponent digits (1.5e-7 -> 1.5000000000000000e-07); nan, inf as C prints them. */
export function cExp(v: number): string {
  if (Number.isNaN(v)) return "nan";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  return v.toExponential(16).replace(/e([+-])(\d)$/, "e$10$2");
}

/** One line-safe header field: no newlines (a title could hold none anyway), no tabs in names. */
function oneLine(s: string): string {
  return s.replace(/[\r\n]+/g, " ");
}

export class RawSink implements WaveformSink {
  private readonly file: AtomicFile;
  private width = 0;
  private rows = 0;
  private pointsAt = -1;
  private chunk = new Float64Array(0);
  private inChunk = 0;

  constructor(
    readonly path: string,
    readonly encoding: RawEncoding,
    readonly opts: RawOptions,
  ) {
    this.file = new AtomicFile(path);
  }

  begin(columns: string[], units: string[]): void {
    const f = this.file;
    this.width = columns.length;
    f.write(`Title: ${oneLine(this.opts.title)}\n`);
    f.write(`Date: ${rawDate(this.opts.date ?? new Date())}\n`);
    f.write(`Plotname: ${oneLine(this.opts.plotname ?? "Transient Analysis")}\n`);
    f.write(`Flags: real\n`);
    f.write(`No. Variables: ${columns.length}\n`);
    f.write(`No. Points: `);
    this.pointsAt = f.position;
    f.write(`${"0".padEnd(POINTS_FIELD)}\n`);
    f.write(`Variables:\n`);
    columns.forEach((name, i) => f.write(`\t${i}\t${name.replace(/\s+/g, "_")}\t${TYPE_OF_UNIT[units[i]] ?? "notype"}\n`));
    if (this.encoding === "binary") {
      f.write(`Binary:\n`);
      this.chunk = new Float64Array(CHUNK_ROWS * this.width);
    } else {
      f.write(`Values:\n`);
    }
  }

  row(values: Float64Array): void {
    const w = this.width;
    if (this.encoding === "binary") {
      this.chunk.set(values.subarray(0, w), this.inChunk * w);
      if (++this.inChunk === CHUNK_ROWS) this.flushChunk();
    } else {
      let s = ` ${this.rows}`;
      for (let k = 0; k < w; k++) s += `\t${cExp(values[k])}\n`;
      this.file.write(s + "\n");
    }
    this.rows++;
  }

  private flushChunk(): void {
    if (!this.inChunk) return;
    const bytes = new Uint8Array(this.chunk.buffer, 0, this.inChunk * this.width * 8);
    if (!LITTLE_ENDIAN) {
      const le = new Uint8Array(bytes.length);
      const dv = new DataView(le.buffer);
      for (let i = 0; i < this.inChunk * this.width; i++) dv.setFloat64(8 * i, this.chunk[i], true);
      this.file.writeBytes(le);
    } else {
      this.file.writeBytes(bytes);
    }
    this.inChunk = 0;
  }

  finish(): void {
    this.flushChunk();
    this.file.patch(this.pointsAt, Buffer.from(String(this.rows).padEnd(POINTS_FIELD), "ascii"));
    this.file.commit();
  }

  abort(): void {
    this.file.abort();
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A parsed raw file (the subset eqspice writes: real data, one plot). */
export interface RawFile {
  title: string;
  date: string;
  plotname: string;
  flags: string;
  variables: Array<{ name: string; type: string }>;
  /** One array per variable, in order. */
  values: Float64Array[];
}

/** Read a real-valued, single-plot raw file (binary or ASCII), e.g. to check one eqspice wrote. */
export function parseRaw(buf: Uint8Array): RawFile {
  const text = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  let pos = 0;
  const line = (): string => {
    const nl = text.indexOf(10, pos);
    if (nl < 0) throw new Error("raw file: header ends early");
    const l = text.toString("latin1", pos, nl);
    pos = nl + 1;
    return l;
  };
  const head: Record<string, string> = {};
  const variables: Array<{ name: string; type: string }> = [];
  let data: "binary" | "ascii" | null = null;
  while (data === null) {
    const l = line();
    const m = /^([^:]+):\s?(.*)$/.exec(l);
    if (!m) throw new Error(`raw file: unexpected header line '${l}'`);
    const key = m[1].trim().toLowerCase();
    if (key === "variables") {
      const n = Number(head["no. variables"]);
      for (let i = 0; i < n; i++) {
        const parts = line().trim().split(/\s+/);
        variables.push({ name: parts[1], type: parts[2] });
      }
    } else if (key === "binary") data = "binary";
    else if (key === "values") data = "ascii";
    else head[key] = m[2].trim();
  }
  const nv = variables.length;
  const np = Number(head["no. points"]);
  const values = variables.map(() => new Float64Array(np));
  if (data === "binary") {
    const dv = new DataView(text.buffer, text.byteOffset + pos, np * nv * 8);
    for (let p = 0; p < np; p++) for (let v = 0; v < nv; v++) values[v][p] = dv.getFloat64(8 * (p * nv + v), true);
  } else {
    const tokens = text.toString("latin1", pos).split(/\s+/).filter((t) => t !== "");
    let t = 0;
    for (let p = 0; p < np; p++) {
      t++; // point index
      for (let v = 0; v < nv; v++) values[v][p] = Number(tokens[t++]);
    }
  }
  return { title: head.title ?? "", date: head.date ?? "", plotname: head.plotname ?? "", flags: head.flags ?? "", variables, values };
}
