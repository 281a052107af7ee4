/**
 * ngspice 39's table3d code model (src/xspice/icm/table/table3D): out =
 * offset + gain * f(inx, iny, inz), f the trilinear interpolation of a
 * table read from a file (file.ts), with ENO partials as table2d's
 * (table2d.ts). The .ac gains are ngspice's: its cfunc.mod writes the z
 * partial into iny's AC gain and leaves inz's at 0, so in .ac the y input
 * acts with the z partial and the z input not at all.
 */
import type { XBehaviour, XFileAccess, XModelDef, XParams } from "../models.js";
import { cell, locate, newPoint } from "./axis.js";
import { Eno3 } from "./eno.js";
import { loadTable, TABLE_INPUT, TABLE_OUTPUT, tableParams } from "./model.js";
import type { TableData } from "./file.js";

/** The trilinear interpolation at fractions x, y, z of cell (i, j, k) (interp.c's TrilinearInterpolation, its order of terms). */
export function trilinear(x: number, y: number, z: number, i: number, j: number, k: number, td: ReadonlyArray<ReadonlyArray<Float64Array>>): number {
  const v000 = td[k][j][i];
  const v100 = td[k][j][i + 1];
  const v010 = td[k][j + 1][i];
  const v001 = td[k + 1][j][i];
  const v101 = td[k + 1][j][i + 1];
  const v011 = td[k + 1][j + 1][i];
  const v110 = td[k][j + 1][i + 1];
  const v111 = td[k + 1][j + 1][i + 1];
  return (
    v000 * (1 - x) * (1 - y) * (1 - z) +
    v100 * x * (1 - y) * (1 - z) +
    v010 * (1 - x) * y * (1 - z) +
    v001 * (1 - x) * (1 - y) * z +
    v101 * x * (1 - y) * z +
    v011 * (1 - x) * y * z +
    v110 * x * y * (1 - z) +
    v111 * x * y * z
  );
}

function make(p: XParams, _nIn: number, data: unknown): XBehaviour {
  const t = data as { table: TableData; order: number };
  const [ax, ay, az] = t.table.axes;
  const td = t.table.rows;
  const eno = new Eno3(t.order, ax.length, ay.length, az.length);
  eno.set(td);
  const offset = p.get("offset") as number;
  const gain = p.get("gain") as number;
  const px = newPoint();
  const py = newPoint();
  const pz = newPoint();
  const d = new Float64Array(4);
  const fr = new Float64Array(3);
  return {
    affine: false,
    evaluate(u, out, ac) {
      locate(ax, u[0], px);
      locate(ay, u[1], py);
      locate(az, u[2], pz);
      eno.apply(px.ind, py.ind, pz.ind, px.off, py.off, pz.off, "der", d);
      const i = cell(ax, px, fr, 0);
      const j = cell(ay, py, fr, 1);
      const k = cell(az, pz, fr, 2);
      out[0] = offset + gain * trilinear(fr[0], fr[1], fr[2], i, j, k, td);
      out[1] = (px.ramp * gain * d[1]) / px.diff;
      out[2] = (py.ramp * gain * d[2]) / py.diff;
      out[3] = (pz.ramp * gain * d[3]) / pz.diff;
      if (ac) {
        // cfunc.mod's AC branch: AC_GAIN(out, iny) is set twice, the second time to the z partial; inz's stays 0
        out[2] = out[3];
        out[3] = 0;
      }
    },
  };
}

export const table3d: XModelDef = {
  ports: [
    { name: "inx", dir: "in", allowed: TABLE_INPUT },
    { name: "iny", dir: "in", allowed: TABLE_INPUT },
    { name: "inz", dir: "in", allowed: TABLE_INPUT },
    { name: "out", dir: "out", allowed: TABLE_OUTPUT, defType: "i" },
  ],
  params: tableParams("3D-table-model.txt"),
  load: (p: XParams, io: XFileAccess) => loadTable(p, io, 3),
  make,
};
