"""Weekly series use cases of an instructor: preview, book, cancel or change from a date on, terms.

A series is judged here on the local copy with the very plan the server runs
(:func:`~instainstru_desktop.domain.series_plan.plan_series`), so the preview says which lessons
would be refused and why before anything is sent. Booking queues one ``series.create`` whose
subjects are the series and the lessons the preview found bookable: those show at once (with the
ids the server gives them) and the server's answer -- which may refuse more, if the calendar
changed meanwhile -- replaces them at the next sync, its refusals under Needs attention.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, timedelta

from instainstru_desktop.domain import DomainError
from instainstru_desktop.domain.availability import Availability, WeeklyTemplate
from instainstru_desktop.domain.policies import BookingPolicy
from instainstru_desktop.domain.series import (
    SeriesDefinition,
    WeeklyRule,
    occurrence_id,
    slot_start,
    slots,
)
from instainstru_desktop.domain.series_plan import Outcome, PlannedSlot, RuleInputs, plan_series
from instainstru_desktop.domain.time_ranges import TimeRange, WallRange
from instainstru_desktop.protocol import (
    BookWeekly,
    CancelWeekly,
    ChangeWeekly,
    DeleteTerm,
    SetTerm,
    TermBreakRange,
)
from instainstru_desktop.services._base import UseCases, changed_subjects, queue
from instainstru_desktop.services._convert import safe_zone
from instainstru_desktop.services.errors import InvalidInputError, UnknownItemError
from instainstru_desktop.services.profile import profile_of
from instainstru_desktop.services.views import (
    Changed,
    PreviewLesson,
    SeriesPreview,
    TermBreakInput,
    TermDetail,
    TermOption,
    WeeklyRequest,
)
from instainstru_desktop.store import UnitOfWork
from instainstru_desktop.store.mirror import Subject, instant_text, parse_instant
from instainstru_desktop.store.records import InstructorRecord, SeriesRecord
from instainstru_desktop.store.series_effects import weekly_definition
from instainstru_desktop.store.series_shapes import definition_of, minute_of, slot_day, term_of

#: Busy lessons are read this far around the slots: whole weeks, for the weekly limit.
_MARGIN = timedelta(days=8)


class SeriesService(UseCases):
    """What the weekly booking form, a series lesson's actions and the terms editor call."""

    # -- reads ------------------------------------------------------------------------------

    def preview(self, request: WeeklyRequest) -> SeriesPreview:
        """What booking ``request`` would do, judged on the local copy (nothing is queued)."""
        with self._store.read() as uow:
            planned = _plan(uow, request, str(uuid.uuid4()))
        return SeriesPreview(tuple(_shown(p) for p in planned))

    def series(self, series_id: str) -> SeriesRecord | None:
        with self._store.read() as uow:
            return uow.series.get(series_id)

    def of_instructor(self, instructor_id: str) -> list[SeriesRecord]:
        with self._store.read() as uow:
            return uow.series.of_instructor(instructor_id)

    def terms(self, instructor_id: str) -> list[TermOption]:
        """The instructor's terms, soonest first (a series may end with one)."""
        with self._store.read() as uow:
            return [
                TermOption(t.id, t.name, date.fromisoformat(t.first), date.fromisoformat(t.last))
                for t in uow.series.terms(instructor_id)
            ]

    def term_details(self, instructor_id: str) -> list[TermDetail]:
        """The instructor's terms with their breaks, for the terms editor."""
        with self._store.read() as uow:
            found = uow.series.terms(instructor_id)
        details = []
        for record in found:
            term = term_of(record._asdict())
            details.append(
                TermDetail(
                    record.id,
                    term.name,
                    term.first,
                    term.last,
                    tuple(TermBreakInput(b.first, b.last, b.name) for b in term.breaks),
                )
            )
        return details

    def lesson_ids(self, series_id: str) -> list[str]:
        with self._store.read() as uow:
            return uow.series.lesson_ids(series_id)

    # -- writes -----------------------------------------------------------------------------

    def book_weekly(self, request: WeeklyRequest) -> tuple[str, Changed]:
        """Queue the series; its id and what changed on screen (the lessons it shows now)."""
        series_id = str(uuid.uuid4())
        with self._store.uow() as uow:
            planned = _plan(uow, request, series_id)
            change = BookWeekly(
                series_id=series_id,
                instructor_id=request.instructor_id,
                lesson_type_id=request.lesson_type_id,
                weekdays=tuple(sorted(set(request.weekdays))),
                time=request.time,
                start_date=request.start_date,
                student_id=request.student_id,
                every_weeks=request.every_weeks,
                count=request.count,
                until=request.until,
                term_id=request.term_id,
            )
            subjects: list[Subject] = [("series", series_id)]
            subjects += [
                ("booking", occurrence_id(series_id, p.slot))
                for p in planned
                if p.outcome is Outcome.BOOK
            ]
            mutation_id = queue(uow, change, subjects=subjects)
            changed = changed_subjects(uow, subjects, mutation_id)
            uow.commit()
        return series_id, self._done(changed)

    def cancel_following(self, series_id: str, from_date: date, reason: str) -> Changed:
        """Cancel this lesson and all following (the series ends the day before)."""
        reason = reason.strip()
        if not reason:
            raise InvalidInputError("Say why the lessons are cancelled; the student will see it.")
        with self._store.uow() as uow:
            _series_or_raise(uow, series_id)
            change = CancelWeekly(series_id=series_id, from_date=from_date, reason=reason)
            subjects = [("series", series_id), *_lessons_from(uow, series_id, from_date)]
            mutation_id = queue(uow, change, subjects=subjects)
            changed = changed_subjects(uow, subjects, mutation_id)
            uow.commit()
        return self._done(changed)

    def cancel_from_lesson(self, booking_id: str, reason: str) -> Changed:
        """Cancel a series lesson and all the series' lessons after it ("this and following")."""
        with self._store.read() as uow:
            row = uow.mirror.get("booking", booking_id)
        day = slot_day(row) if row is not None else None
        if row is None or day is None or not row.get("series_id"):
            raise UnknownItemError("This lesson is not one of weekly lessons in your local data.")
        return self.cancel_following(str(row["series_id"]), day, reason)

    def change_following(
        self,
        series_id: str,
        from_date: date,
        weekdays: Sequence[int],
        time: str,
        every_weeks: int = 1,
    ) -> Changed:
        """Another weekday or time from ``from_date`` on; the server checks each lesson again."""
        with self._store.uow() as uow:
            record = _series_or_raise(uow, series_id)
            change = ChangeWeekly(
                series_id=series_id,
                from_date=from_date,
                weekdays=tuple(sorted(set(weekdays))),
                time=time,
                every_weeks=every_weeks,
            )
            subjects = [
                ("series", series_id),
                *_lessons_from(uow, series_id, from_date),
                *_new_rule_lessons(uow, record, change),
            ]
            subjects = list(dict.fromkeys(subjects))
            mutation_id = queue(uow, change, subjects=subjects)
            changed = changed_subjects(uow, subjects, mutation_id)
            uow.commit()
        return self._done(changed)

    def set_term(
        self,
        instructor_id: str,
        name: str,
        first: date,
        last: date,
        breaks: Sequence[TermBreakInput] = (),
        term_id: str | None = None,
    ) -> tuple[str, Changed]:
        """Create (``term_id`` None) or replace a term; lessons now in a break are freed."""
        term_id = term_id or str(uuid.uuid4())
        change = SetTerm(
            term_id=term_id,
            instructor_id=instructor_id,
            name=name.strip(),
            first=first,
            last=last,
            breaks=tuple(TermBreakRange(b.first, b.last, b.name.strip()) for b in breaks),
        )
        try:
            term_of(
                {
                    "name": change.name or "-",
                    "first": first.isoformat(),
                    "last": last.isoformat(),
                    "breaks": [
                        {"first": b.first.isoformat(), "last": b.last.isoformat(), "name": b.name}
                        for b in change.breaks
                    ],
                }
            )
        except DomainError as error:
            raise InvalidInputError(error.message) from error
        with self._store.uow() as uow:
            subjects: list[Subject] = [("term", term_id)]
            for record in uow.series.of_instructor(instructor_id):
                if record.term_id == term_id:
                    subjects += [("booking", key) for key in uow.series.lesson_ids(record.id)]
            mutation_id = queue(uow, change, subjects=subjects)
            changed = changed_subjects(uow, subjects, mutation_id)
            uow.commit()
        return term_id, self._done(changed)

    def delete_term(self, instructor_id: str, term_id: str) -> Changed:
        with self._store.uow() as uow:
            if uow.series.term(term_id) is None:
                raise UnknownItemError("This term is not in your local data.")
            change = DeleteTerm(term_id=term_id, instructor_id=instructor_id)
            mutation_id = queue(uow, change)
            changed = Changed(mutation_ids=(mutation_id,))
            uow.commit()
        return self._done(changed)


def _series_or_raise(uow: UnitOfWork, series_id: str) -> SeriesRecord:
    record = uow.series.get(series_id)
    if record is None:
        raise UnknownItemError("These weekly lessons are not in your local data.")
    return record


def _lessons_from(uow: UnitOfWork, series_id: str, day: date) -> list[Subject]:
    """The series' lessons on or after ``day`` by its rule, as subjects."""
    found: list[Subject] = []
    for key in uow.series.lesson_ids(series_id):
        row = uow.mirror.get("booking", key)
        slot = slot_day(row) if row is not None else None
        if slot is not None and slot >= day:
            found.append(("booking", key))
    return found


def _new_rule_lessons(uow: UnitOfWork, record: SeriesRecord, change: ChangeWeekly) -> list[Subject]:
    """The lessons the series would have under the new rule (the local effect books them)."""
    row = uow.mirror.get("series", record.id)
    if row is None:
        return []
    term = uow.mirror.get("term", record.term_id) if record.term_id else None
    current = definition_of(row, term)
    revision = max(r.revision for r in current.rules) + 1
    rule = WeeklyRule(
        revision, change.from_date, change.weekdays, minute_of(change.time), change.every_weeks
    )
    try:
        after = SeriesDefinition(
            current.start, (*current.rules, rule), current.end, current.cancelled_from
        )
        after.validate()
    except DomainError as error:
        raise InvalidInputError(error.message) from error
    return [
        ("booking", occurrence_id(record.id, s))
        for s in slots(after)
        if s.revision == revision and not s.in_break
    ]


def _plan(uow: UnitOfWork, request: WeeklyRequest, series_id: str) -> list[PlannedSlot]:
    """Every slot of the requested series judged against the local calendar."""
    instructor = uow.catalog.instructor(request.instructor_id)
    if instructor is None:
        raise UnknownItemError("This instructor is not in your local data yet.")
    lesson_type = uow.catalog.lesson_type(request.lesson_type_id)
    if lesson_type is None or lesson_type.instructor_id != request.instructor_id:
        raise UnknownItemError("This lesson type is not offered by the instructor.")
    if uow.catalog.student(request.student_id) is None:
        raise UnknownItemError("This student is not in your local data yet.")
    term = None
    if request.term_id is not None:
        term = uow.mirror.get("term", request.term_id)
        if term is None:
            raise UnknownItemError("This term is not in your local data.")
    change = BookWeekly(
        series_id=series_id,
        instructor_id=request.instructor_id,
        lesson_type_id=request.lesson_type_id,
        weekdays=tuple(sorted(set(request.weekdays))),
        time=request.time,
        start_date=request.start_date,
        student_id=request.student_id,
        every_weeks=request.every_weeks,
        count=request.count,
        until=request.until,
        term_id=request.term_id,
    )
    ends = sum(x is not None for x in (request.count, request.until, request.term_id))
    if ends != 1:
        raise InvalidInputError("Say when the weekly lessons end: a number, a date or a term.")
    definition = weekly_definition(change, term)
    try:
        definition.validate()
    except DomainError as error:
        raise InvalidInputError(error.message) from error
    tz = safe_zone(instructor.time_zone)
    chosen = slots(definition)
    if not chosen:
        return []
    first, last = chosen[0].day - _MARGIN, chosen[-1].day + _MARGIN
    lo = slot_start(chosen[0], tz) or uow.server_now()
    busy = uow.series.busy(
        request.instructor_id,
        request.student_id,
        instant_text(lo - _MARGIN),
        instant_text(lo + (last - chosen[0].day) + 2 * _MARGIN),
    )
    spans = [(TimeRange(parse_instant(s), parse_instant(e)), mine) for s, e, mine in busy]
    inputs = RuleInputs(
        availability=_availability(uow, request.instructor_id, first, last),
        policy=_policy(instructor),
        now=uow.server_now(),
        instructor_busy=sorted(span for span, _ in spans),
        student_busy=sorted(span for span, mine in spans if mine),
    )
    return plan_series(definition, tz, lesson_type.duration_minutes, inputs)


def _policy(instructor: InstructorRecord) -> BookingPolicy:
    profile = profile_of(instructor)
    return BookingPolicy(
        min_notice_minutes=profile.min_notice_minutes,
        booking_horizon_days=profile.booking_horizon_days,
        buffer_minutes=profile.buffer_minutes,
        slot_step_minutes=profile.slot_step_minutes,
        daily_limit=profile.daily_limit,
        weekly_limit=profile.weekly_limit,
    )


def _availability(uow: UnitOfWork, instructor_id: str, first: date, last: date) -> Availability:
    stored = uow.availability.template(instructor_id)
    days: dict[int, list[WallRange]] = {}
    for r in stored[0] if stored else ():
        days.setdefault(int(r["weekday"]), []).append(WallRange.parse(r["start"], r["end"]))
    overrides = {
        date.fromisoformat(d): tuple(WallRange.parse(r["start"], r["end"]) for r in ranges)
        for d, ranges in uow.availability.overrides(
            instructor_id, first.isoformat(), last.isoformat()
        ).items()
    }
    return Availability(WeeklyTemplate({w: tuple(r) for w, r in days.items()}), overrides)


def _shown(planned: PlannedSlot) -> PreviewLesson:
    return PreviewLesson(planned.slot.day, planned.start, planned.outcome.value, planned.reason)
