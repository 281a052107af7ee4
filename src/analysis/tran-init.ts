/**
 * The state a transient starts from (t = 0):
 *  - without `uic`: the DC operating point (sources at their DC values), with
 *    every `.ic` node held at its value during that solve, as ngspice does
 *    (a 1e10 S clamp to the given voltage, so the error is below 1e-10 V per
 *    100 mA; a node with a branch current on it has its row replaced instead,
 *    as ngspice's ZeroNoncurRow: Engine.icRows); the clamps are released for
 *    the transient. A `.nodeset` on an
 *    `.ic` node gives way to the `.ic` (see op.ts);
 *  - with `uic`: no solve; free nodes take their `.ic` voltage (0 V when not
 *    given), branch currents 0; a capacitor with `IC=` starts at that voltage
 *    (its state is set by the integrator's start, see tran.ts) and, when one
 *    end is not free (ground or a fixed node), sets the other end's voltage.
 */
import type { Engine } from "./engine.js";
import { solveDc } from "./op.js";

/** Clamp conductance of `.ic` nodes during the initial operating point (S). */
export const IC_CLAMP = 1e10;

export function initialState(engine: Engine, uic: boolean): void {
  const c = engine.circuit;
  if (uic) {
    engine.x.fill(0);
    for (const [node, v] of c.ics) {
      const u = c.unknownOfNode[node];
      if (u >= 0) engine.x[u] = v;
    }
    // Devices with initial conditions on their own unknowns (an inductor's ic= current).
    for (const d of c.devices) d.uicState?.(engine.x);
    engine.setPoint("tran", 0, 1, null);
    // A capacitor IC= from a free node to a node that is not free sets that node.
    for (const d of c.devices) {
      const cap = d.linearCapacitance?.();
      if (!cap || cap.ic === undefined) continue;
      const ua = c.unknownOfNode[cap.a];
      const ub = c.unknownOfNode[cap.b];
      if (ua >= 0 && ub < 0) engine.x[ua] = engine.V[cap.b] + cap.ic;
      else if (ub >= 0 && ua < 0) engine.x[ub] = engine.V[cap.a] - cap.ic;
    }
    engine.syncVoltages();
    return;
  }
  if (c.ics.size) {
    const g = new Float64Array(c.nFree);
    const j = new Float64Array(c.nFree);
    // ngspice's cktload.c: a row with branch-current columns keeps them and loses its node-voltage entries
    // (an inductor's current on the node is then set by that row: 0 A with the node at its .ic); a row of node
    // voltages only becomes V = ic, which the clamp gives to within I / 1e10
    const icRow = new Map<number, { zero: number[]; branch: boolean }>();
    for (const node of c.ics.keys()) if (c.unknownOfNode[node] >= 0) icRow.set(c.unknownOfNode[node], { zero: [], branch: false });
    const { rows: pr, cols: pc } = engine.sys.pattern;
    for (let h = 1; h < pr.length; h++) {
      const r = icRow.get(pr[h]);
      if (!r) continue;
      if (pc[h] >= c.nFree) r.branch = true;
      else r.zero.push(h);
    }
    const rows: NonNullable<Engine["icRows"]> = [];
    for (const [node, v] of c.ics) {
      const u = c.unknownOfNode[node];
      const r = icRow.get(u);
      if (!r) continue;
      if (r.branch) {
        rows.push({ u, v, diag: engine.sys.diag(u), zero: Int32Array.from(r.zero) });
        continue;
      }
      g[u] = IC_CLAMP;
      j[u] = -IC_CLAMP * v;
    }
    engine.nodeStamps = { g, j };
    engine.icRows = rows.length ? rows : null;
  }
  // The sources at their t = 0 values, not their DC values (ngspice's MODETRANOP: `V1 a 0 DC 0 PWL(0 0.9 ...)` starts at 0.9 V)
  engine.tranOp = true;
  try {
    solveDc(engine, { icNodes: new Set(c.ics.keys()) });
  } finally {
    engine.tranOp = false;
    engine.nodeStamps = null;
    engine.icRows = null;
    engine.invalidate();
  }
}
