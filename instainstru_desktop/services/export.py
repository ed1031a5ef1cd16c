"""Bookings as files other programs open: CSV for a spreadsheet, iCalendar for a calendar.

- **CSV**: UTF-8 with a byte order mark (so a spreadsheet does not guess another encoding),
  one row per booking, times in ISO 8601 with their UTC offset in the instructor's zone (the
  zone is its own column), prices as decimals beside their currency. A text cell that starts
  like a formula (``=``, ``+``, ``-``, ``@``) gets a leading apostrophe, so a student's name
  can never run as a formula in the admin's spreadsheet.
- **iCalendar** (RFC 5545, written by the ``icalendar`` package): one ``VEVENT`` per lesson
  with the UID the student's "Add to calendar" file uses (``<booking id>@instainstru``), so
  importing both, or a newer export, updates one event; ``SEQUENCE`` is the booking's version;
  times are in the instructor's zone with its ``VTIMEZONE`` (in UTC for a lesson in the hour
  the clocks go back, which a wall time cannot name).

Files are written next to their target and moved into place once complete: an export that fails
half-way leaves no half file under the chosen name. The private note stays in the app.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from instainstru_desktop.services._base import UseCases
from instainstru_desktop.services._convert import parse_instant, safe_zone
from instainstru_desktop.services.review import stored_filter
from instainstru_desktop.services.review_views import ReviewQuery, SortKey
from instainstru_desktop.store.repositories.review import ReviewFilter, ReviewRecord

if TYPE_CHECKING:  # loaded on the first export: ~0.3 s and 3 MB nobody needs at start
    from icalendar import Event

PRODUCT = "-//InstaInstru//Bookings export//EN"
CSV_COLUMNS = (
    "booking_id",
    "start",
    "end",
    "time_zone",
    "instructor",
    "student",
    "student_time_zone",
    "lesson_type",
    "minutes",
    "status",
    "price",
    "currency",
    "cancelled_by",
    "cancel_reason",
    "flagged",
    "review_note",
    "booked_at",
    "updated_at",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ICS_STATUS = {"cancelled": "CANCELLED"}  # confirmed, completed, no-show: the event happens(ed)


def uid(booking_id: str) -> str:
    """The event's UID: the same as in the student's "Add to calendar" file."""
    return f"{booking_id}@instainstru"


def safe_text(value: str) -> str:
    """Text a spreadsheet shows as text, never evaluates (see the module docstring)."""
    return f"'{value}" if value.startswith(_FORMULA_START) else value


def _iso(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).isoformat(timespec="seconds")


def _price(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    return f"{sign}{whole}.{rest:02d}"


class Instructors:
    """Names and zones of the instructors, for the exported rows."""

    def __init__(self, of: Mapping[str, tuple[str, str]]) -> None:
        self._of = dict(of)

    def name(self, instructor_id: str) -> str:
        return self._of.get(instructor_id, ("", "UTC"))[0]

    def zone(self, instructor_id: str) -> ZoneInfo:
        return safe_zone(self._of.get(instructor_id, ("", "UTC"))[1])


def csv_row(record: ReviewRecord, instructors: Instructors) -> list[str]:
    tz = instructors.zone(record.instructor_id)
    start, end = parse_instant(record.start_utc), parse_instant(record.end_utc)
    return [
        record.id,
        _iso(start, tz),
        _iso(end, tz),
        tz.key,
        safe_text(instructors.name(record.instructor_id)),
        safe_text(record.student_name),
        record.student_time_zone,
        safe_text(record.lesson_type_name),
        str(int((end - start).total_seconds() // 60)),
        record.status,
        _price(record.price_cents),
        record.currency,
        record.cancelled_by or "",
        safe_text(record.cancel_reason or ""),
        "yes" if record.flagged else "no",
        safe_text(record.review_note or ""),
        record.created_at,
        record.updated_at,
    ]


def write_csv(batches: Iterable[list[ReviewRecord]], instructors: Instructors, out: IO[str]) -> int:
    """Write the header and every record; the number of bookings written."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    count = 0
    for batch in batches:
        writer.writerows(csv_row(r, instructors) for r in batch)
        count += len(batch)
    return count


def calendar_time(moment: datetime, tz: ZoneInfo) -> datetime:
    """``moment`` as the calendar file writes it: wall time in the lesson's zone, or UTC when
    that wall time happens twice (the hour the clocks go back): RFC 5545 reads a repeated wall
    time as its first occurrence, so the second could not be written any other way."""
    local = moment.astimezone(tz)
    other = local.replace(fold=1 - local.fold)
    return moment.astimezone(UTC) if other.utcoffset() != local.utcoffset() else local


def lesson_event(record: ReviewRecord, instructors: Instructors, *, for_admin: bool) -> Event:
    tz = instructors.zone(record.instructor_id)
    teacher = instructors.name(record.instructor_id)
    from icalendar import Event

    event = Event()
    event.add("uid", uid(record.id))
    event.add("dtstamp", parse_instant(record.updated_at or record.start_utc))
    event.add("sequence", record.version)
    event.add("dtstart", calendar_time(parse_instant(record.start_utc), tz))
    event.add("dtend", calendar_time(parse_instant(record.end_utc), tz))
    who = f"{record.student_name} with {teacher}" if for_admin else record.student_name
    event.add("summary", f"{record.lesson_type_name}: {who}")
    lines = [f"Status: {record.status.replace('_', '-')}"]
    if record.cancel_reason:
        lines.append(f"Reason: {record.cancel_reason}")
    if for_admin and record.flagged:
        lines.append(f"Flagged for review: {record.review_note or '(no note)'}")
    event.add("description", "\n".join(lines))
    event.add("status", ICS_STATUS.get(record.status, "CONFIRMED"))
    event.add("categories", [record.status])
    return event


def build_calendar(
    batches: Iterable[list[ReviewRecord]], instructors: Instructors, *, for_admin: bool
) -> tuple[bytes, int]:
    """The calendar of every record (with each zone's VTIMEZONE) and how many events."""
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    first: date | None = None
    last: date | None = None
    count = 0
    for batch in batches:
        for record in batch:
            calendar.add_component(lesson_event(record, instructors, for_admin=for_admin))
            day = parse_instant(record.start_utc).date()
            first = day if first is None or day < first else first
            last = day if last is None or day > last else last
            count += 1
    if first is not None and last is not None:
        calendar.add_missing_timezones(
            first_date=date(first.year - 1, 1, 1), last_date=last + timedelta(days=400)
        )
    data: bytes = calendar.to_ical()
    return data, count


def write_atomically(path: Path, write: Any, *, text: bool) -> Any:
    """Write through ``write(file)`` into a file beside ``path``, then move it into place."""
    folder = path.parent
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    try:
        mode = "w" if text else "wb"
        options: dict[str, Any] = {"encoding": "utf-8-sig", "newline": ""} if text else {}
        with os.fdopen(handle, mode, **options) as out:
            result = write(out)
        os.replace(temporary, path)
        return result
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class ExportService(UseCases):
    """Writes the filtered bookings (admins) or one instructor's lessons to a file."""

    def _instructors(self) -> Instructors:
        with self._store.read() as uow:
            return Instructors({i.id: (i.name, i.time_zone) for i in uow.catalog.instructors()})

    def _batches(
        self, f: ReviewFilter, sort: SortKey, descending: bool
    ) -> Iterator[list[ReviewRecord]]:
        with self._store.read() as uow:  # one snapshot for the whole file
            yield from uow.review.stream(f, sort, descending)

    def bookings_csv(
        self,
        query: ReviewQuery,
        path: Path,
        sort: SortKey = SortKey.START,
        descending: bool = False,
    ) -> int:
        """The filtered bookings as CSV at ``path``; how many were written."""
        instructors = self._instructors()
        batches = self._batches(stored_filter(query), sort, descending)
        count: int = write_atomically(
            path, lambda out: write_csv(batches, instructors, out), text=True
        )
        return count

    def bookings_ics(
        self,
        query: ReviewQuery,
        path: Path,
        sort: SortKey = SortKey.START,
        descending: bool = False,
    ) -> int:
        """The filtered bookings as an iCalendar file at ``path``; how many events."""
        instructors = self._instructors()
        data, count = build_calendar(
            self._batches(stored_filter(query), sort, descending), instructors, for_admin=True
        )
        write_atomically(path, lambda out: out.write(data), text=False)
        return count

    def my_lessons_ics(self, instructor_id: str, path: Path) -> int:
        """Every lesson of one instructor as an iCalendar file (cancelled ones marked so)."""
        instructors = self._instructors()
        f = ReviewFilter(instructor_id=instructor_id)
        data, count = build_calendar(
            self._batches(f, SortKey.START, False), instructors, for_admin=False
        )
        write_atomically(path, lambda out: out.write(data), text=False)
        return count
