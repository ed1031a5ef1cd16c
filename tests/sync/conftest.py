"""Fixtures of the sync tests: a real server per test, and devices that talk to it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.server.helpers import Person
from tests.sync.harness import Device, ServerHandle


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerHandle]:
    handle = ServerHandle(tmp_path)
    yield handle
    handle.stop()


@pytest.fixture
def instructor(server: ServerHandle) -> Person:
    return server.studio.instructors[0]


@pytest.fixture
def make_device(tmp_path: Path, server: ServerHandle) -> Iterator[Callable[..., Device]]:
    made: list[Device] = []

    def make(name: str = "laptop", person: Person | None = None, **options: Any) -> Device:
        device = Device(tmp_path, name, server, person or server.studio.instructors[0], **options)
        made.append(device)
        return device

    yield make
    for device in made:
        device.close()


@pytest.fixture
def device(make_device: Callable[..., Device]) -> Device:
    return make_device()
