"""staff accounts, sessions, API clients, audit log, official links, triage columns,
routing corrections, daily aggregates and alerts (issue 6)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "account",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("username", sa.String(60), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("department", sa.String(60), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("password_changed_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account")),
        sa.UniqueConstraint("username", name=op.f("uq_account_username")),
    )
    op.create_table(
        "web_session",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("account_id", BIG_ID, nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("last_seen_at", TS, nullable=False),
        sa.Column("ip", sa.String(64), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"],
                                name=op.f("fk_web_session_account_id_account")),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_web_session")),
    )  # fmt: skip
    op.create_index(op.f("ix_web_session_account_id"), "web_session", ["account_id"])
    op.create_table(
        "api_client",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("key_prefix", sa.String(16), nullable=False),
        sa.Column("key_hash", sa.String(200), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("revoked_at", TS, nullable=True),
        sa.Column("last_used_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_client")),
        sa.UniqueConstraint("name", name=op.f("uq_api_client_name")),
        sa.UniqueConstraint("key_prefix", name=op.f("uq_api_client_key_prefix")),
    )
    op.create_table(
        "login_failure",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("username", sa.String(60), nullable=False),
        sa.Column("ip", sa.String(64), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failure")),
    )
    op.create_index("ix_login_failure_username_at", "login_failure", ["username", "at"])
    op.create_index("ix_login_failure_ip_at", "login_failure", ["ip", "at"])
    op.create_table(
        "audit_log",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("target_type", sa.String(30), nullable=True),
        sa.Column("target", sa.String(100), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=True),
        sa.Column("ip", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_at"), "audit_log", ["at"])
    op.create_index(op.f("ix_audit_log_actor"), "audit_log", ["actor"])
    op.create_index("ix_audit_log_target", "audit_log", ["target_type", "target", "id"])
    op.create_table(
        "official_link",
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("account_id", BIG_ID, nullable=False),
        sa.Column("linked_at", TS, nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"],
                                name=op.f("fk_official_link_account_id_account")),
        sa.PrimaryKeyConstraint("channel", "user_id", name=op.f("pk_official_link")),
    )  # fmt: skip
    op.create_index(op.f("ix_official_link_account_id"), "official_link", ["account_id"])
    op.create_table(
        "link_code",
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("account_id", BIG_ID, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("used_at", TS, nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"],
                                name=op.f("fk_link_code_account_id_account")),
        sa.PrimaryKeyConstraint("code_hash", name=op.f("pk_link_code")),
    )  # fmt: skip
    op.create_index(op.f("ix_link_code_account_id"), "link_code", ["account_id"])
    op.create_table(
        "routing_correction",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("feedback_id", BIG_ID, nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("old_category", sa.String(40), nullable=True),
        sa.Column("new_category", sa.String(40), nullable=False),
        sa.Column("old_department", sa.String(60), nullable=True),
        sa.Column("new_department", sa.String(60), nullable=True),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.ForeignKeyConstraint(["feedback_id"], ["feedback.id"],
                                name=op.f("fk_routing_correction_feedback_id_feedback")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_routing_correction")),
    )  # fmt: skip
    op.create_index(op.f("ix_routing_correction_feedback_id"), "routing_correction",
                    ["feedback_id"])  # fmt: skip
    op.create_table(
        "daily_aggregate",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("ward", sa.String(60), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("negative", sa.Integer(), nullable=False),
        sa.Column("neutral", sa.Integer(), nullable=False),
        sa.Column("positive", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "category", "ward", "channel",
                                name=op.f("pk_daily_aggregate")),
    )  # fmt: skip
    op.create_index("ix_daily_aggregate_category_day", "daily_aggregate", ["category", "day"])
    op.create_index("ix_daily_aggregate_ward_day", "daily_aggregate", ["ward", "day"])
    op.create_table(
        "alert",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("ward", sa.String(60), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("observed", sa.Float(), nullable=False),
        sa.Column("expected", sa.Float(), nullable=False),
        sa.Column("p_value", sa.Float(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("sent_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert")),
        sa.UniqueConstraint("kind", "category", "ward", "day", name="uq_alert_spike"),
    )
    op.create_index(op.f("ix_alert_created_at"), "alert", ["created_at"])
    with op.batch_alter_table("feedback") as batch:
        batch.add_column(sa.Column("priority", sa.String(10), nullable=True))
        batch.add_column(sa.Column("assignee_id", BIG_ID, nullable=True))
        batch.add_column(sa.Column("due_at", TS, nullable=True))
        batch.add_column(sa.Column("closed_at", TS, nullable=True))
        batch.create_foreign_key(
            op.f("fk_feedback_assignee_id_account"), "account", ["assignee_id"], ["id"]
        )
        batch.create_index("ix_feedback_status_due", ["status", "due_at"])
        batch.create_index("ix_feedback_department_status", ["department", "status"])


def downgrade() -> None:
    with op.batch_alter_table("feedback") as batch:
        batch.drop_index("ix_feedback_department_status")
        batch.drop_index("ix_feedback_status_due")
        batch.drop_constraint(op.f("fk_feedback_assignee_id_account"), type_="foreignkey")
        for column in ("closed_at", "due_at", "assignee_id", "priority"):
            batch.drop_column(column)
    for table in ("alert", "daily_aggregate", "routing_correction", "link_code",
                  "official_link", "audit_log", "login_failure", "api_client",
                  "web_session", "account"):  # fmt: skip
        op.drop_table(table)
