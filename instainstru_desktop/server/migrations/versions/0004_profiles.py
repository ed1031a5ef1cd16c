"""Profiles: every instructor gets a page address (slug), unique, made from their name.

Existing instructors get the slug their name suggests (``Maria Lopez`` -> ``maria-lopez``), with
``-2``, ``-3`` ... for names that repeat, in the order the instructors were created (their id as
the tie-break), so the upgrade gives the same addresses on every copy of a database.

Revision ID: 0004_profiles
Revises: 0002_sync
Create Date: 2026-05-20
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from instainstru_desktop.server.core import slugs

revision = "0004_profiles"
down_revision = "0002_sync"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN with a constant default (SQLite cannot rebuild a referenced table).
    op.add_column(
        "instructors",
        sa.Column("slug", sa.String(64), nullable=False, server_default=sa.text("''")),
    )
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT instructors.id, users.name FROM instructors "
            "JOIN users ON users.id = instructors.user_id "
            "ORDER BY users.created_at, instructors.id"
        )
    ).all()
    taken: set[str] = set()
    for instructor_id, name in rows:
        slug = slugs.first_free(slugs.from_name(name), taken)
        taken.add(slug)
        bind.execute(
            sa.text("UPDATE instructors SET slug = :slug WHERE id = :id"),
            {"slug": slug, "id": instructor_id},
        )
    op.create_index("uq_instructors_slug", "instructors", ["slug"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_instructors_slug", table_name="instructors")
    op.drop_column("instructors", "slug")
