"""The booking path's prepared statements write exactly what SQLAlchemy would have written.

A lesson row written through ``compiled.Prepared`` must be found by every other read of the server
(``Connection.execute`` with the column types' own processors): instants are compared as text
on SQLite, so a different text of the same instant would hide a lesson from the rules.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    insert,
    select,
)
from sqlalchemy.dialects import sqlite

from instainstru_desktop.server.core.models import UTCDateTime
from instainstru_desktop.server.repositories.compiled import (
    Prepared,
    _bind_processor,
    compiled_for,
)

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


def test_rows_given_a_column_at_a_time_are_sent_as_rows_given_one_by_one() -> None:
    """What the driver gets for rows given a column at a time (shared values converted once)
    is what it gets for the same rows given one by one: over instants in several zones, equal
    instants that are not one object, NULLs, flags and JSON."""
    table = Table(
        "lessons",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("start", UTCDateTime(), nullable=True),
        Column("created", UTCDateTime(), nullable=False),
        Column("moved", Boolean(), nullable=False),
        Column("details", JSON(), nullable=True),
        Column("note", String(20), nullable=False, default=""),
    )
    compiled = compiled_for(insert(table), sqlite.dialect(), keep=False)
    created = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
    same_instant = created.astimezone(timezone(timedelta(hours=2)))
    starts = [*INSTANTS, None, same_instant, created]
    rows = [
        {
            "id": n,
            "start": start,
            "created": created if n % 3 else same_instant,
            "moved": n == 2,
            "details": {"n": n, "start": None if start is None else start.isoformat()},
            "note": "",
        }
        for n, start in enumerate(starts)
    ]
    by_rows = compiled.arguments_of_rows(rows)
    columns = {name: [row[name] for row in rows] for name in rows[0]}
    assert compiled.arguments_of_columns(columns, len(rows)) == by_rows
    for row in rows:
        row["moved"] = False  # one object in every row: converted once
    columns["moved"] = [False] * len(rows)
    assert compiled.arguments_of_columns(columns, len(rows)) == compiled.arguments_of_rows(rows)
    with pytest.raises(ValueError, match="values"):
        compiled.arguments_of_columns({**columns, "id": [1]}, len(rows))
