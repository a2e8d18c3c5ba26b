"""Names people read instead of codes: categories, departments, statuses, channels, priorities.

Category and department names come from the reference data (they change with the
administration); the workflow's words come from the catalogue.

    >>> labels = Labels(reference)
    >>> labels.category("thoat_nuoc"), labels.status("needs_triage")
    ('Ngập nước, thoát nước', 'Chờ phân loại')
"""

from __future__ import annotations

from typing import Any

from api.web import messages_vi as t
from core.cases import HistoryItem
from core.errors import InvalidInput
from core.reference import ReferenceData


class Labels:
    """Looks names up, falling back to the code itself (never an error on a page)."""

    def __init__(self, reference: ReferenceData) -> None:
        self.reference = reference

    def category(self, code: str | None) -> str:
        if not code:
            return t.UNKNOWN_CATEGORY
        try:
            return self.reference.category(code).name
        except InvalidInput:
            return code

    def department(self, code: str | None) -> str:
        if not code:
            return t.NO_DEPARTMENT
        try:
            return self.reference.department(code).name
        except InvalidInput:
            return code

    def ward(self, name: str | None) -> str:
        return name or t.UNKNOWN_WARD

    @staticmethod
    def status(value: Any) -> str:
        code = getattr(value, "value", value)
        return t.STATUS_LABELS.get(str(code), str(code))

    @staticmethod
    def channel(value: Any) -> str:
        code = getattr(value, "value", value)
        return t.CHANNEL_LABELS.get(str(code), str(code))

    @staticmethod
    def priority(value: str | None) -> str:
        return t.PRIORITY_LABELS.get(value or "", value or "")

    @staticmethod
    def sentiment(value: str | None) -> str:
        return t.SENTIMENT_LABELS.get(value or "", value or "")

    @staticmethod
    def action(value: str) -> str:
        return t.AUDIT_ACTIONS.get(value, value)

    def change(self, item: HistoryItem) -> str:
        """What a history line changed, in names ("Chờ phân loại → Đang xử lý")."""
        before, after = item.details.get("from"), item.details.get("to")
        if item.action in ("status", "feedback.status_changed"):
            return _arrow(item.from_value and self.status(item.from_value),
                          item.to_value and self.status(item.to_value))  # fmt: skip
        if item.action in ("feedback.recategorized", "feedback.routing_confirmed"):
            return _arrow(self._routing(before), self._routing(after))
        if item.action == "feedback.priority_set":
            return _arrow(self.priority(before) or t.CASE_PRIORITY_MODEL,
                          self.priority(after) or t.CASE_PRIORITY_MODEL)  # fmt: skip
        if item.action == "feedback.content_flagged":
            return _arrow(_flag(before), _flag(after))
        if item.action == "feedback.ward_set":
            return _arrow(self._place(before), self._place(after))
        if item.action == "feedback.assigned":
            return _arrow(_name(before), _name(after))
        return _arrow(item.from_value, item.to_value)

    def _routing(self, value: Any) -> str | None:
        if not isinstance(value, dict):
            return None
        category, department = value.get("category"), value.get("department")
        return f"{self.category(category)} / {self.department(department)}"

    def _place(self, value: Any) -> str | None:
        if not isinstance(value, dict):
            return None
        return f"{self.ward(value.get('ward'))} / {self.department(value.get('department'))}"


def _flag(value: Any) -> str | None:
    if not isinstance(value, dict) or value.get("flag") not in t.CONTENT_FLAGS:
        return None
    return t.CONTENT_FLAGS[value["flag"]]


def _name(value: Any) -> str:
    if isinstance(value, dict) and value.get("name"):
        return str(value["name"])
    return t.NOBODY


def _arrow(before: str | None, after: str | None) -> str:
    if before and after and before != after:
        return f"{before} → {after}"
    return after or before or ""
