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


def start_embedded(
    settings: Settings,
    email: str | None = None,
    password: str | None = None,
    on_report: ReportCallback | None = None,
) -> Started:
    """Start the bundled server (demo data seeded on first run) and sign in.

    Who: ``email`` with ``password`` when given, else whoever signed in last (the demo admin,
    say), else -- the first run -- the demo instructor. After a sign-out nobody is signed in
    on their own: ``SignInRequiredError`` asks who is signing in.
    """
    from ui.embedded import start_embedded_server

    base_url, server = start_embedded_server(settings.embedded_database_path)
    try:
        core = _embedded_core(settings, base_url, server, email, password, on_report)
    except BaseException:
        server.stop()
        raise
    log.info("embedded server at %s (first run: %s)", base_url, server.seeded)
    return Started(core, server, base_url)


def _embedded_core(
    settings: Settings,
    base_url: str,
    server: RunningServer,
    email: str | None,
    password: str | None,
    on_report: ReportCallback | None,
) -> Core:
    from instainstru_desktop.bootstrap import connect
    from instainstru_desktop.config import EMBEDDED
    from instainstru_desktop.sync.remembered import RememberedSignIns
    from instainstru_desktop.sync.sign_in import SignInRequiredError
    from ui.embedded import demo_instructor

    def sign_in(who: str | None, secret: str | None) -> Core:
        return connect(
            settings,
            base_url,
            email=who,
            password=secret,
            on_report=on_report,
            headers=server.access_headers,  # the server refuses everything without its secret
        )

    if email and password:
        return sign_in(email, password)
    remembered = RememberedSignIns(settings.session_path)
    demo_email, demo_password = demo_instructor()
    known = remembered.get(EMBEDDED)
    try:
        return sign_in(None, None)
    except SignInRequiredError as error:
        if remembered.signed_out(EMBEDDED):
            raise SignInRequiredError("You signed out. Who is signing in?") from error
        if known is not None and known.email.lower() != demo_email.lower():
            raise  # another account's sign-in expired: never open the demo account instead
    return sign_in(demo_email, demo_password)


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


def read_zone_list() -> None:
    """Read the zones the week's switcher lists once the session is ready (some 600 files)
    here, off the UI thread; the first painted week checks its own zone alone."""
    from instainstru_desktop.domain.zones import listed_zone_names

    listed_zone_names()


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
