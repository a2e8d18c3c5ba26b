"""``langnghe nlu`` and ``langnghe train nlu`` through click, with the committed models."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from app.cli_nlu import nlu, train_nlu
from nlp.normalize import strip_diacritics

CODE_MESSAGE = "cho hỏi hồ sơ số biên nhận 000.00.24.h29-240315-0012"


def lines(*rows: object) -> str:
    return "".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n"
                   for r in rows)  # fmt: skip


def run_nlu(stdin: str, *args: str) -> list[dict[str, object]]:
    result = CliRunner().invoke(nlu, list(args), input=stdin)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_reads_and_writes_json_lines_in_order(home: Path) -> None:
    out = run_nlu(
        lines(
            {"id": "a", "text": CODE_MESSAGE},
            {"id": "b", "text": strip_diacritics(CODE_MESSAGE), "role": "citizen"},
            {"id": 3, "text": "làm giấy khai sinh cần gì?"},
            {"id": 4, "text": "tuần này phường Hiệp Bình có bao nhiêu phản ánh ngập nước?",
             "role": "official"},
        ),
        "--today", "2026-03-15",
    )  # fmt: skip
    assert out == [
        {"id": "a", "intent": "dossier_status",
         "slots": {"dossier_code": "000.00.24.H29-240315-0012"}},
        {"id": "b", "intent": "dossier_status",
         "slots": {"dossier_code": "000.00.24.H29-240315-0012"}},
        {"id": 3, "intent": "procedure_question", "slots": {"procedure": "birth_registration"}},
        {"id": 4, "intent": "analytics_question",
         "slots": {"category": "thoat_nuoc", "metric": "count", "ward": "Hiệp Bình",
                   "period": "this_week", "channel": None}},
    ]  # fmt: skip


def test_a_bad_line_gives_an_error_and_the_run_goes_on(home: Path) -> None:
    out = run_nlu(
        lines(
            "{broken",
            {"id": 2, "text": ""},
            {"id": 3, "text": "chào bot", "role": "admin"},
            {"id": 4},
            "[1, 2]",
            "",
            {"id": 6, "text": "phản ánh PA-2026-000123 xử lý chưa"},
        )
    )
    assert [o["id"] for o in out] == [None, 2, 3, 4, None, 6]
    assert all("error" in o and "intent" not in o for o in out[:5])
    assert "nlu.bad_json" in str(out[0]["error"])
    assert "nlu.text_missing" in str(out[1]["error"])
    assert "nlu.unknown_role" in str(out[2]["error"])
    assert out[5] == {
        "id": 6,
        "intent": "feedback_status",
        "slots": {"feedback_ref": "PA-2026-000123"},
    }


def test_role_defaults_to_citizen_and_official_is_read(home: Path) -> None:
    text = "có bao nhiêu phản ánh về rác thải tháng này"
    out = run_nlu(lines({"id": 1, "text": text, "role": "official"}, {"id": 2, "text": text}))
    assert out[0]["intent"] == "analytics_question"
    assert out[0]["slots"] == {
        "category": "moi_truong",
        "metric": "count",
        "ward": None,
        "period": "this_month",
        "channel": None,
    }
    assert "error" not in out[1]


def test_bad_today_is_a_usage_error(home: Path) -> None:
    result = CliRunner().invoke(nlu, ["--today", "15/03/2026"], input="")
    assert result.exit_code == 2


def test_missing_model_names_the_rebuild_command(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANGNGHE_MODEL_DIR", str(tmp_path / "no_models"))
    result = CliRunner().invoke(nlu, [], input=lines({"id": 1, "text": "chào bot"}))
    assert result.exit_code == 1
    assert "langnghe train nlu" in result.output


TINY = {
    "greeting_help": ["chào bot", "xin chào ad", "hello bot ơi", "chào bạn nhé", "chào buổi sáng",
                      "bot ơi chào"],
    "dossier_status": ["hồ sơ của tôi sao rồi", "tra cứu hồ sơ giúp", "hồ sơ tới đâu rồi",
                       "kiểm tra hồ sơ của tôi", "hồ sơ xong chưa", "hồ sơ nộp rồi sao chưa có"],
    "submit_feedback": ["đường ngập quá", "rác hôi quá", "karaoke ồn quá", "cúp điện hoài",
                        "ổ gà to quá", "mất nước cả ngày"],
    "feedback_status": ["phản ánh của tôi sao rồi", "phản ánh xử lý chưa", "phản ánh tới đâu",
                        "kết quả phản ánh", "phản ánh đã xong chưa", "theo dõi phản ánh của tôi"],
    "procedure_question": ["làm khai sinh cần gì", "đăng ký kết hôn cần gì", "làm căn cước ở đâu",
                           "khai tử cần gì", "sang tên sổ hồng cần gì", "sao y ở đâu"],
    "analytics_question": ["bao nhiêu phản ánh tuần này", "thống kê phản ánh", "số phản ánh ngập",
                           "bao nhiêu phản ánh rác", "tỷ lệ phản ánh đúng hạn",
                           "thống kê phản ánh tháng"],
    "other": ["cảm ơn", "ok", "bot ngu", "haha", "giá vàng hôm nay", "tạm biệt"],
}  # fmt: skip


@pytest.mark.slow
def test_train_nlu_writes_model_and_card(home: Path, tmp_path: Path) -> None:
    data = tmp_path / "data" / "nlu"
    data.mkdir(parents=True)
    rows = [
        {"id": f"t{i}-{j}", "text": t, "role": "official" if "phản ánh" in t else "citizen",
         "intent": intent, "slots": {}}
        for i, (intent, texts) in enumerate(TINY.items()) for j, t in enumerate(texts)
    ]  # fmt: skip
    (data / "train.jsonl").write_text(lines(*rows), encoding="utf-8")
    (data / "test.jsonl").write_text(lines(*rows[::5]), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(train_nlu, ["--data-dir", str(data), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "test intent accuracy" in result.output
    assert {p.name for p in out.iterdir()} == {"nlu.npz", "nlu.json", "CARD.md"}
    card = (out / "CARD.md").read_text(encoding="utf-8")
    assert "langnghe train nlu" in card and "dossier_code" in card
    meta = json.loads((out / "nlu.json").read_text(encoding="utf-8"))
    assert meta["sources"] == {"nlu_train": len(rows)}  # nothing beside the tiny set to borrow


@pytest.mark.slow
def test_train_nlu_refuses_a_bad_data_line(home: Path, tmp_path: Path) -> None:
    data = tmp_path / "nlu"
    data.mkdir()
    (data / "train.jsonl").write_text(
        lines({"id": 1, "text": "chào", "role": "citizen", "intent": "chitchat"}), "utf-8"
    )
    result = CliRunner().invoke(train_nlu, ["--data-dir", str(data), "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "nlu.bad_data" in result.output
