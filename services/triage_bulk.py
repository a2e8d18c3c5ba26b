"""Bulk actions of the triage service, and the parsing of the values staff send.

A bulk action checks its value once (an unknown status fails the whole request, before any
case is touched), then runs the single-case action on each reference; each case succeeds or
fails on its own, so one case outside a department account's view does not stop the others.

    >>> run_bulk(triage, reference, principal, ["PA-2026-000012", "PA-2026-000013"],
    ...          "priority", "high", note=None).succeeded
    2
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from core.accounts import Principal
from core.cases import BULK_ACTIONS, PRIORITIES, BulkItem, BulkResult
from core.errors import InvalidInput, LangngheError
from core.reference import ReferenceData
from core.types import CONTENT_FLAGS, FeedbackStatus

if TYPE_CHECKING:
    from services.triage import TriageService

log = logging.getLogger(__name__)

MAX_BULK = 200
MAX_NOTE = 1000


def run_bulk(
    triage: TriageService,
    reference: ReferenceData,
    p: Principal,
    keys: Sequence[str | int],
    action: str,
    value: Any,
    note: str | None,
) -> BulkResult:
    unique = list(dict.fromkeys(str(k).strip() for k in keys if str(k).strip()))
    if not 1 <= len(unique) <= MAX_BULK:
        raise InvalidInput(f"give 1-{MAX_BULK} cases", code="triage.bulk_size")
    run = _action(triage, reference, action, value, note)
    items = []
    for key in unique:
        try:
            run(p, key)
            items.append(BulkItem(key, True))
        except LangngheError as exc:
            items.append(BulkItem(key, False, exc.code, exc.message))
    result = BulkResult(action, tuple(items))
    log.info("triage.bulk action=%s ok=%d failed=%d", action, result.succeeded, result.failed)
    return result


def _action(triage: TriageService, reference: ReferenceData, action: str, value: Any,
            note: str | None) -> Callable[[Principal, str], object]:  # fmt: skip
    """Check the value once, then return the action on one case."""
    if action == "assign":
        account = parse_account_id(value)
        return lambda p, key: triage.assign(p, key, account, note)
    if action == "status":
        status = parse_status(value)
        return lambda p, key: triage.change_status(p, key, status, note)
    if action == "category":
        code = reference.category(str(value or "")).code
        return lambda p, key: triage.recategorize(p, key, code, note=note)
    if action == "priority":
        level = parse_priority(value)
        return lambda p, key: triage.set_priority(p, key, level, note)
    if action == "content":  # a wave of advertisements is marked at once
        flag = parse_flag(value)
        return lambda p, key: triage.set_content(p, key, flag, note)
    raise InvalidInput(f"action must be one of {BULK_ACTIONS}", code="triage.bad_action")


def clean_note(text: str | None) -> str | None:
    """One line, at most ``MAX_NOTE`` characters; None when empty."""
    clean = " ".join((text or "").split())
    return clean[:MAX_NOTE] or None


def parse_priority(value: Any) -> str | None:
    """A priority level, or None (empty: back to the model's urgency)."""
    text = str(value or "").strip().lower()
    if text and text not in PRIORITIES:
        raise InvalidInput(f"priority must be one of {PRIORITIES}", code="triage.bad_priority")
    return text or None


def parse_flag(value: Any) -> str:
    """Staff's word on a text: one of ``CONTENT_FLAGS`` (ok, abusive, spam)."""
    text = str(value or "").strip().lower()
    if text not in CONTENT_FLAGS:
        raise InvalidInput(f"flag must be one of {CONTENT_FLAGS}", code="triage.bad_flag")
    return text


def parse_status(value: Any) -> FeedbackStatus:
    try:
        return FeedbackStatus(str(value).strip().lower())
    except ValueError:
        raise InvalidInput(f"unknown status {value!r}", code="triage.bad_status") from None


def parse_account_id(value: Any) -> int | None:
    """An account id; None, "" or "none" unassign."""
    if value is None or str(value).strip().lower() in ("", "none", "null"):
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        raise InvalidInput(f"not an account id: {value!r}", code="triage.bad_account") from None
