"""Availability use cases: read a week, paint hours, time off, copy and template the week.

Every write records intents, not row overwrites: the server applies them in order and reports
lessons left outside the new hours as conflicts, so an edit made offline never cancels a booking.

- A paint or an erase in the week (:meth:`AvailabilityService.edit_date_hours`) is sent as the
  hours it opened or closed (:class:`AddDateHours`, :class:`RemoveDateHours`), so edits of
  other hours of the date, made on another device meanwhile, stay.
- Whole-day replacements (time off, "copy last week", :meth:`~.set_date_ranges`) are sent as
  :class:`SetDateHours` with the hours the person saw (``base_ranges``), the usual week as
  :class:`SetUsualWeek`; back to the usual week is :class:`ClearDateHours`.

When another change to the same hours reached the server first, the server keeps it and the
clash comes back under "Needs attention" (see :mod:`.attention`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from instainstru_desktop.domain import edits_between, local_day_bounds_utc, week_dates
from instainstru_desktop.protocol import (
    AddDateHours,
    ClearDateHours,
    DayRange,
    RemoveDateHours,
    SetDateHours,
    SetUsualWeek,
    TemplateRange,
)
from instainstru_desktop.services._base import UseCases, queue
from instainstru_desktop.services._convert import (
    day_ranges,
    hours,
    instant_text,
    safe_zone,
    template_days,
    walls,
    wire_ranges,
)
from instainstru_desktop.services._marks import lesson_cards, marks_of
from instainstru_desktop.services.errors import InvalidInputError, UnknownItemError
from instainstru_desktop.services.views import Changed, DayHours, HoursRange, SyncMark, WeekSnapshot
from instainstru_desktop.store import UnitOfWork

#: The longest time off one action may cover (the server's availability window is a year).
MAX_TIME_OFF_DAYS = 366


class _Hours:
    """The effective hours of an instructor's dates, read once per use case."""

    def __init__(self, uow: UnitOfWork, instructor_id: str, first: date, last: date) -> None:
        template = uow.availability.template(instructor_id)
        self.template = template_days(template[0]) if template else {}
        self.overrides = {
            date.fromisoformat(d): hours(r)
            for d, r in uow.availability.overrides(
                instructor_id, first.isoformat(), last.isoformat()
            ).items()
        }

    def of(self, day: date) -> tuple[HoursRange, ...]:
        if day in self.overrides:
            return self.overrides[day]
        return self.template.get(day.weekday(), ())


class AvailabilityService(UseCases):
    """What the week view calls to read and paint availability."""

    def week(self, instructor_id: str, week_start: date) -> WeekSnapshot:
        """The instructor's week (Monday ``week_start``, in the instructor's zone), in one read."""
        days = week_dates(week_start)
        with self._store.read() as uow:
            instructor = uow.catalog.instructor(instructor_id)
            if instructor is None:
                raise UnknownItemError("This instructor is not in your local data yet.")
            tz = safe_zone(instructor.time_zone)
            effective = _Hours(uow, instructor_id, days[0], days[-1])
            found = marks_of(uow, "override", "template", "booking")
            override_marks = found["override"]
            template_pending = instructor_id in found["template"].pending
            start = instant_text(local_day_bounds_utc(days[0], tz).start)
            end = instant_text(local_day_bounds_utc(days[-1], tz).end)
            records = uow.bookings.overlapping(instructor_id, start, end)
            lessons = lesson_cards(uow, records, booking_marks=found["booking"])
        day_hours = []
        for day in days:
            own = day in effective.overrides
            mark, _ = override_marks.of(f"{instructor_id}/{day.isoformat()}")
            if mark is SyncMark.SYNCED and not own and template_pending:
                mark = SyncMark.PENDING
            ranges = effective.of(day)
            day_hours.append(DayHours(day, ranges, own, own and not ranges, mark))
        return WeekSnapshot(
            instructor_id=instructor_id,
            time_zone=instructor.time_zone,
            week_start=week_start,
            days=tuple(day_hours),
            lessons=tuple(lessons),
        )

    def template(self, instructor_id: str) -> dict[int, tuple[HoursRange, ...]]:
        """The usual week: weekday (Monday = 0) to its hours; missing weekdays are days off."""
        with self._store.read() as uow:
            found = uow.availability.template(instructor_id)
        return template_days(found[0]) if found else {}

    def set_date_ranges(
        self, instructor_id: str, day: date, ranges: Sequence[HoursRange]
    ) -> Changed:
        """Give ``day`` exactly these hours, whatever it has now (an empty list is time off)."""
        wanted = day_ranges(ranges)
        with self._store.uow() as uow:
            self._known(uow, instructor_id)
            seen = _Hours(uow, instructor_id, day, day).of(day)
            changed = self._set_date(uow, instructor_id, day, wanted, seen)
            uow.commit()
        return self._done(changed)

    def edit_date_hours(
        self,
        instructor_id: str,
        day: date,
        before: Sequence[HoursRange],
        after: Sequence[HoursRange],
    ) -> Changed:
        """A paint or an erase on ``day``: its hours ``before`` and ``after`` the stroke, as the
        person saw them. Sent as the hours closed and opened, so the server applies them to the
        hours it has then, and another device's edits of other hours of the date stay."""
        closing, opening = edits_between(walls(before), walls(after))
        with self._store.uow() as uow:
            self._known(uow, instructor_id)
            version = uow.availability.override_version(instructor_id, day.isoformat())
            mutation_ids: list[int] = []
            if closing is not None:
                change: AddDateHours | RemoveDateHours = RemoveDateHours(
                    instructor_id=instructor_id, date=day, ranges=wire_ranges(closing.ranges)
                )
                mutation_ids.append(queue(uow, change, base_version=version))
            if opening is not None:
                change = AddDateHours(
                    instructor_id=instructor_id, date=day, ranges=wire_ranges(opening.ranges)
                )
                mutation_ids.append(queue(uow, change, base_version=version))
            uow.commit()
        if not mutation_ids:
            return Changed()
        return self._done(Changed(dates=frozenset({day}), mutation_ids=tuple(mutation_ids)))

    def clear_date(self, instructor_id: str, day: date) -> Changed:
        """Let ``day`` follow the usual week again."""
        with self._store.uow() as uow:
            self._known(uow, instructor_id)
            changed = self._clear(uow, instructor_id, day)
            uow.commit()
        return self._done(changed)

    def set_template(self, instructor_id: str, days: Mapping[int, Sequence[HoursRange]]) -> Changed:
        """Replace the usual week (weekday, Monday = 0, to hours; missing = day off)."""
        week = _week_ranges(days)
        with self._store.uow() as uow:
            self._known(uow, instructor_id)
            changed = self._record_template(uow, instructor_id, week)
            uow.commit()
        return self._done(changed)

    def copy_last_week(self, instructor_id: str, week_start: date) -> Changed:
        """Give each day of the week the hours the same weekday had the week before."""
        days = week_dates(week_start)
        with self._store.uow() as uow:
            self._known(uow, instructor_id)
            effective = _Hours(uow, instructor_id, days[0] - timedelta(days=7), days[-1])
            changed = Changed()
            for day in days:
                before = effective.of(day - timedelta(days=7))
                if before != effective.of(day):
                    wanted = day_ranges(before)
                    changed |= self._set_date(uow, instructor_id, day, wanted, effective.of(day))
            uow.commit()
        return self._done(changed)

    def make_usual_week(self, instructor_id: str, week_start: date) -> Changed:
        """Make this week's hours the usual week; its dates then follow the template again."""
        days = week_dates(week_start)
        with self._store.uow() as uow:
            self._known(uow, instructor_id)
            effective = _Hours(uow, instructor_id, days[0], days[-1])
            week = _week_ranges({day.weekday(): effective.of(day) for day in days})
            changed = self._record_template(uow, instructor_id, week)
            for day in days:
                if day in effective.overrides:
                    changed |= self._clear(uow, instructor_id, day)
            uow.commit()
        return self._done(changed | Changed(dates=frozenset(days)))

    def time_off(self, instructor_id: str, first: date, last: date) -> Changed:
        """Close every date from ``first`` to ``last`` inclusive (lessons there are kept)."""
        if last < first:
            raise InvalidInputError("The last day of the time off is before its first day.")
        if (last - first).days >= MAX_TIME_OFF_DAYS:
            raise InvalidInputError("Time off can cover at most a year at once.")
        with self._store.uow() as uow:
            self._known(uow, instructor_id)
            effective = _Hours(uow, instructor_id, first, last)
            changed = Changed()
            day = first
            while day <= last:
                changed |= self._set_date(uow, instructor_id, day, (), effective.of(day))
                day += timedelta(days=1)
            uow.commit()
        return self._done(changed)

    # -- helpers ----------------------------------------------------------------------------

    @staticmethod
    def _known(uow: UnitOfWork, instructor_id: str) -> None:
        if uow.catalog.instructor(instructor_id) is None:
            raise UnknownItemError("This instructor is not in your local data yet.")

    @staticmethod
    def _set_date(
        uow: UnitOfWork,
        instructor_id: str,
        day: date,
        ranges: tuple[DayRange, ...],
        seen: Sequence[HoursRange],
    ) -> Changed:
        """Queue a whole-day replacement made on the hours ``seen`` (what the date shows)."""
        change = SetDateHours(
            instructor_id=instructor_id, date=day, ranges=ranges, base_ranges=day_ranges(seen)
        )
        version = uow.availability.override_version(instructor_id, day.isoformat())
        mutation_id = queue(uow, change, base_version=version)
        return Changed(dates=frozenset({day}), mutation_ids=(mutation_id,))

    @staticmethod
    def _clear(uow: UnitOfWork, instructor_id: str, day: date) -> Changed:
        """Queue the date's return to the usual week, made on the own hours it shows."""
        version = uow.availability.override_version(instructor_id, day.isoformat())
        if version is None:
            return Changed()  # already follows the usual week
        own = uow.availability.overrides(instructor_id, day.isoformat(), day.isoformat())
        seen = hours(own.get(day.isoformat(), ()))
        change = ClearDateHours(instructor_id=instructor_id, date=day, base_ranges=day_ranges(seen))
        mutation_id = queue(uow, change, base_version=version)
        return Changed(dates=frozenset({day}), mutation_ids=(mutation_id,))

    @staticmethod
    def _record_template(
        uow: UnitOfWork, instructor_id: str, ranges: tuple[TemplateRange, ...]
    ) -> Changed:
        current = uow.availability.template(instructor_id)
        change = SetUsualWeek(instructor_id=instructor_id, ranges=ranges)
        mutation_id = queue(uow, change, base_version=current[1] if current else None)
        return Changed(template=True, mutation_ids=(mutation_id,))


def _week_ranges(days: Mapping[int, Sequence[HoursRange]]) -> tuple[TemplateRange, ...]:
    week: list[TemplateRange] = []
    for weekday in sorted(days):
        if not 0 <= weekday <= 6:
            raise InvalidInputError(f"Weekday {weekday} does not exist (Monday is 0).")
        week.extend(TemplateRange(weekday, r.start, r.end) for r in day_ranges(days[weekday]))
    return tuple(week)
