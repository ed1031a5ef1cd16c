"""The statement that takes the change number goes to PostgreSQL together with ``COMMIT``.

Every write of every instructor takes the change number by updating one row, whose lock it holds
until its transaction ends. Sent alone, that statement kept the row locked while its answer went
back to the server process and until that process -- one of several busy threads, on a shared
core -- sent ``COMMIT``: under load most of the other writers' time went on waiting for it. Now
both go in one message, so the transaction has ended when the statement's answer arrives.

What is checked, on PostgreSQL (SQLite takes the number at a transaction's first write, and its
writers run one at a time anyway): another connection sees the commit at the moment the number
is taken, before the session is told; the write is whole and its number is the one recorded; a
statement that fails commits nothing, answers the database's error and leaves the pooled
connection fit for the next write.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.exc import IntegrityError

from instainstru_desktop.server.repositories.uow import UnitOfWork
from tests.server.databases import on_postgres
from tests.server.helpers import Studio, new_id

pytestmark = pytest.mark.skipif(
    not on_postgres(), reason="only PostgreSQL's writers run side by side and take it at commit"
)

_SEEN_FROM_OUTSIDE = "SELECT coalesce(max(seq), 0) FROM commits"


@contextmanager
def commits_seen_when_numbered(uow: UnitOfWork, url: str) -> Iterator[list[int]]:
    """The newest commit another connection sees right after each statement that takes the
    change number has been answered (and before the code that sent it goes on)."""
    seen: list[int] = []
    engine = uow.database.engine
    outside = create_engine(url)

    def answered(
        _conn: Any, _cursor: Any, statement: str, _params: Any, _context: Any, _many: Any
    ) -> None:
        if "UPDATE change_sequence " in statement:
            with outside.connect() as connection:
                seen.append(int(connection.execute(text(_SEEN_FROM_OUTSIDE)).scalar_one()))

    event.listen(engine, "after_cursor_execute", answered)
    try:
        yield seen
    finally:
        event.remove(engine, "after_cursor_execute", answered)
        outside.dispose()


def _rename(uow: UnitOfWork, user_id: str, name: str, audit: dict[str, Any] | None) -> int | None:
    with uow.write() as tx:
        user = tx.users.get(user_id)
        assert user is not None
        user.name = name
        if audit is not None:
            tx.audit.append(audit)
        return tx.commit()


def _audit_row(instructor_id: str) -> dict[str, Any]:
    return {
        "id": new_id(),
        "instructor_id": instructor_id,
        "booking_id": None,
        "at": datetime.now(UTC),
        "actor_id": None,
        "actor_name": "system",
        "actor_role": "system",
        "device": "",
        "action": "test.rename",
        "details": {},
    }


def _names_and_head(url: str, user_id: str) -> tuple[str, int, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            name = connection.execute(
                text("SELECT name FROM users WHERE id = :id"), {"id": user_id}
            ).scalar_one()
            head, count = connection.execute(
                text("SELECT coalesce(max(seq), 0), count(*) FROM commits")
            ).one()
            return str(name), int(head), int(count)
    finally:
        engine.dispose()


def _audit_seqs(url: str, instructor_id: str) -> list[int]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT seq FROM audit_log WHERE instructor_id = :id AND action = :action"),
                {"id": instructor_id, "action": "test.rename"},
            )
            return [int(seq) for seq in rows.scalars()]
    finally:
        engine.dispose()


def test_the_write_is_committed_when_its_number_is_answered(
    uow: UnitOfWork, studio: Studio, database_url: str
) -> None:
    student, teacher = studio.students[0], studio.instructors[0]
    assert teacher.instructor_id is not None
    _name, head_before, _count = _names_and_head(database_url, student.user_id)

    with commits_seen_when_numbered(uow, database_url) as seen:
        seq = _rename(uow, student.user_id, "Renamed Once", _audit_row(teacher.instructor_id))

    assert seq == head_before + 1
    assert seen == [seq]  # committed already: the COMMIT went with the statement
    name, head, count = _names_and_head(database_url, student.user_id)
    assert (name, head, count) == ("Renamed Once", seq, seq)
    assert _audit_seqs(database_url, teacher.instructor_id) == [seq]


def test_a_failing_number_statement_commits_nothing_and_the_next_write_works(
    uow: UnitOfWork, studio: Studio, database_url: str
) -> None:
    student = studio.students[0]
    name_before, head_before, count_before = _names_and_head(database_url, student.user_id)

    # an audit entry naming an instructor that does not exist fails the statement's insert
    with pytest.raises(IntegrityError, match="audit_log"):
        _rename(uow, student.user_id, "Never Kept", _audit_row(new_id()))

    assert _names_and_head(database_url, student.user_id) == (
        name_before,
        head_before,
        count_before,
    )
    seq = _rename(uow, student.user_id, "Kept", None)
    assert seq == head_before + 1  # the failed one's number was rolled back with it
    assert _names_and_head(database_url, student.user_id) == ("Kept", seq, count_before + 1)
