"""Roles as named permission sets, declared in one table and checked in one function.

A permission is granted with a *scope*: ``OWN`` (only data the caller owns: an instructor's own
calendar, a student's own bookings) or ``ANY``. Every check goes through :func:`authorize`, so the
RBAC test can derive what each role should get from :data:`ROLE_PERMISSIONS` alone.

Why two error codes: data a caller may not even see (another student's booking) answers
``not_found``, so ids cannot be probed; data that is public but not theirs to change (another
instructor's profile) answers ``forbidden``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from instainstru_desktop.server.core.errors import Forbidden, NotFound, Unauthenticated


class Role(StrEnum):
    STUDENT = "student"
    INSTRUCTOR = "instructor"
    ADMIN = "admin"


class Scope(StrEnum):
    OWN = "own"
    ANY = "any"


class Permission(StrEnum):
    INSTRUCTORS_READ = "instructors.read"
    INSTRUCTORS_EDIT = "instructors.edit"  # profile, policy, lesson types
    STUDENTS_READ = "students.read"
    AVAILABILITY_READ = "availability.read"
    AVAILABILITY_EDIT = "availability.edit"
    BOOKINGS_READ = "bookings.read"
    BOOKINGS_CREATE = "bookings.create"
    BOOKINGS_CANCEL = "bookings.cancel"
    BOOKINGS_RESCHEDULE = "bookings.reschedule"
    BOOKINGS_OUTCOME = "bookings.outcome"  # complete / no-show
    BOOKINGS_NOTE = "bookings.note"
    BOOKINGS_HISTORY = "bookings.history"
    SERIES_EDIT = "series.edit"  # another weekday or time for weekly lessons
    ADMIN_REVIEW = "admin.review"  # all bookings with filters, review flag, stats
    MESSAGES_READ = "messages.read"  # a lesson's conversation, read markers, unread counts
    MESSAGES_WRITE = "messages.write"
    SYNC = "sync"
    EVENTS = "events"


_STUDENT = {
    Permission.INSTRUCTORS_READ: Scope.ANY,
    Permission.AVAILABILITY_READ: Scope.ANY,
    Permission.BOOKINGS_READ: Scope.OWN,
    Permission.BOOKINGS_CREATE: Scope.OWN,
    Permission.BOOKINGS_CANCEL: Scope.OWN,
    Permission.BOOKINGS_RESCHEDULE: Scope.OWN,
    Permission.MESSAGES_READ: Scope.OWN,
    Permission.MESSAGES_WRITE: Scope.OWN,
    Permission.EVENTS: Scope.OWN,
}
_INSTRUCTOR = {
    Permission.INSTRUCTORS_READ: Scope.ANY,
    Permission.INSTRUCTORS_EDIT: Scope.OWN,
    Permission.STUDENTS_READ: Scope.ANY,
    Permission.AVAILABILITY_READ: Scope.ANY,
    Permission.AVAILABILITY_EDIT: Scope.OWN,
    Permission.BOOKINGS_READ: Scope.OWN,
    Permission.BOOKINGS_CREATE: Scope.OWN,
    Permission.BOOKINGS_CANCEL: Scope.OWN,
    Permission.BOOKINGS_RESCHEDULE: Scope.OWN,
    Permission.BOOKINGS_OUTCOME: Scope.OWN,
    Permission.BOOKINGS_NOTE: Scope.OWN,
    Permission.BOOKINGS_HISTORY: Scope.OWN,
    Permission.SERIES_EDIT: Scope.OWN,
    Permission.MESSAGES_READ: Scope.OWN,
    Permission.MESSAGES_WRITE: Scope.OWN,
    Permission.SYNC: Scope.OWN,
    Permission.EVENTS: Scope.OWN,
}
_ADMIN = dict.fromkeys(Permission, Scope.ANY)

#: THE table: what each role may do, and on whose data.
ROLE_PERMISSIONS: Mapping[Role, Mapping[Permission, Scope]] = MappingProxyType(
    {
        Role.STUDENT: MappingProxyType(_STUDENT),
        Role.INSTRUCTOR: MappingProxyType(_INSTRUCTOR),
        Role.ADMIN: MappingProxyType(_ADMIN),
    }
)


@dataclass(frozen=True, slots=True)
class Principal:
    """The signed-in caller."""

    user_id: str
    role: Role
    name: str
    email: str
    time_zone: str
    instructor_id: str | None = None


@dataclass(frozen=True, slots=True)
class Owner:
    """Who a piece of data belongs to: an instructor's calendar and/or a student's booking."""

    instructor_id: str | None = None
    student_id: str | None = None


def scope_of(principal: Principal | None, permission: Permission) -> Scope | None:
    """The scope ``principal`` holds ``permission`` with, or None."""
    if principal is None:
        return None
    return ROLE_PERMISSIONS[principal.role].get(permission)


def owns(principal: Principal, owner: Owner) -> bool:
    """Whether ``owner`` names the caller (their calendar, or their own booking)."""
    if principal.instructor_id is not None and owner.instructor_id == principal.instructor_id:
        return True
    return owner.student_id is not None and owner.student_id == principal.user_id


def allowed(principal: Principal | None, permission: Permission, owner: Owner | None) -> bool:
    scope = scope_of(principal, permission)
    if scope is None or principal is None:
        return False
    return scope is Scope.ANY or owner is None or owns(principal, owner)


def require(principal: Principal | None, permission: Permission) -> Principal:
    """The route-level check: signed in, and the role has ``permission`` at all."""
    if principal is None:
        raise Unauthenticated("Sign in to do this.")
    if scope_of(principal, permission) is None:
        raise Forbidden(f"Your role ({principal.role}) may not do this.")
    return principal


def authorize(
    principal: Principal | None,
    permission: Permission,
    owner: Owner,
    *,
    hidden_unless: Permission | None = None,
) -> Principal:
    """The data-level check, with the owner of the data at hand.

    ``hidden_unless``: a permission the caller needs to even know the data exists; without it on
    this owner the answer is ``not_found`` rather than ``forbidden``.

    Each permission is looked up once: the role's scope, then the owner against it.
    """
    if principal is None:
        raise Unauthenticated("Sign in to do this.")
    if hidden_unless is not None and not allowed(principal, hidden_unless, owner):
        raise NotFound("No such item.")
    if hidden_unless is permission:
        return principal  # the check that it is not hidden was this very check
    scope = scope_of(principal, permission)
    if scope is None and hidden_unless is None:
        raise Forbidden(f"Your role ({principal.role}) may not do this.")
    if scope is None or (scope is not Scope.ANY and not owns(principal, owner)):
        raise Forbidden("This belongs to someone else.")
    return principal
