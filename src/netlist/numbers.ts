/**
 * SPICE numbers: `1k`, `2.2u`, `1meg`, `3mil`, `1e-3`, `10kohm` (trailing
 * letters after the scale factor are ignored, as ngspice does).
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
  a: 1e-18,
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
  const rest = text.slice(m[0].length).toLowerCase();
  if (!/^[a-z]/.test(rest)) return NaN; // e.g. "1.2.3" or "5%"
  if (rest.startsWith("meg")) return base * 1e6;
  if (rest.startsWith("mil")) return base * 25.4e-6;
  const s = SCALE[rest[0]];
  return s === undefined ? base : base * s; // unknown letters are units: "5v", "3ohm"
}

/**
 * Rewrite engineering-suffixed numbers inside an expression into plain
 * numbers so a generic expression parser can read it: `2*1k` -> `2*1000`.
 */
export function normalizeExpressionNumbers(expr: string): string {
  return expr.replace(
    /(?<![A-Za-z_0-9.])((?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(meg|mil|[tgkmunpfa])([A-Za-z]*)/gi,
    (_all, num: string, suffix: string) => String(parseSpiceNumber(num + suffix)),
  );
}
