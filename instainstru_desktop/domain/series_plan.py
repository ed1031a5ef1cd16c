"""Which lessons of a weekly series can be booked, which cannot and why, which must wait.

Every slot is judged by :func:`~instainstru_desktop.domain.slots.check_booking`, the very check
a single booking gets, against the lessons already in the calendar *and* the series' own
lessons booked before it (in date order). So a refused slot carries exactly the reason a single
booking at that time would get, and the daily and weekly limits count the series' own lessons.
The server runs this under the instructor's lock; the app runs it on its local copy to preview a
series before booking it.

A slot beyond the booking window is not refused: it waits (``LATER``) and is booked when the
window reaches it. A wall time that does not exist on its date (inside a spring-forward gap) is
refused as ``no_such_time``: no lesson can be at a time the clock never shows.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from types import MappingProxyType
from zoneinfo import ZoneInfo

from instainstru_desktop.domain.availability import Availability
from instainstru_desktop.domain.errors import BookingRuleViolation
from instainstru_desktop.domain.policies import BookingPolicy
from instainstru_desktop.domain.series import (
    SeriesDefinition,
    Slot,
    clock_text,
    follow_change,
    slot_start,
    slots,
)
from instainstru_desktop.domain.slots import SlotQuery, check_booking
from instainstru_desktop.domain.time_ranges import TimeRange
from instainstru_desktop.domain.zones import week_start

#: The refusal code of a slot whose wall time does not exist on its date (a DST gap).
NO_SUCH_TIME = "no_such_time"

#: A slot's instant (None: its wall time does not exist on its date).
Start = datetime | None
_NONE: Mapping[str, Start] = MappingProxyType({})


class Outcome(StrEnum):
    """What happens to one slot."""

    BOOK = "book"  # every rule allows it: booked
    REFUSED = "refused"  # a rule does not: ``code`` and ``reason`` say which
    LATER = "later"  # beyond the booking window: booked when the window reaches it
    BREAK = "break"  # in a break of the term: no lesson
    MOVE = "move"  # a booked lesson moves to this slot (a change of the rule)
    STAY = "stay"  # ... cannot (``code`` and ``reason``): it stays where it was
    CANCEL = "cancel"  # a booked lesson the changed rule has no place for


@dataclass(frozen=True, slots=True)
class PlannedSlot:
    """One slot and what happens to it; ``booking_id`` names an existing lesson (moves)."""

    slot: Slot
    start: datetime | None
    end: datetime | None
    outcome: Outcome
    code: str = ""
    reason: str = ""
    booking_id: str | None = None

    @property
    def span(self) -> TimeRange | None:
        return None if self.start is None or self.end is None else TimeRange(self.start, self.end)


@dataclass(frozen=True, slots=True)
class RuleInputs:
    """What the booking rules read: the instructor's hours, rules and the lessons in the way.

    ``instructor_busy`` / ``student_busy``: active lessons near the slots, sorted by start (as
    :class:`~instainstru_desktop.domain.slots.SlotQuery` wants them); with daily or weekly
    limits, covering every whole week the slots touch. ``availability`` holds the overrides of
    every date the slots touch.
    """

    availability: Availability
    policy: BookingPolicy
    now: datetime
    instructor_busy: Sequence[TimeRange]
    student_busy: Sequence[TimeRange] = ()


@dataclass(frozen=True, slots=True)
class BookedLesson:
    """A lesson of the series already in the calendar, as a change of the rule finds it."""

    booking_id: str
    slot: Slot
    span: TimeRange
    status: str
    moved: bool = False  # rescheduled on its own: it keeps its time whatever the rule says


class _Calendar:
    """The busy lists while a plan books lesson after lesson into them."""

    def __init__(self, tz: ZoneInfo, duration: int, inputs: RuleInputs) -> None:
        self.tz, self.duration, self.inputs = tz, duration, inputs
        self.instructor = sorted(inputs.instructor_busy)
        self.student = sorted(inputs.student_busy)
        self.horizon = inputs.now + timedelta(days=inputs.policy.booking_horizon_days)
        self._query: SlotQuery | None = None

    @property
    def query(self) -> SlotQuery:
        """The one query every slot is checked with (made, and validated, at the first check).

        It holds the busy lists themselves, which :meth:`take` and :meth:`free` change in
        place, so each check sees the lessons booked and freed before it; its window is not
        read by :func:`check_booking`."""
        if self._query is None:
            now = self.inputs.now
            self._query = SlotQuery(
                availability=self.inputs.availability,
                tz=self.tz,
                policy=self.inputs.policy,
                duration_minutes=self.duration,
                window=TimeRange(now, now + timedelta(minutes=self.duration)),
                now=now,
                instructor_busy=self.instructor,
                student_busy=self.student,
            )
        return self._query

    def check(self, start: datetime) -> BookingRuleViolation | None:
        try:
            check_booking(self.query, start)
        except BookingRuleViolation as refusal:
            return refusal
        return None

    def take(self, span: TimeRange) -> None:
        insort(self.instructor, span)
        insort(self.student, span)

    def free(self, span: TimeRange) -> None:
        """Take one lesson's time out of the (sorted) busy lists: found by bisection, as a
        change of a long series frees each of its lessons among thousands of others."""
        for busy in (self.instructor, self.student):
            at = bisect_left(busy, span)
            if at < len(busy) and busy[at] == span:
                del busy[at]

    def judge(
        self, slot: Slot, booking_id: str | None = None, starts: Mapping[str, Start] = _NONE
    ) -> PlannedSlot:
        """The slot booked (and taken) if every rule allows it, else refused or waiting.

        ``starts``: slots' instants already worked out by the caller (:func:`slot_start`), by
        slot key; a slot missing from it is worked out here."""
        if slot.in_break:
            return PlannedSlot(slot, None, None, Outcome.BREAK, reason=slot.break_name or "")
        key = slot.key
        start = starts[key] if key in starts else slot_start(slot, self.tz)
        if start is None:
            return PlannedSlot(
                slot, None, None, Outcome.REFUSED, NO_SUCH_TIME, no_such_time_reason(slot)
            )
        end = start + timedelta(minutes=self.duration)
        if start > self.horizon and booking_id is None:
            return PlannedSlot(slot, start, end, Outcome.LATER)
        refusal = self.check(start)
        if refusal is not None:
            refused = Outcome.STAY if booking_id is not None else Outcome.REFUSED
            return PlannedSlot(slot, start, end, refused, refusal.code, refusal.message, booking_id)
        self.take(TimeRange(start, end))
        done = Outcome.MOVE if booking_id is not None else Outcome.BOOK
        return PlannedSlot(slot, start, end, done, booking_id=booking_id)


def no_such_time_reason(slot: Slot) -> str:
    return (
        f"{clock_text(slot.minute)} does not exist on {slot.day:%a %-d %b %Y}: "
        "the clocks jump forward over it"
    )


def plan_slots(
    chosen: Iterable[Slot],
    tz: ZoneInfo,
    duration_minutes: int,
    inputs: RuleInputs,
    starts: Mapping[str, Start] = _NONE,
) -> list[PlannedSlot]:
    """Judge ``chosen`` slots in date order, each against the calendar with the lessons the
    earlier ones booked (see the module doc). ``starts``: the slots' instants by key, as
    :func:`slot_start` gives them, when the caller has worked them out already."""
    calendar = _Calendar(tz, duration_minutes, inputs)
    return [calendar.judge(slot, None, starts) for slot in sorted(chosen, key=lambda s: s.day)]


def plan_series(
    definition: SeriesDefinition, tz: ZoneInfo, duration_minutes: int, inputs: RuleInputs
) -> list[PlannedSlot]:
    """Every slot of a new series, judged (what creating it books, refuses and leaves for
    later)."""
    return plan_slots(slots(definition), tz, duration_minutes, inputs)


def plan_change(
    before: SeriesDefinition,
    after: SeriesDefinition,
    booked: Sequence[BookedLesson],
    tz: ZoneInfo,
    duration_minutes: int,
    inputs: RuleInputs,
) -> list[PlannedSlot]:
    """What changing the rule (``before`` to ``after``, whose newest rule is the change) does.

    Each confirmed lesson from the change's date on that was not moved on its own goes to its
    place under the new rule (:func:`~instainstru_desktop.domain.series.follow_change`) if every
    rule allows it there -- checked as a reschedule is, with its own old time freed -- or stays
    where it was, with the reason (``STAY``). A lesson the new rule has no place for is
    cancelled (``CANCEL``). The new rule's other slots are judged as a new series' are; a slot
    whose place is held by a lesson that keeps its time (moved on its own, cancelled, given) is
    left alone. ``inputs``' busy lists hold every booked lesson at its current time.
    """
    change = after.latest_rule
    new_slots = [s for s in slots(after) if s.revision == change.revision]
    by_place = {(week_start(s.day), s.day.weekday()): s for s in new_slots}
    calendar = _Calendar(tz, duration_minutes, inputs)
    held: set[str] = set()
    moving: list[tuple[BookedLesson, Slot]] = []
    steps: list[PlannedSlot] = []
    for lesson in sorted(booked, key=lambda b: b.slot.day):
        if lesson.slot.day < change.starts:
            continue
        target = follow_change(before, by_place, lesson.slot, change)
        if target is not None and target.in_break:
            target = None  # its week's place is in a break: the lesson has nowhere to go
        movable = lesson.status == "confirmed" and not lesson.moved
        movable = movable and lesson.span.start > inputs.now
        if target is not None and target.key not in held:
            held.add(target.key)
            if movable:
                moving.append((lesson, target))
        elif movable:
            calendar.free(lesson.span)
            steps.append(
                PlannedSlot(
                    lesson.slot,
                    lesson.span.start,
                    lesson.span.end,
                    Outcome.CANCEL,
                    booking_id=lesson.booking_id,
                )
            )
    todo: list[tuple[Slot, BookedLesson | None]] = [(t, b) for b, t in moving]
    todo += [(s, None) for s in new_slots if s.key not in held]
    for target, mover in sorted(todo, key=lambda item: item[0].day):
        if mover is None:
            steps.append(calendar.judge(target))
            continue
        calendar.free(mover.span)
        step = calendar.judge(target, mover.booking_id)
        if step.outcome is not Outcome.MOVE:
            calendar.take(mover.span)
        steps.append(step)
    return steps
