"""Dependency aliases for the routes (``UowDep``, ``CurrentUser``, ``RequirePermission``).

The dependencies are ``async`` so that only the token lookup (a database read) and the endpoint
itself hop to the worker threads: every extra sync dependency costs a thread hop per request.
Authentication resolves the bearer token once per request. Each permission is then checked once
where the question belongs: whether the role may do this at all, here in
:func:`RequirePermission` (through :func:`permissions.require`, the function the services use),
and whether it may on this data, in the use case, which knows whose data it is
(:func:`permissions.authorize`). Writes run through ``services.common.run_use_case``, which
checks nothing itself.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, ParamSpec, TypeVar

from fastapi import Depends, Query, Request
from fastapi.security import APIKeyQuery, HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from instainstru_desktop.server.core.permissions import Permission, Principal, require
from instainstru_desktop.server.core.ratelimit import StreamCounter, WindowLimiter
from instainstru_desktop.server.core.settings import Settings
from instainstru_desktop.server.core.wire import QUERY_WHOLE
from instainstru_desktop.server.repositories.uow import UnitOfWork
from instainstru_desktop.server.services.answer_cache import AnswerCache
from instainstru_desktop.server.services.auth import SignInThrottle, TokenCache, authenticate
from instainstru_desktop.server.services.context import Caller
from instainstru_desktop.server.services.messages import MessagePace
from instainstru_desktop.server.services.public import ProfileCache
from instainstru_desktop.server.services.slots import SlotCache

_P = ParamSpec("_P")
_T = TypeVar("_T")
_bearer = HTTPBearer(auto_error=False, description="A token from POST /api/v1/auth/token")
_query_token = APIKeyQuery(
    name="access_token",
    scheme_name="AccessTokenQuery",
    auto_error=False,
    description="The same token in the query, for EventSource (it cannot send headers)",
)
#: ``openapi_extra`` of an operation anyone may call, signed in or not: FastAPI adds the empty
#: requirement to the bearer one it derives from the dependencies ("bearer, or nothing").
ANONYMOUS_ALLOWED: dict[str, Any] = {"security": [{}]}


#: ``limit=`` of a paginated list.
PageLimit = Annotated[int, Query(ge=1, le=500), QUERY_WHOLE]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class ServerContext:
    """What the routes need, built once by ``create_app`` and kept on ``app.state``."""

    settings: Settings
    uow: UnitOfWork
    throttle: SignInThrottle
    tokens: TokenCache
    slots: SlotCache
    answers: AnswerCache[bytes]  # encoded bodies: admin pages, availability
    sign_ups: WindowLimiter
    profiles: ProfileCache
    messages: MessagePace
    public_streams: StreamCounter
    clock: Callable[[], datetime] = utc_now

    @property
    def token_ttl(self) -> timedelta:
        return timedelta(seconds=self.settings.token_ttl_seconds)


async def get_context(request: Request) -> ServerContext:
    context: ServerContext = request.app.state.context
    return context


ContextDep = Annotated[ServerContext, Depends(get_context)]


async def get_uow(context: ContextDep) -> UnitOfWork:
    return context.uow


UowDep = Annotated[UnitOfWork, Depends(get_uow)]
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def bearer_token(credentials: Credentials) -> str | None:
    return credentials.credentials if credentials is not None else None


async def optional_principal(context: ContextDep, credentials: Credentials) -> Principal | None:
    return await _principal(context, credentials)


async def _principal(
    context: ServerContext, credentials: HTTPAuthorizationCredentials | None
) -> Principal | None:
    if credentials is None:
        return None
    return await _authenticate(context, credentials.credentials)


async def _authenticate(context: ServerContext, token: str) -> Principal:
    """A recently verified token is answered from memory; otherwise the lookup reads the
    database, off the event loop, in the worker pool."""
    now = context.clock()
    cached = context.tokens.get(token, now)
    if cached is not None:
        return cached
    return await run_in_threadpool(authenticate, context.uow, token, now, context.tokens)


OptionalPrincipal = Annotated[Principal | None, Depends(optional_principal)]


async def current_user(principal: OptionalPrincipal) -> Principal:
    if principal is None:
        require(None, Permission.INSTRUCTORS_READ)  # raises unauthenticated
    assert principal is not None
    return principal


CurrentUser = Annotated[Principal, Depends(current_user)]


def _caller(request: Request, context: ServerContext, principal: Principal | None) -> Caller:
    device = request.headers.get("x-client-device", "")[:200]
    return Caller(principal=principal, device=device, now=context.clock())


async def optional_caller(request: Request, credentials: Credentials) -> Caller:
    # The context and the principal are worked out here rather than as dependencies of their
    # own: each nested dependency costs FastAPI a resolution pass on every request, and the
    # hottest endpoints (kept slots, kept admin pages) do little else.
    context: ServerContext = request.app.state.context
    return _caller(request, context, await _principal(context, credentials))


#: The caller of an endpoint anyone may use (signed in or not).
AnyCaller = Annotated[Caller, Depends(optional_caller)]


async def run_read(
    uow: UnitOfWork, read: Callable[_P, _T], /, *args: _P.args, **kwargs: _P.kwargs
) -> _T:
    """Run ``read``, a short read of bounded size (a page, a window), where it costs least.

    On SQLite that is the event loop itself (see ``Database.reads_inline``): with sixteen
    clients, a worker-thread hop per request cost more than the reads, as threads queued for
    the interpreter lock. Elsewhere, and for anything unbounded (a full sync pull, statistics
    over every booking), the read runs in the worker pool so the loop keeps serving.
    """
    if uow.database.reads_inline:
        return read(*args, **kwargs)
    return await run_in_threadpool(read, *args, **kwargs)


def RequirePermission(permission: Permission, *, query_token: bool = False) -> Any:
    """A dependency yielding the :class:`Caller` once their role holds ``permission``.

    ``query_token``: also accept ``?access_token=`` (for EventSource, which cannot set headers).
    The permission is kept on the dependency (``required_permission``) so tests can read each
    route's requirement straight from the app.
    """

    async def check(request: Request, credentials: Credentials) -> Caller:
        context: ServerContext = request.app.state.context  # see optional_caller
        principal = await _principal(context, credentials)
        require(principal, permission)
        return _caller(request, context, principal)

    async def check_with_query(
        request: Request,
        credentials: Credentials,
        access_token: Annotated[str | None, Depends(_query_token)],
    ) -> Caller:
        context: ServerContext = request.app.state.context
        principal = await _principal(context, credentials)
        if principal is None and access_token:
            principal = await _authenticate(context, access_token)
        require(principal, permission)
        return _caller(request, context, principal)

    dependency: Callable[..., Awaitable[Caller]] = check_with_query if query_token else check
    dependency.required_permission = permission  # type: ignore[attr-defined]
    return Depends(dependency)
