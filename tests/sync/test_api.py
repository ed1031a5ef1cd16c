"""The API client against the real server: typed errors with readable messages, retries."""

from __future__ import annotations

import pytest

from instainstru_desktop import PROTOCOL_VERSION
from instainstru_desktop.server.embedded import EmbeddedServer
from instainstru_desktop.sync.api import ApiClient, RetryPolicy
from instainstru_desktop.sync.backoff import Backoff
from instainstru_desktop.sync.errors import (
    ApiError,
    NotFound,
    Offline,
    RateLimited,
    ServerUnavailable,
    Unauthenticated,
    UpdateRequired,
)
from tests.server.helpers import PASSWORD
from tests.sync.harness import BASE, Switchboard


def test_meta_is_anonymous_and_me_needs_a_token(server):
    with ApiClient(server.url) as api:
        assert api.meta()["protocol_version"] >= PROTOCOL_VERSION
        with pytest.raises(Unauthenticated) as caught:
            api.me()
    assert caught.value.status == 401
    assert caught.value.message


def test_signing_in_keeps_the_token_and_a_wrong_password_is_refused(server, instructor):
    with ApiClient(server.url) as api:
        signed = api.sign_in(instructor.email, PASSWORD)
        assert (signed.user["id"], api.token) == (instructor.user_id, signed.token)
        assert api.me()["role"] == "instructor"
    with ApiClient(server.url) as api, pytest.raises(Unauthenticated):
        api.sign_in(instructor.email, "not the password")


def test_problems_become_typed_errors_with_the_servers_words(server, instructor):
    with ApiClient(server.url, token=instructor.token) as api:
        with pytest.raises(NotFound) as missing:
            api.request("GET", "/bookings/00000000-0000-4000-8000-000000000000")
        with pytest.raises(ApiError) as invalid:
            api.request("POST", "/bookings", json={"start": "tomorrow"}, retry=False)
    assert missing.value.code == "not_found"
    assert missing.value.detail
    assert invalid.value.status == 422
    assert invalid.value.code == "validation_error"
    assert {e.field for e in invalid.value.field_errors} >= {"start"}


def test_an_outdated_client_is_told_to_update(tmp_path):
    with (
        EmbeddedServer(
            f"sqlite:///{tmp_path / 'new.sqlite3'}", seed_demo=False, min_client_protocol=99
        ) as newer,
        ApiClient(str(newer.base_url), headers=newer.access_headers) as api,
        pytest.raises(UpdateRequired) as caught,
    ):
        api.me()
    assert caught.value.status == 426
    assert "update" in caught.value.message.lower()


def test_too_many_sign_ins_are_throttled_with_a_wait(tmp_path):
    def sign_in_until_refused(api: ApiClient) -> None:
        for _ in range(5):
            with pytest.raises(Unauthenticated):
                api.sign_in("nobody@example.com", "wrong")

    with (
        EmbeddedServer(
            f"sqlite:///{tmp_path / 's.sqlite3'}", seed_demo=False, login_failures_per_email=2
        ) as strict,
        ApiClient(str(strict.base_url), headers=strict.access_headers) as api,
        pytest.raises(RateLimited) as caught,
    ):
        sign_in_until_refused(api)
    assert caught.value.transient
    assert caught.value.retry_after > 0


def test_5xx_and_network_failures_are_retried_with_growing_jittered_delays(server, instructor):
    switchboard = Switchboard(server)
    delays: list[float] = []
    api = ApiClient(
        BASE,
        token=instructor.token,
        transport=switchboard,
        retry=RetryPolicy(attempts=4, backoff=Backoff(0.1, 1.0, jitter=1.0)),
        sleep=delays.append,
        rng=lambda: 1.0,
    )
    switchboard.inject("/me", "503")
    switchboard.inject("/me", "refuse")
    switchboard.inject("/me", "timeout")

    assert api.me()["id"] == instructor.user_id
    assert delays == [0.1, 0.2, 0.4]

    switchboard.inject("/me", "503", times=4)
    with pytest.raises(ServerUnavailable) as caught:
        api.me()
    assert caught.value.transient
    assert "your changes are kept" in caught.value.message
    api.close()
    switchboard.close()


def test_an_unreachable_server_is_offline_in_words(server, instructor):
    url = server.url
    server.stop()
    with ApiClient(url, retry=RetryPolicy(attempts=1)) as api, pytest.raises(Offline) as caught:
        api.meta()
    assert caught.value.transient
    assert "Cannot reach the server at 127.0.0.1" in caught.value.message
    server.start()
