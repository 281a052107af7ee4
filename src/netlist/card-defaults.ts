/**
 * Instance parameters written on a `.model` card. ngspice 39 (inpgmod.c)
 * reads a name on a card that is not a model parameter of the device but is
 * one of its instance parameters as the default of every instance of the
 * model that does not give it (inpdpar.c applies the card's list before the
 * instance line's own); M and LEVEL excepted. Vendors' macromodels rely on
 * it (`.MODEL NMI NMOS(L=2.00U W=42.0U KP=20.0U)`).
 *
 * The parser keeps such names in ModelCard.instanceDefaults; the element
 * readers take the ones eqspice models (a MOSFET's geometry, a BJT's or
 * JFET's area: CARD_DEFAULTS_READ) and refuse the others where the model is
 * used (refuseUnreadDefaults), rather than drop what ngspice would use.
 */
import { NetlistError, clip } from "../util/errors.js";
import type { ModelCard } from "./ast.js";

/** Per model type, the instance parameters of ngspice 39's device (its instance tables) that no model parameter shadows. */
export const CARD_INSTANCE_PARAMS: Readonly<Record<string, ReadonlySet<string>>> = (() => {
  const mos = new Set("l w ad as pd ps nrd nrs icvds icvgs icvbs temp dtemp ic".split(" "));
  const bjt = new Set("area areab areac icvbe icvce temp dtemp ic".split(" "));
  const jfet = new Set("area ic temp dtemp".split(" "));
  // the diode's AREA, PJ, LM, ... are model parameters too (dio.c): only these are instance-only
  const diode = new Set("w l ic temp dtemp".split(" "));
  // MES, MESA, HFETA (one card type for all): their instance-only names (M is a model parameter of MESA and HFETA)
  const z = new Set("area l w icvds icvgs ic temp dtemp ts td".split(" "));
  return { nmos: mos, pmos: mos, npn: bjt, pnp: bjt, njf: jfet, pjf: jfet, d: diode, nmf: z, pmf: z, nhfet: z, phfet: z };
})();

/** The card defaults each element reads (the others are refused). */
export const CARD_DEFAULTS_READ: Readonly<Record<string, ReadonlySet<string>>> = {
  m: new Set("l w ad as pd ps nrd nrs".split(" ")),
  q: new Set(["area"]),
  j: new Set(["area"]),
  d: new Set<string>(),
  z: new Set<string>(),
};

/**
 * Refuse, at the card's token, an instance default on `card` that element
 * kind `kind` does not read: ngspice would apply it to `elementName`.
 */
export function refuseUnreadDefaults(card: ModelCard | undefined, kind: keyof typeof CARD_DEFAULTS_READ, elementName: string): void {
  if (!card?.instanceDefaults) return;
  const read = CARD_DEFAULTS_READ[kind];
  for (const [key, tok] of card.instanceDefaults) {
    if (read.has(key)) continue;
    throw new NetlistError(
      `.model ${clip(card.name)}: ${key.toUpperCase()}= on the card is, in ngspice 39, the default ${key.toUpperCase()} of its instances (here ${elementName}); eqspice applies only ${[...read].map((k) => k.toUpperCase()).join(" ") || "no"} card defaults for this device: refused rather than dropped`,
      tok.loc,
    );
  }
}
