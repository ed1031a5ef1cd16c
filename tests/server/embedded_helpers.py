"""A real server on loopback with a small studio, for the tests that need real concurrency."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from instainstru_desktop.server.embedded import EmbeddedServer
from instainstru_desktop.server.uow import UnitOfWork
from tests.server.helpers import Studio, build_studio


@contextmanager
def running_studio(
    url: str, *, students: int = 3, **settings: Any
) -> Iterator[tuple[EmbeddedServer, Studio, UnitOfWork]]:
    from datetime import UTC, datetime

    server = EmbeddedServer(url, seed_demo=False, **settings)
    with server:
        assert server.app is not None
        uow: UnitOfWork = server.app.state.context.uow
        studio = build_studio(uow, students=students, now=datetime.now(UTC))
        yield server, studio, uow
