/**
 * Fill-reducing ordering of a symmetric sparsity pattern: approximate minimum
 * degree (after Amestoy, Davis and Duff's AMD), near-linear in practice.
 * Eliminating a node of least degree first keeps the fill of a sparse
 * factorization small. For a layered crossbar it eliminates every hidden node
 * (degree = width of the next layer) before the dense output block, so
 * Cholesky costs O(hidden * out^2) instead of O((hidden + out)^3).
 *
 * The elimination is simulated on a quotient graph instead of the explicit
 * filled graph (whose cliques make exact minimum degree quadratic on long
 * chains and grids):
 * - an eliminated pivot p becomes an *element* whose variable list Lp stands
 *   for the clique of fill it creates; elements adjacent to p are *absorbed*
 *   into it, and so is any element whose variables all lie in Lp
 *   (aggressive absorption);
 * - a variable keeps a list of adjacent elements and a pruned list of
 *   adjacent variables (edges already covered by an element are dropped);
 * - degrees are approximate external degrees (upper bounds computed from
 *   |Le \ Lp| for the variable's elements), updated only for variables in Lp;
 * - variables of Lp with identical adjacency (found by hashing) are merged
 *   into one supervariable and eliminated together; a variable of Lp left with
 *   no other neighbour is eliminated with p at once (mass elimination);
 * - very dense rows (more than max(16, 10 sqrt(n)) neighbours, e.g. a node
 *   shared by every device) would make each step costly; they go last.
 * The phases are separate small functions on purpose: in one large function
 * V8 optimized each loop on the fly and then deoptimized on the code after
 * it, which made a single cold call several times slower.
 */

const VARIABLE = 0;
/** Merged into another supervariable or eliminated: no longer in the graph. */
const GONE = 1;
const ELEMENT = 2;
const ABSORBED = 3;
const DENSE = 4;

/** Returns P with P[k] = the k-th pivot (a permutation of 0..n-1). */
export function minimumDegree(n: number, rows: ArrayLike<number>, cols: ArrayLike<number>): Int32Array {
  if (n === 0) return new Int32Array(0);
  const { start, adj } = symmetricAdjacency(n, rows, cols);
  const distinct = removeDuplicates(n, start, adj);
  const g = new QuotientGraph(n, start, adj, distinct);
  while (g.nel < g.nlive) g.eliminateNext();
  g.orderDense(distinct);
  return g.order;
}

/** CSR of the pattern made symmetric, without self loops or out-of-range entries (the trash handle has row/col -1). */
function symmetricAdjacency(
  n: number,
  rows: ArrayLike<number>,
  cols: ArrayLike<number>,
): { start: Int32Array; adj: Int32Array } {
  const start = new Int32Array(n + 1);
  const m = rows.length;
  for (let k = 0; k < m; k++) {
    const r = rows[k];
    const c = cols[k];
    if (r !== c && r >= 0 && c >= 0 && r < n && c < n) {
      start[r + 1]++;
      start[c + 1]++;
    }
  }
  for (let i = 0; i < n; i++) start[i + 1] += start[i];
  const adj = new Int32Array(start[n]);
  const fill = start.slice(0, n);
  for (let k = 0; k < m; k++) {
    const r = rows[k];
    const c = cols[k];
    if (r !== c && r >= 0 && c >= 0 && r < n && c < n) {
      adj[fill[r]++] = c;
      adj[fill[c]++] = r;
    }
  }
  return { start, adj };
}

/** Removes duplicates in place: row i keeps adj[start[i] .. start[i] + distinct[i]). */
function removeDuplicates(n: number, start: Int32Array, adj: Int32Array): Int32Array {
  const distinct = new Int32Array(n);
  const seen = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    let q = start[i];
    for (let t = start[i]; t < start[i + 1]; t++) {
      const j = adj[t];
      if (seen[j] !== i) {
        seen[j] = i;
        adj[q++] = j;
      }
    }
    distinct[i] = q - start[i];
  }
  return distinct;
}

/**
 * Quotient graph in one workspace iw. A variable i owns
 * iw[pe[i] .. pe[i] + len[i]): first its elen[i] adjacent elements, then its
 * (pruned) adjacent variables. An element e owns iw[pe[e] .. pe[e] + len[e]):
 * its variables (entries no longer principal are skipped lazily).
 */
class QuotientGraph {
  readonly order: Int32Array;
  private out = 0;
  readonly status: Uint8Array;
  readonly nlive: number;
  /** Eliminated variables (weighted). */
  nel = 0;
  private iw: Int32Array;
  private pfree = 0;
  private readonly pe: Int32Array;
  private readonly len: Int32Array;
  private readonly elen: Int32Array;
  /** Supervariable size; 0 once merged away or eliminated. */
  private readonly nv: Int32Array;
  /** Approximate external degree of a variable; weighted |Le| of an element. */
  private readonly degree: Int32Array;
  // Degree lists (doubly linked, one per degree 0..n).
  private readonly head: Int32Array;
  private readonly next: Int32Array;
  private readonly prev: Int32Array;
  private mindeg: number;
  // Members of each supervariable, as a linked list (principal first).
  private readonly member: Int32Array;
  private readonly tail: Int32Array;
  /** While pivot p is processed, w[e] - wflg = |Le \ Lp| (w[e] < wflg: not seen yet). */
  private readonly w: Int32Array;
  private wflg = 1;
  /** Largest w[e] set so far: the next pivot's wflg lies above it. */
  private wmax = 0;
  /** inLp[i] === p: variable i is in the current pivot's Lp. */
  private readonly inLp: Int32Array;
  /** mark[x] === stamp: x is in the set being compared. */
  private readonly mark: Int32Array;
  private stamp = 0;
  private readonly hashHead: Int32Array;
  private readonly hashNext: Int32Array;
  private readonly hashOf: Int32Array;
  // The current pivot's Lp is iw[lpStart .. lpEnd).
  private lpStart = 0;
  private lpEnd = 0;
  /** End of Lp as built (lpEnd shrinks as variables leave it). */
  private lpTop = 0;
  private degme = 0;

  constructor(
    readonly n: number,
    start: Int32Array,
    adj: Int32Array,
    distinct: Int32Array,
  ) {
    this.order = new Int32Array(n);
    const status = (this.status = new Uint8Array(n));
    // Very dense rows are set aside and ordered last.
    const denseLimit = Math.max(16, Math.floor(10 * Math.sqrt(n)));
    let ndense = 0;
    let total = 0;
    for (let i = 0; i < n; i++) {
      if (distinct[i] > denseLimit) {
        status[i] = DENSE;
        ndense++;
      } else {
        total += distinct[i];
      }
    }
    this.nlive = n - ndense;
    this.pe = new Int32Array(n);
    this.len = new Int32Array(n);
    this.elen = new Int32Array(n);
    this.nv = new Int32Array(n).fill(1);
    this.degree = new Int32Array(n);
    this.iw = new Int32Array(2 * total + 2 * n + 1024);
    this.fillLists(start, adj, distinct);
    this.head = new Int32Array(n + 1).fill(-1);
    this.next = new Int32Array(n).fill(-1);
    this.prev = new Int32Array(n).fill(-1);
    this.mindeg = n;
    // Inserted backwards so that ties go to the lowest index first.
    for (let i = n - 1; i >= 0; i--) if (status[i] === VARIABLE) this.insert(i, this.degree[i]);
    this.member = new Int32Array(n).fill(-1);
    this.tail = new Int32Array(n);
    for (let i = 0; i < n; i++) this.tail[i] = i;
    this.w = new Int32Array(n);
    this.inLp = new Int32Array(n).fill(-1);
    this.mark = new Int32Array(n).fill(-1);
    this.hashHead = new Int32Array(n).fill(-1);
    this.hashNext = new Int32Array(n);
    this.hashOf = new Int32Array(n);
  }

  private fillLists(start: Int32Array, adj: Int32Array, distinct: Int32Array): void {
    const { n, status, iw, pe, len, degree } = this;
    let pfree = 0;
    for (let i = 0; i < n; i++) {
      pe[i] = pfree;
      if (status[i] === DENSE) continue;
      const end = start[i] + distinct[i];
      for (let t = start[i]; t < end; t++) {
        const j = adj[t];
        if (status[j] !== DENSE) iw[pfree++] = j;
      }
      len[i] = pfree - pe[i];
      degree[i] = len[i];
    }
    this.pfree = pfree;
  }

  private insert(i: number, d: number): void {
    const h = this.head[d];
    this.next[i] = h;
    this.prev[i] = -1;
    if (h !== -1) this.prev[h] = i;
    this.head[d] = i;
    if (d < this.mindeg) this.mindeg = d;
  }

  private remove(i: number): void {
    const a = this.prev[i];
    const b = this.next[i];
    if (a !== -1) this.next[a] = b;
    else this.head[this.degree[i]] = b;
    if (b !== -1) this.prev[b] = a;
  }

  private emit(i: number): void {
    const { order, member } = this;
    for (let v = i; v !== -1; v = member[v]) order[this.out++] = v;
  }

  private newStamp(): number {
    if (this.stamp >= 0x3fffffff) {
      this.mark.fill(-1);
      this.stamp = 0;
    }
    return ++this.stamp;
  }

  /** Eliminates a variable of least approximate degree and updates the graph. */
  eliminateNext(): void {
    const { head } = this;
    while (head[this.mindeg] === -1) this.mindeg++;
    const p = head[this.mindeg];
    this.remove(p);
    this.nel += this.nv[p];
    this.buildElement(p);
    this.externalSizes();
    this.updateDegrees(p);
    this.mergeSupervariables();
    this.finishElement(p);
    this.wflg = this.wmax + 1;
  }

  /**
   * Lp = the variables of p's elements and of p's own list, p excluded,
   * built at the end of the workspace; p's elements are absorbed into it.
   */
  private buildElement(p: number): void {
    const { status, pe, len, elen, nv, inLp } = this;
    let bound = len[p] - elen[p];
    for (let t = pe[p]; t < pe[p] + elen[p]; t++) {
      const e = this.iw[t];
      if (status[e] === ELEMENT) bound += len[e];
    }
    if (this.pfree + bound > this.iw.length) this.collectGarbage(bound);
    const iw = this.iw;
    const lpStart = this.pfree;
    let lpEnd = lpStart;
    let degme = 0;
    inLp[p] = p;
    const pp = pe[p];
    const pv = pp + elen[p];
    for (let t = pp; t < pv; t++) {
      const e = iw[t];
      if (status[e] !== ELEMENT) continue;
      const end = pe[e] + len[e];
      for (let u = pe[e]; u < end; u++) {
        const i = iw[u];
        if (status[i] === VARIABLE && inLp[i] !== p) {
          inLp[i] = p;
          iw[lpEnd++] = i;
          degme += nv[i];
        }
      }
      status[e] = ABSORBED;
      len[e] = 0;
    }
    const pend = pp + len[p];
    for (let t = pv; t < pend; t++) {
      const i = iw[t];
      if (status[i] === VARIABLE && inLp[i] !== p) {
        inLp[i] = p;
        iw[lpEnd++] = i;
        degme += nv[i];
      }
    }
    this.pfree = lpEnd;
    this.lpStart = lpStart;
    this.lpEnd = lpEnd;
    this.lpTop = lpEnd;
    this.degme = degme;
    status[p] = ELEMENT;
    len[p] = 0;
    elen[p] = 0;
    this.emit(p);
    for (let k = lpStart; k < lpEnd; k++) this.remove(iw[k]);
  }

  /** Copies the live lists into a fresh workspace with room for `need` more. */
  private collectGarbage(need: number): void {
    const { n, pe, len } = this;
    let live = 0;
    for (let i = 0; i < n; i++) live += len[i];
    const fresh = new Int32Array(Math.max(this.iw.length, 2 * (live + need) + n));
    let pfree = 0;
    for (let i = 0; i < n; i++) {
      const L = len[i];
      if (L === 0) continue;
      fresh.set(this.iw.subarray(pe[i], pe[i] + L), pfree);
      pe[i] = pfree;
      pfree += L;
    }
    this.iw = fresh;
    this.pfree = pfree;
  }

  /** w[e] - wflg = |Le \ Lp| for every other element adjacent to Lp. */
  private externalSizes(): void {
    const { n, iw, status, pe, elen, nv, degree, w, lpEnd } = this;
    if (this.wflg > 0x3fffffff - n) {
      w.fill(0);
      this.wflg = 1;
    }
    const wflg = this.wflg;
    let wmax = wflg;
    for (let k = this.lpStart; k < lpEnd; k++) {
      const i = iw[k];
      const nvi = nv[i];
      const end = pe[i] + elen[i];
      for (let t = pe[i]; t < end; t++) {
        const e = iw[t];
        if (status[e] !== ELEMENT) continue;
        if (w[e] >= wflg) {
          w[e] -= nvi;
        } else {
          const we = wflg + degree[e] - nvi;
          w[e] = we;
          if (we > wmax) wmax = we;
        }
      }
    }
    this.wmax = wmax;
  }

  /**
   * Degree update of Lp with pruning, aggressive absorption, mass
   * elimination and hashing for supervariable detection. Each list is
   * rewritten in place as [kept elements, p, kept variables]: it cannot grow,
   * since the entry that put i in Lp (p itself, or an element of p) is dropped.
   */
  private updateDegrees(p: number): void {
    const { n, status, pe, len, elen, nv, degree, w, inLp, hashOf } = this;
    const wflg = this.wflg;
    const lpStart = this.lpStart;
    let iw = this.iw;
    let lpKeep = lpStart;
    for (let k = lpStart; k < this.lpEnd; k++) {
      const i = iw[k];
      const p1 = pe[i];
      const pv = p1 + elen[i];
      const p2 = p1 + len[i];
      let deg = 0;
      let hash = 0;
      let q = p1;
      for (let t = p1; t < pv; t++) {
        const e = iw[t];
        if (status[e] !== ELEMENT) continue;
        const dext = w[e] - wflg;
        if (dext > 0) {
          deg += dext;
          hash += e;
          iw[q++] = e;
        } else {
          // Le lies inside Lp: the new element covers it (aggressive absorption).
          status[e] = ABSORBED;
          len[e] = 0;
        }
      }
      const keptE = q - p1;
      for (let t = pv; t < p2; t++) {
        const j = iw[t];
        if (status[j] !== VARIABLE || inLp[j] === p) continue;
        deg += nv[j];
        hash += j;
        iw[q++] = j;
      }
      const keptA = q - p1 - keptE;
      if (keptE === 0 && keptA === 0) {
        this.massEliminate(i);
        continue;
      }
      if (q < p2) {
        if (keptA > 0) iw[q] = iw[p1 + keptE];
        iw[p1 + keptE] = p;
      } else {
        // Not reached (see above); kept as a safe fallback.
        this.relocate(i, p, keptE, keptA);
        iw = this.iw;
      }
      len[i] = keptE + keptA + 1;
      elen[i] = keptE + 1;
      hash += p;
      if (deg < degree[i]) degree[i] = deg;
      hashOf[lpKeep - lpStart] = hash % n;
      iw[lpKeep++] = i;
    }
    this.lpEnd = lpKeep;
  }

  /** i's only neighbour is the new element: eliminate it together with the pivot. */
  private massEliminate(i: number): void {
    this.emit(i);
    this.nel += this.nv[i];
    this.degme -= this.nv[i];
    this.nv[i] = 0;
    this.status[i] = GONE;
    this.len[i] = 0;
    this.elen[i] = 0;
  }

  /** Moves i's list to the end of the workspace as [elements, p, variables]. */
  private relocate(i: number, p: number, keptE: number, keptA: number): void {
    const need = keptE + keptA + 1;
    if (this.pfree + need > this.iw.length) {
      const bigger = new Int32Array(2 * this.iw.length + need);
      bigger.set(this.iw);
      this.iw = bigger;
    }
    const iw = this.iw;
    const p1 = this.pe[i];
    const np = this.pfree;
    iw.copyWithin(np, p1, p1 + keptE);
    iw[np + keptE] = p;
    iw.copyWithin(np + keptE + 1, p1 + keptE, p1 + keptE + keptA);
    this.pe[i] = np;
    this.pfree += need;
  }

  /** Merges variables of Lp with the same elements and variables into supervariables. */
  private mergeSupervariables(): void {
    const { iw, status, pe, len, elen, nv, member, tail, mark, hashHead, hashNext, hashOf, lpStart } = this;
    const nLp = this.lpEnd - lpStart;
    for (let k = 0; k < nLp; k++) {
      const h = hashOf[k];
      hashNext[k] = hashHead[h];
      hashHead[h] = k;
    }
    for (let k = 0; k < nLp; k++) {
      const h = hashOf[k];
      let first = hashHead[h];
      if (first === -1) continue;
      hashHead[h] = -1;
      if (hashNext[first] === -1) continue;
      // Compare each survivor of the bucket with the later ones.
      for (; first !== -1; first = hashNext[first]) {
        const i = iw[lpStart + first];
        if (status[i] !== VARIABLE) continue;
        const pi = pe[i];
        const li = len[i];
        let s = -1;
        let last = first;
        for (let q = hashNext[first]; q !== -1; q = hashNext[q]) {
          const j = iw[lpStart + q];
          let same = status[j] === VARIABLE && len[j] === li && elen[j] === elen[i];
          if (same) {
            if (s < 0) {
              s = this.newStamp();
              for (let t = pi; t < pi + li; t++) mark[iw[t]] = s;
            }
            const end = pe[j] + li;
            for (let t = pe[j]; same && t < end; t++) same = mark[iw[t]] === s;
          }
          if (same) {
            // j is indistinguishable from i: merge it into i.
            nv[i] += nv[j];
            nv[j] = 0;
            status[j] = GONE;
            len[j] = 0;
            elen[j] = 0;
            member[tail[i]] = j;
            tail[i] = tail[j];
            hashNext[last] = hashNext[q];
          } else {
            last = q;
          }
        }
      }
    }
  }

  /** Final approximate degrees; the new element p keeps its principal variables. */
  private finishElement(p: number): void {
    const { iw, status, nv, degree, lpStart } = this;
    const nleft = this.nlive - this.nel;
    const degme = this.degme;
    let q = lpStart;
    for (let k = lpStart; k < this.lpEnd; k++) {
      const i = iw[k];
      if (status[i] !== VARIABLE) continue;
      const nvi = nv[i];
      const d = Math.min(degree[i] + degme - nvi, nleft - nvi);
      degree[i] = d;
      this.insert(i, d);
      iw[q++] = i;
    }
    this.pe[p] = lpStart;
    this.len[p] = q - lpStart;
    degree[p] = degme;
    if (this.pfree === this.lpTop) this.pfree = q;
  }

  /** Dense rows go last, sparsest first. */
  orderDense(distinct: Int32Array): void {
    const dense: number[] = [];
    for (let i = 0; i < this.n; i++) if (this.status[i] === DENSE) dense.push(i);
    dense.sort((a, b) => distinct[a] - distinct[b] || a - b);
    for (const i of dense) this.order[this.out++] = i;
  }
}
