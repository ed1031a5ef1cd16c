"""Shared conversions between store records, wire values and the read models of the UI."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from instainstru_desktop.domain import (
    DomainError,
    UnknownTimeZone,
    WallRange,
    local_date,
    normalize,
    zone,
)
from instainstru_desktop.protocol import DayRange
from instainstru_desktop.services.errors import InvalidInputError
from instainstru_desktop.services.views import HoursRange, LessonCard, SyncMark
from instainstru_desktop.store.mirror import instant_text, parse_instant
from instainstru_desktop.store.records import BookingRecord

__all__ = ["instant_text", "parse_instant"]

DEFAULT_COLOR = "#808080"


def safe_zone(name: str) -> ZoneInfo:
    """The zone, or UTC for a name this machine does not know (never fail a read over it)."""
    try:
        return zone(name)
    except UnknownTimeZone:
        return zone("UTC")


def day_ranges(ranges: Iterable[HoursRange]) -> tuple[DayRange, ...]:
    """Validated, normalized ``HH:MM`` ranges of UI ranges, as a change carries them."""
    return wire_ranges(walls(ranges))


def walls(ranges: Iterable[HoursRange]) -> list[WallRange]:
    """Validated, normalized domain ranges of UI ranges."""
    try:
        return normalize(WallRange(r.start, r.end) for r in ranges)
    except DomainError as error:
        raise InvalidInputError(error.message) from error


def wire_ranges(ranges: Iterable[WallRange]) -> tuple[DayRange, ...]:
    """``HH:MM`` ranges of domain ranges, as a change carries them."""
    return tuple(DayRange(*w.format()) for w in ranges)


def hours(ranges: Sequence[Mapping[str, Any]]) -> tuple[HoursRange, ...]:
    """UI ranges of wire ranges (``start``/``end`` HH:MM), sorted and merged for painting."""
    walls = normalize(WallRange.parse(str(r["start"]), str(r["end"])) for r in ranges)
    return tuple(HoursRange(w.start, w.end) for w in walls)


def template_days(ranges: Sequence[Mapping[str, Any]]) -> dict[int, tuple[HoursRange, ...]]:
    """Weekday to UI ranges, of the wire's template ranges."""
    days: dict[int, list[Mapping[str, Any]]] = {}
    for r in ranges:
        days.setdefault(int(r["weekday"]), []).append(r)
    return {weekday: hours(items) for weekday, items in days.items()}


def card(
    record: BookingRecord,
    *,
    mark: SyncMark = SyncMark.SYNCED,
    mark_message: str = "",
    instructor_name: str = "",
) -> LessonCard:
    """The UI's lesson card of a booking record."""
    return LessonCard(  # positional: this runs for every lesson of every week repaint
        record.id,
        parse_instant(record.start_utc),
        parse_instant(record.end_utc),
        record.student_id,
        record.student_name,
        record.student_time_zone,
        record.lesson_type_id,
        record.lesson_type_name,
        record.color or DEFAULT_COLOR,
        record.status,
        record.price_cents,
        record.currency,
        record.note or "",
        record.cancel_reason or "",
        mark,
        mark_message,
        record.instructor_id,
        instructor_name,
        record.cancelled_by or "",
        bool(record.flagged),
        record.review_note or "",
        record.version,
    )


def lesson_dates(record: BookingRecord, tz: ZoneInfo) -> frozenset[date]:
    """The instructor-local dates a lesson is painted on (two when it crosses midnight)."""
    start = parse_instant(record.start_utc)
    end = parse_instant(record.end_utc)
    return frozenset({local_date(start, tz), local_date(max(start, end), tz)})


def aware(moment: datetime) -> datetime:
    if moment.utcoffset() is None:
        raise InvalidInputError("a time without a time zone cannot be booked")
    return moment
