/**
 * A 32-dimensional embedding per title (for the `content.embedding` ANN index):
 *  - collaborative part (24 dims): item factors from a truncated randomized SVD (Halko et al., with power
 *    iterations) of the users × items matrix of positive weights, columns L2-normalised (cosine geometry),
 *    item vector = V_k · Σ_k^{1/2};
 *  - content part (8 dims): signed feature hashing of the title's genre and tags;
 *  - a title without interactions borrows the mean collaborative vector of the warm titles of its genre;
 *  - both parts are unit-normalised, mixed as [√(1−s)·cf, √s·content] and the result is L2-normalised.
 */
import { buildContentModel } from './content-based';
import { positivePart, type CsrMatrix, type Dataset } from './dataset';
import { gaussian, hashString, mulberry32 } from './random';
import { topK } from './topk';

export const EMBEDDING_DIM = 32;

export interface EmbeddingOptions {
  /** Dimensions of the collaborative part (the rest is hashed content); default 24. */
  collaborativeDims?: number;
  /** Share of the squared norm given to the content part; default 0.2. */
  contentShare?: number;
  oversampling?: number;
  powerIterations?: number;
  seed?: number;
}

export interface ItemEmbeddings {
  readonly dim: number;
  readonly itemIds: readonly string[];
  readonly itemIndex: ReadonlyMap<string, number>;
  /** itemIds.length × dim, row-major, each row unit length (or all zero when nothing is known). */
  readonly vectors: Float32Array;
}

/** Y (rows × l, row-major) = A · Ω where Ω is cols × l row-major. */
function multiply(a: CsrMatrix, omega: Float64Array, l: number): Float64Array {
  const y = new Float64Array(a.nRows * l);
  for (let r = 0; r < a.nRows; r++) {
    const yr = r * l;
    for (let p = a.indptr[r]; p < a.indptr[r + 1]; p++) {
      const v = a.values[p];
      const oc = a.indices[p] * l;
      for (let c = 0; c < l; c++) y[yr + c] += v * omega[oc + c];
    }
  }
  return y;
}

/** Z (cols × l) = Aᵀ · Y where Y is rows × l row-major. */
function multiplyTransposed(a: CsrMatrix, y: Float64Array, l: number): Float64Array {
  const z = new Float64Array(a.nCols * l);
  for (let r = 0; r < a.nRows; r++) {
    const yr = r * l;
    for (let p = a.indptr[r]; p < a.indptr[r + 1]; p++) {
      const v = a.values[p];
      const zc = a.indices[p] * l;
      for (let c = 0; c < l; c++) z[zc + c] += v * y[yr + c];
    }
  }
  return z;
}

/** In-place modified Gram–Schmidt on the l columns of a rows × l row-major matrix (twice, for stability). */
function orthonormalizeColumns(m: Float64Array, rows: number, l: number): void {
  for (let pass = 0; pass < 2; pass++) {
    for (let c = 0; c < l; c++) {
      for (let d = 0; d < c; d++) {
        let dot = 0;
        for (let r = 0; r < rows; r++) dot += m[r * l + c] * m[r * l + d];
        for (let r = 0; r < rows; r++) m[r * l + c] -= dot * m[r * l + d];
      }
      let norm = 0;
      for (let r = 0; r < rows; r++) norm += m[r * l + c] * m[r * l + c];
      norm = Math.sqrt(norm);
      const inv = norm > 1e-12 ? 1 / norm : 0;
      for (let r = 0; r < rows; r++) m[r * l + c] *= inv;
    }
  }
}

/** Cyclic Jacobi eigen-decomposition of a symmetric l × l matrix: eigenvalues descending + eigenvectors (columns). */
export function symmetricEigen(s: Float64Array, l: number): { values: Float64Array; vectors: Float64Array } {
  const a = s.slice();
  const v = new Float64Array(l * l);
  for (let i = 0; i < l; i++) v[i * l + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < l; p++) for (let q = p + 1; q < l; q++) off += a[p * l + q] * a[p * l + q];
    if (off < 1e-22) break;
    for (let p = 0; p < l; p++) {
      for (let q = p + 1; q < l; q++) {
        const apq = a[p * l + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * l + q] - a[p * l + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const sn = t * c;
        for (let k = 0; k < l; k++) {
          const akp = a[k * l + p];
          const akq = a[k * l + q];
          a[k * l + p] = c * akp - sn * akq;
          a[k * l + q] = sn * akp + c * akq;
        }
        for (let k = 0; k < l; k++) {
          const apk = a[p * l + k];
          const aqk = a[q * l + k];
          a[p * l + k] = c * apk - sn * aqk;
          a[q * l + k] = sn * apk + c * aqk;
        }
        for (let k = 0; k < l; k++) {
          const vkp = v[k * l + p];
          const vkq = v[k * l + q];
          v[k * l + p] = c * vkp - sn * vkq;
          v[k * l + q] = sn * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: l }, (_, i) => i).sort((x, y) => a[y * l + y] - a[x * l + x]);
  const values = new Float64Array(l);
  const vectors = new Float64Array(l * l);
  order.forEach((src, dst) => {
    values[dst] = a[src * l + src];
    for (let k = 0; k < l; k++) vectors[k * l + dst] = v[k * l + src];
  });
  return { values, vectors };
}

/**
 * Item factors (nItems × k, row-major) = V_k Σ_k^{1/2} of the column-normalised positive matrix, by
 * randomized SVD. Items without interactions get zero rows.
 */
export function collaborativeItemFactors(
  ds: Dataset,
  k: number,
  options: EmbeddingOptions = {},
): Float64Array {
  const a = positivePart(ds.interactions);
  const n = a.nCols;
  const colNorm = new Float64Array(n);
  for (let p = 0; p < a.values.length; p++) colNorm[a.indices[p]] += a.values[p] * a.values[p];
  const values = new Float64Array(a.values.length);
  for (let p = 0; p < values.length; p++) values[p] = a.values[p] / Math.sqrt(colNorm[a.indices[p]]);
  const x: CsrMatrix = { ...a, values };
  const l = Math.min(k + (options.oversampling ?? 8), Math.max(1, Math.min(a.nRows, n)));
  const rng = mulberry32(options.seed ?? 1);
  const omega = new Float64Array(n * l);
  for (let i = 0; i < omega.length; i++) omega[i] = gaussian(rng);

  let y = multiply(x, omega, l);
  for (let it = 0; it < (options.powerIterations ?? 3); it++) {
    orthonormalizeColumns(y, a.nRows, l);
    const z = multiplyTransposed(x, y, l);
    orthonormalizeColumns(z, n, l);
    y = multiply(x, z, l);
  }
  orthonormalizeColumns(y, a.nRows, l); // Q
  const bt = multiplyTransposed(x, y, l); // Bᵀ = Aᵀ Q, n × l
  const c = new Float64Array(l * l); // B Bᵀ = (Bᵀ)ᵀ Bᵀ
  for (let i = 0; i < n; i++) {
    const bi = i * l;
    for (let p = 0; p < l; p++) {
      const v = bt[bi + p];
      if (v === 0) continue;
      for (let q = 0; q < l; q++) c[p * l + q] += v * bt[bi + q];
    }
  }
  const { values: eig, vectors: u } = symmetricEigen(c, l);
  // V Σ^{1/2} = Bᵀ U Σ^{-1} Σ^{1/2} = Bᵀ U Σ^{-1/2}.
  const kk = Math.min(k, l);
  const scale = new Float64Array(kk);
  for (let j = 0; j < kk; j++) scale[j] = eig[j] > 1e-12 ? Math.pow(eig[j], -0.25) : 0;
  const factors = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const bi = i * l;
    for (let j = 0; j < kk; j++) {
      let s = 0;
      for (let p = 0; p < l; p++) s += bt[bi + p] * u[p * l + j];
      factors[i * k + j] = s * scale[j];
    }
  }
  return factors;
}

function normalizeRow(v: Float64Array, start: number, len: number): boolean {
  let s = 0;
  for (let j = 0; j < len; j++) s += v[start + j] * v[start + j];
  if (s === 0) return false;
  const inv = 1 / Math.sqrt(s);
  for (let j = 0; j < len; j++) v[start + j] *= inv;
  return true;
}

export function buildItemEmbeddings(ds: Dataset, options: EmbeddingOptions = {}): ItemEmbeddings {
  const dim = EMBEDDING_DIM;
  const kc = options.collaborativeDims ?? 24;
  const kh = dim - kc;
  const share = options.contentShare ?? 0.2;
  const n = ds.itemIds.length;
  const cf = collaborativeItemFactors(ds, kc, options);
  const warm = new Uint8Array(n);
  for (let i = 0; i < n; i++) warm[i] = normalizeRow(cf, i * kc, kc) ? 1 : 0;

  // Cold titles: mean collaborative vector of the warm titles of the same genre.
  const genreMean = new Map<string, Float64Array>();
  for (let i = 0; i < n; i++) {
    const g = ds.itemMeta[i]?.genre;
    if (!g || !warm[i]) continue;
    let m = genreMean.get(g);
    if (!m) genreMean.set(g, (m = new Float64Array(kc)));
    for (let j = 0; j < kc; j++) m[j] += cf[i * kc + j];
  }
  for (let i = 0; i < n; i++) {
    const g = ds.itemMeta[i]?.genre;
    const m = g ? genreMean.get(g) : undefined;
    if (warm[i] || !m) continue;
    cf.set(m, i * kc);
    normalizeRow(cf, i * kc, kc);
  }

  // Content part: signed hashing of the (already normalised) genre/tag features.
  const content = buildContentModel(ds.itemMeta);
  const { indptr, indices, values } = content.itemFeatures;
  const featureSlot = content.featureNames.map((name) => hashString(name, 0x9e3779b9));
  const hashed = new Float64Array(n * kh);
  for (let i = 0; i < n; i++) {
    for (let q = indptr[i]; q < indptr[i + 1]; q++) {
      const h = featureSlot[indices[q]];
      hashed[i * kh + (h % kh)] += (h & 0x80000000 ? -1 : 1) * values[q];
    }
    normalizeRow(hashed, i * kh, kh);
  }

  const a = Math.sqrt(1 - share);
  const b = Math.sqrt(share);
  const out = new Float64Array(n * dim);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < kc; j++) out[i * dim + j] = a * cf[i * kc + j];
    for (let j = 0; j < kh; j++) out[i * dim + kc + j] = b * hashed[i * kh + j];
    normalizeRow(out, i * dim, dim);
  }
  return { dim, itemIds: ds.itemIds, itemIndex: ds.itemIndex, vectors: Float32Array.from(out) };
}

export function embeddingOf(emb: ItemEmbeddings, contentId: string): Float32Array | null {
  const i = emb.itemIndex.get(contentId);
  return i === undefined ? null : emb.vectors.slice(i * emb.dim, (i + 1) * emb.dim);
}

export function cosineSimilarity(emb: ItemEmbeddings, a: string, b: string): number {
  const i = emb.itemIndex.get(a);
  const j = emb.itemIndex.get(b);
  if (i === undefined || j === undefined) return 0;
  let s = 0;
  for (let d = 0; d < emb.dim; d++) s += emb.vectors[i * emb.dim + d] * emb.vectors[j * emb.dim + d];
  return s;
}

/** The k titles closest to `contentId` by cosine (vectors are unit length, so a dot product). */
export function nearestTitles(
  emb: ItemEmbeddings,
  contentId: string,
  k: number,
): { contentId: string; similarity: number }[] {
  const i = emb.itemIndex.get(contentId);
  if (i === undefined) return [];
  const n = emb.itemIds.length;
  const sims = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let d = 0; d < emb.dim; d++) s += emb.vectors[i * emb.dim + d] * emb.vectors[j * emb.dim + d];
    sims[j] = j === i ? NaN : s;
  }
  return Array.from(topK(sims, k), (j) => ({ contentId: emb.itemIds[j], similarity: sims[j] }));
}
