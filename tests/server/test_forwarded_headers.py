"""Whose ``X-Forwarded-For`` is believed: only the proxies the operator names (none by default).

These need the real uvicorn (it reads the forwarded headers before the app sees the request),
so they run the server on loopback.
"""

from __future__ import annotations

import httpx

from instainstru_desktop.server import cli
from tests.server.embedded_helpers import running_studio

API = "/api/v1"
LIMIT = 3  # sign-in attempts per address and window


def attempts(base_url: str, email: str, forwarded_for: str | None = None) -> list[int]:
    """The statuses of LIMIT + 1 sign-ins with a wrong password."""
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    with httpx.Client(base_url=base_url, headers=headers) as client:
        return [
            client.post(
                f"{API}/auth/token", json={"email": email, "password": "wrong password"}
            ).status_code
            for _ in range(LIMIT + 1)
        ]


def test_a_forwarded_header_does_not_reset_the_address_throttle(database_url: str) -> None:
    with running_studio(database_url, login_attempts_per_address=LIMIT) as (server, studio, _):
        assert server.base_url is not None
        email = studio.students[0].email
        assert attempts(server.base_url, email)[-1] == 429
        assert set(attempts(server.base_url, email, "203.0.113.7")) == {429}


def test_a_named_proxy_is_believed(database_url: str) -> None:
    with running_studio(
        database_url, login_attempts_per_address=LIMIT, forwarded_allow_ips="127.0.0.1"
    ) as (server, studio, _):
        assert server.base_url is not None
        email = studio.students[0].email
        assert attempts(server.base_url, email, "203.0.113.7")[-1] == 429
        # the proxy speaks for another client: that one has its own allowance
        assert attempts(server.base_url, email, "198.51.100.9")[:LIMIT] == [401] * LIMIT


def test_the_command_line_names_trusted_proxies() -> None:
    assert cli.parse_args([]).forwarded_allow_ips is None  # the setting's default: none
    args = cli.parse_args(["--forwarded-allow-ips", "10.0.0.0/8,127.0.0.1"])
    assert args.forwarded_allow_ips == "10.0.0.0/8,127.0.0.1"
