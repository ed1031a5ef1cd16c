"""The student directory, for instructors booking on a student's behalf and for admins."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from instainstru_desktop.server.api.deps import PageLimit, RequirePermission, UowDep
from instainstru_desktop.server.api.schemas import StudentPage
from instainstru_desktop.server.core.permissions import Permission
from instainstru_desktop.server.services import instructors
from instainstru_desktop.server.services.context import Caller
from instainstru_desktop.server.services.views import Json

router = APIRouter(prefix="/students", tags=["students"])
Reader = Annotated[Caller, RequirePermission(Permission.STUDENTS_READ)]


@router.get("", response_model=StudentPage)
def search_students(
    caller: Reader,
    uow: UowDep,
    q: Annotated[str | None, Query(max_length=200)] = None,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    limit: PageLimit = 100,
) -> Json:
    return instructors.search_students(uow, caller, q, cursor, limit)
