/**
 * The dense arithmetic of the layered Newton solver (analysis/layered.ts):
 * the Schur complement of the eliminated set A and its Cholesky factor, the
 * solve with it, and the two products with the coupling C between the sets.
 * On WebAssembly SIMD (wasm/layered-kernel.ts) when the engine has it, else
 * the JavaScript twin below (EQSPICE_NO_WASM=1 forces it); both agree to
 * rounding (the tests compare them).
 *
 * The operands live in the kernel's own memory, as typed-array views the
 * solver writes and reads in place (no copies per call):
 *   Ct       nb x sA   C by B column, Ct[q * sA + k] = J(A_k, B_q) (S); sA = nA rounded up to even
 *   invDA    sA        1 / D_A (1/S)
 *   rA, xA, w  sA      right-hand side, solution and scratch over A
 *   dB, rB, xB nb      D_B (S), right-hand side / solution over B, a B vector
 *   S        nb x nb   the Schur complement's Cholesky factor (lower, row-major)
 * Entries of the A vectors past nA are padding and must stay 0.
 *
 * Why: for DRN-XS (100 x 10) the Schur complement is 5,500 multiply-adds
 * per Newton iteration, 9 iterations per training sample; V8's scalar loop
 * spends about 6 ns on each, two float64 lanes without bounds checks about 1.
 */
import { LAYERED_KERNEL_WASM } from "./layered-kernel.wasm.js";
import { compiledModule } from "../util/wasm.js";

interface Exports {
  memory: WebAssembly.Memory;
  schur(Ct: number, invDA: number, dB: number, S: number, w: number, nA: number, nb: number): number;
  solve(Ct: number, invDA: number, S: number, rA: number, rB: number, xA: number, w: number, nA: number, nb: number): void;
  coupleA(Ct: number, cA: number, xB: number, out: number, nA: number, nb: number): void;
  coupleB(Ct: number, cB: number, xA: number, out: number, nA: number, nb: number): void;
}

const align16 = (bytes: number): number => (bytes + 15) & ~15;

/** The kernel for an nA x nb coupling: WebAssembly when available (and not disabled), else JavaScript. */
export function createSchurKernel(nA: number, nb: number, forceJs = false): SchurKernel {
  const m = forceJs || process.env.EQSPICE_NO_WASM ? null : compiledModule(LAYERED_KERNEL_WASM);
  return m ? new WasmSchur(m, nA, nb) : new JsSchur(nA, nb);
}

type OperandName = "Ct" | "invDA" | "rA" | "xA" | "w" | "dB" | "rB" | "xB" | "S";

/** Lengths of the operands of an nA x nb coupling (A vectors padded to sA). */
function operandSizes(nA: number, nb: number): Record<OperandName, number> {
  const sA = (nA + 1) & ~1;
  return { Ct: nb * sA, invDA: sA, rA: sA, xA: sA, w: sA, dB: nb, rB: nb, xB: nb, S: nb * nb };
}

/**
 * The kernel of an nA x nb coupling: its operand arrays, from an allocator
 * (views of the module's memory, or plain arrays), and its operations.
 */
export abstract class SchurKernel {
  /** Row stride of Ct (nA rounded up to even). */
  readonly sA: number;
  readonly Ct: Float64Array;
  readonly invDA: Float64Array;
  readonly rA: Float64Array;
  readonly xA: Float64Array;
  readonly w: Float64Array;
  readonly dB: Float64Array;
  readonly rB: Float64Array;
  readonly xB: Float64Array;
  readonly S: Float64Array;

  constructor(
    readonly nA: number,
    readonly nb: number,
    array: (name: OperandName, length: number) => Float64Array,
  ) {
    this.sA = (nA + 1) & ~1;
    const n = operandSizes(nA, nb);
    this.Ct = array("Ct", n.Ct);
    this.invDA = array("invDA", n.invDA);
    this.rA = array("rA", n.rA);
    this.xA = array("xA", n.xA);
    this.w = array("w", n.w);
    this.dB = array("dB", n.dB);
    this.rB = array("rB", n.rB);
    this.xB = array("xB", n.xB);
    this.S = array("S", n.S);
  }

  /** S = diag(dB) - C^T diag(invDA) C, Cholesky-factored in place. False when not positive definite. */
  abstract schur(): boolean;
  /** [D_A C; C^T D_B] [xA; xB] = [rA; rB] with the last factor: xA written, rB becomes xB. */
  abstract solve(): void;
  /** w = rA - C xB. */
  abstract coupleA(): void;
  /** rB = dB' - C^T xA, with dB' the B vector in `rB` on entry (rB = rB - C^T xA). */
  abstract coupleB(): void;
}

class WasmSchur extends SchurKernel {
  private readonly x: Exports;
  private readonly at: Record<OperandName, number>;

  constructor(m: WebAssembly.Module, nA: number, nb: number) {
    const abort = (): never => {
      throw new Error("internal: layered kernel aborted");
    };
    const x = new WebAssembly.Instance(m, { env: { abort } }).exports as unknown as Exports;
    const sizes = operandSizes(nA, nb);
    let end = 16; // offset 0 stays unused
    const at = {} as Record<OperandName, number>;
    for (const k of Object.keys(sizes) as OperandName[]) {
      at[k] = end;
      end = align16(end + 8 * sizes[k]);
    }
    const mem = x.memory;
    if (end > mem.buffer.byteLength) mem.grow(Math.ceil((end - mem.buffer.byteLength) / 65536));
    // Fixed size from here on: the views stay attached.
    super(nA, nb, (k, len) => new Float64Array(mem.buffer, at[k], len));
    this.x = x;
    this.at = at;
  }

  schur(): boolean {
    const a = this.at;
    return this.x.schur(a.Ct, a.invDA, a.dB, a.S, a.w, this.nA, this.nb) === 1;
  }

  solve(): void {
    const a = this.at;
    this.x.solve(a.Ct, a.invDA, a.S, a.rA, a.rB, a.xA, a.w, this.nA, this.nb);
  }

  coupleA(): void {
    const a = this.at;
    this.x.coupleA(a.Ct, a.rA, a.xB, a.w, this.nA, this.nb);
  }

  coupleB(): void {
    const a = this.at;
    this.x.coupleB(a.Ct, a.rB, a.xA, a.rB, this.nA, this.nb);
  }
}

/** The same operations in JavaScript (sequential sums). */
class JsSchur extends SchurKernel {
  constructor(nA: number, nb: number) {
    super(nA, nb, (_, len) => new Float64Array(len));
  }

  schur(): boolean {
    const { Ct, invDA, dB, S, w, nA, nb, sA } = this;
    // S_pq = dB_p [p = q] - sum_k C_kp C_kq / D_k, lower triangle: a dot product per entry.
    for (let p = 0; p < nb; p++) {
      const op = p * sA;
      for (let k = 0; k < nA; k++) w[k] = Ct[op + k] * invDA[k];
      for (let q = 0; q <= p; q++) {
        const oq = q * sA;
        let s = 0;
        for (let k = 0; k < nA; k++) s += w[k] * Ct[oq + k];
        S[p * nb + q] = (p === q ? dB[p] : 0) - s;
      }
    }
    // Cholesky in place: S = L L^T, L in the lower triangle.
    for (let j = 0; j < nb; j++) {
      const rj = j * nb;
      let s = S[rj + j];
      for (let k = 0; k < j; k++) s -= S[rj + k] * S[rj + k];
      if (!(s > 0) || !Number.isFinite(s)) return false;
      const l = Math.sqrt(s);
      S[rj + j] = l;
      for (let i = j + 1; i < nb; i++) {
        const ri = i * nb;
        let t = S[ri + j];
        for (let k = 0; k < j; k++) t -= S[ri + k] * S[rj + k];
        S[ri + j] = t / l;
      }
    }
    return true;
  }

  solve(): void {
    const { Ct, S, invDA, rA, rB, xA, w, nA, nb, sA } = this;
    for (let k = 0; k < nA; k++) w[k] = rA[k] * invDA[k];
    for (let q = 0; q < nb; q++) {
      const oq = q * sA;
      let s = rB[q];
      for (let k = 0; k < nA; k++) s -= Ct[oq + k] * w[k];
      rB[q] = s;
    }
    for (let i = 0; i < nb; i++) {
      let s = rB[i];
      for (let k = 0; k < i; k++) s -= S[i * nb + k] * rB[k];
      rB[i] = s / S[i * nb + i];
    }
    for (let i = nb - 1; i >= 0; i--) {
      let s = rB[i];
      for (let k = i + 1; k < nb; k++) s -= S[k * nb + i] * rB[k];
      rB[i] = s / S[i * nb + i];
    }
    // xA = D_A^-1 (rA - C xB), one column of C at a time.
    w.set(rA);
    this.subtractCx(w, rB);
    for (let k = 0; k < nA; k++) xA[k] = w[k] * invDA[k];
  }

  coupleA(): void {
    this.w.set(this.rA);
    this.subtractCx(this.w, this.xB);
  }

  coupleB(): void {
    const { Ct, rB, xA, nA, nb, sA } = this;
    for (let q = 0; q < nb; q++) {
      const oq = q * sA;
      let s = rB[q];
      for (let k = 0; k < nA; k++) s -= Ct[oq + k] * xA[k];
      rB[q] = s;
    }
  }

  /** y -= C x (y over A, x over B). */
  private subtractCx(y: Float64Array, x: Float64Array): void {
    const { Ct, nA, nb, sA } = this;
    for (let q = 0; q < nb; q++) {
      const oq = q * sA;
      const xq = x[q];
      if (xq !== 0) for (let k = 0; k < nA; k++) y[k] -= Ct[oq + k] * xq;
    }
  }
}
