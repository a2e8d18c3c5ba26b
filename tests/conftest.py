"""Shared fixtures: real databases (a SQLite file and the local PostgreSQL), real models."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from app.container import Container
from app.settings import Settings
from core.reference import ReferenceData
from stores.sql.db import Database
from stores.sql.feedback_store import SqlFeedbackStore

PG_ADMIN_URL = os.environ.get(
    "LANGNGHE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


@pytest.fixture(scope="session")
def reference() -> ReferenceData:
    return ReferenceData.load()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, dropped at the end."""
    name = f"langnghe_test_{uuid.uuid4().hex[:10]}"
    admin = make_url(PG_ADMIN_URL)
    dsn = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        conn = psycopg.connect(dsn, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL is not reachable at {PG_ADMIN_URL} (.ci/run starts it): {exc}")
    with conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield admin.set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A migrated, empty database of each kind."""
    if request.param == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'test.db'}")
    else:
        db = Database(request.getfixturevalue("postgres_url"))
    db.migrate()
    yield db
    if request.param == "postgresql":
        with db.engine.begin() as conn:
            conn.exec_driver_sql(
                "TRUNCATE feedback_event, feedback_contact, feedback, reference_counter, "
                "dossier_step, dossier, chat_update, chat_conversation, chat_notification, "
                "account, web_session, api_client, login_failure, audit_log, official_link, "
                "link_code, routing_correction, daily_aggregate, alert "
                "RESTART IDENTITY CASCADE"
            )
    db.dispose()


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[Database]:
    """A migrated, empty SQLite file: for services and adapters whose stores are already
    checked on both databases in tests/stores."""
    db = Database(f"sqlite:///{tmp_path / 'test.db'}")
    db.migrate()
    yield db
    db.dispose()


@pytest.fixture
def store(database: Database) -> SqlFeedbackStore:
    return SqlFeedbackStore(database)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path, environment="test", annotation_wait_seconds=5.0)


@pytest.fixture
def container(settings: Settings) -> Iterator[Container]:
    c = Container(settings)
    yield c
    c.close()
