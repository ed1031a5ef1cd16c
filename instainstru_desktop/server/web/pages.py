"""What every page handler shares: the visit, the templates, safe redirects, friendly refusals."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any, ParamSpec, TypeVar
from urllib.parse import quote

from fastapi import Request
from starlette.responses import RedirectResponse, Response

from instainstru_desktop.domain.bookings import duration_text
from instainstru_desktop.domain.errors import BookingRuleViolation, DomainError
from instainstru_desktop.server.api.deps import ServerContext, run_read
from instainstru_desktop.server.core.errors import ServiceError
from instainstru_desktop.server.services.public import PublicProfile
from instainstru_desktop.server.web.kept import KeptParts
from instainstru_desktop.server.web.render import Pages
from instainstru_desktop.server.web.session import Visit

_P = ParamSpec("_P")
_T = TypeVar("_T")

#: Where a form may send a person afterwards: a path of this site, nothing that a browser could
#: read as another host (``//evil.example``, ``/\\evil.example``) or a scheme.
_LOCAL_PATH = re.compile(r"^/(?![/\\])[A-Za-z0-9\-._~/?=&%:]*$")


def local_path(candidate: str | None, default: str = "/") -> str:
    if candidate and len(candidate) <= 500 and _LOCAL_PATH.match(candidate):
        return candidate
    return default


def redirect(visit: Visit, to: str) -> Response:
    """See-other: the browser follows with a GET, so a reload never posts twice."""
    return visit.apply(RedirectResponse(to, status_code=303))


def sign_in_first(visit: Visit, request: Request) -> Response:
    """To the sign-in page, coming back to this page (its query kept) once signed in."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return redirect(visit, f"/sign-in?next={quote(target, safe='/')}")


def pages_of(request: Request) -> Pages:
    pages: Pages = request.app.state.pages
    return pages


def kept_of(request: Request) -> KeptParts:
    kept: KeptParts = request.app.state.kept
    return kept


def context_of(request: Request) -> ServerContext:
    context: ServerContext = request.app.state.context
    return context


async def read(context: ServerContext, work: Callable[_P, _T], *a: _P.args, **k: _P.kwargs) -> _T:
    return await run_read(context.uow, work, *a, **k)


def parse_instant(text: str | None) -> datetime | None:
    """An instant from a link (``2026-03-02T09:00Z``); None for anything else."""
    if not text or len(text) > 40:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    if value.tzinfo is None or not 1900 <= value.year <= 2500:
        return None
    return value.astimezone(UTC)


def parse_day(text: str | None) -> date | None:
    if not text or len(text) != 10:
        return None
    try:
        value = date.fromisoformat(text)
    except ValueError:
        return None
    return value if 1900 <= value.year <= 2500 else None


def refusal_text(error: Exception, profile: PublicProfile | None = None) -> str:
    """A refusal of the booking rules as a sentence for a student (the codes of docs/api.md)."""
    name = profile.name if profile else "The instructor"
    policy = profile.policy if profile else None
    code = getattr(error, "code", "")
    texts: dict[str, str] = {
        "slot_taken": "Someone else booked this time a moment ago.",
        BookingRuleViolation.INSTRUCTOR_BUSY: "This time is no longer free: someone else has "
        "just booked it.",
        BookingRuleViolation.OUTSIDE_AVAILABILITY: f"{name} no longer teaches at this time.",
        BookingRuleViolation.STUDENT_BUSY: "You already have a lesson at this time.",
        BookingRuleViolation.OFF_STEP: f"{name} does not start lessons at this time.",
        BookingRuleViolation.DAILY_LIMIT: f"{name}'s day is fully booked.",
        BookingRuleViolation.WEEKLY_LIMIT: f"{name}'s week is fully booked.",
    }
    if policy is not None:
        texts[BookingRuleViolation.TOO_SOON] = (
            f"This time is now too soon: {name} takes bookings at least "
            f"{duration_text(policy.min_notice_minutes)} ahead."
        )
        texts[BookingRuleViolation.TOO_FAR] = (
            f"This time is too far ahead: {name} takes bookings up to "
            f"{duration_text(policy.booking_horizon_days * 24 * 60)} ahead."
        )
    if code in texts:
        return texts[code]
    if isinstance(error, DomainError):
        return error.message[:1].upper() + error.message[1:] + "."
    if isinstance(error, ServiceError):
        return error.detail
    return "This could not be done."


def message(
    request: Request, visit: Visit, title: str, text: str, status: int, **extra: Any
) -> Response:
    return pages_of(request).render(
        visit, "message.html", status=status, title=title, text=text, **extra
    )


def not_genuine(request: Request, visit: Visit) -> Response:
    return message(
        request,
        visit,
        "Please try again",
        "This form was open too long or came from another site, so nothing was changed. "
        "Go back, reload the page and send it again.",
        403,
    )
