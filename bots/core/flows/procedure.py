"""Procedure questions: "làm giấy khai sinh cần gì?".

A procedure of the catalogue (the NLU's ``procedure`` slot) is answered from the catalogue —
papers, fee, time limit, where — and cites its ward guide through ``SearchService.answer``
restricted to the guide. Any other question is answered from the indexed documents with a
citation. When no passage is about the question the bot says so and points to the one-stop
counter: it never invents an answer.

    >>> start(turn)   # "lam giay khai sinh can gi"
    [Reply(text='Dạ, thủ tục Đăng ký khai sinh:\\n📄 Giấy tờ cần chuẩn bị: …\\nNguồn: …')]
"""

from __future__ import annotations

import logging
import re

from bots.core.flows.context import Turn
from bots.core.messages_vi import say
from core.chat import IncomingKind, Reply
from core.documents import DocumentFilter
from core.errors import InvalidInput, LangngheError
from core.reference import Procedure
from services.search import Answer

log = logging.getLogger(__name__)

FLOW = "procedure"
_COMMAND = re.compile(r"^\s*/\w+(?:@\w+)?\s*")
#: Intents that leave the "which procedure?" question (a certain code, or a clear other ask).
_OTHER_INTENTS = ("dossier_status", "feedback_status", "submit_feedback", "analytics_question")


def start(turn: Turn) -> list[Reply]:
    """Answer the question, or ask it when the message only opened the topic."""
    turn.state.leave()
    key = turn.understand().slots.get("procedure")
    question = _question(turn)
    if key:
        return [Reply(catalogue_answer(turn, turn.services.reference.procedure(key), question))]
    if not question:
        turn.state.enter(FLOW)
        return [Reply(say("procedure.ask"))]
    return [Reply(document_answer(turn, question))]


def step(turn: Turn) -> list[Reply] | None:
    """The question asked after "which procedure?"; None when the message is another request."""
    nlu = turn.understand()
    if nlu.intent in _OTHER_INTENTS and nlu.confidence >= 0.6 and not nlu.slots.get("procedure"):
        return None
    return start(turn)


def _question(turn: Turn) -> str:
    """The message's own question, without a leading bot command; empty for a menu button."""
    if turn.incoming.kind is IncomingKind.BUTTON:
        return ""
    return _COMMAND.sub("", turn.text).strip()


def catalogue_answer(turn: Turn, procedure: Procedure, question: str) -> str:
    papers = "\n".join(f"- {paper}" for paper in procedure.papers_vi)
    lines = [
        say("procedure.card", name=procedure.name_vi, papers=papers, fee=procedure.fee_vi,
            time_limit=procedure.time_limit_vi, where=procedure.where_vi),
    ]  # fmt: skip
    if procedure.online:
        lines.append(say("procedure.online"))
    citation = _guide_citation(turn, procedure, question or procedure.name_vi)
    if citation:
        lines.append(say("procedure.source", citation=citation))
    else:
        lines.append(say("procedure.legal_basis", basis="; ".join(procedure.legal_basis_vi)))
    return "\n".join(lines)


def _guide_citation(turn: Turn, procedure: Procedure, question: str) -> str | None:
    """The guide's passage about the question, else the guide's best passage, else None."""
    search = turn.services.search
    if search is None:
        return None
    guide = DocumentFilter(doc_ids=(procedure.guide_doc_id,))
    try:
        found = search.answer(question, where=guide, passages=1)
        if found.found:
            return found.passages[0].citation
        hits = search.search(question, where=guide, limit=1).hits
    except LangngheError as exc:
        log.warning("procedure.guide_unavailable key=%s error=%s", procedure.key, exc)
        return None
    return hits[0].citation if hits else None


def document_answer(turn: Turn, question: str) -> str:
    """An extractive answer with its citation, or the honest "not found"."""
    answer = _search(turn, question)
    if answer is None or not answer.found:
        log.info("procedure.not_found")
        return say("procedure.not_found")
    first, *more = answer.passages
    lines = [say("procedure.answer", citation=first.citation, text=answer.text)]
    others = list(dict.fromkeys(p.citation for p in more if p.citation != first.citation))
    if others:
        lines.append(say("procedure.more_sources", citations="; ".join(others)))
    return "\n".join(lines)


def _search(turn: Turn, question: str) -> Answer | None:
    if turn.services.search is None:
        return None
    try:
        return turn.services.search.answer(question)
    except InvalidInput:
        return None
