"""Schema migrations (Alembic), shipped inside the package and run programmatically.

There is no ``alembic.ini``: the server upgrades its database to ``head`` when it starts, so an
operator never runs a migration tool by hand. Revisions live in ``versions/``; each one is written
for both SQLite and PostgreSQL.
"""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text

from instainstru_desktop.server.core.db import Database

SCRIPT_LOCATION = "instainstru_desktop.server:migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic configuration bound to ``connection`` (no ini file involved)."""
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    config.attributes["connection"] = connection
    return config


#: Names the lock several server processes starting at once on one PostgreSQL database take
#: around the upgrade: one upgrades, the others wait, then find nothing left to do.
UPGRADE_LOCK = 0x1A57_1A57


def upgrade(database: Database, revision: str = "head") -> None:
    """Bring the schema to ``revision`` in one write transaction."""
    with database.write_bind() as bind, bind.begin() as connection:
        if database.is_postgres:  # released when the transaction ends
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": UPGRADE_LOCK})
        command.upgrade(alembic_config(connection), revision)


def current_revision(database: Database) -> str | None:
    with database.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def all_revisions() -> list[str]:
    """Every revision id, oldest first."""
    script = ScriptDirectory.from_config(alembic_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]
