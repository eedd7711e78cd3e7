"""When a household's identity was erased and when a closed report was reduced.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30 04:41:31.393243
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("household", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("erased_at", app.db.UTCDateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("redacted_at", app.db.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.drop_column("redacted_at")
    with op.batch_alter_table("household", schema=None) as batch_op:
        batch_op.drop_column("erased_at")
