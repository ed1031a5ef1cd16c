"""Schema migrations: from empty, and from every earlier revision with data in it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from fastapi.testclient import TestClient
from sqlalchemy import text

from instainstru_desktop.server import migrations
from instainstru_desktop.server.app import create_app
from instainstru_desktop.server.db import Database
from instainstru_desktop.server.models import Base
from instainstru_desktop.server.settings import Settings
from tests.server.helpers import FakeClock, password_hash

NOW = datetime(2026, 3, 1, tzinfo=UTC)
IDS = {
    "admin": "00000000-0000-4000-8000-000000000001",
    "teacher": "00000000-0000-4000-8000-000000000002",
    "student": "00000000-0000-4000-8000-000000000003",
    "instructor": "00000000-0000-4000-8000-000000000010",
    "lesson_type": "00000000-0000-4000-8000-000000000020",
    "booking": "00000000-0000-4000-8000-000000000030",
}


def fill_0001(database: Database) -> None:
    """Rows as an installation on the first revision would have them."""
    with database.engine.begin() as c:
        for role in ("admin", "teacher", "student"):
            c.execute(
                text(
                    "INSERT INTO users (id, email, name, role, password_hash, time_zone,"
                    " created_at) VALUES (:id, :email, :name, :role, :hash, 'Europe/London', :at)"
                ),
                {
                    "id": IDS[role],
                    "email": f"{role}@old.example",
                    "name": role.title(),
                    "role": "instructor" if role == "teacher" else role,
                    "hash": password_hash(),
                    "at": NOW.replace(tzinfo=None),
                },
            )
        c.execute(
            text(
                "INSERT INTO instructors (id, user_id, bio, min_notice_minutes,"
                " booking_horizon_days, buffer_minutes, slot_step_minutes, version)"
                " VALUES (:id, :user, '', 120, 28, 0, 15, 1)"
            ),
            {"id": IDS["instructor"], "user": IDS["teacher"]},
        )
        c.execute(
            text(
                "INSERT INTO lesson_types (id, instructor_id, name, duration_minutes, price_cents,"
                " currency, color, active, version) VALUES (:id, :i, 'Piano', 60, 100, 'EUR',"
                " '#000000', true, 1)"
            ),
            {"id": IDS["lesson_type"], "i": IDS["instructor"]},
        )
        c.execute(
            text(
                "INSERT INTO weekly_templates (instructor_id, ranges, version) VALUES (:i, :r, 1)"
            ),
            {"i": IDS["instructor"], "r": "[[0, 540, 1020], [1, 540, 1020], [2, 540, 1020]]"},
        )
        c.execute(
            text(
                "INSERT INTO availability_overrides (instructor_id, day, ranges, version)"
                " VALUES (:i, '2026-03-04', '[]', 1)"
            ),
            {"i": IDS["instructor"]},
        )
        c.execute(
            text(
                "INSERT INTO bookings (id, instructor_id, student_id, lesson_type_id, start_utc,"
                " end_utc, status, note, flagged, review_note, price_cents, currency, created_at,"
                " updated_at, version) VALUES (:id, :i, :s, :t, '2026-03-02 10:00:00.000000',"
                " '2026-03-02 11:00:00.000000', 'confirmed', 'old note', false, '', 100, 'EUR',"
                " '2026-02-20 10:00:00.000000', '2026-02-20 10:00:00.000000', 1)"
            ),
            {
                "id": IDS["booking"],
                "i": IDS["instructor"],
                "s": IDS["student"],
                "t": IDS["lesson_type"],
            },
        )


FILLERS = {"0001_core": fill_0001}


def test_revisions_are_linear_and_filled() -> None:
    revisions = migrations.all_revisions()
    assert len(revisions) >= 2
    assert set(revisions[:-1]) <= set(FILLERS), "add a data filler for the new revision"


def test_upgrade_from_empty_matches_the_models(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    migrations.upgrade(database)
    with database.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []
    assert migrations.current_revision(database) == migrations.all_revisions()[-1]
    database.dispose()


@pytest.mark.parametrize("revision", list(FILLERS))
def test_upgrade_from_every_revision_with_data(tmp_path: Path, revision: str) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    database = Database(url)
    migrations.upgrade(database, revision)
    FILLERS[revision](database)
    database.dispose()

    app = create_app(Settings(database_url=url), clock=FakeClock(NOW))  # upgrades to head
    context = app.state.context
    from tests.server.helpers import Person, sign

    admin = sign(context.uow, Person(IDS["admin"], "admin@old.example", "Admin", "admin"), NOW)
    with TestClient(app) as client:
        pulled = client.get("/api/v1/sync/pull", headers=admin.headers).json()
        assert [b["id"] for b in pulled["bookings"]] == [IDS["booking"]]
        assert pulled["bookings"][0]["note"] == "old note"
        assert pulled["overrides"][0]["date"] == "2026-03-04"
        assert pulled["cursor"].startswith("1.")
        token = client.post(
            "/api/v1/auth/token",
            json={"email": "teacher@old.example", "password": "correct horse battery"},
        )
        assert token.status_code == 200
        teacher = {"Authorization": f"Bearer {token.json()['access_token']}"}
        booked = client.post(
            "/api/v1/bookings",
            headers=teacher,
            json={
                "instructor_id": IDS["instructor"],
                "lesson_type_id": IDS["lesson_type"],
                "student_id": IDS["student"],
                "start": "2026-03-03T10:00:00Z",
            },
        )
        assert booked.status_code == 201, booked.text
        after = client.get(
            "/api/v1/sync/pull", params={"cursor": pulled["cursor"]}, headers=admin.headers
        ).json()
        assert [b["id"] for b in after["bookings"]] == [booked.json()["id"]]
