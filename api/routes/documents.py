"""/api/v1/documents/search: the city's e-documents, found by meaning and by exact terms."""

from __future__ import annotations

import html
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.deps import SearchDep
from core.documents import DocumentFilter, SearchMode
from core.errors import InvalidInput
from services.search import MAX_QUERY_CHARS, FoundPassage

router = APIRouter(prefix="/api/v1/documents", tags=["documents"])


@router.get("/search")
def search_documents(
    search: SearchDep,
    q: Annotated[str, Query(max_length=MAX_QUERY_CHARS * 2, description="What to look for")],
    type: Annotated[list[str] | None, Query(description="Document type, e.g. Quyết định")] = None,
    issuer: Annotated[str | None, Query(max_length=300)] = None,
    issued_from: date | None = None,
    issued_to: date | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
    mode: SearchMode = SearchMode.HYBRID,
) -> dict[str, Any]:
    """Hits with document id, title, number, type, date, structural path, marked snippet, score."""
    if issued_from and issued_to and issued_from > issued_to:
        raise InvalidInput("issued_from is after issued_to", code="search.dates_reversed")
    where = DocumentFilter(
        doc_types=tuple(type or ()), issuer=issuer, issued_from=issued_from, issued_to=issued_to
    )
    results = search.search(q, where=where, limit=limit, mode=mode)
    return {
        "query": results.query,
        "mode": results.mode.value,
        "took_ms": round(results.took_ms, 1),
        "hits": [_hit(found) for found in results.hits],
    }


def _hit(found: FoundPassage) -> dict[str, Any]:
    hit = found.hit
    return {
        "doc_id": hit.doc_id,
        "title": hit.title,
        "number": hit.number,
        "type": hit.doc_type,
        "issuer": hit.issuer,
        "issued_on": hit.issued_on.isoformat() if hit.issued_on else None,
        "path": hit.path,
        "heading": hit.heading,
        "citation": found.citation,
        "snippet": found.snippet.text,
        "snippet_html": _marked_html(found),
        "highlights": [list(span) for span in found.snippet.marks],
        "score": round(hit.score, 6),
    }


def _marked_html(found: FoundPassage) -> str:
    """The snippet as HTML: text escaped, matched words in ``<mark>``."""
    text, out, last = found.snippet.text, [], 0
    for start, end in found.snippet.marks:
        out += [html.escape(text[last:start], quote=False), "<mark>",
                html.escape(text[start:end], quote=False), "</mark>"]  # fmt: skip
        last = end
    out.append(html.escape(text[last:], quote=False))
    return "".join(out)
