"""Clashes of edits settled by the server: a conflict keeps its details.

When two devices change the same hours of a date, or the same note, the server keeps the change
that arrived first and records the other as a conflict. ``details`` hold what was kept, what was
set aside and the change itself, so "use mine" can send it again from any of the instructor's
devices. Older conflicts have none (NULL).

Revision ID: 0005_range_edits
Revises: 0004_tombstone_keys
Create Date: 2026-06-09
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_range_edits"
down_revision = "0004_tombstone_keys"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conflicts") as batch:
        batch.add_column(sa.Column("details", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("conflicts") as batch:
        batch.drop_column("details")
