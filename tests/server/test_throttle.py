"""Sign-in limits counted in the database: a window that slides, and keys kept apart."""

from __future__ import annotations

from instainstru_desktop.server.app import create_app
from instainstru_desktop.server.core.settings import Settings
from instainstru_desktop.server.services.throttle import SharedWindowLimiter


class Seconds:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_the_window_slides_and_keys_are_counted_apart(database_url: str) -> None:
    app = create_app(Settings(database_url=database_url))
    uow = app.state.context.uow
    clock = Seconds()
    limiter = SharedWindowLimiter(uow, "email", limit=2, window=60, clock=clock)
    other_kind = SharedWindowLimiter(uow, "address", limit=2, window=60, clock=clock)
    limiter.hit("ana@example.org")
    clock.now += 10
    limiter.hit("ana@example.org")
    assert limiter.retry_after("ana@example.org") == 50  # the first attempt leaves the window
    assert limiter.retry_after("bo@example.org") is None
    assert other_kind.retry_after("ana@example.org") is None
    clock.now += 50
    assert limiter.retry_after("ana@example.org") is None
    # a second limiter on the same database (another process) counts the same attempts
    twin = SharedWindowLimiter(uow, "email", limit=2, window=60, clock=clock)
    twin.hit("ana@example.org")
    assert limiter.retry_after("ana@example.org") == 10
    uow.database.dispose()
