"""How each user is reached: channel and e-mail address.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 03:53:02.179706
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("notify_channel", sa.String(length=16), server_default="log", nullable=False)
        )
        batch_op.add_column(sa.Column("email", sa.String(length=254), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("email")
        batch_op.drop_column("notify_channel")
