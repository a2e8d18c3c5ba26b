"""Every Vietnamese text of the pages lives in ``api/web/messages_vi.py``, not in a template."""

from __future__ import annotations

import re

import pytest

from api.web import messages_vi
from api.web.render import ENV, STATIC_DIR, TEMPLATES_DIR

#: Latin letters with diacritics (Vietnamese uses Latin-1, Latin Extended-A/B and U+1EA0–1EF9).
_ACCENTED = re.compile(r"[À-ɏḀ-ỿ]")


@pytest.mark.parametrize("path", sorted(TEMPLATES_DIR.glob("*.html")), ids=lambda p: p.name)
def test_templates_hold_no_vietnamese_text(path) -> None:
    found = _ACCENTED.findall(path.read_text(encoding="utf-8"))
    assert not found, f"{path.name} has text of its own ({''.join(found[:20])}): use the catalogue"


def test_the_catalogue_is_written_with_diacritics() -> None:
    texts = [v for k, v in vars(messages_vi).items() if k.isupper() and isinstance(v, str)]
    assert len(texts) > 100
    assert sum(bool(_ACCENTED.search(text)) for text in texts) / len(texts) > 0.9


def test_every_template_compiles_and_assets_are_local() -> None:
    for path in TEMPLATES_DIR.glob("*.html"):
        source = path.read_text(encoding="utf-8")
        ENV.get_template(path.name)
        assert "http://" not in source and "https://" not in source  # no CDN
        assert not re.search(r"\son[a-z]+=", source), f"{path.name}: inline event handler"
    assert {p.name for p in STATIC_DIR.iterdir()} == {"app.css", "app.js"}
