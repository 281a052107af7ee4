/**
 * Minimum-degree ordering of a symmetric sparsity pattern: eliminating a
 * node of least degree first keeps the fill of a sparse factorization small.
 * For a layered crossbar it eliminates every hidden node (degree = width of
 * the next layer) before the dense output block, so Cholesky costs
 * O(hidden * out^2) instead of O((hidden + out)^3).
 */
export function minimumDegree(n: number, rows: ArrayLike<number>, cols: ArrayLike<number>): Int32Array {
  const adj: Set<number>[] = Array.from({ length: n }, () => new Set<number>());
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k];
    const c = cols[k];
    if (r !== c && r >= 0 && c >= 0 && r < n && c < n) {
      adj[r].add(c);
      adj[c].add(r);
    }
  }
  const done = new Uint8Array(n);
  const order = new Int32Array(n);
  for (let step = 0; step < n; step++) {
    let best = -1;
    let bestDeg = Infinity;
    for (let i = 0; i < n; i++) {
      if (!done[i] && adj[i].size < bestDeg) {
        best = i;
        bestDeg = adj[i].size;
        if (bestDeg === 0) break;
      }
    }
    order[step] = best;
    done[best] = 1;
    const nb = [...adj[best]];
    for (const u of nb) adj[u].delete(best);
    for (let x = 0; x < nb.length; x++) {
      for (let y = x + 1; y < nb.length; y++) {
        adj[nb[x]].add(nb[y]);
        adj[nb[y]].add(nb[x]);
      }
    }
    adj[best].clear();
  }
  return order;
}
