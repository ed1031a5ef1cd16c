"""The week view in words: tooltips, the accessible description, the keyboard help.

Plain functions over the displayed week, so the same sentences serve the mouse (tooltips),
screen readers (accessible description) and the help dialog.
"""

from __future__ import annotations

from instainstru_desktop.services.week_views import SyncMark
from ui.calendar import ranges as rng
from ui.calendar.editing import segment_at
from ui.calendar.timeline import SLOT_MINUTES, DisplayWeek, LessonSegment

STATUS_WORDS = {
    "confirmed": "Confirmed",
    "completed": "Completed",
    "no_show": "No-show",
    "cancelled": "Cancelled",
}
KEY_HELP = (
    "Arrow keys move the cell cursor, Shift+arrows select, Space marks or clears the selected "
    "hours, Delete clears them, Enter opens the lesson under the cursor, the Menu key or "
    "Shift+F10 shows the actions, Home and End go to Monday and Sunday, Page Up and Page Down "
    "scroll, Ctrl+Z and Ctrl+Shift+Z undo and redo, Ctrl+wheel zooms the hours."
)


def lesson_text(week: DisplayWeek, segment: LessonSegment) -> str:
    """A lesson's tooltip, times in the display zone."""
    card = segment.card
    zone = week.zone
    start = card.start.astimezone(zone)
    end = card.end.astimezone(zone)
    lines = [
        f"{card.student_name} — {card.lesson_type_name}",
        f"{start:%a %-d %b, %H:%M}–{end:%H:%M} ({week.zone_name})",
        STATUS_WORDS.get(card.status, card.status),
    ]
    if card.series_id:
        lines.append("Weekly lesson, moved on its own" if card.series_moved else "Weekly lesson")
    if card.mark is SyncMark.PENDING:
        lines.append("Waiting to sync")
    if card.mark_message:
        lines.append(card.mark_message)
    return "\n".join(lines)


def day_summary(week: DisplayWeek, day: int) -> str:
    """A day header's tooltip: its hours, where they come from, their sync state."""
    info = week.days[day]
    lines = [f"{info.date:%A %-d %B}"]
    if info.time_off:
        lines.append("Time off")
    elif info.ranges:
        spans = ", ".join(
            f"{rng.format_minutes(r.start)}–{rng.format_minutes(r.end)}" for r in info.ranges
        )
        lines.append(f"Teaching hours: {spans}")
    else:
        lines.append("No teaching hours")
    lines.append("Hours set for this date" if info.from_override else "Your usual week")
    if info.mark is SyncMark.PENDING:
        lines.append("Waiting to sync")
    elif info.mark is not SyncMark.SYNCED:
        lines.append("Needs your attention")
    return "\n".join(lines)


def cell_summary(week: DisplayWeek, day: int, slot: int) -> str:
    """A cell in words: "Tuesday 11 March, 10:15; teaching hours; lesson with …"."""
    info = week.days[day]
    minute = slot * SLOT_MINUTES
    parts = [f"{info.date:%A %-d %B}, {rng.format_minutes(minute)}"]
    if info.time_off:
        parts.append("time off")
    else:
        parts.append("teaching hours" if rng.contains(info.ranges, minute) else "no hours")
    segment = segment_at(week, day, slot)
    if segment is not None:
        card = segment.card
        parts.append(
            f"lesson with {card.student_name}, {card.lesson_type_name}, "
            f"{STATUS_WORDS.get(card.status, card.status).lower()}"
        )
    return "; ".join(parts)
