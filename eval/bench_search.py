"""Indexing throughput and hybrid-search latency of the e-document index (embedded qdrant-edge).

1. Indexing: ``--articles`` ALQAC 2023 law articles as JSON-lines records through the real
   indexer into a fresh collection; chunks/s and where the time goes (reading, chunking, e5
   dense vectors, BM25 sparse vectors, store writes).
2. Search at scale: the real chunks' vectors are recombined into ``--points`` synthetic chunks
   (each the normalised mix of two real dense vectors and the union of their BM25 terms, with
   payloads like real ones), written through the same store, optimised, then the 100 ALQAC
   questions are searched ``--runs`` times: latency of the store's hybrid query alone and of
   the whole ``SearchService.search`` (query embedding and BM25 encoding included).

    python eval/bench_search.py [--articles 1500] [--points 100000] [--runs 3] [--search-only]

The real chunks' vectors are kept in ``var/eval/bench_search_vectors.npz``; ``--search-only``
reuses them to measure search again (on a quiet machine) without re-embedding.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.documents import (
    Chunk,
    DocumentFilter,
    DocumentMetadata,
    SearchMode,
    SourceDocument,
    SparseVector,
)
from indexer.chunking import StructuralChunker
from indexer.sparse import Bm25Encoder
from nlp.embed import FastE5Embedder
from services.documents import DocumentIndexService
from services.search import SearchService
from stores.qdrant import EdgeChunkStore


class Recording:
    """Wraps an embedder and an encoder to keep the vectors the indexer computed."""

    def __init__(self, embedder: FastE5Embedder, bm25: Bm25Encoder) -> None:
        self.embedder, self.bm25 = embedder, bm25
        self.dim, self.name = embedder.dim, embedder.name
        self.dense: list[np.ndarray] = []
        self.sparse: list[SparseVector] = []

    def warm_up(self) -> None:
        self.embedder.warm_up()

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        out = self.embedder.passages(texts)
        self.dense.append(out)
        return out

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.embedder.queries(texts)


class RecordingBm25(Bm25Encoder):
    def __init__(self, sink: list[SparseVector]) -> None:
        super().__init__()
        self.sink = sink

    def passages(self, texts: Sequence[str]) -> list[SparseVector]:
        out = super().passages(texts)
        self.sink.extend(out)
        return out


def ms(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


def index_phase(articles: dict[str, str], n: int, folder: Path) -> tuple[Recording, dict]:
    embedder = FastE5Embedder(max_tokens=512)
    embedder.warm_up()
    rec = Recording(embedder, Bm25Encoder())
    bm25 = RecordingBm25(rec.sparse)
    store = EdgeChunkStore(folder, collection="bench")
    service = DocumentIndexService(store, rec, bm25, StructuralChunker())  # type: ignore[arg-type]
    source = folder / "records.jsonl"
    lines = []
    for key in list(articles)[:n]:
        law, article = key.rsplit("@", 1)
        record = {"id": key, "title": law, "text": f"Điều {article}. {articles[key]}"}
        lines.append(json.dumps(record, ensure_ascii=False))
    source.write_text("\n".join(lines), encoding="utf-8")
    started = time.perf_counter()
    report = service.index_jsonl(source)
    total = time.perf_counter() - started
    store.close()
    return rec, {"documents": report.indexed, "chunks": report.chunks, "total": total,
                 "split": report.seconds}  # fmt: skip


def synthetic(rec: Recording, points: int, folder: Path) -> tuple[EdgeChunkStore, dict]:
    dense = np.concatenate(rec.dense)
    sparse = rec.sparse
    rng = np.random.default_rng(7)
    store = EdgeChunkStore(folder, collection="scale")
    per_doc, written, started = 10, 0, time.perf_counter()
    for d in range(points // per_doc):
        pick = rng.integers(0, len(dense), size=(per_doc, 2))
        mix = dense[pick[:, 0]] * 0.7 + dense[pick[:, 1]] * 0.3
        mix /= np.linalg.norm(mix, axis=1, keepdims=True)
        vectors = [_union(sparse[a], sparse[b]) for a, b in pick]
        meta = DocumentMetadata(doc_type="Quyết định")
        doc = SourceDocument(doc_id=f"synthetic-{d}", title=f"Văn bản tổng hợp {d}", text="",
                             metadata=meta, source="bench")  # fmt: skip
        chunks = [Chunk(doc_id=doc.doc_id, ordinal=i, path=f"Điều {i + 1}", heading="",
                        text=f"Đoạn {i}", start=0, end=0) for i in range(per_doc)]  # fmt: skip
        store.replace_document(doc, chunks, mix.astype(np.float32), vectors, flush=False)
        written += per_doc
    store.flush()
    write_s = time.perf_counter() - started
    started = time.perf_counter()
    store.optimize()
    return store, {"points": written, "write": write_s, "optimize": time.perf_counter() - started}


def _union(a: SparseVector, b: SparseVector) -> SparseVector:
    merged = dict(zip(a.indices, a.values, strict=True))
    for i, v in zip(b.indices, b.values, strict=True):
        merged[i] = max(v, merged.get(i, 0.0))
    keys = tuple(sorted(merged))
    return SparseVector(keys, tuple(merged[k] for k in keys))


def search_phase(store: EdgeChunkStore, rec: Recording, questions: list[str], runs: int) -> dict:
    bm25 = Bm25Encoder()
    service = SearchService(store, rec.embedder, bm25)
    qd = rec.embedder.queries(questions)
    qs = [bm25.query(q) for q in questions]
    store_ms, service_ms = [], []
    for _ in range(runs):
        for i, q in enumerate(questions):
            t = time.perf_counter()
            store.search(dense=qd[i], sparse=qs[i], mode=SearchMode.HYBRID,
                         where=DocumentFilter(), limit=30)  # fmt: skip
            store_ms.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            service.search(q, limit=10)
            service_ms.append((time.perf_counter() - t) * 1000)
    return {"store": store_ms, "service": service_ms}


CACHE = ROOT / "var" / "eval" / "bench_search_vectors.npz"


def save_vectors(rec: Recording) -> None:
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    lengths = np.array([len(v.indices) for v in rec.sparse])
    np.savez_compressed(
        CACHE,
        dense=np.concatenate(rec.dense),
        lengths=lengths,
        indices=np.concatenate([np.array(v.indices, dtype=np.int64) for v in rec.sparse]),
        values=np.concatenate([np.array(v.values, dtype=np.float32) for v in rec.sparse]),
    )


def load_vectors(rec: Recording) -> None:
    data = np.load(CACHE)
    rec.dense = [data["dense"]]
    offsets = np.concatenate([[0], np.cumsum(data["lengths"])])
    rec.sparse = [
        SparseVector(tuple(int(i) for i in data["indices"][a:b]),
                     tuple(float(v) for v in data["values"][a:b]))
        for a, b in itertools.pairwise(offsets)
    ]  # fmt: skip


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--articles", type=int, default=1500)
    ap.add_argument("--points", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--search-only", action="store_true", help="reuse the cached vectors")
    args = ap.parse_args()
    folder = args.data / "alqac2023_legal"
    articles = json.loads((folder / "all_articles_2023.json").read_text(encoding="utf-8"))
    questions = [q["text"] for q in json.loads((folder / "train.json").read_text(encoding="utf-8"))]
    with tempfile.TemporaryDirectory() as tmp:
        if args.search_only:
            embedder = FastE5Embedder(max_tokens=512)
            embedder.warm_up()
            rec, idx = Recording(embedder, Bm25Encoder()), None
            load_vectors(rec)
        else:
            rec, idx = index_phase(articles, args.articles, Path(tmp))
            save_vectors(rec)
        store, scale = synthetic(rec, args.points, Path(tmp))
        lat = search_phase(store, rec, questions, args.runs)
        store.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if idx is not None:
        print_indexing(idx)
    print_search(scale, lat, questions, args.runs, peak)
    return 0


def print_indexing(idx: dict) -> None:
    split = idx["split"]
    print(f"### indexing: {idx['documents']} ALQAC articles → {idx['chunks']} chunks\n")
    print("| step | seconds | share |")
    print("|---|---|---|")
    for step, seconds in split.items():
        print(f"| {step} | {seconds:.1f} | {seconds / idx['total']:.0%} |")
    other = idx["total"] - sum(split.values())
    print(f"| other (hash checks, batching) | {other:.1f} | {other / idx['total']:.0%} |")
    print(f"| **total** | {idx['total']:.1f} | {idx['chunks'] / idx['total']:.1f} chunks/s |")


def print_search(scale: dict, lat: dict, questions: list[str], runs: int, peak: float) -> None:
    print(f"\n### hybrid search over {scale['points']:,} chunks (embedded qdrant-edge)\n")
    print(f"written in {scale['write']:.0f} s ({scale['points'] / scale['write']:.0f} chunks/s "
          f"through the store), optimised in {scale['optimize']:.0f} s\n")  # fmt: skip
    print(f"{len(questions)} ALQAC questions × {runs} runs\n")
    print("| what | p50 ms | p95 ms | max ms |")
    print("|---|---|---|---|")
    for label, key in (
        ("store hybrid query (dense + sparse prefetch, RRF)", "store"),
        ("SearchService.search (e5 query + BM25 + store + snippets)", "service"),
    ):
        v = lat[key]  # fmt: skip
        print(f"| {label} | {ms(v, 50):.1f} | {ms(v, 95):.1f} | {max(v):.1f} |")
    print(
        f"\npeak memory (max RSS of this process): {peak:.0f} MiB; "
        f"median of all service calls {statistics.median(lat['service']):.1f} ms; "
        f"load average at the end {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )


if __name__ == "__main__":
    sys.exit(main())
