"""Messages: a conversation per lesson, and how far each person has read it.

Both tables are synced rows (``seq``) in the instructor's scope, and name the lesson's student
too, whose own pages hear of changes to them.

Revision ID: 0007_messages
Revises: 0006_series
Create Date: 2026-06-10
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_messages"
down_revision = "0006_series"
branch_labels = None
depends_on = None

UTC_DT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "messages",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("booking_id", sa.String(36), sa.ForeignKey("bookings.id"), nullable=False),
        sa.Column("instructor_id", sa.String(36), sa.ForeignKey("instructors.id"), nullable=False),
        sa.Column("student_id", sa.String(36), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("author_id", sa.String(36), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("author_role", sa.String(16), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", UTC_DT, nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
    )
    op.create_index("uq_messages_booking_number", "messages", ["booking_id", "number"], unique=True)
    op.create_index("ix_messages_instructor", "messages", ["instructor_id"])
    op.create_index("ix_messages_student", "messages", ["student_id"])
    op.create_index("ix_messages_seq", "messages", ["seq"])
    op.create_table(
        "message_reads",
        sa.Column("booking_id", sa.String(36), sa.ForeignKey("bookings.id"), primary_key=True),
        sa.Column("user_id", sa.String(36), sa.ForeignKey("users.id"), primary_key=True),
        sa.Column("instructor_id", sa.String(36), sa.ForeignKey("instructors.id"), nullable=False),
        sa.Column("student_id", sa.String(36), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("last_read", sa.Integer, nullable=False),
        sa.Column("read_at", UTC_DT, nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_message_reads_instructor", "message_reads", ["instructor_id"])
    op.create_index("ix_message_reads_seq", "message_reads", ["seq"])


def downgrade() -> None:
    op.drop_table("message_reads")
    op.drop_table("messages")
