"""The booking path's prepared statements write exactly what SQLAlchemy would have written.

A lesson row written through ``compiled.Prepared`` must be found by every other read of the server
(``Connection.execute`` with the column types' own processors): instants are compared as text
on SQLite, so a different text of the same instant would hide a lesson from the rules.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, create_engine, insert, select
from sqlalchemy.dialects import sqlite

from instainstru_desktop.server.core.models import UTCDateTime
from instainstru_desktop.server.repositories.compiled import Prepared, _bind_processor

INSTANTS = [
    datetime(2026, 3, 29, 1, 30, tzinfo=UTC),
    datetime(2026, 12, 8, 9, 0, 0, 250, tzinfo=UTC),
    datetime(2026, 10, 25, 1, 59, 59, 999_999, tzinfo=timezone(timedelta(hours=5, minutes=30))),
    datetime(999, 1, 2, 3, 4, 5, 6, tzinfo=timezone(timedelta(hours=-8))),
    datetime(9999, 12, 31, 22, 0, tzinfo=timezone(timedelta(hours=-1))),
]


@pytest.mark.parametrize("instant", INSTANTS)
def test_an_instant_is_written_as_the_column_type_writes_it(instant: datetime) -> None:
    dialect = sqlite.dialect()
    column_type = UTCDateTime()
    own = column_type.dialect_impl(dialect).bind_processor(dialect)
    prepared = _bind_processor(column_type, dialect)
    assert own is not None
    assert prepared is not None
    assert prepared(instant) == own(instant)


def test_a_naive_instant_is_refused_as_by_the_column_type() -> None:
    prepared = _bind_processor(UTCDateTime(), sqlite.dialect())
    assert prepared is not None
    with pytest.raises(ValueError, match="naive"):
        prepared(datetime(2026, 1, 1, 9, 0))


def test_rows_written_together_read_back_as_written() -> None:
    """Several rows in one statement (a series' lessons) convert column by column, sharing the
    text of an instant they have in common; each row reads back with its own values."""
    table = Table(
        "lessons",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("start", UTCDateTime(), nullable=False),
        Column("created", UTCDateTime(), nullable=False),
    )
    engine = create_engine("sqlite://")
    table.metadata.create_all(engine)
    created = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
    rows = [{"id": n, "start": instant, "created": created} for n, instant in enumerate(INSTANTS)]
    with engine.begin() as connection:
        Prepared(insert(table)).run(connection, rows)
        Prepared(insert(table)).run(connection, [{"id": 99, "start": created, "created": created}])
        read = connection.execute(select(table).order_by(table.c.id)).all()
    assert [(r.id, r.start, r.created) for r in read] == [
        *((n, instant.astimezone(UTC), created) for n, instant in enumerate(INSTANTS)),
        (99, created, created),
    ]
    engine.dispose()
