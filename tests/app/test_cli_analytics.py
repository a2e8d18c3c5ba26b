"""``langnghe analytics …`` in process on a SQLite file under LANGNGHE_HOME."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

from click.testing import CliRunner

from app.cli import main
from core.types import LOCAL_TZ
from stores.sql.db import Database
from tests.analytics_factories import add_reports, report


def _run(args: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, args)
    return result.exit_code, result.stdout, result.stderr


def _database(home: Path) -> Database:
    db = Database(f"sqlite:///{home / 'var' / 'langnghe.db'}")
    db.migrate()
    return db


def test_rebuild_ask_alerts_and_forecast(home: Path, tmp_path: Path) -> None:
    code, _, err = _run(["db", "upgrade"])
    assert code == 0, err
    db = _database(home)
    day = datetime(2026, 11, 27, 8, tzinfo=LOCAL_TZ)
    reports = [report(day - timedelta(days=n)) for n in range(3, 30)]  # one a day
    add_reports(db, reports + [report(day + timedelta(minutes=m)) for m in range(8)])
    db.dispose()
    code, out, err = _run(["analytics", "rebuild", "--since", "2026-10-01"])
    assert (code, out.strip()) == (0, "daily aggregates rebuilt: 28 rows"), err
    chart = tmp_path / "chart.png"
    question = "tuần này có bao nhiêu phản ánh về ngập nước?"
    code, out, _ = _run(["analytics", "ask", question, "--today", "2026-11-27", "--chart",
                         str(chart)])  # fmt: skip
    assert code == 0 and out.splitlines()[1] == "Có 10 phản ánh."
    assert chart.read_bytes().startswith(b"\x89PNG")
    code, out, _ = _run(["analytics", "ask", "mấy giờ rồi?", "--json"])
    assert code == 0 and json.loads(out)["answered"] is False
    code, out, err = _run(["analytics", "alerts", "--today", "2026-11-27"])
    assert code == 0 and "1 new alert(s)" in err
    assert out.startswith("⚠️ Phản ánh tăng đột biến: Ngập nước, thoát nước ở phường Hiệp Bình")
    code, out, _ = _run(["analytics", "forecast", "--category", "thoat_nuoc",
                         "--today", "2026-11-27"])  # fmt: skip
    assert code == 0 and len(json.loads(out)["forecast"]) == 7
    code, _, err = _run(["analytics", "forecast", "--category", "nope"])
    assert code == 1 and "unknown category" in err
