"""Field types of the changes, each with its limits declared once.

Limits are ``annotated_types`` metadata: the server's validator enforces all of it, and the client
checks the measurable limits (lengths, numeric bounds, and that text holds no control character:
:mod:`.limits`) before it queues a change, so an edit made offline is refused while the person is
still looking at it, not at the next sync. Formats (ids, clock times, zone names) are checked by
predicates the server runs; the client builds those values itself.

Values keep their JSON type on the wire (the server reads arguments in pydantic's strict JSON
mode: no number is read from a string or from ``true``). Dates and instants travel as text, whose
exact form :class:`WireForm` states: the server holds the text to it before reading the value.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated

from annotated_types import Ge, Interval, Le, MaxLen, MinLen, Predicate

from instainstru_desktop.domain.policies import POLICY_BOUNDS
from instainstru_desktop.domain.time_ranges import MINUTES_PER_DAY
from instainstru_desktop.domain.zones import iana_zone_names

#: Instants and dates outside these years are refused before any date arithmetic could overflow.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2500
#: Characters no text may hold: C0 controls but tab, LF and CR; DEL; the C1 controls. PostgreSQL
#: cannot store NUL at all, and the others only ever arrive by mistake or by malice.
CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: Regular-expression pieces of the text forms (also read by the server's request types).
YEAR_TEXT = rf"(19[0-9]{{2}}|2[0-4][0-9]{{2}}|{LATEST_YEAR})"
DATE_TEXT = YEAR_TEXT + r"-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
CLOCK_TEXT = r"([01][0-9]|2[0-3]):[0-5][0-9]"
INSTANT_TEXT = (
    DATE_TEXT + r"[Tt]" + CLOCK_TEXT + r":[0-5][0-9](\.[0-9]{1,6})?([Zz]|[+-]" + CLOCK_TEXT + ")"
)
#: A wall-clock time ``HH:MM``, ``00:00`` to ``24:00`` (the domain checks that a range's start
#: comes before its end).
CLOCK_PATTERN = rf"^({CLOCK_TEXT}|24:00)$"
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
#: The longest name of a person (an instructor's, as students see it).
PERSON_NAME_MAX_CHARS = 200
#: The longest bio (plain text with line breaks, shown on the instructor's page).
BIO_MAX_CHARS = 5_000
#: The longest name of a lesson type.
LESSON_NAME_MAX_CHARS = 120
#: The shortest and longest lesson a lesson type may offer, in minutes.
LESSON_MINUTES_MIN, LESSON_MINUTES_MAX = 5, 720
#: The highest price of a lesson, in cents (a million in any currency with cents).
PRICE_CENTS_MAX = 100_000_000
#: A currency as ISO 4217 writes it, and a colour as ``#RRGGBB``.
CURRENCY_PATTERN = r"^[A-Z]{3}$"
COLOUR_PATTERN = r"^#[0-9A-Fa-f]{6}$"

_CLOCK = re.compile(CLOCK_PATTERN)
_CURRENCY = re.compile(CURRENCY_PATTERN)
_COLOUR = re.compile(COLOUR_PATTERN)


@dataclass(frozen=True)
class WireForm:
    """The exact text a value is written as on the wire (a date, an instant)."""

    pattern: str
    example: str

    def matches(self, text: str) -> bool:
        return re.fullmatch(self.pattern, text) is not None


def is_text(text: str) -> bool:
    """Text without a control character (tabs and line breaks are text)."""
    return CONTROL_CHARACTER.search(text) is None


def is_id(text: str) -> bool:
    """A UUID, in any spelling the standard library reads (the server stores the canonical one)."""
    try:
        uuid.UUID(text)
    except (ValueError, AttributeError, TypeError):
        return False
    return True


def is_clock(text: str) -> bool:
    return _CLOCK.match(text) is not None


def is_currency(text: str) -> bool:
    """Three capital letters, as ISO 4217 writes a currency (``EUR``)."""
    return _CURRENCY.match(text) is not None


def is_colour(text: str) -> bool:
    """A colour as ``#RRGGBB``."""
    return _COLOUR.match(text) is not None


def is_visible(text: str) -> bool:
    """Text with something besides spaces in it (a name made of blanks names nothing)."""
    return bool(text.strip())


def is_supported_day(day: date) -> bool:
    return EARLIEST_YEAR <= day.year <= LATEST_YEAR


def is_instant(moment: datetime) -> bool:
    """An aware moment within the supported years."""
    return moment.utcoffset() is not None and EARLIEST_YEAR <= moment.year <= LATEST_YEAR


def is_iana_zone(name: str) -> bool:
    """A name of the IANA list the server ships (not ``localtime``: no client can resolve it)."""
    return name in iana_zone_names()


def divides_day(minutes: int) -> bool:
    """A step every day's grid can follow from midnight to midnight."""
    return minutes >= 1 and MINUTES_PER_DAY % minutes == 0


def _rule(name: str) -> Interval:
    low, high = POLICY_BOUNDS[name]
    return Interval(ge=low, le=high)


Id = Annotated[str, Predicate(is_id)]
Clock = Annotated[str, Predicate(is_clock)]
Day = Annotated[date, Predicate(is_supported_day), WireForm(f"^{DATE_TEXT}$", "2026-03-05")]
Instant = Annotated[
    datetime, Predicate(is_instant), WireForm(f"^{INSTANT_TEXT}$", "2026-03-05T14:00:00Z")
]
Weekday = Annotated[int, Ge(0), Le(6)]
NoteText = Annotated[str, MaxLen(NOTE_MAX_CHARS), Predicate(is_text)]
ReasonText = Annotated[str, MaxLen(REASON_MAX_CHARS), Predicate(is_text)]
ZoneName = Annotated[str, MinLen(1), MaxLen(ZONE_MAX_CHARS), Predicate(is_iana_zone)]
PersonName = Annotated[
    str, MinLen(1), MaxLen(PERSON_NAME_MAX_CHARS), Predicate(is_text), Predicate(is_visible)
]
BioText = Annotated[str, MaxLen(BIO_MAX_CHARS), Predicate(is_text)]
LessonName = Annotated[
    str, MinLen(1), MaxLen(LESSON_NAME_MAX_CHARS), Predicate(is_text), Predicate(is_visible)
]
LessonMinutes = Annotated[int, Interval(ge=LESSON_MINUTES_MIN, le=LESSON_MINUTES_MAX)]
PriceCents = Annotated[int, Interval(ge=0, le=PRICE_CENTS_MAX)]
Currency = Annotated[str, Predicate(is_currency)]
Colour = Annotated[str, Predicate(is_colour)]

NoticeMinutes = Annotated[int, _rule("min_notice_minutes")]
HorizonDays = Annotated[int, _rule("booking_horizon_days")]
BufferMinutes = Annotated[int, _rule("buffer_minutes")]
StepMinutes = Annotated[int, _rule("slot_step_minutes"), Predicate(divides_day)]
DailyLimit = Annotated[int, _rule("daily_limit")]
WeeklyLimit = Annotated[int, _rule("weekly_limit")]
