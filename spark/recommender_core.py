"""
The recommender's per-user ranking and reasons for the Spark engine, in plain Python + numpy (no Spark here, so the
executors can import it and unpickle the broadcast Catalog). Every rule is a copy of the TypeScript core's
(src/recommender/*), named where it comes from; only the collaborative scores differ (ALS factors).
"""

from __future__ import annotations

import math
import sys
from typing import Any, Dict, List, Optional, Tuple

import numpy as np

# --------------------------------------------------------------------------------------------- constants (TS copies)

# src/recommender/dataset.ts DEFAULT_WEIGHTING
DISMISSED_WEIGHT = -1.0
MIN_STARTED = 0.2
MAX_STARTED = 0.8
RATED_ONLY = 0.8
RATING_FACTOR = [1.0, -0.5, 0.3, 0.9, 1.3, 1.6]
REWATCH_BONUS = 0.1
MAX_REWATCH_BONUS = 0.3
# src/recommender/popularity.ts
HALF_LIFE_DAYS = 30.0
DAY_MS = 86_400_000.0
# src/recommender/reasons.ts
MAX_BECAUSE_OF = 3
MIN_CITED_SHARE = 0.25
TRENDING_TOP_SHARE = 0.1
# src/repositories/recommender-model.ts
SNAPSHOT_BUCKET_SIZE = 1000
SNAPSHOT_BATCH_ROWS = 100
# content.embedding is vector<float, 32> (cql/002): ALS factors of rank <= 32 are zero-padded (cosine unchanged).
EMBEDDING_DIM = 32
# Cassandra 5.0's vector index rejects vector writes beyond a small per-node pool: the TS job writes 2 at once.
EMBEDDING_WRITE_PARALLELISM = 2

REASON_FACTORS = "MATRIX_FACTORIZATION"


def log(line: str) -> None:
    sys.stderr.write(f"[spark-job] {line}\n")
    sys.stderr.flush()


def normalize_label(label: Optional[str]) -> str:
    return (label or "").strip().lower()


def list_titles(titles: List[str]) -> str:
    if len(titles) <= 1:
        return titles[0] if titles else ""
    return f"{', '.join(titles[:-1])} and {titles[-1]}"


# --------------------------------------------------------------------------------------------- the catalog side


class Catalog:
    """Everything per title the executors need, indexed by item index (catalog sorted by content id), broadcast
    once: ids, titles, normalised genres, popularity score and rank, ALS factors (zero rows for titles ALS never
    saw) and their unit vectors for cosines."""

    def __init__(self, titles: List[Dict[str, Any]]):
        self.ids: List[str] = [t["content_id"] for t in titles]
        self.titles: List[str] = [t["title"] or "" for t in titles]
        self.genres: List[str] = [t["genre"] or "" for t in titles]
        self.tags: List[List[str]] = [list(t["tags"] or []) for t in titles]
        self.genre_keys: List[str] = [normalize_label(g) for g in self.genres]
        self.index: Dict[str, int] = {cid: i for i, cid in enumerate(self.ids)}
        n = len(self.ids)
        self.pop_score = np.zeros(n)
        self.pop_rank = np.arange(n, dtype=np.int64)
        self.factors = np.zeros((n, 1), dtype=np.float64)
        self.unit = np.zeros((n, 1), dtype=np.float64)
        self.has_factors = np.zeros(n, dtype=bool)

    def set_popularity(self, scores: np.ndarray) -> List[int]:
        """popularity.ts popularityFromScores: most popular first, ties by content id; returns the order."""
        self.pop_score = scores
        order = sorted(range(len(self.ids)), key=lambda i: (-scores[i], self.ids[i]))
        rank = np.empty(len(order), dtype=np.int64)
        for r, i in enumerate(order):
            rank[i] = r
        self.pop_rank = rank
        return order

    def set_factors(self, factors: np.ndarray, known: np.ndarray) -> None:
        self.factors = factors
        self.has_factors = known
        norms = np.linalg.norm(factors, axis=1)
        unit = np.zeros_like(factors)
        nz = norms > 0
        unit[nz] = factors[nz] / norms[nz][:, None]
        self.unit = unit


def normalize_positive(raw: np.ndarray, excluded: np.ndarray) -> np.ndarray:
    """blend.ts normalizePositive: positive part divided by the best non-excluded candidate; 0 elsewhere."""
    cand = np.where(excluded, 0.0, raw)
    top = cand.max() if cand.size else 0.0
    if not top > 0:
        return np.zeros_like(raw)
    return np.where((~excluded) & (raw > 0), raw / top, 0.0)


def top_n(score: np.ndarray, excluded: np.ndarray, pop_rank: np.ndarray, n: int) -> np.ndarray:
    """The n best non-excluded items by score, ties by popularity rank (topk.ts TopKHeap with tieRank)."""
    cand = np.flatnonzero(~excluded)
    if cand.size == 0:
        return cand
    s = score[cand]
    if cand.size > 4 * n:
        # Everything scoring at least the n-th best value (ties included), then the exact order.
        threshold = np.partition(s, cand.size - n)[cand.size - n]
        keep = s >= threshold
        cand, s = cand[keep], s[keep]
    order = np.lexsort((pop_rank[cand], -s))
    return cand[order[:n]]


def trending_reason(cat: Catalog, i: int) -> Dict[str, Any]:
    n = len(cat.ids)
    if cat.pop_score[i] <= 0:
        text = "Something new to try"
    elif cat.pop_rank[i] < max(10, math.ceil(TRENDING_TOP_SHARE * n)):
        text = "Trending now"
    else:
        text = "Watched by others recently"
    return {"kind": "TRENDING", "text": text, "becauseOf": []}


def rank_user(
    cat: Catalog,
    history: List[Tuple[int, float, bool, float]],
    preferred: List[str],
    user_factor: Optional[np.ndarray],
    weights: Tuple[float, float],
    n: int,
    with_reasons: bool = True,
) -> List[Dict[str, Any]]:
    """One user's list (recommend.ts recommendForUser): history = [(item, weight, excluded, profile_weight)] in
    item order. Returns [{contentId, rank, score, reason}] (reason only when with_reasons)."""
    n_items = len(cat.ids)
    excluded = np.zeros(n_items, dtype=bool)
    for item, _w, ex, _pw in history:
        if ex:
            excluded[item] = True
    pop_norm = normalize_positive(cat.pop_score, excluded)
    positive = [h for h in history if h[1] > 0]
    out: List[Dict[str, Any]] = []

    if not positive:
        # Cold start (scoring.ts coldStart): preferred-genre titles first, each group by popularity.
        preferred_keys = {normalize_label(g) for g in preferred}
        match = np.array([1.0 if g and g in preferred_keys else 0.0 for g in cat.genre_keys])
        cold = np.where(excluded, 0.0, match + pop_norm)
        for r, i in enumerate(top_n(cold, excluded, cat.pop_rank, n)):
            entry: Dict[str, Any] = {
                "contentId": cat.ids[i],
                "title": cat.titles[i],
                "rank": r + 1,
                "score": float(cold[i]),
            }
            if with_reasons:
                if cat.genre_keys[i] and cat.genre_keys[i] in preferred_keys:
                    entry["reason"] = {
                        "kind": "MATCHES_YOUR_GENRES",
                        "text": f"Popular in {cat.genres[i]}, one of your favourite genres",
                        "becauseOf": [],
                    }
                else:
                    entry["reason"] = trending_reason(cat, int(i))
            out.append(entry)
        return out

    a, c = weights
    raw = cat.factors @ user_factor if user_factor is not None else np.zeros(n_items)
    raw = np.where(cat.has_factors, raw, 0.0)
    als_norm = normalize_positive(raw, excluded)
    blended = a * als_norm + c * pop_norm
    ranked = top_n(blended, excluded, cat.pop_rank, n)
    if not with_reasons:
        return [{"contentId": cat.ids[i], "rank": r + 1, "score": float(blended[i])} for r, i in enumerate(ranked)]

    # reasons.ts userGenres: declared genres plus those of finished / well-rated titles.
    user_genres = {normalize_label(g) for g in preferred}
    for item, _w, _ex, pw in history:
        if pw > 0 and cat.genre_keys[item]:
            user_genres.add(cat.genre_keys[item])
    liked = sorted(
        [(pos, item, pw) for pos, (item, _w, _ex, pw) in enumerate(history) if pw > 0], key=lambda x: (-x[2], x[0])
    )
    pos_items = np.array([h[0] for h in positive], dtype=np.int64)
    pos_items = pos_items[cat.has_factors[pos_items]]

    def factor_reason(i: int) -> Optional[Dict[str, Any]]:
        # The watched titles whose item factors are closest (cosine) to the recommended title's.
        if pos_items.size == 0 or not cat.has_factors[i]:
            return None
        cos = cat.unit[pos_items] @ cat.unit[i]
        order = [k for k in np.argsort(-cos, kind="stable") if cos[k] > 0]
        if not order:
            return None
        best = cos[order[0]]
        cited = [int(pos_items[k]) for k in order[:MAX_BECAUSE_OF] if cos[k] >= MIN_CITED_SHARE * best]
        return {
            "kind": REASON_FACTORS,
            "text": f"Because you watched {list_titles([cat.titles[j] for j in cited[:2]])}",
            "becauseOf": [cat.ids[j] for j in cited],
        }

    def popularity_reason(i: int) -> Dict[str, Any]:
        key = cat.genre_keys[i]
        if key and key in user_genres:
            return {
                "kind": "POPULAR_IN_GENRE",
                "text": f"Popular in {cat.genres[i]}",
                "becauseOf": [cat.ids[it] for _p, it, _w in liked if cat.genre_keys[it] == key][:MAX_BECAUSE_OF],
            }
        return trending_reason(cat, i)

    for r, i in enumerate(ranked):
        i = int(i)
        # reasons.ts explain: the component with the largest contribution (weight x normalised score) decides.
        contrib_factors, contrib_pop = a * als_norm[i], c * pop_norm[i]
        reason = None
        if contrib_factors > 0 and contrib_factors >= contrib_pop:
            reason = factor_reason(i)
        out.append(
            {
                "contentId": cat.ids[i],
                "title": cat.titles[i],
                "rank": r + 1,
                "score": float(blended[i]),
                "reason": reason or popularity_reason(i),
            }
        )
    return out
