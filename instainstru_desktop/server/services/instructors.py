"""Instructor profiles, booking policies, lesson types, and the student directory."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from instainstru_desktop.domain.zones import zone
from instainstru_desktop.protocol import fields
from instainstru_desktop.server.core import slugs
from instainstru_desktop.server.core.errors import InvalidInput, NotFound, SlugTaken
from instainstru_desktop.server.core.models import Instructor, LessonType
from instainstru_desktop.server.core.permissions import Owner, Permission, authorize, require
from instainstru_desktop.server.repositories.uow import Tx, UnitOfWork
from instainstru_desktop.server.services import views
from instainstru_desktop.server.services.availability import reconcile
from instainstru_desktop.server.services.common import (
    decode_cursor,
    encode_cursor,
    instructor_or_404,
    lesson_type_or_404,
    new_id,
    record,
)
from instainstru_desktop.server.services.context import Caller
from instainstru_desktop.server.services.rules import policy_of
from instainstru_desktop.server.services.views import Json


def _view(tx: Tx, instructor_id: str) -> Json:
    found = tx.instructors.with_user(instructor_id)
    if found is None:
        raise NotFound("No such instructor.")
    instructor, user = found
    types = tx.lesson_types.of_instructors([instructor_id])[instructor_id]
    return views.instructor(instructor, user, types)


def list_instructors(uow: UnitOfWork, caller: Caller, cursor: str | None, limit: int) -> Json:
    require(caller.principal, Permission.INSTRUCTORS_READ)
    after = decode_cursor(cursor, 1)
    with uow.read() as tx:
        rows = tx.instructors.page(after[0] if after else None, limit + 1)
        page = rows[:limit]
        types = tx.lesson_types.of_instructors([i.id for i, _ in page])
        items = [views.instructor(i, u, types[i.id]) for i, u in page]
    next_cursor = encode_cursor(page[-1][0].id) if len(rows) > limit else None
    return {"items": items, "next_cursor": next_cursor}


def get_instructor(uow: UnitOfWork, caller: Caller, instructor_id: str) -> Json:
    require(caller.principal, Permission.INSTRUCTORS_READ)
    with uow.read() as tx:
        return _view(tx, instructor_id)


def _editable(tx: Tx, caller: Caller, instructor_id: str) -> Instructor:
    instructor = instructor_or_404(tx, instructor_id)
    authorize(caller.principal, Permission.INSTRUCTORS_EDIT, Owner(instructor_id=instructor.id))
    return instructor


def update_profile(
    uow: UnitOfWork, caller: Caller, instructor_id: str, changes: dict[str, Any]
) -> Json:
    require(caller.principal, Permission.INSTRUCTORS_EDIT)
    if changes.get("time_zone") is not None:
        zone(changes["time_zone"])
    with uow.write() as tx:
        view = update_profile_in(tx, caller, instructor_id, changes)
        tx.commit()
    return view


def update_profile_in(tx: Tx, caller: Caller, instructor_id: str, changes: dict[str, Any]) -> Json:
    """Change name, time zone, bio or page address inside ``tx`` (own / admin; the push's
    ``profile.update``).

    The instructor row's version goes up even when only the user row changed, so the commit
    stamps the instructor and the next pull sends it to every device in its scope. The slug
    changes only when asked for: renaming keeps the address students already have.
    """
    instructor = _editable(tx, caller, instructor_id)
    if changes.get("time_zone") is not None:
        zone(changes["time_zone"])
    if changes.get("slug") is not None and changes["slug"] != instructor.slug:
        instructor.slug = _free_slug(tx, instructor.id, changes["slug"])
    user = tx.users.get(instructor.user_id)
    assert user is not None  # a foreign key guarantees it
    for field in ("name", "time_zone"):
        if changes.get(field) is not None:
            setattr(user, field, changes[field])
    if changes.get("bio") is not None:
        instructor.bio = changes["bio"]
    instructor.version += 1
    record(
        tx,
        caller,
        "instructor.update",
        instructor_id=instructor.id,
        details={k: v for k, v in changes.items() if v is not None},
    )
    if changes.get("time_zone") is not None:
        # The same wall-clock hours now mean other instants: lessons may fall outside them.
        reconcile(tx, caller, instructor)
    return _view(tx, instructor.id)


def _free_slug(tx: Tx, instructor_id: str, slug: str) -> str:
    """``slug`` checked as a page address for ``instructor_id``; taken by another: refused."""
    slug = slug.strip().lower()
    problem = slugs.problem(slug)
    if problem is not None:
        raise InvalidInput(problem, errors=[{"field": "slug", "message": problem}])
    found = tx.instructors.by_slug(slug)
    if found is not None and found[0].id != instructor_id:
        raise SlugTaken(
            f"The address /{slug} belongs to another instructor; choose another.",
            errors=[{"field": "slug", "message": "taken"}],
        )
    return slug


def set_policy_in(tx: Tx, caller: Caller, instructor_id: str, values: dict[str, Any]) -> Json:
    instructor = _editable(tx, caller, instructor_id)
    policy = replace(policy_of(instructor), **values)
    policy.validate()
    for field, value in values.items():
        setattr(instructor, field, value)
    instructor.version += 1
    record(tx, caller, "policy.update", instructor_id=instructor.id, details=dict(values))
    return views.policy(instructor)


#: What a lesson type may hold, checked here too (not only by the API's schema) so every way
#: in -- a route, a pushed mutation -- refuses the same values with the same words. The limits
#: are the change vocabulary's (``protocol.fields``), which the app checks before it queues.
_LESSON_TYPE_FIELDS = ("name", "duration_minutes", "price_cents", "currency", "color", "active")


def _lesson_type_checks() -> dict[str, tuple[Any, str]]:
    return {
        "name": (
            lambda v: isinstance(v, str) and 1 <= len(v.strip()) <= fields.LESSON_NAME_MAX_CHARS,
            f"1 to {fields.LESSON_NAME_MAX_CHARS} characters",
        ),
        "duration_minutes": (
            lambda v: type(v) is int
            and fields.LESSON_MINUTES_MIN <= v <= fields.LESSON_MINUTES_MAX,
            f"a whole number of minutes from {fields.LESSON_MINUTES_MIN} "
            f"to {fields.LESSON_MINUTES_MAX}",
        ),
        "price_cents": (
            lambda v: type(v) is int and 0 <= v <= fields.PRICE_CENTS_MAX,
            "a whole number of cents from 0",
        ),
        "currency": (
            lambda v: isinstance(v, str) and fields.is_currency(v),
            "a three-letter ISO 4217 code such as EUR",
        ),
        "color": (
            lambda v: isinstance(v, str) and fields.is_colour(v),
            "a colour such as #3366CC",
        ),
        "active": (lambda v: isinstance(v, bool), "true or false"),
    }


def lesson_type_problems(values: dict[str, Any]) -> list[dict[str, str]]:
    """Field errors of the lesson type fields in ``values`` (empty: all fine)."""
    checks = _lesson_type_checks()
    errors = [{"field": k, "message": "not a lesson type field"} for k in values if k not in checks]
    for field, value in values.items():
        if field in checks and value is not None and not checks[field][0](value):
            errors.append({"field": field, "message": checks[field][1]})
    return errors


def _checked(values: dict[str, Any]) -> dict[str, Any]:
    errors = lesson_type_problems(values)
    if errors:
        raise InvalidInput("Some lesson type fields are not valid.", errors=errors)
    return values


def add_lesson_type_in(
    tx: Tx,
    caller: Caller,
    instructor_id: str,
    values: dict[str, Any],
    lesson_type_id: str | None = None,
) -> Json:
    """A new lesson type of ``instructor_id`` (own / admin), recorded in the audit log.

    ``lesson_type_id``: chosen by the app that made it offline (the push's ``lesson_type.add``),
    so its own edits and bookings of it name it before the server has seen it; an id already
    taken is refused, never overwritten.
    """
    instructor = _editable(tx, caller, instructor_id)
    values = _checked(values)
    if lesson_type_id is not None and tx.lesson_types.get(lesson_type_id) is not None:
        raise InvalidInput(
            "This lesson type exists already.",
            errors=[{"field": "lesson_type_id", "message": "already used"}],
        )
    missing = [f for f in _LESSON_TYPE_FIELDS if f != "active" and values.get(f) is None]
    if missing:
        raise InvalidInput(
            "A lesson type needs a name, a duration, a price, a currency and a colour.",
            errors=[{"field": f, "message": "required"} for f in missing],
        )
    given = {f: values[f] for f in _LESSON_TYPE_FIELDS if values.get(f) is not None}
    given["name"] = given["name"].strip()
    given["color"] = given["color"].upper()
    lesson_type = LessonType(
        id=lesson_type_id or new_id(), instructor_id=instructor.id, version=1, **given
    )
    lesson_type.active = given.get("active", True)
    tx.lesson_types.add(lesson_type)
    record(
        tx,
        caller,
        "lesson_type.add",
        instructor_id=instructor.id,
        details={"lesson_type_id": lesson_type.id, **given},
    )
    return views.lesson_type(lesson_type)


def update_lesson_type_in(
    tx: Tx, caller: Caller, lesson_type_id: str, changes: dict[str, Any]
) -> Json:
    """Rename, re-price, re-colour, change the length of, or stop / start offering a lesson type.

    Lessons already booked keep their length and the price they were booked at.
    """
    lesson_type = lesson_type_or_404(tx, lesson_type_id)
    _editable(tx, caller, lesson_type.instructor_id)
    changed = {k: v for k, v in _checked(changes).items() if v is not None}
    if "name" in changed:
        changed["name"] = changed["name"].strip()
    if "color" in changed:
        changed["color"] = changed["color"].upper()
    for field, value in changed.items():
        setattr(lesson_type, field, value)
    lesson_type.version += 1
    record(
        tx,
        caller,
        "lesson_type.update",
        instructor_id=lesson_type.instructor_id,
        details={"lesson_type_id": lesson_type.id, **changed},
    )
    return views.lesson_type(lesson_type)


def add_lesson_type(
    uow: UnitOfWork, caller: Caller, instructor_id: str, values: dict[str, Any]
) -> Json:
    require(caller.principal, Permission.INSTRUCTORS_EDIT)
    result: Json = uow.run_write(lambda tx: add_lesson_type_in(tx, caller, instructor_id, values))
    return result


def update_lesson_type(
    uow: UnitOfWork, caller: Caller, lesson_type_id: str, changes: dict[str, Any]
) -> Json:
    require(caller.principal, Permission.INSTRUCTORS_EDIT)
    result: Json = uow.run_write(
        lambda tx: update_lesson_type_in(tx, caller, lesson_type_id, changes)
    )
    return result


def search_students(
    uow: UnitOfWork, caller: Caller, q: str | None, cursor: str | None, limit: int
) -> Json:
    require(caller.principal, Permission.STUDENTS_READ)
    after = decode_cursor(cursor, 2)
    with uow.read() as tx:
        rows = tx.users.students_page(q, (after[0], after[1]) if after else None, limit + 1)
        page = rows[:limit]
        items = [views.student(u) for u in page]
    next_cursor = encode_cursor(page[-1].name, page[-1].id) if len(rows) > limit else None
    return {"items": items, "next_cursor": next_cursor}
