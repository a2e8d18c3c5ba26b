"""``langnghe analyze`` on several processes: the pipeline is CPU-bound Python, so one process
uses one core. Batches go to worker processes in order and come back in order, a bounded
number at a time, so output still streams and memory stays flat on files of any size.

    >>> for line in analyze_parallel(settings, sys.stdin, batch_size=256, workers=2): ...
"""

from __future__ import annotations

import json
import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from itertools import islice
from multiprocessing.pool import AsyncResult
from typing import TYPE_CHECKING

from app.settings import Settings
from core.errors import LangngheError
from services.analyze import analyze_lines

if TYPE_CHECKING:
    from nlp.pipeline import AnnotationPipeline

_pipeline: AnnotationPipeline | None = None
_failure: LangngheError | None = None


def _start(settings: Settings) -> None:
    """Worker start-up; a failure is kept and raised by the first task (a failing initializer
    would make the pool restart workers forever)."""
    global _pipeline, _failure
    from app.pipeline_wiring import PipelineWiring  # here: the parent process never needs it

    try:
        pipeline = PipelineWiring(settings).pipeline
        pipeline.warm_up()
        _pipeline = pipeline
    except LangngheError as exc:
        _failure = exc


def _ready() -> None:
    if _failure is not None:
        raise _failure


def _run(batch: list[str]) -> list[str]:
    _ready()
    assert _pipeline is not None
    return [
        json.dumps(r, ensure_ascii=False) for r in analyze_lines(_pipeline, batch, len(batch) or 1)
    ]


def analyze_parallel(
    settings: Settings, lines: Iterable[str], batch_size: int, workers: int
) -> Iterator[str]:
    """JSON output lines for the input lines, in input order."""
    it = (line for line in lines if line.strip())
    context = multiprocessing.get_context("spawn")  # no fork of threads or open handles
    if settings.encoder_threads is None:  # one process per core already: one thread each
        settings = settings.model_copy(update={"encoder_threads": 1})
    with context.Pool(workers, initializer=_start, initargs=(settings,)) as pool:
        pool.apply(_ready)  # fail at start-up (e.g. a missing model), not at the first batch
        pending: deque[AsyncResult[list[str]]] = deque()
        while batch := list(islice(it, batch_size)):
            pending.append(pool.apply_async(_run, (batch,)))
            if len(pending) >= 2 * workers:  # bounded: a few batches in flight per worker
                yield from pending.popleft().get()
        while pending:
            yield from pending.popleft().get()
