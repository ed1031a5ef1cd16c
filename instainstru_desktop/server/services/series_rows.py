"""Series and term rows to the domain's terms and to wire JSON, and the rules' inputs for a series.

Kept apart from the use cases so that creating, rolling forward, changing and previewing a
series read a series, its term and the calendar around its lessons the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from instainstru_desktop.domain.policies import BookingPolicy
from instainstru_desktop.domain.series import (
    SeriesDefinition,
    SeriesEnd,
    Slot,
    WeeklyRule,
    clock_text,
    parse_slot_key,
)
from instainstru_desktop.domain.series_plan import PlannedSlot, RuleInputs
from instainstru_desktop.domain.terms import Term, TermBreak
from instainstru_desktop.domain.time_ranges import TimeRange, merge_sorted_pairs
from instainstru_desktop.domain.zones import local_date, wall_time_to_utc, week_start
from instainstru_desktop.server.core.models import Series
from instainstru_desktop.server.core.models import Term as TermRow
from instainstru_desktop.server.repositories.uow import Tx
from instainstru_desktop.server.services.rules import availability_of
from instainstru_desktop.server.services.views import Json

# -- rows to the domain ----------------------------------------------------------------------


def term_of(row: TermRow | Any) -> Term:
    """The domain's term of a term row, or of its fields as ``tx.series.term_fields`` reads
    them."""
    breaks = tuple(
        TermBreak(date.fromisoformat(first), date.fromisoformat(last), name)
        for first, last, name in row.breaks
    )
    return Term(row.name, row.first_day, row.last_day, breaks)


def stored_breaks(breaks: Iterable[TermBreak]) -> list[list[str]]:
    return [[b.first.isoformat(), b.last.isoformat(), b.name] for b in breaks]


def rule_of(stored: Sequence[Any]) -> WeeklyRule:
    revision, starts, weekdays, minute, every = stored
    return WeeklyRule(int(revision), date.fromisoformat(starts), tuple(weekdays), minute, every)


def stored_rule(rule: WeeklyRule) -> list[Any]:
    return [
        rule.revision,
        rule.starts.isoformat(),
        list(rule.weekdays),
        rule.minute,
        rule.every_weeks,
    ]


def definition_of(tx: Tx, series: Series) -> SeriesDefinition:
    term = None
    if series.term_id is not None:
        row = tx.series.term_fields(series.term_id)
        term = term_of(row) if row is not None else None
    end = SeriesEnd(series.end_count, series.end_day, term)
    if term is None and series.end_count is None and series.end_day is None:
        end = SeriesEnd(until=series.start_day - timedelta(days=1))  # its term is gone: over
    return SeriesDefinition(
        series.start_day, tuple(rule_of(r) for r in series.rules), end, series.cancelled_from
    )


def slot_of(definition: SeriesDefinition, key: str) -> Slot | None:
    """The slot a lesson's ``series_slot`` names, with its rule's wall time."""
    revision, day = parse_slot_key(key)
    rule = definition.rule_of(revision)
    return None if rule is None else Slot(revision, day, rule.minute)


# -- the calendar around a series' lessons -------------------------------------------------


def series_inputs(
    tx: Tx,
    instructor_id: str,
    student_id: str,
    policy: BookingPolicy,
    tz: ZoneInfo,
    template: Any,
    spans: Sequence[TimeRange],
    now: datetime,
) -> RuleInputs:
    """What the booking rules read for lessons at ``spans``: read in windows around each, as
    :func:`~instainstru_desktop.server.services.rules.slot_query` reads around one lesson
    (whole weeks when the instructor has limits), so a long series on a full calendar reads
    only the weeks it touches."""
    if not spans:
        return RuleInputs(
            availability_of(tx, instructor_id, now.date(), now.date(), template=template),
            policy,
            now,
            [],
        )
    pad = timedelta(minutes=policy.buffer_minutes)
    limited = policy.daily_limit is not None or policy.weekly_limit is not None
    instructor: list[tuple[datetime, datetime]] = []
    student: list[tuple[datetime, datetime]] = []
    for span in spans:
        length = span.end - span.start
        lo, hi = span.start - pad - length, span.end + length + pad
        if limited:
            monday = week_start(local_date(span.start, tz) - timedelta(days=1))
            sunday = week_start(local_date(span.end, tz) + timedelta(days=1)) + timedelta(days=7)
            lo = min(lo, wall_time_to_utc(monday, 0, tz))
            hi = max(hi, wall_time_to_utc(sunday, 0, tz))
        instructor.append((lo, hi))
        student.append((span.start - length, span.end + length))
    first = local_date(min(s.start for s in spans), tz) - timedelta(days=1)
    last = local_date(max(s.end for s in spans), tz) + timedelta(days=1)
    return RuleInputs(
        availability=availability_of(tx, instructor_id, first, last, template=template),
        policy=policy,
        now=now,
        instructor_busy=tx.bookings.instructor_busy_in(
            instructor_id, merge_sorted_pairs(sorted(instructor))
        ),
        # A student's lessons are few: one range over the series' span reads them in one scan
        # (a lesson between the windows only lengthens the list the checks look through).
        student_busy=tx.bookings.student_busy(
            student_id, min(lo for lo, _ in student), max(hi for _, hi in student)
        ),
    )


# -- wire JSON ---------------------------------------------------------------------------------


def term_view(row: TermRow) -> Json:
    return {
        "id": row.id,
        "instructor_id": row.instructor_id,
        "name": row.name,
        "first": row.first_day,
        "last": row.last_day,
        "breaks": [{"first": f, "last": la, "name": n} for f, la, n in row.breaks],
        "version": row.version,
    }


def series_view(row: Series) -> Json:
    return {
        "id": row.id,
        "instructor_id": row.instructor_id,
        "student_id": row.student_id,
        "lesson_type_id": row.lesson_type_id,
        "time_zone": row.time_zone,
        "rules": [rule_view(rule_of(r)) for r in row.rules],
        "start_date": row.start_day,
        "count": row.end_count,
        "until": row.end_day,
        "term_id": row.term_id,
        "cancelled_from": row.cancelled_from,
        "booked_through": row.booked_through,
        "status": row.status,
        "skipped": list(row.skipped),
        "created_at": row.created_at,
        "updated_at": row.updated_at,
        "version": row.version,
    }


def rule_view(rule: WeeklyRule) -> Json:
    return {
        "revision": rule.revision,
        "from": rule.starts.isoformat(),
        "weekdays": list(rule.weekdays),
        "time": clock_text(rule.minute),
        "every_weeks": rule.every_weeks,
    }


def planned_view(item: PlannedSlot) -> Json:
    """One judged slot as the answer lists it (refused, waiting, in a break)."""
    return {
        "slot": item.slot.key,
        "date": item.slot.day.isoformat(),
        "start": item.start,
        "outcome": item.outcome.value,
        "code": item.code or None,
        "reason": item.reason or None,
        "booking_id": item.booking_id,
    }


def skipped_entry(item: PlannedSlot) -> dict[str, Any]:
    """What a series keeps of a slot that was refused."""
    return {
        "slot": item.slot.key,
        "date": item.slot.day.isoformat(),
        "code": item.code,
        "reason": item.reason,
    }
