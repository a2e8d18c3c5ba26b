"""Annotation runs after storage, in a worker fed with stored feedback ids.

Store first, annotate second: intake never waits on a model longer than it chooses to, and a
failing model leaves the feedback stored with ``annotation_state = failed`` for a retry.
The in-process worker is a thread; the ``AnnotationQueue`` port lets a later deployment put a
real queue between intake and workers without changing either.

    >>> worker = InProcessAnnotationWorker(store, pipeline, threshold=0.5)
    >>> worker.start()                 # also picks up what was pending before a restart
    >>> worker.submit(feedback_id); worker.wait(feedback_id, timeout=2.0)
    True
"""

from __future__ import annotations

import logging
import queue
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace

from core.ports import Annotator, FeedbackStore
from core.types import Annotation, AnnotationState, FeedbackStatus
from services.duplicates import DuplicateFinder

log = logging.getLogger(__name__)

ACTOR = "system:router"
_TRACKED = 10_000  # completion events kept for waiters; older ones are read from the store


def status_for(annotation: Annotation, threshold: float) -> FeedbackStatus:
    """Confident routing goes to the department; the rest to a person."""
    if annotation.routing.department is None or annotation.routing.confidence < threshold:
        return FeedbackStatus.NEEDS_TRIAGE
    return FeedbackStatus.ROUTED


def annotate_one(
    store: FeedbackStore,
    pipeline: Annotator,
    feedback_id: int,
    threshold: float,
    duplicates: DuplicateFinder | None = None,
) -> bool:
    """Annotate one stored feedback; a failure is recorded on it, never raised. True on success.

    With an embedding and a ``DuplicateFinder``, similar past cases join the annotation and
    duplicate candidates are proposed for staff.
    """
    try:
        annotation = pipeline.annotate(store.annotation_input(feedback_id))
        vector = annotation.embedding
        if duplicates is not None and vector is not None:
            category = annotation.routing.category
            similar = duplicates.similar(store.get(feedback_id), vector, category)
            annotation = replace(annotation, similar=tuple(similar))
        store.save_annotation(feedback_id, annotation, status_for(annotation, threshold), ACTOR)
        if duplicates is not None and vector is not None:
            found = duplicates.candidates(store.get(feedback_id), vector)
            store.save_duplicate_candidates(feedback_id, found)
    except Exception as exc:
        log.exception("feedback.annotation_failed id=%s", feedback_id)
        try:
            store.save_annotation_failure(feedback_id, f"{type(exc).__name__}: {exc}")
        except Exception:
            log.exception("feedback.annotation_failure_not_recorded id=%s", feedback_id)
        return False
    log.debug("feedback.annotated id=%s", feedback_id)
    return True


class InProcessAnnotationWorker:
    """A background thread annotating feedback ids in arrival order (``AnnotationQueue``)."""

    def __init__(
        self,
        store: FeedbackStore,
        pipeline: Annotator,
        threshold: float,
        duplicates: DuplicateFinder | None = None,
        on_annotated: Callable[[int], object] | None = None,
    ) -> None:
        """``on_annotated(feedback_id)`` runs after each annotation, done or failed, before
        waiters are released (``SlaService.on_annotated`` sets the due date); its failure is
        logged and changes nothing else."""
        self._store = store
        self._pipeline = pipeline
        self._threshold = threshold
        self._duplicates = duplicates
        self._on_annotated = on_annotated
        self._queue: queue.Queue[int | None] = queue.Queue()
        self._done: OrderedDict[int, threading.Event] = OrderedDict()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="annotation-worker", daemon=True)
        self._thread.start()
        for fid in self._store.pending_annotation(limit=100_000):
            self.submit(fid)

    def stop(self, timeout: float = 10.0) -> None:
        if self._thread is None:
            return
        self._queue.put(None)
        self._thread.join(timeout)
        self._thread = None

    def submit(self, feedback_id: int) -> None:
        with self._lock:
            self._done[feedback_id] = threading.Event()
            while len(self._done) > _TRACKED:
                self._done.popitem(last=False)
        self._queue.put(feedback_id)

    def backlog(self) -> int:
        return self._queue.qsize()

    def wait(self, feedback_id: int, timeout: float) -> bool:
        with self._lock:
            event = self._done.get(feedback_id)
        if event is None:
            return self._store.get(feedback_id).annotation_state is not AnnotationState.PENDING
        return event.wait(timeout)

    def _run(self) -> None:
        while (fid := self._queue.get()) is not None:
            annotate_one(self._store, self._pipeline, fid, self._threshold, self._duplicates)
            self._after(fid)
            with self._lock:
                event = self._done.get(fid)
            if event is not None:
                event.set()
            self._queue.task_done()
        self._queue.task_done()

    def _after(self, feedback_id: int) -> None:
        if self._on_annotated is None:
            return
        try:
            self._on_annotated(feedback_id)
        except Exception:
            log.exception("feedback.annotated_hook_failed id=%s", feedback_id)

    def drain(self) -> None:
        """Block until everything submitted so far has been annotated (CLI imports, tests)."""
        self._queue.join()
