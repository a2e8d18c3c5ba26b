"""Submit feedback (phản ánh): the problem, where, confirm, then the reference number.

Steps are skipped when a message already answers them: "Đường Võ Văn Ngân ngập sâu" has the
problem and the place (``PlaceExtractor`` finds a street), so the bot goes straight to
"Gửi / Sửa / Hủy". The confirmed feedback runs the same pipeline as the REST API
(``FeedbackService.submit``); its ``channel_message_id`` is the platform id of the
confirming update, so a repeated delivery never files a second complaint.

Photos are kept in the flow as the platform's references (``data["photos"]``: file id, URL,
caption; at most ``MAX_PHOTOS_PER_FEEDBACK``). Once the feedback is filed they go to
``AttachmentService.attach``, which records and fetches them; a photo that cannot be had is
noted there and never costs the citizen their report.

    >>> start(turn)   # "đường Võ Văn Ngân ngập sâu quá"
    [Reply(text='Dạ, em xin tóm tắt phản ánh: …', buttons=(Gửi, Sửa, Hủy))]
"""

from __future__ import annotations

import logging
import re
from typing import Any

from bots.core.flows.context import (
    CANCEL,
    FEEDBACK_EDIT,
    FEEDBACK_SEND,
    Turn,
    button,
    department_name,
)
from bots.core.messages_vi import MESSAGES, say
from core.attachments import MAX_PHOTOS_PER_FEEDBACK
from core.chat import ChatChannel, IncomingKind, Photo, Reply
from core.errors import InvalidInput, LangngheError
from core.types import Feedback, FeedbackStatus
from nlp.nlu_slots import fold
from services.intake import Submission

log = logging.getLogger(__name__)

FLOW = "feedback"
PROBLEM, PLACE, CONFIRM = "problem", "place", "confirm"
#: Content syllables a message needs to count as the problem itself, not "I want to report".
MIN_PROBLEM_WORDS = 3
_FILLER = frozenset((
    "toi", "tui", "minh", "em", "anh", "chi", "ban", "ad", "quan", "tri", "vien", "bot", "oi",
    "a", "ah", "nhe", "nha", "voi", "giup", "cho", "xin", "chao", "muon", "can", "gui", "phan",
    "gop", "y", "khieu", "nai", "thong", "bao", "ve", "viec", "mot", "cai", "duoc", "khong",
    "ko", "lam", "sao", "the", "nao", "nhu", "de", "cach", "o", "dau", "ra", "hay", "la", "co",
))  # fmt: skip
_COMMAND = re.compile(r"^\s*/\w+(?:@\w+)?\s*")
# Not "dung": folded, "đúng" (right) and "dừng" (stop) are the same word.
_SEND_WORDS = frozenset({"gui", "gui di", "dong y", "ok", "oke", "co", "xac nhan", "dung roi"})
_EDIT_WORDS = frozenset({"sua", "sua lai", "chinh sua"})
_ROUTED = (FeedbackStatus.ROUTED, FeedbackStatus.IN_PROGRESS, FeedbackStatus.RESOLVED)


def start(turn: Turn) -> list[Reply]:
    """Begin a report with whatever the first message already says."""
    turn.state.enter(FLOW, **_blank([]))
    if turn.incoming.kind is IncomingKind.BUTTON:
        return _next(turn)
    if turn.incoming.kind in (IncomingKind.TEXT, IncomingKind.COMMAND):
        problem = _COMMAND.sub("", turn.text)
        if _describes_problem(turn, problem):
            _take_problem(turn, problem)
        return _next(turn)
    return _absorb(turn)


def step(turn: Turn) -> list[Reply] | None:
    """One answer inside the flow; None for a button that belongs to another flow."""
    data, kind = turn.state.data, turn.incoming.kind
    if kind is IncomingKind.BUTTON:
        return _button(turn, turn.text)
    if kind in (IncomingKind.PHOTO, IncomingKind.LOCATION):
        return _absorb(turn)
    if data["step"] != CONFIRM and _asks_something_else(turn):
        return None
    if data["step"] == PROBLEM:
        _take_problem(turn, turn.text)
    elif data["step"] == PLACE:
        data["location_text"] = turn.text
    else:
        return _confirm_answer(turn)
    return _next(turn)


def at_confirm(turn: Turn) -> bool:
    """Whether the flow waits for "Gửi / Sửa / Hủy" (a fixed answer, never stored)."""
    return turn.state.data.get("step") == CONFIRM


def _button(turn: Turn, payload: str) -> list[Reply] | None:
    if payload == FEEDBACK_SEND:  # an old summary's button: ask what is still missing
        return _submit(turn) if at_confirm(turn) else _next(turn)
    if payload == FEEDBACK_EDIT:
        return _edit(turn)
    return None


def _confirm_answer(turn: Turn) -> list[Reply]:
    word = fold(turn.text)
    if word in _SEND_WORDS:
        return _submit(turn)
    if word in _EDIT_WORDS:
        return _edit(turn)
    return [Reply(say("feedback.confirm_again"), _confirm_buttons())]


def _edit(turn: Turn) -> list[Reply]:
    _reset(turn)
    return [Reply(say("feedback.edit"))]


def _reset(turn: Turn) -> None:
    """Back to the first question, keeping the photos already sent."""
    turn.state.enter(FLOW, **_blank(turn.state.data["photos"]))


def _blank(photos: list[Any]) -> dict[str, Any]:
    """The flow's data before any answer (photos kept when starting over)."""
    return {"step": PROBLEM, "text": "", "photos": photos, "location_text": None,
            "latitude": None, "longitude": None, "place_in_text": False}  # fmt: skip


def _absorb(turn: Turn) -> list[Reply]:
    """A photo (with its caption) or a shared location, at any step."""
    data, inc = turn.state.data, turn.incoming
    replies: list[Reply] = []
    if inc.photo is not None:
        _keep_photo(data["photos"], inc.photo)
        caption = (inc.photo.caption or inc.text).strip()
        if caption and not data["text"]:
            _take_problem(turn, caption)
        replies.append(Reply(say("feedback.photo_added", count=len(data["photos"]))))
    if inc.location is not None:
        data["latitude"], data["longitude"] = inc.location.latitude, inc.location.longitude
        data["location_text"] = inc.location.address or data["location_text"]
    return replies + _next(turn)


def _keep_photo(photos: list[Any], photo: Photo) -> None:
    """Remember the platform's reference (JSON, for the stored conversation), up to the limit."""
    if len(photos) >= MAX_PHOTOS_PER_FEEDBACK:
        log.info("feedback.photo_over_limit kept=%d", len(photos))
        return
    photos.append({"file_id": photo.platform_file_id, "url": photo.url,
                   "caption": photo.caption})  # fmt: skip


def _photos(data: dict[str, Any]) -> list[Photo]:
    """The kept photos; a bare string is a file id kept by the flow before URLs were."""
    return [Photo(p) if isinstance(p, str) else Photo(p["file_id"], p["url"], p["caption"])
            for p in data["photos"]]  # fmt: skip


def _take_problem(turn: Turn, text: str) -> None:
    data = turn.state.data
    data["text"] = text.strip()
    place = turn.services.places.extract(data["text"])
    data["place_in_text"] = bool(place.ward or place.street or place.landmark)


def _next(turn: Turn) -> list[Reply]:
    """Ask what is missing, or show the summary to confirm."""
    data = turn.state.data
    if not data["text"] and not data["photos"]:
        data["step"] = PROBLEM
        return [Reply(say("feedback.ask_problem"))]
    located = data["place_in_text"] or data["location_text"] or data["latitude"] is not None
    if not located:
        data["step"] = PLACE
        return [Reply(say("feedback.ask_place"))]
    data["step"] = CONFIRM
    return [Reply(_summary(data), _confirm_buttons())]


def _summary(data: dict[str, Any]) -> str:
    if data["location_text"]:
        place = data["location_text"]
    elif data["latitude"] is not None:
        place = say("feedback.shared_location", latitude=data["latitude"],
                    longitude=data["longitude"])  # fmt: skip
    else:
        place = say("feedback.place_in_text")
    count = len(data["photos"])
    photos = say("feedback.photo_count", count=count) if count else say("feedback.no_photos")
    text = data["text"] or say("feedback.photo_only_text")
    return say("feedback.confirm", text=text, place=place, photos=photos)


def _confirm_buttons() -> tuple[Any, ...]:
    return (button("feedback.send", FEEDBACK_SEND), button("feedback.edit", FEEDBACK_EDIT),
            button("cancel", CANCEL))  # fmt: skip


def _submit(turn: Turn) -> list[Reply]:
    """File the report through the intake service and say where it went."""
    data, inc = turn.state.data, turn.incoming
    submission = Submission(
        text=data["text"] or say("feedback.photo_only_text"),
        channel=turn.channel,
        channel_message_id=inc.update_id,
        sender=inc.user_id,
        location_text=data["location_text"],
        latitude=data["latitude"],
        longitude=data["longitude"],
        received_at=inc.received_at,
    )
    try:
        result = turn.services.feedback.submit(submission)
    except InvalidInput as exc:
        log.info("feedback.chat_refused code=%s", exc.code)
        _reset(turn)
        turn.state.data["photos"] = []
        return [Reply(say("error.invalid", problem=_problem(exc.code))), *_next(turn)]
    turn.state.leave()
    fb = result.feedback
    _attach(turn, fb, _photos(data))  # before the link: its failure must not lose the photos
    if turn.services.links is not None:
        turn.services.links.link(fb.id, ChatChannel(turn.channel), inc.user_id)
    log.info("feedback.chat_submitted ref=%s channel=%s photos=%d", fb.reference, turn.channel,
             len(data["photos"]))  # fmt: skip
    return [Reply(sent_text(turn, fb))]


def _attach(turn: Turn, fb: Feedback, photos: list[Photo]) -> None:
    """Hand the photos over. The report is filed already: a failure to record them is logged
    and the citizen still gets the reference (``AttachmentService.attach`` notes per photo
    what could not be fetched)."""
    service = turn.services.attachments
    if not photos:
        return
    if service is None:
        log.warning("feedback.photos_dropped ref=%s photos=%d", fb.reference, len(photos))
        return
    try:
        service.attach(fb.id, turn.channel, photos)
    except LangngheError as exc:
        log.warning("feedback.photos_not_recorded ref=%s code=%s", fb.reference, exc.code)


def sent_text(turn: Turn, fb: Feedback) -> str:
    """The reference, and the department when routing has already chosen one."""
    if fb.status in _ROUTED and fb.department:
        department = department_name(turn, fb.department)
        return say("feedback.sent_routed", reference=fb.reference, department=department)
    return say("feedback.sent_pending", reference=fb.reference)


def _problem(code: str) -> str:
    """Why intake refused the text, in Vietnamese (the error's English message is for logs)."""
    key = f"problem.{code}"
    return say(key if key in MESSAGES else "problem.other")


def _describes_problem(turn: Turn, text: str) -> bool:
    """Whether the first message is the report itself rather than "I want to report"."""
    if turn.understand().slots.get("category", "khac") != "khac":
        return True
    words = [w for w in fold(text).split() if w not in _FILLER]
    return len(words) >= MIN_PROBLEM_WORDS


def _asks_something_else(turn: Turn) -> bool:
    """A dossier code or a feedback reference (rules, certain) is not a problem description."""
    nlu = turn.understand()
    certain = nlu.confidence >= 1.0 and nlu.intent in ("dossier_status", "feedback_status")
    return certain and bool(nlu.slots.get("dossier_code") or nlu.slots.get("feedback_ref"))
