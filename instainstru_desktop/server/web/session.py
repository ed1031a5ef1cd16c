"""Who is looking at a page, in which time zone, and whether a form post is genuine.

Sessions: the ``ii_session`` cookie holds the same opaque bearer token the API hands out (stored
hashed with an expiry, revoked on sign-out), HttpOnly so no script can read it, SameSite=Lax so
other sites' forms do not carry it, Secure over HTTPS.

Form posts: every form carries the value of the ``ii_csrf`` cookie (HttpOnly, SameSite=Lax,
made on the first page that shows a form) in a hidden field, and the post is accepted only when
the two match -- a page of another site can neither read the cookie nor set it. A post whose
``Origin`` names another site is refused as well, whatever it carries.

The viewer's zone: ``?tz=`` when given (and then remembered in ``ii_tz``), else the ``ii_tz``
cookie (set by the page's script from the browser's zone, or by the zone form), else the
signed-in student's own zone, else the page's fallback (an instructor's page: their zone).
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import unquote, urlsplit

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from instainstru_desktop.domain.errors import UnknownTimeZone
from instainstru_desktop.domain.zones import zone
from instainstru_desktop.server.api.deps import ServerContext
from instainstru_desktop.server.core.errors import Unauthenticated
from instainstru_desktop.server.core.permissions import Principal
from instainstru_desktop.server.services.auth import authenticate
from instainstru_desktop.server.services.context import Caller

SESSION_COOKIE = "ii_session"
CSRF_COOKIE = "ii_csrf"
ZONE_COOKIE = "ii_tz"
CSRF_FIELD = "csrf"
_YEAR = 365 * 24 * 3600


@dataclass
class Visit:
    """One request to a page: the caller, the cookies to set or drop on the answer."""

    request: Request
    context: ServerContext
    principal: Principal | None
    token: str | None
    csrf: str
    _set: dict[str, tuple[str, int, bool]] = field(default_factory=dict)
    _drop: set[str] = field(default_factory=set)

    @property
    def caller(self) -> Caller:
        return Caller(principal=self.principal, device="web", now=self.context.clock())

    @property
    def secure(self) -> bool:
        configured = self.context.settings.cookie_secure
        return configured if configured is not None else self.request.url.scheme == "https"

    def zone(self, fallback: str) -> str:
        """The viewer's zone (see the module's notes); an explicit ``?tz=`` is remembered."""
        asked = self.request.query_params.get("tz")
        if asked and _known(asked):
            self._set[ZONE_COOKIE] = (asked, _YEAR, False)
            return asked
        for candidate in (
            unquote(self.request.cookies.get(ZONE_COOKIE, "")),
            self.principal.time_zone if self.principal else None,
        ):
            if candidate and _known(candidate):
                return candidate
        return fallback

    def remember_zone(self, name: str) -> None:
        if _known(name):
            self._set[ZONE_COOKIE] = (name, _YEAR, False)

    def sign_in(self, token: str, ttl: timedelta) -> None:
        """Start a session; a fresh CSRF value goes with it (none carried over from before)."""
        self._set[SESSION_COOKIE] = (token, int(ttl.total_seconds()), True)
        self.csrf = secrets.token_urlsafe(32)
        self._set[CSRF_COOKIE] = (self.csrf, _YEAR, True)

    def sign_out(self) -> None:
        self._drop.add(SESSION_COOKIE)

    def apply(self, response: Response) -> Response:
        """Write the cookies this visit set or dropped onto ``response``."""
        for name, (value, max_age, http_only) in self._set.items():
            response.set_cookie(
                name,
                value,
                max_age=max_age,
                path="/",
                httponly=http_only,
                samesite="lax",
                secure=self.secure,
            )
        for name in self._drop - set(self._set):
            response.delete_cookie(
                name, path="/", httponly=True, samesite="lax", secure=self.secure
            )
        return response

    def genuine_post(self, form: dict[str, str]) -> bool:
        """Whether a form post came from one of this site's own pages (see the module)."""
        origin = self.request.headers.get("origin")
        if origin is not None and not _same_origin(origin, self.request):
            return False
        cookie = self.request.cookies.get(CSRF_COOKIE, "")
        sent = form.get(CSRF_FIELD, "")
        return bool(cookie) and hmac.compare_digest(cookie.encode(), sent.encode())


def _known(name: str) -> bool:
    if len(name) > 64:
        return False
    try:
        zone(name)
    except UnknownTimeZone:
        return False
    return True


def _same_origin(origin: str, request: Request) -> bool:
    parts = urlsplit(origin)
    host = request.headers.get("host", "")
    return parts.netloc == host and parts.scheme in ("http", "https")


async def visit(request: Request) -> Visit:
    """The visit of ``request``: the signed-in user from the session cookie (an expired or
    signed-out one is dropped), and the CSRF value (made when there is none yet)."""
    context: ServerContext = request.app.state.context
    token = request.cookies.get(SESSION_COOKIE) or None
    principal: Principal | None = None
    drop_session = False
    if token is not None:
        now = context.clock()
        principal = context.tokens.get(token, now)
        if principal is None:
            try:
                principal = await run_in_threadpool(
                    authenticate, context.uow, token, now, context.tokens
                )
            except Unauthenticated:
                token, drop_session = None, True
    csrf = request.cookies.get(CSRF_COOKIE) or ""
    result = Visit(request, context, principal, token, csrf)
    if not csrf:
        result.csrf = secrets.token_urlsafe(32)
        result._set[CSRF_COOKIE] = (result.csrf, _YEAR, True)
    if drop_session:
        result.sign_out()
    return result
