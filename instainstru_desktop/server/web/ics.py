"""Lessons as an iCalendar file ("Add to calendar"): one lesson, or the lessons of a series.

The UID is the booking's id, so importing the file again after a change (moved, cancelled)
updates the one event rather than adding a second; ``SEQUENCE`` is the booking's version. Times
are written in the lesson's zone -- the instructor's, where the lesson happens -- with its
VTIMEZONE, so a calendar shows it right whatever zone it is set to.

Weekly lessons are one event per lesson, not one event with a repeat rule (``RRULE``) and
exceptions (``EXDATE``): the lessons of a series are not a clean rule -- dates a booking rule
refused, weeks in a term's break, a lesson moved on its own, lessons booked later as the
booking window reaches them -- and calendar apps differ in how they apply exceptions and
per-occurrence overrides (``RECURRENCE-ID``) to an imported rule, some not at all. Separate
events with the bookings' own UIDs show exactly the lessons booked, and match the single
lesson's file: the same lesson imported from either is one event, and a cancelled one is
written ``STATUS:CANCELLED``, so a calendar that imported it before marks it cancelled.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from instainstru_desktop.server.services.public import PublicProfile

PRODUCT = "-//InstaInstru//Lessons//EN"


def uid(booking_id: str) -> str:
    return f"{booking_id}@instainstru"


def _event(booking: dict[str, Any], instructor: PublicProfile, page_url: str) -> Event:
    tz = ZoneInfo(instructor.time_zone)
    start: datetime = booking["start"]
    end: datetime = booking["end"]
    event = Event()
    event.add("uid", uid(booking["id"]))
    event.add("dtstamp", booking["updated_at"])
    event.add("sequence", booking["version"])
    event.add("dtstart", start.astimezone(tz))
    event.add("dtend", end.astimezone(tz))
    event.add("summary", f"{booking['lesson_type_name']} with {instructor.name}")
    event.add("description", f"Your lesson with {instructor.name}. Details: {page_url}")
    event.add("url", page_url)
    event.add("status", "CANCELLED" if booking["status"] == "cancelled" else "CONFIRMED")
    return event


def _calendar(
    bookings: Sequence[dict[str, Any]], instructor: PublicProfile, url_of: Callable[[str], str]
) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    for booking in bookings:
        calendar.add_component(_event(booking, instructor, url_of(booking["id"])))
    if bookings:
        tz = ZoneInfo(instructor.time_zone)
        first = min(b["start"] for b in bookings).astimezone(tz).date()
        last = max(b["start"] for b in bookings).astimezone(tz).date()
        calendar.add_missing_timezones(
            first_date=date(first.year - 1, 1, 1), last_date=last + timedelta(days=400)
        )
    data: bytes = calendar.to_ical()
    return data


def lesson_calendar(booking: dict[str, Any], instructor: PublicProfile, page_url: str) -> bytes:
    return _calendar([booking], instructor, lambda _id: page_url)


def series_calendar(
    lessons: Sequence[dict[str, Any]], instructor: PublicProfile, url_of: Callable[[str], str]
) -> bytes:
    """The lessons of a series booked so far (cancelled ones marked so), one event each."""
    return _calendar(sorted(lessons, key=lambda b: b["start"]), instructor, url_of)
