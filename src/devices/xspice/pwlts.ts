/**
 * XSPICE's pwlts code model (ngspice 39's icm/analog/pwlts): the pwl
 * model's curve with the simulation time as its input,
 *
 *   Aname out model
 *   .model model pwlts (x_array=[t1 t2 ...] y_array=[y1 y2 ...]
 *   +   input_domain=0.01 fraction=TRUE limit=FALSE)
 *
 * with pwl's table extension, corner smoothing (input_domain, fraction) and
 * end behaviour (limit) (models.ts). At the operating point the time is 0.
 * ngspice 39 sets no breakpoints at the table's times, and neither does
 * eqspice: the corners are smoothed. The output port is an ideal source:
 * %v / %vd a voltage V(n+) - V(n-) = y (V), %i / %id a current y (A) from
 * n+ through the model to n-, as an I source. In AC it is 0.
 */
import { NetlistError, clip, type SourceLoc } from "../../util/errors.js";
import type { Token } from "../../netlist/lexer.js";
import type { ModelCard } from "../../netlist/ast.js";
import { resolveXspiceParams } from "./card.js";
import { XSPICE_MODELS, type XModelDef } from "./models.js";
import type { FileSourcePortSpec } from "./filesource.js";
import type { XLineScope } from "./line.js";

/** pwlts: pwl's parameters, one output port and no input. */
export const PWLTS: XModelDef = {
  ports: [{ name: "out", dir: "out", allowed: ["v", "vd", "i", "id"], defType: "v" }],
  params: XSPICE_MODELS.pwl.params,
};

/** The source of a pwlts `A` line (named as ngspice's branch, `a1#branch_0_0`). */
export function readPwltsLine(
  cardName: string,
  name: string,
  conns: ReadonlyArray<{ vector: boolean; ports: ReadonlyArray<{ type: string; nodes: Token[]; loc: SourceLoc }>; loc: SourceLoc }>,
  sc: XLineScope,
  card: ModelCard,
  modelTok: Token,
): FileSourcePortSpec {
  if (conns.length !== 1) throw new NetlistError(`${cardName}: code model pwlts has 1 port (out), the line connects ${conns.length}`, conns[1]?.loc ?? modelTok.loc);
  const c = conns[0];
  if (c.vector) throw new NetlistError(`${cardName}: port 'out' of pwlts is not a vector`, c.loc);
  const p = c.ports[0];
  const type = p.type || "v";
  if (!PWLTS.ports[0].allowed.includes(type as "v")) throw new NetlistError(`${cardName}: port type %${type} is not allowed on port 'out' of pwlts (allowed: %v %vd %i %id)`, p.loc);
  if (p.nodes.some((n) => n.lower === "null")) throw new NetlistError(`${cardName}: port 'out' of pwlts may not be NULL`, p.loc);
  const params = resolveXspiceParams(PWLTS, "pwlts", card.name, card.params, new Map(), sc.value, modelTok.loc);
  const x = params.get("x_array") as readonly number[];
  const y = params.get("y_array") as readonly number[];
  if (x.length !== y.length) throw new NetlistError(`.model ${card.name}: x_array has ${x.length} values, y_array ${y.length}: they must be as many`, card.params.get("y_array")!.loc);
  for (let k = 1; k < x.length; k++) {
    if (!(x[k] > x[k - 1])) throw new NetlistError(`.model ${card.name}: x_array (times) must increase (x[${k}] = ${clip(String(x[k]))} after ${x[k - 1]})`, card.params.get("x_array")!.loc);
  }
  const curve = XSPICE_MODELS.pwl.make!(params, 1);
  const u = new Float64Array(1);
  const out = new Float64Array(2);
  const at = (t: number): number => {
    u[0] = t;
    curve.evaluate(u, out);
    return out[0];
  };
  return {
    type: type === "i" || type === "id" ? "i" : "v",
    name: `${name}#branch_0_0`,
    nodes: [sc.mapNode(p.nodes[0].lower), p.nodes[1] ? sc.mapNode(p.nodes[1].lower) : "0"],
    source: { dc: at(0), wave: { kind: "curve", at } },
    loc: p.loc,
    nodeToks: [p.nodes[0], p.nodes[1] ?? p.nodes[0]],
  };
}
