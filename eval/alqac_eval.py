"""Retrieval quality on ALQAC 2023: law articles indexed as records, questions from train.json.

Each article of ``all_articles_2023.json`` becomes a JSON-lines record with id ``law@article``,
the law's name as title and "Điều N." before its text (as the article reads in the law), and
goes through the same indexer as any document (chunking, e5 dense + BM25 sparse vectors, the
embedded Qdrant engine). Each question of ``train.json`` (100, never used for tuning anything
but the fusion constant reported below) is searched in three modes; a hit counts at the
document level (the first chunk of a relevant article).

    python eval/alqac_eval.py [--data ../shared/data] [--store var/eval/alqac]

The collection is kept under ``--store``: a second run re-embeds nothing (content hashes match).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.documents import SearchMode
from indexer.chunking import StructuralChunker
from indexer.sparse import Bm25Encoder
from nlp.embed import FastE5Embedder
from services.documents import DocumentIndexService
from services.search import SearchService
from stores.qdrant import EdgeChunkStore

KS = (1, 5, 10)


def records(articles: dict[str, str]) -> list[dict[str, object]]:
    out = []
    for key, text in articles.items():
        law, article = key.rsplit("@", 1)
        out.append({"id": key, "title": law, "text": f"Điều {article}. {text}"})
    return out


def metrics(ranked: list[list[str]], gold: list[set[str]]) -> dict[str, float]:
    first = [
        next((i for i, d in enumerate(r[:10]) if d in g), None)
        for r, g in zip(ranked, gold, strict=True)
    ]
    n = len(gold)
    out = {f"recall@{k}": sum(f is not None and f < k for f in first) / n for k in KS}
    out["MRR@10"] = sum(1 / (f + 1) for f in first if f is not None) / n
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--store", type=Path, default=ROOT / "var" / "eval" / "alqac")
    args = ap.parse_args()
    folder = args.data / "alqac2023_legal"
    articles = json.loads((folder / "all_articles_2023.json").read_text(encoding="utf-8"))
    questions = json.loads((folder / "train.json").read_text(encoding="utf-8"))
    gold = [{f"{r['law_id']}@{r['article_id']}" for r in q["relevant_articles"]} for q in questions]

    store = EdgeChunkStore(args.store, collection="alqac")
    embedder, bm25 = FastE5Embedder(max_tokens=512), Bm25Encoder()
    indexer = DocumentIndexService(store, embedder, bm25, StructuralChunker())
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "alqac.jsonl"
        source.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records(articles)),
                          encoding="utf-8")  # fmt: skip
        started = time.perf_counter()
        report = indexer.index_jsonl(source)
        index_seconds = time.perf_counter() - started
    search = SearchService(store, embedder, bm25, per_document=1)

    print(f"{len(articles)} articles → {store.count()} chunks "
          f"({report.indexed} embedded now, {report.unchanged} unchanged, "
          f"{len(report.failed)} failed; {index_seconds:.0f} s); "
          f"{len(questions)} questions of train.json\n")  # fmt: skip
    print("| mode | recall@1 | recall@5 | recall@10 | MRR@10 | query p50 ms |")
    print("|---|---|---|---|---|---|")
    for mode, label in ((SearchMode.SPARSE, "BM25"), (SearchMode.DENSE, "dense (e5)"),
                        (SearchMode.HYBRID, "hybrid (RRF)")):  # fmt: skip
        ranked, took = [], []
        for q in questions:
            results = search.search(q["text"], limit=10, mode=mode)
            ranked.append([h.hit.doc_id for h in results.hits])
            took.append(results.took_ms)
        m = metrics(ranked, gold)
        print(f"| {label} | {m['recall@1']:.3f} | {m['recall@5']:.3f} | {m['recall@10']:.3f} "
              f"| {m['MRR@10']:.3f} | {statistics.median(took):.1f} |")  # fmt: skip
    print("\ntargets (hybrid): recall@5 ≥ 0.95, MRR@10 ≥ 0.85")
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
