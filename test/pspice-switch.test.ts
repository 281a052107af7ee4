/**
 * PSpice's VSWITCH and ISWITCH switch models (netlist/pspice-switch.ts)
 * against a live ngspice 39 in its PSpice mode (`set ngbehavior=psa` in the
 * decks' .spiceinit: "ps" with "a", so that pspice_compat translates the
 * deck itself, not only its .include files):
 * VON/VOFF cards as ngspice's pswitch / aswitch, VT/VH cards as its SW /
 * CSW, their defaults, in and out of subcircuits; bad cards as
 * NetlistErrors at file:line:col.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { describeNgspice, itNgspice } from "./helpers/ngspice.js";
import { TIGHT, ngspiceDecks } from "./helpers/ngspice-compare.js";
import { netlistErrorOf } from "./helpers/netlist-errors.js";
import { loadCircuitFromText, operatingPoint } from "../src/api.js";

const { dir, compare, compareDc } = ngspiceDecks("pspice-switch");
writeFileSync(path.join(dir, ".spiceinit"), "set ngbehavior=psa\n");

const MODELS = [
  ".model swr VSWITCH(VON=1.1 VOFF=0.9 RON=1k ROFF=1e12)",
  ".model swf VSWITCH ( VON = {0.2} VOFF = {0.8} RON=50 )",
  // RON and ROFF missing: 1 and 1e6 ohm (a card without VON or VOFF makes ngspice 39 free memory twice: see below)
  ".model swd VSWITCH(VON=0.6 VOFF=0)",
  // VT/VH: ngspice's SW, ROFF 1e12 (not 1/GMIN)
  ".model swh VSWITCH(VT=0.5 VH=0.1 RON=10)",
  ".model iwr ISWITCH(ION=2m IOFF=0.5m RON=20 ROFF=1e5)",
  ".model iwh ISWITCH(IT=1m IH=0.2m RON=5)",
];

const DECK = [
  "vc c 0 0", "v2 in 0 2", "vdd vdd 0 5", ...MODELS,
  "r1 in o1 1k", "s1 o1 0 c 0 swr",
  "r2 in o2 1k", "s2 o2 0 c 0 swf",
  "r3 in o3 100k", "s3 o3 0 c 0 swd",
  "r4 vdd o4 1k", "s4 0 o4 c 0 swh",
  "r6 in o6 10", "s6 o6 m6 c 0 swr", "r6b m6 0 10",
  "x1 c in o7 cell",
  ".subckt cell ctl top out",
  "rl top out 2k",
  "s1 out 0 ctl 0 swl",
  ".model swl VSWITCH(VON=1.5 VOFF=0.5 RON=100 ROFF=1meg)",
  ".ends",
  // the current control: 1k from c, through the 0 V source vm
  "rc c mc 1k", "vm mc 0 0",
  "r5 in o5 1k", "w5 o5 0 vm iwr",
];

describeNgspice("VSWITCH / ISWITCH against ngspice 39's PSpice mode", () => {
  itNgspice("operating points inside the switching ranges", () => {
    compare("vswitch-op", ["vswitch op", TIGHT, ...DECK.map((l) => (l === "vc c 0 0" ? "vc c 0 1.02" : l))]);
  });
  itNgspice(".dc sweep of the control through every switch's range", () => {
    compareDc("vswitch-sweep", ["vswitch sweep", ...DECK.filter((l) => !l.startsWith("s4 ") && !l.startsWith("r4 "))], "vc -1 3 0.01");
  });
  itNgspice("VT/VH and IT/IH cards: ngspice's SW and CSW, off and on", () => {
    for (const v of ["0.2", "0.9"]) compare(`vswitch-sw-${v}`, ["vswitch sw", TIGHT, `vc c 0 ${v}`, "vdd vdd 0 5", ...MODELS, "r4 vdd o4 1k", "s4 0 o4 c 0 swh", "r5 vdd o5 1k", "s5 0 o5 c 0 swh on", "rc c mc 300", "vm mc 0 0", "r7 vdd o7 1k", "w7 o7 0 vm iwh", "r8 vdd o8 1e13", "s8 o8 0 0 0 swh"]);
  });
});

describe("VSWITCH / ISWITCH without VON or VOFF (ION or IOFF)", () => {
  // ngspice 39's pspice_compat writes cntl_on=1 / cntl_off=0 for them, then frees the new card text and uses it
  // (a double free: it crashes); eqspice takes the values it means to write, PSpice's defaults
  it("reads the missing one as 1 (VON, ION) or 0 (VOFF, IOFF)", () => {
    const op = (m: string, el: string): number => operatingPoint(loadCircuitFromText(`t\nvc c 0 0.45\nrc c mc 100\nvm mc 0 0\nv2 in 0 2\nr1 in o 1k\n${el}\n${m}\n.end\n`)).nodes.o;
    const s = "s1 o 0 c 0 sw";
    const w = "w1 o 0 vm sw";
    expect(op(".model sw VSWITCH(VON=0.6)", s)).toBe(op(".model sw VSWITCH(VON=0.6 VOFF=0)", s));
    expect(op(".model sw VSWITCH(VOFF=0.2)", s)).toBe(op(".model sw VSWITCH(VON=1 VOFF=0.2)", s));
    expect(op(".model sw ISWITCH(ION=6m)", w)).toBe(op(".model sw ISWITCH(ION=6m IOFF=0)", w));
    expect(op(".model sw ISWITCH(IOFF=2m)", w)).toBe(op(".model sw ISWITCH(ION=1 IOFF=2m)", w));
    // and the values matter: inside the switching range
    expect(op(".model sw VSWITCH(VON=0.6)", s)).not.toBe(op(".model sw VSWITCH(VON=0.6 VOFF=0.1)", s));
  });
});

describe("VSWITCH / ISWITCH: bad cards", () => {
  it("names file:line:col", () => {
    const deck = (m: string, el = "s1 a 0 c 0 sw"): string => `t\nv1 c 0 1\nr1 c a 1k\n${el}\n${m}\n.end\n`;
    expect(netlistErrorOf(deck(".model sw VSWITCH(RON=1 ROFF=1e6)")).message).toMatch(/bad\.cir:5:11: .*needs VON\/VOFF .* or VT\/VH/);
    expect(netlistErrorOf(deck(".model sw ISWITCH(RON=1)", "w1 a 0 v1 sw")).message).toMatch(/bad\.cir:5:11: .*needs ION\/IOFF .* or IT\/IH/);
    expect(netlistErrorOf(deck(".model sw VSWITCH(VON=1 VT=1)")).message).toMatch(/bad\.cir:5:23: .*VON\/VOFF cannot be given with VT\/VH/);
    expect(netlistErrorOf(deck(".model sw VSWITCH(VON=1 TD=1n)")).message).toMatch(/bad\.cir:5:28: .*TD .* is not supported/);
    expect(netlistErrorOf(deck(".model sw VSWITCH(VON=1 XYZ=2)")).message).toMatch(/bad\.cir:5:29: unknown VSWITCH switch model parameter 'xyz'/);
    expect(netlistErrorOf(deck(".model sw VSWITCH(VON=1 ROFF=-1)")).message).toMatch(/bad\.cir:5:30: .*ROFF must be positive/);
    expect(netlistErrorOf(deck(".model sw ISWITCH(ION=1m IOFF=1m)", "w1 a 0 v1 sw")).message).toMatch(/bad\.cir:5:23: .*ION and IOFF must differ/);
    expect(netlistErrorOf(deck(".model sw VSWITCH(VON=1)", "w1 a 0 v1 sw")).message).toMatch(/bad\.cir:4:11: .*is a VSWITCH model .*not a current-controlled switch model/);
    expect(netlistErrorOf(deck(".model sw ISWITCH(ION=1)")).message).toMatch(/bad\.cir:4:12: .*is a ISWITCH model .*not a voltage-controlled switch model/);
    expect(netlistErrorOf(deck(".model sw ISWITCH(ION=1m)", "w1 a 0 vx sw")).message).toMatch(/bad\.cir:4:8: .*vx/);
    expect(netlistErrorOf(deck(".model sw VSWITCH(VON=1)", "s1 a 0 c 0 sw\n.ac dec 1 1 10")).message).toMatch(/pswitch gives AC gains/);
  });
});
