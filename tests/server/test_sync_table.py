"""Pull pages whose bookings come as a table (``shape=table``): the same values as objects."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from instainstru_desktop.server.repositories.uow import UnitOfWork
from tests.server.helpers import Person, Studio, varied_booking

API = "/api/v1"
T = datetime(2026, 3, 2, 9, tzinfo=UTC)


def _lessons(uow: UnitOfWork, studio: Studio, count: int = 30, commits: int = 3) -> None:
    """Lessons of both instructors in ``commits`` commits: every status, flags both ways, notes
    that need escaping (and none), instants with and without microseconds."""
    for part in range(commits):
        with uow.write() as tx:
            for n in range(part, count, commits):
                start = T + timedelta(days=n // 4, hours=n % 4)
                tx.bookings.insert(varied_booking(studio, n, start))
            tx.commit()


def _get(client: TestClient, who: Person, **params: Any) -> dict[str, Any]:
    response = client.get(f"{API}/sync/pull", params=params, headers=who.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _objects(table: dict[str, Any]) -> list[dict[str, Any]]:
    assert set(table) == {"columns", "rows"}
    columns = table["columns"]
    assert all(len(row) == len(columns) for row in table["rows"])
    return [dict(zip(columns, row, strict=True)) for row in table["rows"]]


def _by_id(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(items, key=lambda item: str(item["id"]))


def _pages(client: TestClient, who: Person, **params: Any) -> list[dict[str, Any]]:
    cursor, pages = "0", []
    while True:
        page = _get(client, who, cursor=cursor, **params)
        pages.append(page)
        cursor = page["cursor"]
        if not page["has_more"]:
            return pages


def test_a_table_page_carries_exactly_what_the_object_page_does(
    client: TestClient, uow: UnitOfWork, studio: Studio
) -> None:
    _lessons(uow, studio)
    for who in (studio.admin, studio.instructors[0]):
        objects = _get(client, who, cursor="0")
        table = _get(client, who, cursor="0", shape="table")
        bookings = _objects(table.pop("bookings"))
        assert _by_id(bookings) == _by_id(objects.pop("bookings"))
        assert table == objects  # every other entity, the cursor, the server time
        flags = {type(b[key]) for b in bookings for key in ("flagged", "series_moved")}
        assert flags == {bool}
        assert {b["start"][-1] for b in bookings} == {"Z"}
        assert any("." in b["created_at"] for b in bookings)


def test_a_table_holds_the_callers_scope_and_hides_what_they_may_not_see(
    client: TestClient, uow: UnitOfWork, studio: Studio
) -> None:
    _lessons(uow, studio)
    teacher = studio.instructors[0]
    mine = _objects(_get(client, teacher, cursor="0", shape="table")["bookings"])
    assert len(mine) == 15
    assert {b["instructor_id"] for b in mine} == {teacher.instructor_id}
    assert {b["review_note"] for b in mine} == {None}  # the admin's review stays the admin's
    assert any(b["note"] for b in mine)  # an instructor's own notes come down
    everything = _objects(_get(client, studio.admin, cursor="0", shape="table")["bookings"])
    assert len(everything) == 30
    assert any(b["review_note"] for b in everything)


def test_table_pages_end_where_object_pages_do(
    client: TestClient, uow: UnitOfWork, studio: Studio
) -> None:
    _lessons(uow, studio, count=30, commits=5)
    objects = _pages(client, studio.admin, limit=8)
    tables = _pages(client, studio.admin, limit=8, shape="table")
    assert len(tables) == len(objects) > 2
    for table, page in zip(tables, objects, strict=True):
        assert table["cursor"] == page["cursor"]
        assert _by_id(_objects(table["bookings"])) == _by_id(page["bookings"])


def test_without_the_parameter_bookings_stay_objects(
    client: TestClient, uow: UnitOfWork, studio: Studio
) -> None:
    _lessons(uow, studio, count=4, commits=1)
    for params in ({}, {"shape": "objects"}):
        bookings = _get(client, studio.admin, cursor="0", **params)["bookings"]
        assert isinstance(bookings, list)
        assert len(bookings) == 4
        assert all(isinstance(b, dict) and "student_name" in b for b in bookings)
    empty = _get(client, studio.admin, cursor=_get(client, studio.admin)["cursor"], shape="table")
    assert empty["bookings"] == []  # nothing changed: an empty list in either shape


def test_an_unknown_shape_is_refused_as_a_problem(client: TestClient, studio: Studio) -> None:
    response = client.get(
        f"{API}/sync/pull", params={"cursor": "0", "shape": "columns"}, headers=studio.admin.headers
    )
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert "shape" in str(problem)
