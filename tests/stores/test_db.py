"""``sql_errors``: how every SQL store turns driver errors into ours, on a real SQLite file."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from core.errors import ExternalServiceError
from stores.sql.db import Database, sql_errors

DUPLICATE_TOKEN = (
    "INSERT INTO zalo_token (app_id, access_token, refresh_token, expires_at, version) "
    "SELECT app_id, access_token, refresh_token, expires_at, version FROM zalo_token"
)


@pytest.fixture
def seeded(sqlite_db: Database) -> Database:
    with sqlite_db.write_connection() as conn:
        conn.execute(
            text(
                "INSERT INTO zalo_token (app_id, access_token, refresh_token, expires_at, version)"
                " VALUES ('4311', 'at-1', 'rt-1', CURRENT_TIMESTAMP, 1)"
            )
        )
    return sqlite_db


@pytest.mark.parametrize(
    ("action", "code", "expected_code"),
    [
        ("chat store write", "chat.database_failed", "chat.database_failed"),
        ("database read", None, "external_service"),
    ],
)
def test_a_driver_error_becomes_an_external_service_error(
    seeded: Database, action: str, code: str | None, expected_code: str
) -> None:
    with (
        pytest.raises(ExternalServiceError) as caught,
        sql_errors(action, code),
        seeded.engine.connect() as conn,
    ):
        conn.execute(text("SELECT * FROM bang_khong_co"))
    assert caught.value.code == expected_code
    assert caught.value.message.startswith(f"{action} failed: ")
    assert "bang_khong_co" in caught.value.message


def test_a_broken_constraint_passes_through_for_the_caller_to_judge(seeded: Database) -> None:
    with (
        pytest.raises(IntegrityError),
        sql_errors("zalo token write"),
        seeded.write_connection() as conn,
    ):
        conn.execute(text(DUPLICATE_TOKEN))


def test_a_broken_constraint_is_translated_when_asked(seeded: Database) -> None:
    failed = sql_errors("zalo token write", "zalo.token_store_failed", constraints_pass=False)
    with pytest.raises(ExternalServiceError) as caught, failed, seeded.write_connection() as conn:
        conn.execute(text(DUPLICATE_TOKEN))
    assert caught.value.code == "zalo.token_store_failed"
    assert isinstance(caught.value.__cause__, IntegrityError)


def test_other_errors_and_success_are_left_alone(seeded: Database) -> None:
    with (
        pytest.raises(ValueError, match="số lượng"),
        sql_errors("chat store write", "chat.database_failed"),
    ):
        raise ValueError("số lượng không hợp lệ")
    with sql_errors("database read"), seeded.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM zalo_token")).scalar_one() == 1
