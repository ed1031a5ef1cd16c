"""Words and numbers as the lesson screens show them: money, times in a zone, statuses.

One place so that the table, the detail pane and the dialogs say the same thing the same way.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from instainstru_desktop.services.week_views import LessonCard, SyncMark

CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "CHF": "CHF "}
STATUS_WORDS = {
    "confirmed": "Confirmed",
    "completed": "Completed",
    "no_show": "No-show",
    "cancelled": "Cancelled",
}
STATUS_TONES = {
    "confirmed": "accent",
    "completed": "success",
    "no_show": "error",
    "cancelled": "neutral",
}
MARK_WORDS = {
    SyncMark.SYNCED: "Synced",
    SyncMark.PENDING: "Waiting to sync",
    SyncMark.CONFLICT: "Needs your decision",
    SyncMark.REJECTED: "Refused by the server",
}
WHO_CANCELLED = {
    "student": "the student",
    "instructor": "you",
    "admin": "an administrator",
    "system": "the system",
}


def money(cents: int, currency: str) -> str:
    """``€55.00``; ``Free`` for a zero price; unknown currencies keep their code."""
    if cents == 0:
        return "Free"
    symbol = CURRENCY_SYMBOLS.get(currency, f"{currency} ")
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    return f"{sign}{symbol}{whole:,}.{rest:02d}"


def zone_label(moment: datetime) -> str:
    """``CET`` or ``GMT+4`` for an aware local datetime."""
    name = moment.tzname() or ""
    if name.startswith(("+", "-")):
        digits = name[1:]
        minutes = f":{digits[2:]}" if digits[2:] not in ("", "00") else ""
        return f"GMT{name[0]}{int(digits[:2])}{minutes}"
    return name


def series_words(card: LessonCard) -> str:
    """What being one of weekly lessons means for this one ("" for a single lesson)."""
    if not card.series_id:
        return ""
    if card.series_moved:
        return (
            "One of weekly lessons, moved on its own: it keeps this time if the weekly time "
            "changes."
        )
    return "One of weekly lessons."


def when(card: LessonCard, zone: str, *, compact: bool = False) -> str:
    """``Wed 12 Mar 2025, 15:00–15:45 CET`` in a zone (the end's day when it differs).

    ``compact`` (table cells, where the zone is the same on every row): ``Wed 12 Mar, 15:00–15:45``.
    """
    tz = ZoneInfo(zone)
    start, end = card.start.astimezone(tz), card.end.astimezone(tz)
    end_text = f"{end:%H:%M}" if end.date() == start.date() else f"{end:%a %H:%M}"
    if compact:
        return f"{start:%a %-d %b}, {start:%H:%M}–{end_text}"
    return f"{start:%a %-d %b %Y}, {start:%H:%M}–{end_text} {zone_label(start)}"


def duration(card: LessonCard) -> str:
    """``45 min`` / ``1 h`` / ``1 h 30 min``."""
    minutes = int((card.end - card.start).total_seconds() // 60)
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h" if not rest else f"{hours} h {rest} min"


def status(card: LessonCard) -> str:
    return STATUS_WORDS.get(card.status, card.status.replace("_", " ").capitalize())
