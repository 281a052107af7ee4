/**
 * Export an annotated netlist as plain SPICE that ngspice runs: every
 * `*@crossbar` declaration becomes the R lines it stands for (element
 * `R<name>_<i>_<j>` from row node i to column node j, R = 1/g written with
 * C's `%.12g`); everything else is kept verbatim, so the other annotations
 * stay (as comments to ngspice) and eqspice can still train the exported
 * file. A trainable crossbar (`train`) is kept trainable by a `*@train`
 * line over its elements with the same bounds.
 *
 * The declaration line itself becomes a plain comment. When a `+`
 * continuation line follows the declaration (it continues the card before
 * it), the R lines go after that continued card. Relative `.include` paths
 * are rewritten when the exported file is written to another directory.
 */
import path from "node:path";
import { parseNetlist } from "./parser.js";
import { readAnnotations, type CrossbarSpec } from "./annotations.js";
import { InputError, NetlistError } from "../util/errors.js";
import { readInputFile } from "../util/read.js";

export interface ExportOptions {
  /**
   * Directory the exported text will be written to. Relative `.include`
   * paths of the top-level netlist are rewritten to stay valid from there.
   * Default: the netlist's own directory (paths kept as written).
   */
  outDir?: string;
}

/** C's `%.<p>g`: `p` significant digits, trailing zeros dropped, exponent form for exp < -4 or >= p. */
export function formatG(x: number, p = 12): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return "0";
  const [mant, e] = x.toExponential(p - 1).split("e");
  const exp = Number(e);
  const trim = (s: string) => (s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s);
  if (exp < -4 || exp >= p) {
    const ae = Math.abs(exp);
    return `${trim(mant)}e${exp < 0 ? "-" : "+"}${ae < 10 ? "0" : ""}${ae}`;
  }
  return trim(x.toFixed(Math.max(0, p - 1 - exp)));
}

/** The R lines of a crossbar (eqspice's element names and node names). */
export function crossbarLines(c: CrossbarSpec): string[] {
  const out: string[] = [];
  const N = c.cols.length;
  for (let i = 0; i < c.rows.length; i++) {
    for (let j = 0; j < N; j++) out.push(`R${c.name}_${i}_${j} ${c.rows[i]} ${c.cols[j]} ${formatG(1 / c.g[i * N + j])}`);
  }
  return out;
}

const INCLUDE_RE = /^(\s*\.inc(?:lude)?\s+)(["']?)([^"'\s]+)\2(.*)$/i;

/**
 * Export netlist text (named `file`, which anchors relative paths) as plain
 * SPICE. Throws InputError/NetlistError for a netlist eqspice cannot read.
 */
export function exportSpiceText(text: string, file: string, opts: ExportOptions = {}): string {
  const net = parseNetlist(text, file);
  const ann = readAnnotations(net);
  // Crossbars by the line of their declaration (annotations are read in order).
  const crossbarAt = new Map<number, CrossbarSpec>();
  for (const c of ann.crossbars) {
    if (c.loc.file !== file) {
      throw new NetlistError(`export-spice expands *@crossbar only in the top-level netlist; move this declaration into ${file}`, c.loc);
    }
    crossbarAt.set(c.loc.line, c);
  }

  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const lines = text.split("\n").map((l) => l.replace(/\r$/, ""));
  const srcDir = path.dirname(path.resolve(file));
  const outDir = opts.outDir ? path.resolve(opts.outDir) : srcDir;

  // Where each crossbar's lines go: after its line, or after the `+` lines that follow it.
  const insertAfter = new Map<number, string[]>();
  for (const [lineNo, c] of crossbarAt) {
    const i = lineNo - 1;
    let last = i;
    for (let j = i + 1; j < lines.length; j++) {
      const t = lines[j].trim();
      if (t === "" || t.startsWith("*")) continue;
      if (t.startsWith("+")) last = j;
      else break;
    }
    const block = [...(insertAfter.get(last) ?? [])];
    if (c.train) block.push(`*@train R${c.name}_*_* gmin=${formatG(c.gmin)} gmax=${formatG(c.gmax)}`);
    // (A loop, not push(...lines): a 784-input crossbar has 10^5 lines, past the spread argument limit.)
    for (const l of crossbarLines(c)) block.push(l);
    insertAfter.set(last, block);
  }

  const out: string[] = [];
  lines.forEach((line, i) => {
    if (crossbarAt.has(i + 1)) {
      out.push(`* eqspice export-spice expanded: ${line.trim().slice(2).trim()}`);
    } else if (i > 0 && outDir !== srcDir) {
      const m = INCLUDE_RE.exec(line);
      if (m && !path.isAbsolute(m[3])) {
        let rel = path.relative(outDir, path.resolve(srcDir, m[3])).split(path.sep).join("/");
        if (!rel) rel = ".";
        out.push(`${m[1]}${m[2]}${rel}${m[2]}${m[4]}`);
      } else out.push(line);
    } else out.push(line);
    const block = insertAfter.get(i);
    if (block) for (const l of block) out.push(l);
  });
  return out.join(eol);
}

/** Read a netlist file and export it as plain SPICE (see exportSpiceText). */
export function exportSpice(file: string, opts: ExportOptions = {}): string {
  const text = readInputFile(file, "netlist");
  return exportSpiceText(text, file, opts);
}
