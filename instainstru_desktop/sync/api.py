"""Typed HTTP client of the InstaInstru API (docs/api.md), on a blocking ``httpx.Client``.

Blocking on purpose: the sync engine runs in a worker thread, and ``httpx.AsyncClient`` slows
down sharply under concurrency (encode/httpx#3215). Every request carries the bearer token,
``X-Client-Protocol`` (the server answers 426 ``update_required`` to clients too old) and
``X-Client-Device`` (recorded in the audit log), plus any ``headers`` the caller gives: the app
passes the embedded server's per-run secret that way; a remote server gets nothing extra.

Network failures and 5xx answers are retried with exponential backoff and full jitter; every
request of this API is safe to repeat (pushes carry mutation ids the server de-duplicates).
Refusals become the typed errors of :mod:`.errors`.

Bodies are parsed with orjson and kept as plain dicts: a first sync moves 100k bookings and a
validating model layer would cost more than the database writes.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx
import orjson
from httpx_sse import EventSource, connect_sse

from instainstru_desktop import PROTOCOL_VERSION, __version__
from instainstru_desktop.sync.backoff import Backoff
from instainstru_desktop.sync.collector import collector_paused
from instainstru_desktop.sync.errors import (
    ApiError,
    ForeignAnswer,
    Offline,
    ServerUnavailable,
    error_for,
)

API_PREFIX = "/api/v1"
RETRY_STATUSES = frozenset({500, 502, 503, 504})
Json = dict[str, Any]


#: Failures before any byte of a request left: the connection was never made.
NOT_CONNECTED = (httpx.ConnectError, httpx.ConnectTimeout)


@dataclass(frozen=True)
class RetryPolicy:
    """How hard one request tries before it gives up (the outbox has its own, longer backoff).

    Full jitter: a request is retried within a second or two, so spreading the retries of
    many clients over the whole step matters more than a guaranteed pause.
    """

    attempts: int = 3
    backoff: Backoff = field(default_factory=lambda: Backoff(0.2, 2.0, jitter=1.0))


@dataclass(frozen=True)
class SignIn:
    """What ``POST /auth/token`` answers."""

    token: str
    expires_at: str
    user: Json


@dataclass(frozen=True)
class PushReply:
    """What ``POST /sync/push`` answers."""

    last_mutation_id: int
    cursor: str
    results: list[Json]


class ApiClient:
    """One server, one signed-in account (``token``), reused connections."""

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        device: str = "desktop",
        headers: Mapping[str, str] | None = None,
        timeout: float = 15.0,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.device = device
        self.retry = retry or RetryPolicy()
        self._sleep = sleep
        self._rng = rng
        self._timeout = httpx.Timeout(timeout, connect=min(timeout, 5.0))
        self._http = httpx.Client(
            base_url=self.base_url + API_PREFIX,
            timeout=self._timeout,
            transport=transport,
            headers={**self._static_headers(), **(headers or {})},
        )

    def _static_headers(self) -> dict[str, str]:
        """Sent on every request, the event stream included (set on the ``httpx.Client``)."""
        return {
            "X-Client-Protocol": str(PROTOCOL_VERSION),
            "X-Client-Device": self.device,
            "User-Agent": f"InstaInstru-Desktop/{__version__}",
            "Accept": "application/json",
        }

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).netloc or self.base_url

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- transport ----------------------------------------------------------------------------

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        retry: bool = True,
    ) -> httpx.Response:
        """Send with retries; return a 2xx response or raise a typed :class:`ApiError`."""
        content = orjson.dumps(json) if json is not None else None
        headers = self._headers()
        if content is not None:
            headers["Content-Type"] = "application/json"
        attempts = self.retry.attempts if retry else 1
        reached = False  # a connection was made: the request may have arrived
        for attempt in range(attempts):
            last_try = attempt == attempts - 1
            try:
                response = self._http.request(
                    method, path, content=content, params=params, headers=headers
                )
            except httpx.TransportError as error:
                reached = reached or not isinstance(error, NOT_CONNECTED)
                if last_try:
                    raise Offline(self._offline_message(error), reached=reached) from error
            else:
                if response.status_code < 400:
                    return response
                failure = self._failure(response)
                if response.status_code not in RETRY_STATUSES or last_try:
                    raise failure
            self._sleep(self.retry.backoff.delay(attempt, self._rng))
        raise AssertionError("unreachable")  # pragma: no cover

    def _offline_message(self, error: httpx.TransportError) -> str:
        why = (
            "it took too long to answer"
            if isinstance(error, httpx.TimeoutException)
            else ("the connection failed")
        )
        return (
            f"Cannot reach the server at {self.host} ({why}). You can keep working; "
            "your changes are saved here and sent when the connection is back."
        )

    @staticmethod
    def _failure(response: httpx.Response) -> ApiError:
        try:
            body = orjson.loads(response.content) if response.content else {}
        except orjson.JSONDecodeError:
            body = {}
        if not isinstance(body, dict):
            body = {}
        try:
            retry_after = float(response.headers.get("Retry-After", "0"))
        except ValueError:
            retry_after = 0.0
        error = error_for(response.status_code, body, retry_after)
        if isinstance(error, ServerUnavailable) and not body:
            error.detail = (
                f"The server at {response.request.url.host} is having trouble "
                f"(HTTP {response.status_code}); your changes are kept and sent again later."
            )
        return error

    def _json(self, method: str, path: str, **kwargs: Any) -> Json:
        """The JSON object a 2xx answer holds. Any other body did not come from the server (a
        Wi-Fi sign-in page answers with HTML and a 200), and is a :class:`ForeignAnswer` rather
        than a parse error escaping into the sync."""
        return self._object(self.request(method, path, **kwargs))

    def _object(self, response: httpx.Response) -> Json:
        try:
            body = orjson.loads(response.content)
        except orjson.JSONDecodeError as error:
            raise ForeignAnswer(self.host) from error
        if not isinstance(body, dict):
            raise ForeignAnswer(self.host)
        return body

    # -- endpoints ----------------------------------------------------------------------------

    def meta(self) -> Json:
        """Server version, protocol range and clock (anonymous)."""
        return self._json("GET", "/meta")

    def sign_in(self, email: str, password: str) -> SignIn:
        """Exchange a password for a token; the client keeps using the token."""
        body = self._json("POST", "/auth/token", json={"email": email, "password": password})
        token, user = body.get("access_token"), body.get("user") or {}
        if not isinstance(token, str) or not token or not isinstance(user, dict):
            raise ForeignAnswer(self.host)
        self.token = token
        return SignIn(token, str(body.get("expires_at", "")), user)

    def me(self) -> Json:
        return self._json("GET", "/me")

    def pull(
        self, cursor: str, limit: int | None = None, *, table: bool = True, counts: bool = False
    ) -> Json:
        """One page of changes after ``cursor`` (see docs/api.md, "Sync"). ``table``: its
        bookings come as a table (``store.wire_table`` reads it), far quicker for both ends than
        a list of objects; else every entity as objects. ``counts``: the last page also says how
        many rows of each entity the server has for us (asked for on a download from the start,
        to check that it arrived whole)."""
        params: dict[str, Any] = {"cursor": cursor, "shape": "table" if table else "objects"}
        if limit:
            params["limit"] = limit
        if counts:
            params["counts"] = "1"
        response = self.request("GET", "/sync/pull", params=params)
        with collector_paused():
            return self._object(response)

    def push(self, client_id: str, mutations: Sequence[Json]) -> PushReply:
        body = self._json(
            "POST", "/sync/push", json={"client_id": client_id, "mutations": list(mutations)}
        )
        try:
            return PushReply(
                int(body["last_mutation_id"]), str(body["cursor"]), list(body["results"])
            )
        except (KeyError, TypeError, ValueError) as error:
            raise ForeignAnswer(self.host) from error

    def sync_state(self, client_id: str) -> Json:
        """The server's ``last_mutation_id`` of this client and its latest cursor."""
        return self._json("GET", "/sync/state", params={"client_id": client_id})

    def instructor(self, instructor_id: str) -> Json:
        """An instructor's public profile: name, bio, page address (``slug``), lesson types."""
        return self._json("GET", f"/instructors/{instructor_id}")

    @contextmanager
    def event_stream(self, read_timeout: float) -> Iterator[EventSource]:
        """The open ``GET /events`` stream for the live listener (no retries: it reconnects).

        ``read_timeout`` should exceed the server's keep-alive interval, so silence means a dead
        connection rather than a quiet server. An answer that is not an event stream ends it
        like a lost connection.
        """
        timeout = httpx.Timeout(read_timeout, connect=self._timeout.connect)
        try:
            with connect_sse(
                self._http, "GET", "/events", headers=self._headers(), timeout=timeout
            ) as source:
                if source.response.status_code >= 400:
                    source.response.read()
                    raise self._failure(source.response)
                yield source
        except httpx.TransportError as error:  # httpx_sse.SSEError included
            raise Offline(self._offline_message(error)) from error
