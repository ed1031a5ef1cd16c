"""Instructor profiles, booking policies and lesson types."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from instainstru_desktop.server.api.deps import PageLimit, RequirePermission, UowDep, run_read
from instainstru_desktop.server.api.schemas import (
    InstructorOut,
    InstructorPage,
    InstructorPatch,
    LessonTypeIn,
    LessonTypeOut,
    Policy,
)
from instainstru_desktop.server.core.permissions import Permission
from instainstru_desktop.server.services import instructors
from instainstru_desktop.server.services.context import Caller
from instainstru_desktop.server.services.views import Json

router = APIRouter(prefix="/instructors", tags=["instructors"])
Reader = Annotated[Caller, RequirePermission(Permission.INSTRUCTORS_READ)]
Editor = Annotated[Caller, RequirePermission(Permission.INSTRUCTORS_EDIT)]
Cursor = Annotated[str | None, Query(max_length=500)]


@router.get("", response_model=InstructorPage)
async def list_instructors(
    caller: Reader, uow: UowDep, cursor: Cursor = None, limit: PageLimit = 100
) -> Json:
    return await run_read(uow, instructors.list_instructors, uow, caller, cursor, limit)


@router.get("/{instructor_id}", response_model=InstructorOut)
async def get_instructor(instructor_id: str, caller: Reader, uow: UowDep) -> Json:
    return await run_read(uow, instructors.get_instructor, uow, caller, instructor_id)


@router.patch("/{instructor_id}", response_model=InstructorOut)
def update_instructor(
    instructor_id: str, body: InstructorPatch, caller: Editor, uow: UowDep
) -> Json:
    return instructors.update_profile(uow, caller, instructor_id, body.model_dump())


@router.put("/{instructor_id}/policy", response_model=Policy)
def set_policy(instructor_id: str, body: Policy, caller: Editor, uow: UowDep) -> Json:
    return instructors.set_policy(uow, caller, instructor_id, body.model_dump())


@router.post("/{instructor_id}/lesson-types", response_model=LessonTypeOut, status_code=201)
def add_lesson_type(instructor_id: str, body: LessonTypeIn, caller: Editor, uow: UowDep) -> Json:
    return instructors.add_lesson_type(uow, caller, instructor_id, body.model_dump())
