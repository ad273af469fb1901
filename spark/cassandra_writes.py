"""
Cassandra writes of the Spark engine, run inside the executors' Python workers through the DataStax Python driver:
the same statements and batches as the TypeScript repositories (src/repositories/recommendations.ts and
recommender-model.ts). Per user or per title, ONE batch holds the partition delete (at t-1) and the new rows (at t), so
a reader sees the old list or the new one, never a mix, and no rank of a longer old list survives — which the
connector's DataFrame writer cannot express. Every statement binds its full partition key.

The connector's own knobs apply here too (read by the job from the Spark conf): consistency level
(spark.cassandra.output.consistency.level), batches in flight per task (spark.cassandra.output.concurrent.writes)
and a per-task byte rate (spark.cassandra.output.throughputMBPerSec), so the job does not starve the serving path.
"""

from __future__ import annotations

import datetime
import json
import threading
import time
import uuid as uuidlib
from typing import Any, Dict, Iterable, List, Tuple


class ThroughputLimiter:
    """A token bucket in bytes per second (0 = unlimited): the connector's output.throughputMBPerSec, per task."""

    def __init__(self, mb_per_sec: float):
        self.rate = mb_per_sec * 1024 * 1024
        self.allowance = self.rate
        self.last = time.monotonic()

    def take(self, nbytes: int) -> None:
        if self.rate <= 0:
            return
        now = time.monotonic()
        self.allowance = min(self.rate, self.allowance + (now - self.last) * self.rate)
        self.last = now
        self.allowance -= nbytes
        if self.allowance < 0:
            time.sleep(-self.allowance / self.rate)


_SESSIONS: Dict[str, Any] = {}


def session_for(conn: Dict[str, Any]):
    """One driver session per Python worker process and connection (Spark reuses its Python workers)."""
    key = json.dumps(conn, sort_keys=True)
    if key in _SESSIONS:
        return _SESSIONS[key]
    from cassandra.auth import PlainTextAuthProvider
    from cassandra.cluster import EXEC_PROFILE_DEFAULT, Cluster, ExecutionProfile
    from cassandra.policies import DCAwareRoundRobinPolicy, TokenAwarePolicy

    ssl_context = None
    if conn.get("tlsCaFile") or conn.get("tls"):
        import ssl

        ssl_context = ssl.create_default_context(cafile=conn.get("tlsCaFile") or None)
    profile = ExecutionProfile(
        load_balancing_policy=TokenAwarePolicy(DCAwareRoundRobinPolicy(local_dc=conn["localDc"])),
        consistency_level=conn["consistency"],
        request_timeout=conn.get("timeoutSec", 30),
    )
    cluster = Cluster(
        contact_points=conn["hosts"],
        port=conn["port"],
        auth_provider=(
            PlainTextAuthProvider(conn["username"], conn["password"]) if conn.get("username") is not None else None
        ),
        ssl_context=ssl_context,
        execution_profiles={EXEC_PROFILE_DEFAULT: profile},
        protocol_version=5,
    )
    session = cluster.connect(conn["keyspace"])
    _SESSIONS[key] = session
    return session


class Writer:
    """Prepared statements, bounded concurrency (output.concurrent.writes) and the throughput limit, per task."""

    def __init__(self, conn: Dict[str, Any]):
        from cassandra import ConsistencyLevel

        self.session = session_for(conn)
        self.cl = getattr(ConsistencyLevel, conn["consistency"])
        self.limiter = ThroughputLimiter(conn["throughputMBPerSec"])
        self.concurrency = max(1, conn["concurrentWrites"])
        self.slots = threading.Semaphore(self.concurrency)
        self.errors: List[BaseException] = []
        self.prepared: Dict[str, Any] = {}
        self.pending = 0
        self.cond = threading.Condition()

    def prepare(self, cql: str):
        if cql not in self.prepared:
            stmt = self.session.prepare(cql)
            stmt.consistency_level = self.cl
            self.prepared[cql] = stmt
        return self.prepared[cql]

    def read(self, cql: str, params: List[Any]) -> List[Any]:
        return list(self.session.execute(self.prepare(cql), params))

    def read_many(self, cql: str, keys: List[Any]) -> List[List[Any]]:
        """One single-partition read per key, all in flight at once (a chunk of users), results in key order."""
        stmt = self.prepare(cql)
        futures = [self.session.execute_async(stmt, [k]) for k in keys]
        return [list(f.result()) for f in futures]

    def chunk_size(self) -> int:
        return max(1, self.concurrency * 4)

    def batch(self, statements: List[Tuple[str, List[Any]]], logged: bool, nbytes: int) -> None:
        """Sends one batch asynchronously once a slot is free; failures are collected and raised by flush()."""
        from cassandra.query import BatchStatement, BatchType

        b = BatchStatement(batch_type=BatchType.LOGGED if logged else BatchType.UNLOGGED, consistency_level=self.cl)
        for cql, params in statements:
            b.add(self.prepare(cql), params)
        self.limiter.take(nbytes)
        self.slots.acquire()
        with self.cond:
            self.pending += 1
        future = self.session.execute_async(b)
        future.add_callbacks(self._done, self._failed)

    def _release(self) -> None:
        self.slots.release()
        with self.cond:
            self.pending -= 1
            self.cond.notify_all()

    def _done(self, _rows: Any) -> None:
        self._release()

    def _failed(self, err: BaseException) -> None:
        self.errors.append(err)
        self._release()

    def flush(self) -> None:
        with self.cond:
            while self.pending > 0:
                self.cond.wait(1.0)
        if self.errors:
            raise RuntimeError(f"{len(self.errors)} Cassandra writes failed; first: {self.errors[0]!r}")


def micros_now() -> int:
    return int(time.time() * 1_000_000)


def write_lists(conn: Dict[str, Any], rows: Iterable[Tuple[str, List[Dict[str, Any]]]]) -> int:
    """RecommendationsRepository.replaceList, per user: read the old list's content ids (its partition), then one logged
    batch — partition delete at t-1, the new rows and their reverse-index rows at t, and reverse rows of titles that
    left the list deleted."""
    w = Writer(conn)
    count = 0
    for chunk in chunks(rows, w.chunk_size()):
        users = [uuidlib.UUID(user_id) for user_id, _recs in chunk]
        # The old lists' content ids (for the reverse index), read for the whole chunk at once.
        previous_lists = w.read_many("SELECT content_id FROM recommendations WHERE user_id = ?", users)
        for (_user_id, recs), user, previous in zip(chunk, users, previous_lists):
            t = micros_now()
            generated = datetime.datetime.fromtimestamp(t / 1_000_000, tz=datetime.timezone.utc)
            kept = {r["contentId"] for r in recs}
            stmts: List[Tuple[str, List[Any]]] = [
                ("DELETE FROM recommendations USING TIMESTAMP ? WHERE user_id = ?", [t - 1, user])
            ]
            nbytes = 32
            for r in recs:
                cid = uuidlib.UUID(r["contentId"])
                reason = r["reason"]
                stmts.append(
                    (
                        "INSERT INTO recommendations (user_id, rank, content_id, title, score, reason_kind, "
                        "reason_text, because_of, generated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) USING TIMESTAMP ?",
                        [
                            user,
                            r["rank"],
                            cid,
                            r["title"],
                            r["score"],
                            reason["kind"],
                            reason["text"],
                            [uuidlib.UUID(x) for x in reason["becauseOf"]],
                            generated,
                            t,
                        ],
                    )
                )
                stmts.append(
                    (
                        "INSERT INTO recommendations_by_content (content_id, user_id, rank) VALUES (?, ?, ?) "
                        "USING TIMESTAMP ?",
                        [cid, user, r["rank"], t],
                    )
                )
                nbytes += 120 + len(reason["text"]) + 16 * len(reason["becauseOf"])
            for row in previous:
                if str(row.content_id) not in kept:
                    stmts.append(
                        (
                            "DELETE FROM recommendations_by_content USING TIMESTAMP ? WHERE content_id = ? "
                            "AND user_id = ?",
                            [t, row.content_id, user],
                        )
                    )
            w.batch(stmts, logged=True, nbytes=nbytes)
            count += 1
    w.flush()
    return count


def chunks(rows: Iterable[Any], size: int) -> Iterable[List[Any]]:
    chunk: List[Any] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def write_similar_users(conn: Dict[str, Any], rows: Iterable[Tuple[str, List[Tuple[str, float, List[str]]]]]) -> int:
    """RecommendationsRepository.replaceSimilarUsers: list partition delete at t-1 + rows at t, reverse index kept
    in step (rows added for the new list, deleted for users that left it); one logged batch per user."""
    w = Writer(conn)
    non_empty = 0
    for chunk in chunks(rows, w.chunk_size()):
        users = [uuidlib.UUID(user_id) for user_id, _lst in chunk]
        previous_lists = w.read_many("SELECT rank, other_user_id FROM similar_users WHERE user_id = ?", users)
        for (_user_id, lst), user, previous in zip(chunk, users, previous_lists):
            t = micros_now()
            kept = {other for other, _s, _sh in lst}
            stmts: List[Tuple[str, List[Any]]] = [
                ("DELETE FROM similar_users USING TIMESTAMP ? WHERE user_id = ?", [t - 1, user])
            ]
            for rank, (other, score, shared) in enumerate(lst, start=1):
                o = uuidlib.UUID(other)
                stmts.append(
                    (
                        "INSERT INTO similar_users (user_id, rank, other_user_id, score, shared) "
                        "VALUES (?, ?, ?, ?, ?) USING TIMESTAMP ?",
                        [user, rank, o, score, [uuidlib.UUID(x) for x in shared], t],
                    )
                )
                stmts.append(
                    (
                        "INSERT INTO similar_users_by_other (other_user_id, user_id, rank) VALUES (?, ?, ?) "
                        "USING TIMESTAMP ?",
                        [o, user, rank, t],
                    )
                )
            for row in previous:
                if str(row.other_user_id) not in kept:
                    stmts.append(
                        (
                            "DELETE FROM similar_users_by_other USING TIMESTAMP ? WHERE other_user_id = ? "
                            "AND user_id = ?",
                            [t, row.other_user_id, user],
                        )
                    )
            w.batch(stmts, logged=True, nbytes=64 + 200 * len(lst))
            if lst:
                non_empty += 1
    w.flush()
    return non_empty


def write_neighbors(conn: Dict[str, Any], rows: Iterable[Tuple[str, List[Tuple[str, float]]]]) -> int:
    """RecommenderModelRepository.replaceNeighbors: one single-partition (unlogged) batch per title."""
    w = Writer(conn)
    with_list = 0
    for content_id, lst in rows:
        cid = uuidlib.UUID(content_id)
        t = micros_now()
        stmts: List[Tuple[str, List[Any]]] = [
            ("DELETE FROM content_neighbors USING TIMESTAMP ? WHERE content_id = ?", [t - 1, cid])
        ]
        for rank, (other, weight) in enumerate(lst, start=1):
            stmts.append(
                (
                    "INSERT INTO content_neighbors (content_id, rank, neighbor_id, weight) VALUES (?, ?, ?, ?) "
                    "USING TIMESTAMP ?",
                    [cid, rank, uuidlib.UUID(other), weight, t],
                )
            )
        w.batch(stmts, logged=False, nbytes=40 + 40 * len(lst))
        if lst:
            with_list += 1
    w.flush()
    return with_list


def write_embeddings(conn: Dict[str, Any], rows: Iterable[Tuple[str, List[float]]]) -> int:
    """RecommenderModelRepository.writeEmbedding: an UPDATE (never creates a row for a title deleted meanwhile),
    one at a time per task; a server error from the vector index's small write pool is retried after a pause."""
    from cassandra import InvalidRequest
    from cassandra.protocol import ServerError

    w = Writer(conn)
    stmt = w.prepare("UPDATE content SET embedding = ? WHERE content_id = ?")
    written = 0
    for content_id, vector in rows:
        w.limiter.take(16 + 4 * len(vector))
        for attempt in range(1, 9):
            try:
                w.session.execute(stmt, [vector, uuidlib.UUID(content_id)])
                break
            except ServerError:
                if attempt >= 8:
                    raise
                time.sleep(0.02 * attempt)
            except InvalidRequest:
                raise
        written += 1
    return written
