/**
 * A file written under a temporary name in the same directory and renamed
 * to its final name only when complete, so a failed run leaves no
 * half-written file under the final name. Writes are buffered (64 KiB).
 */
import { closeSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";

const CHUNK = 1 << 16;

/** Temporary name next to `path`: `.NAME.PID.RANDOM.tmp`. */
export function tempNameFor(path: string, tag = "tmp"): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.${tag}`);
}

export class AtomicFile {
  readonly tempPath: string;
  private fd: number;
  private parts: string[] = [];
  private size = 0;
  private done = false;

  constructor(readonly path: string) {
    this.tempPath = tempNameFor(path);
    this.fd = openSync(this.tempPath, "w");
  }

  write(s: string): void {
    this.parts.push(s);
    this.size += s.length;
    if (this.size >= CHUNK) this.flush();
  }

  /** Raw bytes (flushes buffered text first). */
  writeBytes(b: Uint8Array): void {
    this.flush();
    writeSync(this.fd, b);
  }

  private flush(): void {
    if (!this.parts.length) return;
    writeSync(this.fd, this.parts.join(""));
    this.parts = [];
    this.size = 0;
  }

  /** Finish: flush, close and rename onto the final name. */
  commit(): void {
    if (this.done) return;
    this.flush();
    closeSync(this.fd);
    this.done = true;
    renameSync(this.tempPath, this.path);
  }

  /** Give up: close and delete the temporary file (the final name is untouched). */
  abort(): void {
    if (this.done) return;
    this.done = true;
    try {
      closeSync(this.fd);
    } catch {
      /* already closed */
    }
    try {
      unlinkSync(this.tempPath);
    } catch {
      /* already gone */
    }
  }
}

/**
 * Buffered writer to an open file descriptor (stdout: 1). When the reader
 * goes away (EPIPE, `eqspice tran x.cir | head`), further output is dropped.
 */
export class FdWriter {
  private parts: string[] = [];
  private size = 0;
  /** True once the reader closed the pipe. */
  closed = false;
  constructor(readonly fd: number) {}
  write(s: string): void {
    if (this.closed) return;
    this.parts.push(s);
    this.size += s.length;
    if (this.size >= CHUNK) this.flush();
  }
  flush(): void {
    if (!this.parts.length) return;
    const text = this.parts.join("");
    this.parts = [];
    this.size = 0;
    try {
      writeAll(this.fd, text);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EPIPE") throw e;
      this.closed = true;
    }
  }
}

/** writeSync until everything is written (stdout may be a pipe that takes partial writes or is busy). */
function writeAll(fd: number, text: string): void {
  let buf = Buffer.from(text, "utf8");
  while (buf.length) {
    try {
      const n = writeSync(fd, buf);
      buf = buf.subarray(n);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EAGAIN") throw e;
    }
  }
}
