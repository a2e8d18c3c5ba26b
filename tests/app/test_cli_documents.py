"""``langnghe index`` and ``langnghe search`` through click, on a fresh LANGNGHE_HOME.

These run the real container, so documents and queries are embedded with e5 (about 3 s per
test that embeds on a 2-core machine); the documents are small and the commands few.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from app.cli import main

HD_03 = """ỦY BAN NHÂN DÂN PHƯỜNG HIỆP BÌNH
Số: 03/HD-UBND
HƯỚNG DẪN
Thủ tục đăng ký khai sinh
I. TRÌNH TỰ THỰC HIỆN
Người đi đăng ký khai sinh nộp hồ sơ tại Trung tâm Phục vụ hành chính công phường hoặc nộp
trực tuyến trên Cổng Dịch vụ công quốc gia.
II. THÀNH PHẦN HỒ SƠ
Thành phần hồ sơ gồm: tờ khai đăng ký khai sinh theo mẫu; giấy chứng sinh do cơ sở y tế cấp;
thẻ căn cước của người đi đăng ký khai sinh.
"""
CT_02 = """ỦY BAN NHÂN DÂN PHƯỜNG HIỆP BÌNH
Số: 02/CT-UBND
CHỈ THỊ
Về chấn chỉnh tiếng ồn karaoke
Các cơ sở karaoke không được gây ồn sau 22 giờ. Khi nhận phản ánh về karaoke gây ồn sau 22 giờ,
tổ tuần tra có mặt tại địa điểm trong vòng 30 phút.
"""
SUMMARY = re.compile(
    r"documents: (\d+)  indexed: (\d+)  unchanged: (\d+)  chunks: (\d+)  failed: (\d+)"
)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "vanban"
    root.mkdir()
    (root / "hd-03.txt").write_text(HD_03, encoding="utf-8")
    (root / "ct-02.md").write_text(CT_02, encoding="utf-8")
    (root / "scan.pdf").write_bytes(b"PK\x03\x04 a zip, not a pdf")
    return root


def invoke(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(main, list(args), input=stdin)


def summary(result: Result) -> dict[str, int]:
    found = SUMMARY.search(result.stdout)
    assert found is not None, result.output
    keys = ("documents", "indexed", "unchanged", "chunks", "failed")
    return dict(zip(keys, map(int, found.groups()), strict=True))


def assert_one_line_error(result: Result, text: str) -> None:
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)  # handled: no exception escaped click
    assert "Traceback" not in result.output
    assert result.stderr.strip().splitlines() == [f"Error: {text}"]


def test_a_missing_path_is_one_line_and_exit_code_1(home: Path, tmp_path: Path) -> None:
    missing = tmp_path / "khong-co"
    result = invoke("index", str(missing))
    assert_one_line_error(result, f"[index.not_found] {missing}: no such file or folder")


def test_only_broken_files_exit_1_with_their_reasons(home: Path, folder: Path) -> None:
    result = invoke("index", str(folder / "scan.pdf"))
    assert result.exit_code == 1
    assert summary(result) == {"documents": 1, "indexed": 0, "unchanged": 0, "chunks": 0,
                               "failed": 1}  # fmt: skip
    assert f"failed {folder / 'scan.pdf'} [index.wrong_type]" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["index"], "give files or folders, --jsonl FILE, or --delete DOC_ID"),
        (["search"], "give a QUERY or --jsonl FILE (one of them)"),
        (["search", "khai sinh", "--jsonl", "-"], "give a QUERY or --jsonl FILE (one of them)"),
    ],
)
def test_usage_errors(home: Path, args: list[str], message: str) -> None:
    result = invoke(*args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_index_a_folder_twice_then_delete(home: Path, folder: Path) -> None:
    first = invoke("index", str(folder))
    assert first.exit_code == 0, first.output
    counts = summary(first)
    assert (counts["documents"], counts["indexed"], counts["unchanged"]) == (3, 2, 0)
    assert counts["failed"] == 1 and counts["chunks"] >= 2
    assert re.search(r"^time: read \d+\.\ds  chunk .* store \d+\.\ds$", first.stdout, re.M)
    assert (home / "var" / "qdrant").is_dir()

    again = invoke("index", str(folder))
    assert again.exit_code == 0, again.output
    assert summary(again) | {"chunks": 0} == {"documents": 3, "indexed": 0, "unchanged": 2,
                                              "chunks": 0, "failed": 1}  # fmt: skip

    deleted = invoke("index", "--delete", "vanban/ct-02.md")
    assert deleted.exit_code == 0, deleted.output
    assert re.fullmatch(r"deleted vanban/ct-02\.md: \d+ chunks\n", deleted.stderr)
    unknown = invoke("index", "--delete", "vanban/ct-02.md")
    assert_one_line_error(
        unknown, "[index.document_not_found] no indexed document 'vanban/ct-02.md'"
    )


def test_index_jsonl_then_search_as_text_and_as_json_lines(home: Path, tmp_path: Path) -> None:
    records = tmp_path / "vanban.jsonl"
    good = [
        {"id": "hd-03", "text": HD_03, "metadata": {"issued_on": "2026-02-24"}},
        {"id": "ct-02", "text": CT_02},
    ]
    lines = [json.dumps(r, ensure_ascii=False) for r in good] + ['{"id": "hỏng"']
    records.write_text("\n".join(lines) + "\n", encoding="utf-8")
    indexed = invoke("index", "--jsonl", str(records))
    assert indexed.exit_code == 0, indexed.output
    assert summary(indexed)["indexed"] == 2 and summary(indexed)["failed"] == 1
    assert f"[index.bad_record] {records}:3: not a JSON line" in indexed.stdout

    found = invoke("search", "thành phần hồ sơ đăng ký khai sinh", "--limit", "2")
    assert found.exit_code == 0, found.output
    out = found.stdout.splitlines()
    assert re.fullmatch(
        r"1\. \[\d\.\d{3}\] Hướng dẫn 03/HD-UBND, Mục II  \(2026-02-24, hd-03\)", out[0]
    )
    assert out[1] == "   Hướng dẫn 03/HD-UBND thủ tục đăng ký khai sinh"  # title from the text
    assert "«khai» «sinh»" in out[2]
    assert len([line for line in out if re.match(r"\d+\. ", line)]) <= 2

    queries = "\n".join(
        [
            json.dumps({"id": 1, "query": "karaoke gây ồn sau 22 giờ"}, ensure_ascii=False),
            "{không phải json",
            json.dumps({"id": "q3", "query": "?!..."}),
            json.dumps({"id": "q4", "text": "thiếu query"}, ensure_ascii=False),
        ]
    )
    answered = invoke("search", "--jsonl", "-", "--limit", "3", stdin=queries + "\n")
    assert answered.exit_code == 0, answered.output
    rows = [json.loads(line) for line in answered.stdout.splitlines()]
    assert [r["id"] for r in rows] == [1, None, "q3", "q4"]
    hits = rows[0]["hits"]
    assert hits[0]["doc_id"] == "ct-02" and len(hits) <= 3
    assert {"doc_id", "path", "score", "snippet", "citation"} == set(hits[0])
    assert hits[0]["citation"] == "Chỉ thị 02/CT-UBND" and "karaoke" in hits[0]["snippet"]
    assert [r["hits"] for r in rows[1:]] == [[], [], []]
    assert rows[1]["error"].startswith("line 2: [search.bad_record] ")
    assert (
        rows[2]["error"]
        == "line 3: [search.query_no_words] the search query has no letters or digits"
    )
    assert rows[3]["error"] == "line 4: [search.bad_record] 'query' must be a string"
