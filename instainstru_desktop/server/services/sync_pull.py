"""Sync pull: everything that changed after a cursor, in the caller's scope, page by page.

The pull reads one snapshot (SQLite WAL read transaction; PostgreSQL REPEATABLE READ). Because
commits happen in sequence order (see :mod:`..uow`), every commit up to the snapshot's latest one
is visible in it, so "rows with ``seq`` in (cursor, head]" is exactly what changed -- nothing
committed out of order can be skipped. Pages end on commit boundaries: one commit's rows are
never split, so a client that applies a page and stores its cursor is always consistent.
"""

from __future__ import annotations

from collections.abc import Iterable
from operator import itemgetter
from typing import Any

from instainstru_desktop.server.core.errors import ResetRequired
from instainstru_desktop.server.core.permissions import Permission, Role, require
from instainstru_desktop.server.repositories.uow import Tx, UnitOfWork
from instainstru_desktop.server.services import views
from instainstru_desktop.server.services.context import Caller
from instainstru_desktop.server.services.series_rows import series_view, term_view
from instainstru_desktop.server.services.views import Json


def cursor_text(seq: int, nonce: str) -> str:
    return f"{seq}.{nonce}"


def _cursor_seq(tx: Tx, cursor: str) -> int:
    """The sequence a cursor stands for; ``reset_required`` unless this history made it."""
    if cursor == "0":
        return 0
    seq_text, dot, nonce = cursor.partition(".")
    if not dot or not seq_text.isdigit() or not nonce or len(seq_text) > 18:
        raise ResetRequired("This sync position is not one this server knows. Download again.")
    seq = int(seq_text)
    if not tx.sync.commit_exists(seq, nonce):
        raise ResetRequired(
            "The server's history does not contain this sync position (it was restored or "
            "replaced). Download everything again; pending changes are kept."
        )
    return seq


def _plan(sizes: dict[int, int], cap: int | None, upto: int, limit: int) -> tuple[int, bool]:
    """The last commit of this page, and whether more follow."""
    total = 0
    bound = previous = upto
    has_more = False
    for seq in sorted(sizes):
        if total and total + sizes[seq] > limit:
            bound, has_more = previous, True
            break
        total += sizes[seq]
        previous = seq
    if cap is not None and bound > cap:
        bound, has_more = cap, True
    return bound, has_more


def pull(
    uow: UnitOfWork,
    caller: Caller,
    cursor: str,
    limit: int,
    *,
    table: bool = False,
    counts: bool = False,
) -> Json:
    """One page of changes after ``cursor``; ``table``: its bookings as a table (column names
    and rows of values) instead of a list of objects, with the same values; ``counts``: the last
    page (``has_more: false``) also says how many rows of each entity the caller may see as of
    its cursor (:func:`_with_counts`)."""
    principal = require(caller.principal, Permission.SYNC)
    scope = None if principal.role is Role.ADMIN else principal.instructor_id
    see_review = principal.role is Role.ADMIN
    with uow.read(snapshot=True) as tx:
        head = tx.sync.head()
        after = _cursor_seq(tx, cursor)
        page: Json = {
            "cursor": cursor_text(*head) if head else "0",
            "has_more": False,
            "server_time": caller.now,
        }
        if head is None or head[0] <= after:
            page.update(_empty())
            return _with_counts(tx, page, head[0] if head else 0, scope) if counts else page
        sizes, cap = tx.sync.commit_sizes(after, head[0], scope, limit)
        bound, has_more = _plan(sizes, cap, head[0], limit)
        if has_more:
            page["cursor"], page["has_more"] = cursor_text(bound, tx.sync.nonce_of(bound)), True
        page.update(_changes(tx, after, bound, scope, see_review, table))
        if counts and not has_more:
            return _with_counts(tx, page, bound, scope)
        return page


def _with_counts(tx: Tx, page: Json, upto: int, scope: str | None) -> Json:
    """``page`` (the last of a pull) with ``counts``: for each entity, the rows the caller may
    see as of the page's cursor, counted in the page's own snapshot with the pull's own scope.

    Why: a client that pulled from the start compares them with what its cache holds, and so
    learns whether every page arrived whole. Counted in the same snapshot as the page, no commit
    can fall between the rows sent and the rows counted; counted with the same window and scope
    as the pages, a client that applied every page holds exactly these numbers.
    """
    page["counts"] = tx.sync.live_counts(upto, scope)
    return page


def _empty() -> Json:
    keys = (
        "instructors",
        "lesson_types",
        "students",
        "templates",
        "overrides",
        "bookings",
        "conflicts",
        "audit",
        "messages",
        "message_reads",
        "tombstones",
        "series",
        "terms",
    )
    return {key: [] for key in keys}


def _changes(
    tx: Tx, after: int, bound: int, scope: str | None, see_review: bool, table: bool
) -> Json:
    sync = tx.sync
    bookings, booked = _bookings(tx, after, bound, scope, see_review, table)
    student_ids = sync.changed_students(after, bound, scope)
    student_ids.update(booked)
    instructor_ids = sync.changed_instructors(after, bound, scope)
    instructors = tx.instructors.all_with_users(instructor_ids) if instructor_ids else []
    types = tx.lesson_types.of_instructors([i.id for i, _ in instructors])
    overrides: list[Any] = [
        {
            "instructor_id": r.instructor_id,
            "date": r.day,
            "ranges": views.day_ranges(r.ranges),
            "version": r.version,
        }
        for r in sync.changed_overrides(after, bound, scope)
    ]
    return {
        "instructors": [views.instructor(i, u, types[i.id]) for i, u in instructors],
        "lesson_types": [
            views.lesson_type(t) for t in sync.changed_lesson_types(after, bound, scope)
        ],
        "students": [views.student(r) for r in tx.users.students_rows(student_ids)],
        "templates": [
            {
                "instructor_id": r.instructor_id,
                "ranges": views.template_ranges(r.ranges),
                "version": r.version,
            }
            for r in sync.changed_templates(after, bound, scope)
        ],
        "overrides": overrides,
        "bookings": bookings,
        "conflicts": [views.conflict(c) for c in sync.changed_conflicts(after, bound, scope)],
        "audit": [views.audit(e) for e in sync.changed_audit(after, bound, scope)],
        "messages": [views.message(m) for m in sync.changed_messages(after, bound, scope)],
        "message_reads": [views.read_marker(r) for r in sync.changed_reads(after, bound, scope)],
        "tombstones": [
            {"entity": r.entity, "id": r.entity_id}
            for r in sync.changed_tombstones(after, bound, scope)
        ],
        "series": [series_view(r) for r in sync.changed_series(after, bound, scope)],
        "terms": [term_view(r) for r in sync.changed_terms(after, bound, scope)],
    }


def _bookings(
    tx: Tx, after: int, bound: int, scope: str | None, see_review: bool, table: bool
) -> tuple[Any, Iterable[str]]:
    """The changed bookings in the page's form, and the students they name."""
    if not table:
        keys, rows = tx.sync.changed_bookings(after, bound, scope)
        objects = views.bookings(rows, keys, see_note=True, see_review=see_review)
        return objects, map(itemgetter("student_id"), objects)
    blank = views.hidden_booking_fields(see_note=True, see_review=see_review)
    found = tx.sync.changed_booking_table(after, bound, scope, blank=blank)
    return {"columns": found.columns, "rows": found.rows}, found.student_ids


def state(uow: UnitOfWork, caller: Caller, client_id: str) -> Json:
    principal = require(caller.principal, Permission.SYNC)
    with uow.read(snapshot=True) as tx:
        client = tx.sync.client(principal.user_id, client_id)
        head = tx.sync.head()
    return {
        "client_id": client_id,
        "last_mutation_id": client.last_mutation_id if client else 0,
        "cursor": cursor_text(*head) if head else "0",
    }
