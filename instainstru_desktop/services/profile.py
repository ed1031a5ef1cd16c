"""Profile use cases: the instructor's name and bio, home time zone and booking rules.

All are edited offline like everything else: the cache row shows the new value at once and an
outbox row carries the intent (``policy.update`` with the whole policy, ``profile.update`` with
the zone, ``profile.edit_text`` with what changed of the name and bio), written in one
transaction. The server checks the same rules again and may still
refuse (another device changed something, or its rules are stricter); the row then falls back
to the server's value and the profile's ``mark`` says why.

The checks here turn the domain's rules into sentences a person understands; the settings
dialog calls :func:`policy_problems` and :func:`zone_problem` too, so the hint under a field and
the refusal of a save always say the same thing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from instainstru_desktop.domain import (
    POLICY_BOUNDS,
    BookingPolicy,
    DomainError,
    UnknownTimeZone,
    zone,
)
from instainstru_desktop.protocol import EditProfileText, Policy, UpdatePolicy, UpdateProfile
from instainstru_desktop.services._base import UseCases, queue
from instainstru_desktop.services._marks import marks
from instainstru_desktop.services.errors import InvalidInputError, UnknownItemError
from instainstru_desktop.services.profile_checks import bio_problem, name_problem
from instainstru_desktop.services.views import POLICY_FIELDS, Changed, InstructorProfile
from instainstru_desktop.store import UnitOfWork
from instainstru_desktop.store.mirror import loads
from instainstru_desktop.store.records import InstructorRecord

_DAY = 24 * 60


def minutes_text(minutes: int) -> str:
    """A duration the way people say it: "90 minutes", "2 hours 30 minutes", "366 days"."""
    if minutes and minutes % _DAY == 0:
        return _plural(minutes // _DAY, "day")
    if minutes < 120:
        return _plural(minutes, "minute")
    hours = _plural(minutes // 60, "hour")
    return f"{hours} {_plural(minutes % 60, 'minute')}" if minutes % 60 else hours


def _plural(count: int, unit: str) -> str:
    return f"{count:,} {unit}" if count == 1 else f"{count:,} {unit}s"


@dataclass(frozen=True)
class _Rule:
    """How to name one rule and its bounds (the bounds are the domain's ``POLICY_BOUNDS``)."""

    label: str  # starts the sentence
    bound: Callable[[int], str]  # how a bound reads
    unit: str  # "a whole number of <unit>"


_RULES: dict[str, _Rule] = {
    "min_notice_minutes": _Rule("Minimum notice", minutes_text, "minutes"),
    "booking_horizon_days": _Rule("The booking window", lambda n: _plural(n, "day"), "days"),
    "buffer_minutes": _Rule("The buffer between lessons", minutes_text, "minutes"),
    "slot_step_minutes": _Rule("The start-time step", minutes_text, "minutes"),
    "daily_limit": _Rule("The daily limit", lambda n: f"{n:,}", "lessons"),
    "weekly_limit": _Rule("The weekly limit", lambda n: f"{n:,}", "lessons"),
}
_LIMITS = ("daily_limit", "weekly_limit")


def policy_problems(values: Mapping[str, object]) -> dict[str, str]:
    """Field name to a sentence saying what is wrong with it (empty: every value is fine).

    Only the fields given are checked; limits accept ``None`` (no limit). Unknown field names
    are a programming error and raise :class:`TypeError`.
    """
    unknown = set(values) - set(POLICY_FIELDS)
    if unknown:
        raise TypeError(f"unknown booking rules: {', '.join(sorted(unknown))}")
    problems: dict[str, str] = {}
    for name, value in values.items():
        rule = _RULES[name]
        low, high = POLICY_BOUNDS[name]
        if value is None and name in _LIMITS:
            continue
        if type(value) is not int:
            problems[name] = f"{rule.label} must be a whole number of {rule.unit}."
        elif not low <= value <= high:
            limit = " (or no limit)" if name in _LIMITS else ""
            problems[name] = (
                f"{rule.label} must be between {rule.bound(low)} and {rule.bound(high)}{limit}."
            )
        elif name == "slot_step_minutes" and _DAY % value:
            problems[name] = (
                "Lessons must start on a step that divides a day evenly, "
                "such as every 15, 30 or 60 minutes."
            )
    return problems


def zone_problem(name: str) -> str | None:
    """Why ``name`` cannot be the home time zone, or None when it can."""
    text = name.strip()
    if not text:
        return "Choose a time zone, for example Europe/London."
    try:
        zone(text)
    except UnknownTimeZone:
        return f"“{text}” is not a time zone this computer knows. Pick one from the list."
    return None


def profile_of(record: InstructorRecord) -> InstructorProfile:
    """The profile of a cache row; rules missing from the row take the domain's defaults."""
    stored = loads(record.policy) if record.policy else {}
    if not isinstance(stored, dict):
        stored = {}
    defaults = BookingPolicy()
    policy: dict[str, Any] = {}
    for name in POLICY_FIELDS:
        value = stored.get(name)
        if value is None and name not in _LIMITS:
            value = getattr(defaults, name)
        policy[name] = value
    return InstructorProfile(
        instructor_id=record.id,
        name=record.name,
        email=record.email,
        time_zone=record.time_zone,
        bio=record.bio,
        **policy,
    )


class ProfileService(UseCases):
    """What the settings dialog reads and saves."""

    def profile(self, instructor_id: str) -> InstructorProfile:
        """The instructor's details and rules as shown here (unsynced edits included)."""
        with self._store.read() as uow:
            record = _instructor(uow, instructor_id)
            mark, why = marks(uow, "instructor").of(instructor_id)
        return replace(profile_of(record), mark=mark, mark_message=why)

    def update_policy(self, instructor_id: str, **fields: int | None) -> Changed:
        """Change some booking rules; the others keep their current values.

        Raises :class:`InvalidInputError` with a readable sentence when a value breaks a rule
        (nothing is written then). Setting the values the rules already have writes nothing.
        """
        problems = policy_problems(fields)
        if problems:
            raise InvalidInputError(" ".join(problems[name] for name in problems))
        with self._store.uow() as uow:
            record = _instructor(uow, instructor_id)
            current = profile_of(record).policy()
            wanted: dict[str, Any] = {**current, **fields}
            if wanted == current:
                return Changed()
            try:
                BookingPolicy(**wanted).validate()
            except DomainError as error:  # the domain's rules moved on from _RULES
                raise InvalidInputError(
                    f"These booking rules cannot be used: {error.message}."
                ) from error
            change = UpdatePolicy(instructor_id=instructor_id, policy=Policy(**wanted))
            mutation_id = queue(uow, change, base_version=record.version)
            uow.commit()
        return self._done(Changed(mutation_ids=(mutation_id,)))

    def set_time_zone(self, instructor_id: str, time_zone: str) -> Changed:
        """Make ``time_zone`` the instructor's home zone.

        Hours keep their clock times in the new zone and lessons keep their real instants, so
        every date may look different: the returned ``template`` flag (the broadest one) tells
        views to read the whole calendar again. The same zone again writes nothing.
        """
        problem = zone_problem(time_zone)
        if problem:
            raise InvalidInputError(problem)
        name = time_zone.strip()
        with self._store.uow() as uow:
            record = _instructor(uow, instructor_id)
            if record.time_zone == name:
                return Changed()
            change = UpdateProfile(instructor_id=instructor_id, time_zone=name)
            mutation_id = queue(uow, change, base_version=record.version)
            uow.commit()
        return self._done(Changed(template=True, mutation_ids=(mutation_id,)))

    def edit_text(
        self, instructor_id: str, *, name: str | None = None, bio: str | None = None
    ) -> Changed:
        """Change what students read: the name (trimmed), the bio (as written), or both.

        Raises :class:`InvalidInputError` with the sentence the page shows under the field;
        values equal to the current ones are not sent (nothing at all: nothing is written).
        """
        problem = (name_problem(name) if name is not None else None) or (
            bio_problem(bio) if bio is not None else None
        )
        if problem:
            raise InvalidInputError(problem)
        with self._store.uow() as uow:
            record = _instructor(uow, instructor_id)
            new_name = name.strip() if name is not None else None
            change = EditProfileText(
                instructor_id=instructor_id,
                name=new_name if new_name != record.name else None,
                bio=bio if bio is not None and bio != record.bio else None,
            )
            if change.name is None and change.bio is None:
                return Changed()
            mutation_id = queue(uow, change, base_version=record.version)
            uow.commit()
        return self._done(Changed(mutation_ids=(mutation_id,)))


def _instructor(uow: UnitOfWork, instructor_id: str) -> InstructorRecord:
    record = uow.catalog.instructor(instructor_id)
    if record is None:
        raise UnknownItemError("This instructor is not in your local data yet.")
    return record
