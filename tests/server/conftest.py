"""Fixtures for the server tests: each test gets its own SQLite file (and port, when it runs a
real server), so the suite runs in parallel."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from instainstru_desktop.server.app import create_app
from instainstru_desktop.server.core.settings import Settings
from instainstru_desktop.server.repositories.uow import UnitOfWork
from tests.server.databases import POSTGRES_ENV, DatabaseFactory, on_postgres
from tests.server.helpers import FakeClock, Studio, build_studio


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests that need PostgreSQL skip with one line outside CI when none is named; in CI they
    run and fail (``.ci/run`` runs them through ``scripts/test-postgres``)."""
    if on_postgres() or os.environ.get("CI"):
        return
    skip = pytest.mark.skip(
        reason=f"needs PostgreSQL: {POSTGRES_ENV} is not set (scripts/test-postgres sets it)"
    )
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def databases(tmp_path: Path) -> Iterator[DatabaseFactory]:
    factory = DatabaseFactory(tmp_path)
    yield factory
    factory.drop_all()


@pytest.fixture
def database_url(databases: DatabaseFactory) -> str:
    return databases.new()


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url)


@pytest.fixture
def app(settings: Settings, clock: FakeClock) -> Iterator[FastAPI]:
    application = create_app(settings, clock=clock)
    yield application
    application.state.context.uow.database.dispose()


@pytest.fixture
def uow(app: FastAPI) -> UnitOfWork:
    context: Any = app.state.context
    result: UnitOfWork = context.uow
    return result


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def studio(uow: UnitOfWork, clock: FakeClock) -> Studio:
    return build_studio(uow, now=clock.now)
