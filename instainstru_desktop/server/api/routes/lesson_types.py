"""Changing a lesson type (created under its instructor)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter

from instainstru_desktop.server.api.deps import RequirePermission, UowDep
from instainstru_desktop.server.api.schemas import LessonTypeOut, LessonTypePatch
from instainstru_desktop.server.core.permissions import Permission
from instainstru_desktop.server.services import instructors
from instainstru_desktop.server.services.context import Caller
from instainstru_desktop.server.services.views import Json

router = APIRouter(prefix="/lesson-types", tags=["lesson types"])
Editor = Annotated[Caller, RequirePermission(Permission.INSTRUCTORS_EDIT)]


@router.patch("/{lesson_type_id}", response_model=LessonTypeOut)
def update_lesson_type(
    lesson_type_id: str, body: LessonTypePatch, caller: Editor, uow: UowDep
) -> Json:
    return instructors.update_lesson_type(uow, caller, lesson_type_id, body.model_dump())
