"""Settings paths, sign-in tokens (keyring or private file) and the session bootstrap, online
and offline."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

import pytest

from instainstru_desktop.bootstrap import connect, sign_out
from instainstru_desktop.config import EMBEDDED, load_settings
from instainstru_desktop.json_files import read_json
from instainstru_desktop.sync.credentials import CredentialStore
from instainstru_desktop.sync.errors import Offline, Unauthenticated
from instainstru_desktop.sync.sign_in import RememberedSignIns, SignInRequiredError
from tests.server.helpers import PASSWORD

# the damaged side file these tests write on purpose is reported in the log
UNREADABLE_JSON = pytest.mark.expect_log(
    "instainstru_desktop.json_files", "WARNING", match="not valid JSON"
)


def test_a_profile_folder_holds_everything(tmp_path):
    settings = load_settings(profile=tmp_path / "second-device", environ={})
    assert settings.data_dir == tmp_path / "second-device" / "data"
    assert settings.config_dir == tmp_path / "second-device" / "config"
    assert settings.server_url is None
    assert settings.embedded
    assert settings.credentials_path.parent == settings.config_dir


def test_the_environment_fills_in_what_the_arguments_leave_out(tmp_path):
    settings = load_settings(
        environ={"INSTAINSTRU_PROFILE": str(tmp_path), "INSTAINSTRU_SERVER_URL": "https://x.org/"}
    )
    assert (settings.data_dir, settings.server_url) == (tmp_path / "data", "https://x.org")
    platform_default = load_settings(environ={})
    assert platform_default.data_dir.name in ("InstaInstru", "instainstru")


def test_each_server_and_account_has_its_own_cache_file(tmp_path):
    settings = load_settings(profile=tmp_path, environ={})
    a = settings.cache_path(None, "ines@example.org")
    assert a == settings.cache_path(None, "INES@example.org")
    assert a != settings.cache_path(None, "bo@example.org")
    assert a != settings.cache_path("https://studio.example.org", "ines@example.org")
    assert a.parent == settings.data_dir / "caches"
    assert EMBEDDED == "embedded"


def test_without_a_keyring_tokens_go_to_a_private_file_with_a_warning(tmp_path, caplog):
    store = CredentialStore(tmp_path / "config" / "credentials.json")
    with caplog.at_level(logging.WARNING, logger="instainstru_desktop.sync.credentials"):
        store.save("https://s ines@example.org", "secret-1")
        store.save("https://s bo@example.org", "secret-2")
    assert store.load("https://s ines@example.org") == "secret-1"
    assert store.in_file
    mode = stat.S_IMODE((tmp_path / "config" / "credentials.json").stat().st_mode)
    assert mode == 0o600
    [warning] = caplog.records  # said once, not on every save
    assert "unencrypted" in warning.getMessage()
    store.delete("https://s ines@example.org")
    assert store.load("https://s ines@example.org") is None
    assert store.load("https://s bo@example.org") == "secret-2"


def test_a_working_keyring_is_used_and_nothing_is_written_to_disk(tmp_path, monkeypatch):
    import keyring

    kept: dict[tuple[str, str], str] = {}
    monkeypatch.setattr(keyring, "set_password", lambda s, a, p: kept.__setitem__((s, a), p))
    monkeypatch.setattr(keyring, "get_password", lambda s, a: kept.get((s, a)))
    store = CredentialStore(tmp_path / "credentials.json")
    store.save("acct", "token")
    assert store.load("acct") == "token"
    assert not (tmp_path / "credentials.json").exists()


@pytest.fixture
def settings(tmp_path: Path):
    return load_settings(profile=tmp_path / "profile", environ={})


def test_connect_signs_in_syncs_and_remembers_the_sign_in(settings, server, instructor):
    core = connect(settings, server.url, email=instructor.email, password=PASSWORD)
    try:
        assert (core.identity.role, core.identity.instructor_id) == (
            "instructor",
            instructor.instructor_id,
        )
        assert core.store.database.path == settings.cache_path(None, instructor.email)
        report = core.sync_now()
        assert report.error is None
        assert core.services.status.status().online
        assert core.services.availability.template(instructor.instructor_id)
    finally:
        core.close()

    again = connect(settings, server.url)  # no password: the remembered token
    try:
        assert again.identity.user_id == instructor.user_id
        assert again.sync_now().error is None
    finally:
        again.close()


def test_the_app_starts_offline_with_a_remembered_sign_in(settings, server, instructor):
    connect(settings, server.url, email=instructor.email, password=PASSWORD).close()
    url = server.url
    server.stop()

    core = connect(settings, url)
    try:
        assert core.identity.email == instructor.email
        report = core.sync_now()
        assert isinstance(report.error, Offline)
        assert core.services.status.status().online is False
    finally:
        core.close()


def test_sign_in_is_asked_for_when_nothing_is_remembered_or_the_token_is_revoked(
    settings, server, instructor
):
    with pytest.raises(SignInRequiredError):
        connect(settings, server.url)
    with pytest.raises(Unauthenticated):
        connect(settings, server.url, email=instructor.email, password="wrong")
    core = connect(settings, server.url, email=instructor.email, password=PASSWORD)
    core.api.request("POST", "/auth/logout", retry=False)  # revoked (e.g. from another device)
    core.close()
    with pytest.raises(SignInRequiredError):
        connect(settings, server.url)


def test_signing_out_forgets_the_sign_in_and_keeps_the_cache(settings, server, instructor):
    core = connect(settings, server.url, email=instructor.email, password=PASSWORD)
    identity, cache = core.identity, core.store.database.path
    core.close()
    sign_out(settings, identity)
    with pytest.raises(SignInRequiredError):
        connect(settings, server.url)
    assert cache.exists()
    assert read_json(settings.session_path) == {}


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"{broken", marks=UNREADABLE_JSON),
        b'{"embedded": {"name": "no email"}}',
        b'["not", "a", "map"]',
    ],
)
def test_a_damaged_remembered_sign_in_asks_for_a_password_again(
    settings, server, instructor, content, caplog
):
    settings.session_path.parent.mkdir(parents=True)
    settings.session_path.write_bytes(content)
    with caplog.at_level(logging.WARNING, logger="instainstru_desktop.json_files"):
        with pytest.raises(SignInRequiredError):
            connect(settings, server.url)
        core = connect(settings, server.url, email=instructor.email, password=PASSWORD)
    core.close()
    remembered = RememberedSignIns(settings.session_path).get(EMBEDDED)
    assert remembered is not None
    assert remembered.email == instructor.email  # the file is whole again
