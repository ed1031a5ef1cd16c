"""Versions and server time, open to everyone (outdated clients included)."""

from __future__ import annotations

from fastapi import APIRouter

from instainstru_desktop import __version__
from instainstru_desktop.server.api.deps import ContextDep
from instainstru_desktop.server.api.schemas import Meta

router = APIRouter(tags=["meta"])


@router.get("/meta", response_model=Meta)
async def meta(context: ContextDep) -> dict[str, object]:
    """Versions and the server's clock (anonymous: an outdated client must be able to ask)."""
    return {
        "server_version": __version__,
        "protocol_version": context.settings.protocol_version,
        "min_client_protocol": context.settings.min_client_protocol,
        "server_time": context.clock(),
        "student_pages": context.settings.web_pages,
    }
