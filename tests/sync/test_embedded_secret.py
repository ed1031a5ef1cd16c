"""The client against a server that wants its per-run secret: the API client, the sign-in
bootstrap and the live stream all send it; without it the refusal is a typed, readable error."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from instainstru_desktop.bootstrap import connect
from instainstru_desktop.config import Settings, load_settings
from instainstru_desktop.server.embedded import EmbeddedServer
from instainstru_desktop.sync.api import ApiClient
from instainstru_desktop.sync.engine import SyncReport
from instainstru_desktop.sync.errors import Forbidden
from tests.server.embedded_helpers import running_studio
from tests.server.helpers import PASSWORD, Studio
from tests.sync.harness import wait_until


@pytest.fixture
def guarded(tmp_path: Path) -> Iterator[tuple[EmbeddedServer, Studio]]:
    url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    with running_studio(url, require_secret=True) as (server, studio, _uow):
        yield server, studio


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(profile=tmp_path / "profile", environ={})


def test_the_client_sends_the_given_headers_on_every_request(guarded) -> None:
    server, studio = guarded
    teacher = studio.instructors[0]
    with ApiClient(str(server.base_url), headers=server.access_headers) as api:
        assert api.meta()["protocol_version"] >= 1
        assert api.sign_in(teacher.email, PASSWORD).user["id"] == teacher.user_id
        assert api.me()["role"] == "instructor"
        with api.event_stream(read_timeout=5) as stream:
            assert stream.response.status_code == 200
    with (
        ApiClient(str(server.base_url), token=teacher.token) as stranger,
        pytest.raises(Forbidden) as refused,
    ):
        stranger.me()
    assert refused.value.code == "local_secret_required"
    assert "only that app" in refused.value.message


def test_a_session_on_the_embedded_server_signs_in_syncs_and_hears_pokes(guarded, settings) -> None:
    server, studio = guarded
    teacher = studio.instructors[0]
    with pytest.raises(Forbidden):  # the secret is what lets the app in, not the password
        connect(settings, str(server.base_url), email=teacher.email, password=PASSWORD)

    reports: list[SyncReport] = []
    core = connect(
        settings,
        str(server.base_url),
        email=teacher.email,
        password=PASSWORD,
        on_report=reports.append,
        headers=server.access_headers,
    )
    try:
        assert core.sync_now().error is None
        assert core.services.availability.template(str(teacher.instructor_id))
        core.start()
        wait_until(core.live.connected.is_set, timeout=10, what="the live stream to connect")
        day = (datetime.now(UTC) + timedelta(days=6)).date().isoformat()
        with httpx.Client(
            base_url=f"{server.base_url}/api/v1",
            headers={**server.access_headers, **teacher.headers},
        ) as other_device:
            answer = other_device.put(
                f"/instructors/{teacher.instructor_id}/availability/{day}", json={"ranges": []}
            )
        assert answer.status_code == 200, answer.text
        key = f"{teacher.instructor_id}/{day}"
        wait_until(lambda: core.live.pokes >= 1, timeout=10, what="a poke")
        wait_until(
            lambda: any(key in report.override_keys for report in reports),
            timeout=10,
            what="the poked pull to bring the change",
        )
        assert all(report.error is None for report in reports)
    finally:
        core.close()
