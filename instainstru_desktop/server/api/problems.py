"""RFC 9457 problem documents: every error the API answers, with a stable ``code``.

This module is the one map from error codes to HTTP statuses. It also installs the exception
handlers and the request guards (body size, client protocol, control characters in the path or
the query) so that malformed JSON, wrong types, unknown routes, oversize bodies and every domain
refusal are a clear 4xx -- never a 500. An unexpected fault is a 500 with ``Connection: close``
(the server drops the connection after it, and says so beforehand). A write
that lost to a concurrent one at the database (a deadlock victim, SQLite busy) is a 503 ``busy``
with ``Retry-After``: nothing was saved, and clients retry 5xx answers on their own.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import unquote_plus

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import DBAPIError, OperationalError
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.routing import Match, compile_path

from instainstru_desktop.domain.errors import DomainError
from instainstru_desktop.server.core.db import is_contention
from instainstru_desktop.server.core.errors import ServiceError
from instainstru_desktop.server.core.wire import (
    CONTROL_MESSAGE,
    has_control_character,
    plain_message,
)

log = logging.getLogger(__name__)

MEDIA_TYPE = "application/problem+json"

#: code -> (HTTP status, title). Clients switch on ``code``; the title is for people.
PROBLEMS: dict[str, tuple[int, str]] = {
    "validation_error": (422, "The request is not valid"),
    "malformed_json": (400, "The body is not valid JSON"),
    "bad_request": (400, "Bad request"),
    "payload_too_large": (413, "The request body is too large"),
    "unauthenticated": (401, "Sign-in required"),
    "rate_limited": (429, "Too many attempts"),
    "forbidden": (403, "Not allowed"),
    "not_found": (404, "Not found"),
    "method_not_allowed": (405, "Method not allowed"),
    "update_required": (426, "Please update the app"),
    "unknown_time_zone": (422, "Unknown time zone"),
    "invalid_time_range": (422, "Invalid time range"),
    "invalid_policy": (422, "Invalid booking policy"),
    "outside_availability": (409, "Outside the instructor's hours"),
    "instructor_busy": (409, "The instructor is busy then"),
    "student_busy": (409, "The student is busy then"),
    "too_soon": (409, "Too soon to book"),
    "too_far": (409, "Too far ahead to book"),
    "off_step": (422, "Not a valid start time"),
    "daily_limit": (409, "Daily limit reached"),
    "weekly_limit": (409, "Weekly limit reached"),
    "slot_taken": (409, "Slot already taken"),
    "slug_taken": (409, "Page address already taken"),
    "email_taken": (409, "E-mail address already registered"),
    "invalid_transition": (409, "Not possible in the lesson's current state"),
    "mutation_gap": (409, "Mutations out of order"),
    "edit_clash": (409, "Changed elsewhere first"),
    "reset_required": (409, "Full download required"),
    "internal_error": (500, "Something went wrong on the server"),
    "busy": (503, "Busy with another change; try again"),
    "database_unavailable": (503, "The database is not available"),
    "local_secret_required": (403, "Only the app that started this server may use it"),
}
#: Seconds a client is asked to wait before sending a request refused as ``busy`` again.
BUSY_RETRY_AFTER = 1
_DOMAIN_FIELDS = {
    "unknown_time_zone": "time_zone",
    "invalid_time_range": "range",
    "invalid_policy": "policy",
}
_HTTP_CODES = {
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    400: "bad_request",
}


def problem(
    code: str,
    detail: str,
    *,
    errors: list[dict[str, str]] | None = None,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    status, title = PROBLEMS.get(code, (400, "Bad request"))
    body = {
        "type": f"urn:instainstru:problem:{code}",
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
        "errors": errors or [],
        **(extra or {}),
    }
    return Response(orjson.dumps(body), status_code=status, media_type=MEDIA_TYPE, headers=headers)


def _field_errors(exc: RequestValidationError) -> list[dict[str, str]]:
    errors = []
    for error in exc.errors():
        location = [str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path")]
        errors.append({"field": ".".join(location) or "body", "message": plain_message(error)})
    return errors


async def _on_validation(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    kinds = {error.get("type") for error in exc.errors()}
    if "json_invalid" in kinds:
        return problem("malformed_json", "The request body could not be read as JSON.")
    errors = _field_errors(exc)
    if kinds == {"unknown_time_zone"}:  # the domain's own code, wherever the name was refused
        return problem("unknown_time_zone", errors[0]["message"], errors=errors)
    return problem(
        "validation_error", "Some fields are missing or have the wrong type.", errors=errors
    )


async def _on_service(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ServiceError)
    return problem(exc.code, exc.detail, errors=exc.errors, extra=exc.extra, headers=exc.headers)


async def _on_domain(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    field = _DOMAIN_FIELDS.get(exc.code, "start")
    return problem(exc.code, exc.message, errors=[{"field": field, "message": exc.message}])


async def _on_http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = _HTTP_CODES.get(exc.status_code, "bad_request")
    detail = exc.detail if isinstance(exc.detail, str) else "The request was refused."
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = ", ".join(_methods_of_path(request))
    response = problem(code, detail, headers=headers)
    response.status_code = exc.status_code
    return response


def _methods_of_path(request: Request) -> list[str]:
    """Every method the request's path has: those of the OpenAPI document's matching path
    template, and those of the app's own routes (the documentation pages).

    Routing answers 405 with the methods of the first route that matched the path only, and
    FastAPI makes one route per method: ``DELETE /instructors/{id}`` was told ``Allow: GET``
    though ``PATCH`` exists too.
    """
    path = request.scope["path"]
    methods: set[str] = set()
    for template, operations in request.app.openapi().get("paths", {}).items():
        if compile_path(template)[0].match(path):
            methods |= {method.upper() for method in operations}
    for route in request.app.router.routes:
        if getattr(route, "methods", None) and route.matches(request.scope)[0] is not Match.NONE:
            methods |= route.methods
    return sorted(methods)


async def _on_database(_request: Request, exc: Exception) -> Response:
    """A database error that reached a route: a 503 the client retries when it is about
    concurrent writers or the database's operation; anything else is a fault (500, below)."""
    assert isinstance(exc, DBAPIError)
    if is_contention(exc):
        log.warning("database contention: %s", exc.orig)
        return problem(
            "busy",
            "Another change to the same records was being saved at the same moment, so nothing "
            "was changed. Please try again.",
            headers={"Retry-After": str(BUSY_RETRY_AFTER)},
        )
    if isinstance(exc, OperationalError):
        log.error("database unavailable", exc_info=exc)
        return problem(
            "database_unavailable",
            "The server could not reach its database, so nothing was changed. Please try again "
            "later.",
        )
    raise exc  # a fault: answered (and logged with its traceback) as any other crash


async def _on_crash(_request: Request, exc: Exception) -> Response:
    log.error("unhandled error", exc_info=exc)
    # The error reaches the server after this answer, and the server then drops the connection:
    # say so, or a client reusing the connection has its next request cut off.
    return problem(
        "internal_error",
        "The server failed to handle this request.",
        headers={"Connection": "close"},
    )


def install(app: FastAPI) -> None:
    """Install the exception handlers on ``app``."""
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(ServiceError, _on_service)
    app.add_exception_handler(DomainError, _on_domain)
    app.add_exception_handler(HTTPException, _on_http)
    app.add_exception_handler(DBAPIError, _on_database)
    app.add_exception_handler(Exception, _on_crash)


Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"Request bodies are limited to {limit} bytes.")


class RequestGuard:
    """ASGI middleware: refuse oversize bodies, clients older than the minimum protocol and
    control characters in the path, the query or the device name.

    Bodies are checked by ``Content-Length`` up front and by counting as they stream in (for
    chunked uploads). ``/meta`` stays open to old clients so they can learn what to update to.
    Text in bodies follows the same rule through ``wire.Text``; here it covers every path and
    query parameter at once, read as the app will read them (percent-escapes decoded).
    """

    def __init__(
        self, app: ASGIApp, *, max_body: int, min_protocol: int, open_paths: set[str]
    ) -> None:
        self.app = app
        self.max_body = max_body
        self.min_protocol = min_protocol
        self.open_paths = open_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or ())
        refusal = self._refusal(scope, headers)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise BodyTooLarge(self.max_body)
            return message

        await self.app(scope, counting_receive, send)

    def _refusal(self, scope: Scope, headers: dict[bytes, bytes]) -> Response | None:
        bad_text = _control_characters(scope, headers)
        if bad_text is not None:
            return problem(
                "validation_error",
                f"The {bad_text} {CONTROL_MESSAGE}.",
                errors=[{"field": bad_text, "message": CONTROL_MESSAGE}],
            )
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            return problem(
                "payload_too_large", f"Request bodies are limited to {self.max_body} bytes."
            )
        protocol = headers.get(b"x-client-protocol")
        if protocol is not None and scope.get("path") not in self.open_paths:
            if not protocol.strip().isdigit():
                return problem(
                    "validation_error",
                    "X-Client-Protocol must be a whole number.",
                    errors=[{"field": "X-Client-Protocol", "message": "not a number"}],
                )
            if int(protocol) < self.min_protocol:
                return problem(
                    "update_required",
                    "This version of the app is too old for the server. Please update it.",
                    extra={"min_client_protocol": self.min_protocol},
                )
        return None


def _control_characters(scope: Scope, headers: dict[bytes, bytes]) -> str | None:
    """Where the request holds a control character (``path``, ``query``, ``X-Client-Device``)."""
    if has_control_character(scope.get("path", "")):
        return "path"
    # As Starlette reads a query: bytes as latin-1, then percent-escapes decoded as UTF-8.
    query = unquote_plus(bytes(scope.get("query_string", b"")).decode("latin-1"))
    if has_control_character(query):
        return "query"
    if has_control_character(headers.get(b"x-client-device", b"").decode("latin-1")):
        return "X-Client-Device"
    return None
