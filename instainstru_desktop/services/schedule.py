"""Where a lesson may start or be moved, judged before anything is queued.

The booking dialog and moving a lesson ask here first, so the instructor hears "outside your
hours" or "inside your minimum notice" while choosing, not after a round trip. The judgement is
the domain's own (:func:`~instainstru_desktop.domain.check_booking`,
:func:`~instainstru_desktop.domain.bookable_slots`) over the cache (:mod:`._local_rules`); the
server checks again when the change arrives, and a refusal then lands under Needs attention.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from instainstru_desktop.domain import (
    Availability,
    BookingAction,
    BookingRuleViolation,
    TimeRange,
    bookable_slots,
    check_booking,
    duration_text,
    local_date,
)
from instainstru_desktop.protocol import RescheduleLesson
from instainstru_desktop.services._base import UseCases, booking_or_raise, check_action, queue
from instainstru_desktop.services._base import touched as lesson_touched
from instainstru_desktop.services._convert import aware, parse_instant
from instainstru_desktop.services._local_rules import LocalRules
from instainstru_desktop.services.errors import ActionNotAllowedError
from instainstru_desktop.services.views import BookingChecks, Changed, MoveOptions, Verdict
from instainstru_desktop.store import UnitOfWork
from instainstru_desktop.store.records import BookingRecord


class ScheduleService(UseCases):
    """What the booking dialog, the Move… picker and dragging a lesson ask."""

    def booking_checks(self, instructor_id: str, start: datetime) -> BookingChecks:
        """Whether a lesson of each active type may start at ``start``, and why not."""
        start = aware(start)
        with self._store.read() as uow:
            rules = LocalRules.read(uow, instructor_id)
            now = uow.server_now()
            verdicts = {
                t.id: _judge(uow, rules, t.duration_minutes, start, now)
                for t in uow.catalog.lesson_types(instructor_id)
                if t.active
            }
        return BookingChecks(start, verdicts)

    def check_move(self, booking_id: str, start: datetime) -> Verdict:
        """Whether a lesson may be moved to start at ``start``, and why not."""
        start = aware(start)
        with self._store.read() as uow:
            record = booking_or_raise(uow, booking_id)
            return self._check_move(uow, record, start)

    def move_options(self, booking_id: str, first: date, last: date) -> MoveOptions:
        """Every start from ``first`` to ``last`` (the instructor's dates) the lesson could be
        moved to, by the same rules (its own time is free for it)."""
        with self._store.read() as uow:
            record = booking_or_raise(uow, booking_id)
            rules = LocalRules.read(uow, record.instructor_id)
            minutes = _minutes(record)
            window = TimeRange(_midnight(first, rules.tz), _midnight(last + timedelta(1), rules.tz))
            query = rules.query(
                uow,
                minutes,
                window,
                uow.server_now(),
                student_id=record.student_id,
                exclude_booking=record.id,
            )
            current = parse_instant(record.start_utc)
            starts = tuple(s.start for s in bookable_slots(query) if s.start != current)
        return MoveOptions(booking_id, rules.tz.key, starts, minutes)

    def move_choices(self, booking_id: str) -> MoveOptions:
        """Every start the lesson could be moved to within the booking window (from the
        instructor's today to the horizon of their rules): what "Move…" offers."""
        with self._store.read() as uow:
            record = booking_or_raise(uow, booking_id)
            rules = LocalRules.read(uow, record.instructor_id)
            today = local_date(uow.server_now(), rules.tz)
        return self.move_options(
            booking_id, today, today + timedelta(days=rules.policy.booking_horizon_days)
        )

    def move(self, booking_id: str, start: datetime) -> Changed:
        """Move a confirmed lesson to ``start`` once the rules allow it (works offline: the
        server checks again when the move arrives; a refusal shows under Needs attention)."""
        start = aware(start)
        with self._store.uow() as uow:
            record = booking_or_raise(uow, booking_id)
            check_action(record, BookingAction.RESCHEDULE)
            verdict = self._check_move(uow, record, start)
            if not verdict.allowed:
                raise ActionNotAllowedError(verdict.message)
            change = RescheduleLesson(booking_id=booking_id, start=start)
            before = lesson_touched(uow, record)
            mutation_id = queue(uow, change, base_version=record.version)
            changed = before | lesson_touched(uow, booking_or_raise(uow, booking_id), mutation_id)
            uow.commit()
        return self._done(changed)

    @staticmethod
    def _check_move(uow: UnitOfWork, record: BookingRecord, start: datetime) -> Verdict:
        rules = LocalRules.read(uow, record.instructor_id)
        if start == parse_instant(record.start_utc):
            return Verdict(False, "same_time", "The lesson already starts at this time.")
        return _judge(
            uow,
            rules,
            _minutes(record),
            start,
            uow.server_now(),
            student_id=record.student_id,
            exclude_booking=record.id,
        )


def _minutes(record: BookingRecord) -> int:
    length = parse_instant(record.end_utc) - parse_instant(record.start_utc)
    return max(1, int(length.total_seconds() // 60))


def _midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=tz)


def _judge(
    uow: UnitOfWork,
    rules: LocalRules,
    minutes: int,
    start: datetime,
    now: datetime,
    *,
    student_id: str | None = None,
    exclude_booking: str | None = None,
) -> Verdict:
    window = TimeRange(start, start + timedelta(minutes=1))
    query = rules.query(
        uow, minutes, window, now, student_id=student_id, exclude_booking=exclude_booking
    )
    try:
        check_booking(query, start)
    except BookingRuleViolation as refusal:
        text = words(refusal.code, rules, query.availability, start, now)
        return Verdict(False, refusal.code, text)
    return Verdict(True)


def words(
    code: str, rules: LocalRules, availability: Availability, start: datetime, now: datetime
) -> str:
    """A refusal of the booking rules as the instructor reads it (their hours, their rules)."""
    policy, tz = rules.policy, rules.tz
    day = local_date(start, tz)
    if code == BookingRuleViolation.OUTSIDE_AVAILABILITY:
        hours = availability.effective_ranges(day)
        if not hours:
            return f"This time is outside your teaching hours: {day:%a %-d %b} is a day off."
        spans = ", ".join("–".join(r.format()) for r in hours)
        return f"This time is outside your teaching hours on {day:%a %-d %b} ({spans})."
    if code == BookingRuleViolation.TOO_SOON:
        earliest = (now + timedelta(minutes=policy.min_notice_minutes)).astimezone(tz)
        return (
            f"This is inside your minimum notice of {duration_text(policy.min_notice_minutes)}: "
            f"the earliest time that can be booked now is {earliest:%a %-d %b, %H:%M}."
        )
    if code == BookingRuleViolation.TOO_FAR:
        return (
            f"This is beyond your booking window: lessons can be booked up to "
            f"{policy.booking_horizon_days} days ahead."
        )
    if code == BookingRuleViolation.INSTRUCTOR_BUSY:
        buffer = policy.buffer_minutes
        near = f" (or within the {duration_text(buffer)} you keep free around it)" if buffer else ""
        return f"You have another lesson at this time{near}."
    if code == BookingRuleViolation.STUDENT_BUSY:
        return "The student has another lesson at this time."
    if code == BookingRuleViolation.OFF_STEP:
        return (
            f"Your lessons start every {duration_text(policy.slot_step_minutes)}; "
            "this time is between two starts."
        )
    if code == BookingRuleViolation.DAILY_LIMIT:
        return f"{day:%a %-d %b} is full: you take at most {policy.daily_limit} lessons a day."
    if code == BookingRuleViolation.WEEKLY_LIMIT:
        return f"That week is full: you take at most {policy.weekly_limit} lessons a week."
    return "The booking rules do not allow this time."
