"""Pull pages: upserts, tombstones, and a cursor that only moves with the rows it covers."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from instainstru_desktop.store import open_store
from instainstru_desktop.store.models import Booking
from instainstru_desktop.store.pull import convert_page
from instainstru_desktop.store.repositories.mirror import BULK_FILL_ROWS, sort_only
from instainstru_desktop.store.wire_table import UnreadablePageError
from tests.store import factories as f

START = datetime(2026, 3, 2, 9, tzinfo=UTC)


def apply(store, page):
    with store.uow() as uow:
        summary = uow.pull.apply(page, now="2026-03-04T12:00:00Z")
        uow.commit()
    return summary


def test_a_page_is_upserted_and_the_cursor_stored_with_it(store):
    bookings = [f.booking(START + timedelta(hours=i)) for i in range(3)]
    summary = apply(store, f.page("10.a", instructors=[f.instructor()], bookings=bookings))
    assert summary.rows == 4
    assert summary.booking_ids == {b["id"] for b in bookings}
    assert summary.kinds == {"instructor", "booking"}

    changed = {**bookings[0], "status": "cancelled", "cancelled_by": "student", "version": 2}
    apply(store, f.page("11.b", bookings=[changed]))

    with store.read() as uow:
        assert uow.mirror.count("booking") == 3
        assert uow.bookings.get(bookings[0]["id"]).status == "cancelled"
        state = uow.sync_state.get()
        assert (state.cursor, state.cursor_seq, state.last_pull_at) == (
            "11.b",
            11,
            "2026-03-04T12:00:00Z",
        )


def test_tombstones_delete_rows(store):
    f.seed(
        store,
        overrides=[f.override("2026-03-05", [])],
        bookings=[f.booking(START, booking_id="b1")],
    )
    summary = apply(
        store,
        f.page(
            "2.b",
            tombstones=[
                {"entity": "override", "id": f"{f.INSTRUCTOR_ID}/2026-03-05"},
                {"entity": "booking", "id": "b1"},
            ],
        ),
    )
    assert summary.deleted == 2
    assert summary.kinds == {"override", "booking"}  # deletions are changes too
    with store.read() as uow:
        assert uow.mirror.count("override") == 0
        assert uow.mirror.count("booking") == 0


def test_a_page_that_fails_half_way_leaves_no_row_and_the_old_cursor(store):
    f.seed(store, cursor="1.a")
    broken = f.booking(START)
    del broken["start"]
    page = f.page("2.b", students=[f.student("s-new")], bookings=[f.booking(START), broken])

    with pytest.raises(UnreadablePageError, match="'start'"):
        apply(store, page)

    with store.read() as uow:
        assert uow.sync_state.get().cursor == "1.a"
        assert uow.catalog.student("s-new") is None
        assert uow.mirror.count("booking") == 0


def test_instants_are_stored_in_one_sortable_spelling(store):
    odd = f.booking(START)
    odd["start"] = "2026-03-02T10:00:00+01:00"
    odd["end"] = "2026-03-02T10:00:00.000Z"
    apply(store, f.page("1.a", bookings=[odd]))
    with store.read() as uow:
        row = uow.bookings.get(odd["id"])
    assert (row.start_utc, row.end_utc) == ("2026-03-02T09:00:00Z", "2026-03-02T10:00:00Z")


def test_a_tombstone_older_than_a_row_of_the_same_page_does_not_delete_it(store):
    """The server cleared a date and set it again; one page carries both. The row is the newer
    (a deleted row is never sent), so the date keeps its hours."""
    f.seed(store, overrides=[f.override("2026-03-05", [("09:00", "12:00")])])
    key = f"{f.INSTRUCTOR_ID}/2026-03-05"
    apply(
        store,
        f.page(
            "5.c",
            overrides=[f.override("2026-03-05", [("10:00", "11:00")])],
            tombstones=[{"entity": "override", "id": key}],
        ),
    )
    with store.read() as uow:
        assert json.loads(uow.mirror.get("override", key)["ranges"]) == [
            {"start": "10:00", "end": "11:00"}
        ]


def booking_indexes(store) -> dict[str, str]:
    """The bookings table's indexes as the file declares them: name -> SQL."""
    conn = sqlite3.connect(store.database.path)
    try:
        found = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'bookings'"
        )
        return dict(found.fetchall())
    finally:
        conn.close()


def booking_indexes_of(uow) -> dict[str, str]:
    """The bookings table's indexes as a transaction sees them: name -> SQL."""
    found = uow.session.connection().exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'bookings'"
    )
    return dict(found.fetchall())


def declared_only(indexes: dict[str, str]) -> dict[str, str]:
    """The indexes the schema declares (the primary key's own index has no SQL)."""
    return {name: sql for name, sql in indexes.items() if sql is not None}


def without_sort_indexes(indexes: dict[str, str]) -> dict[str, str]:
    """What the last page of a first download leaves: every index but the sort-only ones."""
    return {name: sql for name, sql in indexes.items() if name not in SORT_INDEXES}


#: The bookings' indexes that only the admin table's sorts by other columns read.
SORT_INDEXES = frozenset(str(i.name) for i in Booking.__table__.indexes if sort_only(i))


def many_bookings(count: int = BULK_FILL_ROWS) -> list[dict]:
    return [f.booking(START + timedelta(minutes=30 * i)) for i in range(count)]


def test_many_bookings_into_an_empty_cache_go_in_with_every_index_built_after_them(store):
    declared = booking_indexes(store)
    bookings = many_bookings()

    apply(store, f.page("2.b", bookings=bookings))

    assert booking_indexes(store) == without_sort_indexes(declared)  # spelled the same
    assert store.after_sync().indexes == tuple(sorted(SORT_INDEXES))
    assert booking_indexes(store) == declared
    with store.read() as uow:
        assert uow.mirror.count("booking") == len(bookings)
        later = bookings[-1]
        assert uow.bookings.get(later["id"]).start_utc == later["start"]
        checked = uow.session.connection().exec_driver_sql("PRAGMA integrity_check").all()
    assert checked == [("ok",)]  # every index holds exactly the table's rows


def test_a_first_download_builds_the_indexes_once_after_its_last_page(store):
    declared = booking_indexes(store)
    bookings = many_bookings(3 * BULK_FILL_ROWS)
    first, second, last = bookings[:BULK_FILL_ROWS], bookings[BULK_FILL_ROWS:-10], bookings[-10:]

    apply(store, {**f.page("2.b", bookings=first), "has_more": True})
    # the bulk load has begun: no index is kept up to date row by row
    assert declared_only(booking_indexes(store)) == {}
    apply(store, {**f.page("3.c", bookings=second), "has_more": True})
    # a later page of the same pull only appends rows
    assert declared_only(booking_indexes(store)) == {}
    apply(store, f.page("4.d", bookings=last))

    # the last page built what readers need, spelled the same; the sorts' follow the sync
    assert booking_indexes(store) == without_sort_indexes(declared)
    assert set(store.after_sync().indexes) == SORT_INDEXES
    assert booking_indexes(store) == declared
    with store.read() as uow:
        assert uow.mirror.count("booking") == 3 * BULK_FILL_ROWS
        assert uow.sync_state.get().cursor == "4.d"
        checked = uow.session.connection().exec_driver_sql("PRAGMA integrity_check").all()
    assert checked == [("ok",)]


def test_a_cache_left_mid_download_has_every_index_again_when_opened(store, tmp_path):
    declared = booking_indexes(store)
    bookings = many_bookings()
    apply(store, {**f.page("2.b", bookings=bookings), "has_more": True})
    assert declared_only(booking_indexes(store)) == {}
    path = store.database.path
    store.close()  # what a kill after that commit leaves on disk

    reopened = open_store(path)
    try:
        assert booking_indexes(reopened) == declared
        with reopened.read() as uow:
            assert uow.mirror.count("booking") == len(bookings)
            assert uow.sync_state.get().cursor == "2.b"
            checked = uow.session.connection().exec_driver_sql("PRAGMA integrity_check").all()
        assert checked == [("ok",)]
    finally:
        reopened.close()


def test_a_small_page_alone_into_an_empty_cache_keeps_its_indexes(store):
    declared = booking_indexes(store)
    captured: list[dict[str, str]] = []

    with store.uow() as uow:
        uow.pull.apply(f.page("2.b", bookings=many_bookings(10)), now="2026-03-04T12:00:00Z")
        captured.append(declared_only(booking_indexes_of(uow)))
        uow.commit()

    assert captured == [declared_only(declared)]  # never dropped, not even inside the page


def test_the_first_of_several_small_pages_starts_a_bulk_load_too(store):
    declared = booking_indexes(store)

    apply(store, {**f.page("2.b", bookings=many_bookings(10)), "has_more": True})
    assert declared_only(booking_indexes(store)) == {}
    apply(store, f.page("3.c"))

    assert booking_indexes(store) == without_sort_indexes(declared)
    store.after_sync()
    assert booking_indexes(store) == declared


def test_a_big_page_that_fails_after_its_bookings_leaves_no_row_and_every_index(store):
    f.seed(store, cursor="1.a")
    declared = booking_indexes(store)
    broken_conflict = f.conflict("b-1")
    del broken_conflict["kind"]  # conflicts are written after bookings

    with pytest.raises(UnreadablePageError, match="conflicts: KeyError"):
        apply(store, f.page("2.b", bookings=many_bookings(), conflicts=[broken_conflict]))

    assert booking_indexes(store) == declared
    with store.read() as uow:
        assert uow.mirror.count("booking") == 0
        assert uow.sync_state.get().cursor == "1.a"


def test_a_big_page_over_cached_bookings_updates_them_in_place(store):
    bookings = many_bookings()
    apply(store, f.page("2.b", bookings=bookings))
    cancelled = [{**b, "status": "cancelled", "version": 2} for b in bookings]

    apply(store, f.page("3.c", bookings=cancelled))

    with store.read() as uow:
        assert uow.mirror.count("booking") == len(bookings)
        assert {r["status"] for r in uow.mirror.rows("booking")} == {"cancelled"}
        assert uow.sync_state.get().cursor == "3.c"


def test_a_page_converted_ahead_is_written_as_the_page_itself(store, tmp_path):
    bookings = [f.booking(START + timedelta(hours=i)) for i in range(3)]
    page = f.page("2.b", instructors=[f.instructor()], students=[f.student()], bookings=bookings)
    other = open_store(tmp_path / "other.sqlite3")
    try:
        as_sent = apply(other, page)
        converted = apply(store, convert_page(page))
        with store.read() as mine, other.read() as theirs:
            for entity in ("instructor", "student", "booking"):
                assert mine.mirror.rows(entity) == theirs.mirror.rows(entity)
    finally:
        other.close()
    assert converted == as_sent
