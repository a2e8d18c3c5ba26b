"""folded search text of the feedback, with a trigram index on PostgreSQL (issue 6)

Text search in the triage queue used to fold the query and match each letter as a class of
every letter that folds to it (a regular expression over ``redacted_text``): a full scan that
took ~1.5 s over 1,000,000 rows. ``search_text`` is ``core.text.fold(redacted_text)`` (lower
case, no diacritics, đ → d, single spaces), written with it, so a search is a plain
``LIKE '%ngap%'`` on both databases; PostgreSQL answers it from a ``pg_trgm`` GIN index.

Existing rows are filled here, in batches, with the same Python ``fold`` the code uses: at
1,000,000 rows (PostgreSQL, 2 busy cores) 115 s, 90 s filling and 25 s building the index
(117 MB), with the table locked. Every row is rewritten once, so the table's file doubles
(0.9 → 2.6 GB there): run ``VACUUM (ANALYZE) feedback`` afterwards (the space is reused), or
``VACUUM (FULL, ANALYZE) feedback`` then ``VACUUM feedback`` to give it back (46 s, locked).
Creating ``pg_trgm`` needs the right to (a trusted extension since PostgreSQL 13: the
database's CREATE privilege); without it the migration goes on without the index (searches
are then a scan of the folded column) and logs ``migration.trigram_unavailable``; create the
extension and ``ix_feedback_search_text_trgm`` by hand later (as ``upgrade`` does).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28
"""

import logging

import sqlalchemy as sa
from alembic import op

from core.text import fold

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

log = logging.getLogger(__name__)
BATCH = 5000
INDEX = "ix_feedback_search_text_trgm"


def upgrade() -> None:
    op.add_column("feedback", sa.Column("search_text", sa.Text(), nullable=True))
    bind = op.get_bind()
    filled = _backfill(bind)
    log.info("migration.search_text_filled rows=%d", filled)
    if bind.dialect.name == "postgresql" and _trigram_extension(bind):
        op.create_index(INDEX, "feedback", ["search_text"], postgresql_using="gin",
                        postgresql_ops={"search_text": "gin_trgm_ops"})  # fmt: skip


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {INDEX}")
    op.drop_column("feedback", "search_text")


def _backfill(bind: sa.Connection) -> int:
    """Fold every stored redacted text, ``BATCH`` rows at a time in id order."""
    read = sa.text(
        "SELECT id, redacted_text FROM feedback WHERE id > :last AND redacted_text IS NOT NULL "
        "ORDER BY id LIMIT :n"
    )
    last, total = 0, 0
    while rows := bind.execute(read, {"last": last, "n": BATCH}).all():
        _write(bind, [(row.id, fold(row.redacted_text)) for row in rows])
        last, total = rows[-1].id, total + len(rows)
    return total


def _write(bind: sa.Connection, folded: list[tuple[int, str]]) -> None:
    if bind.dialect.name == "postgresql":  # one statement per batch, not one per row
        stmt = sa.text(
            "UPDATE feedback SET search_text = v.s FROM "
            "(SELECT unnest(CAST(:ids AS bigint[])) AS id, unnest(CAST(:texts AS text[])) AS s) v "
            "WHERE feedback.id = v.id"
        )
        bind.execute(stmt, {"ids": [i for i, _ in folded], "texts": [t for _, t in folded]})
        return
    stmt = sa.text("UPDATE feedback SET search_text = :s WHERE id = :id")
    bind.execute(stmt, [{"id": i, "s": t} for i, t in folded])


def _trigram_extension(bind: sa.Connection) -> bool:
    """``CREATE EXTENSION pg_trgm`` in a savepoint: refused, the migration goes on."""
    try:
        with bind.begin_nested():
            bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except sa.exc.DBAPIError as exc:
        log.warning("migration.trigram_unavailable error=%s", str(exc).splitlines()[0])
        return False
    return True
