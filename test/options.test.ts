/**
 * The training options are declared once (src/train/option-specs.ts) and
 * everything else follows from that declaration:
 *  - every option refuses a value of the wrong type or out of its bounds
 *    with a message naming it, from the train / gradcheck / eval commands,
 *    from a sweep config and from a netlist's *@defaults;
 *  - each command's help lists each of its options once, with its default;
 *  - --resume compares the declared options, by their flags;
 *  - the generated option tables of the docs are up to date;
 *  - one function converts beta to siemens.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Command } from "commander";
import { afterAll, describe, expect, it } from "vitest";
import { loadCircuitFromText } from "../src/api.js";
import { registerEval } from "../src/cli/commands/eval.js";
import { registerGradcheck } from "../src/cli/commands/gradcheck.js";
import { registerTrain } from "../src/cli/commands/train.js";
import { InputError, NetlistError } from "../src/util/errors.js";
import { parseSweepConfig } from "../src/sweep/config.js";
import { evalJobOf, evaluateNetlist } from "../src/train/eval.js";
import { gradcheckJobOf, runGradcheckJob } from "../src/train/gradcheck.js";
import { netlistDefaults } from "../src/train/job-defaults.js";
import { docFiles, renderDocFile } from "../src/train/option-docs.js";
import {
  NETLIST_KEYS,
  USES,
  defaultText,
  flagOf,
  optionFields,
  optionSpec,
  optionsOf,
  resolveOptions,
  sweepKeyOf,
  sweepRunsOf,
  TRAIN_DEFAULTS,
  type OptionField,
  type OptionValues,
  type Use,
} from "../src/train/option-specs.js";
import { conflictingOptions, runTrainJob, trainJobOf } from "../src/train/run.js";
import { ROOT, runCli } from "./helpers/build.js";

const tmp = mkdtempSync(path.join(tmpdir(), "eqspice-options-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Values an option must refuse: `value` as a library call or a sweep gives it, `text` as a flag or *@defaults does. */
function badValues(field: OptionField): Array<{ value: unknown; text: string }> {
  const s = optionSpec(field);
  const out: Array<{ value: unknown; text: string }> = [];
  const n = (v: number) => out.push({ value: v, text: String(v) });
  switch (s.kind) {
    case "int":
      out.push({ value: 1.5, text: "1.5" });
      break;
    case "number":
      out.push({ value: "abc", text: "abc" });
      break;
    case "enum":
      out.push({ value: "nope", text: "nope" });
      break;
    default:
      return out;
  }
  if (s.kind === "int" || s.kind === "number") {
    if (s.min !== undefined) n(s.minExclusive ? s.min : s.min - 1);
    if (s.max !== undefined) n(s.maxExclusive ? s.max : s.max + 1);
    if (s.rule) {
      const lo = s.min ?? 0;
      const broken = Array.from({ length: 10 }, (_, k) => lo + k).find((v) => !s.rule!.ok(v));
      expect(broken, `${field}: a value its rule refuses`).toBeDefined();
      n(broken!);
    }
  }
  return out;
}

/** The netlist each job runs on here (small; nothing runs when the options are refused). */
const NETLIST: Record<Use, { netlist: string; dataset: string }> = {
  train: { netlist: "netlists/xor.cir", dataset: "xor" },
  gradcheck: { netlist: "netlists/iris.cir", dataset: "iris" },
  eval: { netlist: "netlists/iris.cir", dataset: "iris" },
};

/** Run a job as the library does, with these option values. */
async function runJob(use: Use, v: OptionValues): Promise<unknown> {
  const { netlist, dataset } = NETLIST[use];
  const values = { dataset, ...v };
  if (use === "train") return runTrainJob(trainJobOf(netlist, { epochs: 0, ...values }));
  if (use === "gradcheck") return runGradcheckJob(gradcheckJobOf(netlist, values));
  return evaluateNetlist(evalJobOf(netlist, values));
}

/** Run a command in-process as the CLI registers it; returns the error it ended with. */
async function runCommand(use: Use, args: string[]): Promise<unknown> {
  const program = new Command().exitOverride();
  let failure: unknown;
  const run = async (fn: () => Promise<void> | void) => {
    try {
      await fn();
    } catch (e) {
      failure = e;
    }
  };
  ({ train: registerTrain, gradcheck: registerGradcheck, eval: registerEval })[use](program, run);
  const { netlist, dataset } = NETLIST[use];
  const extra = use === "train" ? ["--out", path.join(tmp, "cli-run"), ...(args[0] === "--epochs" ? [] : ["--epochs", "0"])] : [];
  try {
    await program.parseAsync(["node", "eqspice", use, netlist, "--dataset", dataset, ...extra, ...args]);
  } catch (e) {
    failure = e;
  }
  return failure;
}

const messageOf = (e: unknown): string => {
  expect(e, "an InputError").toBeInstanceOf(InputError);
  return (e as Error).message;
};

describe("every declared option refuses a bad value with a message naming it", () => {
  const checked = optionFields().filter((f) => badValues(f).length > 0);

  it("options without bad values are text or switches only", () => {
    for (const f of optionFields()) if (!checked.includes(f)) expect(["string", "bool"], f).toContain(optionSpec(f).kind);
    expect(checked.length).toBeGreaterThanOrEqual(20);
  });

  it("from the jobs (the library calls)", async () => {
    for (const use of USES) {
      for (const f of optionsOf(use).filter((x) => checked.includes(x))) {
        for (const bad of badValues(f)) {
          const e = await runJob(use, { [f]: bad.value } as OptionValues).then(
            () => undefined,
            (err: unknown) => err,
          );
          const m = messageOf(e);
          expect(m, `${use} ${f}=${bad.text}`).toMatch(new RegExp(`^${flagOf(f)} must be .* \\(got ${bad.text.replace(/[.]/g, "\\.")}\\)$`));
        }
      }
    }
  }, 120_000);

  it("from the commands (train, gradcheck, eval): parsed flags and their bounds", async () => {
    for (const use of USES) {
      for (const f of optionsOf(use).filter((x) => checked.includes(x))) {
        for (const bad of badValues(f)) {
          const m = messageOf(await runCommand(use, [flagOf(f), bad.text]));
          expect(m, `${use} ${flagOf(f)} ${bad.text}`).toMatch(new RegExp(`^${flagOf(f)}(: (not an integer|not a number|'nope' is not one of)| must be .*\\(got )`));
        }
      }
    }
    // And as users run it: exit 1, the message, no stack trace.
    const r = await runCli(["train", "netlists/xor.cir", "--dataset", "xor", "--lr-decay", "2", "--out", path.join(tmp, "x")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("eqspice: error: --lr-decay must be in (0, 1] (got 2)\n");
  }, 120_000);

  it("from a sweep config, at its path in the file", () => {
    for (const f of checked) {
      const key = sweepKeyOf(f);
      if (key === undefined) continue;
      for (const run of sweepRunsOf(f)) {
        for (const bad of badValues(f)) {
          let m = "";
          try {
            parseSweepConfig({ base: { run, netlist: "n.cir", dataset: "iris", [key]: bad.value } }, path.join(tmp, "s.json"));
          } catch (e) {
            m = messageOf(e);
          }
          expect(m, `${run} ${key}=${bad.text}`).toMatch(new RegExp(`\\n  base\\.${key}: .*\\(got ${JSON.stringify(bad.value).replace(/[.]/g, "\\.")}\\)`));
        }
      }
    }
  });

  it("from a netlist's *@defaults, at its file:line:col", () => {
    const text = readFileSync(path.join(ROOT, "netlists/xor.cir"), "utf8");
    expect(NETLIST_KEYS.length).toBeGreaterThanOrEqual(10);
    for (const key of NETLIST_KEYS) {
      const f = optionFields().find((x) => optionSpec(x).flag === key)!;
      for (const bad of badValues(f)) {
        const net = text.replace(/^\.end\b/m, `*@defaults epochs=3 ${key}=${bad.text}\n.end`);
        let e: unknown;
        try {
          netlistDefaults(loadCircuitFromText(net, "x.cir"));
        } catch (err) {
          e = err;
        }
        expect(e, `${key}=${bad.text}`).toBeInstanceOf(NetlistError);
        expect((e as Error).message).toMatch(new RegExp(`^x\\.cir:\\d+:\\d+: \\*@defaults: ${key}(: (not an integer|not a number|'nope' is not one of)| must be .*\\(got )`));
      }
    }
    const good = netlistDefaults(loadCircuitFromText(text.replace(/^\.end\b/m, "*@defaults lr-decay=0.5 target=200m relax=BCD\n.end"), "x.cir"));
    expect(good.values).toEqual({ lrDecay: 0.5, targetAmplitude: 0.2, relax: "bcd" });
    expect(() => netlistDefaults(loadCircuitFromText(text.replace(/^\.end\b/m, "*@defaults levels=4\n.end"), "x.cir"))).toThrow(/unknown option 'levels' \(allowed: epochs, beta/);
  });

  it("and the rule between options: gmax above gmin", () => {
    expect(() => resolveOptions("train", { gmin: 1e-5, gmax: 1e-6 })).toThrow(/hardware option: gmax must exceed gmin \(got --gmin 0.00001, --gmax 0.000001\)/);
  });
});

describe("precedence and defaults", () => {
  it("a given value, else the netlist's where the job takes it, else the job's built-in default", () => {
    const netlist: OptionValues = { beta: 0.4, vin: 25, relax: "bcd", seed: 7 };
    expect(resolveOptions("train", { beta: 0.3 }, netlist)).toMatchObject({ beta: 0.3, vin: 25, relax: "bcd", seed: 7, epochs: 100 });
    const g = resolveOptions("gradcheck", {}, netlist);
    expect(g).toMatchObject({ beta: 1e-3, vin: 25, relax: "auto", samples: 8 });
    expect(resolveOptions("eval", {}, netlist)).toMatchObject({ vin: 25, relax: "bcd", seed: 1 });
    expect(TRAIN_DEFAULTS).toEqual({ epochs: 100, beta: 0.2, lr: 0.5, lrDecay: 1, estimator: "centered", seed: 1, batch: 1, relax: "auto", targetAmplitude: 0.1, targets: "signed", hardware: {} });
  });
});

describe("help", () => {
  it("lists each option of a command once, with its default", () => {
    for (const use of USES) {
      const program = new Command();
      ({ train: registerTrain, gradcheck: registerGradcheck, eval: registerEval })[use](program, async () => {});
      const help = program.commands.find((c) => c.name() === use)!.helpInformation();
      const lines = help.split("\n");
      const starts = lines.map((l, i) => (/^ {2}-/.test(l) ? i : -1)).filter((i) => i >= 0);
      for (const f of optionsOf(use)) {
        const at = starts.filter((i) => new RegExp(`^ {2}${flagOf(f)}( |$)`).test(lines[i]!));
        expect(at, `${use} ${flagOf(f)}`).toHaveLength(1);
        const next = starts.find((i) => i > at[0]!) ?? lines.length;
        const entry = lines.slice(at[0], next).join(" ").replace(/\s+/g, " ");
        const s = optionSpec(f);
        if (s.kind === "bool" || s.required) continue;
        const d = defaultText(f, use);
        expect(d, `${use} ${flagOf(f)} declares a default`).toBeDefined();
        expect(entry, `${use} ${flagOf(f)}`).toContain(`(default: ${d})`);
      }
      expect(starts.length, `${use}: its options and --help, nothing else`).toBe(optionsOf(use).length + 1);
    }
  });
});

describe("--resume", () => {
  it("names the declared flags of the options that differ (--target, not --target-amplitude), and lets --epochs and unset options pass", () => {
    const saved = { ...TRAIN_DEFAULTS, hardware: { gmax: 1e-4 } };
    expect(conflictingOptions({ epochs: 7, targetAmplitude: 0.2, lrDecay: 0.9, hardware: { levels: 8, gmax: 1e-4, writeNoise: undefined } }, saved)).toEqual([
      "--lr-decay 0.9 (run: 1)",
      "--target 0.2 (run: 0.1)",
      "--levels 8 (run: unset)",
    ]);
    expect(conflictingOptions({ epochs: 7, beta: 0.2 }, saved)).toEqual([]);
  });
});

describe("docs", () => {
  it("the generated option tables match the declarations (regenerate: npx tsx scripts/options-docs.ts)", () => {
    expect(docFiles().length).toBeGreaterThanOrEqual(3);
    for (const file of docFiles()) {
      const text = readFileSync(path.join(ROOT, file), "utf8");
      expect(renderDocFile(file, text), `${file} is out of date: run npx tsx scripts/options-docs.ts`).toBe(text);
    }
    const table = readFileSync(path.join(ROOT, "docs/options.md"), "utf8");
    for (const f of optionFields()) expect(table).toContain(`| \`${flagOf(f)}\``);
  });
});

describe("beta's unit", () => {
  /** beta (or b, or the CHL clamp) times Gnudge written out, as the estimators, the waveform writer and the theory each did. */
  const CONVERSION = /(\bb|\bbeta\w*|CHL_CLAMP|\b1e4|\?\? [\d.e-]+\))\s*\*\s*[\w.]*\bG(nudge|n)\b/;

  it("is converted to siemens in one place (train/nudge-units.ts betaSiemens)", () => {
    for (const old of ["b * Gn", "2 * b * Gn", "-b * Gn", "1e4 * Gn", "beta * model.Gnudge", "CHL_CLAMP * model.Gnudge", "(o.beta ?? 1e-3) * tc.model.Gnudge", "const betaS = beta * Gn;"]) {
      expect(old, "the pattern finds the conversions that were written out").toMatch(CONVERSION);
    }
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((e) => {
        const p = path.join(dir, e);
        return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
      });
    const found: string[] = [];
    for (const file of [...files(path.join(ROOT, "src")), ...files(path.join(ROOT, "circuits"))]) {
      if (file.endsWith(path.join("train", "nudge-units.ts"))) continue;
      readFileSync(file, "utf8")
        .split("\n")
        .forEach((line, i) => {
          // Code only: not comments, not string literals (docs say "beta * Gnudge").
          const code = line.replace(/"[^"]*"|'[^']*'|`[^`]*`/g, '""');
          if (!/^\s*(\/\*|\*|\/\/)/.test(line) && CONVERSION.test(code)) found.push(`${path.relative(ROOT, file)}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(found).toEqual([]);
  });
});
