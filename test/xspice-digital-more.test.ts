/**
 * More XSPICE digital code models at the DC operating point (and .dc)
 * against a live ngspice 39: d_osc and d_pwm (ZERO at DC whatever their
 * control), the "real" node type (d_to_real, real_gain, real_delay,
 * real_to_v; several drivers summed), d_state (its state file's reset
 * state) and d_ram (selection, write enable, ic); plus their bad lines as
 * NetlistErrors at file:line:col.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadCircuit, loadCircuitFromText } from "../src/api.js";
import { NetlistError } from "../src/util/errors.js";
import { describeNgspice, itNgspice } from "./helpers/ngspice.js";
import { ngspiceDecks } from "./helpers/ngspice-compare.js";
import { netlistErrorCheck } from "./helpers/netlist-errors.js";

const { dir, compare, compareDc } = ngspiceDecks("xspice-digital-more");

const OSC = [
  "oscillators",
  "v1 c 0 0.5",
  "vd d 0 1.5",
  "r1 d e 1k",
  "re e 0 2k",
  "a1 c o1 osc1",
  "a2 %vd(d c) o2 osc2",
  "a3 %id(d e) o3 osc3",
  "a4 c o4 pwm1",
  "a5 %vd(c d) o5 pwm2",
  // d_osc's output also an analog node: ngspice's automatic dac bridge (0 V / vcc)
  "a6 c oa osc2",
  "ra oa 0 1k",
  "ai o1 o1n inv",
  ".model inv d_inverter",
  ".model osc1 d_osc(cntl_array=[-1 0 1 2] freq_array=[100 100 1000 1000] duty_cycle=0.5 init_phase=0)",
  ".model osc2 d_osc(cntl_array=[-2 -1 1 2] freq_array=[1e3 1e3 10e3 10e3] duty_cycle=0.9 init_phase=180 rise_delay=1u fall_delay=2u)",
  ".model osc3 d_osc(cntl_array=[0 1e-3] freq_array=[1 2] duty_cycle=0.2 init_phase=-90)",
  ".model pwm1 d_pwm(frequency=1.2Meg cntl_array=[-1 -0.99 0.99 1] dc_array=[0.01 0.01 0.99 0.99] init_phase=90)",
  ".model pwm2 d_pwm(cntl_array=[-1 1] dc_array=[0 1] init_phase=-45)",
  "ab [o1 o2 o3 o4 o5 o1n] [y1 y2 y3 y4 y5 y6] dac",
  ".model dac dac_bridge(out_low=0.2 out_high=3.3 out_undef=1.5)",
  ...[1, 2, 3, 4, 5, 6].map((k) => `ry${k} y${k} 0 ${k}k`),
];

/** Every state of d_to_real's input and enable, real nodes with several drivers, real_gain's ic, real_delay, real_to_v's voltage and current outputs. */
const REAL = [
  "real nodes",
  "va a 0 0",
  "vb b 0 1",
  "vu u 0 0.5",
  "rb b 0 1k",
  "abr [a b u] [da db du] adc",
  ".model adc adc_bridge(in_low=0.3 in_high=0.7)",
  "a1 da db r1 dtr",
  "a2 db db r2 dtr",
  "a3 du db r3 dtr",
  "a4 da da r4 dtr",
  "a5 db du r5 dtr",
  "a6 du NULL r6 dtr",
  "a7 db NULL r7 dtr",
  ".model dtr d_to_real(zero=-0.5 one=2)",
  "a8 db NULL s dtr",
  "a9 r1 s rg",
  ".model rg real_gain(gain=10 ic=0.25 in_offset=1 out_offset=3)",
  "a10 r2 da s rd",
  ".model rd real_delay(delay=1n)",
  "a11 r7 g1 rg",
  "a12 g1 g2 rg2",
  ".model rg2 real_gain(gain=3)",
  ...["r1", "r2", "r3", "r4", "r5", "r6", "r7", "s", "g1", "g2"].map((n, k) => `ao${k + 1} ${n} o${k + 1} r2v`),
  "ao11 r3 %id(o11 o12) r2vi",
  ".model r2v real_to_v(gain=1.5)",
  ".model r2vi real_to_v(gain=-2e-3 transition_time=1u)",
  ...Array.from({ length: 11 }, (_, k) => `rl${k + 1} o${k + 1} 0 1k`),
  "rl12 o12 0 2k",
];

const STATE_FILE = [
  "* a test state file: [state] [out1 out2 out3] [in1 in2] -> [next]",
  "0 0s 1r Uz 0 0 -> 3",
  "        1 x -> 1",
  "",
  "  *  ",
  "1 1s 0s 0r 0 1 -> 0",
  "2 1z 0u Ur x x -> 1",
  "        1 0 -> 3",
  "3 Uu 1u 0z 1 1 -> 2",
  "3 Us 1r 1s 0 0 -> 0",
  "5 0z 1z 0s 1 0 -> 5",
].join("\n");

/** d_state instances at reset_state 0..5 (4 is in no row: the table's first row), each output on a dac and, through a buffer, on a node shared with a pulldown (the strength shows). */
const stateDeck = (): string[] => {
  const lines = ["d_state", "vi i 0 1", "ri i 0 1k", "aadc [i] [di] adc", ".model adc adc_bridge", "aclk di clk buf", ".model buf d_buffer"];
  [0, 1, 2, 3, 4, 5].forEach((s) => {
    lines.push(`as${s} [di ~di] clk ${s === 1 ? "NULL" : "di"} [q${s}a q${s}b q${s}c] st${s}`);
    lines.push(`.model st${s} d_state(state_file="st.in" reset_state=${s})`);
    lines.push(`ap${s} [q${s}a q${s}b q${s}c] [y${s}a y${s}b y${s}c] dac`);
    lines.push(`apd${s} q${s}b pd`);
    lines.push(`ax${s} [q${s}a q${s}c] [z${s}a z${s}c] dac`);
    for (const x of ["a", "b", "c"]) lines.push(`r${s}${x} y${s}${x} 0 1k`);
    lines.push(`rz${s}a z${s}a 0 1k`, `rz${s}c z${s}c 0 2k`);
    lines.push(`apb${s} [q${s}b] [w${s}] dac`, `rw${s} w${s} 0 1k`);
  });
  lines.push(".model pd d_pulldown", ".model dac dac_bridge(out_low=0.2 out_high=3.3 out_undef=1.5)");
  return lines;
};

/** d_ram: select lines against select_value, write_en ZERO / ONE / UNKNOWN, ic 0 / 1 / 2; a deselected output shared with a pullup. */
const ramDeck = (vs: number[]): string[] => {
  const lines = ["d_ram", ...vs.map((v, k) => `v${k} n${k} 0 ${v}`), ...vs.map((_, k) => `r${k} n${k} 0 1k`)];
  lines.push(`aadc [${vs.map((_, k) => `n${k}`).join(" ")}] [${vs.map((_, k) => `d${k}`).join(" ")}] adc`, ".model adc adc_bridge(in_low=0.3 in_high=0.7)");
  // d0..d2 select, d3 write_en, d4 address / data
  lines.push("am1 [d4 d4] [p1 p2] [d4] d3 [d0 d1 d2] ram5");
  lines.push(".model ram5 d_ram(select_value=5 ic=1)");
  lines.push("am2 [d4] [p3] [d4 d4] d3 [d0] ram1");
  lines.push(".model ram1 d_ram(ic=0)");
  lines.push("am3 [d4] [p4] [d4] d1 [d2 d0] ram3");
  lines.push(".model ram3 d_ram(select_value=3)");
  lines.push("aup p4 up", ".model up d_pullup");
  lines.push("adac [p1 p2 p3 p4] [y1 y2 y3 y4] dac", ".model dac dac_bridge(out_low=0.2 out_high=3.3 out_undef=1.5)");
  lines.push(...[1, 2, 3, 4].map((k) => `ry${k} y${k} 0 ${k}k`));
  return lines;
};

describeNgspice("XSPICE d_osc, d_pwm, real nodes, d_state, d_ram at DC against ngspice 39", () => {
  itNgspice("d_osc and d_pwm are ZERO at the operating point, whatever the control and its port type", () => {
    const eq = compare("osc", OSC);
    expect(eq.y1).toBeCloseTo(0.2, 12);
    expect(eq.y6).toBeCloseTo(3.3, 12);
    expect(eq.oa).toBeCloseTo(0, 12);
  });

  itNgspice(".dc sweep of the oscillators' control", () => {
    compareDc("osc-sweep", OSC, "v1 -3 3 0.25");
  });

  itNgspice("real nodes: d_to_real, real_gain, real_delay, real_to_v, a node's drivers summed", () => {
    const eq = compare("real", REAL);
    // d_to_real ONE, enable ONE, -> 2 * 1.5; the sum node: 2 + 0.25 + 0 -> 3.375
    expect(eq.o2).toBeCloseTo(3, 12);
    expect(eq.o8).toBeCloseTo(3.375, 12);
  });

  itNgspice(".dc sweep through d_to_real's input thresholds", () => {
    compareDc("real-sweep", REAL, "vu 0 1 0.05");
  });

  itNgspice("d_state: its reset state's first row, from a file with continuations and comments", () => {
    writeFileSync(path.join(dir, "st.in"), STATE_FILE + "\n");
    compare("state", stateDeck());
  });

  itNgspice("d_ram: select, write enable and ic", () => {
    for (const vs of [
      [1, 0, 1, 0, 1],
      [1, 0, 1, 1, 0],
      [1, 0, 1, 0.5, 0],
      [1, 1, 1, 0, 0],
      [0.5, 0, 1, 0, 0],
      [1, 1, 0, 0, 1],
      [0, 1, 1, 0, 1],
    ]) {
      compare(`ram-${vs.join("-")}`, ramDeck(vs));
    }
  });
});

describe("XSPICE d_osc, d_pwm, real nodes, d_state, d_ram: bad lines", () => {
  const expectNetlistError = netlistErrorCheck("bad.cir");
  const fromText = (text: string) => () => loadCircuitFromText(text, "bad.cir");
  it("d_osc and d_pwm", () => {
    const osc = ".model o d_osc(cntl_array=[0 1 2] freq_array=[1 2])\n";
    expectNetlistError(fromText(`t\nv1 c 0 1\na1 c y o\n${osc}.end\n`), 4, 46, /d_osc's cntl_array has 3 values and freq_array 2/);
    expectNetlistError(fromText(`t\nv1 c 0 1\na1 c y o\n.model o d_pwm(cntl_array=[0 1] dc_array=[1])\n.end\n`), 4, 42, /dc_array needs at least 2 values/);
    expectNetlistError(fromText(`t\nv1 c 0 1\na1 c y o\n.model o d_pwm(cntl_array=[0 1] dc_array=[1 0 1])\n.end\n`), 4, 42, /d_pwm's cntl_array has 2 values and dc_array 3/);
    expectNetlistError(fromText(`t\nv1 c 0 1\na1 c o\n.model o d_osc(cntl_array=[0 1] freq_array=[1 2])\n.end\n`), 3, 6, /code model d_osc has 2 ports \(cntl_in, out\), the line connects 1/);
    expectNetlistError(fromText(`t\nv1 c 0 1\na1 c y z o\n.model o d_osc(cntl_array=[0 1] freq_array=[1 2])\n.end\n`), 3, 8, /has 2 ports.*connects 3/);
    expectNetlistError(fromText(`t\nv1 c 0 1\na1 %vnam v1 y o\n.model o d_osc(cntl_array=[0 1] freq_array=[1 2])\n.end\n`), 3, 4, /%vnam is not allowed on port 'cntl_in' of d_osc/);
    expectNetlistError(fromText(`t\nv1 c 0 1\na1 c y o\n.model o d_osc(cntl_array=[0 1] freq_array=[1 2] duty=0.3)\n.end\n`), 4, 55, /unknown d_osc parameter 'duty'/);
  });

  it("real nodes", () => {
    const dtr = ".model dtr d_to_real\n.model g real_gain\n.model rv real_to_v\n.model an d_and\n";
    expectNetlistError(fromText(`t\na1 x NULL r dtr\na2 r ~s g\n${dtr}.end\n`), 3, 6, /'~' \(an inverted port\) is allowed on digital ports only/);
    expectNetlistError(fromText(`t\na1 x NULL r dtr\na2 [r x] y an\n${dtr}.end\n`), 3, 5, /event node 'r' is a digital port here and a real.*port of a1 at bad\.cir:2:11/);
    expectNetlistError(fromText(`t\na1 x NULL r dtr\na2 r rv\n${dtr}.end\n`), 3, 6, /code model real_to_v has 2 ports \(in, out\), the line connects 1/);
    expectNetlistError(fromText(`t\na1 x NULL r dtr\na2 r %d(y) rv\n${dtr}.end\n`), 3, 6, /%d is not allowed on port 'out' of real_to_v/);
    expectNetlistError(fromText(`t\na1 x r dtr\n${dtr}.end\n`), 2, 8, /code model d_to_real has 3 ports/);
    expectNetlistError(fromText(`t\na1 x NULL r dtr\na2 r s g\n.model dtr d_to_real(zero=1 two=2)\n.model g real_gain\n.end\n`), 4, 33, /unknown d_to_real parameter 'two'/);
  });

  it("d_state", () => {
    const deck = (file: string, extra = "") => {
      const f = path.join(dir, "bad.cir");
      writeFileSync(f, `t\na1 [x] c NULL [q1 q2] st\n.model st d_state(state_file="${file}"${extra})\n.end\n`);
      return () => loadCircuit(f);
    };
    const bad = (name: string, text: string) => writeFileSync(path.join(dir, name), text);
    const at = path.join(dir, "bad.cir");
    expectNetlistError(deck("nosuch.in"), 3, 30, /nosuch\.in/, at);
    bad("b1.in", "0 0s 1s 0 -> 1\n1 0s 2s 1 -> 0\n");
    expectNetlistError(deck("b1.in"), 3, 30, /b1\.in, line 2: output '2s' is none of/, at);
    bad("b2.in", "0 0s 1s 0 -> 1\n1 0s 1s 1 1 -> 0\n");
    expectNetlistError(deck("b2.in"), 3, 30, /b2\.in, line 2: 7 tokens, where a row takes 6 .* or continues a state with 3/, at);
    bad("b3.in", "0 0s 1s 0 -> 1\n1 0s 1s 1 -> 0\n0 1s 1s 1 -> 0\n");
    expectNetlistError(deck("b3.in"), 3, 30, /rows of reset_state 0 are not contiguous \(line 3/, at);
    bad("b4.in", "  1 -> 0\n0 0s 1s 0 -> 1\n");
    expectNetlistError(deck("b4.in"), 3, 30, /line 1: the first row continues no state/, at);
    bad("b5.in", "* only a comment\n\n");
    expectNetlistError(deck("b5.in"), 3, 30, /has no rows/, at);
    bad("b6.in", "a 0s 1s 0 -> 1\n");
    expectNetlistError(deck("b6.in"), 3, 30, /line 1: state 'a' is not a number/, at);
    bad("b7.in", "0 0s 1s y -> 1\n");
    expectNetlistError(deck("b7.in"), 3, 30, /line 1: input 'y' is none of 0 1 x X/, at);
    // a good file, a wrong port count
    bad("ok.in", "0 0s 1s 0 -> 1\n");
    const f = path.join(dir, "bad.cir");
    writeFileSync(f, `t\na1 [x] c [q1 q2] st\n.model st d_state(state_file="ok.in")\n.end\n`);
    expectNetlistError(() => loadCircuit(f), 2, 18, /code model d_state has 4 ports \(in, clk, reset, out\), the line connects 3/, at);
  });

  it("d_ram", () => {
    const ram = (line: string, card = "d_ram") => fromText(`t\n${line}\n.model m ${card}\n.end\n`);
    expectNetlistError(ram("a1 [d0 d1] [q0] [a0] w [s0] m"), 2, 12, /d_ram's data_out has 1 bits and data_in 2: they must be of one width/);
    const sel = Array.from({ length: 17 }, (_, k) => `s${k}`).join(" ");
    expectNetlistError(ram(`a1 [d0] [q0] [a0] w [${sel}] m`), 2, 21, /at most 16 select lines, this one has 17/);
    expectNetlistError(ram("a1 [d0] [q0] [a0] w [s0] m", "d_ram(ic=3)"), 3, 19, /ic/);
    expectNetlistError(ram("a1 [d0] [q0] [a0] w m"), 2, 21, /code model d_ram has 5 ports/);
    expectNetlistError(ram("a1 [d0] [q0] a0 w [s0] m"), 2, 14, /port 'address' of d_ram is a vector/);
  });

  it("errors are NetlistErrors", () => {
    expect(() => loadCircuitFromText("t\na1 c y o\n.model o d_osc(cntl_array=[0 1] freq_array=[1])\n.end\n", "bad.cir")).toThrow(NetlistError);
  });
});
