/**
 * SPICE numbers: `1k`, `2.2u`, `1meg`, `3mil`, `1e-3`, `10kohm` (trailing
 * letters after the scale factor are ignored, as ngspice does; other
 * characters after the number make it no number).
 */

const SCALE: Record<string, number> = {
  t: 1e12,
  g: 1e9,
  k: 1e3,
  m: 1e-3,
  u: 1e-6,
  n: 1e-9,
  p: 1e-12,
  f: 1e-15,
  // no `a` (atto): ngspice 39 reads `1A` as 1 (a unit letter, one ampere), in braces too
};

const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;

/** Parse a SPICE number; returns NaN when `text` is not one. */
export function parseSpiceNumber(text: string): number {
  // Fast path: digits, sign, point and exponent only (no suffix, no hex: 'x' is not accepted).
  let plain = text.length > 0;
  for (let i = 0; i < text.length && plain; i++) {
    const c = text.charCodeAt(i);
    plain = (c >= 48 && c <= 57) || c === 46 || c === 101 || c === 69 || c === 43 || c === 45;
  }
  if (plain) {
    const v = Number(text);
    if (v === v) return v;
  }
  const m = NUMBER_RE.exec(text);
  if (!m) return NaN;
  const base = Number(m[0]);
  if (m[0].length === text.length) return base;
  let rest = text.slice(m[0].length).toLowerCase();
  // ngspice 39 reads the micro sign (U+00B5, Latin-1's) as `u`; the Greek mu (U+03BC) is no scale factor there
  if (rest.charCodeAt(0) === 0xb5) rest = "u" + rest.slice(1);
  // A scale factor and units: a letter, then letters, digits or '_' (`1k2` is 1k, as in ngspice); units may be
  // written in other scripts too (`27°C`, `10kΩ`), which ngspice 39 reads as 27 and 10k.
  // Anything else ("1.2.3", "5%", "1k+1") is not a number.
  if (!/^[a-z\u0080-\uffff][a-z0-9_\u0080-\uffff]*$/.test(rest)) return NaN;
  if (rest.startsWith("meg")) return base * 1e6;
  if (rest.startsWith("mil")) return base * 25.4e-6;
  const s = SCALE[rest[0]];
  return s === undefined ? base : base * s; // unknown letters are units: "5v", "3ohm"
}
