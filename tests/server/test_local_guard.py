"""The per-run secret of the embedded server: without it nothing answers, with it everything does.

Real uvicorn on loopback (each test its own database and port), because the refusal has to hold
for what another program on the computer would send, the event stream included.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr, ValidationError
from starlette.websockets import WebSocketDisconnect

from instainstru_desktop import PROTOCOL_VERSION
from instainstru_desktop.server.api.local_guard import SECRET_HEADER
from instainstru_desktop.server.app import create_app
from instainstru_desktop.server.core.settings import Settings
from instainstru_desktop.server.embedded import EmbeddedServer
from tests.server.embedded_helpers import running_studio
from tests.server.helpers import PASSWORD, Studio

API = "/api/v1"
#: Every kind of path: open ones on a standalone server, signed-in ones, the stream, unknown.
PATHS = (
    ("GET", f"{API}/meta"),
    ("GET", f"{API}/openapi.json"),
    ("GET", f"{API}/docs"),
    ("POST", f"{API}/auth/token"),
    ("GET", f"{API}/me"),
    ("GET", f"{API}/sync/pull"),
    ("GET", f"{API}/events"),
    ("OPTIONS", f"{API}/me"),  # a browser's preflight: refused, so no web page gets further
    ("GET", "/nowhere"),
)


@pytest.fixture
def guarded(database_url: str) -> Iterator[tuple[EmbeddedServer, Studio]]:
    with running_studio(database_url, require_secret=True) as (server, studio, _uow):
        yield server, studio


def assert_refused(response: httpx.Response) -> None:
    assert response.status_code == 403, (response.request.url, response.text)
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "local_secret_required"
    assert body["type"] == "urn:instainstru:problem:local_secret_required"
    assert body["status"] == 403
    assert "only that app" in body["detail"]


def test_an_embedded_server_has_a_long_secret_of_its_own(tmp_path) -> None:
    one = EmbeddedServer(f"sqlite:///{tmp_path / 'a.sqlite3'}", seed_demo=False)
    two = EmbeddedServer(f"sqlite:///{tmp_path / 'b.sqlite3'}", seed_demo=False)
    assert one.secret is not None
    assert len(one.secret) >= 40
    assert one.secret != two.secret
    assert one.access_headers == {SECRET_HEADER: one.secret}
    assert one.secret not in repr(one.settings)  # settings may be logged; the secret is not
    given = EmbeddedServer(f"sqlite:///{tmp_path / 'c.sqlite3'}", seed_demo=False, secret="s" * 20)
    assert given.settings.access_secret == SecretStr("s" * 20)
    for guessable in ("short", ""):  # refused before anything serves
        with pytest.raises(ValidationError):
            Settings(access_secret=guessable)
        with pytest.raises(ValidationError):
            EmbeddedServer("sqlite://", seed_demo=False, secret=guessable)
    with pytest.raises(ValueError, match="not to require"):
        EmbeddedServer("sqlite://", seed_demo=False, secret="s" * 20, require_secret=False)


def test_without_the_secret_every_path_is_refused(guarded) -> None:
    server, studio = guarded
    teacher = studio.instructors[0]
    with httpx.Client(base_url=str(server.base_url), headers=teacher.headers, timeout=30) as http:
        for method, path in PATHS:
            assert_refused(http.request(method, path))
        sign_in = {"email": teacher.email, "password": PASSWORD}
        assert_refused(http.post(f"{API}/auth/token", json=sign_in))
        # a wrong secret, an empty one, or the right one where a header is not looked for
        for headers in ({SECRET_HEADER: "x" * 43}, {SECRET_HEADER: ""}):
            assert_refused(http.get(f"{API}/me", headers=headers))
        assert_refused(http.get(f"{API}/me", params={"secret": server.secret}))
        assert_refused(http.get(f"{API}/me", headers={"X-Other": str(server.secret)}))
        with http.stream("GET", f"{API}/events?access_token={teacher.token}") as stream:
            stream.read()
            assert_refused(stream)


def test_with_the_secret_everything_answers_as_before(guarded) -> None:
    server, studio = guarded
    teacher = studio.instructors[0]
    headers = {**server.access_headers, "X-Client-Protocol": "1"}
    with httpx.Client(base_url=str(server.base_url), headers=headers, timeout=30) as http:
        assert http.get(f"{API}/meta").json()["protocol_version"] == PROTOCOL_VERSION
        assert http.get(f"{API}/openapi.json").json()["info"]["title"] == "InstaInstru API"
        signed = http.post(f"{API}/auth/token", json={"email": teacher.email, "password": PASSWORD})
        assert signed.status_code == 200, signed.text
        bearer = {"Authorization": f"Bearer {signed.json()['access_token']}"}
        assert http.get(f"{API}/me", headers=bearer).json()["id"] == teacher.user_id
        # the other guards still run behind this one
        old = http.get(f"{API}/me", headers={**bearer, "X-Client-Protocol": "0"})
        assert old.json()["code"] == "update_required"


def test_the_event_stream_needs_the_secret_and_pokes_with_it(guarded) -> None:
    server, studio = guarded
    teacher = studio.instructors[0]
    headers = {**server.access_headers, **teacher.headers}
    connected, poked = threading.Event(), threading.Event()

    def listen() -> None:
        url = f"{server.base_url}{API}/events"
        with httpx.stream("GET", url, headers=headers, timeout=10) as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            for line in response.iter_lines():
                if line.startswith(": connected"):
                    connected.set()
                if line == "event: poke":
                    poked.set()
                    return

    listener = threading.Thread(target=listen, daemon=True)
    listener.start()
    assert connected.wait(5)
    day = (datetime.now(UTC) + timedelta(days=5)).date().isoformat()
    with httpx.Client(base_url=str(server.base_url), headers=headers, timeout=30) as http:
        changed = http.put(
            f"{API}/instructors/{teacher.instructor_id}/availability/{day}", json={"ranges": []}
        )
    assert changed.status_code == 200, changed.text
    assert poked.wait(5)
    listener.join(5)


def test_a_standalone_server_is_unchanged_and_documents_the_same_api(settings: Settings) -> None:
    secret = "s" * 32
    guarded_settings = settings.model_copy(update={"access_secret": SecretStr(secret)})
    with TestClient(create_app(settings)) as open_, TestClient(create_app(guarded_settings)) as g:
        assert open_.get(f"{API}/meta").status_code == 200  # no secret set: nothing asked for
        assert g.get(f"{API}/meta").status_code == 403
        documented = g.get(f"{API}/openapi.json", headers={SECRET_HEADER: secret}).json()
        assert documented == open_.get(f"{API}/openapi.json").json()
        assert SECRET_HEADER not in str(documented)


def test_a_websocket_without_the_secret_is_closed_before_it_opens(settings: Settings) -> None:
    guarded_settings = settings.model_copy(update={"access_secret": SecretStr("s" * 32)})
    with (
        TestClient(create_app(guarded_settings)) as client,
        pytest.raises(WebSocketDisconnect) as closed,
        client.websocket_connect(f"{API}/events"),
    ):
        pass  # pragma: no cover - the guard closes first
    assert closed.value.code == 1008
