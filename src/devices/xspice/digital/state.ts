/**
 * d_state, the state machine read from a file, at DC as its ngspice 39
 * cfunc.mod (src/xspice/icm/digital/d_state/) computes TIME 0: the state is
 * reset_state, and the outputs are the bits of that state's first row of
 * the table (of the table's first row when no row has that state); clk,
 * reset and the inputs play no part at DC.
 *
 * The file (state_file, found as fopen_with_path finds it) is read as
 * cm_read_state_file reads it: a line whose first character is '*', or
 * which holds only blanks and '*', is skipped; the others are split into
 * tokens at blanks, '=', '(', ')' and ','. A row of 3 + n_in + n_out tokens
 * is a header, `state out... in... -> next` (an output `0s 1s Us 0r 1r Ur
 * 0z 1z Uz 0u 1u Uu`: state and strength; an input `0 1 x X`); a row of
 * 2 + n_in tokens continues the state above, `in... -> next`. Any other
 * row, an unknown token, or a state number that is not a number is the
 * cfunc's load error, and the reset state's rows not being contiguous its
 * index error: both refused here (ngspice writes an error message and
 * leaves the outputs unset). A first row that continues nothing, or a file
 * without rows, is refused too.
 */
import { dport, delays, load, type DigitalModelDef } from "./models.js";

const OUT_TOKENS = ["0s", "1s", "Us", "0r", "1r", "Ur", "0z", "1z", "Uz", "0u", "1u", "Uu"];
const IN_TOKENS = new Set(["0", "1", "x", "X"]);

/** cnv_get_spice_value's number, truncated to an int as the cfunc stores a state; NaN for no number. */
function stateNumber(tok: string): number {
  const m = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/.exec(tok);
  return m ? Math.trunc(Number(tok)) : NaN;
}

export const STATE_MODELS: Record<string, DigitalModelDef> = {
  d_state: {
    ports: [dport("in", "in", { vectorMin: 0 }), dport("clk", "in"), dport("reset", "in", { nullable: true }), dport("out", "out", { vectorMin: 1 })],
    params: [
      ...delays("clk_delay", "reset_delay"),
      { name: "state_file", kind: "string", defText: "state.txt" },
      { name: "reset_state", kind: "int", def: 0 },
      load("input_load"),
      load("clk_load"),
      load("reset_load"),
    ],
    validate(p, { sizes, files }) {
      const nIn = sizes.get("in")!;
      const nOut = sizes.get("out")!;
      const { text, path } = files.read("state_file");
      const bad = (line: number, why: string): never => files.fail("state_file", `d_state's state file ${path}, line ${line}: ${why} (ngspice 39: "state file was not read successfully")`);
      /** Per row: its state, its output values (state + 3 strength), its line. */
      const rows: Array<{ state: number; outs: number[]; line: number }> = [];
      text.split(/\r?\n/).forEach((raw, k) => {
        const line = k + 1;
        if (raw[0] === "*" || /^[\s*]*$/.test(raw)) return;
        const toks = raw.split(/[\s=(),]+/).filter((t) => t !== "");
        if (toks.length === 3 + nIn + nOut) {
          const state = stateNumber(toks[0]);
          if (Number.isNaN(state)) bad(line, `state '${toks[0]}' is not a number`);
          const outs = toks.slice(1, 1 + nOut).map((t) => {
            const v = OUT_TOKENS.indexOf(t);
            if (v < 0) bad(line, `output '${t}' is none of ${OUT_TOKENS.join(" ")}`);
            return v;
          });
          for (const t of toks.slice(1 + nOut, 1 + nOut + nIn)) if (!IN_TOKENS.has(t)) bad(line, `input '${t}' is none of 0 1 x X`);
          if (Number.isNaN(stateNumber(toks[2 + nIn + nOut]))) bad(line, `next state '${toks[2 + nIn + nOut]}' is not a number`);
          rows.push({ state, outs, line });
        } else if (toks.length === 2 + nIn) {
          if (rows.length === 0) bad(line, "the first row continues no state (it has the inputs and next state only)");
          for (const t of toks.slice(0, nIn)) if (!IN_TOKENS.has(t)) bad(line, `input '${t}' is none of 0 1 x X`);
          if (Number.isNaN(stateNumber(toks[1 + nIn]))) bad(line, `next state '${toks[1 + nIn]}' is not a number`);
          // a continuation's outputs are not those of the row above in the cfunc (it stores the last value it read), but a
          // state's first row, the only one read at DC, is never a continuation
          rows.push({ state: rows[rows.length - 1].state, outs: [], line });
        } else {
          bad(line, `${toks.length} tokens, where a row takes ${3 + nIn + nOut} (state, ${nOut} outputs, ${nIn} inputs, '->', next state) or continues a state with ${2 + nIn}`);
        }
      });
      if (rows.length === 0) files.fail("state_file", `d_state's state file ${path} has no rows`);
      const reset = p.get("reset_state") as number;
      let first = -1;
      let last = -1;
      rows.forEach((r, i) => {
        if (r.state !== reset) return;
        if (first < 0) first = last = i;
        if (i - last > 1) files.fail("state_file", `d_state's state file ${path}: the rows of reset_state ${reset} are not contiguous (line ${r.line}; ngspice 39: "An error exists in the ordering of states")`);
        last = i;
      });
      return new Map([["#dc_out", rows[Math.max(first, 0)].outs]]);
    },
    make: (p) => {
      const dcOut = p.get("#dc_out") as readonly number[];
      return {
        evaluate(_ins, outs) {
          for (let i = 0; i < outs.length; i++) outs[i] = dcOut[i];
        },
      };
    },
  },
};
