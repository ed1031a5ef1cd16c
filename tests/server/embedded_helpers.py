"""A real server on loopback with a small studio, for the tests that need real concurrency."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from instainstru_desktop.server.embedded import EmbeddedServer
from instainstru_desktop.server.repositories.uow import UnitOfWork
from tests.server.helpers import Studio, build_studio


@contextmanager
def running_studio(
    url: str, *, students: int = 3, require_secret: bool = False, **settings: Any
) -> Iterator[tuple[EmbeddedServer, Studio, UnitOfWork]]:
    """Open to any local client by default, like a standalone server: most tests using it are
    about concurrency and events; test_local_guard.py asks for the per-run secret."""
    from datetime import UTC, datetime

    server = EmbeddedServer(url, seed_demo=False, require_secret=require_secret, **settings)
    with server:
        assert server.app is not None
        uow: UnitOfWork = server.app.state.context.uow
        studio = build_studio(uow, students=students, now=datetime.now(UTC))
        yield server, studio, uow
