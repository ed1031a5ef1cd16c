"""The signed-in user."""

from __future__ import annotations

from fastapi import APIRouter

from instainstru_desktop.server.api.deps import CurrentUser
from instainstru_desktop.server.api.schemas import UserOut
from instainstru_desktop.server.services.views import Json

router = APIRouter(tags=["me"])


@router.get("/me", response_model=UserOut)
async def me(user: CurrentUser) -> Json:
    return {
        "id": user.user_id,
        "email": user.email,
        "name": user.name,
        "role": user.role.value,
        "time_zone": user.time_zone,
        "instructor_id": user.instructor_id,
    }
