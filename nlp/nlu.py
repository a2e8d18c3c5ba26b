"""The chatbot's understanding of one message: an intent and its slots.

Citizens and officials write to one bot on Telegram, Zalo and web chat; the dialogue needs to
know what they want (``intent``) and the facts it needs (``slots``). Codes, references,
procedures and bot commands are found by deterministic extractors (``nlp.nlu_slots``), which
are certain; the intent comes from a calibrated linear model (``nlp.linear``) over
diacritic-insensitive syllable and character n-grams, in which codes are placeholders. Rules
override the model where they are certain: a bot command, a whole message from a short list
("chào bot ạ", "ok cảm ơn"), a dossier code in anything but a complaint (→ ``dossier_status``),
a feedback reference likewise (→ ``feedback_status``).

Slots, omitted when absent: ``dossier_code`` and ``feedback_ref`` (canonical), ``procedure``
(catalogue key, from its aliases), ``category`` (for ``submit_feedback`` the category router's
prediction when confident; for ``analytics_question`` the category named by keywords).

    >>> parser = NluParser.load(Path("models/nlu"), ReferenceData.load())
    >>> result = parser.parse("hồ sơ h29.202-250315-0012 của tôi tới đâu rồi?")
    >>> result.intent, result.slots
    ('dossier_status', {'dossier_code': 'H29.202-250315-0012'})
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from core.errors import InvalidInput, ModelUnavailable
from core.reference import ReferenceData
from nlp.analytics_query import parse_analytics
from nlp.linear import LinearTextModel
from nlp.nlu_slots import (
    CategoryMatcher,
    Lexicon,
    PhraseMatcher,
    Prepared,
    ProcedureMatcher,
    features,
    load_lexicon,
    prepare,
)
from nlp.router import CategoryRouter

log = logging.getLogger(__name__)

STEM = "nlu"
REBUILD = "langnghe train nlu"
#: Version of ``nlu_slots.features``; a model trained on another one is refused.
FEATURE_SET = "nlu-1"

INTENTS = (
    "greeting_help",
    "dossier_status",
    "submit_feedback",
    "feedback_status",
    "procedure_question",
    "analytics_question",
    "other",
)
ROLES = ("citizen", "official")


@dataclass(frozen=True, slots=True)
class NluResult:
    """What a message asks for; ``confidence`` is 1.0 when a rule decided the intent."""

    intent: str
    confidence: float
    slots: dict[str, str] = field(default_factory=dict)


def procedure_matcher(reference: ReferenceData, lexicon: Lexicon) -> ProcedureMatcher:
    """Catalogue procedures by name and aliases (and the lexicon's chat phrasings, papers)."""
    keys = {p.key for p in reference.procedures}
    aliases = [(a, p.key) for p in reference.procedures for a in (p.name_vi, *p.aliases_vi)]
    aliases += [(a, k) for k, more in lexicon.procedure_aliases.items() if k in keys for a in more]
    papers = [(a, k) for k, more in lexicon.procedure_papers.items() if k in keys for a in more]
    return ProcedureMatcher(PhraseMatcher(aliases), PhraseMatcher(papers))


def category_matcher(lexicon: Lexicon, reference: ReferenceData) -> CategoryMatcher:
    """Category keywords; ward names are hidden ("Long Trường" does not name a school)."""
    wards = [w.name for w in reference.wards]
    wards += [f.name for w in reference.wards for f in w.former_wards]
    return lexicon.categories(wards)


@dataclass(frozen=True)
class NluFeaturizer:
    """Everything deterministic: preparing a message, its slots by keywords, its features.

    Shared by the parser and the training, so both see the same features.

        >>> featurizer = NluFeaturizer.from_reference(ReferenceData.load())
        >>> prep = featurizer.prepare("làm giấy khai sinh cần gì?")
        >>> featurizer.procedure(prep), "x:procedure" in featurizer.features(prep, "citizen")
        ('birth_registration', True)
    """

    lexicon: Lexicon
    procedures: ProcedureMatcher
    categories: CategoryMatcher

    @classmethod
    def from_reference(cls, reference: ReferenceData) -> NluFeaturizer:
        lexicon = load_lexicon()
        return cls(
            lexicon, procedure_matcher(reference, lexicon), category_matcher(lexicon, reference)
        )

    def prepare(self, text: str) -> Prepared:
        return prepare(text, self.lexicon)

    def procedure(self, prep: Prepared) -> str | None:
        return self.procedures(prep.folded)

    def category(self, prep: Prepared) -> str | None:
        return self.categories(prep.folded)

    def features(self, prep: Prepared, role: str) -> list[str]:
        cues = []
        if self.procedure(prep):
            cues.append("procedure")
        if self.category(prep):
            cues.append("category")
        return features(prep, role, cues)


def load_intent_model(model_dir: Path) -> LinearTextModel:
    """The intent model's files, or ``ModelUnavailable`` naming ``langnghe train nlu``."""
    model = LinearTextModel.load(model_dir, STEM, REBUILD, {"feature_set": FEATURE_SET})
    if model.classes != INTENTS:
        raise ModelUnavailable(
            f"nlu model in {model_dir} was trained on another intent list; "
            f"rebuild it with `{REBUILD}`",
            code="nlu.corrupt",
        )
    return model


class NluParser:
    """Intent and slots of chat messages; thread-safe once loaded.

    >>> parser = NluParser.load(Path("models/nlu"), reference)
    >>> parser.parse("làm giấy khai sinh cần gì?").slots
    {'procedure': 'birth_registration'}
    """

    def __init__(
        self,
        model: LinearTextModel,
        router: CategoryRouter,
        featurizer: NluFeaturizer,
        category_threshold: float = 0.5,
        reference: ReferenceData | None = None,
    ) -> None:
        self._model = model
        self._router = router
        self._featurizer = featurizer
        self._threshold = category_threshold
        self._reference = reference

    @classmethod
    def load(
        cls,
        model_dir: Path,
        reference: ReferenceData,
        *,
        router_dir: Path | None = None,
        category_threshold: float = 0.5,
    ) -> NluParser:
        """Load ``model_dir/nlu.npz|json`` and the category router (default: ``../router``)."""
        model = load_intent_model(model_dir)
        router = CategoryRouter(router_dir or model_dir.parent / "router", reference.routing)
        router.warm_up()
        log.info("nlu.loaded version=%s", model.version)
        featurizer = NluFeaturizer.from_reference(reference)
        return cls(model, router, featurizer, category_threshold, reference)

    @property
    def version(self) -> str:
        return self._model.version

    def parse(self, text: str, *, role: str = "citizen", today: date | None = None) -> NluResult:
        """Intent and slots of one message.

        ``today`` is the reference date of relative periods ("tuần này"): an officials'
        question also gets ``metric``, ``ward``, ``period``, ``channel`` and ``comparison``
        from ``nlp.analytics_query`` (its category, when it finds one, wins).
        """
        if role not in ROLES:
            raise InvalidInput(f"unknown role {role!r}; known: {ROLES}", code="nlu.unknown_role")
        prep = self._featurizer.prepare(text)
        intent, confidence = self._intent(prep, role)
        slots = self._slots(prep, intent)
        if intent == "analytics_question" and self._reference is not None:
            slots.update(parse_analytics(text, today or date.today(), self._reference))
            if _about_dossiers(prep):
                slots.pop("category", None)
        return NluResult(intent, confidence, slots)

    def intent_scores(self, prep: Prepared, role: str) -> dict[str, float]:
        """The model's calibrated probability of every intent (before the rules)."""
        m = self._model
        idx, values = m.vectorize(self._featurizer.features(prep, role))
        probs = m.probabilities(m.decision(idx, values))
        return dict(zip(m.classes, map(float, probs), strict=True))

    def _intent(self, prep: Prepared, role: str) -> tuple[str, float]:
        lexicon = self._featurizer.lexicon
        if prep.command in lexicon.commands:
            return lexicon.commands[prep.command], 1.0
        if not prep.folded:
            return "other", 1.0
        whole = lexicon.whole_message(prep.folded)
        if whole:
            return whole, 1.0
        scores = self.intent_scores(prep, role)
        best = max(scores, key=scores.__getitem__)
        if best != "submit_feedback":
            if prep.dossier_codes:
                return "dossier_status", 1.0
            if prep.feedback_ref:
                return "feedback_status", 1.0
        return best, scores[best]

    def _slots(self, prep: Prepared, intent: str) -> dict[str, str]:
        slots: dict[str, str] = {}
        if prep.dossier_codes:
            slots["dossier_code"] = prep.dossier_codes[0]
        if prep.feedback_ref:
            slots["feedback_ref"] = prep.feedback_ref
        procedure = self._featurizer.procedure(prep)
        if procedure:
            slots["procedure"] = procedure
        category = self._category(prep, intent)
        if category:
            slots["category"] = category
        return slots

    def _category(self, prep: Prepared, intent: str) -> str | None:
        if intent == "analytics_question":
            # dossier statistics ("hồ sơ thủ tục hành chính") have no feedback category
            return None if _about_dossiers(prep) else self._featurizer.category(prep)
        if intent != "submit_feedback" or self._featurizer.lexicon.names_no_problem(prep.folded):
            return None
        routing = self._router.route(prep.model_text, ward=None)
        return routing.category if routing.confidence >= self._threshold else None


def _about_dossiers(prep: Prepared) -> bool:
    """Statistics of dossiers ("hồ sơ thủ tục hành chính") have no feedback category."""
    return "ho so" in prep.folded and "phan anh" not in prep.folded
