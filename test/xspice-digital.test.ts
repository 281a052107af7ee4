/**
 * XSPICE digital code models at the DC operating point (and .dc sweeps)
 * against a live ngspice 39: adc_bridge -> gates -> dac_bridge chains around
 * the thresholds, every gate's truth table with U, tristates, pulls and
 * open collectors on shared nodes (ngspice's resolution), feedback through
 * the analog circuit (the alternation of evtop.c), vectors, `~`, subcircuits;
 * plus bad lines as NetlistErrors at file:line:col and the analyses that
 * refuse digital models.
 */
import { describe, expect, it } from "vitest";
import { netlistErrorOf } from "./helpers/netlist-errors.js";
import { acSweepFromText, loadCircuitFromText, operatingPoint, transient } from "../src/api.js";

const opFromText = (text: string) => operatingPoint(loadCircuitFromText(text, "t.cir"));
import { NetlistError } from "../src/util/errors.js";
import { describeNgspice, itNgspice } from "./helpers/ngspice.js";
import { ngspiceDecks } from "./helpers/ngspice-compare.js";

const { compare, compareDc } = ngspiceDecks("xspice-digital");

/** A two-input chain: two analog inputs through adc bridges, every gate, and a dac per gate output into a load. */
const GATES = ["d_and", "d_nand", "d_or", "d_nor", "d_xor", "d_xnor"];
const chain = (va: number, vb: number): string[] => [
  "gate chain",
  `va a 0 ${va}`,
  `vb b 0 ${vb}`,
  "ra a 0 1k",
  "a0 [a b] [da db] adc",
  ...GATES.map((_, i) => `ag${i} [da db] o${i} m${i}`),
  "abuf da ob dbuf",
  "ainv db oi dinv",
  `adac [${GATES.map((_, i) => `o${i}`).join(" ")} ob oi] [${GATES.map((_, i) => `y${i}`).join(" ")} yb yi] dac`,
  ...GATES.map((_, i) => `ry${i} y${i} 0 ${1 + i}k`),
  "ryb yb 0 1k",
  "ryi yi z 1k",
  "rz z 0 3k",
  ".model adc adc_bridge(in_low=0.3 in_high=0.7)",
  ...GATES.map((g, i) => `.model m${i} ${g}`),
  ".model dbuf d_buffer",
  ".model dinv d_inverter",
  ".model dac dac_bridge(out_low=0.2 out_high=3.3)",
];
const chainDeck = chain;

describeNgspice("XSPICE digital models at DC against ngspice 39", () => {
  itNgspice("adc_bridge -> gates -> dac_bridge around the thresholds (0, 1, U on each input)", () => {
    for (const va of [0, 0.29, 0.3, 0.31, 0.5, 0.69, 0.7, 0.71, 2]) {
      for (const vb of [0.1, 0.5, 1]) {
        const eq = compare(`chain-${va}-${vb}`, chainDeck(va, vb));
        // every output is at one of the dac's levels (0.2, 3.3 or the middle, 1.75)
        expect([0.2, 3.3, 1.75].some((v) => Math.abs(eq.y0 - v) < 1e-12)).toBe(true);
      }
    }
  });

  itNgspice("~ inversions on inputs and outputs, vectors of 3, a subcircuit's digital nodes", () => {
    compare("invert", [
      "inversions",
      "va a 0 1",
      "vb b 0 0",
      "vc c 0 0.5",
      "a0 [a b c] [da db dc] adc",
      "a1 [~da db ~db] o1 and3",
      "a2 [da ~db] ~o2 or2",
      "a3 ~dc o3 buf",
      "a4 [o1 o2 o3 ~o1] [y1 y2 y3 y4] dac",
      "x1 a y5 sub",
      ".subckt sub in out",
      "a1 [in] [d] adc",
      "a2 ~d e buf",
      "a3 [e] [out] dac",
      "r1 out 0 1k",
      ".ends",
      "r1 y1 0 1k",
      "r2 y2 0 1k",
      "r3 y3 0 1k",
      "r4 y4 0 1k",
      ".model adc adc_bridge(in_low=0.2 in_high=0.8)",
      ".model and3 d_and",
      ".model or2 d_or",
      ".model buf d_buffer",
      ".model dac dac_bridge(out_low=-1 out_high=2 out_undef=0.7)",
    ]);
  });

  itNgspice("tristate enable 0 / 1 / U, pullup and pulldown against strong drivers, open collector and emitter", () => {
    for (const en of [0, 0.5, 1]) {
      for (const vin of [0, 1]) {
        compare(`tristate-${en}-${vin}`, [
          "tristate",
          `ve e 0 ${en}`,
          `vi i 0 ${vin}`,
          "a0 [e i] [de di] adc",
          "a1 di de bus tri",
          "a2 bus pu",
          "a3 di de bus2 tri",
          "a4 bus2 pd",
          "a5 di de bus3 tri",
          "a6 [bus bus2 bus3] [y1 y2 y3] dac",
          // a strong driver against a pullup on one node, and two strong drivers that disagree
          "a7 di bus4 buf",
          "a8 bus4 pu",
          "a9 di bus5 buf",
          "a10 di bus5 inv",
          // open collector with a pullup (wired AND), open emitter with a pulldown
          "a11 di oc occ",
          "a12 de oc occ",
          "a13 oc pu",
          "a14 di oe oee",
          "a15 oe pd",
          "a16 [bus4 bus5 oc oe] [y4 y5 y6 y7] dac",
          ...[1, 2, 3, 4, 5, 6, 7].map((k) => `r${k} y${k} 0 ${k}k`),
          ".model adc adc_bridge(in_low=0.25 in_high=0.75)",
          ".model tri d_tristate",
          ".model pu d_pullup",
          ".model pd d_pulldown",
          ".model buf d_buffer",
          ".model inv d_inverter",
          ".model occ d_open_c",
          ".model oee d_open_e",
          ".model dac dac_bridge(out_low=0 out_high=5)",
        ]);
      }
    }
  });

  itNgspice("feedback through the analog circuit: the alternation settles ZERO, ONE or U", () => {
    for (const v of [0.4, 0.8, 1.2, 1.8, 2.5]) {
      compare(`feedback-${v}`, [
        "feedback",
        `v1 s 0 ${v}`,
        "r1 s n 1k",
        "r2 y n 1k",
        "a1 [n] [d] adc",
        "a2 d e buf",
        "a3 [e] [y] dac",
        ".model adc adc_bridge(in_low=0.3 in_high=0.9)",
        ".model buf d_buffer",
        ".model dac dac_bridge(out_low=0 out_high=1)",
      ]);
    }
    // a dac with a current output feeding back into the adc's node, and an adc reading a current (%vnam)
    compare("feedback-i", [
      "feedback current",
      "v1 s 0 1",
      "vm s m 0",
      "r1 m n 1k",
      "r2 n 0 1k",
      "a1 [%vnam vm] [d] adc",
      "a2 d e inv",
      "a3 [e] [%i(n)] dac",
      ".model adc adc_bridge(in_low=0.2m in_high=0.35m)",
      ".model inv d_inverter",
      ".model dac dac_bridge(out_low=0 out_high=-0.2m)",
    ]);
  });

  itNgspice("loops of gates settle as ngspice's event passes leave them (two inverters, a NAND SR latch, ~ in the loop)", () => {
    for (const [vs, vr] of [[1, 1], [0, 1], [1, 0], [0, 0], [0.5, 1]]) {
      compare(`latch-${vs}-${vr}`, [
        "latches",
        `vs s 0 ${vs}`,
        `vr r 0 ${vr}`,
        "a0 [s r] [ds dr] adc",
        "a1 d e inv",
        "a2 e d inv",
        "a3 [ds qb] q nand",
        "a4 [dr q] qb nand",
        "a5 [~q ds] w nand",
        "a6 [w dr] ~v nand",
        "a7 [d e q qb w v] [y1 y2 y3 y4 y5 y6] dac",
        ...[1, 2, 3, 4, 5, 6].map((k) => `r${k} y${k} 0 1k`),
        ".model adc adc_bridge",
        ".model inv d_inverter",
        ".model nand d_nand",
        ".model dac dac_bridge",
      ]);
    }
  });

  itNgspice("flip-flops and latches at DC: ic, then set / reset (NULL reads ZERO), latches' enable", () => {
    const FF = [
      ["d_dff", "dd dc"],
      ["d_jkff", "dd de dc"],
      ["d_tff", "dd dc"],
      ["d_srff", "dd de dc"],
      ["d_dlatch", "dd de"],
      ["d_srlatch", "dd de dc"],
    ];
    for (const ic of [0, 1, 2]) {
      for (const [vs, vr] of [[0, 0], [1, 0], [0, 1], [1, 1], [0.5, 0]]) {
        for (const [vd, ve] of [[1, 1], [0, 1], [1, 0]]) {
          const lines = [
            "flip-flops",
            `vs s 0 ${vs}`,
            `vr r 0 ${vr}`,
            `vd d 0 ${vd}`,
            `ve e 0 ${ve}`,
            "vc c 0 0",
            "a0 [s r d e c] [ds dr dd de dc] adc",
          ];
          FF.forEach(([m, ins], i) => {
            lines.push(`af${i} ${ins} ds dr q${i} qn${i} m${i}`, `ag${i} ${ins} NULL dr ~p${i} NULL m${i}`, `.model m${i} ${m}(ic=${ic})`);
            lines.push(`ad${i} [q${i} qn${i} p${i}] [y${i} z${i} w${i}] dac`, `ry${i} y${i} 0 1k`, `rz${i} z${i} 0 1k`, `rw${i} w${i} 0 1k`);
          });
          lines.push(".model adc adc_bridge", ".model dac dac_bridge(out_low=0 out_high=2)");
          compare(`ff-${ic}-${vs}-${vr}-${vd}-${ve}`, lines);
        }
      }
    }
  });

  itNgspice("ngspice's own decks (examples/xspice/original-examples, .tran dropped): digital_models, digital_invert, mixed_io_size", () => {
    compare("digital_models.deck", [
      "Digital models",
      "v1 1 0 0.0 pulse(0 1 2e-8 1e-9 1e-9)",
      "r1 1 0 1k",
      "a1 [1] [2] atod1",
      ".model atod1 adc_bridge (in_low=0.25 in_high=0.75",
      "+                        rise_delay=1e-9  fall_delay=1e-9)",
      "a2 [2 3] 3 nand",
      ".model nand d_nand (rise_delay=1e-9 fall_delay=1e-9)",
    ]);
    const inv = compare("digital_invert.deck", [
      "Digital inversions",
      "v1 1 0 0.0 pulse(0 1 0 1e-8 1e-8 0.25e-6 0.5e-6)",
      "r1 1 0 1k",
      "a1 [1] [2] adc",
      ".model adc adc_bridge",
      "a2  2  3 inv",
      "a3  2 ~4 inv",
      "a4 ~2  5 inv",
      "a5 ~2 ~6 inv",
      ".model inv d_inverter",
      "a6 [2 ~4] 7 nand",
      ".model nand d_nand",
      "a8 [2 3 4 5 6 7] [12 13 14 15 16 17] dac",
      ".model dac dac_bridge",
    ]);
    expect([12, 13, 14, 15, 16, 17].map((k) => inv[String(k)])).toEqual([0, 1, 0, 0, 1, 1]);
    compare("mixed_io_size.deck", [
      "Mixed IO sizes",
      "v1 1 0 0.0 pulse(0 1 1e-4)",
      "r1 1 0 1k",
      "v2 2 0 0.0 sin(0 1 2k)",
      "r2 2 0 1k",
      "abridge1 [1] [enable] atod",
      ".model atod adc_bridge",
      "aosc [enable clk] clk nand",
      ".model nand d_nand (rise_delay=1e-4 fall_delay=1e-4)",
      "ainv clk clk_bar inv",
      ".model inv d_inverter (rise_delay=1e-5 fall_delay=1e-5)",
      "adac [clk clk_bar] [3 4] dac",
      ".model dac dac_bridge (t_rise=1e-5 t_fall=1e-5)",
      "asum [1 2 3 4] 5 sum",
      ".model sum summer",
      "r3 3 0 1k",
      "r4 4 0 1k",
      "r5 5 0 1k",
    ]);
  });

  itNgspice("automatic bridges (ngspice 39's evtcheck_nodes.c defaults): vcc from the subcircuit, the top level or 3.3", () => {
    for (const [top, sub] of [["", ""], [".param vcc=5", ""], [".param vcc=2.5", ".param vcc=2.5"]]) {
      for (const v of [0, 1.6, 1.7, 2.4, 2.6, 5]) {
        compare(`auto-${top ? "t" : ""}${sub ? "s" : ""}-${v}`, [
          "auto bridges",
          top,
          `v1 a 0 ${v}`,
          "v2 b 0 3",
          "x1 a b o1 nand2",
          "x2 o1 a o2 nand2",
          "a1 [a b] g and",
          "a2 g h inv",
          "r1 h 0 1k",
          "r2 o2 0 10k",
          ".subckt nand2 in1 in2 out",
          sub,
          "a6 [in1 in2] dout nand1",
          ".model nand1 d_nand",
          "rout dout out 100",
          "rload dout 0 10k",
          ".ends",
          ".model and d_and",
          ".model inv d_inverter",
        ]);
      }
    }
  });

  itNgspice("bridge port types: adc %vd / %id / %i, dac %vd / %id outputs", () => {
    for (const v of [0.2, 0.5, 0.8]) {
      compare(`bridge-types-${v}`, [
        "bridge port types",
        `v1 a 0 ${v}`,
        "v2 b 0 0.3",
        "r1 a c 1k",
        "r2 c 0 1k",
        "a1 [%vd(a b) %id(c 0) %i c2] [d1 d2 d3] adc",
        "r3 a c2 2k",
        "a2 [d1 d2 d3] [%vd(o1 b) %id(o2 b) %vd o3 0] dac",
        "r4 o1 0 1k",
        "r5 o2 0 1k",
        "r6 o3 0 1k",
        ".model adc adc_bridge(in_low=0.1m in_high=0.2m)",
        ".model dac dac_bridge(out_low=-1m out_high=2m)",
      ]);
    }
  });

  itNgspice("d_lut and d_genlut tables (0, 1, z, x and a short string) and d_fdiv's initial count, over every input code", () => {
    // three inputs at 0 / 1 / U: a d_lut of 8 entries, a d_genlut of two outputs (16 entries, the last ones missing)
    for (const code of [0, 1, 2, 3, 4, 5, 6, 7, 8]) {
      const level = (bit: number) => (code === 8 && bit === 1 ? 0.5 : (code >> bit) & 1);
      const outs = ["y", "g0", "g1", ...[0, 1, 2, 3, 4].map((k) => `f${k}`)];
      compare(`lut-${code}`, [
        "lut",
        ...[0, 1, 2].map((b) => `v${b} i${b} 0 ${level(b)}`),
        "aadc [i0 i1 i2] [d0 d1 d2] adc",
        "alut [d0 d1 d2] y tab",
        "agen [d0 d1 d2] [g0 g1] gen",
        // i_count 0, in range, at high_cycles, above it, past div_factor
        ...[0, 1, 2, 3, 5].map((c, k) => `afd${k} d0 f${k} fd${k}`),
        `adac [${outs.map((o) => o).join(" ")}] [${outs.map((o) => `a${o}`).join(" ")}] dac`,
        ...outs.map((o, k) => `r${o} a${o} 0 ${k + 1}k`),
        ".model adc adc_bridge(in_low=0.3 in_high=0.7)",
        ".model tab d_lut(table_values=\"0110x101\")",
        // its vector delays and loads have no size to default to: ngspice requires them ("Defaulted array parameter ...")
        ".model gen d_genlut(rise_delay=[1n 1n] fall_delay=[1n] input_load=[1p 1p 1p] input_delay=[0] table_values=\"10z10110x1011\")",
        ...[0, 1, 2, 3, 5].map((c, k) => `.model fd${k} d_fdiv(div_factor=4 high_cycles=2 i_count=${c})`),
        ".model dac dac_bridge(out_low=0.2 out_high=3.3 out_undef=1.5)",
      ]);
    }
  });

  itNgspice(".dc sweep of a chain through the thresholds", () => {
    compareDc("chain-sweep", chainDeck(0, 0.5), "va 0 1 0.02");
  });
});

describe("XSPICE digital models: refusals and bad lines", () => {
  const err = (text: string): NetlistError => netlistErrorOf(text);
  const A = ".model adc adc_bridge\n.model an d_and\n.model dac dac_bridge\n";
  it("names file:line:col", () => {
    // an analog node on a digital port takes an automatic bridge (below), unless the lines see two values of vcc
    expect(err(`t\nv1 a 0 1\na1 [a b] y an\nx1 a y2 s\n.subckt s p q\n.param vcc=5\na1 [p p] q an\n.ends\n${A}.end\n`).message).toMatch(/bad\.cir:3:5: digital node 'a' is also an analog node.*3\.3 V at bad\.cir:3:1, 5 V at bad\.cir:7:1/);
    // a wrong port type
    expect(err(`t\nv1 a 0 1\na1 [%v a b] y an\n${A}.end\n`).message).toMatch(/bad\.cir:3:5.*%v is not allowed on port 'in' of d_and/);
    expect(err(`t\nv1 a 0 1\na1 [a] [%d b] dac\n${A}.end\n`).message).toMatch(/bad\.cir:3:9.*%d is not allowed on port 'out' of dac_bridge/);
    // a scalar where the gate takes a vector, too few inputs, NULL
    expect(err(`t\nv1 a 0 1\na1 a y an\n${A}.end\n`).message).toMatch(/bad\.cir:3:4.*port 'in' of d_and is a vector/);
    expect(err(`t\nv1 a 0 1\na1 [b] y an\n${A}.end\n`).message).toMatch(/bad\.cir:3:4.*needs at least 2 ports/);
    expect(err(`t\nv1 a 0 1\na1 [b c] NULL an\n${A}.end\n`).message).toMatch(/bad\.cir:3:10.*may not be NULL/);
    // bridges of two sizes, ~ on an analog port, an unknown parameter
    expect(err(`t\nv1 a 0 1\na1 [a a] [d] adc\n${A}.end\n`).message).toMatch(/bad\.cir:3:10.*one size/);
    expect(err(`t\nv1 a 0 1\na1 [~a] [d] adc\n${A}.end\n`).message).toMatch(/bad\.cir:3:5.*'~'.*digital ports only/);
    expect(err(`t\nv1 a 0 1\na1 [b c] y an\n.model an d_and(rise=1n)\n.end\n`).message).toMatch(/bad\.cir:4:22.*unknown d_and parameter 'rise'/);
    // digital models eqspice does not run
    for (const [m, card] of [["d_source", 'd_source(input_file="x")'], ["bidi_bridge", "bidi_bridge"]]) {
      expect(err(`t\nv1 a 0 1\na1 [b c] y m1\n.model m1 ${card}\n.end\n`).message).toMatch(new RegExp(`bad\\.cir:3:12.*XSPICE digital code model ${m} is not supported`));
    }
  });

  it("d_genlut's vector delays and loads must be given (ngspice: 'Defaulted array parameter must have associated array connection')", () => {
    expect(err(`t\nv1 a 0 1\na1 [b c] [y z] g\n.model g d_genlut(table_values="0110")\n.end\n`).message).toMatch(/bad\.cir:3:16: .*d_genlut vector parameter rise_delay has no default and is not given/);
  });

  it("automatic bridges: a node both read and driven by digital models (a bidi_bridge), and auto_bridge variables in .control, are refused", () => {
    expect(err(`t\nv1 a 0 1\nr1 a b 1k\na1 [a b] b an\n${A}.end\n`).message).toMatch(/bad\.cir:4:10: digital node 'b' is also an analog node and digital models both read and drive it.*bidi_bridge/);
    expect(err(`t\n.control\npre_set auto_bridge_d_in = ( ".model x adc_bridge" "x%d [ %s ] [ %s ] x" )\n.endc\nv1 a 0 1\na1 [a a] b an\nr1 b 0 1\n${A}.end\n`).message).toMatch(/bad\.cir:3:9: 'auto_bridge_d_in' in the \.control block/);
  });

  const DECK = "t\nv1 a 0 1\nr1 a 0 1k\na1 [a] [d] adc\na2 d e inv\na3 [e] [y] dac\nr2 y 0 1k\n.model adc adc_bridge\n.model inv d_inverter\n.model dac dac_bridge\n";
  it("an operating point runs; a transient and an AC analysis refuse, naming the model", () => {
    expect(opFromText(DECK + ".end\n").nodes.y).toBe(0);
    expect(() => transient(loadCircuitFromText(DECK + ".end\n", "t.cir"), { tstop: 1e-6, tstep: 1e-8 })).toThrow(/a1: XSPICE digital model adc_bridge runs at the DC operating point and \.dc sweeps only/);
    expect(() => acSweepFromText(DECK + "v2 b 0 ac 1\nr3 b 0 1\n.ac dec 1 1 10\n.end\n")).toThrow(/XSPICE digital model .* \(an AC analysis/);
  });

  it("training refuses a circuit with digital models", async () => {
    const { EqModel } = await import("../src/train/model.js");
    const c = loadCircuitFromText("t\n*@input V1\n*@output y\n*@train R1\nv1 a 0 1\nr1 a y 1k\nr2 y 0 1k\na1 [a] [d] adc\na2 d e inv\na3 [e] [z] dac\nr3 z 0 1k\n.model adc adc_bridge\n.model inv d_inverter\n.model dac dac_bridge\n.end\n", "t.cir");
    expect(() => new EqModel(c)).toThrow(/XSPICE digital models: training runs analog circuits only/);
  });

  it("an adc -> inverter -> dac loop through the analog circuit oscillates: ngspice's alternation limit, an error", () => {
    expect(() => opFromText("osc\na1 [n] [d] adc\na2 d e inv\na3 [e] [y] dac\nr1 y n 1k\nr2 n 0 1meg\n.model adc adc_bridge(in_low=0.3 in_high=0.7)\n.model inv d_inverter\n.model dac dac_bridge\n.end\n")).toThrow(/Too many analog\/event-driven solution alternations \(2/);
  });

  it("a ring of three inverters at DC does not settle: an error (as ngspice's), not a silent answer", () => {
    expect(() => opFromText("t\nv1 a 0 1\nr1 a 0 1k\na1 d e inv\na2 e f inv\na3 f d inv\n.model inv d_inverter\n.end\n")).toThrow(/did not settle.*Too many iteration passes/);
  });
});
