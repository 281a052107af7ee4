/**
 * Command-line options. The training commands' flags (train, gradcheck,
 * eval) are derived from their declarations (train/option-specs.ts): the
 * flag, its value's parser and its help with bounds and default. The other
 * commands' values use the parsers below (SPICE numbers accepted: 1u, 10k).
 */
import type { Command } from "commander";
import { InputError } from "../util/errors.js";
import { parseSpiceNumber } from "../netlist/numbers.js";
import { constraintText, defaultText, optionSpec, optionsOf, parseOptionText, type OptionField, type OptionValues, type Use } from "../train/option-specs.js";

export function num(name: string) {
  return (v: string): number => {
    const x = parseSpiceNumber(v.trim());
    if (!Number.isFinite(x)) throw new InputError(`${name}: not a number: '${v}'`);
    return x;
  };
}

export function int(name: string) {
  return (v: string): number => {
    const x = Number(v);
    if (!Number.isInteger(x)) throw new InputError(`${name}: not an integer: '${v}'`);
    return x;
  };
}

export function oneOf<T extends string>(name: string, values: readonly T[]) {
  return (v: string): T => {
    const l = v.toLowerCase() as T;
    if (!values.includes(l)) throw new InputError(`${name}: '${v}' is not one of ${values.join(", ")}`);
    return l;
  };
}

/** The help line of an option in a command: doc; valid values (default ...). */
export function optionHelp(field: OptionField, use: Use): string {
  const s = optionSpec(field);
  const doc = s.docFor?.[use] ?? s.doc;
  const valid = s.kind === "string" || s.kind === "bool" ? "" : `; ${constraintText(s)}`;
  const d = defaultText(field, use);
  return `${doc}${valid}${d !== undefined ? ` (default: ${d})` : ""}`;
}

/** `--flag <arg>` (or `--flag` for a switch). */
export function optionFlags(field: OptionField): string {
  const s = optionSpec(field);
  return s.kind === "bool" ? `--${s.flag}` : `--${s.flag} <${s.arg ?? "value"}>`;
}

/** Add the options `use` takes to a command, as declared. Values are parsed to their type here; bounds are checked by the job. */
export function addOptionFlags(cmd: Command, use: Use): Command {
  for (const field of optionsOf(use)) {
    const s = optionSpec(field);
    const flag = `--${s.flag}`;
    const parse =
      s.kind === "bool" || s.kind === "string"
        ? undefined
        : (text: string) => {
            const r = parseOptionText(field, text);
            if ("error" in r) throw new InputError(`${flag}: ${r.error}`);
            return r.value;
          };
    if (s.required) cmd.requiredOption(optionFlags(field), optionHelp(field, use), parse as (t: string) => unknown);
    else if (parse) cmd.option(optionFlags(field), optionHelp(field, use), parse);
    else cmd.option(optionFlags(field), optionHelp(field, use));
  }
  return cmd;
}

/** Commander's name of a flag's value: `--lr-decay` -> lrDecay. */
const attribute = (flag: string) => flag.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** The option values of parsed flags (commander's `opts()`), by option field. */
export function optionValuesFromFlags(use: Use, flags: Record<string, unknown>): OptionValues {
  const out: Record<string, unknown> = {};
  for (const field of optionsOf(use)) {
    const v = flags[attribute(optionSpec(field).flag)];
    if (v !== undefined) out[field] = v;
  }
  return out as OptionValues;
}
