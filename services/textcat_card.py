"""The model card (``CARD.md``) of a text categorizer: data and licenses, model, metrics, limits.

``card`` renders the card from the training info, the metrics per evaluation set and the
trained model; ``table`` and ``metrics_section`` are reused by the encoder's evaluation.

    >>> text = card("spam", info, metrics, model)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from services.textcat_data import rebuild_of

_PURPOSE = {
    "sentiment": "whether a message is negative, neutral or positive (complaint, question, thanks)",
    "toxicity": "whether a message is clean, offensive or hateful (moderation of public replies)",
    "spam": "whether a message is spam or advertising (loans, betting, ads, crypto) or not",
    "relevance": "whether a social-media post is about a city problem at all",
    "vsfc_topic": "the topic of a student's feedback (UIT-VSFC); a benchmark of the machinery only",
}
_RESEARCH = "research use only"
_SOURCES = {
    "uit_vsfc": ("UIT-VSFC train split, students' feedback (Nguyen et al., KSE 2018)", _RESEARCH),
    "uit_vsfc_topic": ("UIT-VSFC train split, topic labels (Nguyen et al., KSE 2018)", _RESEARCH),
    "aivivn2019": (
        "AIVIVN 2019 product reviews (0 positive / 1 negative), less a fixed tenth by hash",
        "no license stated; treated as research use only",
    ),
    "civic_sentiment": (
        "`eval/data/civic_sentiment/`, citizens' messages written by the langnghe developers, "
        "less its held-out fifth",
        "GPL-3.0-or-later",
    ),
    "civic_toxicity": (
        "`eval/data/toxicity/`, citizens' messages (angry but clean, profane, abusive) written by "
        "the langnghe developers with ViHSD's label definitions, less its held-out fifth",
        "GPL-3.0-or-later",
    ),
    "vihsd": ("ViHSD train split, social comments (Luu et al., IEA/AIE 2021)", _RESEARCH),
    "uit_victsd": (
        "UIT-ViCTSD train split, news comments, toxic → offensive (Nguyen et al., 2021)",
        _RESEARCH,
    ),
    "spam_seed": (
        "`eval/data/spam/`, written by the langnghe developers, less its held-out fifth",
        "GPL-3.0-or-later",
    ),
    "relevance_seed": (
        "`eval/data/relevance/`, written by the langnghe developers, less its held-out fifth",
        "GPL-3.0-or-later",
    ),
    "router_seed": (
        "`eval/data/router_seed/` except category `khac` (civic complaints), as "
        "not_spam / relevant",
        "GPL-3.0-or-later",
    ),
    "router_seed_clean": (
        "`eval/data/router_seed/` except `khac`, less its held-out fifth, as clean",
        "GPL-3.0-or-later",
    ),
    "uit_vsfc_as_irrelevant": ("UIT-VSFC train sentences (every 7th) as irrelevant", _RESEARCH),
    "aivivn2019_as_irrelevant": (
        "AIVIVN 2019 reviews (every 7th of the training part) as irrelevant",
        "no license stated; treated as research use only",
    ),
}


def table(head: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


def metrics_section(name: str, m: dict[str, Any]) -> str:
    classes = list(m["per_class_f1"])
    per_class = table(
        ["class", "F1", "recall"],
        [(c, f"{m['per_class_f1'][c]:.3f}", f"{m['per_class_recall'][c]:.3f}") for c in classes],
    )
    confusions = table(
        ["true", "predicted", "count"],
        [(x["true"], x["predicted"], x["count"]) for x in m["worst_confusions"][:5]]
        or [("–", "–", 0)],
    )
    reliability = table(
        ["confidence bin", "n", "mean confidence", "accuracy"],
        [(b["bin"], b["n"], f"{b['confidence']:.3f}", f"{b['accuracy']:.3f}")
         for b in m["reliability"]],
    )  # fmt: skip
    return (
        f"### {name}\n{m['note']}.\n\n{per_class}\n\nWorst confusions:\n\n{confusions}\n\n"
        f"Reliability:\n\n{reliability}\n"
    )


def card(task: str, info: dict[str, Any], metrics: dict[str, Any], model: Any) -> str:
    """The model card: data and licenses, model, metrics per evaluation set, limits."""
    sources = table(
        ["source", "examples", "weight", "license / terms"],
        [
            (_SOURCES[s][0], f"{n:,}", info["source_weights"][s], _SOURCES[s][1])
            for s, n in info["sources"].items()
        ],
    )
    research = any(_SOURCES[s][1] != "GPL-3.0-or-later" for s in info["sources"])
    license_text = (
        "**Research use only.** The weights are derived from corpora distributed for research "
        "purposes (see the table); they are not GPL data. Use this model for research and "
        "evaluation; a production deployment needs the corpus owners' consent or a model "
        "retrained on the project's own data."
        if research
        else "GPL-3.0-or-later, like the project: only the project's own data is used."
    )
    summary = table(
        ["set", "n", "accuracy", "macro-F1", "ECE"],
        [
            (name, m["n"], f"{m['accuracy']:.3f}", f"{m['macro_f1']:.3f}", f"{m['ece']:.3f}")
            for name, m in metrics.items()
        ],
    )
    cv = ", ".join(f"{k} {v:.3f}" for k, v in info["cv_macro_f1"].items())
    sections = "\n".join(metrics_section(name, m) for name, m in metrics.items())
    return f"""# Model card: {task} (`models/{task}`)

Tells {_PURPOSE[task]}. Classes: {", ".join(f"`{c}`" for c in model.classes)}.

- **Version**: `{model.version}` (trained {info["trained_at"]})
- **Rebuild**: `{rebuild_of(task)}` (until it is wired: `python -m services.train_textcat {task}`);
  reads `eval/data/` and the public corpora in `../shared/data` (never copied here).
- **Model**: TF-IDF over syllables and syllable bigrams as written and without diacritics,
  character 3–5-grams without diacritics (analyzer `{info["analyzer"]}`) and surface cues
  (length, emoji, emoticons, links, phone numbers) — feature set `{info["feature_set"]}`,
  {info["features"]:,} features; one-vs-rest linear classifier `{info["estimator"]}` chosen by
  5-fold cross-validation on the training data (macro-F1: {cv}); `nb-` means naive-Bayes-scaled
  features (NB-SVM). Softmax temperature {model.temperature:.3f} fitted on out-of-fold scores.
  Every training text is also used with its diacritics removed.
- **Files**: `{task}.npz` (weights), `{task}.json` (classes, vocabulary, temperature, checksum).
  Inference needs numpy only (`nlp.textcat.TextCategorizer`).
- **License**: {license_text}

## Training data
{info["train_examples"]:,} examples (before the diacritic-free copies):

{sources}

Label counts: {", ".join(f"{k} {v:,}" for k, v in sorted(info["label_counts"].items()))}.
Sample weights multiply the balanced class weights.

{_NOTES[task]}

## Metrics
Never trained on: dev splits of the public corpora and the held-out fifth of our own sets
(chosen by a hash of each text, `nlp.linear_training.is_held_out`). The candidate estimators,
source weights and surface features were chosen by looking at these same sets (there is no
separate test set here), so the numbers are slightly optimistic.

{summary}

{sections}
## Limits
{_LIMITS[task]}
"""


_NOTES = {
    "sentiment": "Labels of the civic set: `negative` reports a problem or dissatisfaction "
    "(including sarcastic thanks), `neutral` asks a question, gives information or suggests "
    "without complaint, `positive` thanks or praises. Targets given to this model on dev: "
    "UIT-VSFC accuracy ≥ 0.93 and macro-F1 ≥ 0.82, AIVIVN macro-F1 ≥ 0.92.",
    "toxicity": "Target given to this model: ViHSD dev macro-F1 ≥ 0.68. The router seed part "
    "teaches the model that civil complaints about crime, fights or insults are clean.",
    "spam": "The not_spam set deliberately mentions loans, banks, land, prices, phone numbers, "
    "links, betting dens and ad flyers in legitimate complaints and questions.",
    "relevance": "Relevant: any post about a city matter (streets, flooding, garbage, noise, "
    "utilities, security, procedures, thanks to the authorities). Irrelevant: recipes, "
    "gossip, sport, selling, memes, diaries, reviews, local shops and cafés.",
    "vsfc_topic": "Target given to this benchmark: UIT-VSFC dev accuracy ≥ 0.89.",
}

_LIMITS = {
    "sentiment": "The public corpora are students' course feedback and product reviews: the "
    "civic set is small, so complaints phrased unlike it may be misread. UIT-VSFC's neutral "
    "class is small and noisy; neutral is the weakest class everywhere. A complaint is "
    "negative by construction here; sarcasm is mostly missed.",
    "toxicity": "ViHSD and ViCTSD are comments on social media and news, not messages to a "
    "city; offensive vs hate is subjective and the weakest distinction. Profanity written with "
    "unusual spelling or emoji only is often missed. Use it to flag, not to reject, messages.",
    "spam": "The spam set is hand-written from common patterns (loans, betting, real estate, "
    "products, crypto, SIM numbers); new scams will look different. Legitimate messages that "
    "quote prices, banks or phone numbers are in the set, but few.",
    "vsfc_topic": "Not used by the pipeline: it only shows how the shared features and "
    "estimators do on a public topic benchmark.",
    "relevance": "Irrelevant posts are a hand-written set plus student feedback and product "
    "reviews; news headlines about crime or accidents elsewhere may look relevant. Use it to "
    "filter social-media imports for staff, not to drop citizens' direct messages.",
}
