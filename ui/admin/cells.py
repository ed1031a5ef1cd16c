"""The admin table's columns and the words in its cells, computed once per row.

A page of rows is turned into text on the worker thread that read it (these functions touch no
widget), so the model's ``data()`` only indexes a tuple while the table scrolls.

"When" is told in the viewer's zone, the zone the date filter speaks: the table sorts by the
instant a lesson starts, and in one zone that order is the order of the times shown (in each
instructor's own zone a Tokyo 09:00 comes before a London 08:00 and looks misplaced). Each
instructor's and student's own times are in the cell's tooltip and the detail pane.
"""

from __future__ import annotations

import enum
from zoneinfo import ZoneInfo

from instainstru_desktop.services.review_views import ReviewRow, SortKey
from ui.lessons import format as fmt


class Column(enum.IntEnum):
    WHEN = 0
    INSTRUCTOR = 1
    STUDENT = 2
    LESSON = 3
    LENGTH = 4
    STATUS = 5
    PRICE = 6
    REVIEW = 7


HEADERS = {
    Column.WHEN: "When (your time)",
    Column.INSTRUCTOR: "Instructor",
    Column.STUDENT: "Student",
    Column.LESSON: "Lesson",
    Column.LENGTH: "Length",
    Column.STATUS: "Status",
    Column.PRICE: "Price",
    Column.REVIEW: "Review",
}
SORT_KEYS = {
    Column.WHEN: SortKey.START,
    Column.INSTRUCTOR: SortKey.INSTRUCTOR,
    Column.STUDENT: SortKey.STUDENT,
    Column.LESSON: SortKey.LESSON,
    Column.LENGTH: SortKey.LENGTH,
    Column.STATUS: SortKey.STATUS,
    Column.PRICE: SortKey.PRICE,
    Column.REVIEW: SortKey.REVIEW,
}
RIGHT_ALIGNED = frozenset({Column.LENGTH, Column.PRICE})
CANCELLED_BY = {
    "student": "by the student",
    "instructor": "by the instructor",
    "admin": "by an admin",
    "system": "by the system",
}

_zones: dict[str, ZoneInfo] = {}


def _zone(name: str) -> ZoneInfo:
    tz = _zones.get(name)
    if tz is None:
        try:
            tz = ZoneInfo(name)
        except (ValueError, KeyError):
            tz = ZoneInfo("UTC")
        _zones[name] = tz
    return tz


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def when(row: ReviewRow, zone: str) -> str:
    """``Tue 3 Mar 2026, 09:00 CET`` in ``zone``.

    Spelled out rather than through ``strftime``, which runs an import on every call (Qt for
    Python watches imports): a page of rows is formatted on every scroll step."""
    s = row.start.astimezone(_zone(zone))
    return (
        f"{_DAYS[s.weekday()]} {s.day} {_MONTHS[s.month - 1]} {s.year},"
        f" {s.hour:02d}:{s.minute:02d} {fmt.zone_label(s)}"
    )


def length(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h" if not rest else f"{hours} h {rest} min"


def status(row: ReviewRow) -> str:
    words = fmt.STATUS_WORDS.get(row.status, row.status.replace("_", " ").capitalize())
    if row.status == "cancelled" and row.cancelled_by:
        words += f" {CANCELLED_BY.get(row.cancelled_by, 'by ' + row.cancelled_by)}"
    return words


def review(row: ReviewRow) -> str:
    if not row.flagged:
        return ""
    note = row.review_note.splitlines()[0] if row.review_note else ""
    return f"Flagged: {note}" if note else "Flagged"


def local_times(row: ReviewRow) -> str:
    """The start in the instructor's zone and in the student's (the When cell's tooltip)."""
    return (
        f"Instructor's time: {when(row, row.instructor_zone)}\n"
        f"Student's time: {when(row, row.student_zone)}"
    )


def cells(row: ReviewRow, zone: str) -> tuple[str, ...]:
    """The text of every column of a row, in column order; "When" in ``zone``."""
    return (
        when(row, zone),
        row.instructor_name or "(unknown instructor)",
        row.student_name,
        row.lesson_type,
        length(row.minutes),
        status(row),
        fmt.money(row.price_cents, row.currency),
        review(row),
    )
