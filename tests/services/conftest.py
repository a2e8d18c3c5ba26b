"""Fixtures of the services' tests."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from tests.seed_files import copy_heads

ROOT = Path(__file__).resolve().parents[2]


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


POSITIVE = ["giảng viên dạy rất hay", "thầy nhiệt tình và vui tính", "slide đầy đủ dễ hiểu"]
NEGATIVE = ["phòng học nóng quá", "thầy dạy khó hiểu và nhanh", "máy chiếu hư hoài"]
NEUTRAL = ["môn này có bài tập", "thầy cho thi giữa kỳ", "học ở phòng b4"]


@pytest.fixture
def shared(tmp_path: Path) -> Path:
    """The public corpora's file formats with a few hundred made-up rows."""
    root = tmp_path / "shared"
    vsfc = root / "uit_vsfc"
    vsfc.mkdir(parents=True)
    for split, k in (("train", 12), ("dev", 3)):
        rows = [
            {"sentence": f"{t} {split} {i}", "sentiment": s, "topic": "lecturer"}
            for i in range(k)
            for s, texts in (("positive", POSITIVE), ("negative", NEGATIVE), ("neutral", NEUTRAL))
            for t in texts
        ]
        (vsfc / f"UIT-VSFC-{split}.json").write_text(json.dumps(rows, ensure_ascii=False))
    _write_csv(
        root / "aivivn2019_sentiment" / "data.csv",
        ["text", "label"],
        [[f"sản phẩm tốt lắm lần {i}", "0"] for i in range(40)]
        + [[f"hàng lỗi thất vọng lần {i}", "1"] for i in range(40)],
    )
    for split, k in (("train", 30), ("dev", 5)):
        _write_csv(
            root / "vihsd" / f"{split}.csv",
            ["free_text", "label_id"],
            [[f"hôm nay trời đẹp {split} {i}", "0"] for i in range(k)]
            + [[f"đồ ngu câm mồm {split} {i}", "1"] for i in range(k)]
            + [[f"bọn mọi rợ cút về {split} {i}", "2"] for i in range(k)],
        )
    for split, k in (("train", 30), ("valid", 5)):
        _write_csv(
            root / "uit_victsd" / f"ViCTSD_{split}.csv",
            ["", "Comment", "Constructiveness", "Toxicity", "Title", "Topic"],
            [[str(i), f"bài viết hay {split} {i}", "1", "0", "t", "x"] for i in range(k)]
            + [[str(i), f"tác giả ngu si {split} {i}", "0", "1", "t", "x"] for i in range(k)],
        )
    return root


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's own encoder sets, cut to a few lines each (the corpora are cut by limit)."""
    out = tmp_path_factory.mktemp("data")
    for name in ("civic_sentiment", "router_seed", "toxicity"):
        copy_heads(ROOT / "eval" / "data" / name, out / name, lines=12, files=4)
    return out
