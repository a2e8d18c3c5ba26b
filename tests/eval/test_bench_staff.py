"""The staff benchmark runs every call it times, on a small SQLite database (no HTTP)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.container import Container
from app.settings import Settings
from eval.bench_staff import TARGETS, Bench, print_table, run_services
from eval.bench_staff_http import QUESTIONS, make_staff
from eval.bench_staff_sql import QueryRecorder, print_slowest
from eval.synth_feedback import load


@pytest.fixture
def small(tmp_path: Path) -> Iterator[Container]:
    """A container on a SQLite file with 300 synthetic feedback."""
    c = Container(Settings(home=tmp_path, environment="test"))
    c.db.migrate()
    load(c.db, 300)
    yield c
    c.close()


@pytest.mark.slow  # a dozen charts drawn: several seconds
def test_every_call_answers_and_the_table_judges_each_target(
    small: Container, capsys: pytest.CaptureFixture[str]
) -> None:
    container = small
    bench = Bench(runs=1, warmup=0)
    recorder = QueryRecorder(container.db.engine)
    run_services(bench, container, make_staff(container), recorder, only=set())
    assert [r for r in bench.results if r.error] == []
    assert {r.group for r in bench.results} == set(TARGETS)
    assert sum(r.label.startswith("ask: ") for r in bench.results) == len(QUESTIONS)
    assert all(r.sql and r.sql[0] > 0 for r in bench.results)
    print_table(bench, 300, (0.0, 0.0))
    print_slowest(container.db, recorder, 3, plans=True)
    out = capsys.readouterr().out
    assert out.count("| yes |") + out.count("| **no** |") == len(bench.results)
    assert "- ask (service, 12 calls): p95" in out
    assert "(EXPLAIN ANALYZE only on PostgreSQL)" in out
