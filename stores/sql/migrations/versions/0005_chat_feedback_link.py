"""chat users' feedback links (status notifications) and the Zalo OA's rotating tokens

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "chat_feedback_link",
        sa.Column("feedback_id", BIG_ID, nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["feedback_id"], ["feedback.id"],
            name=op.f("fk_chat_feedback_link_feedback_id_feedback"),
        ),
        sa.PrimaryKeyConstraint(
            "feedback_id", "channel", "user_id", name=op.f("pk_chat_feedback_link")
        ),
    )  # fmt: skip
    op.create_index("ix_chat_feedback_link_user", "chat_feedback_link", ["channel", "user_id"])
    op.create_table(
        "zalo_token",
        sa.Column("app_id", sa.String(64), nullable=False),
        sa.Column("access_token", sa.Text(), nullable=False),
        sa.Column("refresh_token", sa.Text(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rotated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("app_id", name=op.f("pk_zalo_token")),
    )


def downgrade() -> None:
    op.drop_table("zalo_token")
    op.drop_index("ix_chat_feedback_link_user", table_name="chat_feedback_link")
    op.drop_table("chat_feedback_link")
