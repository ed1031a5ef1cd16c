"""What a sync changed, in the terms views refresh by; where a lesson belongs in the lists."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from instainstru_desktop.services import LessonService, StatusService
from instainstru_desktop.services.status import MANY_BOOKINGS
from instainstru_desktop.services.views import Changed
from tests.store import factories as f
from tests.unit.services.conftest import NOW


@pytest.fixture
def status(store) -> StatusService:
    return StatusService(store)


def test_a_pulled_booking_is_named_with_the_dates_it_is_drawn_on(store, status):
    # 23:30 London on Thursday 5 March to 00:30 on Friday: drawn on both days
    late = f.booking(NOW + timedelta(days=1, hours=11, minutes=30), booking_id="late")
    f.seed(store, bookings=[late])
    changed = status.changed_by_sync(booking_ids={"late"}, kinds={"booking", "student", "audit"})
    assert changed == Changed(
        dates=frozenset({date(2026, 3, 5), date(2026, 3, 6)}),
        booking_ids=frozenset({"late"}),
        history=True,
    )


def test_hours_the_usual_week_and_clashes_are_named_as_such(store, status):
    f.seed(store)
    changed = status.changed_by_sync(
        override_keys={f"{f.INSTRUCTOR_ID}/2026-03-09"},
        template_instructors={f.INSTRUCTOR_ID},
        kinds={"override", "template", "conflict"},
    )
    assert changed == Changed(dates=frozenset({date(2026, 3, 9)}), template=True, attention=True)
    assert status.changed_by_sync(refused=True) == Changed(attention=True)
    assert status.changed_by_sync(kinds={"student"}) == Changed()  # names only: nothing shown
    gone = status.changed_by_sync(booking_ids={"refused-new-booking"}, kinds={"booking"})
    assert gone == Changed(booking_ids=frozenset({"refused-new-booking"}))


@pytest.mark.parametrize("kind", ["instructor", "lesson_type"])
def test_what_every_view_shows_changes_everything(store, status, kind):
    f.seed(store)
    assert status.changed_by_sync(kinds={kind, "booking"}) == Changed(everything=True)


def test_a_big_download_changes_everything(store, status):
    ids = {str(n) for n in range(MANY_BOOKINGS + 1)}
    assert status.changed_by_sync(booking_ids=ids, kinds={"booking"}) == Changed(everything=True)


def test_a_lesson_is_listed_where_the_lists_hold_it(store):
    lessons = LessonService(store)
    day = timedelta(days=1)
    bookings = {
        "coming": f.booking(NOW + day),
        "started": f.booking(NOW - timedelta(minutes=30)),
        "given": f.booking(NOW - day, status="completed"),
        "missed": f.booking(NOW - 2 * day, status="no_show"),
        "called off": f.booking(NOW + 2 * day, status="cancelled"),
        "elsewhere": f.booking(NOW + day, instructor_id="another-instructor"),
    }
    f.seed(store, bookings=list(bookings.values()))
    ids = {name: b["id"] for name, b in bookings.items()}
    listed = lessons.listed(f.INSTRUCTOR_ID, [*ids.values(), "unknown"])
    where = {lesson.booking_id: lesson.list_name for lesson in listed}
    lists = {
        name: {card.booking_id for card in cards}
        for name, cards in (
            ("upcoming", lessons.upcoming(f.INSTRUCTOR_ID)),
            ("past", lessons.past(f.INSTRUCTOR_ID)),
            ("cancelled", lessons.cancelled(f.INSTRUCTOR_ID)),
        )
    }
    for booking_id, list_name in where.items():  # the same rules as the lists' own reads
        holding = [name for name, ids_there in lists.items() if booking_id in ids_there]
        assert holding == ([list_name] if list_name else []), booking_id
    assert where[ids["coming"]] == "upcoming"
    assert where[ids["started"]] == "past"
    assert where[ids["elsewhere"]] is None
    assert where["unknown"] is None
    cards = {lesson.booking_id: lesson.card for lesson in listed}
    assert cards[ids["given"]] is not None
    assert cards[ids["given"]].status == "completed"
    assert cards["unknown"] is None
