"""What anyone may read about instructors: the directory and a profile, for the student pages.

Only public fields leave here -- name, page address, bio, zone, booking rules (weekly booking
allowed or not) and the lesson types on offer -- never an e-mail address, a private note or
anything about students. Profiles are kept in memory until a commit touches their instructor,
like slot answers (see ``answer_cache``): the profile page is read far more often than an
instructor edits it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from instainstru_desktop.domain.policies import BookingPolicy
from instainstru_desktop.domain.zones import zone
from instainstru_desktop.server.core.errors import NotFound
from instainstru_desktop.server.core.models import Instructor, LessonType, User
from instainstru_desktop.server.repositories.uow import Tx, UnitOfWork
from instainstru_desktop.server.services.answer_cache import AnswerCache
from instainstru_desktop.server.services.rules import policy_of


@dataclass(frozen=True, slots=True)
class PublicLessonType:
    id: str
    name: str
    duration_minutes: int
    price_cents: int
    currency: str
    color: str


@dataclass(frozen=True, slots=True)
class PublicProfile:
    id: str
    slug: str
    name: str
    bio: str
    time_zone: str
    policy: BookingPolicy
    #: The lesson types on offer (inactive ones are left out), by name.
    lesson_types: tuple[PublicLessonType, ...]
    #: Whether students may book weekly lessons themselves (else by arrangement only).
    weekly: bool = False

    @property
    def tz(self) -> ZoneInfo:
        return zone(self.time_zone)

    def lesson_type(self, lesson_type_id: str | None) -> PublicLessonType | None:
        """The offered lesson type ``lesson_type_id`` (None, or not offered: the first one)."""
        for kind in self.lesson_types:
            if kind.id == lesson_type_id:
                return kind
        return self.lesson_types[0] if self.lesson_types and lesson_type_id is None else None


#: Profiles by ("slug", slug) and ("id", id), each in its instructor's scope; the directory
#: under ("directory",) in the whole studio's.
ProfileCache = AnswerCache[object]


def _profile(instructor: Instructor, user: User, types: list[LessonType]) -> PublicProfile:
    return PublicProfile(
        id=instructor.id,
        slug=instructor.slug,
        name=user.name,
        bio=instructor.bio,
        time_zone=user.time_zone,
        policy=policy_of(instructor),
        lesson_types=tuple(
            PublicLessonType(t.id, t.name, t.duration_minutes, t.price_cents, t.currency, t.color)
            for t in types
            if t.active
        ),
        weekly=bool(instructor.students_book_weekly),
    )


def _read(tx: Tx, found: tuple[Instructor, User] | None) -> PublicProfile:
    if found is None:
        raise NotFound("No instructor has this page.")
    instructor, user = found
    types = tx.lesson_types.of_instructors([instructor.id])[instructor.id]
    return _profile(instructor, user, types)


def profile_by_slug(uow: UnitOfWork, cache: ProfileCache, slug: str) -> PublicProfile:
    return _kept(uow, cache, ("slug", slug), lambda tx: _read(tx, tx.instructors.by_slug(slug)))


def profile_by_id(uow: UnitOfWork, cache: ProfileCache, instructor_id: str) -> PublicProfile:
    return _kept(
        uow,
        cache,
        ("id", instructor_id),
        lambda tx: _read(tx, tx.instructors.with_user(instructor_id)),
    )


def _kept(
    uow: UnitOfWork,
    cache: ProfileCache,
    key: tuple[str, str],
    read: Callable[[Tx], PublicProfile],
) -> PublicProfile:
    kept = cache.get(key)
    if isinstance(kept, PublicProfile):
        return kept
    # The instructor (the scope) is known only after the read: the studio-wide count of
    # commits, read before and after, tells whether any commit landed meanwhile; if none did,
    # the instructor's generation read in between is the one the answer was read at.
    before = cache.generation(None)
    with uow.read() as tx:
        profile = read(tx)
    generation = cache.generation(profile.id)
    if cache.generation(None) == before:
        cache.put(key, profile.id, generation, profile)
    return profile


def directory(uow: UnitOfWork, cache: ProfileCache) -> tuple[PublicProfile, ...]:
    """Every instructor, by name."""
    kept = cache.get(("directory",))
    if isinstance(kept, tuple):
        return kept
    generation = cache.generation(None)
    with uow.read() as tx:
        rows = tx.instructors.directory()
        types = tx.lesson_types.of_instructors([i.id for i, _ in rows])
        profiles = tuple(_profile(i, u, types[i.id]) for i, u in rows)
    cache.put(("directory",), None, generation, profiles)
    return profiles
