"""The embedded chunk store: the Qdrant engine in-process (qdrant-edge), one shard per folder."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import qdrant_edge as qe

from core.documents import SearchMode, SparseVector
from core.errors import ExternalServiceError
from stores.qdrant.base import QdrantStoreBase, ScoredRow
from stores.qdrant.common import (
    DATETIME_FIELD,
    DENSE,
    KEYWORD_FIELDS,
    RRF_K,
    SCROLL_PAGE,
    SPARSE,
    SUMMARY_FIELDS,
    CollectionShape,
    Condition,
    MatchAny,
    QueryPlan,
    check_shape,
)

log = logging.getLogger(__name__)

#: The file in which a shard keeps its configuration; read to check a shard before loading it.
CONFIG_FILE = "edge_config.json"


class EdgeChunkStore(QdrantStoreBase):
    """Chunks in an embedded Qdrant shard at ``path / collection``: no server to run.

    Hybrid search fuses the dense and the sparse ranking with RRF, k = 60. ``optimize()``
    builds the HNSW index; call it after a bulk load, not after each document. Measured on
    2 shared CPU cores, 100k chunks of 384 dimensions: an un-optimised shard answers a hybrid
    query in 25 ms p50 / 29 ms p95 (dense brute force; 6 ms at 20k chunks), fast enough to
    serve; optimised, 6 ms / 10 ms; ``optimize()`` itself took 4.5 minutes. Each document is
    flushed to disk after writing (~50 ms, against ~3 ms for upserting its 20 chunks).

    A shard is locked by the process that opened it: the indexer and a server cannot hold
    the same folder at once (the second gets ``ExternalServiceError``).

    The engine raises bare ``Exception``s for I/O and engine failures, so every exception out of
    a shard call becomes ``ExternalServiceError`` (``index.qdrant_failed``).

        store = EdgeChunkStore(Path("var/qdrant"), dense_dim=384)
        store.replace_document(document, chunks, dense, sparse)
        hits = store.search(dense=q, sparse=s, mode=SearchMode.HYBRID,
                            where=DocumentFilter(), limit=10)
    """

    vendor_exceptions = (Exception,)

    def __init__(
        self,
        path: Path,
        collection: str = "documents",
        dense_dim: int = 384,
        *,
        rrf_k: int = RRF_K,
    ) -> None:
        super().__init__(collection, dense_dim, rrf_k)
        self.folder = Path(path) / collection
        self._shard: qe.EdgeShard | None = None

    def optimize(self) -> None:
        """Merge segments and build the vector indexes; blocks until done."""
        self.ensure_collection()
        with self._vendor_errors("optimize"):
            changed = self._edge().optimize()
        log.info("index.shard_optimized collection=%s changed=%s", self.collection, changed)

    # -- primitives ------------------------------------------------------------------------------

    def _open(self) -> None:
        config_file = self.folder / CONFIG_FILE
        if config_file.is_file():
            shape = _shape(json.loads(config_file.read_text(encoding="utf-8")))
            check_shape(shape, collection=self.collection, dense_dim=self.dense_dim)
            self._shard = self._load()
        else:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._shard = qe.EdgeShard.create(str(self.folder), self._config())
            log.info("index.collection_created collection=%s path=%s", self.collection, self.folder)
        try:
            self._create_missing_indexes(self._shard)
        except Exception:
            self._release()
            raise

    def _load(self) -> qe.EdgeShard:
        try:
            return qe.EdgeShard.load(str(self.folder))
        except Exception as exc:  # the engine raises plain exceptions; a held lock says WouldBlock
            if "WouldBlock" not in str(exc):
                raise
            raise ExternalServiceError(
                f"the embedded index {self.folder} is open in another process (a running "
                "`langnghe serve`?); stop it first, or use a Qdrant server (LANGNGHE_QDRANT_URL) "
                "when several processes must share the index",
                code="index.store_busy",
            ) from exc

    def _config(self) -> qe.EdgeConfig:
        return qe.EdgeConfig(
            vectors={DENSE: qe.EdgeVectorParams(size=self.dense_dim, distance=qe.Distance.Cosine)},
            sparse_vectors={SPARSE: qe.EdgeSparseVectorParams(modifier=qe.Modifier.Idf)},
        )

    @staticmethod
    def _create_missing_indexes(shard: qe.EdgeShard) -> None:
        """Index the filtered fields; also repairs a shard created by a run that was cut short."""
        present = shard.info().payload_schema
        wanted = {name: qe.PayloadSchemaType.Keyword for name in KEYWORD_FIELDS}
        wanted[DATETIME_FIELD] = qe.PayloadSchemaType.Datetime
        for name, schema in wanted.items():
            if name not in present:
                shard.update(qe.UpdateOperation.create_field_index(name, schema))

    def _release(self) -> None:
        shard, self._shard = self._shard, None
        if shard is not None:
            shard.close()

    def _edge(self) -> qe.EdgeShard:
        if self._shard is None:
            raise RuntimeError("the shard is closed")
        return self._shard

    def _flush(self) -> None:
        self._edge().flush()

    def _upsert(
        self,
        ids: Sequence[str],
        dense: np.ndarray,
        sparse: Sequence[SparseVector],
        payloads: Sequence[Mapping[str, Any]],
    ) -> None:
        points = [
            qe.Point(
                id=point_id,
                vector={DENSE: vector.tolist(), SPARSE: _sparse(terms)},
                payload=dict(payload),
            )
            for point_id, vector, terms, payload in zip(ids, dense, sparse, payloads, strict=True)
        ]
        self._edge().update(qe.UpdateOperation.upsert_points(points))

    def _delete(self, doc_id: str, keep: Sequence[str]) -> None:
        stale = qe.Filter(
            must=[qe.FieldCondition(key="doc_id", match=qe.MatchValue(doc_id))],
            must_not=[qe.HasIdCondition(set(keep))] if keep else None,
        )
        self._edge().update(qe.UpdateOperation.delete_points_by_filter(stale))

    def _count(self, doc_id: str | None) -> int:
        where = _filter([MatchAny("doc_id", (doc_id,))] if doc_id is not None else [])
        return self._edge().count(qe.CountRequest(exact=True, filter=where))

    def _scroll(self, doc_id: str | None) -> Iterator[Mapping[str, Any]]:
        where = _filter([MatchAny("doc_id", (doc_id,))] if doc_id is not None else [])
        offset: qe.PointId | None = None
        while True:
            request = qe.ScrollRequest(
                offset=offset,
                limit=SCROLL_PAGE,
                filter=where,
                with_payload=qe.PayloadSelector.Include(SUMMARY_FIELDS),
                with_vector=False,
            )
            records, offset = self._edge().scroll(request)
            yield from (record.payload or {} for record in records)
            if offset is None:
                return

    def _query(self, plan: QueryPlan, conditions: Sequence[Condition]) -> list[ScoredRow]:
        where = _filter(conditions)
        if plan.mode is SearchMode.HYBRID:
            stages = [
                qe.Prefetch(limit=plan.prefetch, query=query, filter=where)
                for query in (_nearest_dense(plan), _nearest_sparse(plan))
            ]
            request = qe.QueryRequest(
                limit=plan.limit,
                prefetches=stages,
                query=qe.Fusion.Rrf(k=self.rrf_k, weights=list(self.rrf_weights)),
                filter=where,
                with_payload=True,
            )
        else:
            query = _nearest_dense(plan) if plan.mode is SearchMode.DENSE else _nearest_sparse(plan)
            request = qe.QueryRequest(
                limit=plan.limit, query=query, filter=where, with_payload=True
            )
        return [(p.id, p.score, p.payload or {}) for p in self._edge().query(request)]


def _shape(config: Mapping[str, Any]) -> CollectionShape:
    """Read the vector configuration a shard wrote into ``edge_config.json``."""
    dense = (config.get("vectors") or {}).get(DENSE) or {}
    sparse = (config.get("sparse_vectors") or {}).get(SPARSE)
    modifier = str((sparse or {}).get("modifier") or "")
    return CollectionShape(
        dense_size=dense.get("size"),
        dense_distance=dense.get("distance"),
        has_sparse=sparse is not None,
        sparse_idf=modifier.lower() == "idf",
    )


def _sparse(vector: SparseVector) -> qe.SparseVector:
    return qe.SparseVector(indices=list(vector.indices), values=list(vector.values))


def _nearest_dense(plan: QueryPlan) -> qe.Query:
    return qe.Query.Nearest(plan.dense or [], using=DENSE)


def _nearest_sparse(plan: QueryPlan) -> qe.Query:
    assert plan.sparse is not None
    return qe.Query.Nearest(_sparse(plan.sparse), using=SPARSE)


def _filter(conditions: Sequence[Condition]) -> qe.Filter | None:
    """The edge filter requiring every condition; None when there is none."""
    must: list[qe.ConditionType] = []
    for condition in conditions:
        if isinstance(condition, MatchAny):
            match = qe.MatchAny(list(condition.values))
            must.append(qe.FieldCondition(key=condition.key, match=match))
        else:
            span = qe.RangeDateTime(gte=condition.gte, lte=condition.lte)
            must.append(qe.FieldCondition(key=condition.key, range=span))
    return qe.Filter(must=must) if must else None
