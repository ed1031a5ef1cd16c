"""A change of a series' rule ("from this lesson on, Wednesdays at 18:00"), judged locally.

The preview runs :func:`~instainstru_desktop.domain.series_plan.plan_change` -- the very plan
the server runs when the change arrives -- on the local copy: each following lesson goes to its
place under the new rule if every rule allows it there, stays where it is (with the reason a
single move there would get) or goes, where the new rule has no place for it. A lesson moved on
its own keeps its time and is not listed. The server checks again when the change arrives;
what it could not do then is listed under Needs attention.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from instainstru_desktop.domain import DomainError
from instainstru_desktop.domain.series import (
    SeriesDefinition,
    Slot,
    occurrence_id,
    parse_slot_key,
    slot_start,
    slots,
)
from instainstru_desktop.domain.series_plan import BookedLesson, Outcome, PlannedSlot, plan_change
from instainstru_desktop.domain.time_ranges import TimeRange
from instainstru_desktop.services._convert import safe_zone
from instainstru_desktop.services._series_inputs import rule_inputs
from instainstru_desktop.services.errors import InvalidInputError, UnknownItemError
from instainstru_desktop.services.views import PreviewLesson, SeriesRuleNow, WeeklyChange
from instainstru_desktop.store import UnitOfWork
from instainstru_desktop.store.mirror import Row, Subject, parse_instant
from instainstru_desktop.store.series_shapes import definition_of, minute_of, slot_day


def _series_row(uow: UnitOfWork, series_id: str) -> Row:
    row = uow.mirror.get("series", series_id)
    if row is None:
        raise UnknownItemError("These weekly lessons are not in your local data.")
    return row


def rule_now(uow: UnitOfWork, booking_id: str) -> SeriesRuleNow:
    """The series of a lesson, with the rule in force on the lesson's date."""
    lesson = uow.mirror.get("booking", booking_id)
    day = slot_day(lesson) if lesson is not None else None
    if lesson is None or day is None or not lesson.get("series_id"):
        raise UnknownItemError("This lesson is not one of weekly lessons in your local data.")
    series = _series_row(uow, str(lesson["series_id"]))
    term = uow.mirror.get("term", series["term_id"]) if series.get("term_id") else None
    rule = definition_of(series, term).rule_on(day)
    if rule is None:
        raise UnknownItemError("This lesson is not one of weekly lessons in your local data.")
    instructor = uow.catalog.instructor(str(series["instructor_id"]))
    student = uow.catalog.student(str(series["student_id"]))
    kind = uow.catalog.lesson_type(str(series["lesson_type_id"]))
    return SeriesRuleNow(
        series_id=str(series["id"]),
        from_date=day,
        weekdays=rule.weekdays,
        time=f"{rule.minute // 60:02d}:{rule.minute % 60:02d}",
        every_weeks=rule.every_weeks,
        time_zone=instructor.time_zone if instructor else str(series["time_zone"]),
        student_name=student.name if student else "the student",
        lesson_type_name=kind.name if kind else "lesson",
    )


def plan_local_change(uow: UnitOfWork, change: WeeklyChange) -> list[PreviewLesson]:
    """Every step of ``change`` judged against the local calendar (nothing is written)."""
    steps, now = _plan(uow, change)
    return [_shown(step, now) for step in steps]


def expected_subjects(uow: UnitOfWork, change: WeeklyChange) -> list[Subject]:
    """The lessons the local plan expects ``change`` to move, cancel or book: what it shows at
    once (a lesson the plan keeps where it is stays there until the server says otherwise)."""
    steps, _ = _plan(uow, change)
    found: list[Subject] = []
    for step in steps:
        if step.outcome in (Outcome.MOVE, Outcome.CANCEL) and step.booking_id is not None:
            found.append(("booking", step.booking_id))
        elif step.outcome is Outcome.BOOK:
            found.append(("booking", occurrence_id(change.series_id, step.slot)))
    return found


def _plan(uow: UnitOfWork, change: WeeklyChange) -> tuple[list[PlannedSlot], dict[str, datetime]]:
    series = _series_row(uow, change.series_id)
    term = uow.mirror.get("term", series["term_id"]) if series.get("term_id") else None
    before = definition_of(series, term)
    try:
        after = before.changed_from(
            change.from_date, change.weekdays, minute_of(change.time), change.every_weeks
        )
        after.validate()
    except (DomainError, ValueError) as error:
        message = error.message if isinstance(error, DomainError) else "Write the time as 17:00."
        raise InvalidInputError(message) from error
    instructor = uow.catalog.instructor(str(series["instructor_id"]))
    kind = uow.catalog.lesson_type(str(series["lesson_type_id"]))
    if instructor is None or kind is None:
        raise UnknownItemError("This instructor or lesson type is not in your local data yet.")
    tz = safe_zone(instructor.time_zone)
    booked = _booked(uow, change.series_id, before)
    new = [s for s in slots(after) if s.revision == after.latest_rule.revision]
    days = [s.day for s in new] + [b.slot.day for b in booked if b.slot.day >= change.from_date]
    if not days:
        return [], {}
    now = {b.booking_id: b.span.start for b in booked}
    starts = [b.span.start for b in booked if b.slot.day >= change.from_date]
    starts += [t for t in (slot_start(s, tz) for s in new) if t is not None]
    lo = min(starts, default=uow.server_now())
    hi = max(starts, default=lo) + timedelta(days=1)
    inputs = rule_inputs(
        uow, instructor.id, str(series["student_id"]), (min(days), max(days)), (lo, hi)
    )
    return plan_change(before, after, booked, tz, kind.duration_minutes, inputs), now


def _shown(step: PlannedSlot, now: dict[str, datetime]) -> PreviewLesson:
    was = now.get(step.booking_id) if step.booking_id is not None else None
    return PreviewLesson(step.slot.day, step.start, step.outcome.value, step.reason, was)


def _booked(uow: UnitOfWork, series_id: str, before: SeriesDefinition) -> list[BookedLesson]:
    """The series' lessons in the local copy, each with the slot it fills."""
    found = []
    for key in uow.series.lesson_ids(series_id):
        row = uow.mirror.get("booking", key)
        if row is None or not row.get("series_slot"):
            continue
        revision, day = parse_slot_key(str(row["series_slot"]))
        rule = before.rule_of(revision)
        if rule is None:
            continue
        span = TimeRange(parse_instant(row["start_utc"]), parse_instant(row["end_utc"]))
        slot = Slot(revision, day, rule.minute)
        found.append(
            BookedLesson(key, slot, span, str(row["status"]), bool(row.get("series_moved")))
        )
    return found
