"""The access policy: who may be given cases by whom."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.accounts import Account, Principal, Role, assignment_refusal

NOW = datetime(2026, 11, 27, tzinfo=UTC)


def account(role: Role, department: str | None = None, active: bool = True) -> Account:
    return Account(7, "lan", "Lan", role, department, active, NOW)


HEAD = Principal("account", 1, "hung", Role.DEPARTMENT, department="ubnd_hiep_binh")
TRIAGE = Principal("account", 2, "mai", Role.TRIAGE)


@pytest.mark.parametrize(
    ("assigner", "assignee", "refusal"),
    [
        (TRIAGE, account(Role.TRIAGE), None),
        (TRIAGE, account(Role.DEPARTMENT, "cong_an"), None),
        (TRIAGE, account(Role.TRIAGE, active=False), "triage.unknown_assignee"),
        (TRIAGE, account(Role.OFFICIAL), "triage.assignee_read_only"),
        (HEAD, account(Role.DEPARTMENT, "ubnd_hiep_binh"), None),
        (HEAD, account(Role.DEPARTMENT, "cong_an"), "triage.assign_outside"),
        (HEAD, account(Role.TRIAGE), "triage.assign_outside"),
    ],
)
def test_assignment_refusal(assigner: Principal, assignee: Account, refusal: str | None) -> None:
    assert assignment_refusal(assigner, assignee) == refusal
