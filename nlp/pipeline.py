"""The annotation pipeline: text in, ``Annotation`` out. Pure computation, no storage.

>>> pipeline = AnnotationPipeline(router, gazetteer)
>>> pipeline.warm_up()
>>> pipeline.annotate("Đường Võ Văn Ngân ngập sâu sau cơn mưa chiều nay").routing.category
'thoat_nuoc'
"""

from __future__ import annotations

from collections.abc import Sequence

from core.types import Annotation, Place, TextInput
from nlp import segment
from nlp.normalize import for_model, normalize
from nlp.places import WardGazetteer
from nlp.router import CategoryRouter


class AnnotationPipeline:
    """Normalise, find the ward, route. Cheap to build; ``warm_up`` loads the models."""

    def __init__(self, router: CategoryRouter, gazetteer: WardGazetteer) -> None:
        self._router = router
        self._gazetteer = gazetteer

    def warm_up(self) -> None:
        segment.warm_up()
        self._router.warm_up()

    def annotate(self, item: TextInput) -> Annotation:
        return self.annotate_batch([item])[0]

    def annotate_batch(self, items: Sequence[TextInput]) -> list[Annotation]:
        return [self._one(item.text, item.location_text) for item in items]

    def _one(self, text: str, location_text: str | None) -> Annotation:
        normalized = normalize(text)
        model_text = for_model(normalized)
        ward = None
        if location_text:
            ward = self._gazetteer.find(for_model(location_text))
        if ward is None:
            ward = self._gazetteer.find(model_text)
        return Annotation(
            normalized_text=normalized,
            model_text=model_text,
            routing=self._router.route(model_text, ward),
            place=Place(ward=ward),
        )
