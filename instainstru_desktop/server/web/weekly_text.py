"""Weekly lessons in a student's words: each date of a series, its fate, the rule on their clock.

The dates and their fates come from the series use cases (``services.series``: the preview,
the created series, the series as it stands); here they only become rows a page lists, on the
student's clock. A lesson stays at its wall time in the instructor's zone across a
daylight-saving change; a student in a zone that changes on another date sees its time move on
their clock, and each such row says so (``shifted``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from instainstru_desktop.domain.bookings import duration_text
from instainstru_desktop.domain.errors import BookingRuleViolation
from instainstru_desktop.domain.series import WEEKDAY_NAMES, clock_text
from instainstru_desktop.domain.zones import wall_time_to_utc
from instainstru_desktop.server.services.public import PublicProfile

#: A row's state, as the pages' CSS and tests name it.
BOOK, BOOKED, REFUSED, LATER, BREAK, CANCELLED = (
    "book",
    "booked",
    "refused",
    "later",
    "break",
    "cancelled",
)


@dataclass(frozen=True, slots=True)
class DateRow:
    """One date of a series as a page lists it."""

    day: date  # on the student's clock (the instructor's date when there is no instant)
    start: datetime | None
    state: str
    text: str
    shifted: bool = False  # on the student's clock, not at the first lesson's time
    booking_id: str | None = None


def reason_text(code: str | None, reason: str | None, profile: PublicProfile) -> str:
    """Why a date cannot be booked, as a sentence for a student (the series' own reasons are
    the booking rules' codes, the very ones a single booking at that time gets)."""
    name = profile.name
    policy = profile.policy
    texts = {
        BookingRuleViolation.OUTSIDE_AVAILABILITY: f"{name} does not teach at this time that day.",
        BookingRuleViolation.INSTRUCTOR_BUSY: f"{name} already has a lesson at this time.",
        BookingRuleViolation.STUDENT_BUSY: "You already have a lesson at this time.",
        BookingRuleViolation.OFF_STEP: f"{name} does not start lessons at this time.",
        BookingRuleViolation.DAILY_LIMIT: f"{name}'s day is fully booked.",
        BookingRuleViolation.WEEKLY_LIMIT: f"{name}'s week is fully booked.",
        BookingRuleViolation.TOO_SOON: f"Too soon: {name} takes bookings at least "
        f"{duration_text(policy.min_notice_minutes)} ahead.",
        BookingRuleViolation.TOO_FAR: f"Too far ahead: {name} takes bookings up to "
        f"{policy.booking_horizon_days} days ahead.",
    }
    if code in texts:
        return texts[code]
    if reason:
        return reason[:1].upper() + reason[1:].rstrip(".") + "."
    return "This date cannot be booked."


def _later_text(start: datetime | None, profile: PublicProfile, tz: ZoneInfo) -> str:
    """When a date beyond the booking window is booked (the page says once what that means)."""
    if start is None:
        return "Booked later"
    opens = (start - timedelta(days=profile.policy.booking_horizon_days)).astimezone(tz)
    return f"Booked later, on {opens:%a} {opens.day} {opens:%b}"


def _local(start: datetime | None, tz: ZoneInfo) -> datetime | None:
    if start is None:
        return None
    aware = start if start.tzinfo is not None else start.replace(tzinfo=UTC)
    return aware.astimezone(tz)


def _row(
    day_text: str,
    start: datetime | None,
    state: str,
    text: str,
    tz: ZoneInfo,
    booking_id: str | None = None,
) -> DateRow:
    local = _local(start, tz)
    day = local.date() if local is not None else date.fromisoformat(day_text)
    return DateRow(day, local, state, text, False, booking_id)


def planned_rows(
    planned: Iterable[Mapping[str, Any]], profile: PublicProfile, tz: ZoneInfo
) -> list[DateRow]:
    """The preview's slots (``planned_view``) as rows: booked now, refused and why, booked
    later, or no lesson in a break of the term."""
    rows = []
    for item in planned:
        outcome, start = item["outcome"], item.get("start")
        if outcome == "book":
            rows.append(_row(item["date"], start, BOOK, "Can be booked", tz))
        elif outcome == "later":
            rows.append(_row(item["date"], start, LATER, _later_text(start, profile, tz), tz))
        elif outcome == "break":
            name = item.get("reason") or "a break"
            rows.append(_row(item["date"], None, BREAK, f"No lesson: {name}.", tz))
        else:
            text = reason_text(item.get("code"), item.get("reason"), profile)
            rows.append(_row(item["date"], start, REFUSED, text, tz))
    return mark_shifts(sorted(rows, key=lambda r: r.day))


def series_rows(
    lessons: Sequence[Mapping[str, Any]],
    skipped: Sequence[Mapping[str, Any]],
    waiting: Sequence[Mapping[str, Any]],
    profile: PublicProfile,
    tz: ZoneInfo,
) -> list[DateRow]:
    """A series as it stands (``get_series``): its lessons, the dates refused (kept on the
    series with their reasons) and the dates still to be booked."""
    rows = []
    for b in lessons:
        if b["status"] == "cancelled":
            who = {"student": "you", "instructor": profile.name}.get(
                b["cancelled_by"], "the studio"
            )
            rows.append(_row("", b["start"], CANCELLED, f"Cancelled by {who}", tz, b["id"]))
        else:
            text = (
                "Booked"
                if b["status"] == "confirmed"
                else b["status"].replace("_", " ").capitalize()
            )
            rows.append(_row("", b["start"], BOOKED, text, tz, b["id"]))
    for entry in skipped:
        text = reason_text(entry.get("code"), entry.get("reason"), profile)
        rows.append(_row(entry["date"], None, REFUSED, text, tz))
    for entry in waiting:
        rows.append(
            _row(entry["date"], entry["start"], LATER, _later_text(entry["start"], profile, tz), tz)
        )
    return mark_shifts(
        sorted(rows, key=lambda r: (r.day, r.start or datetime.min.replace(tzinfo=UTC)))
    )


def mark_shifts(rows: list[DateRow]) -> list[DateRow]:
    """Rows whose time on the student's clock differs from the first lesson's are ``shifted``
    (a daylight-saving change in one of the two zones only)."""
    times = [r.start.strftime("%H:%M") for r in rows if r.start is not None]
    if not times:
        return rows
    first = times[0]
    return [
        DateRow(r.day, r.start, r.state, r.text, True, r.booking_id)
        if r.start is not None and r.start.strftime("%H:%M") != first
        else r
        for r in rows
    ]


def counts(rows: Sequence[DateRow]) -> dict[str, int]:
    found: dict[str, int] = {}
    for row in rows:
        found[row.state] = found.get(row.state, 0) + 1
    return found


@dataclass(frozen=True, slots=True)
class RuleText:
    """A weekly rule on the student's clock (``yours``) and the instructor's (``theirs``)."""

    yours: str
    theirs: str
    same: bool


def rule_text(
    weekdays: Sequence[int],
    minute: int,
    every_weeks: int,
    on: date,
    profile: PublicProfile,
    viewer: ZoneInfo,
) -> RuleText:
    """``Every week on Tuesday at 18:00`` as the student's clock shows it from ``on`` on (the
    weekday may differ from the instructor's: 23:00 in London is Wednesday in Tokyo)."""
    every = "Every week" if every_weeks == 1 else f"Every {every_weeks} weeks"
    theirs = ", ".join(WEEKDAY_NAMES[w] for w in sorted(weekdays))
    mine = []
    for weekday in sorted(weekdays):
        day = on + timedelta(days=(weekday - on.weekday()) % 7)
        local = wall_time_to_utc(day, minute, profile.tz).astimezone(viewer)
        mine.append(f"{WEEKDAY_NAMES[local.weekday()]} at {local:%H:%M}")
    return RuleText(
        yours=f"{every} on {_joined(mine)}",
        theirs=f"{every} on {theirs} at {clock_text(minute)}",
        same=str(viewer) == profile.time_zone,
    )


def _joined(parts: Sequence[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


@dataclass(frozen=True, slots=True)
class WeeklyGroup:
    """A series on the student's lessons page: its rule, its next lesson, how many are booked."""

    series_id: str
    profile: PublicProfile
    kind_name: str
    rule: RuleText
    next_start: datetime | None
    upcoming: int


def weekly_groups(
    series_items: Sequence[Mapping[str, Any]],
    upcoming: Sequence[Mapping[str, Any]],
    instructors: Mapping[str, PublicProfile],
    viewer_zone: str,
    now: datetime,
) -> list[WeeklyGroup]:
    """The student's series that still have lessons ahead (booked, or to be booked later)."""
    viewer = ZoneInfo(viewer_zone)
    groups = []
    for item in series_items:
        profile = instructors.get(item["instructor_id"])
        ahead = sorted(b["start"] for b in upcoming if b.get("series_id") == item["id"])
        if profile is None or (not ahead and item["status"] != "active"):
            continue
        rule = item["rules"][-1]
        hours, _, minutes = rule["time"].partition(":")
        kind = profile.lesson_type(item["lesson_type_id"])
        on = max(date.fromisoformat(rule["from"]), now.astimezone(profile.tz).date())
        groups.append(
            WeeklyGroup(
                series_id=item["id"],
                profile=profile,
                kind_name=kind.name if kind else "Lesson",
                rule=rule_text(
                    rule["weekdays"],
                    int(hours) * 60 + int(minutes),
                    rule["every_weeks"],
                    on,
                    profile,
                    viewer,
                ),
                next_start=ahead[0] if ahead else None,
                upcoming=len(ahead),
            )
        )
    return sorted(groups, key=lambda g: g.next_start or datetime.max.replace(tzinfo=UTC))
