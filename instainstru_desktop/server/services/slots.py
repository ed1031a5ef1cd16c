"""Bookable slots: where a lesson may start, for a viewer, kept until the instructor's data changes.

They read what a booking is checked against (the instructor's availability near the window
and their active lessons overlapping it, an index range scan on ``(instructor_id, start_utc)``;
the same inputs :func:`rules.slot_query` reads for a booking), then hand everything to the
domain, which owns every booking rule. The cost follows the window, not the number of bookings
the instructor has ever had. A window not kept is read in two statements on a driver cursor
(``uow.direct_read``): the instructor's row, then the lessons in the way with the date overrides.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import orjson

from instainstru_desktop.domain.availability import Availability
from instainstru_desktop.domain.errors import InvalidTimeRange
from instainstru_desktop.domain.free_week import LONGEST_WINDOW
from instainstru_desktop.domain.slot_inputs import slot_reads
from instainstru_desktop.domain.slots import OpenSlots, SlotQuery, check_booking, open_slots
from instainstru_desktop.domain.time_ranges import TimeRange
from instainstru_desktop.domain.zones import zone
from instainstru_desktop.server.core.errors import InvalidInput, NotFound
from instainstru_desktop.server.core.permissions import Role
from instainstru_desktop.server.repositories.direct import DirectReads
from instainstru_desktop.server.repositories.uow import UnitOfWork
from instainstru_desktop.server.services.answer_cache import AnswerCache
from instainstru_desktop.server.services.context import Caller
from instainstru_desktop.server.services.rules import (
    check_bookable,
    overrides_of,
    policy_of,
    slot_query,
    template_from,
)
from instainstru_desktop.server.services.slot_json import encode_slots

MAX_WINDOW = LONGEST_WINDOW


@dataclass(frozen=True, slots=True)
class SlotAnswer:
    """One window's open slots, each already encoded for the viewer's zone.

    What is kept is the clock-free part (:class:`OpenSlots`): each request applies notice and
    horizon for its own ``now`` by bisecting, and a signed-in student's own lessons are
    subtracted per request (they change with bookings of *other* instructors, which do not move
    this instructor's generation). Slots are advice -- creating a booking re-checks every rule
    inside its transaction -- so a kept answer can never double-book.
    """

    open: OpenSlots
    head: bytes  # the JSON object up to the opening bracket of "slots"
    encoded: bytes  # every slot of open.starts, as one JSON array
    offsets: tuple[int, ...]  # where each slot's object starts in ``encoded``; then its length

    def body(self, chosen: Sequence[int]) -> bytes:
        """The response body with the slots at the indexes ``chosen`` (ascending): the usual
        answer, a run of consecutive slots, is one slice of ``encoded``."""
        at, encoded = self.offsets, self.encoded
        if isinstance(chosen, range) and chosen.step == 1:
            if not chosen:
                return self.head + b"]}"
            return b"".join((self.head, encoded[at[chosen.start] : at[chosen.stop] - 1], b"]}"))
        parts = b",".join(encoded[at[i] : at[i + 1] - 1] for i in chosen)
        return b"".join((self.head, parts, b"]}"))


#: Slot answers by :attr:`SlotRequest.key`, each in its instructor's scope.
SlotCache = AnswerCache[SlotAnswer]


@dataclass(frozen=True, slots=True)
class SlotRequest:
    """A window of slots asked for; checked on creation (bad input is a 4xx, never a 500)."""

    instructor_id: str
    lesson_type_id: str
    start: datetime
    end: datetime
    viewer_zone: str
    #: A lesson to treat as not there: the one being moved, which is not in its own way.
    exclude_booking: str | None = None

    def __post_init__(self) -> None:
        zone(self.viewer_zone)  # unknown names are refused before anything is read or kept
        if self.end <= self.start:
            raise InvalidTimeRange("The window ends before it starts.")
        if self.end - self.start > MAX_WINDOW:
            raise InvalidInput(
                "Ask for at most 62 days of slots at a time.",
                errors=[{"field": "to", "message": "window longer than 62 days"}],
            )

    @property
    def key(self) -> tuple[str, str, datetime, datetime, str, str | None]:
        return (
            self.instructor_id,
            self.lesson_type_id,
            self.start,
            self.end,
            self.viewer_zone,
            self.exclude_booking,
        )


def _student_of(caller: Caller) -> str | None:
    """A signed-in student also loses the times they are busy; others see the open slots."""
    principal = caller.principal
    return principal.user_id if principal and principal.role is Role.STUDENT else None


def cached_slots(cache: SlotCache, caller: Caller, request: SlotRequest) -> bytes | None:
    """The answer from memory alone, when it is kept and needs no database read (the caller is
    not a student, whose own lessons are read on every request)."""
    if _student_of(caller) is not None:
        return None
    answer = cache.get(request.key)
    return None if answer is None else answer.body(answer.open.at(caller.now))


def list_slots(uow: UnitOfWork, cache: SlotCache, caller: Caller, request: SlotRequest) -> bytes:
    """Slots anyone may browse, as the JSON body of the answer."""
    answer, chosen = _chosen(uow, cache, caller, request)
    return answer.body(chosen)


def bookable_starts(
    uow: UnitOfWork, cache: SlotCache, caller: Caller, request: SlotRequest
) -> Sequence[datetime]:
    """The same starts :func:`list_slots` answers, as instants (for the student pages): one
    computation and one kept answer serve both. The usual answer, a run of the kept starts, is
    a slice of them (the same instants, not copies)."""
    answer, chosen = _chosen(uow, cache, caller, request)
    starts = answer.open.starts
    if isinstance(chosen, range) and chosen.step == 1:
        return starts[chosen.start : chosen.stop]
    return [starts[i] for i in chosen]


def _chosen(
    uow: UnitOfWork, cache: SlotCache, caller: Caller, request: SlotRequest
) -> tuple[SlotAnswer, Sequence[int]]:
    """The window's answer (kept or computed) and the indexes of the starts bookable now by
    the caller."""
    student_id = _student_of(caller)
    answer = cache.get(request.key)
    if answer is not None and student_id is None:
        return answer, answer.open.at(caller.now)
    with uow.direct_read() as reads:
        if answer is None:
            generation = cache.generation(request.instructor_id)
            answer = _compute(reads, request)
            cache.put(request.key, request.instructor_id, generation, answer)
        student_busy = (
            reads.student_busy(
                student_id,
                request.start - answer.open.duration,
                request.end + answer.open.duration,
                request.exclude_booking,
            )
            if student_id is not None
            else []
        )
    return answer, answer.open.at(caller.now, student_busy)


def check_start(
    uow: UnitOfWork,
    caller: Caller,
    instructor_id: str,
    lesson_type_id: str,
    start: datetime,
    *,
    exclude_booking: str | None = None,
) -> None:
    """Raise what booking a lesson at ``start`` would be refused with right now, if anything:
    the checks of ``bookings.create_in`` (``check_booking`` over the same inputs), without its
    locks. Advice for a page that is about to offer the time; the booking checks again."""
    student_id = _student_of(caller)
    with uow.read() as tx:
        found = tx.instructors.for_booking(instructor_id, lesson_type_id)
        if found is None:
            raise NotFound("No such instructor.")
        check_bookable(found.lesson_type_instructor_id, found.active, instructor_id)
        duration = found.duration_minutes
        query = slot_query(
            tx,
            instructor_id,
            policy_of(found),
            zone(found.time_zone or "UTC"),
            duration,
            TimeRange(start, start + timedelta(minutes=duration)),
            caller.now,
            student_id=student_id,
            exclude_booking=exclude_booking,
            template=template_from(found.template),
        )
    check_booking(query, start)


def _compute(reads: DirectReads, request: SlotRequest) -> SlotAnswer:
    """Read what the slots depend on, in two statements, and work them out."""
    instructor_id = request.instructor_id
    # One statement for the instructor, their zone and week, and the lesson type; the same
    # answers (and refusals, in the same order) as reading each through the session.
    found = reads.for_slots(instructor_id, request.lesson_type_id)
    if found is None:
        raise NotFound("No such instructor.")
    check_bookable(found.lesson_type_instructor_id, found.active, instructor_id)
    policy = policy_of(found)
    tz = zone(found.time_zone or "UTC")
    window = TimeRange(request.start, request.end)
    span = slot_reads(policy, tz, found.duration_minutes, window)
    busy = span.instructor_busy
    # Then the lessons in the way and the date overrides, in one more.
    inputs = reads.instructor_inputs(
        instructor_id,
        (busy.start, busy.end),
        (span.first_day, span.last_day),
        request.exclude_booking,
    )
    query = SlotQuery(
        availability=Availability(template_from(found.template), overrides_of(inputs.overrides)),
        tz=tz,
        policy=policy,
        duration_minutes=found.duration_minutes,
        window=window,
        now=request.start,  # open_slots does not apply the clock's rules
        instructor_busy=inputs.instructor_busy,
    )
    found_open = open_slots(query)
    encoded, offsets = encode_slots(
        found_open.starts_us,
        found_open.duration // timedelta(microseconds=1),
        zone(request.viewer_zone),
    )
    return SlotAnswer(open=found_open, head=_head(request), encoded=encoded, offsets=offsets)


def _head(request: SlotRequest) -> bytes:
    fields = {
        "instructor_id": request.instructor_id,
        "lesson_type_id": request.lesson_type_id,
        "time_zone": request.viewer_zone,
    }
    return orjson.dumps(fields)[:-1] + b',"slots":['
