"""Bringing the core up behind the first window: embedded server, cache, sign-in.

Everything here is blocking and runs on the network executor of :mod:`ui.ops`: the window is
already on screen (with the last week it showed) while the server and the ORM load. Only the
result — a signed-in :class:`~instainstru_desktop.bootstrap.Core`, or an error a person can act
on — comes back to the UI thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from instainstru_desktop.config import Settings

if TYPE_CHECKING:
    from instainstru_desktop.bootstrap import Core
    from ui.embedded import RunningServer

log = logging.getLogger(__name__)


@dataclass
class Started:
    """A running session: the core, and the embedded server when the app owns one."""

    core: Core
    server: RunningServer | None
    base_url: str

    def close(self) -> None:
        """Stop syncing, close the cache, then stop the embedded server (in that order)."""
        try:
            self.core.close()
        finally:
            if self.server is not None:
                self.server.stop()


ReportCallback = Callable[[Any], None]


def start_embedded(settings: Settings, on_report: ReportCallback | None = None) -> Started:
    """Start the bundled server (demo data seeded on first run); sign in as the demo instructor."""
    from instainstru_desktop.bootstrap import connect
    from ui.embedded import demo_instructor, start_embedded_server

    first_run = not settings.embedded_database_path.exists()
    base_url, server = start_embedded_server(settings.embedded_database_path, seed_demo=first_run)
    try:
        email, password = demo_instructor()
        core = connect(
            settings,
            base_url,
            email=email,
            password=password,
            on_report=on_report,
            headers=server.access_headers,  # the server refuses everything without its secret
        )
    except BaseException:
        server.stop()
        raise
    log.info("embedded server at %s (first run: %s)", base_url, first_run)
    return Started(core, server, base_url)


def start_remote(
    settings: Settings,
    email: str | None = None,
    password: str | None = None,
    on_report: ReportCallback | None = None,
) -> Started:
    """Connect to ``settings.server_url``; with no email, use the remembered sign-in.

    Raises ``SignInRequiredError`` when the app must ask for an email and a password.
    """
    from instainstru_desktop.bootstrap import connect

    assert settings.server_url is not None
    core = connect(
        settings, settings.server_url, email=email, password=password, on_report=on_report
    )
    return Started(core, None, settings.server_url)


def first_download(started: Started) -> None:
    """On a cache that never synced, download before the views read (nothing to show else).

    Offline, this is skipped quietly: the views show what there is and syncing starts later.
    """
    core = started.core
    if core.services.status.status().last_sync is not None:
        return
    report = core.sync_now()
    if report.error is not None:
        log.info("first download did not finish: %s", report.error)
