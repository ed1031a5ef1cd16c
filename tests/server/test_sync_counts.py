"""``counts=1`` on a pull: the last page counts the rows of each entity the caller may see, and
those numbers are exactly what a cache holds once it has applied every page of the pull.

These run on SQLite, and on PostgreSQL under ``scripts/test-postgres``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from instainstru_desktop.server.repositories.uow import UnitOfWork
from instainstru_desktop.store.mirror import BY_NAME, ENTITIES
from tests.server.helpers import Person, Studio, new_id, varied_booking

API = "/api/v1"
T = datetime(2026, 3, 2, 9, tzinfo=UTC)  # lesson 0 starts here, an hour after the clock's now
LESSONS = 24  # half of them each instructor's


def _lesson_id(n: int) -> str:
    return f"{n:08d}-0000-4000-8000-000000000000"


def _ask(client: TestClient, who: Person, method: str, path: str, **body: Any) -> Any:
    response = client.request(method, f"{API}{path}", headers=who.headers, **body)
    assert response.status_code < 300, response.text
    return response.json() if response.content else None


def _history(client: TestClient, uow: UnitOfWork, studio: Studio) -> None:
    """Lessons of both instructors in three commits, and then, for the first instructor, rows
    of every other kind, some of them deleted again (so the pull carries tombstones): hours of
    two dates (one taken back), two terms (one deleted), two conflicts (one withdrawn), a
    message with its read marker."""
    for part in range(3):
        with uow.write() as tx:
            for n in range(part, LESSONS, 3):
                start = T + timedelta(days=n // 4, hours=n % 4)
                tx.bookings.insert(varied_booking(studio, n, start, booking_id=_lesson_id(n)))
            tx.commit()
    teacher = studio.instructors[0]
    hours = f"/instructors/{teacher.instructor_id}/availability"
    late = {"ranges": [{"start": "13:00", "end": "14:00"}]}
    _ask(client, teacher, "PUT", f"{hours}/2026-04-01", json=late)
    _ask(client, teacher, "PUT", f"{hours}/2026-04-02", json=late)
    _ask(client, teacher, "DELETE", f"{hours}/2026-04-02")
    # lessons 0 and 8 (confirmed, the first instructor's, 09:00 London) left outside the hours
    _ask(client, teacher, "PUT", f"{hours}/2026-03-02", json=late)
    _ask(client, teacher, "PUT", f"{hours}/2026-03-04", json=late)
    morning = {"ranges": [{"start": "08:00", "end": "12:00"}]}
    _ask(client, teacher, "PUT", f"{hours}/2026-03-04", json=morning)  # lesson 8 is back in
    terms = f"/instructors/{teacher.instructor_id}/terms"
    term = {"name": "Spring", "first": "2026-04-01", "last": "2026-06-30"}
    kept, dropped = new_id(), new_id()
    _ask(client, teacher, "PUT", f"{terms}/{kept}", json=term)
    _ask(client, teacher, "PUT", f"{terms}/{dropped}", json={**term, "name": "Summer"})
    _ask(client, teacher, "DELETE", f"{terms}/{dropped}")
    student = studio.students[0]  # lesson 0's
    message = {"id": new_id(), "body": "Running ten minutes late"}
    _ask(client, student, "POST", f"/bookings/{_lesson_id(0)}/messages", json=message)


def _pages(client: TestClient, who: Person, **params: Any) -> list[dict[str, Any]]:
    """Every page of a pull from the start, as the server sent them."""
    cursor, pages = "0", []
    while True:
        response = client.get(
            f"{API}/sync/pull", params={"cursor": cursor, **params}, headers=who.headers
        )
        assert response.status_code == 200, response.text
        page: dict[str, Any] = response.json()
        pages.append(page)
        cursor = page["cursor"]
        if not page["has_more"]:
            return pages


def _objects(items: Any) -> list[dict[str, Any]]:
    if isinstance(items, dict):  # a table
        return [dict(zip(items["columns"], row, strict=True)) for row in items["rows"]]
    return list(items)


def _held(pages: list[dict[str, Any]]) -> dict[str, int]:
    """What a cache holds after applying ``pages`` in order, rows per page field: each row by
    its key, a tombstone removing its key unless the same page wrote it (docs/api.md, "Sync")."""
    rows: dict[str, set[str]] = {entity.page_field: set() for entity in ENTITIES}
    for page in pages:
        written: set[tuple[str, str]] = set()
        for entity in ENTITIES:
            for item in _objects(page[entity.page_field]):
                key = entity.key_of(entity.wire_row(item))
                rows[entity.page_field].add(key)
                written.add((entity.name, key))
        for tombstone in page["tombstones"]:
            if (tombstone["entity"], tombstone["id"]) not in written:
                rows[BY_NAME[tombstone["entity"]].page_field].discard(tombstone["id"])
    return {field: len(keys) for field, keys in rows.items()}


@pytest.mark.parametrize("shape", ["objects", "table"])
@pytest.mark.parametrize("limit", [None, 4], ids=["one_page", "pages_of_4"])
def test_the_last_page_counts_what_the_pages_left_for_instructor_and_admin(
    client: TestClient, uow: UnitOfWork, studio: Studio, shape: str, limit: int | None
) -> None:
    _history(client, uow, studio)
    sized = {} if limit is None else {"limit": limit}
    for who, lessons in ((studio.admin, LESSONS), (studio.instructors[0], LESSONS // 2)):
        pages = _pages(client, who, shape=shape, counts="1", **sized)
        assert (len(pages) > 5) == (limit is not None)
        assert all("counts" not in page for page in pages[:-1])  # the last page alone
        counts = pages[-1]["counts"]
        assert counts == _held(pages)
        assert counts["bookings"] == lessons
        assert counts["students"] == 3
        assert any(page["tombstones"] for page in pages)
        assert (counts["overrides"], counts["terms"]) == (3, 1)  # deleted ones not counted
        assert (counts["conflicts"], counts["messages"], counts["message_reads"]) == (1, 1, 1)
        assert counts["instructors"] == (2 if who is studio.admin else 1)


def test_an_instructor_counts_only_their_students(
    client: TestClient, uow: UnitOfWork, studio: Studio
) -> None:
    with uow.write() as tx:  # only the second student has a lesson with the first instructor
        tx.bookings.insert(varied_booking(studio, 4, T, booking_id=_lesson_id(4)))
        tx.commit()
    teacher, other = studio.instructors
    mine = _pages(client, teacher, counts="1")[-1]["counts"]
    assert (mine["students"], mine["bookings"]) == (1, 1)
    theirs = _pages(client, other, counts="1")[-1]["counts"]
    assert (theirs["students"], theirs["bookings"]) == (0, 0)
    everyone = _pages(client, studio.admin, counts="1")[-1]["counts"]
    assert (everyone["students"], everyone["bookings"]) == (3, 1)


def test_counts_come_only_when_asked_and_also_on_a_page_with_nothing_new(
    client: TestClient, uow: UnitOfWork, studio: Studio
) -> None:
    _history(client, uow, studio)
    teacher = studio.instructors[0]
    plain = _pages(client, teacher, shape="table")
    assert all("counts" not in page for page in plain)  # older clients see no change
    full = _pages(client, teacher, counts="0")
    assert all("counts" not in page for page in full)
    cursor = plain[-1]["cursor"]
    response = client.get(
        f"{API}/sync/pull", params={"cursor": cursor, "counts": "1"}, headers=teacher.headers
    )
    assert response.status_code == 200, response.text
    quiet = response.json()
    assert quiet["bookings"] == []
    assert quiet["has_more"] is False
    assert quiet["counts"] == _held(plain)  # as of its cursor: everything before it


@pytest.mark.parametrize("value", ["yes", "true", "2", ""])
def test_a_bad_counts_value_is_refused_as_a_problem(
    client: TestClient, studio: Studio, value: str
) -> None:
    response = client.get(
        f"{API}/sync/pull", params={"cursor": "0", "counts": value}, headers=studio.admin.headers
    )
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "counts" in str(response.json())
