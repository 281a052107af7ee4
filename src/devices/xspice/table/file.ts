/**
 * The table files of ngspice 39's table2d and table3d code models, read as
 * their init_local_data (src/xspice/icm/table/table{2,3}D/cfunc.mod) reads
 * them:
 *
 *   * comment (a line whose first character is '*')
 *   ix                        the number of x values (a line of its own)
 *   iy                        the number of y values
 *   iz                        (table3d only) the number of z values
 *   x0 x1 ... x(ix-1)         the x axis, one line
 *   y0 y1 ... y(iy-1)         the y axis, one line
 *   z0 z1 ... z(iz-1)         (table3d only) the z axis, one line
 *   f(x0,y0) ... f(x(ix-1),y0)   then one line per y value: iy lines
 *   ...                          (table3d: iy lines per z value, iz blocks)
 *
 * A "line" is as ngspice cuts it: up to a '\n' together with the '\n's that
 * follow it (so empty lines join the line before). Values are separated by
 * white space, '=', '(', ')' or ','; each is a number with an optional
 * SPICE scale suffix (t g k u n p f m meg mil; no 'a'), read by
 * cnv_get_spice_value (gettokens.c); a size line's value is truncated to an
 * integer.
 *
 * Where ngspice 39 reads garbage or memory it does not own, or refuses the
 * table and leaves the model without an output, this reader throws a
 * TableFileError (a message and the table file's line number) instead: a
 * value that is not a number (ngspice reads 0), fewer data rows than iy
 * (ngspice reads 0s) or more (ngspice writes past its table), axes that do
 * not increase, sizes too small for the interpolation order.
 */

export class TableFileError extends Error {
  constructor(
    message: string,
    /** The table file's line (1-based) the error is at, or 0 for the whole file. */
    readonly line: number,
  ) {
    super(message);
  }
}

/** A table read from its file: the axes (in their units, V or A) and the values, row-major (x fastest). */
export interface TableData {
  /** The axes: x, y (and z for a 3-D table), each strictly increasing. */
  readonly axes: readonly Float64Array[];
  /** 2-D: data[j][i] = f(x_i, y_j); 3-D: data[k][j][i] = f(x_i, y_j, z_k), as rows data3[k][j]. */
  readonly rows: ReadonlyArray<ReadonlyArray<Float64Array>>;
}

/** ngspice's CNVgettok separators: C isspace, '=', '(', ')', ','. */
const SEP = /[ \t\n\v\f\r=(),]+/;

/** The value tokens of a line (CNVgettok). */
function tokens(line: string): string[] {
  return line.split(SEP).filter((t) => t.length > 0);
}

const isAlpha = (c: string): boolean => /^[A-Za-z]$/.test(c);
const isSpace = (c: string): boolean => /^[ \t\n\v\f\r]$/.test(c);

/**
 * cnv_get_spice_value (gettokens.c): the number at the start of `str` (up to
 * a letter other than e/E or a space) times the scale of the letter there.
 * Returns undefined where ngspice's sscanf finds no number (ngspice then
 * reads 0) or does not take the whole numeric part ("1.2.3": ngspice reads 1.2).
 */
export function spiceValue(str: string): number | undefined {
  const len = Math.min(str.length, 81);
  let i = 0;
  let c = " ";
  for (; i < len; i++) {
    c = str[i];
    if ((isAlpha(c) && c !== "E" && c !== "e") || isSpace(c)) break;
  }
  const num = str.slice(0, i);
  let scale = 1;
  if (i < len && isAlpha(c)) {
    switch (c.toLowerCase()) {
      case "t": scale = 1e12; break;
      case "g": scale = 1e9; break;
      case "k": scale = 1e3; break;
      case "u": scale = 1e-6; break;
      case "n": scale = 1e-9; break;
      case "p": scale = 1e-12; break;
      case "f": scale = 1e-15; break;
      case "m": {
        const c1 = i + 1 < len ? str[i + 1] : "";
        scale = c1 && isAlpha(c1) ? (c1.toUpperCase() === "E" ? 1e6 : c1.toUpperCase() === "I" ? 25.4e-6 : 1e-3) : 1e-3;
        break;
      }
      default:
        scale = 1;
    }
  }
  // what C's "%le" takes (no inf/nan/hex here: their letters end the numeric part above)
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(num)) return undefined;
  return Number(num) * scale;
}

/** The file cut into ngspice's lines, each with its 1-based line number and whether it ends the file. */
interface Line {
  text: string;
  no: number;
  last: boolean;
}

function cutLines(text: string): Line[] {
  const out: Line[] = [];
  let no = 1;
  let p = 0;
  while (p < text.length) {
    const nl = text.indexOf("\n", p);
    let end = nl < 0 ? text.length : nl + 1;
    while (end < text.length && text[end] === "\n") end++;
    const s = text.slice(p, end);
    out.push({ text: s, no, last: end >= text.length });
    for (let k = 0; k < s.length; k++) if (s[k] === "\n") no++;
    p = end;
  }
  return out;
}

/** How the reader names line `l`'s first token for a message. */
const show = (s: string): string => (s.length > 40 ? `${s.slice(0, 40)}...` : s);

/**
 * Read a table file of `dims` axes (2: table2d, 3: table3d) for ENO order
 * `order` (the model's order parameter, at least 2).
 */
export function readTableFile(text: string, dims: 2 | 3, order: number): TableData {
  const lines = cutLines(text);
  const names = ["x", "y", "z"];
  const sizes: number[] = [];
  const axes: Float64Array[] = [];
  let li = 0;
  let lastNo = 0;
  // the header: dims size lines, then dims axis lines; comment lines ('*' or a line starting with '\n') skipped
  while (axes.length < dims) {
    const l = lines[li++];
    if (!l) {
      const want = sizes.length < dims ? `the number of ${names[sizes.length]} values` : `the ${names[axes.length]} axis`;
      throw new TableFileError(`the file ends before ${want} (a table${dims}d file holds ${dims} size lines, ${dims} axis lines, then the table)`, lastNo);
    }
    lastNo = l.no;
    if (l.text[0] === "*" || l.text[0] === "\n") continue;
    if (sizes.length < dims) {
      const v = spiceValue(l.text);
      if (v === undefined) throw new TableFileError(`the number of ${names[sizes.length]} values must be a number at the start of the line, not '${show(l.text.trim())}'`, l.no);
      const n = Math.trunc(v);
      sizes.push(n);
      continue;
    }
    const d = axes.length;
    const n = sizes[d];
    const min = d === 0 ? Math.max(2, order) : 2 * order - 2;
    if (n < min) {
      const why = d === 0 ? `order=${order} needs at least ${min}` : `order=${order} needs at least 2*order-2 = ${min}; ngspice: "ng=${2 * order - 2} is too big"`;
      throw new TableFileError(`the table has ${n} ${names[d]} value${n === 1 ? "" : "s"} (its size line): ${why}`, l.no);
    }
    const toks = tokens(l.text);
    if (toks.length > n) throw new TableFileError(`too many numbers in the ${names[d]} axis: ${toks.length}, the size line says ${n} (ngspice: "Too many numbers in ${names[d]} row.")`, l.no);
    if (toks.length < n) throw new TableFileError(`not enough numbers in the ${names[d]} axis: ${toks.length}, the size line says ${n} (ngspice: "Not enough numbers in ${names[d]} row.")`, l.no);
    const a = new Float64Array(n);
    toks.forEach((t, k) => {
      const v = spiceValue(t);
      if (v === undefined) throw new TableFileError(`'${show(t)}' in the ${names[d]} axis is not a number (ngspice 39 would read it as 0)`, l.no);
      a[k] = v;
    });
    for (let k = 1; k < n; k++) {
      if (!(a[k] > a[k - 1])) throw new TableFileError(`the ${names[d]} axis must increase: value ${k + 1} (${a[k]}) after ${a[k - 1]}`, l.no);
    }
    axes.push(a);
  }
  const [nx, ny] = sizes;
  const nz = dims === 3 ? sizes[2] : 1;
  const rows: Float64Array[][] = [];
  let block: Float64Array[] = [];
  const need = ny * nz;
  let got = 0;
  for (; li < lines.length; li++) {
    const l = lines[li];
    lastNo = l.no;
    if (l.text[0] === "*") {
      // ngspice 39 gives up at a comment that ends the file ("Not enough data in file", even when the table is complete for table2d)
      if (l.last && (dims === 2 || got < need)) throw new TableFileError(`a comment line ends the file: ngspice 39 then refuses the table ("Not enough data in file")${got < need ? `, and ${need - got} of its ${need} rows are missing` : ""}`, l.no);
      continue;
    }
    if (got === need) {
      if (dims === 3) break; // table3d stops reading when its tables are full
      throw new TableFileError(`more data rows than the ${ny} y values (ngspice 39 writes them past the end of its table)`, l.no);
    }
    const toks = tokens(l.text);
    const where = dims === 2 ? `row ${got + 1} (y = ${axes[1][got]})` : `row ${(got % ny) + 1} of table ${Math.floor(got / ny) + 1} (y = ${axes[1][got % ny]}, z = ${axes[2][Math.floor(got / ny)]})`;
    if (toks.length > nx) throw new TableFileError(`too many numbers in data ${where}: ${toks.length}, the x axis has ${nx}`, l.no);
    if (toks.length < nx) throw new TableFileError(`not enough numbers in data ${where}: ${toks.length}, the x axis has ${nx}`, l.no);
    const r = new Float64Array(nx);
    toks.forEach((t, k) => {
      const v = spiceValue(t);
      if (v === undefined) throw new TableFileError(`'${show(t)}' in data ${where} is not a number (ngspice 39 would read it as 0)`, l.no);
      r[k] = v;
    });
    block.push(r);
    got++;
    if (block.length === ny) {
      rows.push(block);
      block = [];
    }
  }
  if (got < need) {
    const what = dims === 2 ? `${got} data rows, the y axis has ${ny} (ngspice 39 reads the missing rows as 0)` : `${got} data rows, ${nz} tables of ${ny} rows need ${need} (ngspice: "Not enough data in file")`;
    throw new TableFileError(`not enough data: ${what}`, lastNo);
  }
  return { axes, rows };
}
