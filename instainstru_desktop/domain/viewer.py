"""Showing instructor slots on someone else's clock.

Slots are absolute instants; a student in another zone sees them on their own wall clock and
calendar date, which may be a day before or after the instructor's (Sydney Monday 09:00 is
Los Angeles Sunday afternoon).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from instainstru_desktop.domain.time_ranges import TimeRange


def to_viewer(slots: Iterable[TimeRange], viewer_tz: ZoneInfo) -> list[tuple[datetime, datetime]]:
    """Each slot as aware local ``(start, end)`` datetimes on the viewer's clock.

    The rule: conversion changes only how an instant is written, never which instant it is, so
    a slot keeps its real duration and order; the viewer's date is whatever their clock says.
    """
    return [(s.start.astimezone(viewer_tz), s.end.astimezone(viewer_tz)) for s in slots]


def group_by_viewer_date(
    slots: Iterable[TimeRange], viewer_tz: ZoneInfo
) -> dict[date, list[TimeRange]]:
    """Slots grouped under the viewer-local date of their start, dates and slots in order.

    The rule: a viewer's day columns follow the viewer's calendar, not the instructor's, so a
    Monday-morning Sydney slot appears under Sunday for a viewer in Los Angeles.
    """
    groups: dict[date, list[TimeRange]] = {}
    for s in sorted(slots):
        groups.setdefault(s.start.astimezone(viewer_tz).date(), []).append(s)
    return groups
