"""Sign-in and sign-up attempts, kept in the database so every server process counts them.

Before this revision each server process counted attempts in its own memory, so a server running
N processes allowed N times the attempts its limits name. The rows live for one window and are
deleted as new attempts of their kind arrive.

Revision ID: 0008_sign_in_attempts
Revises: 0007_messages
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_sign_in_attempts"
down_revision = "0007_messages"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sign_in_attempts",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("key", sa.String(320), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
    )
    op.create_index("ix_sign_in_attempts_key", "sign_in_attempts", ["kind", "key", "at"])


def downgrade() -> None:
    op.drop_index("ix_sign_in_attempts_key", "sign_in_attempts")
    op.drop_table("sign_in_attempts")
