"""The dialogue core on real parts: SQLite (feedback, dossiers, chat), the trained NLU and
toxicity models, the annotation pipeline, and search over the demo documents embedded with the
deterministic ``HashingEmbedder``. Built once per test session; each test talks as its own
user, so conversations never mix."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from app.container import Container
from app.demo import DEMO_DOCUMENTS, DEMO_DOSSIERS
from app.settings import Settings
from bots.core.dialogue import BotServices, DialogueEngine
from bots.core.ratelimit import RateLimiter
from indexer.chunking import StructuralChunker
from indexer.sparse import Bm25Encoder
from nlp.embed_hashing import HashingEmbedder
from nlp.nlu import NluParser
from nlp.textcat import textcat_for
from services.documents import DocumentIndexService
from services.dossiers import load_demo_dossiers
from services.search import SearchService
from stores.qdrant import EdgeChunkStore
from stores.sql.chat_store import SqlChatStore
from tests.bots.support import Chat, now


@pytest.fixture(scope="session")
def bot_container(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Container]:
    """SQLite database with the demo dossiers, the annotation pipeline and its worker."""
    home = tmp_path_factory.mktemp("bots")
    c = Container(Settings(home=home, environment="test", annotation_wait_seconds=10.0))
    c.db.migrate()
    c.pipeline.warm_up()
    c.worker.start()
    report = load_demo_dossiers(c.dossiers, DEMO_DOSSIERS, now().date())
    assert not report.rejected
    yield c
    c.close()


@pytest.fixture(scope="session")
def demo_search(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchService]:
    """The demo documents in a real embedded Qdrant shard, with hashed vectors."""
    store = EdgeChunkStore(tmp_path_factory.mktemp("qdrant"), dense_dim=HashingEmbedder().dim)
    indexer = DocumentIndexService(store, HashingEmbedder(), Bm25Encoder(), StructuralChunker())
    report = indexer.index_paths([DEMO_DOCUMENTS])
    assert report.indexed > 10 and not report.failed
    yield SearchService(
        store, HashingEmbedder(), Bm25Encoder(), min_similarity=0.35, min_coverage=0.5
    )
    store.close()


@pytest.fixture(scope="session")
def services(bot_container: Container, demo_search: SearchService) -> BotServices:
    c = bot_container
    models: Path = c.settings.model_dir
    toxicity = textcat_for(models, "toxicity")
    toxicity.warm_up()
    return BotServices(
        nlu=NluParser.load(models / "nlu", c.reference),
        feedback=c.feedback,
        dossiers=c.dossiers,
        search=demo_search,
        reference=c.reference,
        places=c.places,
        toxicity=toxicity,
        chat_store=SqlChatStore(c.db),
        clock=now,
    )


@pytest.fixture
def new_engine(services: BotServices) -> Callable[..., DialogueEngine]:
    def build(**options: object) -> DialogueEngine:
        limiter = options.pop("limiter", None) or RateLimiter(per_minute=600, burst=100)
        return DialogueEngine(replace(services, **options), limiter=limiter)  # type: ignore[arg-type]

    return build


@pytest.fixture
def engine(new_engine: Callable[..., DialogueEngine]) -> DialogueEngine:
    """A fresh engine over the shared services, with a limiter no test conversation reaches."""
    return new_engine()


@pytest.fixture
def chat(engine: DialogueEngine) -> Chat:
    return Chat(engine)
