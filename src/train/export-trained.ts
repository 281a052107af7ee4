/**
 * Write the trained circuit as plain SPICE: the original netlist text with
 * each trainable resistor's value replaced by its learned resistance, and
 * `*@crossbar` declarations expanded into R lines (so ngspice runs it and
 * eqspice can keep training it). Values are written with 12 significant
 * digits (R = 1/g, ohms).
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Circuit } from "../circuit/circuit.js";
import type { Resistor } from "../devices/resistor/resistor.js";
import { InputError } from "../util/errors.js";

function ohms(g: number): string {
  return (1 / g).toPrecision(12);
}

/**
 * @param bounds the conductance range training used when it overrode the
 *   netlist's (`--gmin`/`--gmax`, S): written into every `*@train` line and
 *   expanded crossbar, so that training on from trained.cir keeps them.
 */
export function trainedNetlist(c: Circuit, bounds: { gmin?: number; gmax?: number } = {}, readout: Record<string, string | number> = {}): string {
  const lines = readFileSync(c.file, "utf8").split("\n");
  const topFile = resolve(c.file);
  /** line number (1-based) -> replacement text */
  const replace = new Map<number, string>();
  const crossbarLines = new Map<number, { devs: Resistor[]; train: Set<Resistor>; gmin: number; gmax: number }>();
  // Every crossbar (trainable or not) is expanded, so ngspice sees its resistors.
  for (const d of c.deviceByName.values()) {
    const loc = c.locOf(d.name);
    if (!loc || resolve(loc.file) !== topFile || !/^\s*\*@crossbar/i.test(lines[loc.line - 1] ?? "")) continue;
    const entry = crossbarLines.get(loc.line) ?? { devs: [], train: new Set(), gmin: 0, gmax: 0 };
    entry.devs.push(d as Resistor);
    crossbarLines.set(loc.line, entry);
  }
  for (const t of c.ports.trainable) {
    const d = t.device;
    const loc = c.locOf(d.name);
    if (!loc || resolve(loc.file) !== topFile) {
      throw new InputError(`trainable resistor '${d.name}' is defined in another file (${loc?.file}): trained.cir can only rewrite the top-level netlist`);
    }
    if (d.name.includes(".")) throw new InputError(`trainable resistor '${d.name}' is inside a subcircuit: trained.cir cannot give each instance its own value`);
    const text = lines[loc.line - 1] ?? "";
    const cb = crossbarLines.get(loc.line);
    if (cb) {
      cb.train.add(d);
      cb.gmin = bounds.gmin ?? t.gmin;
      cb.gmax = bounds.gmax ?? t.gmax;
      continue;
    }
    if (/^\s*\+/.test(lines[loc.line] ?? "")) {
      throw new InputError(`${loc.file}:${loc.line}: trainable resistor '${d.name}' continues on a '+' line: write it on one line to export it`);
    }
    const tokens = text.trim().split(/\s+/);
    replace.set(loc.line, `${tokens[0]} ${tokens[1]} ${tokens[2]} ${ohms(d.g)}`);
  }
  // Trained current sources (biases): `NAME n+ n- DC value` with the learned current (A).
  for (const b of c.ports.biases) {
    const d = b.device;
    const loc = c.locOf(d.name);
    if (!loc || resolve(loc.file) !== topFile) throw new InputError(`trainable current source '${d.name}' is defined in another file (${loc?.file}): trained.cir can only rewrite the top-level netlist`);
    if (d.name.includes(".")) throw new InputError(`trainable current source '${d.name}' is inside a subcircuit: trained.cir cannot give each instance its own value`);
    if (/^\s*\+/.test(lines[loc.line] ?? "")) throw new InputError(`${loc.file}:${loc.line}: trainable current source '${d.name}' continues on a '+' line: write it on one line to export it`);
    const tokens = (lines[loc.line - 1] ?? "").trim().split(/\s+/);
    replace.set(loc.line, `${tokens[0]} ${tokens[1]} ${tokens[2]} DC ${d.dc.toPrecision(12)}`);
  }
  const out: string[] = [];
  lines.forEach((line, i) => {
    const n = i + 1;
    const cb = crossbarLines.get(n);
    if (cb) {
      out.push(`* expanded from: ${line.trim().replace(/^\*@/, "")}`);
      for (const d of cb.devs) out.push(`${d.name.toUpperCase()} ${c.nodeNames[d.a]} ${c.nodeNames[d.b]} ${ohms(d.g)}`);
      if (cb.train.size) out.push(`*@train ${[...cb.train].map((d) => d.name).join(" ")} gmin=${cb.gmin} gmax=${cb.gmax}`);
    } else if (/^\s*\*@train\b/i.test(line) && (bounds.gmin !== undefined || bounds.gmax !== undefined)) out.push(withBounds(line, bounds));
    else out.push(replace.get(n) ?? line);
  });
  return withReadout(out, readout).join("\n");
}

/**
 * The read-out the circuit was trained with (e.g. vin, targets, target), as
 * `*@defaults` keys: set on the netlist's first `*@defaults` line (replacing
 * its values of those keys), or on a new one after the title line. So
 * `eqspice eval trained.cir` drives the inputs as training did, whatever
 * flags the training run was given.
 */
function withReadout(lines: string[], readout: Record<string, string | number>): string[] {
  const keys = Object.keys(readout);
  if (!keys.length) return lines;
  const at = lines.findIndex((l) => /^\s*\*@defaults\b/i.test(l));
  const words = at >= 0 ? lines[at]!.trim().split(/\s+/).slice(1) : [];
  const kept = words.filter((w) => !keys.includes(w.slice(0, w.indexOf("=")).toLowerCase()));
  const line = `*@defaults ${[...kept, ...keys.map((k) => `${k}=${readout[k]}`)].join(" ")}`;
  const out = lines.slice();
  if (at >= 0) out[at] = line;
  else out.splice(Math.min(1, out.length), 0, "* the read-out training used (eqspice eval reads it):", line);
  return out;
}

/** A `*@train` line with its gmin=/gmax= replaced by the bounds given (lines without them name other devices, e.g. biases, or use the defaults). */
function withBounds(line: string, bounds: { gmin?: number; gmax?: number }): string {
  let out = line.replace(/\s+$/, "");
  for (const key of ["gmin", "gmax"] as const) {
    const v = bounds[key];
    if (v === undefined) continue;
    const re = new RegExp(`(\\s${key}=)\\S+`, "i");
    out = out.replace(re, `$1${v}`);
  }
  return out;
}
