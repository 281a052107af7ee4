/**
 * The option tables of the docs, generated from the declarations
 * (option-specs.ts) into marked blocks of markdown files:
 *
 *   <!-- BEGIN options:NAME -->
 *   ...generated...
 *   <!-- END options:NAME -->
 *
 * `npx tsx scripts/options-docs.ts` rewrites the blocks; `--check` (and
 * test/options.test.ts) fails when one is out of date.
 */
import {
  NETLIST_KEYS,
  RESUME_KEPT,
  USES,
  constraintText,
  defaultsText,
  flagOf,
  optionFields,
  optionSpec,
  optionsOf,
  sweepKeyOf,
  sweepRunsOf,
  type OptionField,
  type Use,
} from "./option-specs.js";

/** Markdown table cell text: pipes, asterisks and angle brackets escaped. */
const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\*/g, "\\*").replace(/</g, "&lt;");
const code = (s: string) => `\`${s}\``;

function valueText(field: OptionField): string {
  const s = optionSpec(field);
  if (s.kind === "bool") return "switch";
  if (s.kind === "string") return "text";
  if (s.kind === "enum") return constraintText(s);
  const c = constraintText(s);
  if (s.kind === "int") return c.replace(/^an /, "");
  return c === "a number" ? "number" : `number ${c}`;
}

/** The full table: every option, the jobs that take it, its values, default, `*@defaults` and sweep key. */
export function optionsTable(): string {
  const rows = ["| option | jobs | value | default | `*@defaults` | sweep key | meaning |", "|---|---|---|---|---|---|---|"];
  for (const f of optionFields()) {
    const s = optionSpec(f);
    const key = sweepKeyOf(f);
    const doc = s.docFor ? [s.doc, ...Object.entries(s.docFor).map(([u, d]) => `${u}: ${d}`)].join("; ") : s.doc;
    rows.push(
      `| ${code(flagOf(f))}${s.required ? " (required)" : ""} | ${s.uses.join(", ")} | ${cell(valueText(f))} | ${cell(defaultsText(f, s.uses) ?? "")} | ${s.netlist?.length ? `${code(s.flag)} (${s.netlist.join(", ")})` : ""} | ${key ? `${code(key)} (${sweepRunsOf(f).join(", ")})` : ""} | ${cell(doc)} |`,
    );
  }
  return rows.join("\n");
}

/** What --resume does with each option. */
export function resumeText(): string {
  return (
    `A run continued with \`--resume\` keeps these options from its checkpoint and refuses a flag that differs from the run's: ${RESUME_KEPT.map((f) => code(flagOf(f))).join(", ")}. ` +
    `The others (${optionsOf("train")
      .filter((f) => !RESUME_KEPT.includes(f) && optionSpec(f).kind !== "bool")
      .map((f) => code(flagOf(f)))
      .join(", ")}) may be given anew.`
  );
}

/** The keys `*@defaults` accepts. */
export function netlistKeysText(): string {
  return `\`*@defaults\` accepts ${NETLIST_KEYS.map(code).join(", ")}.`;
}

/** The sweep keys of the options, for docs/sweeps.md. */
export function sweepTable(): string {
  const rows = ["| key | runs | value | default | meaning |", "|---|---|---|---|---|"];
  for (const f of optionFields()) {
    const key = sweepKeyOf(f);
    if (key === undefined) continue;
    const s = optionSpec(f);
    const runs = sweepRunsOf(f);
    rows.push(`| ${code(key)} | ${runs.join(", ")} | ${cell(valueText(f))} | ${cell(defaultsText(f, runs) ?? "")} | ${cell(s.sweep?.doc ?? s.doc)} |`);
  }
  return rows.join("\n");
}

/** `npx eqspice train NETLIST --dataset NAME [--epochs N] ...`, wrapped. */
export function usage(use: Use, width = 100): string {
  const parts = optionsOf(use).map((f) => {
    const s = optionSpec(f);
    const value = s.kind === "bool" ? "" : s.kind === "enum" ? ` ${s.choices!.join("|")}` : ` ${(s.arg ?? "value").toUpperCase()}`;
    return s.required ? `--${s.flag}${value}` : `[--${s.flag}${value}]`;
  });
  const lines: string[] = [];
  let line = `npx eqspice ${use} NETLIST`;
  for (const p of parts) {
    if (line.length + 1 + p.length > width - 2) {
      lines.push(line + " \\");
      line = "  " + p;
    } else line += " " + p;
  }
  lines.push(line);
  return lines.join("\n");
}

function usageBlock(): string {
  return ["```sh", ...USES.map((u) => usage(u)), "```"].join("\n");
}

/** Each generated block: where it goes and what it holds. */
export const DOC_BLOCKS: ReadonlyArray<{ file: string; name: string; render: () => string }> = [
  { file: "docs/options.md", name: "usage", render: usageBlock },
  { file: "docs/options.md", name: "table", render: optionsTable },
  { file: "docs/options.md", name: "resume", render: resumeText },
  { file: "docs/options.md", name: "netlist-keys", render: netlistKeysText },
  { file: "docs/sweeps.md", name: "sweep-keys", render: sweepTable },
  { file: "docs/annotations.md", name: "netlist-keys", render: netlistKeysText },
  { file: "README.md", name: "usage", render: usageBlock },
];

const begin = (name: string) => `<!-- BEGIN options:${name} -->`;
const end = (name: string) => `<!-- END options:${name} -->`;

/** `text` (the contents of `file`) with its generated blocks brought up to date; throws when a marker is missing. */
export function renderDocFile(file: string, text: string): string {
  let out = text;
  for (const b of DOC_BLOCKS.filter((x) => x.file === file)) {
    const i = out.indexOf(begin(b.name));
    const j = out.indexOf(end(b.name));
    if (i < 0 || j < i) throw new Error(`${file}: no block ${begin(b.name)} ... ${end(b.name)}`);
    out = out.slice(0, i) + `${begin(b.name)}\n${b.render()}\n` + out.slice(j);
  }
  return out;
}

/** The files that hold generated blocks. */
export function docFiles(): string[] {
  return [...new Set(DOC_BLOCKS.map((b) => b.file))];
}
