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
from datetime import date

from instainstru_desktop.domain import DomainError
from instainstru_desktop.domain.series import (
    occurrence_id,
    slot_start,
    slots,
)
from instainstru_desktop.domain.series_plan import Outcome, PlannedSlot, plan_series
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
from instainstru_desktop.services._series_inputs import MARGIN as _MARGIN
from instainstru_desktop.services._series_inputs import rule_inputs
from instainstru_desktop.services.errors import (
    AlreadySentError,
    InFlightError,
    InvalidInputError,
    UnknownItemError,
)
from instainstru_desktop.services.lessons import SENT
from instainstru_desktop.services.series_change import (
    expected_subjects,
    plan_local_change,
    rule_now,
)
from instainstru_desktop.services.views import (
    Changed,
    PreviewLesson,
    SeriesPreview,
    SeriesRuleNow,
    TermBreakInput,
    TermDetail,
    TermOption,
    WeeklyChange,
    WeeklyRequest,
)
from instainstru_desktop.store import UnitOfWork
from instainstru_desktop.store.mirror import Subject
from instainstru_desktop.store.records import SeriesRecord
from instainstru_desktop.store.series_effects import weekly_definition
from instainstru_desktop.store.series_shapes import slot_day, term_of


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

    def rule_of_lesson(self, booking_id: str) -> SeriesRuleNow:
        """A series lesson's series and the rule in force on its date (the change form's start)."""
        with self._store.read() as uow:
            return rule_now(uow, booking_id)

    def preview_change(self, change: WeeklyChange) -> SeriesPreview:
        """What changing the rule would do to each following lesson, judged on the local copy."""
        with self._store.read() as uow:
            return SeriesPreview(tuple(plan_local_change(uow, change)))

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
        """Another weekday or time from ``from_date`` on; the server checks each lesson again.

        What shows at once is what the local plan (the preview) expects: the lessons it moves
        or cancels and the new ones it books; a lesson it cannot move stays where it is.
        """
        change = ChangeWeekly(
            series_id=series_id,
            from_date=from_date,
            weekdays=tuple(sorted(set(weekdays))),
            time=time,
            every_weeks=every_weeks,
        )
        wanted = WeeklyChange(
            series_id, from_date, change.weekdays, change.time, change.every_weeks
        )
        with self._store.uow() as uow:
            _series_or_raise(uow, series_id)
            subjects: list[Subject] = [("series", series_id)]
            subjects += expected_subjects(uow, wanted)
            following = _lessons_from(uow, series_id, from_date)
            before = changed_subjects(uow, following)  # the dates the lessons leave
            mutation_id = queue(uow, change, subjects=subjects)
            changed = before | changed_subjects(uow, subjects, mutation_id)
            uow.commit()
        return self._done(changed)

    def withdraw_change(self, mutation_id: int) -> Changed:
        """Take back a queued change of a series' rule the server cannot have seen yet (undo):
        its lessons show where they were. :class:`AlreadySentError` once it may have,
        :class:`InFlightError` while an attempt to send it may be under way."""
        with self._store.uow() as uow:
            if mutation_id in self._store.in_flight():
                raise InFlightError("This change is on its way to the server right now.")
            found = uow.outbox.get(mutation_id)
            if found is None or found.name != ChangeWeekly.wire_name or found.status != "pending":
                raise AlreadySentError(SENT)
            subjects = uow.outbox.subjects_of(mutation_id)
            before = changed_subjects(uow, subjects)
            if not uow.changes.withdraw(mutation_id):
                raise AlreadySentError(SENT)
            changed = before | changed_subjects(uow, subjects) | Changed(withdrawn=True)
            uow.commit()
        return changed

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
    lo = slot_start(chosen[0], tz) or uow.server_now()
    reach = chosen[-1].day - chosen[0].day
    inputs = rule_inputs(
        uow,
        request.instructor_id,
        request.student_id,
        (chosen[0].day, chosen[-1].day),
        (lo, lo + reach + _MARGIN),
    )
    return plan_series(definition, tz, lesson_type.duration_minutes, inputs)


def _shown(planned: PlannedSlot) -> PreviewLesson:
    return PreviewLesson(planned.slot.day, planned.start, planned.outcome.value, planned.reason)
