"""Which scheduler did a job run (host and process), to see competing schedulers.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 03:35:30.018756
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("job_run", schema=None) as batch_op:
        batch_op.add_column(sa.Column("runner", sa.String(length=80), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("job_run", schema=None) as batch_op:
        batch_op.drop_column("runner")
