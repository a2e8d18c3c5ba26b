"""a longer embedding model name: the embedder and the text it reads (issue 3)

``feedback_vector.model`` says which vectors can be compared: the duplicate finder reads only
those of the current model. It now names the embedder and the text it embeds
(``multilingual-e5-small/onnx-int8-t128/places-blanked``), longer than the 40 characters the
column had. Existing rows keep their names, so their vectors are simply not compared with new
ones.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("feedback_vector") as batch:
        batch.alter_column("model", existing_type=sa.String(40), type_=sa.String(100),
                           existing_nullable=False)  # fmt: skip


def downgrade() -> None:
    with op.batch_alter_table("feedback_vector") as batch:
        batch.alter_column("model", existing_type=sa.String(100), type_=sa.String(40),
                           existing_nullable=False)  # fmt: skip
