"""Alembic environment: runs on the connection handed over in the config's attributes."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reachable through a hand-made alembic.ini
    raise RuntimeError("run migrations through instainstru_desktop.server.migrations.upgrade()")

context.configure(connection=connection)
with context.begin_transaction():
    context.run_migrations()
