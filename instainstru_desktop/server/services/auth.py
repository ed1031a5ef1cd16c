"""Sign-in, sign-out, and resolving a bearer token to the caller."""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from instainstru_desktop.domain.errors import UnknownTimeZone
from instainstru_desktop.domain.zones import zone
from instainstru_desktop.server.core.errors import (
    EmailTaken,
    InvalidInput,
    RateLimited,
    Unauthenticated,
)
from instainstru_desktop.server.core.models import Token, User
from instainstru_desktop.server.core.permissions import Principal, Role
from instainstru_desktop.server.core.ratelimit import WindowLimiter
from instainstru_desktop.server.core.security import (
    hash_password,
    new_token,
    token_digest,
    verify_password,
)
from instainstru_desktop.server.repositories.uow import Tx, UnitOfWork
from instainstru_desktop.server.services import views
from instainstru_desktop.server.services.views import Json


@dataclass(frozen=True)
class SignInThrottle:
    """Failed attempts per email, and all attempts per client address."""

    per_email: WindowLimiter
    per_address: WindowLimiter

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


def check_credentials(
    uow: UnitOfWork, throttle: SignInThrottle, *, email: str, password: str, address: str
) -> tuple[User, str | None]:
    """The user ``email`` and ``password`` belong to, and their instructor id; throttled."""
    email = email.strip().lower()
    throttle.check(email, address)
    throttle.per_address.hit(address)
    with uow.read() as tx:
        user = tx.users.by_email(email)
        instructor = tx.instructors.by_user(user.id) if user is not None else None
    if not verify_password(user.password_hash if user else None, password) or user is None:
        throttle.per_email.hit(email)
        raise Unauthenticated("The email or password is not right.")
    return user, instructor.id if instructor else None


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
    user, instructor_id = check_credentials(
        uow, throttle, email=email, password=password, address=address
    )
    return _signed_in(uow, user, instructor_id, now=now, ttl=ttl)


def _signed_in(
    uow: UnitOfWork, user: User, instructor_id: str | None, *, now: datetime, ttl: timedelta
) -> Json:
    token = issue_token(uow, user.id, now=now, ttl=ttl)
    return {
        "access_token": token,
        "token_type": "bearer",
        "expires_at": now + ttl,
        "user": views.user(user, instructor_id),
    }


#: Accepted e-mail addresses: something@something.tld, no spaces (the real check is the mail).
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 8


def sign_up_problems(name: str, email: str, password: str, time_zone: str) -> list[dict[str, str]]:
    """Field errors of a new student account (empty: fine); the same for the pages and the API."""
    errors = []
    if not 1 <= len(name.strip()) <= 200:
        errors.append({"field": "name", "message": "Enter your name (at most 200 characters)."})
    if len(email) > 254 or not _EMAIL.match(email.strip()):
        errors.append(
            {"field": "email", "message": "Enter an e-mail address like ana@example.com."}
        )
    if not MIN_PASSWORD <= len(password) <= 1024:
        errors.append({"field": "password", "message": f"Use at least {MIN_PASSWORD} characters."})
    try:
        zone(time_zone)
    except UnknownTimeZone:
        errors.append({"field": "time_zone", "message": "Choose a time zone from the list."})
    return errors


def sign_up(
    uow: UnitOfWork,
    limiter: WindowLimiter,
    *,
    name: str,
    email: str,
    password: str,
    time_zone: str,
    address: str,
    now: datetime,
    ttl: timedelta,
) -> Json:
    """A new student account, signed in (a token, as :func:`sign_in` answers).

    Limited per client address; an e-mail already in use is refused (sign in instead).
    """
    wait = limiter.retry_after(address)
    if wait is not None:
        raise RateLimited(
            f"Too many new accounts from here. Try again in {wait} seconds.",
            headers={"Retry-After": str(wait)},
        )
    errors = sign_up_problems(name, email, password, time_zone)
    if errors:
        raise InvalidInput("Some fields need another look.", errors=errors)
    limiter.hit(address)
    email = email.strip().lower()
    password_hash = hash_password(password)  # slow on purpose: outside the transaction

    def create(tx: Tx) -> User:
        if tx.users.by_email(email) is not None:
            raise EmailTaken(
                "There is already an account with this e-mail address. Sign in instead.",
                errors=[{"field": "email", "message": "already registered"}],
            )
        user = User(
            id=new_id(),
            email=email,
            name=name.strip(),
            role=Role.STUDENT.value,
            password_hash=password_hash,
            time_zone=time_zone,
            created_at=now,
        )
        tx.users.add(user)
        return user

    user = uow.run_write(create)
    return _signed_in(uow, user, None, now=now, ttl=ttl)


def new_id() -> str:
    return str(uuid.uuid4())


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
