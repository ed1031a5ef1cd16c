"""The one door from the front end to the bundled server.

The app runs the server in-process on its embedded default; every other part of :mod:`ui` talks
to it over HTTP like to any remote server. The server package (FastAPI, uvicorn, its ORM models)
is imported here lazily, on a worker thread, so the window shows before it has loaded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol


class RunningServer(Protocol):
    """What the app needs of a started server: what to send with each request, how to stop it."""

    @property
    def access_headers(self) -> dict[str, str]:
        """The per-run secret, as headers: the server refuses requests without them."""
        ...

    def stop(self) -> None:
        """Stop serving and release the port and the database."""


def start_embedded_server(database_file: Path, *, seed_demo: bool) -> tuple[str, RunningServer]:
    """Start the bundled server on loopback and return its base URL once it answers.

    Other programs on the computer can reach loopback too, so the server answers only requests
    that carry its fresh per-run secret: send ``server.access_headers`` with every request.

    Blocking (imports and the first-run demo seed take a moment): call it off the UI thread.
    """
    from instainstru_desktop.server.embedded import EmbeddedServer
    from instainstru_desktop.store import require_writable_folder

    require_writable_folder(database_file.parent)  # a sentence about the folder, not a trace
    server = EmbeddedServer(f"sqlite:///{database_file}", seed_demo=seed_demo)
    base_url = server.start()
    return base_url, server


def demo_instructor() -> tuple[str, str]:
    """Email and password of the demo instructor the embedded default signs in as."""
    from instainstru_desktop.server.embedded import DEMO_INSTRUCTOR

    return DEMO_INSTRUCTOR.email, DEMO_INSTRUCTOR.password


def demo_accounts() -> tuple[tuple[str, str, str], ...]:
    """``(who, email, password)`` of the demo accounts the built-in server offers: the sign-in
    form names them there, so the demo admin is one sign-in away without ``--server``."""
    from instainstru_desktop.server.embedded import DEMO_ADMIN, DEMO_INSTRUCTOR

    return (
        ("instructor", DEMO_INSTRUCTOR.email, DEMO_INSTRUCTOR.password),
        ("admin", DEMO_ADMIN.email, DEMO_ADMIN.password),
    )
