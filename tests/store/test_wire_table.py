"""A table of a pull page converts to exactly the rows its objects convert to."""

from __future__ import annotations

from typing import Any

import pytest

from instainstru_desktop.store.mirror import BY_NAME, ENTITIES
from instainstru_desktop.store.pull import convert_page
from instainstru_desktop.store.wire_table import _PLANS, UnreadablePageError, table_rows

BOOKING = BY_NAME["booking"]


def _booking(n: int, **fields: Any) -> dict[str, Any]:
    item = {
        "id": f"b{n}",
        "instructor_id": "i1",
        "student_id": f"s{n % 3}",
        "student_name": f"Student {n}",
        "student_time_zone": "Europe/Paris",
        "lesson_type_id": "t1",
        "lesson_type_name": "Lesson",
        "start": "2026-03-02T09:00:00Z",
        "end": "2026-03-02T10:00:00Z",
        "status": "confirmed",
        "cancelled_by": None,
        "cancel_reason": None,
        "note": "a note",
        "flagged": n % 2 == 0,
        "review_note": None,
        "price_cents": 4000 + n,
        "currency": "EUR",
        "created_at": "2026-02-27T09:00:00.123457Z",
        "updated_at": "2026-03-01T09:00:00Z",
        "version": 1 + n,
        "series_id": None,
        "series_slot": None,
        "series_moved": False,
    }
    item.update(fields)
    return item


def _table(items: list[dict[str, Any]], columns: list[str]) -> dict[str, Any]:
    return {"columns": columns, "rows": [[item.get(c) for c in columns] for item in items]}


def test_the_booking_plan_covers_every_cache_column() -> None:
    assert set(_PLANS["booking"]) == set(BOOKING.columns)


def test_a_booking_table_makes_the_rows_its_objects_make() -> None:
    items = [_booking(n) for n in range(6)]
    items[1].update(student_name=None, student_time_zone="", price_cents=None, version=None)
    items[2].update(flagged=None, series_moved=True, note="", review_note="seen")
    items[3].update(status="cancelled", cancelled_by="student", cancel_reason="ill")
    columns = list(items[0])
    assert table_rows(BOOKING, _table(items, columns)) == [BOOKING.from_wire(i) for i in items]
    shuffled = [*reversed(columns), "added_by_a_newer_server"]
    assert table_rows(BOOKING, _table(items, shuffled)) == [BOOKING.from_wire(i) for i in items]


def test_instants_not_in_canonical_form_are_normalized_as_objects_are() -> None:
    items = [
        _booking(0),
        _booking(1, start="2026-03-02T10:00:00+01:00", end="2026-03-02T10:00:00.500000Z"),
    ]
    rows = table_rows(BOOKING, _table(items, list(items[0])))
    assert rows == [BOOKING.from_wire(i) for i in items]
    start, end = BOOKING.columns.index("start_utc"), BOOKING.columns.index("end_utc")
    assert (rows[1][start], rows[1][end]) == ("2026-03-02T09:00:00Z", "2026-03-02T10:00:00Z")


def test_columns_a_page_leaves_out_get_what_a_missing_field_gets() -> None:
    needed = ["id", "instructor_id", "student_id", "lesson_type_id", "start", "end", "status"]
    items = [{c: v for c, v in _booking(n).items() if c in needed} for n in range(3)]
    assert table_rows(BOOKING, _table(items, needed)) == [BOOKING.from_wire(i) for i in items]


@pytest.mark.parametrize("entity", [e for e in ENTITIES if e.name not in _PLANS])
def test_other_entities_may_come_as_tables_too(entity: Any) -> None:
    samples = {
        "instructor": {"id": "i1", "name": "Ines", "time_zone": "UTC", "policy": {"a": 1}},
        "lesson_type": {
            "id": "t1",
            "instructor_id": "i1",
            "name": "Lesson",
            "duration_minutes": 60,
            "price_cents": 1,
            "currency": "EUR",
            "color": "#000000",
        },
        "student": {"id": "s1", "name": "Sam"},
        "template": {"instructor_id": "i1", "ranges": [], "version": 2},
        "override": {"instructor_id": "i1", "date": "2026-03-02", "ranges": []},
        "term": {"id": "x", "instructor_id": "i1", "name": "T", "first": "a", "last": "b"},
        "series": {
            "id": "x",
            "instructor_id": "i1",
            "student_id": "s1",
            "lesson_type_id": "t1",
            "time_zone": "UTC",
            "start_date": "2026-03-02",
            "status": "active",
        },
        "conflict": {"id": "c", "instructor_id": "i1", "kind": "k"},
        "audit": {"id": "a", "at": "2026-03-02T09:00:00Z", "action": "booked"},
        "message": {
            "id": "m",
            "booking_id": "b",
            "author_id": "u",
            "body": "hi",
            "created_at": "2026-03-02T09:00:00+00:00",
        },
        "message_read": {"booking_id": "b", "user_id": "u", "read_at": "2026-03-02T09:00:00Z"},
    }
    item = samples[entity.name]
    page = convert_page({entity.page_field: _table([item], list(item))})
    assert page[entity.page_field].rows == [entity.from_wire(item)]


@pytest.mark.parametrize(
    "table",
    [
        {"columns": ["id"]},
        {"columns": "id", "rows": []},
        {"columns": ["id", "id"], "rows": [["a", "b"]]},
        {"columns": ["id", 3], "rows": [["a", "b"]]},
        {"columns": ["id", "status"], "rows": [["a", "b"], ["c"]]},
        {"columns": ["id", "status"], "rows": [["a", "b"], "cd"]},
        {"columns": ["id", "status"], "rows": [["a", "b"]], "more": []},
    ],
    ids=["no_rows", "columns_not_a_list", "repeated", "not_a_name", "short", "not_a_row", "extra"],
)
def test_a_table_that_does_not_hold_together_is_refused(table: dict[str, Any]) -> None:
    with pytest.raises(UnreadablePageError):
        table_rows(BOOKING, table)


def test_a_table_without_a_needed_column_or_value_is_refused() -> None:
    items = [_booking(0), _booking(1)]
    columns = [c for c in items[0] if c != "id"]
    with pytest.raises(UnreadablePageError, match="'id'"):
        table_rows(BOOKING, _table(items, columns))
    items[1]["start"] = None
    with pytest.raises(UnreadablePageError):
        table_rows(BOOKING, _table(items, list(items[0])))
    with pytest.raises(UnreadablePageError):  # another entity: its converter's needs
        table_rows(BY_NAME["student"], {"columns": ["name"], "rows": [["Sam"]]})
    with pytest.raises(UnreadablePageError):  # nothing of a page is converted half-way
        convert_page({"students": [{"id": "s", "name": "S"}], "bookings": {"columns": []}})
