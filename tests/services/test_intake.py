"""Intake through the real container: SQLite file, real router, in-process worker."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from app.container import Container
from core.errors import InvalidInput, NotFound
from core.types import Annotation, AnnotationState, FeedbackStatus, TextInput
from services.annotation import InProcessAnnotationWorker
from services.intake import FeedbackService, Submission

FLOOD = "Đường Võ Văn Ngân ngập sâu sau cơn mưa chiều nay"


def test_submit_stores_then_routes(container: Container) -> None:
    container.start()
    result = container.feedback.submit(
        Submission(text=FLOOD, channel="api", channel_message_id="a1")
    )
    fb = result.feedback
    assert result.created
    assert fb.annotation_state is AnnotationState.DONE
    assert fb.category == "thoat_nuoc"
    assert fb.status in (FeedbackStatus.ROUTED, FeedbackStatus.NEEDS_TRIAGE)
    assert fb.department is not None


def test_a_repeated_delivery_is_not_a_second_feedback(container: Container) -> None:
    container.start()
    sub = Submission(text=FLOOD, channel="telegram", channel_message_id="update-9", sender="55")
    first = container.feedback.submit(sub)
    second = container.feedback.submit(sub)
    assert not second.created and second.feedback.id == first.feedback.id


def test_sender_is_pseudonymised_stably_per_channel(container: Container) -> None:
    svc = container.feedback
    a = svc.pseudonym("telegram", "12345")
    assert a == svc.pseudonym("telegram", "12345")
    assert a != svc.pseudonym("zalo", "12345")
    assert "12345" not in a


def test_low_confidence_goes_to_triage(container: Container) -> None:
    container.settings.routing_threshold = 0.999
    container.start()
    fb = container.feedback.submit(Submission(text="cho hỏi chút", channel="web")).feedback
    assert fb.status is FeedbackStatus.NEEDS_TRIAGE


class _BrokenPipeline:
    def warm_up(self) -> None: ...

    def annotate(self, item: TextInput) -> Annotation:
        raise RuntimeError("model exploded")

    def annotate_batch(self, items: Sequence[TextInput]) -> list[Annotation]:
        raise RuntimeError("model exploded")


def test_a_crash_in_the_nlp_step_loses_nothing(container: Container) -> None:
    container.db.migrate()
    worker = InProcessAnnotationWorker(container.store, _BrokenPipeline(), threshold=0.5)
    worker.start()
    service = FeedbackService(container.store, worker, "s", wait_seconds=5.0)
    try:
        fb = service.submit(
            Submission(text=FLOOD, channel="zalo", channel_message_id="z1")
        ).feedback
    finally:
        worker.stop()
    stored = container.store.get(fb.id)
    assert stored.text == FLOOD
    assert stored.annotation_state is AnnotationState.FAILED
    assert "model exploded" in (stored.annotation_error or "")
    assert stored.status is FeedbackStatus.RECEIVED


def test_pending_feedback_is_annotated_after_a_restart(container: Container) -> None:
    container.db.migrate()
    idle = InProcessAnnotationWorker(container.store, container.pipeline, threshold=0.5)
    service = FeedbackService(container.store, idle, "s", wait_seconds=0)
    fid = service.submit(Submission(text=FLOOD, channel="web")).feedback.id  # worker never started
    assert container.store.get(fid).annotation_state is AnnotationState.PENDING
    container.start()  # a new process: its worker picks up what was pending
    container.worker.drain()
    assert container.store.get(fid).annotation_state is AnnotationState.DONE


@pytest.mark.parametrize(
    ("sub", "code"),
    [
        (Submission(text="", channel="api"), "feedback.text_empty"),
        (Submission(text="   \n\t ", channel="api"), "feedback.text_empty"),
        (Submission(text="x" * 4001, channel="api"), "feedback.text_too_long"),
        (Submission(text="<script>alert(1)</script>", channel="api"), "feedback.text_markup"),
        (Submission(text="ngập <b>sâu</b>", channel="api"), "feedback.text_markup"),
        (Submission(text="ngập\x00sâu", channel="api"), "feedback.text_control_chars"),
        (Submission(text="ngập \ufffd sâu", channel="api"), "feedback.text_encoding"),
        (Submission(text="ngập", channel="fax"), "feedback.unknown_channel"),
        (
            Submission(text="ngập", channel="api", channel_message_id="a b"),
            "feedback.bad_message_id",
        ),
        (Submission(text="ngập", channel="api", latitude=10.8), "feedback.half_coordinates"),
        (
            Submission(text="ngập", channel="api", latitude=100, longitude=0),
            "feedback.bad_coordinates",
        ),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(
    container: Container, sub: Submission, code: str
) -> None:
    container.db.migrate()
    with pytest.raises(InvalidInput) as err:
        container.feedback.submit(sub)
    assert err.value.code == code
    assert container.store.pending_annotation(10) == []


def test_text_of_exactly_the_limit_and_emoji_teencode_are_accepted(container: Container) -> None:
    container.db.migrate()
    ok = container.feedback.validate(
        Submission(text="ngập 😡 ko đi dc " + "a" * 3984, channel="api")
    )
    assert len(ok.text) == 4000


def test_lookup_by_reference_and_by_id(container: Container) -> None:
    container.start()
    fb = container.feedback.submit(Submission(text=FLOOD, channel="api")).feedback
    assert container.feedback.get(fb.reference.lower()).id == fb.id
    assert container.feedback.get(str(fb.id)).reference == fb.reference
    with pytest.raises(NotFound):
        container.feedback.get("hello")


class _BusyQueue:
    """A queue that is never drained: intake must answer at once instead of waiting."""

    def __init__(self) -> None:
        self.submitted: list[int] = []
        self.waited = False

    def submit(self, feedback_id: int) -> None:
        self.submitted.append(feedback_id)

    def wait(self, feedback_id: int, timeout: float) -> bool:
        self.waited = True
        return False

    def backlog(self) -> int:
        return 50


def test_under_load_intake_stores_and_answers_without_waiting(container: Container) -> None:
    container.db.migrate()
    queue = _BusyQueue()
    service = FeedbackService(container.store, queue, "s", wait_seconds=30.0)
    result = service.submit(Submission(text=FLOOD, channel="api", channel_message_id="busy"))
    assert result.created and queue.submitted == [result.feedback.id]
    assert not queue.waited
    assert result.feedback.status is FeedbackStatus.RECEIVED
