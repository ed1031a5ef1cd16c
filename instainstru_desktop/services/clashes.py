"""Clashes of two edits, as the server recorded them: what it kept, what it set aside, and how
"use mine" sends the person's version again.

The server records a clash when another change to the same hours of a date, or to the same note,
reached it first (it keeps that one). The conflict's ``details`` carry both versions and the
change itself, so any of the instructor's devices can show it and send it again; sent again, a
change goes with what the person sees *now* as its base, so it is applied over the kept version
instead of clashing with it once more.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from instainstru_desktop.domain import WallRange, intersect, subtract
from instainstru_desktop.protocol import (
    HOURS_CLASH,
    NOTE_CLASH,
    AddDateHours,
    AnyChange,
    ClearDateHours,
    NoteLesson,
    RemoveDateHours,
    SetDateHours,
    change_from_args,
)
from instainstru_desktop.services._convert import (
    day_ranges,
    hours,
    template_days,
    walls,
    wire_ranges,
)
from instainstru_desktop.services.views import HoursRange
from instainstru_desktop.store import UnitOfWork
from instainstru_desktop.store.mirror import loads
from instainstru_desktop.store.records import ConflictRecord

KINDS = frozenset({HOURS_CLASH, NOTE_CLASH})
#: How a set-aside hours edit changed the date, to start its description.
_HOW = {"add": "add", "remove": "remove", "set": "set to", "clear": "back to your usual week:"}


def is_clash(conflict: ConflictRecord) -> bool:
    return conflict.kind in KINDS


def details(conflict: ConflictRecord) -> dict[str, Any]:
    found = loads(conflict.details) if conflict.details else {}
    return found if isinstance(found, dict) else {}


def versions(conflict: ConflictRecord) -> tuple[str, str]:
    """``(kept, mine)`` in words: hours as ``09:00–12:00, 14:00–17:00`` (the mine of a paint as
    ``add 17:00–19:00``), notes as their text."""
    found = details(conflict)
    if conflict.kind == NOTE_CLASH:
        return _note(found.get("kept")), _note(found.get("mine"))
    kept = _hours(found.get("kept"))
    how = _HOW.get(str(found.get("how")), "set to")
    return kept, f"{how} {_hours(found.get('mine'))}"


def change_of(conflict: ConflictRecord) -> AnyChange | None:
    """The person's change the clash set aside (None when the record holds none)."""
    sent = details(conflict).get("change")
    if not isinstance(sent, Mapping):
        return None
    try:
        return change_from_args(str(sent.get("name")), sent.get("args") or {})
    except (ValueError, TypeError, KeyError):
        return None


def rebased(uow: UnitOfWork, change: AnyChange) -> AnyChange | None:
    """``change`` made on what is shown now: sent again ("use mine"), it applies over the
    version the server kept instead of clashing with it again. Hours opened or closed keep
    only the part that is not already so (None: nothing is left to send). Other kinds go as
    they are."""
    match change:
        case NoteLesson(booking_id=lesson):
            record = uow.bookings.get(lesson)
            return replace(change, base_note=(record.note or "") if record else None)
        case SetDateHours(instructor_id=who, date=day):
            return replace(change, base_ranges=day_ranges(shown_hours(uow, who, day)))
        case ClearDateHours(instructor_id=who, date=day):
            own = uow.availability.overrides(who, day.isoformat(), day.isoformat())
            if day.isoformat() not in own:
                return None  # the date follows the usual week already
            return replace(change, base_ranges=day_ranges(hours(own[day.isoformat()])))
        case (
            AddDateHours(instructor_id=who, date=day) | RemoveDateHours(instructor_id=who, date=day)
        ):
            shown = walls(shown_hours(uow, who, day))
            named = [WallRange.parse(r.start, r.end) for r in change.ranges]
            opens = isinstance(change, AddDateHours)
            left = subtract(named, shown) if opens else intersect(named, shown)
            return replace(change, ranges=wire_ranges(left)) if left else None
        case _:
            return change


def base_version(uow: UnitOfWork, change: AnyChange, fallback: int | None) -> int | None:
    """The version of the row ``change`` edits as shown now (``fallback`` for other kinds)."""
    booking_id = getattr(change, "booking_id", None)
    day = getattr(change, "date", None)
    instructor_id = getattr(change, "instructor_id", None)
    if isinstance(change, NoteLesson) and booking_id:
        record = uow.bookings.get(booking_id)
        return record.version if record else fallback
    if isinstance(day, date) and isinstance(instructor_id, str):
        return uow.availability.override_version(instructor_id, day.isoformat())
    return fallback


def shown_hours(uow: UnitOfWork, instructor_id: str, day: date) -> tuple[HoursRange, ...]:
    """The hours the date shows: its own, else the usual week's."""
    own = uow.availability.overrides(instructor_id, day.isoformat(), day.isoformat())
    if day.isoformat() in own:
        return hours(own[day.isoformat()])
    template = uow.availability.template(instructor_id)
    return template_days(template[0]).get(day.weekday(), ()) if template else ()


def _hours(ranges: object) -> str:
    items: Sequence[Mapping[str, Any]] = (
        [r for r in ranges if isinstance(r, Mapping)] if isinstance(ranges, list) else []
    )
    if not items:
        return "no hours (time off)"
    return ", ".join(f"{r.get('start')}–{r.get('end')}" for r in items)


def _note(text: object) -> str:
    return str(text) if text else "(no note)"
