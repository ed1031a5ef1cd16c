"""The change sequence: every synced row a commit writes carries that commit's number.

On SQLite the number is taken at the transaction's first write (it runs alone), so these tests
pin down what that must not change: rows carry the number of the commit that wrote them, and a
number taken inside a savepoint that is rolled back is taken again, never reused.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from instainstru_desktop.server.core.models import User
from instainstru_desktop.server.repositories.uow import Tx, UnitOfWork
from tests.server.helpers import T0, FakeClock, Studio, iso, new_id

API = "/api/v1"


def _student(name: str) -> User:
    user_id = new_id()
    return User(
        id=user_id,
        email=f"{name}.{user_id[:6]}@test.example",
        name=name,
        role="student",
        password_hash="x",
        time_zone="UTC",
        created_at=T0,
    )


def test_a_booking_and_its_audit_entry_carry_their_commits_number(
    client: TestClient, studio: Studio, uow: UnitOfWork, clock: FakeClock
) -> None:
    teacher, student = studio.instructors[0], studio.students[0]
    response = client.post(
        f"{API}/bookings",
        headers=student.headers,
        json={
            "instructor_id": teacher.instructor_id,
            "lesson_type_id": teacher.lesson_type_id,
            "start": iso((clock.now + timedelta(days=1)).replace(hour=10)),
        },
    )
    assert response.status_code == 201, response.text
    booking_id = response.json()["id"]
    with uow.read() as tx:
        head = tx.sync.head()
        booking = tx.bookings.get(booking_id)
        entries = tx.audit.of_booking(booking_id)
    assert head is not None
    assert booking is not None
    assert booking.seq == head[0]
    assert [(e.action, e.seq) for e in entries] == [("booking.create", head[0])]


def _write_then_fail(tx: Tx, user: User) -> None:
    """A pushed mutation that writes a row, then is refused: its savepoint is rolled back."""
    with tx.savepoint():
        tx.users.add(user)
        tx.bookings.flush_checked()  # writes the row (on SQLite: takes the number)
        raise RuntimeError("the mutation is refused")


def test_a_number_taken_in_a_rolled_back_savepoint_is_not_reused(uow: UnitOfWork) -> None:
    undone, kept, later = _student("undone"), _student("kept"), _student("later")
    with uow.write() as tx:
        with pytest.raises(RuntimeError, match="refused"):
            _write_then_fail(tx, undone)
        tx.users.add(kept)
        first = tx.commit()
    with uow.write() as tx:
        tx.users.add(later)
        second = tx.commit()  # would collide with ``first`` had the undone number been kept
    assert first is not None
    assert second == first + 1
    with uow.read() as tx:
        assert tx.users.get(undone.id) is None
        stamps = {u.id: u.seq for u in (tx.users.get(kept.id), tx.users.get(later.id)) if u}
        head = tx.sync.head()
    assert stamps == {kept.id: first, later.id: second}
    assert head is not None
    assert head[0] == second
