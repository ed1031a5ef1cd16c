"""Admin review: every instructor's bookings, page by page, and statistics over them.

The review flag itself is a booking use case (``bookings.review_in``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from instainstru_desktop.domain.zones import week_start
from instainstru_desktop.server.core.permissions import Permission, Principal, require, scope_of
from instainstru_desktop.server.repositories.uow import UnitOfWork
from instainstru_desktop.server.services import views
from instainstru_desktop.server.services.answer_cache import AnswerCache
from instainstru_desktop.server.services.bookings import (
    BookingQuery,
    list_bookings,
    page_keyset,
    visible_to,
)
from instainstru_desktop.server.services.common import encode_cursor
from instainstru_desktop.server.services.context import Caller
from instainstru_desktop.server.services.views import Json


def cached_bookings_page(
    cache: AnswerCache[bytes], caller: Caller, query: BookingQuery, cursor: str | None, limit: int
) -> bytes | None:
    """A page of the admin's list of all bookings from memory, if kept and still current."""
    require(caller.principal, Permission.ADMIN_REVIEW)
    return cache.get(_page_key(query, cursor, limit))


def bookings_page(
    uow: UnitOfWork,
    cache: AnswerCache[bytes],
    caller: Caller,
    query: BookingQuery,
    cursor: str | None,
    limit: int,
) -> bytes:
    """A page of all bookings, as the JSON body of the answer, kept until a commit in its scope.

    Admins browse and re-read these pages far more often than a studio's bookings change; every
    admin sees the same page, so one kept body serves them all. The scope is the instructor the
    page is filtered to (None: every commit), so a busy instructor does not drop other pages.
    """
    generation = cache.generation(query.instructor_id)
    principal = require(caller.principal, Permission.ADMIN_REVIEW)
    body = _written_by_the_database(uow, principal, query, cursor, limit)
    if body is None:
        page = list_bookings(uow, caller, query, cursor, limit, permission=Permission.ADMIN_REVIEW)
        body = views.encode(page)
    cache.put(_page_key(query, cursor, limit), query.instructor_id, generation, body)
    return body


def _written_by_the_database(
    uow: UnitOfWork, principal: Principal, query: BookingQuery, cursor: str | None, limit: int
) -> bytes | None:
    """The page ``list_bookings`` answers, as the same JSON bytes, its rows written as JSON by
    the database (``repositories.page_json``): None where the database does not, or where the
    reader may not see every field (the rows are written whole)."""
    seen = (Permission.BOOKINGS_NOTE, Permission.ADMIN_REVIEW)
    if any(scope_of(principal, permission) is None for permission in seen):
        return None
    after = page_keyset(cursor)
    with uow.direct_read() as reads:
        rows = reads.bookings_page_json(visible_to(principal, query), after, limit + 1)
    if rows is None:
        return None
    page = rows[:limit]
    next_cursor = None
    if len(rows) > limit:
        _, last, last_id = page[-1]
        last = last if last.tzinfo is not None else last.replace(tzinfo=UTC)
        next_cursor = encode_cursor(last.isoformat(), last_id)
    items = ",".join([row[0] for row in page]).encode()
    return b'{"items":[' + items + b'],"next_cursor":' + views.encode(next_cursor) + b"}"


def _page_key(
    query: BookingQuery, cursor: str | None, limit: int
) -> tuple[str, BookingQuery, str | None, int]:
    return ("admin", query, cursor, limit)


def _midnight(day: date | None) -> datetime | None:
    return None if day is None else datetime.combine(day, time(), tzinfo=UTC)


def stats(
    uow: UnitOfWork, caller: Caller, group: str, first: date | None, last: date | None
) -> Json:
    """Booked minutes and lessons (active statuses) per UTC week or per instructor."""
    require(caller.principal, Permission.ADMIN_REVIEW)
    end = _midnight(last + timedelta(days=1)) if last is not None else None
    with uow.read() as tx:
        spans = tx.bookings.spans(_midnight(first), end)
        names = {i.id: u.name for i, u in tx.instructors.all_with_users()}
    totals: dict[str, list[int]] = {}
    labels: dict[str, str] = {}
    for instructor_id, start, finish in spans:
        if group == "week":
            monday = week_start(start.date())
            key = monday.isoformat()
            iso = monday.isocalendar()
            labels[key] = f"{iso.year}-W{iso.week:02d}"
        else:
            key = instructor_id
            labels[key] = names.get(instructor_id, instructor_id)
        total = totals.setdefault(key, [0, 0])
        total[0] += int((finish - start).total_seconds() // 60)
        total[1] += 1
    rows = [
        {"key": key, "label": labels[key], "booked_minutes": minutes, "lessons": lessons}
        for key, (minutes, lessons) in sorted(
            totals.items(), key=lambda kv: kv[0] if group == "week" else labels[kv[0]]
        )
    ]
    return {"group": group, "rows": rows}
