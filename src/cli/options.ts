/** Parsing helpers for CLI option values (SPICE numbers accepted: 1u, 10k). */
import { InputError } from "../netlist/errors.js";
import { parseSpiceNumber } from "../netlist/numbers.js";

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
