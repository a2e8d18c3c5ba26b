from __future__ import annotations

from pathlib import Path

import pytest

from app.container import Container
from core.errors import InvalidInput
from core.types import FeedbackQuery
from services.importer import import_rows, parse_mapping, read_records, read_rows

CSV = """ma,noi_dung,thoi_gian,kenh
F1,Đường Kha Vạn Cân ngập nặng,15/11/2026 08:30,import
F2,Karaoke hát tới 1h sáng ở hẻm 12 đường số 8,2026-11-16 23:10:00,social
F3,,15/11/2026,import
F4,Rác chất đống trước chợ,không phải ngày,import
F5,<b>spam</b>,15/11/2026,import
"""


def _write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_csv_import_with_mapping_is_idempotent_and_reports_rejects(
    container: Container, tmp_path: Path
) -> None:
    container.start()
    mapping = parse_mapping(["id=ma", "text=noi_dung", "received_at=thoi_gian", "channel=kenh"])
    path = _write(tmp_path, "feedback.csv", CSV)
    first = import_rows(container.feedback, read_rows(path, mapping))
    assert (first.read, first.created, first.existing) == (5, 2, 0)
    assert {r["line"]: r["code"] for r in first.rejected} == {
        4: "feedback.text_empty", 5: "import.bad_date", 6: "feedback.text_markup",
    }  # fmt: skip
    again = import_rows(container.feedback, read_rows(path, mapping))
    assert (again.created, again.existing, len(again.rejected)) == (0, 2, 3)
    container.worker.drain()
    stored = container.store.find(FeedbackQuery()).items
    assert {f.channel_message_id for f in stored} == {"F1", "F2"}
    assert {f.channel.value for f in stored} == {"import", "social"}


def test_csv_without_the_text_column_is_refused_whole(tmp_path: Path) -> None:
    path = _write(tmp_path, "bad.csv", "ma,tieu_de\n1,abc\n")
    with pytest.raises(InvalidInput, match="no column 'text'"):
        list(read_rows(path, {}))


def test_jsonl_rows_with_broken_json_or_encoding_are_rejected_not_fatal(
    container: Container, tmp_path: Path
) -> None:
    container.start()
    content = (
        '{"id": "j1", "text": "Mất nước từ sáng ở Linh Trung"}\n{not json}\n["a list"]\n'.encode()
        + b'{"id": "j2", "text": "ng\xe1\xba p"}\n'
        + '{"text": "Không có id: một mã băm làm id", "channel": "social"}\n'.encode()
    )
    path = _write(tmp_path, "posts.jsonl", content)
    report = import_rows(container.feedback, read_rows(path, {}), default_channel="social")
    assert report.created == 2
    assert sorted(r["code"] for r in report.rejected) == [
        "import.encoding", "import.unreadable_row", "import.unreadable_row",
    ]  # fmt: skip
    rerun = import_rows(container.feedback, read_rows(path, {}), default_channel="social")
    assert rerun.created == 0 and rerun.existing == 2


@pytest.mark.parametrize("pair", ["text", "nothing=col", "text="])
def test_bad_mapping_is_refused(pair: str) -> None:
    with pytest.raises(InvalidInput):
        parse_mapping([pair])


@pytest.mark.parametrize(
    ("fmt", "raw", "expected"),
    [
        (
            "csv",
            'ma,noi_dung\nF1,"Cống nghẹt,\nnước tràn vào nhà"\nF2,Đèn đường tắt,thừa\nF3,Ổ gà\n',
            [(3, "F1", None), (4, None, "row has more cells than the header"), (5, "F3", None)],
        ),
        (
            "jsonl",
            '{"ma": "F1", "noi_dung": "Ngập đường"}\n\n{hỏng}\n["F2"]\n{"ma": "F3"}\n',
            [
                (1, "F1", None),
                (3, None, "malformed JSON: Expecting property name enclosed in double quotes"),
                (4, None, "line is not a JSON object"),
                (5, "F3", None),
            ],
        ),
    ],
)
def test_read_records_numbers_lines_and_says_why_a_line_is_unreadable(
    fmt: str, raw: str, expected: list[tuple[int, str | None, str | None]]
) -> None:
    rows = list(read_records(raw, fmt))
    assert [(r.line, r.fields.get("ma"), r.error) for r in rows] == expected


def test_read_records_checks_the_csv_header_before_any_row() -> None:
    seen: list[list[str]] = []
    rows = read_records("ma,noi_dung,thoi_gian\nF1,Mất điện,15/11/2026\n", "csv", seen.append)
    assert seen == []  # nothing is read until iteration starts
    assert [r.line for r in rows] == [2]
    assert seen == [["ma", "noi_dung", "thoi_gian"]]
