/**
 * The branch a current-controlled device reads (F, H, a B source's i()),
 * looked up by name once every element exists (Device.resolve).
 */
import { NetlistError, type SourceLoc } from "../util/errors.js";
import { definesVoltage, type ResolveContext, type VoltageBranch } from "./types.js";

/**
 * The voltage branch named `name` (V, E, H, L or a V= B source), marked as
 * read so that it keeps its branch unknown; `unknown` and `notBranch` are
 * the messages when there is no such element or it has no branch current.
 */
export function controllingBranch(ctx: ResolveContext, name: string, loc: SourceLoc, unknown: string, notBranch: string): VoltageBranch {
  const c = ctx.device(name);
  if (!c) throw new NetlistError(unknown, loc);
  if (!definesVoltage(c)) throw new NetlistError(notBranch, loc);
  ctx.readCurrent(name);
  return c;
}
