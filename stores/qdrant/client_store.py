"""The chunk store on qdrant-client: a Qdrant server or cluster by URL, or local mode by path.

Local mode (``path=`` a folder, or ``":memory:"``) is qdrant-client's pure-Python engine: the
same calls as against a server, so tests exercise the server code path without one. It is
slow at scale (seconds per hybrid query over 75k points); use ``EdgeChunkStore`` when no
server is available.
"""

from __future__ import annotations

import logging
import math
import warnings
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import httpx
import numpy as np
from qdrant_client import QdrantClient, models
from qdrant_client.http.exceptions import ApiException

from core.documents import SearchMode, SparseVector
from core.errors import InvalidInput
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

MEMORY = ":memory:"


class ClientChunkStore(QdrantStoreBase):
    """Chunks in a Qdrant collection reached through qdrant-client.

    Exactly one of ``url`` (a server; ``api_key`` and ``timeout`` apply) and ``path`` (local
    mode: a folder, or ``":memory:"``). Hybrid search fuses dense and sparse rankings by RRF
    with k = 60 (``RrfQuery``: a server must accept parametrised RRF, Qdrant 1.16 or later).
    ``optimize()`` does nothing: a server optimises in the background.

        store = ClientChunkStore(url="http://qdrant:6333", api_key=key, dense_dim=384)
        store.ensure_collection()
        hits = store.search(dense=q, sparse=s, mode=SearchMode.HYBRID,
                            where=DocumentFilter(issuer="UBND TP Thủ Đức"), limit=10)
    """

    vendor_exceptions = (ApiException, httpx.HTTPError, ValueError, RuntimeError, OSError)

    def __init__(
        self,
        *,
        url: str | None = None,
        path: str | None = None,
        api_key: str | None = None,
        collection: str = "documents",
        dense_dim: int = 384,
        timeout: float = 10.0,
        rrf_k: int = RRF_K,
    ) -> None:
        if (url is None) == (path is None):
            raise InvalidInput(
                "give exactly one of a Qdrant url and a local path", code="index.qdrant_location"
            )
        super().__init__(collection, dense_dim, rrf_k)
        self.url = url
        self.path = path
        self._api_key = api_key
        self._timeout = timeout
        self._client: QdrantClient | None = None

    def optimize(self) -> None:
        """Nothing to do: a server optimises in the background, local mode has no indexes."""

    # -- primitives ------------------------------------------------------------------------------

    def _connect(self) -> QdrantClient:
        if self.path == MEMORY:
            return QdrantClient(location=MEMORY)
        if self.path is not None:
            return QdrantClient(path=self.path)
        return QdrantClient(
            url=self.url,
            api_key=self._api_key,
            timeout=math.ceil(self._timeout),
            check_compatibility=False,
        )

    def _open(self) -> None:
        client = self._connect()
        try:
            if client.collection_exists(self.collection):
                check_shape(
                    self._shape(client), collection=self.collection, dense_dim=self.dense_dim
                )
            else:
                self._create(client)
        except BaseException:
            client.close()
            raise
        self._client = client

    def _shape(self, client: QdrantClient) -> CollectionShape:
        params = client.get_collection(self.collection).config.params
        vectors = params.vectors if isinstance(params.vectors, dict) else {}
        dense = vectors.get(DENSE)
        sparse = (params.sparse_vectors or {}).get(SPARSE)
        return CollectionShape(
            dense_size=dense.size if dense else None,
            dense_distance=dense.distance.value if dense else None,
            has_sparse=sparse is not None,
            sparse_idf=sparse is not None and sparse.modifier == models.Modifier.IDF,
        )

    def _create(self, client: QdrantClient) -> None:
        client.create_collection(
            self.collection,
            vectors_config={
                DENSE: models.VectorParams(size=self.dense_dim, distance=models.Distance.COSINE)
            },
            sparse_vectors_config={SPARSE: models.SparseVectorParams(modifier=models.Modifier.IDF)},
        )
        schemas = {name: models.PayloadSchemaType.KEYWORD for name in KEYWORD_FIELDS}
        schemas[DATETIME_FIELD] = models.PayloadSchemaType.DATETIME
        with warnings.catch_warnings():
            # Local mode warns that payload indexes do nothing there; a server uses them.
            warnings.filterwarnings("ignore", "Payload indexes have no effect", UserWarning)
            for name, schema in schemas.items():
                client.create_payload_index(self.collection, name, field_schema=schema)
        log.info("index.collection_created collection=%s url=%s", self.collection, self.url)

    def _release(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            client.close()

    def _qdrant(self) -> QdrantClient:
        if self._client is None:
            raise RuntimeError("the client is closed")
        return self._client

    def _flush(self) -> None:
        """Nothing to do: writes wait for the server (``wait=True``); local mode saves each."""

    def _upsert(
        self,
        ids: Sequence[str],
        dense: np.ndarray,
        sparse: Sequence[SparseVector],
        payloads: Sequence[Mapping[str, Any]],
    ) -> None:
        points = [
            models.PointStruct(
                id=point_id,
                vector={DENSE: vector.tolist(), SPARSE: _sparse(terms)},
                payload=dict(payload),
            )
            for point_id, vector, terms, payload in zip(ids, dense, sparse, payloads, strict=True)
        ]
        self._qdrant().upsert(self.collection, points=points, wait=True)

    def _delete(self, doc_id: str, keep: Sequence[str]) -> None:
        stale = models.Filter(
            must=[models.FieldCondition(key="doc_id", match=models.MatchValue(value=doc_id))],
            must_not=[models.HasIdCondition(has_id=list(keep))] if keep else None,
        )
        selector = models.FilterSelector(filter=stale)
        self._qdrant().delete(self.collection, points_selector=selector, wait=True)

    def _count(self, doc_id: str | None) -> int:
        where = _filter([MatchAny("doc_id", (doc_id,))] if doc_id is not None else [])
        return self._qdrant().count(self.collection, count_filter=where, exact=True).count

    def _scroll(self, doc_id: str | None) -> Iterator[Mapping[str, Any]]:
        where = _filter([MatchAny("doc_id", (doc_id,))] if doc_id is not None else [])
        offset: Any = None
        while True:
            records, offset = self._qdrant().scroll(
                self.collection,
                scroll_filter=where,
                limit=SCROLL_PAGE,
                offset=offset,
                with_payload=SUMMARY_FIELDS,
                with_vectors=False,
            )
            yield from (record.payload or {} for record in records)
            if offset is None:
                return

    def _query(self, plan: QueryPlan, conditions: Sequence[Condition]) -> list[ScoredRow]:
        where = _filter(conditions)
        if plan.mode is SearchMode.HYBRID:
            stages = [
                models.Prefetch(query=query, using=using, limit=plan.prefetch, filter=where)
                for query, using in ((plan.dense, DENSE), (_sparse_query(plan), SPARSE))
            ]
            response = self._qdrant().query_points(
                self.collection,
                prefetch=stages,
                query=models.RrfQuery(rrf=models.Rrf(k=self.rrf_k, weights=list(self.rrf_weights))),
                query_filter=where,
                limit=plan.limit,
                with_payload=True,
            )
        else:
            dense_mode = plan.mode is SearchMode.DENSE
            response = self._qdrant().query_points(
                self.collection,
                query=plan.dense if dense_mode else _sparse_query(plan),
                using=DENSE if dense_mode else SPARSE,
                query_filter=where,
                limit=plan.limit,
                with_payload=True,
            )
        return [(p.id, p.score, p.payload or {}) for p in response.points]


def _sparse(vector: SparseVector) -> models.SparseVector:
    return models.SparseVector(indices=list(vector.indices), values=list(vector.values))


def _sparse_query(plan: QueryPlan) -> models.SparseVector:
    assert plan.sparse is not None
    return _sparse(plan.sparse)


def _filter(conditions: Sequence[Condition]) -> models.Filter | None:
    """The client filter requiring every condition; None when there is none."""
    must: list[models.Condition] = []
    for condition in conditions:
        if isinstance(condition, MatchAny):
            match = models.MatchAny(any=list(condition.values))
            must.append(models.FieldCondition(key=condition.key, match=match))
        else:
            span = models.DatetimeRange(gte=condition.gte, lte=condition.lte)
            must.append(models.FieldCondition(key=condition.key, range=span))
    return models.Filter(must=must) if must else None
