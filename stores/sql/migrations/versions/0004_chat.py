"""chatbot: received updates, conversation state, notification outbox

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "chat_update",
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("update_id", sa.String(128), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("replies", sa.JSON(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("channel", "update_id", name=op.f("pk_chat_update")),
    )
    op.create_table(
        "chat_conversation",
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("flow", sa.String(60), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("buttons", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("channel", "user_id", name=op.f("pk_chat_conversation")),
    )
    op.create_table(
        "chat_notification",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("feedback_id", BIG_ID, nullable=True),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["feedback_id"], ["feedback.id"],
            name=op.f("fk_chat_notification_feedback_id_feedback"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_notification")),
    )  # fmt: skip
    op.create_index("ix_chat_notification_due", "chat_notification", ["state", "next_attempt_at"])
    op.create_index(
        "ix_chat_notification_held", "chat_notification", ["channel", "user_id", "state"]
    )
    op.create_index("ix_chat_notification_feedback_id", "chat_notification", ["feedback_id"])


def downgrade() -> None:
    op.drop_index("ix_chat_notification_feedback_id", table_name="chat_notification")
    op.drop_index("ix_chat_notification_held", table_name="chat_notification")
    op.drop_index("ix_chat_notification_due", table_name="chat_notification")
    op.drop_table("chat_notification")
    op.drop_table("chat_conversation")
    op.drop_table("chat_update")
