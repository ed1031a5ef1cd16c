"""The FastAPI application factory.

``create_app`` makes the database ready before it returns (migrations to head, demo data when
asked for and the database is empty), so an app that exists can serve -- whether uvicorn,
the embedded starter or an in-process test client runs it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from starlette.types import ASGIApp, Receive, Scope, Send

from instainstru_desktop import __version__
from instainstru_desktop.server import migrations
from instainstru_desktop.server.api import problems
from instainstru_desktop.server.api.deps import ServerContext, utc_now
from instainstru_desktop.server.api.local_guard import LocalSecretGuard
from instainstru_desktop.server.api.query import document as document_query_parameters
from instainstru_desktop.server.api.routes import (
    admin,
    auth,
    availability,
    bookings,
    events,
    instructors,
    lesson_types,
    me,
    messages,
    meta,
    series,
    slots,
    students,
    sync,
)
from instainstru_desktop.server.api.schemas import Problem
from instainstru_desktop.server.core.db import Database
from instainstru_desktop.server.core.events import EventHub, PostgresListener
from instainstru_desktop.server.core.ratelimit import StreamCounter
from instainstru_desktop.server.core.settings import Settings
from instainstru_desktop.server.core.wire import TEXT_PATTERN
from instainstru_desktop.server.repositories.commit_watch import CommitWatch
from instainstru_desktop.server.repositories.uow import UnitOfWork
from instainstru_desktop.server.seed import demo as seed
from instainstru_desktop.server.services.answer_cache import AnswerCache
from instainstru_desktop.server.services.auth import SignInThrottle, TokenCache
from instainstru_desktop.server.services.messages import MessagePace
from instainstru_desktop.server.services.public import ProfileCache
from instainstru_desktop.server.services.series_passes import SeriesPasses
from instainstru_desktop.server.services.slots import SlotCache
from instainstru_desktop.server.services.throttle import SharedWindowLimiter
from instainstru_desktop.server.web import install as install_web

API_PREFIX = "/api/v1"
#: Routers tried before every other route, pages included: the reads clients repeat most (a
#: student's slot window, an admin's page, a device's pull). Routing tries each route in turn,
#: and a route at the end of some sixty cost a request about 0.15 ms before any of its own work
#: (``benchmarks/read_stages.py``); these few paths overlap no page and no other route.
FIRST_ROUTERS = (slots, admin, sync)
ROUTERS = (
    *FIRST_ROUTERS,
    meta,
    auth,
    me,
    instructors,
    lesson_types,
    students,
    availability,
    bookings,
    series,
    messages,
    events,
)
_ERROR_STATUSES = ("400", "401", "403", "404", "405", "409", "413", "422", "426", "429")


def create_app(settings: Settings, *, clock: Callable[[], datetime] | None = None) -> FastAPI:
    """A ready-to-serve app on ``settings.database_url`` (``clock`` is for tests)."""
    database = Database(
        settings.database_url,
        pool_size=settings.pool_size,
        durable=settings.sqlite_durable_commits,
    )
    migrations.upgrade(database)
    hub = EventHub()
    uow = UnitOfWork(database, hub)
    now = clock or utc_now
    if settings.seed_demo:
        seed.seed_if_empty(uow, now())
    context = ServerContext(
        settings=settings,
        uow=uow,
        throttle=SignInThrottle(
            per_email=SharedWindowLimiter(
                uow, "email", settings.login_failures_per_email, settings.login_window_seconds
            ),
            per_address=SharedWindowLimiter(
                uow, "address", settings.login_attempts_per_address, settings.login_window_seconds
            ),
        ),
        tokens=TokenCache(settings.token_cache_seconds),
        slots=SlotCache(
            entries=settings.slot_cache_entries, ttl_seconds=settings.answer_cache_seconds
        ),
        answers=AnswerCache(
            entries=settings.answer_cache_entries, ttl_seconds=settings.answer_cache_seconds
        ),
        sign_ups=SharedWindowLimiter(
            uow, "sign-up", settings.signups_per_address, settings.signup_window_seconds
        ),
        public_streams=StreamCounter(settings.public_streams_max),
        profiles=ProfileCache(
            entries=settings.answer_cache_entries, ttl_seconds=settings.answer_cache_seconds
        ),
        messages=MessagePace(settings.messages_per_window, settings.message_window_seconds),
        clock=now,
    )
    hub.watch(context.slots.observe)
    hub.watch(context.answers.observe)
    hub.watch(context.profiles.observe)
    watch = _commit_watch(settings, uow)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        listener = PostgresListener(database, hub) if database.is_postgres else None
        if listener is not None:
            listener.start()
        passes = SeriesPasses(uow, now, settings.series_pass_seconds)
        passes.start()
        if watch is not None:
            watch.start()
        try:
            yield
        finally:
            await passes.stop()
            hub.close()
            if listener is not None:
                listener.stop()
            if watch is not None:
                watch.stop()
            database.dispose()

    app = FastAPI(
        title="InstaInstru API",
        version=__version__,
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.context = context
    for module in FIRST_ROUTERS:
        app.include_router(module.router, prefix=API_PREFIX)
    if settings.web_pages:
        # Pages next: routes are tried in order, and a page's path would otherwise be tried
        # against every API route before its own (their paths never overlap: every API path
        # has at least three segments, /api/v1/...).
        install_web(app, api_prefix=API_PREFIX)
    for module in ROUTERS[len(FIRST_ROUTERS) :]:
        app.include_router(module.router, prefix=API_PREFIX)
    problems.install(app)
    app.add_middleware(
        problems.RequestGuard,
        max_body=settings.max_body_bytes,
        min_protocol=settings.min_client_protocol,
        open_paths={f"{API_PREFIX}/meta", f"{API_PREFIX}/openapi.json"},
    )
    if watch is not None:
        app.add_middleware(HearOtherWriters, watch=watch)
    if settings.access_secret is not None:  # added last: the outermost check, before any other
        app.add_middleware(LocalSecretGuard, secret=settings.access_secret.get_secret_value())
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def _commit_watch(settings: Settings, uow: UnitOfWork) -> CommitWatch | None:
    """Other processes' commits to the same SQLite file, heard (None: nothing to hear)."""
    database = uow.database
    if not (settings.watch_other_writers and database.is_sqlite):
        return None
    if database.url.database in (None, "", ":memory:"):
        return None
    return CommitWatch(uow, poll_seconds=settings.commit_poll_seconds)


class HearOtherWriters:
    """Before each request, publish what other processes committed since the last one heard,
    so no kept answer older than their commits is served (see ``commit_watch``)."""

    def __init__(self, app: ASGIApp, *, watch: CommitWatch) -> None:
        self.app = app
        self._watch = watch

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self._watch.catch_up()  # microseconds unless another process committed
        await self.app(scope, receive, send)


def _openapi(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI document, with every error documented as application/problem+json, and the
    request guard's rule on every text parameter (no control characters in a path or query)."""
    if app.openapi_schema is not None:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, routes=app.routes)
    document_query_parameters(schema, app.routes)
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["Problem"] = Problem.model_json_schema()
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)
    problem_ref = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            for parameter in operation.get("parameters", ()):
                _state_text_rule(parameter["schema"])
            responses = operation.setdefault("responses", {})
            for status in _ERROR_STATUSES:
                responses[status] = {"description": "Problem (RFC 9457)", "content": problem_ref}
    app.openapi_schema = schema
    return schema


def _state_text_rule(schema: dict[str, Any]) -> None:
    """Give a string parameter without a pattern of its own the rule the request guard keeps."""
    for option in schema.get("anyOf", [schema]):
        if option.get("type") == "string" and not {"pattern", "enum", "format"} & option.keys():
            option["pattern"] = TEXT_PATTERN
