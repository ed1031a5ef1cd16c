"""An index for counting a person's recent messages, so the message limit holds across processes.

Before this revision each server process counted messages in its own memory, so a server running
N processes let a person write N times the limit. The limit now counts the person's own messages
in the database, newest first, which this index answers without reading the table.

Revision ID: 0009_message_pace
Revises: 0008_sign_in_attempts
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = "0009_message_pace"
down_revision = "0008_sign_in_attempts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_messages_author_created", "messages", ["author_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_messages_author_created", "messages")
