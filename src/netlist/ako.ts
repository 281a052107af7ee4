/**
 * PSpice's AKO ("a kind of") model cards,
 *
 *   .model NAME AKO:BASE TYPE (param=value ...)
 *
 * a copy of `.model BASE` with the parameters given overriding its own, as
 * ngspice 39's PSpice mode reads them (inpcom.c, ako_model / find_model:
 * the card becomes `.model NAME TYPE <BASE's parameters> <these>`, the last
 * of a name winning). BASE is looked for among the models of the card's own
 * subcircuit (not those of enclosing or nested ones), then at the top
 * level; TYPE must be written and be BASE's type (ngspice: "Original and
 * new type for AKO model disagree"). eqspice reads AKO cards always (the
 * form is unambiguous), once the whole netlist is read (BASE may come
 * later), an AKO of an AKO card included.
 */
import type { ModelCard, Scope } from "./ast.js";
import type { Token } from "./lexer.js";
import { readModelCard } from "./model-card.js";
import { NetlistError, clip, formatLoc, type SourceLoc } from "../util/errors.js";

/** An AKO `.model` card as read (`args`: the tokens after `.model`), with the scope it is in. */
export interface AkoCard {
  args: Token[];
  loc: SourceLoc;
  scope: Scope;
}

/** True for the tokens of an AKO card (`NAME AKO:BASE ...`). */
export function isAkoCard(args: readonly Token[]): boolean {
  return args[1]?.kind === "word" && args[1].lower.startsWith("ako:");
}

/**
 * The model cards of the AKO cards `akos`, in their order; `store(card,
 * scope, written)` keeps each (a base resolved before the cards that copy
 * it). `hasExpressions` is told when a card has an expression.
 */
export function resolveAkoCards(akos: readonly AkoCard[], top: Scope, warnings: string[], store: (card: ModelCard, scope: Scope, written: string) => void, hasExpressions: () => void): void {
  const pending = new Map<AkoCard, "todo" | "busy" | "done">(akos.map((a) => [a, "todo"]));
  const find = (scope: Scope, name: string): ModelCard | AkoCard | undefined => {
    for (const s of scope === top ? [top] : [scope, top]) {
      const m = s.models.get(name);
      if (m) return m;
      const a = akos.find((x) => x.scope === s && x.args[0].lower === name);
      if (a) return a;
    }
    return undefined;
  };
  const resolve = (a: AkoCard): void => {
    const state = pending.get(a)!;
    if (state === "done") return;
    const [nameTok, akoTok, typeTok, ...rest] = a.args;
    if (state === "busy") throw new NetlistError(`.model ${nameTok.text}: AKO models copy each other in a loop`, akoTok.loc);
    pending.set(a, "busy");
    const baseName = akoTok.lower.slice(4);
    if (!baseName) throw new NetlistError(`.model ${nameTok.text}: AKO: names no model (write AKO:BASE TYPE (params))`, akoTok.loc);
    let base = find(a.scope, baseName);
    if (base && "args" in base) {
      resolve(base);
      base = find(a.scope, baseName);
    }
    if (!base || "args" in base) throw new NetlistError(`.model ${nameTok.text}: the model ${clip(baseName)} it is a kind of (AKO) is not defined in its subcircuit or at the top level`, akoTok.loc);
    if (!typeTok || typeTok.kind !== "word") {
      throw new NetlistError(`.model ${nameTok.text}: an AKO model needs its type after AKO:${clip(baseName)} (${base.type.toUpperCase()}, the type of .model ${base.name} at ${formatLoc(base.loc)}), as ngspice 39 reads it`, typeTok?.loc ?? akoTok.loc);
    }
    const { card, hasExpressions: expr, written } = readModelCard([nameTok, typeTok, ...rest], a.loc, warnings);
    if (card.type !== base.type) {
      throw new NetlistError(`.model ${nameTok.text}: type ${typeTok.text} differs from ${base.type.toUpperCase()}, the type of .model ${base.name} at ${formatLoc(base.loc)} it is a kind of (ngspice: "Original and new type for AKO model disagree")`, typeTok.loc);
    }
    if (expr) hasExpressions();
    const merged = <V>(b: Map<string, V> | undefined, c: Map<string, V> | undefined): Map<string, V> | undefined => (b || c ? new Map([...(b ?? []), ...(c ?? [])]) : undefined);
    const out: ModelCard = { ...card, params: merged(base.params, card.params)! };
    const inst = merged(base.instanceDefaults, card.instanceDefaults);
    if (inst?.size) out.instanceDefaults = inst;
    const values = merged(base.values, card.values);
    if (values) out.values = values;
    store(out, a.scope, written);
    pending.set(a, "done");
  };
  for (const a of akos) resolve(a);
}
