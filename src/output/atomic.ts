/**
 * A file written under a temporary name in the same directory and renamed
 * to its final name only when complete, so a failed run leaves no
 * half-written file under the final name. Writes are buffered (64 KiB).
 *
 * An output that cannot be created (missing directory, no permission, a
 * directory in the way) is bad input: an InputError naming the path and the
 * reason, raised before anything runs (checkWritable, or the constructor).
 */
import { closeSync, openSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { InputError } from "../util/errors.js";

const CHUNK = 1 << 16;

/** Why `path` cannot be written, in words, or null when it can be (as far as a check before writing can tell). */
function unwritableReason(path: string): string | null {
  const dir = dirname(path);
  let d;
  try {
    d = statSync(dir);
  } catch {
    return `directory ${dir} does not exist`;
  }
  if (!d.isDirectory()) return `${dir} is not a directory`;
  try {
    if (statSync(path).isDirectory()) return "it is a directory";
  } catch {
    /* does not exist yet: fine */
  }
  return null;
}

/** Throw an InputError when `path` cannot be written as an output file (`what`: e.g. "--out"). */
export function checkWritable(path: string, what = "output"): void {
  const why = unwritableReason(path);
  if (why) throw new InputError(`${what}: cannot write ${path}: ${why}`);
}

/** openSync for an output file, with failures as InputErrors naming the file. */
export function openOutput(path: string, flags: string, shownAs = path): number {
  try {
    return openSync(path, flags);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = unwritableReason(shownAs) ?? (err.code === "EACCES" || err.code === "EPERM" ? "permission denied" : err.code === "EROFS" ? "read-only file system" : err.message);
    throw new InputError(`cannot write ${shownAs}: ${why}`);
  }
}

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
  /** Bytes written to the file so far (buffered text not counted). */
  private flushed = 0;

  constructor(readonly path: string) {
    this.tempPath = tempNameFor(path);
    this.fd = openOutput(this.tempPath, "w", path);
  }

  /** Byte offset at which the next write lands (flushes buffered text). */
  get position(): number {
    this.flush();
    return this.flushed;
  }

  /** Overwrite bytes already written, at byte `offset` (e.g. a count in a header, known only at the end). */
  patch(offset: number, b: Uint8Array): void {
    this.flush();
    if (offset + b.length > this.flushed) throw new Error(`internal: patch of ${this.path} past its end`);
    let off = 0;
    while (off < b.length) off += writeSync(this.fd, b, off, b.length - off, offset + off);
  }

  write(s: string): void {
    this.parts.push(s);
    this.size += s.length;
    if (this.size >= CHUNK) this.flush();
  }

  /** Raw bytes (flushes buffered text first). */
  writeBytes(b: Uint8Array): void {
    this.flush();
    let off = 0;
    while (off < b.length) off += writeSync(this.fd, b, off, b.length - off, this.flushed + off);
    this.flushed += b.length;
  }

  private flush(): void {
    if (!this.parts.length) return;
    const buf = Buffer.from(this.parts.join(""), "utf8");
    this.parts = [];
    this.size = 0;
    this.writeBytes(buf);
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
