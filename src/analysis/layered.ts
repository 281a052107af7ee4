/**
 * Newton's method on the structure of a layered network's Jacobian.
 *
 * In a layered resistive network (Scellier 2024's DRN, Kendall et al.'s
 * crossbars) with the data inputs clamped, the free nodes split into two
 * independent sets, alternate layers: no conductance joins two nodes of one
 * set, and every nonlinear device (a diode to ground, a nudge) has one free
 * terminal. Order the unknowns as [A; B] (A the larger set): the Jacobian
 *
 *     J = [ D_A  C  ]      D_A, D_B diagonal (S),  C = -g between the sets,
 *         [ C^T  D_B]
 *
 * is solved by eliminating A, which costs one division per node:
 *
 *     S = D_B - C^T D_A^-1 C   (|B| x |B|, dense, SPD),
 *     S x_B = c_B - C^T D_A^-1 c_A,     x_A = D_A^-1 (c_A - C x_B).
 *
 * For DRN-XS (100 hidden units, 10 outputs) that is 100 x 55 multiply-adds
 * and a 10 x 10 Cholesky per iteration, against a general sparse LDL^T on
 * 110 unknowns. Each iteration is the engine's own (same companion models,
 * same step limiting through Device.branchLaw, same convergence test), so
 * the iterates equal Engine.newton's up to rounding.
 *
 * The linear part (conductances, sources, clamped inputs) is read from the
 * engine's linear base; nothing here knows a device type.
 */
import { BranchPointBuffer, type BranchLaw, type BranchPoint } from "../devices/types.js";
import { NewtonTest, type Engine, type NewtonResult, type NewtonTolerances } from "./engine.js";
import { createSchurKernel, type SchurKernel } from "./layered-kernel.js";

/** Multiply-adds of a dense Schur complement above which adjoint solves iterate instead (see solveAdjoint). */
const ITERATIVE_ABOVE = 2e6;
/** Largest |A| x |B| coupling held densely (8 bytes each). */
const MAX_DENSE = 1 << 22;

export class LayeredNewton {
  /** Unknowns of the eliminated set A and of the Schur set B. */
  private readonly aIdx: Int32Array;
  private readonly bIdx: Int32Array;
  /**
   * The coupling C, stored densely by B column in the kernel's memory:
   * kern.Ct[q * sA + k] = J(aIdx[k], bIdx[q]) (0 where they are not joined),
   * gathered from the matrix handles hCt (-1: none; same layout).
   */
  private readonly hCt: Int32Array;
  /** The dense operands and arithmetic (Schur complement, solves, products with C). */
  private readonly kern: SchurKernel;
  private readonly diagH: Int32Array;
  /** Nonlinear branch laws with their free unknown and fixed node. */
  private readonly laws: BranchLaw[];
  private readonly lawU: Int32Array;
  private readonly lawFreeIsA: Uint8Array;
  /** Each law's fixed terminal (node): held during a node solve. */
  private readonly lawFix: Int32Array;
  /** Iteration state: diagonal D and right-hand side c (by unknown); D0, c0 those of the linear base. */
  private readonly D: Float64Array;
  private readonly c: Float64Array;
  private readonly D0: Float64Array;
  private readonly c0: Float64Array;
  /** Engine versions the base copies were taken at. */
  private pointVersion = -1;
  private paramVersion = -1;
  private readonly xNew: Float64Array;
  private readonly pt: BranchPoint = new BranchPointBuffer();
  /** Branch laws of each unknown (CSR by unknown, indices into laws). */
  private readonly lawPtr: Int32Array;
  private readonly lawOf: Int32Array;
  /** Amplifier circuits: the dependents' rows of the linear base folded into their inputs' rows (V' units). */
  private readonly cDep: Float64Array;
  /** Indices of every law, and of the laws on B unknowns. */
  private readonly allLaws: Int32Array;
  private readonly bLaws: Int32Array;
  /** Inner (scalar) iterations of the last eliminate() calls, for reports. */
  innerIterations = 0;

  /**
   * The structured solver for this engine's circuit, or a reason why it
   * does not apply (then use Engine.newton).
   */
  static create(engine: Engine): LayeredNewton | string {
    const c = engine.circuit;
    if (c.n !== c.nFree) return "the circuit has branch unknowns (floating or controlled sources)";
    if (!c.symmetric) return "the circuit is not reciprocal";
    const n = c.n;
    if (n === 0) return "no unknowns";
    const laws: BranchLaw[] = [];
    const lawU: number[] = [];
    const lawA: number[] = [];
    for (const d of engine.nonlinearDevices) {
      const law = d.branchLaw?.();
      if (!law) return `${d.name} is not a two-terminal branch`;
      const ua = c.unknownOfNode[law.a];
      const ub = c.unknownOfNode[law.b];
      if (ua >= 0 && ub >= 0) return `${d.name} joins two free nodes`;
      if (c.amplifiers && (c.amplifiers.dependent[law.a] || c.amplifiers.dependent[law.b])) return `${d.name} is on an amplifier's output`;
      if (ua < 0 && ub < 0) continue;
      laws.push(law);
      lawU.push(ua >= 0 ? ua : ub);
      lawA.push(ua >= 0 ? 1 : 0);
    }
    // Off-diagonal entries of the pattern: the coupling graph; 2-color it by BFS.
    const { rows, cols } = engine.sys.pattern;
    const deg = new Int32Array(n + 1);
    for (let h = 1; h < rows.length; h++) {
      const r = rows[h];
      const q = cols[h];
      if (r !== q && r < n && q < n) deg[r + 1]++;
    }
    for (let i = 0; i < n; i++) deg[i + 1] += deg[i];
    const adj = new Int32Array(deg[n]);
    const adjH = new Int32Array(deg[n]);
    const fill = deg.slice(0, n);
    for (let h = 1; h < rows.length; h++) {
      const r = rows[h];
      const q = cols[h];
      if (r !== q && r < n && q < n) {
        adj[fill[r]] = q;
        adjH[fill[r]++] = h;
      }
    }
    const color = new Int8Array(n).fill(-1);
    const queue = new Int32Array(n);
    for (let s = 0; s < n; s++) {
      if (color[s] >= 0) continue;
      color[s] = 0;
      let head = 0;
      let tail = 0;
      queue[tail++] = s;
      while (head < tail) {
        const u = queue[head++];
        for (let p = deg[u]; p < deg[u + 1]; p++) {
          const v = adj[p];
          if (color[v] < 0) {
            color[v] = 1 - color[u];
            queue[tail++] = v;
          } else if (color[v] === color[u]) return "the coupling graph is not bipartite (not a layered network)";
        }
      }
    }
    let n1 = 0;
    for (let i = 0; i < n; i++) n1 += color[i];
    const bColor = n1 <= n - n1 ? 1 : 0;
    const nb = bColor === 1 ? n1 : n - n1;
    if ((n - nb) * nb > MAX_DENSE) return `the coupling between the layer sets (${n - nb} x ${nb}) is too large to hold densely`;
    return new LayeredNewton(engine, color, bColor, deg, adj, adjH, laws, Int32Array.from(lawU), Uint8Array.from(lawA));
  }

  private constructor(
    private readonly engine: Engine,
    color: Int8Array,
    bColor: number,
    deg: Int32Array,
    adj: Int32Array,
    adjH: Int32Array,
    laws: BranchLaw[],
    lawU: Int32Array,
    lawFreeIsA: Uint8Array,
  ) {
    const n = color.length;
    const a: number[] = [];
    const b: number[] = [];
    const bPos = new Int32Array(n).fill(-1);
    for (let i = 0; i < n; i++) {
      if (color[i] === bColor) {
        bPos[i] = b.length;
        b.push(i);
      } else a.push(i);
    }
    this.aIdx = Int32Array.from(a);
    this.bIdx = Int32Array.from(b);
    const nA = a.length;
    const aPos = new Int32Array(n).fill(-1);
    for (let k = 0; k < nA; k++) aPos[a[k]] = k;
    this.kern = createSchurKernel(nA, b.length);
    const sA = this.kern.sA;
    this.hCt = new Int32Array(sA * b.length).fill(-1);
    for (let k = 0; k < nA; k++) {
      const u = a[k];
      for (let p = deg[u]; p < deg[u + 1]; p++) this.hCt[bPos[adj[p]] * sA + k] = adjH[p];
    }
    this.diagH = new Int32Array(n);
    for (let i = 0; i < n; i++) this.diagH[i] = engine.sys.diag(i);
    this.laws = laws;
    this.lawU = lawU;
    this.lawFreeIsA = lawFreeIsA;
    this.lawFix = Int32Array.from(laws, (law, k) => (lawFreeIsA[k] ? law.b : law.a));
    const lawPtr = new Int32Array(n + 1);
    for (let k = 0; k < laws.length; k++) lawPtr[lawU[k] + 1]++;
    for (let u = 0; u < n; u++) lawPtr[u + 1] += lawPtr[u];
    const lawOf = new Int32Array(lawPtr[n]);
    const next = lawPtr.slice(0, n);
    for (let k = 0; k < laws.length; k++) lawOf[next[lawU[k]]++] = k;
    this.lawPtr = lawPtr;
    this.lawOf = lawOf;
    this.allLaws = Int32Array.from(laws, (_, k) => k);
    this.bLaws = Int32Array.from(this.allLaws.filter((k) => aPos[lawU[k]] < 0));
    this.D = new Float64Array(n);
    this.c = new Float64Array(n);
    this.D0 = new Float64Array(n);
    this.c0 = new Float64Array(n);
    this.cDep = new Float64Array(n);
    this.xNew = new Float64Array(n);
  }

  /** Sizes of the two sets (for reports and tests). */
  get sizes(): { eliminated: number; schur: number } {
    return { eliminated: this.aIdx.length, schur: this.bIdx.length };
  }

  /** Copy the linear base's diagonal, right-hand side and coupling when the engine's base moved. */
  private refreshBase(): void {
    const e = this.engine;
    if (e.pointVersion === this.pointVersion && e.paramVersion === this.paramVersion) return;
    // New inputs or new conductances.
    const base = e.linearBase();
    const { diagH, hCt, D0, c0 } = this;
    const Ct = this.kern.Ct;
    for (let i = 0; i < D0.length; i++) {
      D0[i] = base.A[diagH[i]];
      c0[i] = base.b[i];
    }
    if (e.paramVersion !== this.paramVersion) for (let p = 0; p < hCt.length; p++) Ct[p] = hCt[p] >= 0 ? base.A[hCt[p]] : 0;
    const amp = e.circuit.amplifiers;
    if (amp) {
      // The amplifier outputs' rows fold into their inputs' rows (Engine.fold), in the variables V' = V / s.
      const n = D0.length;
      this.cDep.fill(0);
      for (let d = 0; d < amp.depUnknown.length; d++) this.cDep[amp.depUnknown[d]] += base.b[n + d] * amp.depInvScale[d];
    }
    this.pointVersion = e.pointVersion;
    this.paramVersion = e.paramVersion;
  }

  /**
   * Build D and c at the engine's current voltages: the linear base plus
   * the companion model of each branch law in `which` (all laws, or those
   * of the B unknowns when elimination has set the A rows). Returns true
   * when a law limited its step (the iterate is not converged).
   */
  private assemble(initJunctions: boolean, which: Int32Array = this.allLaws): boolean {
    const e = this.engine;
    const { D, c, D0, c0, laws, lawU, lawFreeIsA, pt } = this;
    this.refreshBase();
    if (which === this.allLaws) {
      D.set(D0);
      c.set(c0);
    } else {
      for (const u of this.bIdx) {
        D[u] = D0[u];
        c[u] = c0[u];
      }
    }
    const V = e.V;
    const gmin = e.ctx.gmin;
    let limited = false;
    for (let t = 0; t < which.length; t++) {
      const k = which[t];
      const law = laws[k];
      pt.v = V[law.a] - V[law.b];
      pt.gmin = gmin;
      if (law.linearize(initJunctions, pt)) limited = true;
      // i(a -> b) ~ g (Va - Vb) + ieq, ieq = i - g v: the free terminal's row.
      const ieq = pt.i - pt.g * pt.v;
      const u = lawU[k];
      D[u] += pt.g;
      if (lawFreeIsA[k]) c[u] += pt.g * V[law.b] - ieq;
      else c[u] += pt.g * V[law.a] + ieq;
    }
    const amp = e.circuit.amplifiers;
    if (amp) {
      // Rows divided by their node's scale, dependents' rows added: the system in V' = V / s, whose
      // matrix entries are the physical ones (every device joins nodes of one scale), so D and C stand.
      const inv = amp.unknownInvScale;
      for (let u = 0; u < c.length; u++) c[u] = c[u] * inv[u] + this.cDep[u];
    }
    return limited;
  }

  /** Eliminate A and factor S = D_B - C^T D_A^-1 C (Cholesky, lower). False when not positive definite. */
  private factor(): boolean {
    const { D, aIdx, bIdx, kern } = this;
    const { invDA, dB } = kern;
    for (let k = 0; k < aIdx.length; k++) {
      const d = D[aIdx[k]];
      if (!(d > 0)) return false;
      invDA[k] = 1 / d;
    }
    for (let q = 0; q < bIdx.length; q++) dB[q] = D[bIdx[q]];
    return kern.schur();
  }

  /** Solve J x = rhs (by unknown) with the last factorization; x may alias rhs. */
  private solveFactored(rhs: Float64Array, x: Float64Array): void {
    const { aIdx, bIdx, kern } = this;
    const { rA, rB, xA } = kern;
    for (let k = 0; k < aIdx.length; k++) rA[k] = rhs[aIdx[k]];
    for (let q = 0; q < bIdx.length; q++) rB[q] = rhs[bIdx[q]];
    kern.solve();
    for (let k = 0; k < aIdx.length; k++) x[aIdx[k]] = xA[k];
    for (let q = 0; q < bIdx.length; q++) x[bIdx[q]] = rB[q];
  }

  /**
   * Nonlinear elimination: with the B unknowns held, solve every A node's
   * own KCL exactly (each is a 1-D monotone equation, Newton with the
   * devices' step limiting), writing x and V of the A nodes.
   */
  private eliminate(tol: NewtonTolerances): boolean {
    this.refreshBase();
    const x = this.engine.x;
    const { c0, aIdx, bIdx, kern } = this;
    const { rA, xB, w } = kern;
    const nA = aIdx.length;
    for (let k = 0; k < nA; k++) rA[k] = c0[aIdx[k]];
    for (let q = 0; q < bIdx.length; q++) xB[q] = x[bIdx[q]];
    kern.coupleA();
    let stuck = false;
    for (let k = 0; k < nA; k++) if (!this.solveNode(aIdx[k], w, k, tol)) stuck = true;
    return stuck;
  }

  /** The B nodes' counterpart of eliminate(): each solved exactly with the A nodes held. */
  private eliminateB(tol: NewtonTolerances): boolean {
    this.refreshBase();
    const x = this.engine.x;
    const { c0, aIdx, bIdx, kern } = this;
    const { xA, rB } = kern;
    for (let k = 0; k < aIdx.length; k++) xA[k] = x[aIdx[k]];
    for (let q = 0; q < bIdx.length; q++) rB[q] = c0[bIdx[q]];
    kern.coupleB();
    let stuck = false;
    for (let q = 0; q < bIdx.length; q++) if (!this.solveNode(bIdx[q], rB, q, tol)) stuck = true;
    return stuck;
  }

  /** Largest change of a node in the last solveNode calls (V), for block coordinate descent. */
  private moved = 0;

  /**
   * Solve unknown u's own KCL exactly with its neighbours held: D0_u v + sum of
   * its branch laws' currents = a (the linear base's right-hand side minus
   * the coupling to the held neighbours; a = rhs[at], read here: a double
   * argument of a call V8 does not inline is boxed, 900 allocations per
   * training sample), by Newton with the devices' step limiting. Leaves x, V
   * and the row's companion model (D, c) at the solution. False when it did
   * not converge.
   */
  private solveNode(u: number, rhs: Float64Array, at: number, tol: NewtonTolerances): boolean {
    const a = rhs[at];
    const e = this.engine;
    const { x, V } = e;
    const node = e.circuit.nodeOfUnknown[u];
    const { D, c: cRow, D0, c0, laws, lawOf, lawPtr, lawFreeIsA, lawFix, pt } = this;
    const gmin = e.ctx.gmin;
    const v0 = x[u];
    let v = v0;
    let d = D0[u];
    let c = 0;
    let converged = false;
    let inner = 0;
    const p0 = lawPtr[u];
    const p1 = lawPtr[u + 1];
    for (let it = 0; it < 100; it++) {
      inner++;
      d = D0[u];
      c = 0;
      let limited = false;
      for (let p = p0; p < p1; p++) {
        const l = lawOf[p];
        // The law's other terminal is fixed: its drop is v - V_fix (free anode) or V_fix - v.
        const vf = V[lawFix[l]];
        const free = lawFreeIsA[l];
        pt.v = free ? v - vf : vf - v;
        pt.gmin = gmin;
        if (laws[l].linearize(false, pt)) limited = true;
        const ieq = pt.i - pt.g * pt.v;
        d += pt.g;
        c += free ? pt.g * vf - ieq : pt.g * vf + ieq;
      }
      const vn = (a + c) / d;
      const step = Math.abs(vn - v);
      v = vn;
      if (!limited && step <= 1e-3 * (tol.reltol * Math.abs(v) + tol.vntol)) {
        converged = true;
        break;
      }
    }
    // The row's companion model at (nearly) the solution: a Schur step uses it.
    D[u] = d;
    cRow[u] = c0[u] + c;
    x[u] = v;
    V[node] = v;
    const mv = Math.abs(v - v0);
    if (mv > this.moved) this.moved = mv;
    this.innerIterations += inner;
    return converged;
  }

  /**
   * Exact block coordinate descent (Scellier 2024): alternately solve every
   * node of one set exactly with the other set held (each set decouples
   * into 1-D convex problems), until no node moves more than the Newton
   * tolerance (reltol |v| + vntol) times `tight` in a sweep, or `maxSweeps`.
   * Costs two products with the coupling per sweep and no factorization,
   * which makes it the solver for networks whose smaller layer set is too
   * large for a dense Schur complement (two or more hidden layers).
   */
  bcd(tol: NewtonTolerances, maxSweeps: number, tight = 1e-5): NewtonResult {
    const e = this.engine;
    e.syncVoltages();
    let scale = 0;
    for (let sweep = 1; sweep <= maxSweeps; sweep++) {
      this.moved = 0;
      const s1 = this.eliminate(tol);
      const s2 = this.eliminateB(tol);
      if (sweep === 1) for (let i = 0; i < e.x.length; i++) scale = Math.max(scale, Math.abs(e.x[i]));
      if (!s1 && !s2 && this.moved <= tight * (tol.reltol * scale + tol.vntol)) return { converged: true, iterations: sweep };
    }
    return { converged: false, iterations: maxSweeps };
  }

  /** Would a Newton step's dense Schur complement cost more than this many multiply-adds? */
  schurCost(): number {
    const nb = this.bIdx.length;
    return this.aIdx.length * nb * (nb + 1) * 0.5 + (nb * nb * nb) / 3;
  }

  /**
   * Nonlinear elimination: before each outer iteration solve every A node
   * exactly with the B nodes held (eliminate()), so that the outer Newton
   * steps are those of the reduced energy min over x_A of E(x_A, x_B), a
   * smooth convex function of the few B unknowns. Same equilibrium, far
   * fewer outer iterations when the A nodes are diodes that switch.
   */
  eliminateFirst = false;

  /**
   * Newton iterations from the engine's current x, as Engine.newton (same
   * arguments, same convergence test and polishing), writing x and V.
   */
  newton(tol: NewtonTolerances, maxIter: number, initJunctions: boolean, polishMax = 3): NewtonResult {
    const e = this.engine;
    const { x, lastDelta } = e;
    const { xNew, c } = this;
    const n = x.length;
    e.syncVoltages();
    const test = new NewtonTest(tol, n, polishMax);
    for (let iter = 1; iter <= maxIter; iter++) {
      const init = initJunctions && iter === 1;
      let limited: boolean;
      if (this.eliminateFirst && !init) {
        const stuck = this.eliminate(tol);
        limited = this.assemble(false, this.bLaws) || stuck;
      } else limited = this.assemble(init);
      if (!this.factor()) return { converged: false, iterations: iter };
      this.solveFactored(c, xNew);
      const amp = e.circuit.amplifiers;
      if (amp) for (let i = 0; i < n; i++) xNew[i] *= amp.unknownScale[i]; // physical V = s V'.
      for (let i = 0; i < n; i++) if (!Number.isFinite(xNew[i])) return { converged: false, iterations: iter };
      const done = test.done(x, xNew, n, lastDelta, !limited && !init);
      x.set(xNew);
      e.syncVoltages();
      if (done) return { converged: true, iterations: iter };
    }
    return { converged: false, iterations: maxIter };
  }

  /** Factor the Jacobian at the current iterate (for adjoint solves). False when singular. */
  linearize(): boolean {
    this.assemble(false);
    this.iterative = this.schurCost() > ITERATIVE_ABOVE;
    if (!this.iterative) return this.factor();
    for (let i = 0; i < this.D.length; i++) if (!(this.D[i] > 0)) return false;
    return true;
  }

  /** The last linearize chose block Gauss-Seidel over the dense Schur complement. */
  private iterative = false;

  /**
   * J^T y = rhs in place with the last linearize (J is symmetric): by the
   * dense Schur complement, or, for large layer sets, by block Gauss-Seidel
   * (J is SPD and block-diagonal within each set, so alternating exact
   * solves of the two sets converge), to 1e-13 of the solution's size.
   */
  solveAdjoint(rhs: Float64Array): void {
    const amp = this.engine.circuit.amplifiers;
    if (amp) {
      // J = S J' S^-1 with J' the symmetric system in V' = V / s: J'^T (S lambda) = S rhs (Engine.solveAdjoint).
      const s = amp.unknownScale;
      for (let u = 0; u < s.length; u++) rhs[u] *= s[u];
      this.solveSymmetric(rhs);
      for (let u = 0; u < s.length; u++) rhs[u] *= amp.unknownInvScale[u];
      return;
    }
    this.solveSymmetric(rhs);
  }

  /** J' y = rhs in place (J' symmetric: the physical Jacobian, or the amplifier circuit's in V'). */
  private solveSymmetric(rhs: Float64Array): void {
    if (!this.iterative) {
      this.solveFactored(rhs, rhs);
      return;
    }
    const { D, aIdx, bIdx, kern } = this;
    const { rA, xA, w, rB, xB } = kern;
    const nA = aIdx.length;
    const nb = bIdx.length;
    const y = this.xNew;
    y.fill(0);
    for (let sweep = 0; sweep < 100000; sweep++) {
      let change = 0;
      let size = 0;
      // y_A = (r_A - C y_B) / D_A
      for (let k = 0; k < nA; k++) rA[k] = rhs[aIdx[k]];
      for (let q = 0; q < nb; q++) xB[q] = y[bIdx[q]];
      kern.coupleA();
      for (let k = 0; k < nA; k++) {
        const u = aIdx[k];
        const v = w[k] / D[u];
        change = Math.max(change, Math.abs(v - y[u]));
        size = Math.max(size, Math.abs(v));
        y[u] = v;
      }
      // y_B = (r_B - C^T y_A) / D_B
      for (let k = 0; k < nA; k++) xA[k] = y[aIdx[k]];
      for (let q = 0; q < nb; q++) rB[q] = rhs[bIdx[q]];
      kern.coupleB();
      for (let q = 0; q < nb; q++) {
        const u = bIdx[q];
        const v = rB[q] / D[u];
        change = Math.max(change, Math.abs(v - y[u]));
        size = Math.max(size, Math.abs(v));
        y[u] = v;
      }
      if (change <= 1e-13 * size) break;
    }
    rhs.set(y);
  }
}
