"""The RT's limit before an unacknowledged report is escalated.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 03:39:39.117639
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("area", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("escalate_after_hours", sa.Integer(), server_default="24", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("area", schema=None) as batch_op:
        batch_op.drop_column("escalate_after_hours")
