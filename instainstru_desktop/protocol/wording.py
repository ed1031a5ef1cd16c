"""Why a change is refused, in words the person who made it understands.

The client says these sentences before it queues a change that breaks a limit; the server says
the same ones when it refuses a pushed change (they reach the "needs attention" list), so the
two never word one rule differently and neither speaks a validator's language.
"""

from __future__ import annotations

from instainstru_desktop.protocol.fields import CONTROL_CHARACTER

#: What each argument is, as a person would name it (the start of a sentence, lower case).
LABELS: dict[str, str] = {
    "booking_id": "the lesson's id",
    "instructor_id": "the instructor's id",
    "lesson_type_id": "the lesson type's id",
    "student_id": "the student's id",
    "conflict_id": "the clash's id",
    "date": "the date",
    "ranges": "the list of hours",
    "base_ranges": "the hours the change was made on",
    "weekday": "the weekday",
    "start": "the start time",
    "end": "the end time",
    "note": "the note",
    "base_note": "the note the change was made on",
    "reason": "the reason",
    "flagged": "the review flag",
    "resolution": "the way to settle the clash",
    "policy": "the booking rules",
    "min_notice_minutes": "the minimum notice",
    "booking_horizon_days": "the booking window",
    "buffer_minutes": "the buffer between lessons",
    "slot_step_minutes": "the start-time step",
    "daily_limit": "the daily limit",
    "weekly_limit": "the weekly limit",
    "time_zone": "the time zone",
    "name": "the name",
    "bio": "the bio",
    "duration_minutes": "the length of a lesson",
    "price_cents": "the price (in cents)",
    "currency": "the currency",
    "color": "the colour",
    "active": "whether it is offered",
}


def label(field: str) -> str:
    return LABELS.get(field, f"the value “{field}”")


def _shown(text: str) -> str:
    """``text`` as a sentence may quote it: each control character written out (``U+0000``)."""
    return CONTROL_CHARACTER.sub(lambda found: f"U+{ord(found.group()):04X}", text)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def too_long(field: str, limit: int, actual: int | None = None, *, text: bool = True) -> str:
    has = "" if actual is None else f"; this one has {actual:,}"
    if text:
        return _sentence(f"{label(field)} can be at most {limit:,} characters long{has}.")
    return _sentence(f"{label(field)} can have at most {limit:,} entries{has}.")


def too_short(field: str, limit: int, *, text: bool = True) -> str:
    if limit <= 1:
        return _sentence(f"{label(field)} cannot be empty.")
    if text:
        return _sentence(f"{label(field)} must be at least {limit:,} characters long.")
    return _sentence(f"{label(field)} must have at least {limit:,} entries.")


def below(field: str, limit: int) -> str:
    return _sentence(f"{label(field)} must be at least {limit:,}.")


def above(field: str, limit: int) -> str:
    return _sentence(f"{label(field)} must be at most {limit:,}.")


def missing(field: str) -> str:
    return _sentence(f"{label(field)} is missing.")


def not_valid(field: str) -> str:
    return _sentence(f"{label(field)} is not valid.")


def control_characters(field: str) -> str:
    return _sentence(
        f"{label(field)} contains a control character (such as NUL), which cannot be stored; "
        "only tabs and line breaks may be used."
    )


def unknown_zone(name: str) -> str:
    return (
        f"Unknown time zone “{_shown(name[:64])}”: choose a name from the list, "
        "such as Europe/London."
    )


def uneven_step(field: str) -> str:
    return _sentence(f"{label(field)} must divide a day evenly, such as 15, 30 or 60 minutes.")


def wrong_form(field: str, example: str) -> str:
    return _sentence(f"{label(field)} must be written like {example}.")


def unknown_part(field: str) -> str:
    return f"The change holds “{_shown(field[:64])}”, which this server does not know."


def unknown_kind(name: str) -> str:
    return (
        f"This server does not know this kind of change (“{_shown(name[:64])}”); "
        "the app may be newer than the server."
    )


def malformed() -> str:
    return "The change is not in the form this server expects."
