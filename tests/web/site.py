"""A real standalone server with its student pages, on loopback, for the page tests.

The server is the one ``instainstru-server`` runs (pages on, no per-run secret), started in a
thread on a free port with a clock the test may set; data is written straight through the unit
of work (``tests.server.helpers``), as the other server tests do.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from instainstru_desktop.server.embedded import EmbeddedServer
from instainstru_desktop.server.repositories.uow import UnitOfWork

#: Repository folder for screenshots of the pages (git-ignored: ``screenshots/``).
SHOTS = Path(__file__).resolve().parents[2] / "screenshots" / "web"


class Site:
    """The running server: its base URL, its unit of work, a plain HTTP client."""

    def __init__(
        self, directory: Path, *, clock: Callable[[], datetime] | None = None, **settings: Any
    ) -> None:
        self.server = EmbeddedServer(
            f"sqlite:///{directory / 'site.sqlite3'}",
            seed_demo=False,
            require_secret=False,
            web_pages=True,
            clock=clock,
            **settings,
        )
        self.url = self.server.start()

    @property
    def uow(self) -> UnitOfWork:
        assert self.server.app is not None
        uow: UnitOfWork = self.server.app.state.context.uow
        return uow

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, follow_redirects=False, timeout=10)

    def close(self) -> None:
        self.server.stop()


def csrf_of(html: str) -> str:
    """The CSRF value a page's forms carry."""
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None, "the page has no form with a CSRF field"
    return found.group(1)


def time_links(html: str) -> list[str]:
    """The booking links of the free times a page lists, in order."""
    return re.findall(r'href="(/[^"]+/book\?type=[^"]+)"', html.replace("&amp;", "&"))
