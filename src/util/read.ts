/**
 * Reading user-named files: a missing or unreadable file is bad input,
 * reported by what it was. Reads are bounded: a file larger than its cap is
 * refused (before reading, when its size is known), and `regular: true`
 * refuses anything but a regular file, so `.include /dev/zero` or a FIFO
 * cannot hang or exhaust memory.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { isAscii } from "node:buffer";
import { InputError } from "../util/errors.js";

/** Default cap on a file's size (bytes): 128 MiB, twice the largest netlist the builders write (DRN-1H, 784-1024-10, expanded). */
export const MAX_INPUT_BYTES = 128 * 1024 * 1024;

export interface ReadOptions {
  /** Largest size accepted (bytes). Default MAX_INPUT_BYTES. */
  maxBytes?: number;
  /** Accept only a regular file (not a directory, device, FIFO or socket). Default false. */
  regular?: boolean;
}

function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(bytes < 1024 * 1024 ? 2 : 0)} MiB`;
}

/** The file's bytes, or an InputError naming `what` and the problem. */
export function readInputBytes(path: string, what: string, opts: ReadOptions = {}): Buffer {
  const max = opts.maxBytes ?? MAX_INPUT_BYTES;
  const fail = (why: string): never => {
    throw new InputError(`cannot read ${what} '${path}': ${why}`);
  };
  let fd: number;
  try {
    // Only regular files wanted: open without blocking (a FIFO with no writer would wait forever), then refuse it.
    fd = openSync(path, opts.regular ? constants.O_RDONLY | constants.O_NONBLOCK : constants.O_RDONLY);
  } catch (e) {
    return fail(String((e as NodeJS.ErrnoException).code ?? e));
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) fail("it is a directory");
    if (opts.regular && !st.isFile()) fail(`not a regular file (${kindOf(st)})`);
    if (st.isFile() && st.size > max) fail(`${mib(st.size)} is larger than the ${mib(max)} limit`);
    // Read in chunks up to the cap (a device or pipe has no size to check first).
    const chunks: Buffer[] = [];
    let total = 0;
    const chunk = st.isFile() ? Math.min(Math.max(st.size + 1, 1), max + 1) : 1 << 20;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(chunk, max + 1 - total));
      let n: number;
      try {
        n = readSync(fd, buf, 0, buf.length, null);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === "EAGAIN") fail("nothing to read (an empty pipe or device)");
        return fail(String(code ?? e));
      }
      if (n === 0) break;
      chunks.push(n === buf.length ? buf : buf.subarray(0, n));
      total += n;
      if (total > max) fail(`larger than the ${mib(max)} limit`);
    }
    return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}

function kindOf(st: import("node:fs").Stats): string {
  if (st.isFIFO()) return "a FIFO";
  if (st.isCharacterDevice()) return "a character device";
  if (st.isBlockDevice()) return "a block device";
  if (st.isSocket()) return "a socket";
  return "not a file";
}

/** The file's text (UTF-8), or an InputError "cannot read <what> '<path>': <why>". */
export function readInputFile(path: string, what: string, opts: ReadOptions = {}): string {
  const bytes = readInputBytes(path, what, opts);
  // ASCII (every netlist we generate) decodes as Latin-1 by a plain copy, twice as fast as UTF-8 validation.
  return isAscii(bytes) ? bytes.toString("latin1") : bytes.toString("utf8");
}
