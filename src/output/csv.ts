/**
 * CSV waveforms: a header `time,v(node),...,i(source),...` then one row per
 * output time, numbers at full precision (shortest round-trip decimal).
 * To a file (atomically: temporary name, renamed on finish) or to stdout.
 */
import { AtomicFile, FdWriter } from "./atomic.js";
import { fmtNumber, type WaveformSink } from "./sink.js";

interface TextOut {
  write(s: string): void;
}

export class CsvSink implements WaveformSink {
  private readonly file: AtomicFile | null;
  private readonly out: TextOut;
  private readonly fdOut: FdWriter | null;

  /** @param path output file, or undefined for stdout */
  constructor(path?: string) {
    if (path !== undefined) {
      this.file = new AtomicFile(path);
      this.out = this.file;
      this.fdOut = null;
    } else {
      this.file = null;
      this.fdOut = new FdWriter(1);
      this.out = this.fdOut;
    }
  }

  begin(columns: string[]): void {
    this.out.write(columns.map(csvField).join(",") + "\n");
  }

  row(values: Float64Array): void {
    let s = fmtNumber(values[0]);
    for (let k = 1; k < values.length; k++) s += "," + fmtNumber(values[k]);
    this.out.write(s + "\n");
  }

  finish(): void {
    if (this.file) this.file.commit();
    else this.fdOut!.flush();
  }

  abort(): void {
    if (this.file) this.file.abort();
    else this.fdOut!.flush();
  }
}

/** Quote a CSV field when it holds a comma, quote or newline. */
function csvField(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
