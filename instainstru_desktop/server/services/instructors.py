"""Instructor profiles, booking policies, lesson types, and the student directory."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from instainstru_desktop.domain.zones import zone
from instainstru_desktop.server.core.errors import NotFound
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
    """Change name, time zone or bio inside ``tx`` (own / admin; the push's ``profile.update``).

    The instructor row's version goes up even when only the user row changed, so the commit
    stamps the instructor and the next pull sends it to every device in its scope.
    """
    instructor = _editable(tx, caller, instructor_id)
    if changes.get("time_zone") is not None:
        zone(changes["time_zone"])
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


def set_policy_in(tx: Tx, caller: Caller, instructor_id: str, values: dict[str, Any]) -> Json:
    instructor = _editable(tx, caller, instructor_id)
    policy = replace(policy_of(instructor), **values)
    policy.validate()
    for field, value in values.items():
        setattr(instructor, field, value)
    instructor.version += 1
    record(tx, caller, "policy.update", instructor_id=instructor.id, details=dict(values))
    return views.policy(instructor)


def add_lesson_type(
    uow: UnitOfWork, caller: Caller, instructor_id: str, values: dict[str, Any]
) -> Json:
    require(caller.principal, Permission.INSTRUCTORS_EDIT)
    with uow.write() as tx:
        instructor = _editable(tx, caller, instructor_id)
        lesson_type = LessonType(id=new_id(), instructor_id=instructor.id, version=1, **values)
        tx.lesson_types.add(lesson_type)
        view = views.lesson_type(lesson_type)
        tx.commit()
    return view


def update_lesson_type(
    uow: UnitOfWork, caller: Caller, lesson_type_id: str, changes: dict[str, Any]
) -> Json:
    require(caller.principal, Permission.INSTRUCTORS_EDIT)
    with uow.write() as tx:
        lesson_type = lesson_type_or_404(tx, lesson_type_id)
        _editable(tx, caller, lesson_type.instructor_id)
        for field, value in changes.items():
            if value is not None:
                setattr(lesson_type, field, value)
        lesson_type.version += 1
        view = views.lesson_type(lesson_type)
        tx.commit()
    return view


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
