"""What staff corrections teach the router: macro-F1 before and after training on them.

    python eval/router_corrections_eval.py --db sqlite:///var/langnghe.db   # stored corrections
    python eval/router_corrections_eval.py --db var/langnghe.db             # a SQLite file
    python eval/router_corrections_eval.py --generate 600 [--seed 7]        # generated ones

*Before* is the router in ``--model-dir`` (what ``langnghe train router`` builds from the seed
set). *After* is trained the same way on the seed set plus the training part of the
corrections (``langnghe train router --with-corrections``), in a temporary folder. Both are
measured on (a) the seed set's held-out fifth and (b) the corrections' held-out fifth, which
neither model was trained on (both split by a hash of the text), and (c) on those held-out
corrections the model before got wrong (staff had to change them). Generated corrections
(``eval/synth_corrections.py``) share phrases between their parts: (b) and (c) are optimistic
on them.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.reference import ReferenceData
from eval.synth_corrections import generate
from nlp.linear_training import Example, evaluate, load_examples
from services.training import (
    correction_examples,
    evaluate_router,
    router_data,
    router_predictor,
    train_router_files,
)
from stores.sql.case_store import SqlCaseStore
from stores.sql.db import Database

SEED_DIR = ROOT / "eval" / "data" / "router_seed"


def stored_corrections(db: str, reference: ReferenceData) -> list[Example]:
    url = db if "://" in db else f"sqlite:///{Path(db).resolve()}"
    database = Database(url)
    try:
        rows = SqlCaseStore(database).corrections()
    finally:
        database.dispose()
    return correction_examples(rows, reference.category_codes)


def wrong_before(model_dir: Path, reference: ReferenceData, examples: list[Example]
                 ) -> list[Example]:  # fmt: skip
    predict = router_predictor(model_dir, reference)
    said = predict([e.text for e in examples])
    return [e for e, (label, _) in zip(examples, said, strict=True) if label != e.label]


def row(name: str, before: dict[str, Any] | None, after: dict[str, Any] | None,
        examples: list[Example] | None = None) -> str:  # fmt: skip
    """A table row; with ``examples``, macro-F1 averages only the categories they contain
    (a small subset lacks most categories, whose F1 would count as 0)."""
    if not before or not after:
        return f"| {name} | 0 | – | – | – | – |"
    f1 = [_macro(m, examples) for m in (before, after)]
    return (f"| {name} | {before['n']} | {f1[0]:.3f} | {f1[1]:.3f} | "
            f"{before['accuracy']:.3f} | {after['accuracy']:.3f} |")  # fmt: skip


def _macro(m: dict[str, Any], examples: list[Example] | None) -> float:
    if examples is None:
        return float(m["macro_f1"])
    present = {e.label for e in examples}
    return sum(m["per_class_f1"][c] for c in present) / len(present)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", help="SQLAlchemy URL or SQLite file holding routing corrections")
    ap.add_argument("--generate", type=int, default=600, help="generated corrections (no --db)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--model-dir", type=Path, default=ROOT / "models" / "router")
    ap.add_argument("--seed-dir", type=Path, default=SEED_DIR)
    args = ap.parse_args()
    reference = ReferenceData.load()
    if args.db:
        corrections, source = stored_corrections(args.db, reference), f"database {args.db}"
    else:
        corrections = generate(args.generate, args.seed)
        source = f"generated (eval/synth_corrections.py, seed {args.seed}; optimistic)"
    data = router_data(load_examples(args.seed_dir), corrections)
    classes = reference.category_codes
    changed = wrong_before(args.model_dir, reference, data.held_out_corrections)
    before = evaluate_router(args.model_dir, reference, data.held_out, data.held_out_corrections)
    before["changed"] = changed and evaluate(
        router_predictor(args.model_dir, reference), changed, classes
    )
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "router"
        after = train_router_files(args.seed_dir, out, reference, corrections)["metrics"]
        after["changed"] = changed and evaluate(router_predictor(out, reference), changed, classes)
    print(f"Corrections: {len(corrections)} distinct texts, {source}; "
          f"{len(corrections) - len(data.held_out_corrections)} trained on, "
          f"{len(data.held_out_corrections)} held out.\n")  # fmt: skip
    print("| set | n | macro-F1 before | macro-F1 after | accuracy before | accuracy after |")
    print("|---|---|---|---|---|---|")
    print(row("(a) seed held-out", before["held_out"], after["held_out"]))
    print(row("(a) seed held-out, no diacritics", before["held_out_without_diacritics"],
              after["held_out_without_diacritics"]))  # fmt: skip
    print(row("(b) held-out corrections", before.get("held_out_corrections"),
              after.get("held_out_corrections"), data.held_out_corrections))  # fmt: skip
    print(row("(c) of which the model before got wrong", before["changed"], after["changed"],
              changed))  # fmt: skip
    print("\n(b) and (c): macro-F1 over the categories present in the set.")


if __name__ == "__main__":
    main()
