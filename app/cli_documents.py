"""``langnghe index`` and ``langnghe search``: e-documents into Qdrant and back, with citations."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import IO

import click
from tqdm import tqdm

from app.cli_support import load_settings, setup_logging
from core.documents import DocumentFilter, SearchMode
from core.errors import InvalidInput

_COLLECTION = click.option(
    "--collection", default=None, help="Collection name (default LANGNGHE_COLLECTION)."
)


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--jsonl",
    "jsonl",
    type=click.Path(path_type=Path, dir_okay=False),
    help='Index JSON lines {"id", "title", "text", "metadata"} instead of files.',
)
@click.option(
    "--delete",
    "delete",
    multiple=True,
    metavar="DOC_ID",
    help="Remove an indexed document (repeatable).",
)
@click.option("--force", is_flag=True, help="Re-embed documents even when unchanged.")
@_COLLECTION
def index(paths: tuple[Path, ...], jsonl: Path | None, delete: tuple[str, ...], force: bool,
          collection: str | None) -> None:  # fmt: skip
    """Index PDF, DOCX, HTML, TXT and Markdown files and folders (or --jsonl records)."""
    if not paths and jsonl is None and not delete:
        raise click.UsageError("give files or folders, --jsonl FILE, or --delete DOC_ID")
    from app.container import Container

    settings = load_settings()
    setup_logging(settings)
    container = Container(settings)
    try:
        service = container.document_indexer(collection)
        for doc_id in delete:
            click.echo(f"deleted {doc_id}: {service.delete(doc_id)} chunks", err=True)
        if paths or jsonl is not None:
            # delay: a run that fails at once (a missing path) prints its error line only
            with tqdm(unit="doc", desc="indexing", file=sys.stderr, delay=0.5) as bar:

                def step(name: str, outcome: str) -> None:
                    bar.update(1)
                    bar.set_postfix_str(f"{outcome}: {name[-40:]}")

                report = (
                    service.index_jsonl(jsonl, force=force, progress=step)
                    if jsonl is not None
                    else service.index_paths(list(paths), force=force, progress=step)
                )
            _print_report(report)
            if report.failed and not report.indexed and not report.unchanged:
                sys.exit(1)
    finally:
        container.close()


def _print_report(report: object) -> None:
    from services.documents import IndexReport

    assert isinstance(report, IndexReport)
    click.echo(
        f"documents: {report.documents}  indexed: {report.indexed}  unchanged: {report.unchanged}  "
        f"chunks: {report.chunks}  failed: {len(report.failed)}"
    )
    split = "  ".join(f"{step} {seconds:.1f}s" for step, seconds in report.seconds.items())
    click.echo(f"time: {split}")
    for failure in report.failed:
        click.echo(f"  failed {failure.source} [{failure.code}] {failure.reason}")


@click.command()
@click.argument("query", required=False)
@click.option(
    "--jsonl",
    "jsonl",
    type=click.File("r", encoding="utf-8"),
    help='Read {"id", "query"} lines ("-" for stdin); write {"id", "hits"} lines.',
)
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 100))
@click.option("--type", "doc_types", multiple=True, help="Document type, e.g. 'Quyết định'.")
@click.option("--issuer", default=None, help="Issuing body, exactly as indexed.")
@click.option("--issued-from", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.option("--issued-to", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.option("--mode", type=click.Choice([m.value for m in SearchMode]), default="hybrid",
              show_default=True)  # fmt: skip
@_COLLECTION
def search(query: str | None, jsonl: IO[str] | None, limit: int, doc_types: tuple[str, ...],
           issuer: str | None, issued_from: object, issued_to: object, mode: str,
           collection: str | None) -> None:  # fmt: skip
    """Search the indexed documents: hits with their citation, snippet and score."""
    if (query is None) == (jsonl is None):
        raise click.UsageError("give a QUERY or --jsonl FILE (one of them)")
    from app.container import Container

    settings = load_settings()
    setup_logging(settings)
    where = DocumentFilter(
        doc_types=doc_types, issuer=issuer, issued_from=_day(issued_from), issued_to=_day(issued_to)
    )
    container = Container(settings)
    try:
        service = container.document_search(collection)
        if jsonl is None:
            assert query is not None
            _print_hits(service.search(query, where=where, limit=limit, mode=SearchMode(mode)))
            return
        for line in _search_lines(service, jsonl, where, limit, SearchMode(mode)):
            sys.stdout.write(line + "\n")
    finally:
        container.close()


def _day(value: object) -> date | None:
    return value.date() if hasattr(value, "date") else None  # type: ignore[no-any-return]


def _print_hits(results: object) -> None:
    from services.search import SearchResults

    assert isinstance(results, SearchResults)
    if not results.hits:
        click.echo("no documents match")
    for found in results.hits:
        hit = found.hit
        when = hit.issued_on.isoformat() if hit.issued_on else "-"
        click.echo(f"{found.rank + 1}. [{hit.score:.3f}] {found.citation}  ({when}, {hit.doc_id})")
        click.echo(f"   {hit.title}")
        click.echo(f"   {found.snippet.marked()}")


def _search_lines(
    service: object, lines: IO[str], where: DocumentFilter, limit: int, mode: SearchMode
) -> Iterator[str]:
    from services.search import SearchService

    assert isinstance(service, SearchService)
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        record_id, output = None, {}
        try:
            record = json.loads(line)
            record_id = record.get("id") if isinstance(record, dict) else None
            query = record.get("query") if isinstance(record, dict) else None
            if not isinstance(query, str):
                raise InvalidInput("'query' must be a string", code="search.bad_record")
            results = service.search(query, where=where, limit=limit, mode=mode)
            output = {"id": record_id, "hits": [_hit_json(found) for found in results.hits]}
        except json.JSONDecodeError as exc:
            output = {"id": None, "hits": [], "error": f"line {number}: [search.bad_record] {exc}"}
        except InvalidInput as exc:
            output = {"id": record_id, "hits": [], "error": f"line {number}: {exc}"}
        yield json.dumps(output, ensure_ascii=False)


def _hit_json(found: object) -> dict[str, object]:
    from services.search import FoundPassage

    assert isinstance(found, FoundPassage)
    hit = found.hit
    return {
        "doc_id": hit.doc_id,
        "path": hit.path,
        "score": round(hit.score, 6),
        "snippet": found.snippet.text,
        "citation": found.citation,
    }
