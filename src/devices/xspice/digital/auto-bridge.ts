/**
 * ngspice 39's automatic bridges (src/xspice/evt/evtcheck_nodes.c, its
 * default digital bridges): a digital node whose name is also an analog
 * node's is joined to it by
 *
 * - an adc_bridge (in_low = in_high = vcc / 2: ZERO at or below vcc / 2,
 *   else ONE) when digital models only read it;
 * - a dac_bridge (out_low 0, out_high vcc, out_undef vcc / 2, an ideal
 *   voltage source to ground) when digital models only drive it;
 *
 * where vcc (V) is the parameter `vcc` in scope at the digital lines, else
 * 3.3; when the lines see different values of vcc the bridges are refused
 * (ngspice's numparam lookup lets a subcircuit's .param vcc answer for the
 * top level, which the scopes here do not follow). A node both read and driven by digital models
 * would take a bidi_bridge, which eqspice does not model: refused. The
 * event node and the analog node keep their one name, in their two
 * namespaces (event.ts). A `.control` block setting ngspice's auto_bridge*
 * variables (other bridges, or none) is refused when a bridge is needed.
 */
import { NetlistError, formatLoc, type SourceLoc } from "../../../util/errors.js";
import type { ElementSpec } from "../../../netlist/elaborate.js";
import type { XspiceSpec } from "../line.js";
import type { DigitalPin } from "./event.js";

/** Add the bridges the specs `out` need (plain resistor lines' nodes in `fastNodes`), marking the bridged pins. */
export function insertAutoBridges(out: ElementSpec[], fastNodes: readonly string[], controlVars: ReadonlyArray<{ name: string; loc: SourceLoc }> = []): void {
  const digital = out.filter((s): s is XspiceSpec => s.type === "a" && (s as XspiceSpec).digital !== undefined);
  if (digital.length === 0) return;
  const analog = new Set<string>(fastNodes);
  for (const s of out) for (const n of s.nodes) analog.add(n);
  const nodes = new Map<string, { reads: DigitalPin[]; drives: DigitalPin[]; vcc: number }>();
  const see = (p: DigitalPin | null, drives: boolean, vcc: number): void => {
    if (!p || p.real || !analog.has(p.node)) return;
    let e = nodes.get(p.node);
    if (!e) nodes.set(p.node, (e = { reads: [], drives: [], vcc }));
    (drives ? e.drives : e.reads).push(p);
  };
  for (const s of digital) {
    const d = s.digital!;
    if (d.kind === "model") {
      for (const p of d.dIn) see(p, false, d.vcc);
      for (const p of d.dOut) see(p, true, d.vcc);
    } else if (d.kind === "adc") see(d.out, true, d.vcc);
    else see(d.in, false, d.vcc);
  }
  /** ngspice names a bridge per direction and vcc (auto_adc0, ...), its nodes the bits of its vectors. */
  const groups = new Map<string, { name: string; bits: number }>();
  let count = 0;
  if (nodes.size > 0 && controlVars.length > 0) {
    const v = controlVars[0];
    throw new NetlistError(`'${v.name}' in the .control block sets ngspice's automatic bridges, which eqspice does not read, and digital node '${nodes.keys().next().value}' needs one: connect the digital and analog nodes through an adc_bridge or dac_bridge instead`, v.loc);
  }
  // ngspice reads vcc for a bridge through its numparam table, where a subcircuit's .param vcc also answers the
  // top level's lookups (evtcheck_nodes.c): only one vcc over all the digital lines is certain to be ngspice's
  if (nodes.size > 0) {
    const other = digital.find((s) => s.digital!.vcc !== digital[0].digital!.vcc);
    if (other) {
      const [node, e] = nodes.entries().next().value!;
      throw new NetlistError(`digital node '${node}' is also an analog node and needs an automatic bridge, whose vcc ngspice 39 looks up in a way that differs from the scopes when the digital lines see different values of the parameter vcc (${digital[0].digital!.vcc} V at ${formatLoc(digital[0].loc)}, ${other.digital!.vcc} V at ${formatLoc(other.loc)}): connect the nodes through an adc_bridge or dac_bridge`, [...e.reads, ...e.drives][0].loc);
    }
  }
  for (const [node, e] of nodes) {
    const pins = [...e.reads, ...e.drives];
    if (e.reads.length && e.drives.length) {
      throw new NetlistError(`digital node '${node}' is also an analog node and digital models both read and drive it: ngspice 39 would join them with an automatic bidi_bridge, which eqspice does not model (connect them through an adc_bridge or dac_bridge)`, e.drives[0].loc);
    }
    for (const p of pins) p.bridged = true;
    const adc = e.drives.length === 0;
    const key = `${adc ? "adc" : "dac"}:${e.vcc}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { name: `auto_${adc ? "adc" : "dac"}${count++}`, bits: 0 }));
    const name = g.bits === 0 ? g.name : `${g.name}#bit${g.bits}`;
    g.bits++;
    const pin: DigitalPin = { node, invert: false, loc: pins[0].loc, bridged: true };
    const base = { type: "a" as const, name, nodes: [node, "0"], params: new Map(), loc: pins[0].loc };
    if (adc) {
      out.push({ ...base, model: "adc_bridge", modelName: "auto_adc", out: "v", inputs: [{ kind: "v", p: 0, n: 1 }], digital: { kind: "adc", out: pin, inLow: e.vcc / 2, inHigh: e.vcc / 2, vcc: e.vcc } });
    } else {
      out.push({ ...base, model: "dac_bridge", modelName: "auto_dac", out: "v", inputs: [], digital: { kind: "dac", in: pin, levels: [0, e.vcc, e.vcc / 2], vcc: e.vcc } });
    }
  }
}
