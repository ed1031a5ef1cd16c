"""Tombstones by key: writing a deleted row's key again removes its tombstone.

Before this revision a date's override that was cleared and set again kept its tombstone, and a
pull carrying both could leave a client without the date's hours. The index finds a key's
tombstones when it is written; the clean-up removes the tombstones that are already superseded
(their override exists again), so old clients reading a full download are safe too.

Revision ID: 0005_tombstone_keys
Revises: 0004_profiles
Create Date: 2026-06-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_tombstone_keys"
down_revision = "0004_profiles"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_tombstones_entity_key", "tombstones", ["entity", "entity_id"])
    bind = op.get_bind()
    day = "CAST(o.day AS TEXT)" if bind.dialect.name == "postgresql" else "o.day"
    bind.execute(
        sa.text(
            "DELETE FROM tombstones WHERE entity = 'override' AND entity_id IN ("
            f"SELECT o.instructor_id || '/' || {day} FROM availability_overrides AS o)"
        )
    )


def downgrade() -> None:
    op.drop_index("ix_tombstones_entity_key", "tombstones")
