"""The student pages of a standalone ``instainstru-server``: server-rendered HTML.

``/`` lists the instructors; ``/<slug>`` is an instructor's profile with a week of free times;
``/<slug>/book`` books; ``/sign-in``, ``/sign-up``, ``/sign-out``; ``/lessons`` and
``/lessons/<id>`` (with ``.ics``, cancel, reschedule and the lesson's conversation) are a
student's lessons. Static files
come from ``/static`` of this server (no CDN); the templates are Jinja2, autoescaped.

Every rule comes from the services the JSON API uses (``services.free_week`` arranges what
``services.slots`` answers; booking is ``services.bookings``), never a copy. An instructor's page
is kept rendered until a commit touches the instructor, like the slot answers it is made from
(``kept``); each request adds only what is its own.

Mounted only when ``Settings.web_pages`` is on -- not on the server embedded in the desktop
app, which answers nobody but the app (its per-run secret guard refuses browsers anyway).
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.staticfiles import StaticFiles

from instainstru_desktop.domain.zones import listed_zone_names
from instainstru_desktop.server.web import account, booking, browse, conversation, lessons
from instainstru_desktop.server.web.headers import PageHeaders
from instainstru_desktop.server.web.kept import KeptParts
from instainstru_desktop.server.web.render import HERE, Pages


def zone_names() -> list[str]:
    """The zones a person picks from, UTC first: one name per place, as the app lists them."""
    return ["UTC", *(n for n in listed_zone_names() if n != "UTC")]


def install(app: FastAPI, *, api_prefix: str) -> None:
    """Add the pages, their static files and their security headers to ``app``."""
    app.state.pages = Pages(zone_names())
    settings = app.state.context.settings
    kept = KeptParts(
        entries=settings.answer_cache_entries, ttl_seconds=settings.answer_cache_seconds
    )
    kept.follow(app.state.context.uow.hub)
    app.state.kept = kept
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for module in (account, lessons, conversation, booking, browse):  # fixed paths before /{slug}
        app.include_router(module.router)
    app.add_middleware(PageHeaders, api_prefix=api_prefix)
