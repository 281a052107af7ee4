/**
 * Waveform sinks: where a transient's rows go. `begin` receives the column
 * names ("time", "v(node)", "i(source)") and units ("s", "V", "A"), `row` one
 * row per output time (the array is reused by the caller: copy what you
 * keep), then exactly one of `finish` (success) or `abort` (failure).
 */
export interface WaveformSink {
  begin(columns: string[], units: string[]): void;
  row(values: Float64Array): void;
  finish(): void;
  abort(): void;
}

/** Sends every call to each of `sinks`. */
export class TeeSink implements WaveformSink {
  constructor(readonly sinks: WaveformSink[]) {}
  begin(columns: string[], units: string[]): void {
    for (const s of this.sinks) s.begin(columns, units);
  }
  row(values: Float64Array): void {
    for (const s of this.sinks) s.row(values);
  }
  finish(): void {
    for (const s of this.sinks) s.finish();
  }
  abort(): void {
    for (const s of this.sinks) s.abort();
  }
}

/** Format a number for text output: shortest round-trip decimal (JSON-safe: non-finite -> null). */
export function fmtNumber(v: number): string {
  return Number.isFinite(v) ? String(v) : "null";
}
