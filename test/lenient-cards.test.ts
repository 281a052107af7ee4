/**
 * The last small refusals of public netlists that ngspice 39 accepts
 * (the corpus of runs/corpus, REPORT.md section 5), each deck solved by a
 * live ngspice 39 and by eqspice at tight tolerances, every node voltage
 * and V-source current compared (skipped, with one visible warning, when
 * ngspice is missing):
 *  - `off` on BJTs, MOSFETs, JFETs and diodes: the operating point starts
 *    with the device's junctions at zero and holds them there until the
 *    rest converges (ngspice's MODEINITJCT / MODEINITFIX), which decides
 *    the state a latch lands in;
 *  - `.ic` entries separated by commas, and `.ic` inside a `.subckt` (per
 *    instance, its value from the instance's parameters);
 *  - `.model` parameters written NAME VALUE without '=' (SPICE2), for every
 *    model kind;
 *  - tc1= / tc2= on a B source (dT from 300.15 K, as ngspice's asrcload.c);
 *  - a resistor model's `resistance=` as its default value;
 *  - DISTOF1 / DISTOF2 after a source's waveform;
 *  - a bare `DC` before a waveform (DC 0, the waveform drives the transient),
 *    `.ends NAME` naming another subcircuit (closed, with a warning), K with
 *    k = 0 or |k| > 1 (a warning), TRNOISE/TRRANDOM/SFFM/AM/PAT beside an
 *    explicit DC value (.op/.dc/.ac read the DC value; a transient refuses
 *    the source), PWL's `r=` (repeat) and `td=` (delay) options.
 * Plus the bad inputs of each, as NetlistErrors at file:line:col.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadCircuit, loadCircuitFromText, operatingPoint, transient } from "../src/api.js";
import { parseNetlist } from "../src/netlist/parser.js";
import { elaborate } from "../src/netlist/elaborate.js";
import { ignoredParamCheck, netlistErrorCheck } from "./helpers/netlist-errors.js";
import { waveformAt, type SourceValue } from "../src/devices/sources/waveform.js";
import { ngAt, ngspiceDecks, TIGHT } from "./helpers/ngspice-compare.js";
import { describeNgspice, itNgspice, runNgspiceTran } from "./helpers/ngspice.js";

const { dir, worst, compare } = ngspiceDecks("lenient-cards");

const QN = ".model qn npn(is=1e-15 bf=100 rb=10)";
/** Two cross-coupled common-emitter stages: two stable states, one transistor saturated and the other cut off. */
const BJT_LATCH = (q1: string, q2: string) => ["bjt latch", TIGHT, "VCC 9 0 5", "RC1 9 1 1k", "RC2 9 2 1k", "RB1 1 3 10k", "RB2 2 4 10k", `Q1 1 4 0 ${q1}`, `Q2 2 3 0 ${q2}`, QN];

const MOS = [".model nch nmos(level=1 vto=0.7 kp=1e-4 lambda=0.02)", ".model pch pmos(level=1 vto=-0.7 kp=4e-5 lambda=0.02)"];
/** Two cross-coupled CMOS inverters (an SRAM cell without access transistors). */
const CMOS_LATCH = (n1: string, n2: string) => ["cmos latch", TIGHT, "VDD dd 0 3", `MN1 q qb 0 0 nch ${n1} w=2u l=1u`, "MP1 q qb dd dd pch w=4u l=1u", `MN2 qb q 0 0 nch ${n2} w=2u l=1u`, "MP2 qb q dd dd pch w=4u l=1u", ...MOS];

describeNgspice("`off` against ngspice: which state a bistable lands in", () => {
  itNgspice("BJT latch: Q1 off gives Q1 cut off and Q2 saturated, Q2 off the mirror state (the two answers differ by 4.5 V)", () => {
    const a = compare("bjt-latch-q1off", BJT_LATCH("qn off", "qn"));
    const b = compare("bjt-latch-q2off", BJT_LATCH("qn", "qn off"));
    expect(a["1"]).toBeGreaterThan(4.5);
    expect(a["2"]).toBeLessThan(0.2);
    expect(b["1"]).toBeLessThan(0.2);
    expect(b["2"]).toBeGreaterThan(4.5);
    // `off` after an area (ngspice reads no area after it)
    compare("bjt-latch-area-off", BJT_LATCH("qn 2 off", "qn area=1.5"));
  });

  itNgspice("CMOS latch (levels 1, 2, 3): MN2 off lands in q high, qb low (without it, both find the metastable point q = qb = 1.46 V)", () => {
    const a = compare("cmos-latch-mn2off", CMOS_LATCH("", "off"));
    expect(a.q).toBeGreaterThan(2.99);
    expect(a.qb).toBeLessThan(1e-6);
    const none = compare("cmos-latch-none", CMOS_LATCH("", ""));
    expect(Math.abs(none.q - none.qb)).toBeLessThan(1e-9);
    for (const level of [2, 3]) {
      compare(`cmos-latch-l${level}`, [
        `cmos latch level ${level}`, TIGHT, "VDD dd 0 3", "MN1 q qb 0 0 nch w=2u l=1u", "MP1 q qb dd dd pch w=4u l=1u", "MN2 qb q 0 0 nch off w=2u l=1u", "MP2 qb q dd dd pch w=4u l=1u",
        `.model nch nmos(level=${level} vto=0.7 kp=1e-4 tox=2e-8)`, `.model pch pmos(level=${level} vto=-0.7 kp=4e-5 tox=2e-8)`,
      ]);
    }
  });

  itNgspice("ngspice's ECL Schmitt trigger (tests/general/schmitt.cir: `q1 3 2 4 qstd off`), operating point", () => {
    compare("schmitt", [
      "schmitt ckt - ecl compatible schmitt trigger", TIGHT,
      "vin 1 0 pulse(-1.6 -1.2 10ns 400ns 400ns 100ns 10000ns)", "vee 8 0 -5", "rin 1 2 50", "rc1 0 3 50", "r1 3 5 185", "r2 5 8 760", "rc2 0 6 100",
      "re 4 8 260", "rth1 7 8 125", "rth2 7 0 85", "cload 7 0 5pf", "q1 3 2 4 qstd off", "q2 6 5 4 qstd", "q3 0 6 7 qstd", "q4 0 6 7 qstd",
      ".model qstd npn(level=1 is=1.0e-16 bf=50 br=0.1 rb=50 rc=10 tf=0.12ns tr=5ns", "+  cje=0.4pf pe=0.8 me=0.4 cjc=0.5pf pc=0.8 mc=0.333 ccs=1pf va=50)",
    ]);
  });

  itNgspice("JFET and diode `off` (no second state here: the same answer, from another start)", () => {
    compare("jfet-off", ["jfet off", TIGHT, "VDD d0 0 10", "RD d0 d 2k", "VG g 0 -0.5", "J1 d g s jn off", "RS s 0 200", "J2 d g2 0 jn 2 off", "VG2 g2 0 -1", ".model jn njf(vto=-2 beta=1e-3 lambda=0.01 rd=10 rs=10)"]);
    compare("diode-off", ["diode off", TIGHT, "V1 1 0 2", "R1 1 2 1k", "D1 2 0 dm off", "D2 2 3 dm 2 off", "R2 3 0 500", ".model dm d(is=1e-14 n=1.2 rs=5)"]);
  });

  itNgspice("a latch's transient starts from the state `off` picks (the operating point of .tran without uic)", () => {
    const f = path.join(dir, "latch-tran.cir");
    writeFileSync(f, [...BJT_LATCH("qn off", "qn"), ".tran 1n 20n", ".end", ""].join("\n"));
    const c = loadCircuit(f);
    const eq = transient(c, { integrator: "trap" });
    const ng = runNgspiceTran(f, { tstep: 1e-9, tstop: 20e-9, nodes: ["1", "2"] });
    let w = 0;
    for (const n of ["1", "2"]) for (let i = 0; i < eq.time.length; i++) w = Math.max(w, Math.abs(eq.nodes[n][i] - ngAt(ng.time, ng.nodes[n], eq.time[i])));
    worst.set("latch-tran", w);
    expect(eq.nodes["1"][0]).toBeGreaterThan(4.5);
    expect(w).toBeLessThan(1e-6);
  });
});

describeNgspice("`.model` parameters written NAME VALUE (SPICE2) against ngspice, for every model kind", () => {
  itNgspice("MOSFET (g1310.sp's `pmos( vto -1.615 kp 1.191e-5 ...`), mixed `NSUB=1E15 NSS 1E10` (MOSBandgap.sp), diode, BJT, JFET, resistor and switch models", () => {
    compare("name-value", [
      "name value", TIGHT, "VDD dd 0 5", "VG g 0 2",
      "M1 d g dd dd pchnl1 w=20u l=4u", "RD d 0 10k",
      "M2 d2 g 0 0 nm w=10u l=2u", "RD2 dd d2 20k",
      ".model pchnl1 pmos( vto -1.615 kp 1.191e-5 gamma 0.5 lambda 0.02 phi .6 )",
      ".model nm nmos(level=2 vto=0.8 NSUB=1E15 NSS 1E10 tox 4e-8, uo 600)",
      "D1 dd a dm", "RA a 0 5k", ".model dm d is 1e-14 n 1.5 rs 10",
      "Q1 c b 0 qm", "RB dd b 200k", "RC dd c 2k", ".model qm npn(bf 80 is 2e-15 vaf 50)",
      "J1 dj 0 sj jm", "RDJ dd dj 1k", "RSJ sj 0 100", ".model jm njf(vto -2 beta 1e-3)",
      "R9 dd r rm l=20u w=2u", "R10 r 0 1k", ".model rm r(rsh 50)",
      "S1 dd sw g 0 swm", "RSW sw 0 1k", ".model swm sw(vt 1 ron 10 roff 1meg)",
    ]);
  });
});

describeNgspice("tc1= / tc2= on a B source against ngspice (the value times 1 + tc1 dT + tc2 dT^2, dT = T - 300.15 K)", () => {
  itNgspice("ngspice's asrc-tc-1.cir at 127 C (110 V and 110 A), with tc2 and at another TNOM (which ngspice does not use)", () => {
    const asrc = ["asrc tc", TIGHT, "V1 1 0 dc=100 ac=1", "B2 2 0 i=v(1) tc1=0.001", "V2 0 2 0", "B3 3 0 v=v(1) tc1=0.001", ".temp 127.0"];
    const v = compare("asrc-tc-1", asrc);
    expect(v["3"]).toBeCloseTo(110, 9);
    compare("asrc-tc2", ["asrc tc2", TIGHT, "V1 1 0 2", "B2 2 0 i=v(1)*v(1)/1k tc1=-2e-3 tc2=1e-5", "R2 2 0 1k", "B3 3 0 v=v(2)*2 tc2=1e-4 tc1={1e-3}", "R3 3 0 1k", ".temp -20", ".options tnom=50"]);
  });
});

describeNgspice("resistor model resistance= and DISTOF1/DISTOF2 on sources, against ngspice", () => {
  itNgspice("`.model myres r(resistance=2k)` (instance-defaults.cir) is the model's default resistance: i = -0.5 mA", () => {
    compare("instance-defaults", ["instance defaults", "v1 1 0 dc=1", "r1 1 0 myres", ".model myres r(resistance=2k)"]);
    compare("instance-defaults-override", ["override", "v1 1 0 dc=1", "r1 1 2 myres 3k", "r2 2 0 myres", ".model myres r(resistance=2k tc1=1e-3)", ".temp 60"]);
  });

  itNgspice("`SIN 0 1 1K 0 0 DISTOF1 0 DISTOF2 0` (lowpass.cir) and `DISTOF1 0.5 90` are read and change nothing", () => {
    compare("distof", ["distof", "V1 1 0 DC 0 AC 1 SIN 0 1 1K 0 0 DISTOF1 0 DISTOF2 0", "V2 2 0 DC 2 DISTOF1 0.5 90 AC 1", "V3 3 0 SIN(0.5 1 1k) DISTOF2 1", "R1 1 2 1k", "R2 2 3 1k", "R3 3 0 1k"]);
  });
});

describeNgspice(".ic with commas against ngspice", () => {
  itNgspice("`.ic v(2)=1, v(3)=2` and `.ic v(2)=1,v(3)=3` (the last one read wins) start a uic transient as ngspice's", () => {
    const f = path.join(dir, "ic-commas.cir");
    writeFileSync(f, ["ic commas", TIGHT, "V1 1 0 5", "R1 1 2 1k", "C1 2 0 1u", "R2 2 3 1k", "C2 3 0 1u", ".ic v(2)=1, v(3)=2", ".ic v(2)=1,v(3)=3", ".tran 10u 2m uic", ".end", ""].join("\n"));
    const c = loadCircuit(f);
    expect([...c.ics.entries()].map(([n, v]) => [c.nodeNames[n], v])).toEqual([["2", 1], ["3", 3]]);
    const eq = transient(c, { integrator: "trap", uic: true, tmax: 1e-5 });
    const ng = runNgspiceTran(f, { tstep: 1e-5, tstop: 2e-3, tmax: 1e-5, uic: true, nodes: ["2", "3"] });
    expect(eq.nodes["3"][0]).toBeCloseTo(3, 12);
    let w = 0;
    // from ngspice's first time point on (its output starts after t = 0)
    for (const n of ["2", "3"]) for (let i = 0; i < eq.time.length; i++) if (eq.time[i] >= ng.time[0]) w = Math.max(w, Math.abs(eq.nodes[n][i] - ngAt(ng.time, ng.nodes[n], eq.time[i])));
    worst.set("ic-commas", w);
    expect(w).toBeLessThan(1e-5);
  });
});

describeNgspice("numparam's one-argument max() and min() against ngspice", () => {
  itNgspice("`max(x)` and `min(x)` are x (func_cap.sp's `max(icap_calc(1,2,3,4))`)", () => {
    const v = compare("max-one", ["max one", TIGHT, ".func f(a,b) '2*a*sqrt(b)'", ".param p='max(f(1,4))' q='min(-3.5)*2'", "V1 1 0 {p}", "R1 1 0 1k", "V2 2 0 {q}", "R2 2 0 1k"]);
    expect([v["1"], v["2"]]).toEqual([4, -7]);
  });
});

describeNgspice("a source value in parentheses against ngspice", () => {
  itNgspice("`(PULSE 0.5 1 0 1n)`, `(DC 2)` and `(SIN(0.3 1 1k))` read as without the parentheses (ngspice's tokenizer skips them)", () => {
    const v = compare("paren-source", ["paren source", TIGHT, "V1 1 0 (PULSE 0.5 1 0 1e-09)", "R1 1 0 1k", "V2 2 0 (DC 2)", "R2 2 0 1k", "V3 3 0 (SIN(0.3 1 1k))", "R3 3 0 1k"]);
    expect([v["1"], v["2"], v["3"]]).toEqual([0.5, 2, 0.3]);
  });
  it("unbalanced or partial parentheses stay errors at their place", () => {
    expect(() => loadCircuitFromText(["t", "V1 1 0 (PULSE 0 1 0 1n", "R1 1 0 1k", ".end"].join("\n"), "p.cir")).toThrow(/p\.cir:2:8: v1: unexpected '\('/);
    expect(() => loadCircuitFromText(["t", "V1 1 0 (DC 1) AC 1", "R1 1 0 1k", ".end"].join("\n"), "p.cir")).toThrow(/p\.cir:2:8: v1: unexpected '\('/);
  });
});

describeNgspice("`.option scale` against ngspice", () => {
  // Each deck's currents depend on the absolute sizes (LD, junction areas and perimeters, a resistor's NARROW and
  // SHORT, the size bins), so a scale read wrongly, or not at all, moves them.
  const devices = [
    "V1 d 0 2", "V2 g 0 1.5", "VB b 0 0.65",
    "M1 d g 0 b nm w=10 l=2 ad=20 as=30 pd=24 ps=26",
    ".model nm nmos level=1 vto=0.7 kp=1e-4 ld=0.2u js=1e-4 jssw=1e-9",
    "M2 d g 0 b n3 w=4 l=1",
    ".model n3 nmos level=3 vto=0.7 kp=1e-4 ld=0.1u theta=0.1 eta=0.05 kappa=0.2",
    "VP p 0 -1.2",
    "M3 p g 0 0 pch w=20 l=0.5",
    ".model pch.1 pmos (version=4.7 level=54 lmin=0.1u lmax=20u wmin=0.1u wmax=10u vth0=-0.4)",
    ".model pch.2 pmos (version=4.7 level=54 lmin=0.1u lmax=20u wmin=10u wmax=100u vth0=-0.5)",
    "V3 r 0 1", "R1 r 0 rm l=10 w=2", ".model rm r rsh=100 narrow=0.5u short=1u",
  ];
  itNgspice("MOSFET L, W, AD, AS, PD, PS and the size bin, and a resistor's L and W, in microns (scale=1e-6), against the same deck in meters", () => {
    const scaled = compare("scale-1e-6", ["option scale", TIGHT, ".option scale=1e-6", ...devices]);
    const meters = compare("scale-meters", ["option scale in meters", TIGHT, ...devices.map((l) => l.replace(/\b(w|l|pd|ps)=([\d.]+)/g, "$1=$2u").replace(/\b(ad|as)=([\d.]+)/g, "$1=$2p"))]);
    // the same sizes written in meters: the same solution
    for (const [k, v] of Object.entries(meters)) expect(scaled[k]).toBeCloseTo(v, 12);
  });
  itNgspice("scale=0.8e-6 and a scale beside other options", () => {
    compare("scale-0.8u", ["option scale 0.8u", TIGHT, ".options scale=0.8e-6 reltol=1e-6", ...devices]);
  });
  it("a scale that is not positive is refused at its value", () => {
    expect(() => loadCircuitFromText(["t", ".option scale=0", "R1 1 0 1k", "V1 1 0 1", ".end"].join("\n"), "scale.cir")).toThrow(/scale\.cir:2:15: option 'scale' has a bad value 0/);
  });
});

describeNgspice(".ic inside a .subckt against ngspice", () => {
  itNgspice("`.ic v(n)={v0}` in a subcircuit sets every instance's own node from its own parameters (x1.n = 2 V, x2.n = the default 1 V)", () => {
    const f = path.join(dir, "ic-subckt.cir");
    writeFileSync(f, ["ic in a subckt", TIGHT, ".subckt rc a b params: v0=1", "R1 a n 1k", "C1 n b 1u", ".ic v(n)={v0}", ".ends", "X1 1 0 rc v0=2", "X2 1 0 rc", "V1 1 0 0", ".tran 10u 1m", ".end", ""].join("\n"));
    const c = loadCircuit(f);
    expect([...c.ics.entries()].map(([n, v]) => [c.nodeNames[n], v]).sort()).toEqual([["x1.n", 2], ["x2.n", 1]]);
    const eq = transient(c, { integrator: "trap", tmax: 1e-5 });
    const ng = runNgspiceTran(f, { tstep: 1e-5, tstop: 1e-3, tmax: 1e-5, nodes: ["x1.n", "x2.n"] });
    expect(eq.nodes["x1.n"][0]).toBeCloseTo(2, 9);
    let w = 0;
    for (const n of ["x1.n", "x2.n"]) for (let i = 0; i < eq.time.length; i++) if (eq.time[i] >= ng.time[0]) w = Math.max(w, Math.abs(eq.nodes[n][i] - ngAt(ng.time, ng.nodes[n], eq.time[i])));
    worst.set("ic-subckt", w);
    // and the closed form of the RC discharge, 2 exp(-t / 1 ms)
    const k = eq.time.findIndex((t) => t >= 5e-4);
    expect(eq.nodes["x1.n"][k]).toBeCloseTo(2 * Math.exp(-eq.time[k] / 1e-3), 4);
    expect(w).toBeLessThan(1e-5);
  });
});

describeNgspice("ngspice 39's readings of bare DC, .ends names, K, noise sources beside DC, PWL r= td=", () => {
  itNgspice("operating points: `DC PWL(0 5 ..)` is 0 V and `PWL(0 3 ..)` 3 V, `.ends bb` closes .subckt aa, k = 0 and 1.005, `dc 0.5 trnoise ...`", () => {
    compare("bare-dc-ends-k-trnoise", [
      "bare dc", TIGHT, "v1 1 0 DC PWL(0 5 10 10)", "r1 1 0 1k", "v2 2 0 PWL(0 3 10 10)", "r2 2 0 1k",
      ".subckt aa p q", "ra p q 2k", ".ends bb", "x1 2 3 aa", "r3 3 0 1k",
      "v4 4 0 dc 0.5 trnoise 0.05 8p 1.0 0.001", "r4 4 5 1k", "l1 5 0 1m", "l2 5 6 1m", "r6 6 0 1k", "k1 l1 l2 0",
      "l3 5 7 2m", "r7 7 0 1k", "k2 l2 l3 1.005",
    ]);
  });
  itNgspice("E and G TABLE (ngspice's rewrite into a B source and an XSPICE pwl: the same internal nodes), m= on G, a single pair, in a subcircuit, across the table's corners", () => {
    for (const vin of [-2, 0.2, 0.7, 1.1, 5]) {
      compare(`table-${vin}`, [
        "table", TIGHT, `v1 1 0 ${vin}`, "r1 1 0 1k",
        "e1 2 0 TABLE {0.45*v(1)} = (-1, -0.5) (-0.5, 0) (0, 2) (0.5, 2) (1, 1)", "r2 2 0 1k",
        "gd16 3 0 table {v(1)} ((-100,-1p)(0,0)(1m,1u)(2m,1m))", "r3 3 0 1",
        ".subckt tt a b", "e2 b 0 table {v(a)} = (0, 0.3)", "g2 b 0 table {v(a)*2} = (0,0) (1,1m) (2, 1.5m) m=2", "rb b 0 1k", ".ends", "x1 1 4 tt",
      ]);
    }
  });
  itNgspice("a resistance that reads v() is ngspice's B source i = v(n+, n-)/(expr), its tc1/tc2 dividing (at .temp 127), quoted or braced, R= or bare, in a subcircuit", () => {
    compare("r-behavioural", [
      "r of v", TIGHT, ".temp 127", "v1 1 0 2", "r1 1 2 1k", "r2 2 0 '1k*(1 + v(2))' tc1=0.001 tc2=1e-6",
      "v9 9 0 0.5", "r3 1 3 r = {1k + v(9)*2k} tc1=0.001", "r4 3 0 1k",
      ".subckt rr a", "rx a 0 {500 + 100*v(a)}", ".ends", "x1 3 rr",
    ]);
  });
  itNgspice("a parenthesized resistance that reads v() or time, `R = (v(9) < 1 ? {rl} : {rl/2})` (dcdc.sp's form), braces inside as blanks", () => {
    for (const v9 of [0.5, 2]) {
      compare(`r-paren-${v9}`, ["r paren", TIGHT, ".param rl=2k", "v1 1 0 2", `v9 9 0 ${v9}`, "r1 1 2 1k", "r2 2 0 R = (v(9) < 1 ? {rl} : {rl/2}) tc1=0.001", "r3 1 3 (time < 1m ? 3k : 1k)", "r4 3 0 1k"]);
    }
  });
  itNgspice("an instance parameter overrides a .param of the subcircuit's body (alterparam.sp), the header's defaults still apply", () => {
    compare("body-param-override", [
      "body param", TIGHT, ".subckt subr in out rint1 = 6", ".param rint = 5", ".param rint2 = {rint + 3}", "R0 in out 'rint'", "R1 in out 'rint1'", "R2 in out 'rint2'", ".ends",
      "Xr 2 0 subr rint = 7 rint1 = 9", "v2 2 0 1", "Xs 3 0 subr", "v3 3 0 1",
    ]);
  });
  itNgspice("transient: PWL with r= and td=, with and without parentheses (the repeated part and the delay as ngspice's vsrcload.c)", () => {
    const f = path.join(dir, "pwl-r-td.cir");
    writeFileSync(f, ["pwl r td", "v1 1 0 pwl(0 0 1m 1 2m 0 3m 1) r=1m td=0.5m", "r1 1 0 1k", "v2 2 0 pwl 0 1 1m 2 2m 1 r=0", "r2 2 0 1k", "v3 3 0 pwl(0 0 1m 2 2m 0 r=0 td=0.2m)", "r3 3 0 1k", ".tran 0.1m 10m", ".end", ""].join("\n"));
    const c = loadCircuit(f);
    const eq = transient(c, { integrator: "trap" });
    const ng = runNgspiceTran(f, { tstep: 1e-4, tstop: 10e-3, nodes: ["1", "2", "3"] });
    // ngspice's values at its own time points against eqspice's source functions there (its points
    // need not land on the repeated corners, so interpolating between them would blur the comparison)
    let w = 0;
    for (const [n, src] of [["1", "v1"], ["2", "v2"], ["3", "v3"]]) {
      const d = c.devices.find((x) => x.name === src) as unknown as { value: SourceValue };
      for (let i = 0; i < ng.time.length; i++) w = Math.max(w, Math.abs(waveformAt(d.value.wave, ng.time[i]) - ng.nodes[n][i]));
      for (let i = 0; i < eq.time.length; i++) expect(Math.abs(eq.nodes[n][i] - waveformAt(d.value.wave, eq.time[i]))).toBeLessThan(1e-12);
    }
    worst.set("pwl-r-td", w);
    // (the repeated parts are continuous, so the comparison between time points is fair)
    // v(2) at 7.5 ms: 5.5 ms past the last point, period 2 ms: 1.5 ms into the pattern, 1.5 V
    const k = eq.time.findIndex((t) => Math.abs(t - 7.5e-3) < 1e-9);
    expect(eq.nodes["2"][k]).toBeCloseTo(1.5, 9);
    expect(w).toBeLessThan(1e-9);
  });
});

describe("the lenient cards: what they read, and bad input", () => {
  const FILE = "len.cir";
  const expectNetlistError = netlistErrorCheck(FILE);
  const load = (...lines: string[]) => () => loadCircuitFromText(["* lenient", ...lines].join("\n") + "\n", FILE);

  it(".ic entries with and without commas read the same; .nodeset with commas too (test/nodeset.test.ts)", () => {
    const el = elaborate(parseNetlist(["t", "V1 a 0 1", "R1 a b 1k", "C1 b 0 1n", ".ic v(a)=1,v(b)=2 , v(b)=3", ".nodeset v(a)=0, v(b)=5", ".end"].join("\n"), FILE));
    expect([...el.ics]).toEqual([["a", 1], ["b", 3]]);
    expect(el.nodesets.map((n) => [n.node, n.value])).toEqual([["a", 0], ["b", 5]]);
  });

  it(".ic: a missing value, a bad entry", () => {
    expectNetlistError(load("V1 a 0 1", "R1 a 0 1k", ".ic v(a)=,"), 4, 10, /\.ic v\(a\)= has no value/);
    expectNetlistError(load("V1 a 0 1", "R1 a 0 1k", ".ic v(a)="), 4, 9, /\.ic v\(a\)= has no value/);
    expectNetlistError(load("V1 a 0 1", "R1 a 0 1k", ".ic v(a)=1, a=2"), 4, 13, /`\.ic` expects entries like v\(node\)=value, found 'a'/);
  });

  it(".model NAME VALUE: a name without a value (at the end, or before another name=); a number where a name belongs is ignored", () => {
    expectNetlistError(load(".model dm d(is 1e-14 n)", "D1 a 0 dm", "V1 a 0 1"), 2, 22, /\.model dm: parameter 'n' has no value/);
    expectNetlistError(load(".model dm d is 1e-14 n", "D1 a 0 dm", "V1 a 0 1"), 2, 22, /\.model dm: parameter 'n' has no value/);
    expectNetlistError(load(".model dm d(is n=1)", "D1 a 0 dm", "V1 a 0 1"), 2, 13, /\.model dm: parameter 'is' has no value/);
    // a number where a name belongs: ngspice 39 ignores it (no warning; V(b) unchanged), eqspice with a warning
    expect(parseNetlist(["* lenient", ".model dm d(is=1e-14 2)", "D1 a 0 dm", "V1 a 0 1"].join("\n") + "\n", FILE).warnings.join("\n")).toMatch(/2:22: \.model dm: stray value '2' \(no parameter name\) ignored/);
    ignoredParamCheck(FILE)(load(".model dm d(is=1e-14 foo 2)", "D1 a 0 dm", "V1 a 0 1"), 2, 22, "foo");
  });

  it("NAME VALUE reads as NAME=VALUE (the same model values)", () => {
    const a = elaborate(parseNetlist(["t", "V1 a 0 1", "D1 a 0 dm", ".model dm d(is 2e-14 n 1.5, rs=3 bv 50)", ".end"].join("\n"), FILE));
    const b = elaborate(parseNetlist(["t", "V1 a 0 1", "D1 a 0 dm", ".model dm d(is=2e-14 n=1.5 rs=3 bv=50)", ".end"].join("\n"), FILE));
    expect(a.elements[1]).toEqual({ ...b.elements[1], loc: a.elements[1].loc });
  });

  it("off: BSIM3 refuses it by name; a BJT, JFET and MOSFET still refuse stray words", () => {
    expectNetlistError(load(".model n3 nmos(level=8 version=3.3.0)", "V1 d 0 1", "M1 d d 0 0 n3 off"), 4, 15, /m1: 'off' is not supported for BSIM3/);
    expectNetlistError(load(QN, "V1 c 0 1", "Q1 c c 0 qn off 2"), 4, 17, /q1: unexpected '2' after 'off' \(ngspice 39 refuses it too/);
    expectNetlistError(load(QN, "V1 c 0 1", "Q1 c c 0 qn 2 3 off"), 4, 15, /q1: unexpected '3'/);
    expectNetlistError(load(".model jn njf(vto=-2)", "V1 d 0 1", "J1 d 0 0 jn off 2"), 4, 17, /j1: unexpected '2' after 'off'/);
    expectNetlistError(load(MOS[0], "V1 d 0 1", "M1 d d 0 0 nch off on"), 4, 20, /m1: unexpected 'on'/);
    const el = elaborate(parseNetlist(["t", QN, "V1 c 0 1", "Q1 c c 0 qn 2 off", "Q2 c c 0 qn", ".end"].join("\n"), FILE));
    expect(el.elements.filter((e) => e.type === "q").map((e) => [e.name, "off" in e && e.off === true, e.type === "q" && e.area])).toEqual([["q1", true, 2], ["q2", false, 1]]);
  });

  it("B source tc1=, tc2=: a missing value, twice, a list", () => {
    expectNetlistError(load("R1 a 0 1k", "B1 a 0 I=1m tc1="), 3, 13, /b1: tc1= needs one value/);
    expectNetlistError(load("R1 a 0 1k", "B1 a 0 I=1m tc1=1 tc1=2"), 3, 19, /b1: 'tc1' given twice/);
    expectNetlistError(load("R1 a 0 1k", "B1 a 0 tc1=1e-3"), 3, 8, /b1: a B source needs V=expression or I=expression/);
  });

  it("PWL r= not one of the times, r= without a value; a noise source without a DC value; a transient of a noise source names it", () => {
    expectNetlistError(load("V1 a 0 PWL(0 0 1m 1) r=0.5m", "R1 a 0 1k"), 2, 24, /v1: PWL repeat time r=0.0005 must equal one of the PWL times before the last/);
    expectNetlistError(load("V1 a 0 PWL(0 0 1m 1) r=1m", "R1 a 0 1k"), 2, 24, /must equal one of the PWL times before the last/);
    expectNetlistError(load("V1 a 0 PWL(0 0 1m 1) td=", "R1 a 0 1k"), 2, 22, /v1: 'td=' has no value/);
    expectNetlistError(load("V1 a 0 trnoise 1m 1n 0 0", "R1 a 0 1k"), 2, 8, /v1: TRNOISE sources \(transient noise.*\) are not modelled by eqspice \(with a DC value/);
    const c = load("V1 a 0 DC 1 TRNOISE(1m 1n 0 0)", "R1 a 0 1k", ".tran 1n 10n")();
    expect(() => transient(c, {})).toThrow(/len\.cir:2:1: tran: v1: TRNOISE sources .* are not modelled by eqspice \(its DC value serves \.op, \.dc and \.ac only\)/);
  });

  it("E/G TABLE without its expression, with an odd number of values, with a stray token", () => {
    expectNetlistError(load("V1 a 0 1", "E1 b 0 TABLE v(a) = (0,0) (1,1)", "R1 b 0 1k"), 3, 14, /e1: TABLE needs its input as an expression in braces/);
    expectNetlistError(load("V1 a 0 1", "E1 b 0 TABLE {v(a)} = (0,0) (1)", "R1 b 0 1k"), 3, 30, /e1: TABLE needs pairs \(x, y\), got 3 values/);
    expectNetlistError(load("V1 a 0 1", "G1 b 0 TABLE {v(a)} = (0,0) (1,1) m=", "R1 b 0 1k"), 3, 35, /g1: m= needs a value/);
  });

  it("a behavioural resistance with another instance parameter", () => {
    expectNetlistError(load("V1 a 0 1", "R1 a 0 {1k*v(a)} m=2"), 3, 18, /r1: a resistance that reads v\(\), i\(\) or time is a B source .* not 'm'/);
  });

  it("diode RTH0/CTH0 and the safe-operating-area limits are read and unused (ngspice uses them only with a thermal node or for warnings); a thermal instance is refused", () => {
    const a = operatingPoint(load("V1 a 0 0.7", "D1 a 0 dm", ".model dm d(is=1e-14 rs=1 rth0=100 cth0=1u fv_max=1.5 bv_max=20 id_max=1.5 pd_max=1 te_max=175)")());
    const b = operatingPoint(load("V1 a 0 0.7", "D1 a 0 dm", ".model dm d(is=1e-14 rs=1)")());
    expect(a.branches.v1).toBe(b.branches.v1);
    expect(a.branches.v1).toBeLessThan(-1e-4);
    expectNetlistError(load("V1 a 0 0.7", "D1 a 0 tj dm thermal", ".model dm d(is=1e-14 rth0=100)"), 3, 14, /d1: self-heating diodes .* are not supported/);
  });

  it("SINE is SIN (ngspice's alias on V and I sources)", () => {
    const w = (line: string) => elaborate(parseNetlist(["t", line, "R1 a 0 1k", ".end"].join("\n"), FILE)).elements[0];
    const a = w("V1 a 0 SINE(0 1 1k 0 0 30)");
    const b = w("V1 a 0 SIN(0 1 1k 0 0 30)");
    expect(a).toEqual({ ...b, loc: a.loc, nodeToks: (a as { nodeToks?: unknown }).nodeToks });
    expect(w("I1 a 0 sine 0 1m 1k").type).toBe("i");
  });

  it("DISTOF1 with a value that is not one", () => {
    expectNetlistError(load("V1 a 0 DC 1 DISTOF1 foo", "R1 a 0 1k"), 2, 21, /foo/);
  });
});
