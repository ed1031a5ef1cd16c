"""Sign-in with argon2 hashes, opaque tokens stored hashed, expiry, sign-out, throttling."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from instainstru_desktop.server.app import create_app
from instainstru_desktop.server.core.models import Token
from instainstru_desktop.server.core.security import token_digest
from instainstru_desktop.server.core.settings import Settings
from instainstru_desktop.server.repositories.uow import UnitOfWork
from tests.server.helpers import PASSWORD, FakeClock, Studio, build_studio

API = "/api/v1"


def sign_in(client: TestClient, email: str, password: str = PASSWORD):
    return client.post(f"{API}/auth/token", json={"email": email, "password": password})


def test_sign_in_returns_a_token_stored_only_as_a_digest(
    client: TestClient, studio: Studio, uow: UnitOfWork, clock: FakeClock
) -> None:
    teacher = studio.instructors[0]
    response = sign_in(client, teacher.email.upper())  # emails are case-insensitive
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["user"]["instructor_id"] == teacher.instructor_id
    token = body["access_token"]
    with uow.read() as tx:
        found = tx.tokens.principal_of(token_digest(token), clock.now)
        assert found is not None
        assert tx.tokens.principal_of(token, clock.now) is None  # the raw token is not stored
    me = client.get(f"{API}/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["email"] == teacher.email
    assert Token.__table__.c.token_hash.type.length == 64  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("email", "password"), [("nobody@test.example", PASSWORD), (None, "wrong password")]
)
def test_wrong_credentials(client: TestClient, studio: Studio, email, password) -> None:
    response = sign_in(client, email or studio.students[0].email, password)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_a_cached_token_still_expires_and_logout_evicts_it() -> None:
    from datetime import timedelta

    from instainstru_desktop.server.core.permissions import Principal, Role
    from instainstru_desktop.server.services.auth import TokenCache
    from tests.server.helpers import T0

    ticks = [0.0]
    cache = TokenCache(ttl=5, clock=lambda: ticks[0])
    who = Principal("u", Role.STUDENT, "Sam", "s@x", "UTC")
    cache.put("tok", who, expires_at=T0 + timedelta(hours=1))
    assert cache.get("tok", T0) == who
    assert cache.get("tok", T0 + timedelta(hours=2)) is None  # expired, cached or not
    ticks[0] = 6
    assert cache.get("tok", T0) is None  # stale: ask the database again
    cache.put("tok", who, expires_at=T0 + timedelta(hours=1))
    cache.forget("tok")
    assert cache.get("tok", T0) is None


def test_logout_revokes_and_tokens_expire(
    client: TestClient, studio: Studio, clock: FakeClock
) -> None:
    token = sign_in(client, studio.students[0].email).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.post(f"{API}/auth/logout", headers=headers).status_code == 204
    assert client.get(f"{API}/me", headers=headers).status_code == 401
    other = studio.students[1].headers
    assert client.get(f"{API}/me", headers=other).status_code == 200
    clock.advance(days=31)
    expired = client.get(f"{API}/me", headers=other)
    assert (expired.status_code, expired.json()["code"]) == (401, "unauthenticated")


@pytest.fixture
def strict(tmp_path: Path) -> Iterator[tuple[TestClient, Studio]]:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'strict.sqlite3'}",
        login_failures_per_email=3,
        login_attempts_per_address=6,
        login_window_seconds=60,
    )
    app = create_app(settings, clock=FakeClock())
    with TestClient(app) as client:
        yield client, build_studio(app.state.context.uow)


def test_failed_sign_ins_are_throttled_per_email(strict: tuple[TestClient, Studio]) -> None:
    client, studio = strict
    victim = studio.students[0].email
    for _ in range(3):
        assert sign_in(client, victim, "guess").status_code == 401
    limited = sign_in(client, victim)  # even the right password waits now
    assert limited.status_code == 429
    assert limited.json()["code"] == "rate_limited"
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert sign_in(client, studio.students[1].email).status_code == 200  # others unaffected


def test_sign_ins_are_throttled_per_address(strict: tuple[TestClient, Studio]) -> None:
    client, studio = strict
    statuses = [sign_in(client, f"spray{n}@test.example", "x").status_code for n in range(6)]
    assert statuses == [401] * 6
    response = sign_in(client, studio.admin.email)
    assert response.status_code == 429
    assert "Retry-After" in response.headers
