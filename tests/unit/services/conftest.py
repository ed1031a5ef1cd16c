from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from instainstru_desktop.store import Store, open_store
from tests.store.factories import FakeClock

#: Wednesday 4 March 2026, noon UTC; the instructor is in Europe/London (UTC in winter).
NOW = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def store(tmp_path: Path, clock: FakeClock) -> Iterator[Store]:
    opened = open_store(tmp_path / "cache.sqlite3", clock=clock)
    yield opened
    opened.close()


@pytest.fixture
def pokes() -> list[str]:
    """Records the services' "something to sync" calls."""
    return []
