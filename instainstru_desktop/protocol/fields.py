"""Field types of the changes, each with its limits declared once.

Limits are ``annotated_types`` metadata: the server's validator enforces all of it, and the client
checks the measurable limits (lengths, numeric bounds: :mod:`.limits`) before it queues a change,
so an edit made offline is refused while the person is still looking at it, not at the next sync.
Formats (ids, clock times, instants) are checked by predicates the server runs; the client builds
those values itself and never needs to.
"""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from typing import Annotated

from annotated_types import Ge, Interval, Le, MaxLen, MinLen, Predicate

from instainstru_desktop.domain.policies import POLICY_BOUNDS

#: Instants and dates outside these years are refused before any date arithmetic could overflow.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2500
#: A wall-clock time ``HH:MM`` (``24:00`` allowed as an end; the domain checks the rest).
CLOCK_PATTERN = r"^([01][0-9]|2[0-4]):[0-5][0-9]$"
#: The longest private note of an instructor, and the longest review note of an admin.
NOTE_MAX_CHARS = 10_000
#: The longest reason given for a cancellation (the student reads it).
REASON_MAX_CHARS = 2_000
#: The longest time zone name accepted (IANA names are far shorter).
ZONE_MAX_CHARS = 64
#: The most separate ranges of hours one date may have (every quarter hour on its own).
DAY_RANGES_MAX = 96
#: The most ranges of hours a usual week may have.
WEEK_RANGES_MAX = 700

_CLOCK = re.compile(CLOCK_PATTERN)


def is_id(text: str) -> bool:
    """A UUID, in any spelling the standard library reads (the server stores the canonical one)."""
    try:
        uuid.UUID(text)
    except (ValueError, AttributeError, TypeError):
        return False
    return True


def is_clock(text: str) -> bool:
    return _CLOCK.match(text) is not None


def is_supported_day(day: date) -> bool:
    return EARLIEST_YEAR <= day.year <= LATEST_YEAR


def is_instant(moment: datetime) -> bool:
    """An aware moment within the supported years."""
    return moment.utcoffset() is not None and EARLIEST_YEAR <= moment.year <= LATEST_YEAR


def _rule(name: str) -> Interval:
    low, high = POLICY_BOUNDS[name]
    return Interval(ge=low, le=high)


Id = Annotated[str, Predicate(is_id)]
Clock = Annotated[str, Predicate(is_clock)]
Day = Annotated[date, Predicate(is_supported_day)]
Instant = Annotated[datetime, Predicate(is_instant)]
Weekday = Annotated[int, Ge(0), Le(6)]
NoteText = Annotated[str, MaxLen(NOTE_MAX_CHARS)]
ReasonText = Annotated[str, MaxLen(REASON_MAX_CHARS)]
ZoneName = Annotated[str, MinLen(1), MaxLen(ZONE_MAX_CHARS)]

NoticeMinutes = Annotated[int, _rule("min_notice_minutes")]
HorizonDays = Annotated[int, _rule("booking_horizon_days")]
BufferMinutes = Annotated[int, _rule("buffer_minutes")]
StepMinutes = Annotated[int, _rule("slot_step_minutes")]
DailyLimit = Annotated[int, _rule("daily_limit")]
WeeklyLimit = Annotated[int, _rule("weekly_limit")]
