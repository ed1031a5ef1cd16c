"""What an hour edit costs beyond the hours themselves, in words (no Qt widgets).

Two edits deserve a word the moment they happen, because one stray gesture could make them
unnoticed: a day of time off that now has hours (students can book it), and booked lessons left
outside the new hours (they stay booked; the server lists each under Needs attention). The rule
for "left outside" is the server's: a confirmed lesson that has not started, inside the hours
before the edit and not after it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from instainstru_desktop.services.week_views import HoursRange, LessonCard, WeekSnapshot
from ui.calendar import ranges as rng
from ui.calendar.commands import DayChange


def hours_text(ranges: Sequence[HoursRange]) -> str:
    """ "09:00–12:00, 14:00–18:00"."""
    return ", ".join(f"{_clock(r.start)}–{_clock(r.end)}" for r in ranges)


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _span_on(card: LessonCard, day: date, zone: ZoneInfo) -> HoursRange | None:
    """The wall minutes a lesson covers on ``day`` of the instructor's clock, if any."""
    midnight = datetime.combine(day, time(), tzinfo=zone)
    next_midnight = datetime.combine(day + timedelta(days=1), time(), tzinfo=zone)
    start, end = max(card.start, midnight), min(card.end, next_midnight)
    if end <= start:
        return None
    first = start.astimezone(zone)
    minutes = round((end - start).total_seconds() / 60)
    begin = first.hour * 60 + first.minute
    return HoursRange(begin, min(rng.DAY_MINUTES, begin + minutes))


def _inside(ranges: Sequence[HoursRange], span: HoursRange) -> bool:
    return any(r.start <= span.start and span.end <= r.end for r in rng.normalize(ranges))


def lessons_left_outside(
    snapshot: WeekSnapshot, changes: Sequence[DayChange], now: datetime | None
) -> list[LessonCard]:
    """Confirmed lessons still to come that the edit moves out of the hours, soonest first."""
    zone = ZoneInfo(snapshot.time_zone)
    by_date = {change.date: change for change in changes}
    found: dict[str, LessonCard] = {}
    for card in snapshot.lessons:
        if card.status != "confirmed" or (now is not None and card.start < now):
            continue
        for day, change in by_date.items():
            span = _span_on(card, day, zone)
            if span is None:
                continue
            if _inside(change.before, span) and not _inside(change.after, span):
                found[card.booking_id] = card
    return sorted(found.values(), key=lambda card: card.start)


def days_off_opened(snapshot: WeekSnapshot, changes: Sequence[DayChange]) -> list[DayChange]:
    """Changes that give hours to a date that was time off."""
    off = {day.date for day in snapshot.days if day.time_off}
    return [c for c in changes if c.date in off and c.after]


def warning(snapshot: WeekSnapshot, changes: Sequence[DayChange], now: datetime | None) -> str:
    """What to tell the person about an edit just made ("" when it needs no word)."""
    parts: list[str] = []
    opened = days_off_opened(snapshot, changes)
    if len(opened) == 1:
        change = opened[0]
        parts.append(
            f"{change.date:%A %-d %B} was a day off; students can now book "
            f"{hours_text(change.after)} there."
        )
    elif opened:
        parts.append(f"{len(opened)} days off now have bookable hours.")
    zone = ZoneInfo(snapshot.time_zone)
    outside = lessons_left_outside(snapshot, changes, now)
    if len(outside) == 1:
        card = outside[0]
        start = card.start.astimezone(zone)
        parts.append(
            f"{card.student_name}'s lesson on {start:%a %-d %b at %H:%M} is now outside your "
            "hours. It stays booked and is listed under Needs attention."
        )
    elif outside:
        first = outside[0].start.astimezone(zone)
        parts.append(
            f"{len(outside)} booked lessons are now outside your hours (the first: "
            f"{outside[0].student_name}, {first:%a %-d %b at %H:%M}). They stay booked and are "
            "listed under Needs attention."
        )
    return " ".join(parts)
