"""Engine, sessions and migrations of one relational database.

>>> db = Database("sqlite:///var/langnghe.db")
>>> db.migrate()          # alembic upgrade head
>>> with db.write_connection() as conn: ...
>>> with sql_errors("chat store write", "chat.database_failed"): ...
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from core.errors import ExternalServiceError, InvalidInput

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class Database:
    """One engine and its session factory; SQLite files get WAL, foreign keys and a busy timeout."""

    def __init__(self, url: str, echo: bool = False) -> None:
        try:
            parsed = make_url(url)
        except Exception as exc:  # sqlalchemy raises ArgumentError with no common base
            raise InvalidInput(f"invalid database URL {url!r}") from exc
        self.url = parsed
        self.is_postgres = parsed.get_backend_name() == "postgresql"
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        kwargs: dict[str, Any] = {"echo": echo}
        if self.is_sqlite:
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        else:
            kwargs.update(pool_size=10, max_overflow=20, pool_pre_ping=True)
        self.engine: Engine = create_engine(parsed, **kwargs)
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._write_lock: AbstractContextManager[object] = (
            threading.Lock() if self.is_sqlite else nullcontext()
        )

    @contextmanager
    def write_connection(self) -> Iterator[Connection]:
        """A connection in a transaction that writes; committed on success, rolled back on error.

        SQLite allows one writer at a time and makes others sleep-and-retry; writers of this
        process take a lock instead, so they queue without those sleeps.
        """
        with self._write_lock, self.engine.begin() as conn:
            yield conn

    def migrate(self, revision: str = "head") -> None:
        """Bring the schema to ``revision`` with Alembic (idempotent)."""
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        with sql_errors("database migration", constraints_pass=False), self.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)

    def dispose(self) -> None:
        self.engine.dispose()


@contextmanager
def sql_errors(
    action: str, code: str | None = None, *, constraints_pass: bool = True
) -> Iterator[None]:
    """Driver errors in the block become ``ExternalServiceError("<action> failed: …")``.

    Every store translates them the same way, at its boundary. A broken constraint
    (``IntegrityError``) passes through unless ``constraints_pass`` is false: only the caller
    knows what it means (a redelivered message, an unknown feedback id, a duplicate image).

        >>> with sql_errors("attachment write", "attachment.database_failed"):
        ...     with db.write_connection() as conn:
        ...         conn.execute(stmt)
    """
    try:
        yield
    except SQLAlchemyError as exc:
        if constraints_pass and isinstance(exc, IntegrityError):
            raise
        raise ExternalServiceError(f"{action} failed: {exc}", code=code) from exc


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()
