import { buildDataset, positivePart } from '../../src/recommender/dataset';
import { fitEase, invertSpd } from '../../src/recommender/ease';
import { group, row } from './fixtures';

/** Plain Gauss–Jordan inverse, independent of the Cholesky code under test. */
function gaussJordanInverse(a: number[][]): number[][] {
  const n = a.length;
  const m = a.map((r, i) => [...r, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
    [m[c], m[p]] = [m[p], m[c]];
    const d = m[c][c];
    for (let j = 0; j < 2 * n; j++) m[c][j] /= d;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r][c];
      for (let j = 0; j < 2 * n; j++) m[r][j] -= f * m[c][j];
    }
  }
  return m.map((r) => r.slice(n));
}

describe('EASE', () => {
  it('when user 1 watched A and B and user 2 watched A, then B[A→B] = 1/3 and B[B→A] = 1/2 (λ = 1)', () => {
    // X = [[1,1],[1,0]] → XᵀX + λI = [[3,1],[1,2]], P = [[2,-1],[-1,3]] / 5,
    // B[i][j] = −P[i][j] / P[j][j] → B[A][B] = (1/5)/(3/5) = 1/3, B[B][A] = (1/5)/(2/5) = 1/2.
    const ds = buildDataset([row('u1', 'A'), row('u1', 'B'), row('u2', 'A')]);
    const model = fitEase(positivePart(ds.interactions), { lambda: 1 });
    const a = ds.itemIndex.get('A') as number;
    const b = ds.itemIndex.get('B') as number;
    expect(model.weight(a, b)).toBeCloseTo(1 / 3, 12);
    expect(model.weight(b, a)).toBeCloseTo(1 / 2, 12);
    expect(model.weight(a, a)).toBe(0);
  });

  it('when fitted on a small random matrix, then B equals I − P·diag(1/diag P) computed by Gauss–Jordan', () => {
    const rows = [];
    const n = 7;
    for (let u = 0; u < 12; u++)
      for (let i = 0; i < n; i++) if ((u * 7 + i * 3) % 5 < 2) rows.push(row(`u${u}`, `i${i}`));
    const ds = buildDataset(rows);
    const x = positivePart(ds.interactions);
    const lambda = 2.5;
    const g = Array.from({ length: n }, (_, i) =>
      Array.from({ length: n }, (_, j) => (i === j ? lambda : 0)),
    );
    for (let u = 0; u < x.nRows; u++) {
      for (let p = x.indptr[u]; p < x.indptr[u + 1]; p++) {
        for (let q = x.indptr[u]; q < x.indptr[u + 1]; q++)
          g[x.indices[p]][x.indices[q]] += x.values[p] * x.values[q];
      }
    }
    const p = gaussJordanInverse(g);
    const model = fitEase(x, { lambda });
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        expect(model.weight(i, j)).toBeCloseTo(i === j ? 0 : -p[i][j] / p[j][j], 10);
      }
    }
  });

  it('when a title has no positive interaction, then it has no weights in or out', () => {
    const ds = buildDataset([
      ...group(['u1', 'u2'], ['A', 'B']),
      row('u3', 'C', { dismissed: true, completed: false }),
    ]);
    const model = fitEase(positivePart(ds.interactions), { lambda: 1 });
    const c = ds.itemIndex.get('C') as number;
    expect(model.nActive).toBe(2);
    expect(model.weight(c, 0) + model.weight(0, c)).toBe(0);
    expect(model.neighbors(c, 10).items.length).toBe(0);
  });

  it('when a scoring history is given, then accumulate adds Σ weight · B[i][·]', () => {
    const ds = buildDataset(group(['u1', 'u2'], ['A', 'B', 'C']).concat(row('u3', 'A')));
    const model = fitEase(positivePart(ds.interactions), { lambda: 1 });
    const out = new Float64Array(3);
    model.accumulate(Int32Array.from([0, 2]), Float64Array.from([2, -1]), 0, 2, out);
    for (let j = 0; j < 3; j++) expect(out[j]).toBeCloseTo(2 * model.weight(0, j) - model.weight(2, j), 12);
  });
});

describe('invertSpd (Cholesky)', () => {
  it.each([1, 2, 3, 4, 5, 9, 17])('when an SPD matrix has n = %i, then A · A⁻¹ = I', (n) => {
    const m = Array.from({ length: n * n }, (_, k) => Math.sin(k * 1.7 + 0.3));
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = i === j ? 0.5 : 0;
        for (let k = 0; k < n; k++) s += m[i * n + k] * m[j * n + k];
        a[i * n + j] = s;
      }
    }
    const inv = invertSpd(a.slice(), n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += a[i * n + k] * inv[k * n + j];
        expect(s).toBeCloseTo(i === j ? 1 : 0, 9);
      }
    }
  });

  it('when the matrix is not positive definite, then it throws', () => {
    expect(() => invertSpd(Float64Array.from([1, 0, 2, 1]), 2)).toThrow(/positive definite/);
  });
});
