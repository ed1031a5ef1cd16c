"""A page of bookings written as JSON by SQLite (``repositories.page_json``) is, byte for byte,
what the presenters and orjson write for the same rows: for every filter shape, keyset and text
search, and for the admin page's whole answer, its cursors and its refusals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from instainstru_desktop.server.core.errors import ServiceError
from instainstru_desktop.server.core.permissions import Principal, Role
from instainstru_desktop.server.repositories.uow import UnitOfWork
from instainstru_desktop.server.services import admin, views
from instainstru_desktop.server.services.answer_cache import AnswerCache
from instainstru_desktop.server.services.bookings import BookingQuery, list_bookings
from instainstru_desktop.server.services.context import Caller
from tests.server.databases import on_postgres
from tests.server.helpers import Studio
from tests.server.test_direct_reads import T, _filters, _lessons, _utc

# PostgreSQL's admin pages are read and presented as values (checked by test_direct_reads).
pytestmark = pytest.mark.skipif(on_postgres(), reason="only SQLite writes the page's JSON")

ADMIN = Principal("admin-id", Role.ADMIN, "Ada", "ada@example.invalid", "UTC")


@pytest.mark.parametrize("limit", [1, 7, 101])
def test_json_rows_are_the_presented_rows_as_orjson_writes_them(
    uow: UnitOfWork, studio: Studio, limit: int
) -> None:
    _lessons(uow, studio)
    compared = 0
    for where in _filters(studio):
        after: tuple[datetime, str] | None = None
        while True:
            with uow.direct_read() as reads:
                keys, rows = reads.bookings_page(where, after, limit)
                written = reads.bookings_page_json(where, after, limit)
            assert written is not None
            presented = views.bookings(rows, keys, see_note=True, see_review=True)
            assert [row[0].encode() for row in written] == [views.encode(p) for p in presented]
            assert [(_utc(s), i) for _, s, i in written] == [
                (_utc(r[keys.index("start")]), r[0]) for r in rows
            ]
            compared += len(rows)
            if len(rows) < limit:
                break
            after = (_utc(rows[-1][keys.index("start")]), rows[-1][0])
    assert compared > 400  # every shape read something, most of them several pages


def _plain(uow: UnitOfWork, query: BookingQuery, cursor: str | None, limit: int) -> bytes:
    caller = Caller(principal=ADMIN, device="", now=T)
    return views.encode(list_bookings(uow, caller, query, cursor, limit))


@pytest.mark.parametrize("limit", [1, 3, 100])
def test_an_admin_page_is_the_plain_page_byte_for_byte(
    uow: UnitOfWork, studio: Studio, limit: int
) -> None:
    _lessons(uow, studio)
    caller = Caller(principal=ADMIN, device="", now=T)
    uncached: AnswerCache[bytes] = AnswerCache(entries=0, ttl_seconds=60)
    queries = [
        BookingQuery(),
        BookingQuery(instructor_id=studio.instructors[0].instructor_id),
        BookingQuery(status="cancelled", flagged=False),
        BookingQuery(start_from=T + timedelta(days=2), start_to=T + timedelta(days=6)),
        BookingQuery(text="ünï"),
        BookingQuery(text='"quotes"', status="cancelled"),
    ]
    pages = 0
    for query in queries:
        cursor = None
        while True:
            body = admin.bookings_page(uow, uncached, caller, query, cursor, limit)
            assert body == _plain(uow, query, cursor, limit)
            written = admin._written_by_the_database(uow, ADMIN, query, cursor, limit)
            assert written == body  # the page was written by the database, not presented
            pages += 1
            cursor = views.orjson.loads(body)["next_cursor"]
            if cursor is None:
                break
    assert pages > len(queries) if limit < 40 else pages == len(queries)


@pytest.mark.parametrize("cursor", ["%%%", "WyJ4Il0", "WyJub3QgYSB0aW1lIiwgIngiXQ"])
def test_a_bad_cursor_is_refused_the_same_way(
    uow: UnitOfWork, studio: Studio, cursor: str
) -> None:
    caller = Caller(principal=ADMIN, device="", now=T)
    uncached: AnswerCache[bytes] = AnswerCache(entries=0, ttl_seconds=60)
    with pytest.raises(ServiceError) as plain:
        _plain(uow, BookingQuery(), cursor, 5)
    with pytest.raises(ServiceError) as written:
        admin.bookings_page(uow, uncached, caller, BookingQuery(), cursor, 5)
    assert (written.value.code, written.value.detail, written.value.errors) == (
        plain.value.code,
        plain.value.detail,
        plain.value.errors,
    )


def test_an_instant_with_microseconds_keeps_them(uow: UnitOfWork, studio: Studio) -> None:
    _lessons(uow, studio)
    with uow.direct_read() as reads:
        written = reads.bookings_page_json(_filters(studio)[0], None, 101)
    assert written is not None
    created = [views.orjson.loads(row[0])["created_at"] for row in written]
    assert any(len(c) == len("2026-02-27T09:00:00.123457Z") for c in created)
    assert any(len(c) == len("2026-02-27T09:00:00Z") for c in created)
    assert all(c.endswith("Z") and "T" in c for c in created)
    assert datetime.fromisoformat(created[0]).tzinfo == UTC
