/** `eqspice op FILE [--json]`: the DC operating point. */
import type { Command } from "commander";
import { loadCircuit, operatingPoint } from "../../api.js";

export function registerOp(program: Command, run: (fn: () => Promise<void> | void) => Promise<void>): void {
  program
    .command("op")
    .description("solve the DC operating point of a netlist (node voltages and source currents)")
    .argument("<file>", "SPICE netlist")
    .option("--json", "print exactly one JSON object {nodes, branches} on stdout")
    .action((file: string, opts: { json?: boolean }) =>
      run(() => {
        const circuit = loadCircuit(file);
        for (const w of circuit.warnings) process.stderr.write(`eqspice: warning: ${w}\n`);
        const r = operatingPoint(circuit);
        if (opts.json) {
          process.stdout.write(JSON.stringify({ nodes: r.nodes, branches: r.branches }) + "\n");
          return;
        }
        const rows: string[] = [];
        const names = Object.keys(r.nodes).sort(naturalCompare);
        const width = Math.max(8, ...names.map((n) => n.length + 3), ...Object.keys(r.branches).map((n) => n.length + 3));
        rows.push(`${"node".padEnd(width)}  voltage (V)`);
        for (const n of names) rows.push(`${`v(${n})`.padEnd(width)}  ${fmt(r.nodes[n])}`);
        const br = Object.keys(r.branches).sort(naturalCompare);
        if (br.length) {
          rows.push("");
          rows.push(`${"source".padEnd(width)}  current (A, + to - through the source)`);
          for (const b of br) rows.push(`${`i(${b})`.padEnd(width)}  ${fmt(r.branches[b])}`);
        }
        rows.push("");
        rows.push(`converged in ${r.iterations} Newton iterations (${r.strategy})`);
        process.stdout.write(rows.join("\n") + "\n");
      }),
    );
}

function fmt(v: number): string {
  return (v >= 0 ? " " : "") + v.toExponential(9);
}

export function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, "en", { numeric: true });
}
