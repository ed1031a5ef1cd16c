"""Sync: the change sequence, commits, per-row ``seq`` stamps, tombstones, conflicts, push state.

Existing rows are stamped with one backfilled commit (seq 1), so a client's first pull after the
upgrade sees everything that was there before.

Revision ID: 0002_sync
Revises: 0001_core
Create Date: 2026-05-08
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0002_sync"
down_revision = "0001_core"
branch_labels = None
depends_on = None

UTC_DT = sa.DateTime(timezone=True)
STAMPED = (
    "users",
    "instructors",
    "lesson_types",
    "weekly_templates",
    "availability_overrides",
    "bookings",
    "audit_log",
)


def upgrade() -> None:
    op.create_table(
        "change_sequence",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("value", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "commits",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("nonce", sa.String(16), nullable=False),
        sa.Column("committed_at", UTC_DT, nullable=False),
    )
    op.create_table(
        "tombstones",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("entity", sa.String(16), nullable=False),
        sa.Column("entity_id", sa.String(80), nullable=False),
        sa.Column("instructor_id", sa.String(36), sa.ForeignKey("instructors.id"), nullable=True),
        sa.Column("seq", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_tombstones_seq", "tombstones", ["seq"])
    op.create_table(
        "conflicts",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("instructor_id", sa.String(36), sa.ForeignKey("instructors.id"), nullable=False),
        sa.Column("booking_id", sa.String(36), sa.ForeignKey("bookings.id"), nullable=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("created_at", UTC_DT, nullable=False),
        sa.Column("resolved", sa.Boolean, nullable=False),
        sa.Column("resolution", sa.String(16), nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_conflicts_instructor_id", "conflicts", ["instructor_id"])
    op.create_index("ix_conflicts_booking_id", "conflicts", ["booking_id"])
    op.create_index("ix_conflicts_seq", "conflicts", ["seq"])
    op.create_table(
        "sync_clients",
        sa.Column("user_id", sa.String(36), sa.ForeignKey("users.id"), primary_key=True),
        sa.Column("client_id", sa.String(36), primary_key=True),
        sa.Column("last_mutation_id", sa.BigInteger, nullable=False),
        sa.Column("updated_at", UTC_DT, nullable=False),
    )
    op.create_table(
        "mutation_results",
        sa.Column("user_id", sa.String(36), primary_key=True),
        sa.Column("client_id", sa.String(36), primary_key=True),
        sa.Column("mutation_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("code", sa.String(40), nullable=True),
        sa.Column("message", sa.Text, nullable=True),
        sa.Column("result", sa.JSON, nullable=False),
        sa.Column("applied_at", UTC_DT, nullable=False),
    )
    for table in STAMPED:
        # A plain ADD COLUMN (not a batch table rebuild): SQLite supports it with a constant
        # default, and rebuilding a table that others reference fails with foreign keys on.
        op.add_column(
            table, sa.Column("seq", sa.BigInteger, nullable=False, server_default=sa.text("0"))
        )
        op.create_index(f"ix_{table}_seq", table, ["seq"])
    _backfill()


def _backfill() -> None:
    """Stamp every existing row with commit 1 and start the sequence there."""
    bind = op.get_bind()
    existing = sum(
        bind.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one() for table in STAMPED
    )
    value = 1 if existing else 0
    bind.execute(sa.text("INSERT INTO change_sequence (id, value) VALUES (1, :v)"), {"v": value})
    if existing:
        commits = sa.table(
            "commits", sa.column("seq"), sa.column("nonce"), sa.column("committed_at", UTC_DT)
        )
        bind.execute(
            commits.insert().values(
                seq=1, nonce=secrets.token_urlsafe(9)[:12], committed_at=datetime.now(UTC)
            )
        )
        for table in STAMPED:
            bind.execute(sa.text(f"UPDATE {table} SET seq = 1"))


def downgrade() -> None:
    for table in STAMPED:
        op.drop_index(f"ix_{table}_seq", table)
        op.drop_column(table, "seq")
    for table in ("mutation_results", "sync_clients", "conflicts", "tombstones", "commits"):
        op.drop_table(table)
    op.drop_table("change_sequence")
