"""Varied civic messages for benchmarks, derived from the seed set (deterministic).

Each message is a seed text with some of: diacritics removed, a ward or street added, emoji,
teencode, a greeting, repetition into a longer post. Used for speed, not for quality.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from nlp.normalize import strip_diacritics

SEED = Path(__file__).resolve().parent / "data" / "router_seed"
PLACES = [
    "P. Hiệp Bình Chánh", "phường Linh Xuân", "hẻm 48 Đặng Văn Bi", "đường Kha Vạn Cân",
    "p.Thảo Điền", "Q9", "khu phố 3 phường Tăng Nhơn Phú", "gần chợ Thủ Đức", "Long Trường",
]  # fmt: skip
EXTRAS = [
    " 😡😡",
    " mn ơi",
    " ai đi qua cẩn thận nha",
    " đề nghị xử lý gấp",
    " #thuduc",
    " ko ai xử lý",
]
GREETINGS = ["Kính gửi UBND, ", "Ad ơi ", "Xin chào, ", ""]


def seed_texts() -> list[str]:
    return [
        json.loads(line)["text"]
        for path in sorted(SEED.glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def varied_messages(n: int, seed: int = 7) -> list[dict[str, object]]:
    rng = random.Random(seed)
    base = seed_texts()
    out = []
    for i in range(n):
        text = rng.choice(base)
        if rng.random() < 0.3:
            text = f"{text} ở {rng.choice(PLACES)}"
        if rng.random() < 0.3:
            text = rng.choice(GREETINGS) + text + rng.choice(EXTRAS)
        if rng.random() < 0.1:
            text = " ".join([text, rng.choice(base), rng.choice(base)])
        if rng.random() < 0.25:
            text = strip_diacritics(text)
        out.append({"id": i, "text": text[:4000]})
    return out
