"""What students see: the instructor's week of free times, worked out from the local cache.

The student pages list a rolling week of free times in the student's zone; this computes the
same week here, offline too and on the embedded default (which serves no pages), with the
server's own rules: the span of hours and lessons to read is the domain's ``slot_reads``, the
starts the domain's ``bookable_slots`` (minimum notice, horizon, buffers, limits, the step grid,
daylight-saving days), the arrangement into days the domain's ``free_week``. Only the reading
is this side's: the cache instead of the server's tables.

The cache shows unsynced edits, so the preview shows the week students will see once they are
sent. Other students' lessons the server has and this cache has not pulled yet are the one
difference, and a sync removes it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from instainstru_desktop.domain import (
    Availability,
    BookingPolicy,
    SlotQuery,
    TimeRange,
    WallRange,
    WeeklyTemplate,
    bookable_slots,
    zone,
)
from instainstru_desktop.domain.free_week import FreeWeek, free_week
from instainstru_desktop.domain.slot_inputs import slot_reads
from instainstru_desktop.services._base import UseCases
from instainstru_desktop.services.errors import ActionNotAllowedError, UnknownItemError
from instainstru_desktop.services.profile import profile_of, zone_problem
from instainstru_desktop.services.views import InstructorProfile, LessonTypeOption
from instainstru_desktop.store import Store, UnitOfWork
from instainstru_desktop.store.mirror import instant_text, parse_instant


@dataclass(frozen=True, slots=True)
class StudentWeek:
    """A week of free times as a student in ``week.viewer`` would see it now."""

    week: FreeWeek
    lesson_type: LessonTypeOption
    instructor_zone: str
    min_notice_minutes: int
    booking_horizon_days: int
    now: datetime  # the moment it was worked out for


class PreviewService(UseCases):
    """Reads only: the week of free times students would be shown."""

    def __init__(self, store: Store, clock: Callable[[], datetime] | None = None) -> None:
        """``clock``: the moment to work the week out for; by default the server's time as
        best known, which is what the student pages judge the minimum notice by."""
        super().__init__(store)
        self._clock = clock

    def week(
        self,
        instructor_id: str,
        lesson_type_id: str,
        viewer_zone: str,
        first: date | None = None,
    ) -> StudentWeek:
        """The week from ``first`` (None: today in ``viewer_zone``), as the student pages
        would list it at this moment.

        Raises :class:`ActionNotAllowedError` for a lesson type that is not offered (students
        are not shown it) and :class:`UnknownItemError` for one that is not in the cache.
        """
        problem = zone_problem(viewer_zone)
        if problem:
            raise ActionNotAllowedError(problem)
        with self._store.read() as uow:
            now = self._clock() if self._clock is not None else uow.server_now()
            record = uow.catalog.instructor(instructor_id)
            kind = uow.catalog.lesson_type(lesson_type_id)
            if record is None or kind is None or kind.instructor_id != instructor_id:
                raise UnknownItemError("This lesson type is not in your local data.")
            if not kind.active:
                raise ActionNotAllowedError(
                    f"“{kind.name}” is not offered, so students do not see it. Offer it to "
                    "see its free times."
                )
            policy = _policy(profile_of(record))
            tz = zone(record.time_zone)
            reader = _SlotReader(uow, instructor_id, policy, tz, kind.duration_minutes, now)
            week = free_week(
                reader.starts_between,
                viewer_zone=viewer_zone.strip(),
                now=now,
                horizon_days=policy.booking_horizon_days,
                first=first,
            )
        option = LessonTypeOption(
            kind.id,
            kind.name,
            kind.duration_minutes,
            kind.price_cents,
            kind.currency,
            kind.color,
            bool(kind.active),
        )
        return StudentWeek(
            week=week,
            lesson_type=option,
            instructor_zone=record.time_zone,
            min_notice_minutes=policy.min_notice_minutes,
            booking_horizon_days=policy.booking_horizon_days,
            now=now,
        )


class _SlotReader:
    """Builds the domain's slot query for a window from the cache, as the server does from its
    tables (the same span, the same lessons: active ones; nobody's own lessons, as for a
    visitor of the pages who has not signed in)."""

    def __init__(
        self,
        uow: UnitOfWork,
        instructor_id: str,
        policy: BookingPolicy,
        tz: ZoneInfo,
        duration_minutes: int,
        now: datetime,
    ) -> None:
        self._uow = uow
        self._instructor_id = instructor_id
        self._policy = policy
        self._tz = tz
        self._duration = duration_minutes
        self._now = now
        found = uow.availability.template(instructor_id)
        self._template = _template(found[0] if found else [])

    def starts_between(self, window: TimeRange) -> Sequence[datetime]:
        reads = slot_reads(self._policy, self._tz, self._duration, window)
        overrides = self._uow.availability.overrides(
            self._instructor_id, reads.first_day.isoformat(), reads.last_day.isoformat()
        )
        busy = self._uow.bookings.overlapping(
            self._instructor_id,
            instant_text(reads.instructor_busy.start),
            instant_text(reads.instructor_busy.end),
        )
        query = SlotQuery(
            availability=Availability(self._template, _overrides(overrides)),
            tz=self._tz,
            policy=self._policy,
            duration_minutes=self._duration,
            window=window,
            now=self._now,
            instructor_busy=[
                TimeRange(parse_instant(b.start_utc), parse_instant(b.end_utc)) for b in busy
            ],
        )
        return [slot.start for slot in bookable_slots(query)]


def _policy(profile: InstructorProfile) -> BookingPolicy:
    return BookingPolicy(
        min_notice_minutes=profile.min_notice_minutes,
        booking_horizon_days=profile.booking_horizon_days,
        buffer_minutes=profile.buffer_minutes,
        slot_step_minutes=profile.slot_step_minutes,
        daily_limit=profile.daily_limit,
        weekly_limit=profile.weekly_limit,
    )


def _walls(ranges: Sequence[Mapping[str, Any]]) -> tuple[WallRange, ...]:
    return tuple(WallRange.parse(str(r["start"]), str(r["end"])) for r in ranges)


def _template(ranges: Sequence[Mapping[str, Any]]) -> WeeklyTemplate:
    days: dict[int, list[Mapping[str, Any]]] = {}
    for r in ranges:
        days.setdefault(int(r["weekday"]), []).append(r)
    return WeeklyTemplate({weekday: _walls(items) for weekday, items in days.items()})


def _overrides(
    stored: Mapping[str, Sequence[Mapping[str, Any]]],
) -> dict[date, tuple[WallRange, ...]]:
    return {date.fromisoformat(day): _walls(ranges) for day, ranges in stored.items()}
