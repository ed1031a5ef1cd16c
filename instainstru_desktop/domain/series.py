"""Weekly series: which dates and wall times a series gives, and the ids of its lessons.

A series is "every N weeks, on these weekdays, at this wall time in the instructor's zone,
from a start date until a count, a date or the end of a term". Its rule can change from a date
on ("from 14 April, Wednesdays at 18:00"): each change is a new :class:`WeeklyRule` with a
higher revision, and the rule in force on a date is the newest one starting on or before it.
The older rules are kept, so a lesson booked under one of them can still say where it came from.

Each date the series gives is a :class:`Slot`, named ``"<revision>/<date>"``. A lesson booked
for a slot gets an id derived from the series id and that name (:func:`occurrence_id`), so the
app, which creates a series offline, and the server, which books it, name the same lesson the
same way, and each slot is booked at most once.

Wall time holds across daylight-saving changes: a 17:00 slot is 17:00 on the instructor's clock
on both sides of a change, its instant moves (:func:`slot_start`). A wall time that does not
exist on a date (inside a spring-forward gap) has no instant; an ambiguous one (a fall-back
repeat) is its first occurrence, as everywhere in the domain.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from hashlib import sha1
from zoneinfo import ZoneInfo

from instainstru_desktop.domain.errors import DomainError
from instainstru_desktop.domain.terms import Term
from instainstru_desktop.domain.time_ranges import MINUTES_PER_DAY
from instainstru_desktop.domain.zones import local_datetime_to_utc, wall_time_to_utc, week_start

#: Most lessons one series may give (five years of one weekday).
SERIES_MAX_SLOTS = 260
#: Furthest a series may reach past its start date.
SERIES_MAX_DAYS = 5 * 366
#: Longest gap between two weeks with lessons ("every 4 weeks").
SERIES_MAX_EVERY_WEEKS = 4
#: Most changes of the rule one series may go through.
SERIES_MAX_RULES = 100

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _invalid(message: str) -> DomainError:
    return DomainError("invalid_series", message)


@dataclass(frozen=True, slots=True)
class WeeklyRule:
    """From ``starts`` on: every ``every_weeks`` weeks, on ``weekdays``, at wall ``minute``.

    Weeks are counted from the (Monday-based) week of ``starts``: with ``every_weeks=2`` the
    week of ``starts`` has lessons, the next one not, and so on.
    """

    revision: int
    starts: date
    weekdays: tuple[int, ...]
    minute: int
    every_weeks: int = 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "weekdays", tuple(sorted(set(self.weekdays))))

    def validate(self) -> None:
        if not self.weekdays:
            raise _invalid("Choose at least one weekday.")
        if any(type(w) is not int or not 0 <= w <= 6 for w in self.weekdays):
            raise _invalid("Weekdays are 0 (Monday) to 6 (Sunday).")
        if type(self.minute) is not int or not 0 <= self.minute < MINUTES_PER_DAY:
            raise _invalid("The time must be a clock time from 00:00 to 23:59.")
        if type(self.every_weeks) is not int or not 1 <= self.every_weeks <= SERIES_MAX_EVERY_WEEKS:
            raise _invalid(f"A series repeats every 1 to {SERIES_MAX_EVERY_WEEKS} weeks.")

    def gives(self, day: date) -> bool:
        """Whether this rule puts a lesson on ``day`` (ignoring where it is in force)."""
        if day.weekday() not in self.weekdays:
            return False
        weeks = (week_start(day) - week_start(self.starts)).days // 7
        return weeks % self.every_weeks == 0

    def rank_of(self, day: date) -> int | None:
        """The position of ``day``'s weekday among the rule's weekdays (Monday first)."""
        try:
            return self.weekdays.index(day.weekday())
        except ValueError:
            return None

    def describe(self) -> str:
        """ "every week on Tuesday and Thursday at 17:00" -- the rule as a person says it."""
        days = [WEEKDAY_NAMES[w] for w in self.weekdays]
        listed = days[0] if len(days) == 1 else ", ".join(days[:-1]) + " and " + days[-1]
        every = "every week" if self.every_weeks == 1 else f"every {self.every_weeks} weeks"
        return f"{every} on {listed} at {clock_text(self.minute)}"


@dataclass(frozen=True, slots=True)
class SeriesEnd:
    """How a series ends: after ``count`` lessons, on ``until`` (included), or with ``term``."""

    count: int | None = None
    until: date | None = None
    term: Term | None = None

    def validate(self) -> None:
        given = [x for x in (self.count, self.until, self.term) if x is not None]
        if len(given) != 1:
            raise _invalid("A series ends after a number of lessons, on a date, or with a term.")
        if self.count is not None and not (
            type(self.count) is int and 1 <= self.count <= SERIES_MAX_SLOTS
        ):
            raise _invalid(f"A series has 1 to {SERIES_MAX_SLOTS} lessons.")
        if self.term is not None:
            self.term.validate()


@dataclass(frozen=True, slots=True)
class Slot:
    """One date a series gives a lesson on, under the rule of ``revision``.

    ``break_name`` is set when the date falls in a break of the series' term: nothing is booked
    for it (the name says why).
    """

    revision: int
    day: date
    minute: int
    break_name: str | None = None
    #: ``"<revision>/<date>"``: names the slot in lesson rows, ids and refusals. Made once, as
    #: a series' slots are looked up and written by it several times each.
    key: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", f"{self.revision}/{self.day.isoformat()}")

    @property
    def in_break(self) -> bool:
        return self.break_name is not None


@dataclass(frozen=True, slots=True)
class SeriesDefinition:
    """Everything that decides a series' slots.

    ``cancelled_from``: "this and all following" was cancelled from that date on.
    """

    start: date
    rules: tuple[WeeklyRule, ...]
    end: SeriesEnd
    cancelled_from: date | None = None

    def __post_init__(self) -> None:
        rules = tuple(sorted(self.rules, key=lambda r: r.revision))
        object.__setattr__(self, "rules", rules)

    def validate(self) -> None:
        """Raise ``DomainError("invalid_series", ...)`` for a series no calendar can hold."""
        if not self.rules:
            raise _invalid("A series needs a weekly rule.")
        if len(self.rules) > SERIES_MAX_RULES:
            raise _invalid(f"A series can change at most {SERIES_MAX_RULES} times.")
        if self.rules[0].starts != self.start:
            raise _invalid("The first rule of a series starts on the series' start date.")
        for rule in self.rules:
            rule.validate()
            if rule.starts < self.start:
                raise _invalid("A change of a series cannot start before the series does.")
        if len({r.revision for r in self.rules}) != len(self.rules):
            raise _invalid("Each change of a series has its own revision.")
        self.end.validate()
        if self.end.until is not None:
            if self.end.until < self.start:
                raise _invalid("The series ends before it starts.")
            if (self.end.until - self.start).days > SERIES_MAX_DAYS:
                raise _invalid("A series can reach at most five years ahead.")
        term = self.end.term
        if term is not None and term.last < self.start:
            raise _invalid(f"The term “{term.name}” is over by the series' start date.")
        if self.end.count is not None and len(slots(self)) < self.end.count:
            raise _invalid(
                f"{self.end.count} lessons reach more than five years ahead; choose fewer."
            )

    @property
    def latest_rule(self) -> WeeklyRule:
        return self.rules[-1]

    def rule_on(self, day: date) -> WeeklyRule | None:
        """The rule in force on ``day``: the newest one starting on or before it."""
        return _in_force(self.rules, day)

    def rule_of(self, revision: int) -> WeeklyRule | None:
        return next((r for r in self.rules if r.revision == revision), None)

    def last_day(self) -> date:
        """The last date any slot could fall on."""
        limit = self.start + timedelta(days=SERIES_MAX_DAYS)
        if self.end.until is not None:
            limit = min(limit, self.end.until)
        if self.end.term is not None:
            limit = min(limit, self.end.term.last)
        if self.cancelled_from is not None:
            limit = min(limit, self.cancelled_from - timedelta(days=1))
        return limit

    def changed_from(
        self, day: date, weekdays: tuple[int, ...], minute: int, every: int
    ) -> SeriesDefinition:
        """The series whose rule is ``weekdays`` at ``minute`` every ``every`` weeks from ``day``.

        The new rule gets the next revision; nothing earlier is forgotten (see module doc).
        """
        revision = max(r.revision for r in self.rules) + 1
        rule = WeeklyRule(revision, day, weekdays, minute, every)
        return replace(self, rules=(*self.rules, rule))

    def cancelled_after(self, day: date) -> SeriesDefinition:
        """The series without any lesson from ``day`` on."""
        until = day if self.cancelled_from is None else min(day, self.cancelled_from)
        return replace(self, cancelled_from=until)


def slots(definition: SeriesDefinition) -> list[Slot]:
    """Every slot of the series, in date order (those in a term's breaks marked, not left out).

    The rule in force on each date decides; a term leaves out the dates outside it; a count
    stops after that many lessons (break dates do not count: no lesson is given on them).
    """
    out: list[Slot] = []
    term = definition.end.term
    count = definition.end.count
    given = 0
    rules = definition.rules
    day = definition.start
    last = definition.last_day()
    if term is not None and day < term.first:
        day = term.first
    # A weekday no rule names gives no lesson whichever rule is in force: only the dates of
    # the weekdays some rule names are looked at, a week at a time.
    weekdays = frozenset(w for rule in rules for w in rule.weekdays)
    offsets = [timedelta(days=n) for n in range(7) if (day.weekday() + n) % 7 in weekdays]
    week = timedelta(days=7)
    while day <= last:
        for offset in offsets:
            on = day + offset
            if on > last:
                return out
            rule = _in_force(rules, on)
            if rule is None or not rule.gives(on):
                continue
            gap = term.break_of(on) if term is not None else None
            if gap is not None:
                out.append(Slot(rule.revision, on, rule.minute, gap.name or "a break"))
                continue
            out.append(Slot(rule.revision, on, rule.minute))
            given += 1
            if count is not None and given >= count:
                return out
        day += week
    return out


def _in_force(rules: tuple[WeeklyRule, ...], day: date) -> WeeklyRule | None:
    found: WeeklyRule | None = None
    for rule in rules:
        if rule.starts <= day and (found is None or rule.revision > found.revision):
            found = rule
    return found


def slot_start(slot: Slot, tz: ZoneInfo) -> datetime | None:
    """The instant of the slot's wall time on its date in ``tz``; None inside a DST gap."""
    return local_datetime_to_utc(slot.day, slot.minute, tz)


def slot_due(slot: Slot, tz: ZoneInfo) -> datetime:
    """When the slot happens, for ordering and for "is it inside the booking window yet": its
    start, or for a wall time inside a DST gap the moment the clocks jumped."""
    return wall_time_to_utc(slot.day, slot.minute, tz)


def occurrence_id(series_id: str, slot: Slot | str) -> str:
    """The id of the lesson booked for ``slot`` (or a slot key) of series ``series_id``."""
    key = slot if isinstance(slot, str) else slot.key
    return str(uuid.uuid5(uuid.UUID(series_id), key))


def occurrence_ids(series_id: str, keys: Iterable[str]) -> list[str]:
    """:func:`occurrence_id` of each slot key in ``keys``: the same name-based (version 5)
    ids, with the series' id parsed once and each id spelled from its hash directly (a series'
    forty ids cost a tenth of forty ``UUID`` objects)."""
    namespace = uuid.UUID(series_id).bytes
    found = []
    for key in keys:
        raw = bytearray(sha1(namespace + key.encode("utf-8")).digest()[:16])
        raw[6] = (raw[6] & 0x0F) | 0x50  # version 5
        raw[8] = (raw[8] & 0x3F) | 0x80  # the RFC 4122 variant
        h = raw.hex()
        found.append(f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}")
    return found


def parse_slot_key(key: str) -> tuple[int, date]:
    """``(revision, date)`` of a slot key ``"<revision>/<date>"``."""
    revision, _, day = key.partition("/")
    return int(revision), date.fromisoformat(day)


def clock_text(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def follow_change(
    before: SeriesDefinition,
    after_slots: dict[tuple[date, int], Slot],
    slot: Slot,
    change: WeeklyRule,
) -> Slot | None:
    """Where the lesson booked for ``slot`` goes when the rule changes to ``change``.

    The rule: a lesson keeps its week and its place among the week's lessons -- the first
    lesson of a week under the old rule becomes the first under the new one (Tuesday and
    Thursday to Wednesday and Friday: Tuesday's lesson moves to Wednesday, Thursday's to
    Friday). A lesson whose place the new rule does not have in that week (two lessons a week
    become one, a week the new rule skips, a date past the series' end) has nowhere to go.
    ``after_slots``: the new rule's slots by ``(week's Monday, weekday)``.
    """
    old = before.rule_of(slot.revision)
    if old is None or slot.day < change.starts:
        return None
    rank = old.rank_of(slot.day)
    if rank is None or rank >= len(change.weekdays):
        return None
    return after_slots.get((week_start(slot.day), change.weekdays[rank]))
