"""Lessons at the right wall times in any display zone, DST weeks included.

Assertions are on the rectangles the painter lays out (``lesson_rects``) and on the converted
week, not on pixels: a one-pixel font difference must not fail these.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from PySide6.QtCore import Qt

from instainstru_desktop.services.views import DayHours, HoursRange, WeekSnapshot
from tests.ui.sample_data import (
    DST_WEEK,
    FALL_WEEK,
    WEEK,
    ZONE,
    empty_week,
    hours,
    lesson,
    realistic_week,
)
from ui.calendar.timeline import DisplayWeek, assign_lanes, day_oddities
from ui.calendar.week_view import WeekView


def utc(y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=UTC)


def week_with(start: date, *cards, days=None) -> WeekSnapshot:
    base = empty_week(start)
    return WeekSnapshot(base.instructor_id, ZONE, start, days or base.days, tuple(cards))


def moved(card, begin: datetime, minutes: int):
    from dataclasses import replace

    return replace(card, start=begin, end=begin + timedelta(minutes=minutes))


@pytest.fixture
def view(qtbot) -> WeekView:
    v = WeekView()
    qtbot.addWidget(v)
    v.resize(1000, 700)
    v.show()
    qtbot.waitExposed(v)
    return v


def top_minute(view: WeekView, booking_id: str, index: int = 0) -> float:
    rect = view.lesson_rects()[booking_id][index]
    return round(view.week_geometry().minute_at_y(rect.top() - 1))


def column(view: WeekView, booking_id: str, index: int = 0) -> int | None:
    rect = view.lesson_rects()[booking_id][index]
    return view.week_geometry().day_at_x(rect.center().x())


def test_switching_the_display_zone_moves_lessons_to_local_wall_times(view):
    # Wednesday 12 March 2025 15:00 in Berlin (CET) is 10:00 in New York (EDT since 9 March).
    card = lesson("x", WEEK + timedelta(days=2), "15:00", "ana", "theory")
    view.set_snapshot(week_with(WEEK, card))
    assert (column(view, "x"), top_minute(view, "x")) == (2, 15 * 60)
    view.set_display_zone("America/New_York")
    assert (column(view, "x"), top_minute(view, "x")) == (2, 10 * 60)
    view.set_display_zone("Asia/Tokyo")  # 23:00 the same day
    assert (column(view, "x"), top_minute(view, "x")) == (2, 23 * 60)
    view.set_display_zone(None)
    assert top_minute(view, "x") == 15 * 60


def test_a_lesson_moves_to_the_next_column_when_the_zone_is_a_day_ahead(view):
    card = lesson("x", WEEK, "20:00", "hana", "piano")  # Mon 20:00 Berlin = Tue 04:00 Tokyo
    view.set_snapshot(week_with(WEEK, card))
    view.set_display_zone("Asia/Tokyo")
    assert (column(view, "x"), top_minute(view, "x")) == (1, 4 * 60)


def test_spring_forward_day_has_23_hours_and_lessons_keep_their_wall_times(view):
    sunday = DST_WEEK + timedelta(days=6)  # 30 March 2025, 02:00 -> 03:00 in Berlin
    before = lesson("a", sunday, "01:00", "ana", "theory")  # 00:00 UTC
    after = lesson("b", sunday, "04:00", "ben", "piano")  # 02:00 UTC (CEST)
    saturday = lesson("c", sunday - timedelta(days=1), "04:00", "chloe", "piano")  # 03:00 UTC
    view.set_snapshot(week_with(DST_WEEK, before, after, saturday))
    week = view.display_week()
    assert week.days[6].length_minutes == 23 * 60
    assert week.days[6].gap == HoursRange(120, 180)
    assert week.days[5].gap is None
    assert top_minute(view, "a") == 60
    assert top_minute(view, "b") == 4 * 60
    assert top_minute(view, "c") == 4 * 60
    # In UTC the same lessons sit one hour apart on Saturday and two on Sunday.
    view.set_display_zone("UTC")
    assert top_minute(view, "a") == 0
    assert top_minute(view, "b") == 2 * 60
    assert top_minute(view, "c") == 3 * 60


def test_a_lesson_over_the_skipped_hour_is_drawn_to_its_wall_end(view):
    sunday = DST_WEEK + timedelta(days=6)
    card = moved(lesson("x", sunday, "01:00", "ana", "theory"), utc(2025, 3, 30, 0, 30), 60)
    view.set_snapshot(week_with(DST_WEEK, card))  # 01:30 CET .. 03:30 CEST: one real hour
    rect = view.lesson_rects()["x"][0]
    geo = view.week_geometry()
    assert round(geo.minute_at_y(rect.top() - 1)) == 90
    assert round(geo.minute_at_y(rect.bottom() + 1)) == 210


def test_fall_back_day_has_25_hours_and_both_passes_of_the_hour_side_by_side(view):
    sunday = FALL_WEEK + timedelta(days=6)  # 26 October 2025, 03:00 -> 02:00 in Berlin
    first = moved(lesson("a", sunday, "00:00", "ana", "guitar"), utc(2025, 10, 26, 0, 15), 30)
    second = moved(lesson("b", sunday, "00:00", "ben", "guitar"), utc(2025, 10, 26, 1, 15), 30)
    across = moved(lesson("c", sunday, "00:00", "chloe", "piano"), utc(2025, 10, 25, 23, 30), 90)
    view.set_snapshot(week_with(FALL_WEEK, first, second, across))
    week = view.display_week()
    assert week.days[6].length_minutes == 25 * 60
    assert week.days[6].repeated == HoursRange(120, 180)
    # Both lessons start at wall 02:15 (CEST, then CET) and get separate lanes.
    assert top_minute(view, "a") == top_minute(view, "b") == 135
    ra, rb = view.lesson_rects()["a"][0], view.lesson_rects()["b"][0]
    assert not ra.intersects(rb)
    assert column(view, "a") == column(view, "b") == 6
    # 01:30 CEST to 02:00 CET is 90 minutes although the wall clock shows 30.
    rc = view.lesson_rects()["c"][0]
    geo = view.week_geometry()
    assert round(geo.minute_at_y(rc.top() - 1)) == 90
    assert round(geo.minute_at_y(rc.bottom() + 1)) == 180


def test_a_lesson_across_midnight_is_cut_into_two_segments(view):
    card = moved(lesson("x", WEEK, "23:30", "ivan", "theory"), utc(2025, 3, 10, 22, 30), 60)
    view.set_snapshot(week_with(WEEK, card))
    rects = view.lesson_rects()["x"]
    assert len(rects) == 2
    assert (column(view, "x", 0), column(view, "x", 1)) == (0, 1)
    assert top_minute(view, "x", 1) == 0


def test_hours_are_converted_to_the_display_zone():
    days = list(empty_week(WEEK).days)
    days[0] = DayHours(WEEK, hours(("09:00", "12:00"), ("22:00", "24:00")), False, False)
    snap = week_with(WEEK, days=tuple(days))
    week = DisplayWeek.build(snap, "Asia/Tokyo")  # +8 h from Berlin in March
    assert week.days[0].ranges == hours(("17:00", "20:00"))
    assert week.days[1].ranges == hours(("06:00", "08:00"))
    assert not week.same_zone
    assert DisplayWeek.build(snap).days[0].ranges == days[0].ranges


def test_painting_in_another_zone_edits_the_instructors_dates(qtbot, view):
    view.set_snapshot(empty_week(WEEK))
    view.set_display_zone("America/New_York")  # Berlin - 5 h this week
    seen = []
    view.hoursEdited.connect(lambda d, r: seen.append((d, r)))
    geo = view.week_geometry()
    view.verticalScrollBar().setValue(geo.scroll_for_minute(18 * 60))
    geo = view.week_geometry()
    vp = view.viewport()
    a, b = geo.cell_center(0, 18 * 4), geo.cell_center(0, 20 * 4 - 1)  # NY Mon 18:00-20:00
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=a)
    qtbot.mouseMove(vp, pos=b)
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=b)
    # = Berlin Mon 23:00-24:00 and Tue 00:00-01:00
    assert seen == [
        (WEEK, hours(("23:00", "24:00"))),
        (WEEK + timedelta(days=1), hours(("00:00", "01:00"))),
    ]
    assert view.display_week().days[0].ranges == hours(("18:00", "20:00"))


def test_day_oddities_of_ordinary_days_are_none():
    from zoneinfo import ZoneInfo

    assert day_oddities(WEEK, ZoneInfo(ZONE)) == (None, None, 1440)


def test_overlapping_lessons_share_the_column_width():
    cards = [
        lesson(f"l{i}", WEEK, start, "ana", "piano")
        for i, start in enumerate(["10:00", "10:15", "10:30", "12:00"])
    ]
    segs = DisplayWeek.build(week_with(WEEK, *cards)).by_day[0]
    lanes = {s.card.booking_id: (s.lane, s.lanes) for s in segs}
    assert lanes == {"l0": (0, 3), "l1": (1, 3), "l2": (2, 3), "l3": (0, 1)}
    assert assign_lanes([]) == []


def test_cancelled_lessons_are_not_drawn(view):
    card = lesson("x", WEEK, "10:00", "ana", "piano", status="cancelled")
    view.set_snapshot(week_with(WEEK, card))
    assert view.lesson_rects() == {}


def test_time_off_abroad_covers_the_instructors_day_only():
    days = list(empty_week(WEEK).days)
    days[3] = DayHours(WEEK + timedelta(days=3), (), True, True)  # Thursday off in Berlin
    week = DisplayWeek.build(week_with(WEEK, days=tuple(days)), "America/New_York")
    # Berlin Thursday = New York Wednesday 19:00 .. Thursday 19:00 (5 hours behind).
    assert week.days[2].off == hours(("19:00", "24:00"))
    assert week.days[3].off == hours(("00:00", "19:00"))
    assert not week.days[3].time_off
    assert DisplayWeek.build(week_with(WEEK, days=tuple(days))).days[3].time_off


def test_the_hours_stay_in_view_when_the_zone_moves_them_out_of_sight(qtbot, view):
    view.set_snapshot(realistic_week(WEEK))  # Berlin 09:00-20:00
    view.show()
    qtbot.waitExposed(view)
    view.scroll_to_working_hours()
    assert view.hours_in_view()
    view.set_display_zone("Pacific/Noumea")  # +10 h: 19:00 to 06:00 the next morning
    assert view.hours_in_view()
    view.set_display_zone(None)
    assert view.hours_in_view()
