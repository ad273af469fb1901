"""
The recommender batch job on Apache Spark (`npm run recommend -- --engine spark`).

The same job as src/jobs/recommend.ts, for interaction logs beyond one machine: it reads interactions_by_user, content
and users through the spark-cassandra-connector (token-range splits read in parallel by the executors), trains
pyspark.ml ALS (implicit feedback) and writes the same tables in the same format as the single-machine job:

  recommendations (+ recommendations_by_content)   per user, ranks 1..n, blended score, structured reason
  similar_users (+ similar_users_by_other)         per user, the most similar users and the titles they share
  content_neighbors                                per title, the closest titles by item-factor cosine
  content.embedding                                per title, the item factors (zero-padded to 32 dims)
  recommender_model_items                          the model snapshot (popularity order) under --run-id

Run bookkeeping (recommender_runs) and the publish of the model pointer (recommender_models) stay in the TypeScript
CLI, which starts this job and reads the summary it writes to --summary-out.

Rules copied from the TypeScript core (src/recommender/*): interaction weights (dataset.ts interactionWeight),
exclusions (isExcludedFromRecommendations: finished, rated, dismissed, in progress), recency-weighted popularity
(popularity.ts), per-user positive-part normalisation and the linear blend with popularity tie-breaks (blend.ts),
cold start (scoring.ts coldStart), reasons (reasons.ts) and similar users (similar-users.ts). What differs is the
collaborative model: ALS item/user factors instead of EASE, so its reasons have their own kind,
MATRIX_FACTORIZATION, citing the watched titles whose factors are closest (cosine) to the recommended title's.

Writes: every per-user or per-title list is replaced by ONE batch (partition delete at t-1 + the new rows at t), like
the TypeScript repositories, so a reader sees the old list or the new one, never a mix. The connector's DataFrame
writer cannot express a partition delete, so these batches go through the Python driver from the executors, with the
connector's own knobs honoured: spark.cassandra.output.consistency.level, .concurrent.writes and
.throughputMBPerSec (per task, like the connector). Every statement binds its full partition key.

`--mode evaluate` runs the same training and ranking on files (the TypeScript evaluator's training split) and writes
the top-k of the requested users, so `npm run evaluate -- --engine spark` scores both engines on one split.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
import uuid as uuidlib
from typing import Any, Dict, Iterator, List, Tuple

import numpy as np
from pyspark.sql import DataFrame, SparkSession, Window
from pyspark.sql import functions as F

# Shipped to the executors with --py-files: functions and classes there are pickled by reference, so the broadcast
# Catalog unpickles and each Python worker keeps one driver session across tasks.
from cassandra_writes import (
    Writer,
    write_embeddings,
    write_lists,
    write_neighbors,
    write_similar_users,
)
from recommender_core import (
    DAY_MS,
    DISMISSED_WEIGHT,
    EMBEDDING_DIM,
    HALF_LIFE_DAYS,
    MAX_REWATCH_BONUS,
    MAX_STARTED,
    MIN_STARTED,
    RATED_ONLY,
    RATING_FACTOR,
    REWATCH_BONUS,
    SNAPSHOT_BATCH_ROWS,
    SNAPSHOT_BUCKET_SIZE,
    EMBEDDING_WRITE_PARALLELISM,
    Catalog,
    log,
    rank_user,
)

# --------------------------------------------------------------------------------------------- interaction features


def with_features(rows: DataFrame) -> DataFrame:
    """Adds weight, excluded and profile_weight: dataset.ts interactionWeight / isExcludedFromRecommendations and
    content-based.ts profileWeight, as column expressions (no Python UDF, so the JVM computes them)."""
    rating_c = (
        F.when(F.col("rating").isNull(), F.lit(0))
        .otherwise(F.least(F.lit(5), F.greatest(F.lit(1), F.round(F.col("rating")).cast("int"))))
        .cast("int")
    )
    progress = F.least(F.lit(1.0), F.greatest(F.lit(0.0), F.coalesce(F.col("progress_pct"), F.lit(0)) / 100.0))
    factor = F.element_at(F.array(*[F.lit(x) for x in RATING_FACTOR]), rating_c + 1)
    wc = F.col("watch_count")
    engagement = (
        F.when(F.col("completed"), F.lit(1.0))
        .when(progress > 0, MIN_STARTED + (MAX_STARTED - MIN_STARTED) * progress)
        .when(rating_c > 0, F.lit(RATED_ONLY))
        .when(wc > 0, F.lit(MIN_STARTED))
        .otherwise(F.lit(0.0))
    )
    base = engagement * factor
    rewatch = F.when((base > 0) & (wc > 1), F.least(F.lit(MAX_REWATCH_BONUS), REWATCH_BONUS * (wc - 1))).otherwise(0.0)
    weight = F.when(F.col("dismissed"), F.lit(DISMISSED_WEIGHT)).otherwise(base + rewatch)
    excluded = (
        F.col("completed")
        | F.col("dismissed")
        | F.col("rating").isNotNull()
        | (F.coalesce(F.col("progress_pct"), F.lit(0)) > 0)
        | (wc > 0)
    )
    rejected = F.col("dismissed") | ((rating_c > 0) & (rating_c <= 2))
    return (
        rows.withColumn("weight", weight.cast("double"))
        .withColumn("excluded", excluded)
        .withColumn(
            "profile_weight",
            F.when(rejected, F.lit(0.0))
            .when((F.col("completed") | (rating_c >= 4)) & (F.col("weight") > 0), F.col("weight"))
            .otherwise(F.lit(0.0)),
        )
    )


# --------------------------------------------------------------------------------------------- the job


def spark_conf(spark: SparkSession, key: str, default: str) -> str:
    return spark.sparkContext.getConf().get(key, default)


def connection(spark: SparkSession, args: argparse.Namespace) -> Dict[str, Any]:
    """The Python driver's connection, from the same spark.cassandra.* settings the connector reads."""
    get = lambda k, d="": spark_conf(spark, k, d)  # noqa: E731
    hosts = [h.strip() for h in get("spark.cassandra.connection.host", "127.0.0.1").split(",") if h.strip()]
    username = get("spark.cassandra.auth.username", "") or None
    return {
        "hosts": hosts,
        "port": int(get("spark.cassandra.connection.port", "9042")),
        "localDc": get("spark.cassandra.connection.localDC", "datacenter1"),
        "keyspace": args.keyspace,
        "username": username,
        "password": get("spark.cassandra.auth.password", "") if username else None,
        "tls": get("spark.cassandra.connection.ssl.enabled", "false") == "true",
        "tlsCaFile": args.tls_ca_file,
        "consistency": get("spark.cassandra.output.consistency.level", "LOCAL_QUORUM"),
        "concurrentWrites": int(get("spark.cassandra.output.concurrent.writes", "5")),
        "throughputMBPerSec": float(get("spark.cassandra.output.throughputMBPerSec", "0") or 0),
        "timeoutSec": 30,
    }


def read_table(spark: SparkSession, keyspace: str, table: str, columns: List[str]) -> DataFrame:
    """A whole-table read through the connector: token-range splits (spark.cassandra.input.split.sizeInMB) read in
    parallel by the executors — the batch-job exception to "bind the partition key", as in the TS job's scanTable."""
    return (
        spark.read.format("org.apache.spark.sql.cassandra")
        .options(keyspace=keyspace, table=table)
        .load()
        .select(*columns)
    )


class Timer:
    def __init__(self) -> None:
        self.ms: Dict[str, int] = {}

    def run(self, phase: str, fn):
        t = time.monotonic()
        log(f"{phase}…")
        try:
            return fn()
        finally:
            self.ms[phase] = self.ms.get(phase, 0) + int((time.monotonic() - t) * 1000)
            log(f"{phase} done in {self.ms[phase] / 1000:.1f} s")


def train(
    spark: SparkSession,
    rows: DataFrame,
    titles: List[Dict[str, Any]],
    users: DataFrame,
    args: argparse.Namespace,
) -> Tuple[Catalog, DataFrame, DataFrame, Dict[str, Any]]:
    """Popularity + ALS. rows: user_id, content_id, weight, excluded, profile_weight, last_at_ms (filtered to live
    users and catalog titles). Returns the catalog (with popularity and factors), the per-user frame (every user
    with their history and factor) and the indexed rows."""
    from pyspark.ml.recommendation import ALS

    cat = Catalog(sorted(titles, key=lambda t: t["content_id"]))
    index_df = spark.createDataFrame([(cid, i) for i, cid in enumerate(cat.ids)], "content_id string, item int")
    rows = rows.join(F.broadcast(index_df), "content_id")

    # popularity.ts: sum over users of max(weight, 0) * 2^(-age / 30 days), age from the newest interaction.
    now_ms = rows.agg(F.max("last_at_ms")).first()[0] or 0
    pop = (
        rows.where(F.col("weight") > 0)
        .groupBy("item")
        .agg(
            F.sum(
                F.col("weight")
                * F.pow(F.lit(2.0), -F.greatest(F.lit(0.0), now_ms - F.col("last_at_ms")) / (HALF_LIFE_DAYS * DAY_MS))
            ).alias("p")
        )
        .collect()
    )
    scores = np.zeros(len(cat.ids))
    for r in pop:
        scores[r["item"]] = r["p"]
    order = cat.set_popularity(scores)

    # Dense user ids for ALS (zipWithIndex scales; a window over all users would run in one task).
    user_index = users.select("user_id").rdd.map(lambda r: r[0]).zipWithIndex().toDF(["user_id", "uid"])
    user_index = user_index.withColumn("uid", F.col("uid").cast("int"))
    indexed = rows.join(user_index, "user_id")
    als_input = indexed.where(F.col("weight") != 0).select("uid", "item", F.col("weight").alias("rating"))
    # Implicit ALS (Hu, Koren, Volinsky): preference = weight > 0, confidence = 1 + alpha * |weight|, so dismissals
    # and 1-star ratings count as confident "no" rather than being dropped.
    als = ALS(
        rank=args.rank,
        maxIter=args.iterations,
        regParam=args.reg,
        alpha=args.alpha,
        implicitPrefs=True,
        userCol="uid",
        itemCol="item",
        ratingCol="rating",
        coldStartStrategy="drop",
        seed=args.seed,
    )
    model = als.fit(als_input)
    factors = np.zeros((len(cat.ids), args.rank))
    known = np.zeros(len(cat.ids), dtype=bool)
    for r in model.itemFactors.collect():
        factors[r["id"]] = np.asarray(r["features"], dtype=np.float64)
        known[r["id"]] = True
    cat.set_factors(factors, known)

    history = indexed.groupBy("user_id").agg(
        F.sort_array(F.collect_list(F.struct("item", "weight", "excluded", "profile_weight"))).alias("history")
    )
    per_user = (
        users.join(user_index, "user_id")
        .join(history, "user_id", "left")
        .join(model.userFactors.withColumnRenamed("id", "uid"), "uid", "left")
    )
    info = {"order": order, "alsItems": int(known.sum())}
    return cat, per_user, indexed, info


def rank_partition(cat_bc, weights: Tuple[float, float], n: int, with_reasons: bool):
    def fn(rows: Iterator[Any]) -> Iterator[Tuple[str, List[Dict[str, Any]]]]:
        cat: Catalog = cat_bc.value
        for row in rows:
            history = [(h["item"], h["weight"], h["excluded"], h["profile_weight"]) for h in (row["history"] or [])]
            factor = np.asarray(row["features"], dtype=np.float64) if row["features"] is not None else None
            recs = rank_user(cat, history, list(row["preferred_genres"] or []), factor, weights, n, with_reasons)
            yield row["user_id"], recs

    return fn


def similar_users_frame(
    indexed: DataFrame, n_users: int, k: int, max_shared: int = 10, min_shared: int = 2
) -> DataFrame:
    """similar-users.ts: cosine over positive weights x inverse user frequency, at least `min_shared` shared titles,
    the shared titles strongest first. A self-join on the title (only users sharing one are ever paired)."""
    pos = indexed.where(F.col("weight") > 0).select("user_id", "content_id", "item", "weight")
    df = pos.groupBy("item").agg(F.count("*").alias("df"))
    x = (
        pos.join(df, "item")
        .withColumn("x", F.col("weight") * F.log(1 + F.lit(float(max(1, n_users))) / F.col("df")))
        .cache()
    )
    norms = x.groupBy("user_id").agg(F.sqrt(F.sum(F.col("x") * F.col("x"))).alias("norm"))
    a = x.select(F.col("user_id").alias("u"), "item", "content_id", F.col("x").alias("xa"))
    b = x.select(F.col("user_id").alias("v"), "item", F.col("x").alias("xb"))
    # Scores first with plain sums (the pair rows are the expensive part: sum over titles of viewers^2), the shared
    # titles afterwards for the k kept pairs per user only.
    # Cosine is symmetric: each unordered pair is scored once (u < v), then used in both directions.
    half = (
        a.join(b, "item")
        .where(F.col("u") < F.col("v"))
        .groupBy("u", "v")
        .agg(F.sum(F.col("xa") * F.col("xb")).alias("dot"), F.count("*").alias("shared_count"))
        .where(F.col("shared_count") >= min_shared)
    )
    pairs = (
        half.unionByName(half.select(F.col("v").alias("u"), F.col("u").alias("v"), "dot", "shared_count"))
        .join(norms.select(F.col("user_id").alias("u"), F.col("norm").alias("nu")), "u")
        .join(norms.select(F.col("user_id").alias("v"), F.col("norm").alias("nv")), "v")
        .withColumn("score", F.col("dot") / (F.col("nu") * F.col("nv")))
        .where(F.col("score") > 0)
    )
    w = Window.partitionBy("u").orderBy(F.col("score").desc(), F.col("v"))
    top = pairs.withColumn("r", F.row_number().over(w)).where(F.col("r") <= k).select("u", "v", "r", "score")
    shared = (
        top.select("u", "v")
        .join(a, "u")
        .join(b, ["v", "item"])
        .groupBy("u", "v")
        .agg(
            F.slice(
                F.sort_array(
                    F.collect_list(F.struct((-(F.col("xa") * F.col("xb"))).alias("neg"), "item", "content_id"))
                ),
                1,
                max_shared,
            ).alias("shared")
        )
    )
    return (
        top.join(shared, ["u", "v"])
        .groupBy("u")
        .agg(
            F.sort_array(F.collect_list(F.struct("r", "v", "score", F.col("shared.content_id").alias("shared")))).alias(
                "list"
            )
        )
    )


def neighbor_partition(cat_bc, k: int):
    def fn(items: Iterator[int]) -> Iterator[Tuple[str, List[Tuple[str, float]]]]:
        cat: Catalog = cat_bc.value
        for i in items:
            if not cat.has_factors[i]:
                yield cat.ids[i], []
                continue
            cos = cat.unit @ cat.unit[i]
            cos[i] = -np.inf
            cos[~cat.has_factors] = -np.inf
            idx = np.flatnonzero(cos > 0)
            order = idx[np.lexsort((idx, -cos[idx]))][:k]
            yield cat.ids[i], [(cat.ids[j], float(cos[j])) for j in order]

    return fn


def embeddings(cat: Catalog) -> List[Tuple[str, List[float]]]:
    """Item factors zero-padded to 32 dims; a title ALS never saw borrows the mean unit factor of its genre (like the
    TS embeddings), and a title with neither gets none (cosine is undefined for zero)."""
    rank = cat.factors.shape[1]
    genre_sum: Dict[str, np.ndarray] = {}
    for i in np.flatnonzero(cat.has_factors):
        key = cat.genre_keys[i]
        if key:
            genre_sum[key] = genre_sum.get(key, np.zeros(rank)) + cat.unit[i]
    out = []
    for i, cid in enumerate(cat.ids):
        v = cat.factors[i] if cat.has_factors[i] else genre_sum.get(cat.genre_keys[i])
        if v is None or not np.linalg.norm(v) > 0:
            continue
        padded = np.zeros(EMBEDDING_DIM, dtype=np.float32)
        padded[:rank] = v[:EMBEDDING_DIM]
        out.append((cid, [float(x) for x in padded]))
    return out


def write_snapshot(conn: Dict[str, Any], run_id: str, cat: Catalog, order: List[int]) -> None:
    """RecommenderModelRepository.writeSnapshot: titles in popularity order, 1,000 per (version, bucket) partition,
    100 rows per single-partition batch (written from the driver: one row per title)."""
    w = Writer(conn)
    version = uuidlib.UUID(run_id)
    cql = (
        "INSERT INTO recommender_model_items (version, bucket, position, content_id, title, genre, tags, popularity) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
    )
    for start in range(0, len(order), SNAPSHOT_BATCH_ROWS):
        stmts = []
        for p in range(start, min(len(order), start + SNAPSHOT_BATCH_ROWS)):
            i = order[p]
            stmts.append(
                (
                    cql,
                    [
                        version,
                        p // SNAPSHOT_BUCKET_SIZE,
                        p,
                        uuidlib.UUID(cat.ids[i]),
                        cat.titles[i],
                        cat.genres[i],
                        set(cat.tags[i]),
                        float(cat.pop_score[i]),
                    ],
                )
            )
        w.batch(stmts, logged=False, nbytes=100 * len(stmts))
    w.flush()


def peak_memory_mb() -> Tuple[int, float]:
    """Peak RSS of the Spark driver JVM (this Python driver's parent in spark-submit / local mode, where the
    executors run too) plus this process; CPU seconds of both."""
    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    cpu = sum(os.times()[:2])
    try:
        with open(f"/proc/{os.getppid()}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    rss_kb += int(line.split()[1])
        with open(f"/proc/{os.getppid()}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
            cpu += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        pass
    return int(rss_kb / 1024), round(cpu, 1)


def als_params(args: argparse.Namespace) -> Dict[str, Any]:
    return {"rank": args.rank, "iterations": args.iterations, "reg": args.reg, "alpha": args.alpha}


def run_job(spark: SparkSession, args: argparse.Namespace) -> Dict[str, Any]:
    timer = Timer()
    t0 = time.monotonic()
    ks = args.keyspace
    conn = connection(spark, args)
    weights = (1.0 - args.pop_weight, args.pop_weight)

    def read():
        users = (
            read_table(spark, ks, "users", ["user_id", "email", "preferred_genres"])
            # training-data.ts scanUsers: a profile without an e-mail is an account being erased.
            .where(F.col("email").isNotNull() & (F.col("email") != ""))
            .select(F.col("user_id").cast("string"), "preferred_genres")
            .cache()
        )
        titles = [
            r.asDict()
            for r in read_table(spark, ks, "content", ["content_id", "title", "genre", "tags"])
            .select(F.col("content_id").cast("string"), "title", "genre", "tags")
            .collect()
        ]
        raw = (
            read_table(
                spark,
                ks,
                "interactions_by_user",
                ["user_id", "content_id", "progress_pct", "completed", "rating", "dismissed", "last_at"],
            )
            .select(
                F.col("user_id").cast("string"),
                F.col("content_id").cast("string"),
                "progress_pct",
                F.coalesce(F.col("completed"), F.lit(False)).alias("completed"),
                "rating",
                F.coalesce(F.col("dismissed"), F.lit(False)).alias("dismissed"),
                (F.coalesce(F.col("last_at").cast("double"), F.lit(0.0)) * 1000).alias("last_at_ms"),
                # training-data.ts toInteraction: the table keeps no view count; progress or completion = watched once.
                F.when(F.col("progress_pct").isNotNull() | F.coalesce(F.col("completed"), F.lit(False)), 1)
                .otherwise(0)
                .alias("watch_count"),
            )
            .cache()
        )
        return users, titles, raw

    users, titles, raw = timer.run("read", read)
    n_users = users.count()
    total_rows = raw.count()
    catalog_ids = spark.createDataFrame([(t["content_id"],) for t in titles], "content_id string")
    rows = with_features(
        raw.join(users.select("user_id"), "user_id", "left_semi").join(
            F.broadcast(catalog_ids), "content_id", "left_semi"
        )
    ).cache()
    n_rows = rows.count()
    log(
        f"read {total_rows:,} interactions ({total_rows - n_rows:,} ignored), {len(titles):,} titles, {n_users:,} users"
    )

    cat, per_user, indexed, info = timer.run("train", lambda: train(spark, rows, titles, users, args))
    indexed = indexed.cache()
    cat_bc = spark.sparkContext.broadcast(cat)
    summary: Dict[str, Any] = {
        "users": n_users,
        "titles": len(titles),
        "interactions": n_rows,
        "interactionsIgnored": total_rows - n_rows,
        "alsItems": info["alsItems"],
    }

    def model_phase():
        write_snapshot(conn, args.run_id, cat, info["order"])
        idx = spark.sparkContext.parallelize(range(len(cat.ids)), max(1, spark.sparkContext.defaultParallelism))
        counts = (
            idx.mapPartitions(neighbor_partition(cat_bc, args.neighbors))
            .mapPartitions(lambda it: [write_neighbors(conn, it)])
            .collect()
        )
        summary["titlesWithNeighbors"] = int(sum(counts))

    timer.run("model", model_phase)

    def embedding_phase():
        vectors = embeddings(cat)
        rdd = spark.sparkContext.parallelize(vectors, EMBEDDING_WRITE_PARALLELISM)
        summary["embeddingsWritten"] = int(sum(rdd.mapPartitions(lambda it: [write_embeddings(conn, it)]).collect()))

    timer.run("embeddings", embedding_phase)

    def similar_phase():
        lists = similar_users_frame(indexed, n_users, args.similar_users)
        every = users.select("user_id").join(lists.withColumnRenamed("u", "user_id"), "user_id", "left")

        def to_rows(it):
            for r in it:
                yield r["user_id"], [(e["v"], float(e["score"]), list(e["shared"])) for e in (r["list"] or [])]

        counts = every.rdd.mapPartitions(to_rows).mapPartitions(lambda it: [write_similar_users(conn, it)]).collect()
        summary["similarUserLists"] = int(sum(counts))

    timer.run("similar-users", similar_phase)

    def lists_phase():
        counts = (
            per_user.rdd.mapPartitions(rank_partition(cat_bc, weights, args.list_size, True))
            .mapPartitions(lambda it: [write_lists(conn, it)])
            .collect()
        )
        summary["listsWritten"] = int(sum(counts))

    timer.run("lists", lists_phase)
    timer.ms["total"] = int((time.monotonic() - t0) * 1000)
    rss, cpu = peak_memory_mb()
    summary.update(
        {
            "phaseMs": timer.ms,
            "peakRssMb": rss,
            "cpuSeconds": cpu,
            "popWeight": args.pop_weight,
            "als": als_params(args),
        }
    )
    return summary


def evaluate_job(spark: SparkSession, args: argparse.Namespace) -> Dict[str, Any]:
    """Trains on the given rows (the TS evaluator's training split) and ranks the requested users' top k."""
    t0 = time.monotonic()
    with open(os.path.join(args.input_dir, "input.json")) as f:
        data = json.load(f)
    titles = data["items"]
    users = spark.createDataFrame(
        [(u["userId"], u["preferredGenres"]) for u in data["users"]], "user_id string, preferred_genres array<string>"
    )
    # Sliced so no task carries the whole file (Spark warns beyond 1 MB per task).
    raw = spark.createDataFrame(
        spark.sparkContext.parallelize(
            [
                (
                    r["userId"],
                    r["contentId"],
                    r["progressPct"],
                    bool(r["completed"]),
                    r["rating"],
                    bool(r["dismissed"]),
                    float(r["lastAtMs"]),
                    int(r["watchCount"]),
                )
                for r in data["rows"]
            ],
            max(2, len(data["rows"]) // 10_000),
        ),
        "user_id string, content_id string, progress_pct int, completed boolean, rating int, dismissed boolean, "
        "last_at_ms double, watch_count int",
    )
    rows = with_features(raw).cache()
    cat, per_user, _indexed, _info = train(spark, rows, titles, users, args)
    cat_bc = spark.sparkContext.broadcast(cat)
    wanted = spark.createDataFrame([(u,) for u in data["evaluateUsers"]], "user_id string")
    ranked = (
        per_user.join(wanted, "user_id", "left_semi")
        .rdd.mapPartitions(rank_partition(cat_bc, (1.0 - args.pop_weight, args.pop_weight), args.k, False))
        .collect()
    )
    return {
        "lists": {u: [r["contentId"] for r in recs] for u, recs in ranked},
        "params": {**als_params(args), "popWeight": args.pop_weight, "ms": int((time.monotonic() - t0) * 1000)},
    }


def main(argv: List[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    p.add_argument("--mode", choices=["run", "evaluate"], default="run")
    p.add_argument("--keyspace", default="personalization")
    p.add_argument("--run-id", help="the timeuuid of the run (the model snapshot's version)")
    p.add_argument("--summary-out", required=True, help="where the JSON summary (or evaluation lists) is written")
    p.add_argument("--list-size", type=int, default=50)
    p.add_argument("--neighbors", type=int, default=100)
    p.add_argument("--similar-users", type=int, default=20)
    p.add_argument("--tls-ca-file", default=None)
    # ALS; defaults tuned with `npm run evaluate -- --engine spark --synthetic` (see README "The Spark engine").
    p.add_argument("--rank", type=int, default=32)
    p.add_argument("--iterations", type=int, default=15)
    p.add_argument("--reg", type=float, default=0.1)
    # A low alpha: the weights already carry the engagement (0.2-1.9); a high one made ALS overfit heavy viewers
    # (evaluation nDCG@10: alpha 40 -> 0.13, 10 -> 0.21, 2 -> 0.28, 1 -> 0.29, 0.5 -> 0.30).
    p.add_argument("--alpha", type=float, default=0.5)
    # Popularity in the blend (each component normalised per user, like the TS blend): 0.2 added ~0.005 nDCG@10.
    p.add_argument("--pop-weight", type=float, default=0.2)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--input-dir", help="evaluate: the directory with input.json")
    p.add_argument("--k", type=int, default=10)
    args = p.parse_args(argv)
    if not 1 <= args.rank <= EMBEDDING_DIM:
        p.error(f"--rank must be 1..{EMBEDDING_DIM} (content.embedding is vector<float, {EMBEDDING_DIM}>)")
    if not 0 <= args.pop_weight <= 1:
        p.error("--pop-weight must be in [0, 1]")
    if args.mode == "run" and not args.run_id:
        p.error("--run-id is required with --mode run")

    spark = SparkSession.builder.appName(f"personalization-recommend-{args.mode}").getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    # ALS's lineage grows with every iteration; without checkpoints (every 10 iterations, ALS's default interval)
    # deserialising it overflows the stack beyond ~20 iterations. Must be shared storage (HDFS, S3…) on a cluster.
    checkpoint_dir = spark_conf(spark, "spark.checkpoint.dir", "")
    if checkpoint_dir:
        spark.sparkContext.setCheckpointDir(checkpoint_dir)
    try:
        result = run_job(spark, args) if args.mode == "run" else evaluate_job(spark, args)
    finally:
        spark.stop()
    with open(args.summary_out, "w") as f:
        json.dump(result, f)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
