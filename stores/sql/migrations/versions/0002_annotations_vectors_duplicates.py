"""annotation columns, feedback vectors, duplicate candidates

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("feedback") as batch:
        batch.add_column(sa.Column("redacted_text", sa.Text(), nullable=True))
        batch.add_column(sa.Column("street", sa.String(120), nullable=True))
        batch.add_column(sa.Column("sentiment", sa.String(10), nullable=True))
        batch.add_column(sa.Column("toxicity", sa.String(10), nullable=True))
        batch.add_column(sa.Column("urgency", sa.String(10), nullable=True))
        batch.add_column(sa.Column("is_spam", sa.Boolean(), nullable=True))
        batch.add_column(sa.Column("is_relevant", sa.Boolean(), nullable=True))
    op.create_table(
        "feedback_vector",
        sa.Column("feedback_id", BIG_ID, nullable=False),
        sa.Column("model", sa.String(40), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["feedback_id"], ["feedback.id"], name=op.f("fk_feedback_vector_feedback_id_feedback")
        ),
        sa.PrimaryKeyConstraint("feedback_id", name=op.f("pk_feedback_vector")),
    )
    op.create_table(
        "duplicate_candidate",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("feedback_id", BIG_ID, nullable=False),
        sa.Column("candidate_id", BIG_ID, nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["feedback_id"], ["feedback.id"],
            name=op.f("fk_duplicate_candidate_feedback_id_feedback"),
        ),
        sa.ForeignKeyConstraint(
            ["candidate_id"], ["feedback.id"],
            name=op.f("fk_duplicate_candidate_candidate_id_feedback"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duplicate_candidate")),
        sa.UniqueConstraint("feedback_id", "candidate_id", name="uq_duplicate_pair"),
    )  # fmt: skip
    op.create_index(
        "ix_duplicate_candidate_feedback_id", "duplicate_candidate", ["feedback_id"], unique=False
    )
    op.create_index(
        "ix_duplicate_candidate_candidate_id", "duplicate_candidate", ["candidate_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_duplicate_candidate_candidate_id", table_name="duplicate_candidate")
    op.drop_index("ix_duplicate_candidate_feedback_id", table_name="duplicate_candidate")
    op.drop_table("duplicate_candidate")
    op.drop_table("feedback_vector")
    with op.batch_alter_table("feedback") as batch:
        for column in (
            "is_relevant",
            "is_spam",
            "urgency",
            "toxicity",
            "sentiment",
            "street",
            "redacted_text",
        ):
            batch.drop_column(column)
