"""The ``langnghe`` command, run as a real subprocess from another directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from nlp.normalize import strip_diacritics

LANGNGHE = str(Path(sys.executable).with_name("langnghe"))
FLOOD = "Đường Võ Văn Ngân ngập sâu sau cơn mưa chiều nay"


def run(args: list[str], tmp_path: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LANGNGHE_HOME": str(tmp_path), "LANGNGHE_LOG_LEVEL": "WARNING"}
    return subprocess.run(
        [LANGNGHE, *args], input=stdin, capture_output=True, text=True, cwd=tmp_path, env=env,
        timeout=300, check=False,
    )  # fmt: skip


@pytest.mark.integration
def test_analyze_routes_the_issue_example_with_and_without_diacritics(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": 1, "text": FLOOD}, ensure_ascii=False),
        json.dumps({"id": 2, "text": strip_diacritics(FLOOD)}),
        "",
        "{broken",
        json.dumps({"id": 4, "text": ""}),
    ]
    proc = run(["analyze"], tmp_path, "\n".join(lines) + "\n")
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [o["id"] for o in out] == [1, 2, None, 4]
    for o in out[:2]:
        assert o["category"] == "thoat_nuoc"
        assert o["department"]
        assert 0 < o["confidence"] <= 1
        assert len(o["alternatives"]) == 3
        assert o["explanation"]
    assert out[2]["error"]["code"] == "analyze.bad_json"
    assert out[3]["error"]["code"] == "feedback.text_empty"


@pytest.mark.integration
@pytest.mark.slow
def test_analyze_streams_a_large_input_in_batches(tmp_path: Path) -> None:
    lines = "".join(
        json.dumps(
            {"id": i, "text": f"Rác thải chất đống ở hẻm {i} đường số 8"}, ensure_ascii=False
        )
        + "\n"
        for i in range(3000)
    )
    proc = run(["analyze", "--batch-size", "500"], tmp_path, lines)
    assert proc.returncode == 0, proc.stderr
    ids = [json.loads(line)["id"] for line in proc.stdout.splitlines()]
    assert ids == list(range(3000))


@pytest.mark.integration
def test_import_cli_summary_rejects_file_and_rerun(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("ma,noi_dung\nA1,Mất điện cả khu phố 3 từ sáng\nA2,\n", encoding="utf-8")
    args = ["import", str(src), "--map", "id=ma", "--map", "text=noi_dung", "--channel", "social"]
    first = run(args, tmp_path)
    assert first.returncode == 0, first.stderr
    assert "1 imported, 0 already present, 1 rejected" in first.stdout
    rejected = [
        json.loads(x) for x in (tmp_path / "in.csv.rejected.jsonl").read_text().splitlines()
    ]
    assert rejected[0]["line"] == 3 and rejected[0]["code"] == "feedback.text_empty"
    second = run(args, tmp_path)
    assert "0 imported, 1 already present" in second.stdout
    assert (tmp_path / "var" / "langnghe.db").is_file()


@pytest.mark.integration
def test_import_of_a_csv_without_text_column_fails_clearly(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("a,b\n1,2\n", encoding="utf-8")
    proc = run(["import", str(src)], tmp_path)
    assert proc.returncode == 1
    assert "import.missing_column" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.integration
def test_missing_model_names_the_command_that_rebuilds_it(tmp_path: Path) -> None:
    env_model = tmp_path / "no-models"
    env_model.mkdir()
    proc = subprocess.run(
        [LANGNGHE, "analyze"], input="", capture_output=True, text=True, cwd=tmp_path,
        env={**os.environ, "LANGNGHE_HOME": str(tmp_path), "LANGNGHE_MODEL_DIR": str(env_model)},
        timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 1
    assert "langnghe train router" in proc.stderr


@pytest.mark.integration
def test_a_missing_encoder_names_its_command_unless_it_is_switched_off(tmp_path: Path) -> None:
    models = tmp_path / "models"
    models.mkdir()
    for model in (Path(__file__).resolve().parents[2] / "models").iterdir():
        if model.name != "encoder":
            (models / model.name).symlink_to(model)
    env = {**os.environ, "LANGNGHE_HOME": str(tmp_path), "LANGNGHE_MODEL_DIR": str(models)}
    line = json.dumps({"id": 1, "text": FLOOD}, ensure_ascii=False) + "\n"
    missing = subprocess.run(
        [LANGNGHE, "analyze"], input=line, capture_output=True, text=True, cwd=tmp_path,
        env=env, timeout=120, check=False,
    )  # fmt: skip
    assert missing.returncode == 1
    assert "langnghe train encoder" in missing.stderr
    off = subprocess.run(
        [LANGNGHE, "analyze"], input=line, capture_output=True, text=True, cwd=tmp_path,
        env={**env, "LANGNGHE_ENCODER": "false"}, timeout=120, check=False,
    )  # fmt: skip
    assert off.returncode == 0, off.stderr
    assert json.loads(off.stdout)["category"] == "thoat_nuoc"


@pytest.mark.integration
@pytest.mark.slow
def test_analyze_on_several_processes_keeps_order_and_results(tmp_path: Path) -> None:
    lines = "".join(
        json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n"
        for i, t in enumerate(["Mất điện cả khu phố", "Karaoke ồn tới 2h sáng", FLOOD] * 40)
    )
    one = run(["analyze", "--workers", "1", "--batch-size", "7"], tmp_path, lines)
    two = run(["analyze", "--workers", "2", "--batch-size", "7"], tmp_path, lines)
    assert one.returncode == two.returncode == 0, two.stderr
    assert one.stdout == two.stdout
    assert [json.loads(x)["id"] for x in two.stdout.splitlines()] == list(range(120))
