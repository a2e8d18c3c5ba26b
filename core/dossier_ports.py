"""Ports of the dossier use case: where dossiers are kept, and the live system that knows them.

>>> outcome = store.save(dossier)          # SaveOutcome.NEW, UPDATED or UNCHANGED
>>> store.get("H29.202-250315-0012")       # a Dossier, or None
>>> source.fetch("H29.202-250315-0012")    # asks the one-stop-shop system; None if unknown
"""

from __future__ import annotations

import enum
from typing import Protocol

from core.dossiers import Dossier


class SaveOutcome(enum.StrEnum):
    """What saving a dossier did: imports count these, so re-running one is visibly harmless."""

    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


class DossierStore(Protocol):
    """Our copy of the dossiers, keyed by the canonical code; never any applicant personal data."""

    def get(self, code: str) -> Dossier | None:
        """The dossier with this canonical code, with its steps in order; None when unknown."""
        ...

    def save(self, dossier: Dossier) -> SaveOutcome:
        """Insert or replace (steps included) a dossier; an identical one is left untouched."""
        ...

    def count(self) -> int: ...


class DossierSource(Protocol):
    """A live one-stop-shop system asked for one dossier at a time.

    Raises ``ExternalServiceError`` (code ``dossier.source_failed``) when it cannot answer.
    """

    def fetch(self, code: str) -> Dossier | None:
        """The dossier as the system knows it now; None when the system does not know the code."""
        ...

    def close(self) -> None: ...
