"""Where server tests keep their data: a SQLite file per test, or a fresh PostgreSQL database.

Set ``INSTAINSTRU_TEST_POSTGRES`` to an admin URL (``postgresql+psycopg://postgres@127.0.0.1/postgres``)
to run the same tests against PostgreSQL: each test then gets a database of its own, dropped
afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

POSTGRES_ENV = "INSTAINSTRU_TEST_POSTGRES"


def on_postgres() -> bool:
    return bool(os.environ.get(POSTGRES_ENV))


class DatabaseFactory:
    """Hands out fresh database URLs for one test and removes them at the end."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.admin_url = os.environ.get(POSTGRES_ENV)
        self.created: list[str] = []

    def new(self, name: str = "server") -> str:
        if not self.admin_url:
            return f"sqlite:///{self.tmp_path / f'{name}.sqlite3'}"
        database = f"t_{uuid.uuid4().hex[:16]}"
        with self._admin() as connection:
            connection.execute(text(f'CREATE DATABASE "{database}"'))
        self.created.append(database)
        return make_url(self.admin_url).set(database=database).render_as_string(hide_password=False)

    @contextmanager
    def _admin(self) -> Iterator[object]:
        assert self.admin_url is not None
        engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                yield connection
        finally:
            engine.dispose()

    def drop_all(self) -> None:
        if not self.created:
            return
        with self._admin() as connection:
            for database in self.created:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
