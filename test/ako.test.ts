/**
 * PSpice AKO model cards (netlist/ako.ts) against a live ngspice 39 in its
 * PSpice mode (`set ngbehavior=psa` in the decks' .spiceinit, where
 * pspice_compat's ako_model copies the base card): parameters overridden
 * and kept, at the top level and in a subcircuit, a base read after the
 * card, an AKO of an AKO; bad cards as NetlistErrors at file:line:col.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { describeNgspice, itNgspice } from "./helpers/ngspice.js";
import { TIGHT, ngspiceDecks } from "./helpers/ngspice-compare.js";
import { netlistErrorOf } from "./helpers/netlist-errors.js";

const { dir, compare } = ngspiceDecks("ako");
writeFileSync(path.join(dir, ".spiceinit"), "set ngbehavior=psa\n");

describeNgspice("AKO models against ngspice 39's PSpice mode", () => {
  itNgspice("copies of a BJT and a diode card with parameters overridden", () => {
    compare("ako-op", [
      "ako op", TIGHT,
      "vcc vcc 0 5", "vb b 0 0.7",
      // the copy before its base
      ".model qhi AKO:qbase NPN (BF=300 VAF=50)",
      ".model qbase NPN(IS=2e-15 BF=100 RB=100 VAF=80)",
      ".model qhi2 AKO:qhi NPN(IS=4e-15)",
      "rc1 vcc c1 1k", "q1 c1 b 0 qbase",
      "rc2 vcc c2 1k", "q2 c2 b 0 qhi",
      "rc3 vcc c3 1k", "q3 c3 b 0 qhi2",
      ".model dbase D(IS=1e-14 N=1.2 RS=5)",
      "x1 vcc d1 cell", "x2 vcc d2 cell2",
      ".subckt cell top out",
      "r1 top out 2k", "d1 out 0 dk",
      ".model dk AKO:dloc D(N=1.5)",
      ".model dloc D(IS=1e-13 RS=20)",
      ".ends",
      ".subckt cell2 top out",
      "r1 top out 2k", "d1 out 0 dtop",
      // a base found at the top level
      ".model dtop AKO:dbase D (RS=50)",
      ".ends",
    ]);
  });
});

describe("AKO models: bad cards", () => {
  it("names file:line:col", () => {
    const deck = (m: string): string => `t\nv1 a 0 1\nd1 a 0 dk\n.model db D(IS=1e-14)\n${m}\n.end\n`;
    expect(netlistErrorOf(deck(".model dk AKO:db (N=2)")).message).toMatch(/bad\.cir:5:18: .*needs its type after AKO:db \(D,/);
    expect(netlistErrorOf(deck(".model dk AKO:db NPN(BF=2)")).message).toMatch(/bad\.cir:5:18: .*type NPN differs from D/);
    expect(netlistErrorOf(deck(".model dk AKO:dx D(N=2)")).message).toMatch(/bad\.cir:5:11: .*model dx .* is not defined/);
    expect(netlistErrorOf(deck(".model dk AKO:dk D(N=2)")).message).toMatch(/bad\.cir:5:11: .*in a loop/);
    // a subcircuit's model is not seen from the top level
    expect(netlistErrorOf("t\nv1 a 0 1\nd1 a 0 dk\n.subckt s a\n.model db D\n.ends\n.model dk AKO:db D(N=2)\n.end\n").message).toMatch(/bad\.cir:7:11: .*model db .* is not defined/);
  });
});
