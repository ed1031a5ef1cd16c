"""Core booking schema: users, tokens, instructors, lesson types, availability, bookings, audit.

Revision ID: 0001_core
Revises:
Create Date: 2026-05-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_core"
down_revision = None
branch_labels = None
depends_on = None

UTC_DT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("email", sa.String(254), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("time_zone", sa.String(64), nullable=False),
        sa.Column("created_at", UTC_DT, nullable=False),
    )
    op.create_table(
        "tokens",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.String(36), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("created_at", UTC_DT, nullable=False),
        sa.Column("expires_at", UTC_DT, nullable=False),
        sa.Column("revoked_at", UTC_DT, nullable=True),
    )
    op.create_index("ix_tokens_user_id", "tokens", ["user_id"])
    op.create_table(
        "instructors",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("user_id", sa.String(36), sa.ForeignKey("users.id"), nullable=False, unique=True),
        sa.Column("bio", sa.Text, nullable=False),
        sa.Column("min_notice_minutes", sa.Integer, nullable=False),
        sa.Column("booking_horizon_days", sa.Integer, nullable=False),
        sa.Column("buffer_minutes", sa.Integer, nullable=False),
        sa.Column("slot_step_minutes", sa.Integer, nullable=False),
        sa.Column("daily_limit", sa.Integer, nullable=True),
        sa.Column("weekly_limit", sa.Integer, nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "lesson_types",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("instructor_id", sa.String(36), sa.ForeignKey("instructors.id"), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("duration_minutes", sa.Integer, nullable=False),
        sa.Column("price_cents", sa.Integer, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("color", sa.String(7), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_index("ix_lesson_types_instructor_id", "lesson_types", ["instructor_id"])
    op.create_table(
        "weekly_templates",
        sa.Column(
            "instructor_id", sa.String(36), sa.ForeignKey("instructors.id"), primary_key=True
        ),
        sa.Column("ranges", sa.JSON, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "availability_overrides",
        sa.Column(
            "instructor_id", sa.String(36), sa.ForeignKey("instructors.id"), primary_key=True
        ),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("ranges", sa.JSON, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "bookings",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("instructor_id", sa.String(36), sa.ForeignKey("instructors.id"), nullable=False),
        sa.Column("student_id", sa.String(36), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("lesson_type_id", sa.String(36), sa.ForeignKey("lesson_types.id"), nullable=False),
        sa.Column("start_utc", UTC_DT, nullable=False),
        sa.Column("end_utc", UTC_DT, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("cancelled_by", sa.String(16), nullable=True),
        sa.Column("cancel_reason", sa.Text, nullable=True),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("flagged", sa.Boolean, nullable=False),
        sa.Column("review_note", sa.Text, nullable=False),
        sa.Column("price_cents", sa.Integer, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("created_at", UTC_DT, nullable=False),
        sa.Column("updated_at", UTC_DT, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_index("ix_bookings_instructor_start", "bookings", ["instructor_id", "start_utc"])
    op.create_index("ix_bookings_student_start", "bookings", ["student_id", "start_utc"])
    op.create_index("ix_bookings_start", "bookings", ["start_utc"])
    op.create_index(
        "uq_bookings_active_instructor_start",
        "bookings",
        ["instructor_id", "start_utc"],
        unique=True,
        sqlite_where=sa.text("status != 'cancelled'"),
        postgresql_where=sa.text("status != 'cancelled'"),
    )
    if op.get_bind().dialect.name == "postgresql":
        _postgres_overlap_exclusion()
    op.create_table(
        "audit_log",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("instructor_id", sa.String(36), sa.ForeignKey("instructors.id"), nullable=True),
        sa.Column("booking_id", sa.String(36), sa.ForeignKey("bookings.id"), nullable=True),
        sa.Column("at", UTC_DT, nullable=False),
        sa.Column("actor_id", sa.String(36), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("actor_name", sa.String(200), nullable=False),
        sa.Column("actor_role", sa.String(16), nullable=False),
        sa.Column("device", sa.String(200), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("details", sa.JSON, nullable=False),
    )
    op.create_index("ix_audit_log_instructor_id", "audit_log", ["instructor_id"])
    op.create_index("ix_audit_log_booking_id", "audit_log", ["booking_id"])


def _postgres_overlap_exclusion() -> None:
    """PostgreSQL can say "no two active lessons of one instructor overlap" outright.

    It needs the btree_gist extension (trusted since PostgreSQL 13); where it cannot be installed
    the partial unique index above remains the safety net.
    """
    bind = op.get_bind()
    available = bind.execute(
        sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'btree_gist'")
    ).first()
    if available is None:
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    op.execute(
        "ALTER TABLE bookings ADD CONSTRAINT ex_bookings_instructor_overlap "
        "EXCLUDE USING gist (instructor_id WITH =, tstzrange(start_utc, end_utc) WITH &&) "
        "WHERE (status <> 'cancelled')"
    )


def downgrade() -> None:
    for table in (
        "audit_log",
        "bookings",
        "availability_overrides",
        "weekly_templates",
        "lesson_types",
        "instructors",
        "tokens",
        "users",
    ):
        op.drop_table(table)
