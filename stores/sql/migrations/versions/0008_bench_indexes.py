"""partial indexes of open cases, for the triage queue, overdue lists and analytics (issue 6)

Measured with ``eval/bench_staff.py`` at 1,000,000 feedback rows (PostgreSQL): open cases
are ~4 % of the table, so indexes of just them (not duplicates) are ~1.5 MB and turn the
queue's counts and every overdue count into index-only scans (~100 ms → ~4 ms each), the
filtered queue pages into small index scans, and the "longest overdue first" lists that sort
by ``due_at, id`` into reading the first rows of an index.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

OPEN_CASES = (
    "status IN ('received', 'routed', 'needs_triage', 'in_progress') AND duplicate_of IS NULL"
)


def upgrade() -> None:
    where = {"postgresql_where": sa.text(OPEN_CASES), "sqlite_where": sa.text(OPEN_CASES)}
    op.create_index("ix_feedback_open_due", "feedback", ["due_at", "id"],
                    postgresql_include=["category", "department"], **where)  # fmt: skip
    op.create_index("ix_feedback_open_status", "feedback", ["status", "category", "ward"],
                    **where)  # fmt: skip


def downgrade() -> None:
    op.drop_index("ix_feedback_open_status", "feedback")
    op.drop_index("ix_feedback_open_due", "feedback")
