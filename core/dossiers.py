"""Plain types of administrative dossiers (hồ sơ thủ tục hành chính) and their codes.

A dossier is filed at the one-stop counter (Bộ phận Một cửa) or online; the one-stop-shop system
gives it a code ("số biên nhận", "mã hồ sơ") such as ``H29.202-250315-0012``,
``000.00.24.H29-240315-0012`` or ``G22.99-250101-0003``: an agency code, the filing date as
YYMMDD and a sequence number. Codes are compared in canonical form: upper case, no spaces.

    >>> canonical_dossier_code(" h29.202 - 250315 - 0012 ")
    'H29.202-250315-0012'
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from core.errors import InvalidInput
from core.text import fold
from core.types import LOCAL_TZ

#: A canonical dossier code: agency part (letters, digits, dots), YYMMDD, a 3–6 digit sequence.
DOSSIER_CODE = re.compile(r"^(?=[0-9A-Z.]*[A-Z])[0-9A-Z]+(?:\.[0-9A-Z]+)*-\d{6}-\d{3,6}$")
#: Real codes are about 25 characters; the table's key column holds 40.
MAX_CODE_LENGTH = 40
#: Our procedure keys (``birth_registration``): the catalogue's snake_case names.
PROCEDURE_KEY = re.compile(r"^[a-z][a-z0-9_]{0,59}$")


def canonical_dossier_code(text: str) -> str:
    """Upper case without any whitespace (the code is not validated: see ``is_dossier_code``)."""
    return re.sub(r"\s+", "", text).upper()


def is_dossier_code(code: str) -> bool:
    """Whether a canonical code has the shape of a one-stop-shop dossier code."""
    return len(code) <= MAX_CODE_LENGTH and DOSSIER_CODE.match(code) is not None


class DossierStatus(enum.StrEnum):
    """Where a dossier is in its life (the one-stop-shop systems' common states)."""

    RECEIVED = "received"  # đã tiếp nhận
    IN_PROGRESS = "in_progress"  # đang xử lý
    SUPPLEMENT_REQUESTED = "supplement_requested"  # yêu cầu bổ sung hồ sơ
    READY = "ready"  # có kết quả, chờ trả
    FINISHED = "finished"  # đã trả kết quả
    REJECTED = "rejected"  # từ chối / không đủ điều kiện
    WITHDRAWN = "withdrawn"  # công dân rút hồ sơ


#: States in which the dossier still runs against its due date.
OPEN_STATUSES = frozenset(
    {DossierStatus.RECEIVED, DossierStatus.IN_PROGRESS, DossierStatus.SUPPLEMENT_REQUESTED}
)


@dataclass(frozen=True, slots=True)
class DossierStep:
    """One step of the handling history ("Tiếp nhận", "Thẩm định", "Ký duyệt", "Trả kết quả")."""

    name: str
    unit: str
    started_at: datetime
    finished_at: datetime | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class Dossier:
    """A dossier as the one-stop-shop system exports it, without the applicant's personal data.

    ``procedure`` is the procedure's name as the system prints it; ``procedure_key`` our
    snake_case key (``birth_registration``) when it is one of the catalogue's procedures.
    """

    code: str
    procedure: str
    procedure_key: str | None
    receiving_unit: str
    handling_unit: str
    received_at: datetime
    due_at: datetime | None
    finished_at: datetime | None
    status: DossierStatus
    current_step: str
    steps: tuple[DossierStep, ...] = field(default_factory=tuple)
    note: str = ""

    def is_late(self, now: datetime) -> bool:
        """Past its due date: finished after it, or still open after it."""
        if self.due_at is None:
            return False
        if self.finished_at is not None:
            return self.finished_at > self.due_at
        return self.status in OPEN_STATUSES and now > self.due_at

    def days_left(self, today: date) -> int | None:
        """Days to the due date on Vietnam's calendar, negative when late; None if not open."""
        if self.due_at is None or self.status not in OPEN_STATUSES:
            return None
        return (self.due_at.astimezone(LOCAL_TZ).date() - today).days


# --- The record form: how import files and the live one-stop-shop API spell a dossier ---------

#: Status labels of one-stop-shop exports (and our own values), compared without diacritics.
STATUS_LABELS: dict[str, DossierStatus] = {
    "da tiep nhan": DossierStatus.RECEIVED,
    "moi tiep nhan": DossierStatus.RECEIVED,
    "dang xu ly": DossierStatus.IN_PROGRESS,
    "dang giai quyet": DossierStatus.IN_PROGRESS,
    "yeu cau bo sung": DossierStatus.SUPPLEMENT_REQUESTED,
    "yeu cau bo sung ho so": DossierStatus.SUPPLEMENT_REQUESTED,
    "cho bo sung": DossierStatus.SUPPLEMENT_REQUESTED,
    "cho tra ket qua": DossierStatus.READY,
    "da co ket qua": DossierStatus.READY,
    "da tra ket qua": DossierStatus.FINISHED,
    "tu choi": DossierStatus.REJECTED,
    "tu choi giai quyet": DossierStatus.REJECTED,
    "da rut": DossierStatus.WITHDRAWN,
    "da rut ho so": DossierStatus.WITHDRAWN,
} | {status.value.replace("_", " "): status for status in DossierStatus}

_DATE_ONLY_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")
_DATETIME_FORMATS = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M")
_END_OF_DAY = time(23, 59, 59)


def parse_dossier_status(text: str) -> DossierStatus:
    """Our value (``in_progress``) or an export's label ("Đang xử lý", "dang xu ly").

    >>> parse_dossier_status("Yêu cầu bổ sung")
    <DossierStatus.SUPPLEMENT_REQUESTED: 'supplement_requested'>
    """
    status = STATUS_LABELS.get(fold(text.replace("_", " ")))
    if status is None:
        raise InvalidInput(f"unknown dossier status {text!r}", code="dossier.bad_status")
    return status


def parse_local_datetime(text: str, *, end_of_day: bool = False) -> datetime:
    """ISO 8601 or dd/mm/yyyy [HH:MM[:SS]]; without an offset it is Vietnam's local time.

    A date without a time is the start of that day, or its end with ``end_of_day`` (a due date
    "20/03/2025" lets the office work until the evening of the 20th).
    """
    text = text.strip()
    for fmt in _DATE_ONLY_FORMATS:
        try:
            day = datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        return datetime.combine(day, _END_OF_DAY if end_of_day else time(), tzinfo=LOCAL_TZ)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        parsed = _strptime_any(text, _DATETIME_FORMATS)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=LOCAL_TZ)


def _strptime_any(text: str, formats: tuple[str, ...]) -> datetime:
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise InvalidInput(f"{text!r} is not a date", code="dossier.bad_date")


def dossier_from_record(record: Mapping[str, Any]) -> Dossier:
    """A ``Dossier`` from its record form; an InvalidInput's ``dossier.*`` code says what is wrong.

    Unknown keys are ignored (that is how applicants' personal data stays out).

    >>> dossier_from_record({"code": "h29.202-250315-0012", "procedure": "Đăng ký khai sinh",
    ...     "received_at": "15/03/2025 08:30", "status": "Đang xử lý"}).code
    'H29.202-250315-0012'
    """
    raw_code = _text(record.get("code"))
    if not raw_code:
        raise InvalidInput("the dossier has no code", code="dossier.code_missing")
    code = canonical_dossier_code(raw_code)
    if not is_dossier_code(code):
        raise InvalidInput(f"{raw_code!r} is not a dossier code", code="dossier.code_invalid")
    received_at = _date_field(record, "received_at")
    if received_at is None:
        raise InvalidInput("the dossier has no received_at", code="dossier.field_missing")
    return Dossier(
        code=code,
        procedure=_required(record, "procedure"),
        procedure_key=_procedure_key(record.get("procedure_key")),
        receiving_unit=_text(record.get("receiving_unit")),
        handling_unit=_text(record.get("handling_unit")),
        received_at=received_at,
        due_at=_date_field(record, "due_at", end_of_day=True),
        finished_at=_date_field(record, "finished_at"),
        status=parse_dossier_status(_required(record, "status")),
        current_step=_text(record.get("current_step")),
        steps=_steps(record.get("steps")),
        note=_text(record.get("note")),
    )


def dossier_to_record(dossier: Dossier) -> dict[str, Any]:
    """The record form (dates in ISO 8601 at Vietnam's offset); ``dossier_from_record`` reads it."""
    return {
        "code": dossier.code,
        "procedure": dossier.procedure,
        "procedure_key": dossier.procedure_key,
        "receiving_unit": dossier.receiving_unit,
        "handling_unit": dossier.handling_unit,
        "received_at": _iso(dossier.received_at),
        "due_at": _iso(dossier.due_at),
        "finished_at": _iso(dossier.finished_at),
        "status": dossier.status.value,
        "current_step": dossier.current_step,
        "note": dossier.note,
        "steps": [
            {"name": s.name, "unit": s.unit, "started_at": _iso(s.started_at),
             "finished_at": _iso(s.finished_at), "note": s.note}
            for s in dossier.steps
        ],
    }  # fmt: skip


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(LOCAL_TZ).isoformat()


def _text(value: Any) -> str:
    return "" if value is None else unicodedata.normalize("NFC", str(value)).strip()


def _procedure_key(value: Any) -> str | None:
    key = _text(value)
    if key and not PROCEDURE_KEY.match(key):
        raise InvalidInput(f"{key!r} is not a procedure key", code="dossier.bad_procedure_key")
    return key or None


def _required(record: Mapping[str, Any], name: str) -> str:
    value = _text(record.get(name))
    if not value:
        raise InvalidInput(f"the dossier has no {name}", code="dossier.field_missing")
    return value


def _date_field(
    record: Mapping[str, Any], name: str, *, end_of_day: bool = False
) -> datetime | None:
    value = record.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise InvalidInput(f"{name} {value!r} is not a date", code="dossier.bad_date")
    try:
        return parse_local_datetime(value, end_of_day=end_of_day)
    except InvalidInput as exc:
        raise InvalidInput(f"{name} {value!r} is not a date", code="dossier.bad_date") from exc


def _steps(value: Any) -> tuple[DossierStep, ...]:
    if value is None or value == "":
        return ()
    if not isinstance(value, list):
        raise InvalidInput("steps must be a list of objects", code="dossier.bad_step")
    return tuple(_step(n, item) for n, item in enumerate(value, 1))


def _step(n: int, item: Any) -> DossierStep:
    if not isinstance(item, Mapping):
        raise InvalidInput(f"step {n} is not an object", code="dossier.bad_step")
    name = _text(item.get("name"))
    if not name or not _text(item.get("started_at")):
        raise InvalidInput(f"step {n} needs a name and started_at", code="dossier.bad_step")
    started = _date_field(item, "started_at")
    assert started is not None
    return DossierStep(name=name, unit=_text(item.get("unit")), started_at=started,
                       finished_at=_date_field(item, "finished_at"),
                       note=_text(item.get("note")))  # fmt: skip
