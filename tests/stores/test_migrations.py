"""The Alembic migrations build exactly the schema the code declares, on both databases."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from stores.sql.db import MIGRATIONS, Database
from stores.sql.tables import POSTGRESQL_ONLY_INDEXES, Base
from tests.conftest import PG_ADMIN_URL


def test_migrations_match_the_declared_tables(database: Database) -> None:
    def declared_here(obj: Any, name: str | None, kind: str, _reflected: bool, _other: Any
                      ) -> bool:  # fmt: skip
        # ``ddl_if(dialect="postgresql")`` indexes, which Alembic's comparison does not read.
        return database.is_postgres or kind != "index" or name not in POSTGRESQL_ONLY_INDEXES

    with database.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": declared_here})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_migrating_twice_changes_nothing(database: Database) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    assert head is not None and head >= "0004"
    database.migrate()
    with database.engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == head


def test_0009_folds_the_redacted_text_of_existing_rows(database: Database) -> None:
    _downgrade(database, "0008")
    rows = [(1, "Đường NGẬP  sâu"), (2, None)]
    with database.engine.begin() as conn:
        for fid, redacted in rows:
            conn.execute(text(
                "INSERT INTO feedback (id, reference, channel, channel_message_id, text, "
                "received_at, status, annotation_state, created_at, redacted_text) VALUES (:id, "
                "'PA-2026-00000' || :id, 'api', :id, 'x', :at, 'received', 'done', :at, :r)"
            ), {"id": fid, "r": redacted, "at": "2026-11-20 01:00:00+00:00"})  # fmt: skip
    database.migrate()
    with database.engine.connect() as conn:
        found = conn.execute(text("SELECT id, search_text FROM feedback ORDER BY id")).all()
    assert [tuple(r) for r in found] == [(1, "duong ngap sau"), (2, None)]
    indexes = {i["name"] for i in inspect(database.engine).get_indexes("feedback")}
    assert ("ix_feedback_search_text_trgm" in indexes) is database.is_postgres


def _downgrade(database: Database, revision: str) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with database.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


@pytest.fixture
def unprivileged_url() -> Iterator[str]:
    """A fresh PostgreSQL database and a role that may create tables but not extensions."""
    name = f"langnghe_noext_{uuid.uuid4().hex[:10]}"
    admin = make_url(PG_ADMIN_URL).set(drivername="postgresql")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f'CREATE ROLE "{name}" LOGIN')
        conn.execute(f'CREATE DATABASE "{name}"')
    there = admin.set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(there, autocommit=True) as conn:
        conn.execute(f'GRANT ALL ON SCHEMA public TO "{name}"')
    yield admin.set(database=name, username=name).render_as_string(hide_password=False)
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'DROP ROLE IF EXISTS "{name}"')


def test_0009_goes_on_without_the_trigram_index_where_the_extension_is_refused(
    unprivileged_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    db = Database(unprivileged_url)
    try:
        db.migrate()
        indexes = {i["name"] for i in inspect(db.engine).get_indexes("feedback")}
        columns = {c["name"] for c in inspect(db.engine).get_columns("feedback")}
    finally:
        db.dispose()
    assert "search_text" in columns and "ix_feedback_search_text_trgm" not in indexes
    assert "migration.trigram_unavailable" in caplog.text
