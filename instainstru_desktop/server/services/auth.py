"""Sign-in, sign-out, and resolving a bearer token to the caller."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from instainstru_desktop.server.core.errors import RateLimited, Unauthenticated
from instainstru_desktop.server.core.models import Token, User
from instainstru_desktop.server.core.permissions import Principal, Role
from instainstru_desktop.server.core.ratelimit import SlidingWindowLimiter
from instainstru_desktop.server.core.security import new_token, token_digest, verify_password
from instainstru_desktop.server.repositories.uow import UnitOfWork
from instainstru_desktop.server.services import views
from instainstru_desktop.server.services.views import Json


@dataclass(frozen=True)
class SignInThrottle:
    """Failed attempts per email, and all attempts per client address."""

    per_email: SlidingWindowLimiter
    per_address: SlidingWindowLimiter

    def check(self, email: str, address: str) -> None:
        waits = [self.per_address.retry_after(address), self.per_email.retry_after(email)]
        wait = max((w for w in waits if w is not None), default=None)
        if wait is not None:
            raise RateLimited(
                f"Too many sign-in attempts. Try again in {wait} seconds.",
                headers={"Retry-After": str(wait)},
            )


def principal_of(user: User, instructor_id: str | None) -> Principal:
    return Principal(
        user_id=user.id,
        role=Role(user.role),
        name=user.name,
        email=user.email,
        time_zone=user.time_zone,
        instructor_id=instructor_id,
    )


def sign_in(
    uow: UnitOfWork,
    throttle: SignInThrottle,
    *,
    email: str,
    password: str,
    address: str,
    now: datetime,
    ttl: timedelta,
) -> Json:
    email = email.strip().lower()
    throttle.check(email, address)
    throttle.per_address.hit(address)
    with uow.read() as tx:
        user = tx.users.by_email(email)
        instructor = tx.instructors.by_user(user.id) if user is not None else None
    if not verify_password(user.password_hash if user else None, password) or user is None:
        throttle.per_email.hit(email)
        raise Unauthenticated("The email or password is not right.")
    token = issue_token(uow, user.id, now=now, ttl=ttl)
    return {
        "access_token": token,
        "token_type": "bearer",
        "expires_at": now + ttl,
        "user": views.user(user, instructor.id if instructor else None),
    }


def issue_token(uow: UnitOfWork, user_id: str, *, now: datetime, ttl: timedelta) -> str:
    """A new bearer token for ``user_id`` (also used by the seeder and tests)."""
    token, digest = new_token()
    with uow.write() as tx:
        tx.tokens.add(
            Token(
                token_hash=digest,
                user_id=user_id,
                created_at=now,
                expires_at=now + ttl,
                revoked_at=None,
            )
        )
        tx.commit()
    return token


class TokenCache:
    """Recently verified tokens, so most requests skip the token lookup (a database read).

    An entry lives ``ttl`` seconds. Sign-out here evicts at once; a token revoked by another
    server process stays usable here for at most ``ttl`` seconds. Expiry is checked on every use.
    """

    def __init__(self, ttl: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self._clock = clock
        self._entries: dict[str, tuple[Principal, datetime, float]] = {}
        self._lock = threading.Lock()

    def get(self, token: str, now: datetime) -> Principal | None:
        with self._lock:
            entry = self._entries.get(token_digest(token))
        if entry is None:
            return None
        principal, expires_at, stored = entry
        if self._clock() - stored > self.ttl or expires_at <= now:
            return None
        return principal

    def put(self, token: str, principal: Principal, expires_at: datetime) -> None:
        if self.ttl <= 0:
            return
        with self._lock:
            if len(self._entries) > 50_000:
                self._entries.clear()
            self._entries[token_digest(token)] = (principal, expires_at, self._clock())

    def forget(self, token: str) -> None:
        with self._lock:
            self._entries.pop(token_digest(token), None)


def authenticate(
    uow: UnitOfWork, token: str, now: datetime, cache: TokenCache | None = None
) -> Principal:
    cached = cache.get(token, now) if cache is not None else None
    if cached is not None:
        return cached
    with uow.read() as tx:
        found = tx.tokens.principal_of(token_digest(token), now)
    if found is None:
        raise Unauthenticated("Your session has expired or was signed out. Sign in again.")
    user, instructor_id, expires_at = found
    principal = principal_of(user, instructor_id)
    if cache is not None:
        cache.put(token, principal, expires_at)
    return principal


def sign_out(uow: UnitOfWork, token: str, now: datetime, cache: TokenCache | None = None) -> None:
    if cache is not None:
        cache.forget(token)
    with uow.write() as tx:
        tx.tokens.revoke(token_digest(token), now)
        tx.commit()
