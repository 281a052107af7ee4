/**
 * MOSFET model binning (`.model nch.1 nmos (... lmin lmax wmin wmax)`, an
 * instance naming `nch`) against live ngspice 39 (skipped with one warning
 * when it is missing). What ngspice 39 does, measured with these decks:
 * the card of the exact name first; else the first `nch.N` card in file
 * order with LMIN <= L <= LMAX and WMIN <= W <= WMAX, BOTH ends inclusive
 * to 1e-9 m (L = LMAX + 0.99 nm still selects the bin, + 1.1 nm does not),
 * so a size on the edge between two bins takes the first card written;
 * only BSIM3/BSIM4 cards bin (level 1-3 `nch.N` cards: "could not find a
 * valid modelname"; LMIN... on a level 1 card: "unrecognized parameter -
 * ignored"); an instance without L= or W=, or a size outside every bin:
 * "could not find a valid modelname", the simulation not run.
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadCircuitFromText } from "../src/api.js";
import { ngspiceDecks, TIGHT } from "./helpers/ngspice-compare.js";
import { describeNgspice, itNgspice } from "./helpers/ngspice.js";
import { netlistErrorCheck } from "./helpers/netlist-errors.js";

const { dir, compare } = ngspiceDecks("mos-binning");
const expectNetlistError = netlistErrorCheck("bins.cir");

/** Three BSIM3 bins of different VTH0 (and U0): short, long, wide. */
const BINS49 = [
  ".model nch.1 nmos (level=49 version=3.3.0 tox=4e-9 vth0=0.35 u0=300 lmin=0.1u lmax=1u wmin=0.1u wmax=10u)",
  ".model nch.2 nmos (level=49 version=3.3.0 tox=4e-9 vth0=0.55 u0=400 lmin=1u lmax=20u wmin=0.1u wmax=10u)",
  ".model nch.3 nmos (level=49 version=3.3.0 tox=4e-9 vth0=0.75 u0=350 lmin=0.1u lmax=20u wmin=10u wmax=100u)",
  ".model pch.1 pmos (level=8 tox=4e-9 vth0=-0.4 lmin=0.1u lmax=2u wmin=0.1u wmax=100u)",
  ".model pch.2 pmos (level=8 tox=4e-9 vth0=-0.6 lmin=2u lmax=20u wmin=0.1u wmax=100u)",
];

/** Each transistor its own drain node through 20 kohm from vdd: the node tells which bin (VTH0) it got. */
function loadDeck(title: string, sizes: Array<[string, string]>): string[] {
  const lines = [title, TIGHT, "vdd vdd 0 1.8", "vg g 0 1.1", "vgp gp 0 0.7"];
  sizes.forEach(([model, lw], k) => {
    if (model.startsWith("p")) lines.push(`r${k} d${k} 0 20k`, `m${k} d${k} gp vdd vdd ${model} ${lw}`);
    else lines.push(`r${k} vdd d${k} 20k`, `m${k} d${k} g 0 0 ${model} ${lw}`);
  });
  return lines;
}

describeNgspice("binned BSIM3 cards against ngspice 39", () => {
  itNgspice("inside the bins, on the edge between two (the first card written), on the outer edges and within 1 nm of them", () => {
    compare("bins49", [
      ...loadDeck("binned level 49", [
        ["nch", "l=0.5u w=2u"], // nch.1
        ["nch", "l=1u w=2u"], // LMAX of nch.1 = LMIN of nch.2: nch.1 (written first)
        ["nch", "l=5u w=2u"], // nch.2
        ["nch", "l=20u w=2u"], // LMAX of nch.2, inclusive
        ["nch", "l=20.0009u w=2u"], // 0.9 nm above LMAX: still nch.2
        ["nch", "l=0.0991u w=0.1u"], // 0.9 nm below LMIN, WMIN: nch.1
        ["nch", "l=5u w=10u"], // WMAX of nch.2 = WMIN of nch.3: nch.2
        ["nch", "l=5u w=40u"], // nch.3
        ["nch", "l=5u w=100u"], // WMAX of nch.3
        ["pch", "l=1u w=4u"], // pch.1
        ["pch", "l=2u w=4u"], // pch.1 (edge)
        ["pch", "l=8u w=4u"], // pch.2
      ]),
      ...BINS49,
    ]);
  });

  itNgspice("the order the bins are written decides an edge; a card of the exact name is taken before any bin", () => {
    compare("bins49-reversed", [...loadDeck("bins reversed", [["nch", "l=1u w=2u"], ["nch", "l=0.5u w=2u"]]), BINS49[1], BINS49[0]]);
    compare("bins49-exact", [
      ...loadDeck("exact name first", [["nch", "l=1u w=2u"], ["nch.2", "l=0.5u w=2u"]]),
      ...BINS49.slice(0, 3),
      ".model nch nmos (level=49 version=3.3.0 tox=4e-9 vth0=0.45)",
    ]);
  });

  itNgspice("sizes from parameters and expressions, instances in a subcircuit", () => {
    compare("bins49-params", [
      "binned sizes from parameters",
      TIGHT,
      ".param lshort=0.6u wide=30u",
      "vdd vdd 0 1.8",
      "vg g 0 1.1",
      ".subckt inv in out vdd lx=1u wx=2u",
      "mn out in 0 0 nch l={lx} w={wx}",
      "mp out in vdd vdd pch l={lx*2} w={2*wx}",
      ".ends",
      "x1 g o1 vdd inv lx={lshort} wx=2u",
      "x2 g o2 vdd inv lx=3u wx={wide}",
      "x3 g o3 vdd inv",
      ...BINS49,
    ]);
  });
});

describeNgspice("level 1 cards with bin limits, as ngspice 39", () => {
  itNgspice("LMIN/LMAX/WMIN/WMAX on a level 1 card named exactly are ignored with a warning", () => {
    const lines = [
      "level 1 with bin limits",
      TIGHT,
      "vdd vdd 0 3",
      "vg g 0 1.5",
      "r1 vdd d 10k",
      "m1 d g 0 0 nch l=2u w=10u",
      ".model nch nmos (level=1 vto=0.6 kp=80u lambda=0.02 lmin=0.1u lmax=1u wmin=0.1u wmax=5u)",
    ];
    compare("level1-limits", lines);
    const c = loadCircuitFromText([...lines, ".op", ".end"].join("\n"), "l1.cir");
    expect(c.warnings.filter((w) => /LMIN|LMAX|WMIN|WMAX/.test(w) && /ignored, as ngspice 39/.test(w))).toHaveLength(4);
  });
  for (const level of [1, 2, 3]) {
    it(`level ${level} nch.N cards are not binned: refused at the instance, as ngspice 39 refuses them`, () => {
      const deck = [
        "level bins",
        "vd d 0 1",
        "m1 d d 0 0 nch l=0.5u w=1u",
        `.model nch.1 nmos (level=${level} vto=0.5 lmin=0.1u lmax=1u wmin=0.1u wmax=10u)`,
        `.model nch.2 nmos (level=${level} vto=0.7 lmin=1u lmax=20u wmin=0.1u wmax=10u)`,
        ".op",
        ".end",
      ].join("\n");
      expectNetlistError(() => loadCircuitFromText(deck, "bins.cir"), 3, 12, /m1: model 'nch' is not defined; of its binned cards \(nch\.1, nch\.2\) none is a binnable model: ngspice 39 selects size bins among BSIM3\/BSIM4/);
      if (level === 1) ngspiceRefuses("level1-bins", deck);
    });
  }
});

/** ngspice 39 on `deck` says "could not find a valid modelname" and runs no analysis. */
function ngspiceRefuses(name: string, deck: string): void {
  const f = path.join(dir, `${name}.cir`);
  writeFileSync(f, deck);
  const r = spawnSync(process.env.NGSPICE ?? "ngspice", ["-b", f], { encoding: "utf8", timeout: 60_000 });
  expect(r.stdout + r.stderr).toMatch(/could not find a valid modelname/);
}

describe("binned sizes that fit no bin", () => {
  const deck = (inst: string, extra: string[] = []) => ["bins", "vd d 0 1", inst, ...BINS49, ...extra, ".op", ".end"].join("\n");
  itNgspice("a size outside every bin: refused at the instance's model, naming L, W and the bins (ngspice 39 refuses it too)", () => {
    const e = expectNetlistError(() => loadCircuitFromText(deck("m1 d d 0 0 nch l=30u w=2u"), "bins.cir"), 3, 12, /m1: no size bin of model 'nch' holds L = 3e-5 m, W = 2e-6 m \(nch\.1: L 1e-7\.\.1e-6, W 1e-7\.\.1e-5; nch\.2: L 1e-6\.\.2e-5, W 1e-7\.\.1e-5; nch\.3: L 1e-7\.\.2e-5, W 1e-5\.\.1e-4; ngspice 39: "could not find a valid modelname"\)/);
    expect(e.message).not.toMatch(/pch/);
    ngspiceRefuses("outside", deck("m1 d d 0 0 nch l=30u w=2u"));
    // 1.1 nm above LMAX is outside (ngspice's 1e-9 m tolerance)
    expectNetlistError(() => loadCircuitFromText(deck("m1 d d 0 0 nch l=20.0011u w=2u"), "bins.cir"), 3, 12, /no size bin of model 'nch' holds L = 2\.00011e-5 m/);
    ngspiceRefuses("outside-1nm", deck("m1 d d 0 0 nch l=20.0011u w=2u"));
  });
  itNgspice("an instance without L= or W=: refused (ngspice 39 finds no model without them)", () => {
    expectNetlistError(() => loadCircuitFromText(deck("m1 d d 0 0 nch w=2u"), "bins.cir"), 3, 12, /m1: model 'nch' is binned \(nch\.1, nch\.2, nch\.3\): the bin is chosen by the instance's L= and W=/);
    ngspiceRefuses("no-l", deck("m1 d d 0 0 nch w=2u"));
  });
  it("a binned card without all four limits is not a bin; names that are not NAME.digits are not bins", () => {
    const d = ["bins", "vd d 0 1", "m1 d d 0 0 nch l=1u w=1u", ".model nch.1 nmos (level=49 lmin=0.1u lmax=10u wmin=0.1u)", ".model nch.a nmos (level=49 lmin=0.1u lmax=10u wmin=0.1u wmax=10u)", ".op", ".end"].join("\n");
    expectNetlistError(() => loadCircuitFromText(d, "bins.cir"), 3, 12, /of its binned cards \(nch\.1\) none is a binnable model/);
    const d2 = ["bins", "vd d 0 1", "m1 d d 0 0 nch l=1u w=1u", ".model nch.a nmos (level=49 lmin=0.1u lmax=10u wmin=0.1u wmax=10u)", ".op", ".end"].join("\n");
    expect(() => loadCircuitFromText(d2, "bins.cir")).toThrow(/unknown MOSFET model 'nch'/);
  });
});
