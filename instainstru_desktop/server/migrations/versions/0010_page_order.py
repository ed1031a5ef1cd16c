"""Booking indexes that end in the id, so a page of bookings is read in its order.

Pages of bookings are ordered by (start, id). The indexes on the start alone (all bookings) and
on (instructor, start) or (student, start) gave the start's order only: SQLite then sorted each
run of equal starts in a temporary tree, with every column of every row read so far, and the
admin's first page of 100 cost several times its read. With the id as the last column, the
index is the page's order and the rows come straight from it. The lessons in the way, read by
(instructor, start) or (student, start) ranges, use the wider indexes just as before.

Revision ID: 0010_page_order
Revises: 0009_message_pace
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = "0010_page_order"
down_revision = "0009_message_pace"
branch_labels = None
depends_on = None

#: (old name, old columns, new name, new columns)
_CHANGES = (
    ("ix_bookings_start", ["start_utc"], "ix_bookings_start_id", ["start_utc", "id"]),
    (
        "ix_bookings_instructor_start",
        ["instructor_id", "start_utc"],
        "ix_bookings_instructor_start_id",
        ["instructor_id", "start_utc", "id"],
    ),
    (
        "ix_bookings_student_start",
        ["student_id", "start_utc"],
        "ix_bookings_student_start_id",
        ["student_id", "start_utc", "id"],
    ),
)


def upgrade() -> None:
    for old, _columns, new, columns in _CHANGES:
        op.create_index(new, "bookings", columns)
        op.drop_index(old, "bookings")


def downgrade() -> None:
    for old, columns, new, _columns in _CHANGES:
        op.create_index(old, "bookings", columns)
        op.drop_index(new, "bookings")
