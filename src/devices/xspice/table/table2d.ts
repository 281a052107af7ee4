/**
 * ngspice 39's table2d code model (src/xspice/icm/table/table2D): out =
 * offset + gain * f(inx, iny), f the bilinear interpolation of a table read
 * from a file (file.ts). The partials ngspice stamps are not those of the
 * bilinear output but gain times the ENO derivatives of order `order`
 * (eno.ts), evaluated at the offset from the cell in the input's unit and
 * divided by the local grid step, as its cfunc.mod computes them; beyond
 * the table the inputs are held at its edge and the partials ramp to zero
 * (axis.ts). The .ac gains are those partials. Inputs: V (%v, %vd) or A
 * (%i, %id, %vnam); the output: A by default (%i), or V (%v, %vd).
 */
import type { XBehaviour, XFileAccess, XModelDef, XParams } from "../models.js";
import { cell, locate, newPoint } from "./axis.js";
import { Eno2 } from "./eno.js";
import { loadTable, TABLE_INPUT, TABLE_OUTPUT, tableParams } from "./model.js";
import type { TableData } from "./file.js";

/** V00 (1-x)(1-y) + V10 x(1-y) + V01 (1-x)y + V11 xy at fractions x, y of cell (i, j) (interp.c's BilinearInterpolation). */
export function bilinear(x: number, y: number, i: number, j: number, td: ReadonlyArray<Float64Array>): number {
  const v00 = td[j][i];
  const v10 = td[j][i + 1];
  const v01 = td[j + 1][i];
  const v11 = td[j + 1][i + 1];
  return v00 * (1 - x) * (1 - y) + v10 * x * (1 - y) + v01 * (1 - x) * y + v11 * x * y;
}

function make(p: XParams, _nIn: number, data: unknown): XBehaviour {
  const t = data as { table: TableData; order: number };
  const [ax, ay] = t.table.axes;
  const rows = t.table.rows[0];
  const eno = new Eno2(t.order, ax.length, ay.length);
  eno.set(rows);
  const offset = p.get("offset") as number;
  const gain = p.get("gain") as number;
  const px = newPoint();
  const py = newPoint();
  const d = new Float64Array(3);
  const fr = new Float64Array(2);
  return {
    affine: false,
    evaluate(u, out) {
      locate(ax, u[0], px);
      locate(ay, u[1], py);
      eno.apply(px.ind, py.ind, px.off, py.off, "der", d);
      const i = cell(ax, px, fr, 0);
      const j = cell(ay, py, fr, 1);
      out[0] = offset + gain * bilinear(fr[0], fr[1], i, j, rows);
      out[1] = (px.ramp * gain * d[1]) / px.diff;
      out[2] = (py.ramp * gain * d[2]) / py.diff;
    },
  };
}

export const table2d: XModelDef = {
  ports: [
    { name: "inx", dir: "in", allowed: TABLE_INPUT },
    { name: "iny", dir: "in", allowed: TABLE_INPUT },
    { name: "out", dir: "out", allowed: TABLE_OUTPUT, defType: "i" },
  ],
  params: tableParams("2D-table-model.txt"),
  load: (p: XParams, io: XFileAccess) => loadTable(p, io, 2),
  make,
};
