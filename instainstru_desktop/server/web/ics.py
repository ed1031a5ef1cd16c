"""A lesson as an iCalendar file ("Add to calendar").

The UID is the booking's id, so importing the file again after a change (moved, cancelled)
updates the one event rather than adding a second; ``SEQUENCE`` is the booking's version. Times
are written in the lesson's zone -- the instructor's, where the lesson happens -- with its
VTIMEZONE, so a calendar shows it right whatever zone it is set to.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from instainstru_desktop.server.services.public import PublicProfile

PRODUCT = "-//InstaInstru//Lessons//EN"


def uid(booking_id: str) -> str:
    return f"{booking_id}@instainstru"


def lesson_calendar(booking: dict[str, Any], instructor: PublicProfile, page_url: str) -> bytes:
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
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add_component(event)
    first = start.astimezone(tz).date()
    calendar.add_missing_timezones(
        first_date=date(first.year - 1, 1, 1), last_date=first + timedelta(days=400)
    )
    data: bytes = calendar.to_ical()
    return data
