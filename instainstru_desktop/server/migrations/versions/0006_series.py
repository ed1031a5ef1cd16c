"""Weekly series: terms, series, and the lessons that belong to one.

Lessons of a series are ordinary bookings naming it (``series_id``, the ``series_slot`` they
fill, and whether they were moved on their own). Instructors gain the policy flag that lets
students book series themselves. Existing rows are single lessons and instructors without the
flag: plain ADD COLUMNs with constant defaults (SQLite cannot rebuild a referenced table).

Revision ID: 0006_series
Revises: 0005_range_edits
Create Date: 2026-06-10
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_series"
down_revision = "0005_range_edits"
branch_labels = None
depends_on = None

_WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column(
        "instructors",
        sa.Column(
            "students_book_weekly", sa.Boolean, nullable=False, server_default=sa.text("false")
        ),
    )
    op.create_table(
        "terms",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("instructor_id", sa.String(36), sa.ForeignKey("instructors.id"), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("first_day", sa.Date, nullable=False),
        sa.Column("last_day", sa.Date, nullable=False),
        sa.Column("breaks", sa.JSON, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_terms_instructor_id", "terms", ["instructor_id"])
    op.create_index("ix_terms_seq", "terms", ["seq"])
    op.create_table(
        "series",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("instructor_id", sa.String(36), sa.ForeignKey("instructors.id"), nullable=False),
        sa.Column("student_id", sa.String(36), sa.ForeignKey("users.id"), nullable=False),
        sa.Column(
            "lesson_type_id", sa.String(36), sa.ForeignKey("lesson_types.id"), nullable=False
        ),
        sa.Column("time_zone", sa.String(64), nullable=False),
        sa.Column("rules", sa.JSON, nullable=False),
        sa.Column("start_day", sa.Date, nullable=False),
        sa.Column("end_count", sa.Integer, nullable=True),
        sa.Column("end_day", sa.Date, nullable=True),
        sa.Column("term_id", sa.String(36), sa.ForeignKey("terms.id"), nullable=True),
        sa.Column("cancelled_from", sa.Date, nullable=True),
        sa.Column("booked_through", sa.Date, nullable=True),
        sa.Column("next_start_utc", _WHEN, nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("skipped", sa.JSON, nullable=False),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("updated_at", _WHEN, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_series_instructor_id", "series", ["instructor_id"])
    op.create_index("ix_series_student_id", "series", ["student_id"])
    op.create_index("ix_series_seq", "series", ["seq"])
    op.create_index("ix_series_due", "series", ["status", "next_start_utc"])
    op.add_column("bookings", sa.Column("series_id", sa.String(36), nullable=True))
    op.add_column("bookings", sa.Column("series_slot", sa.String(24), nullable=True))
    op.add_column(
        "bookings",
        sa.Column("series_moved", sa.Boolean, nullable=False, server_default=sa.text("false")),
    )
    op.create_index("ix_bookings_series_id", "bookings", ["series_id"])


def downgrade() -> None:
    op.drop_index("ix_bookings_series_id", table_name="bookings")
    op.drop_column("bookings", "series_moved")
    op.drop_column("bookings", "series_slot")
    op.drop_column("bookings", "series_id")
    op.drop_table("series")
    op.drop_table("terms")
    op.drop_column("instructors", "students_book_weekly")
