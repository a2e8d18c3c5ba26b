"""administrative dossiers and their handling steps (no applicant personal data)

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dossier",
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("procedure", sa.Text(), nullable=False),
        sa.Column("procedure_key", sa.String(60), nullable=True),
        sa.Column("receiving_unit", sa.Text(), nullable=False),
        sa.Column("handling_unit", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("current_step", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source_hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_dossier")),
    )
    op.create_index("ix_dossier_status_due", "dossier", ["status", "due_at"], unique=False)
    op.create_table(
        "dossier_step",
        sa.Column("dossier_code", sa.String(40), nullable=False),
        sa.Column("ordinal", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("unit", sa.Text(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dossier_code"], ["dossier.code"], name=op.f("fk_dossier_step_dossier_code_dossier")
        ),
        sa.PrimaryKeyConstraint("dossier_code", "ordinal", name=op.f("pk_dossier_step")),
    )


def downgrade() -> None:
    op.drop_table("dossier_step")
    op.drop_index("ix_dossier_status_due", table_name="dossier")
    op.drop_table("dossier")
