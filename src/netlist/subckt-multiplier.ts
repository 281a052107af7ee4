/**
 * ngspice 39's subcircuit multiplier (inpcom.c, inp_fix_subckt_multiplier):
 * when an X line gives `m=` to a subcircuit whose header does not declare
 * `m`, the subcircuit gains the parameter `m=1` and every line of its body
 * but comments, .model cards and the elements b v e h a k n o p s t u w y
 * gets ` m={m}` appended. The appended value is read last, so it replaces an
 * `m=` the line had (ngspice's parameters are set in order: `R1 a b 1k m=3`
 * in a subcircuit called with m=10 is 1k/10, not 1k/30). The X lines of the
 * body get it too, so the multiplier reaches nested subcircuits.
 *
 * Rewritten once per definition, for every instance of it (an instance
 * without m= passes m=1, which replaces its elements' own m= as in ngspice).
 * ngspice makes one pass over the deck in file order, so a nested
 * subcircuit whose caller's body comes earlier in the file than the X line
 * with m= is not reached there; eqspice follows the calls to the end.
 */
import type { ElementCard, Scope, SubcktDef } from "./ast.js";
import type { Token } from "./lexer.js";
import { isAssignAt } from "./element-args.js";

/** Element letters ngspice leaves without the multiplier. */
const NO_MULTIPLIER = "bvehaknopstuwy";

const givesM = (card: ElementCard): Token | undefined => card.args.find((_, k) => isAssignAt(card.args, k, "m"));

/** The subcircuit name an X line calls: its last word before the parameters. */
function calledName(card: ElementCard): string | undefined {
  let name: string | undefined;
  for (let k = 0; k < card.args.length; k++) {
    const t = card.args[k];
    if (t.kind === "word" && (t.lower === "params:" || card.args[k + 1]?.kind === "=")) break;
    if (t.kind === "word") name = t.lower;
  }
  return name;
}

function addMultiplier(def: SubcktDef, at: Token): void {
  def.params.push({ name: "m", value: { kind: "word", text: "1", lower: "1", loc: at.loc }, loc: at.loc });
  for (const card of def.body.elements) {
    if (NO_MULTIPLIER.includes(card.letter)) continue;
    const args: Token[] = [];
    for (let k = 0; k < card.args.length; k++) {
      if (isAssignAt(card.args, k, "m") && card.args[k + 2]) {
        k += 2; // replaced by the appended m={m}
        continue;
      }
      args.push(card.args[k]);
    }
    const loc = card.args[card.args.length - 1]?.loc ?? card.loc;
    args.push({ kind: "word", text: "m", lower: "m", loc }, { kind: "=", text: "=", lower: "=", loc }, { kind: "expr", text: "m", lower: "m", loc });
    card.args = args;
  }
}

/** Apply the multiplier rewrite to every subcircuit some X line calls with m= (top scope and all bodies). */
export function fixSubcktMultipliers(top: Scope): void {
  // a rewritten definition declares m, so it is not rewritten again
  let changed = true;
  while (changed) {
    changed = false;
    const walk = (scope: Scope, chain: Array<Map<string, SubcktDef>>): void => {
      const here = [scope.subckts, ...chain];
      for (const card of scope.elements) {
        if (card.letter !== "x") continue;
        const m = givesM(card);
        const name = m && calledName(card);
        if (!m || !name) continue;
        let def: SubcktDef | undefined;
        for (const map of here) if ((def = map.get(name))) break;
        if (!def || def.params.some((p) => p.name === "m")) continue;
        addMultiplier(def, m);
        changed = true;
      }
      for (const def of scope.subckts.values()) walk(def.body, here);
    };
    walk(top, []);
  }
}
