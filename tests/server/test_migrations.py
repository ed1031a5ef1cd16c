"""Schema migrations: from empty, and from every earlier revision with data in it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from fastapi.testclient import TestClient
from sqlalchemy import JSON, Boolean, Date, DateTime, column, table

from instainstru_desktop.server import migrations
from instainstru_desktop.server.app import create_app
from instainstru_desktop.server.core.db import Database
from instainstru_desktop.server.core.models import Base
from instainstru_desktop.server.core.settings import Settings
from tests.server.helpers import FakeClock, password_hash

NOW = datetime(2026, 3, 1, tzinfo=UTC)
IDS = {
    "admin": "00000000-0000-4000-8000-000000000001",
    "teacher": "00000000-0000-4000-8000-000000000002",
    "student": "00000000-0000-4000-8000-000000000003",
    "instructor": "00000000-0000-4000-8000-000000000010",
    "lesson_type": "00000000-0000-4000-8000-000000000020",
    "booking": "00000000-0000-4000-8000-000000000030",
    "conflict": "00000000-0000-4000-8000-000000000040",
}


def _table(name: str, *columns: str, **typed: Any) -> Any:
    return table(name, *(column(c) for c in columns), *(column(c, t) for c, t in typed.items()))


def fill_0001(database: Database) -> None:
    """Rows as an installation on the first revision would have them (revision-1 columns only)."""
    when = DateTime(timezone=True)
    users = _table(
        "users", "id", "email", "name", "role", "password_hash", "time_zone", created_at=when
    )
    instructors = _table(
        "instructors",
        "id",
        "user_id",
        "bio",
        "min_notice_minutes",
        "booking_horizon_days",
        "buffer_minutes",
        "slot_step_minutes",
        "version",
    )
    lesson_types = _table(
        "lesson_types",
        "id",
        "instructor_id",
        "name",
        "duration_minutes",
        "price_cents",
        "currency",
        "color",
        "version",
        active=Boolean(),
    )
    templates = _table("weekly_templates", "instructor_id", "version", ranges=JSON())
    overrides = _table(
        "availability_overrides", "instructor_id", "version", day=Date(), ranges=JSON()
    )
    bookings = _table(
        "bookings",
        "id",
        "instructor_id",
        "student_id",
        "lesson_type_id",
        "status",
        "note",
        "review_note",
        "price_cents",
        "currency",
        "version",
        flagged=Boolean(),
        start_utc=when,
        end_utc=when,
        created_at=when,
        updated_at=when,
    )
    with database.engine.begin() as c:
        for role in ("admin", "teacher", "student"):
            c.execute(
                users.insert().values(
                    id=IDS[role],
                    email=f"{role}@old.example",
                    name=role.title(),
                    role="instructor" if role == "teacher" else role,
                    password_hash=password_hash(),
                    time_zone="Europe/London",
                    created_at=_db_time(database, NOW),
                )
            )
        c.execute(
            instructors.insert().values(
                id=IDS["instructor"],
                user_id=IDS["teacher"],
                bio="",
                min_notice_minutes=120,
                booking_horizon_days=28,
                buffer_minutes=0,
                slot_step_minutes=15,
                version=1,
            )
        )
        c.execute(
            lesson_types.insert().values(
                id=IDS["lesson_type"],
                instructor_id=IDS["instructor"],
                name="Piano",
                duration_minutes=60,
                price_cents=100,
                currency="EUR",
                color="#000000",
                active=True,
                version=1,
            )
        )
        c.execute(
            templates.insert().values(
                instructor_id=IDS["instructor"],
                version=1,
                ranges=[[0, 540, 1020], [1, 540, 1020], [2, 540, 1020]],
            )
        )
        c.execute(
            overrides.insert().values(
                instructor_id=IDS["instructor"], day=date(2026, 3, 4), ranges=[], version=1
            )
        )
        start = datetime(2026, 3, 2, 10, tzinfo=UTC)
        c.execute(
            bookings.insert().values(
                id=IDS["booking"],
                instructor_id=IDS["instructor"],
                student_id=IDS["student"],
                lesson_type_id=IDS["lesson_type"],
                start_utc=_db_time(database, start),
                end_utc=_db_time(database, start + timedelta(hours=1)),
                status="confirmed",
                note="old note",
                flagged=False,
                review_note="",
                price_cents=100,
                currency="EUR",
                created_at=_db_time(database, NOW),
                updated_at=_db_time(database, NOW),
                version=1,
            )
        )


def _db_time(database: Database, instant: datetime) -> datetime:
    """As the server stores instants: naive UTC on SQLite, aware on PostgreSQL."""
    return instant.replace(tzinfo=None) if database.is_sqlite else instant


def fill_0002(database: Database) -> None:
    """The first revision's rows, stamped as the sync revision would have them (one commit,
    seq 1), plus two tombstones: one of a date whose override exists again (superseded), one of
    a date that stays cleared."""
    fill_0001(database)
    tombstones = _table("tombstones", "entity", "entity_id", "instructor_id", "seq")
    with database.engine.begin() as c:
        for name in (
            "users",
            "instructors",
            "lesson_types",
            "weekly_templates",
            "availability_overrides",
            "bookings",
        ):
            c.execute(table(name, column("seq")).update().values(seq=1))
        c.execute(table("change_sequence", column("value")).update().values(value=1))
        c.execute(
            table(
                "commits",
                column("seq"),
                column("nonce"),
                column("committed_at", DateTime(timezone=True)),
            )
            .insert()
            .values(seq=1, nonce="old", committed_at=_db_time(database, NOW))
        )
        for day in ("2026-03-04", "2026-03-05"):
            c.execute(
                tombstones.insert().values(
                    entity="override",
                    entity_id=f"{IDS['instructor']}/{day}",
                    instructor_id=IDS["instructor"],
                    seq=1,
                )
            )


def fill_0003(database: Database) -> None:
    """The same rows, with the page address the profiles revision gave the instructor."""
    fill_0002(database)
    with database.engine.begin() as c:
        c.execute(table("instructors", column("slug")).update().values(slug="teacher"))


def fill_0004(database: Database) -> None:
    """The same rows (tombstones of dates written again are gone by now), and a conflict of
    the kind every revision knew, recorded before conflicts kept details."""
    fill_0003(database)
    conflicts = _table(
        "conflicts",
        "id",
        "instructor_id",
        "booking_id",
        "kind",
        "message",
        "resolution",
        "version",
        "seq",
        resolved=Boolean(),
        created_at=DateTime(timezone=True),
    )
    with database.engine.begin() as c:
        c.execute(
            conflicts.insert().values(
                id=IDS["conflict"],
                instructor_id=IDS["instructor"],
                booking_id=IDS["booking"],
                kind="outside_availability",
                message="Lesson Mon 2 Mar 10:00 with Student is now outside your hours.",
                resolved=False,
                resolution=None,
                version=1,
                seq=1,
                created_at=_db_time(database, NOW),
            )
        )


def fill_0005(database: Database) -> None:
    """The same rows: the revision gave conflicts room for details, which old ones lack."""
    fill_0004(database)


def fill_0006(database: Database) -> None:
    """The same rows: the lesson is a single one (no series), as every lesson was before."""
    fill_0005(database)


def fill_0007(database: Database) -> None:
    """The same rows: the lesson's conversation is empty, as every one was before."""
    fill_0006(database)


def fill_0008(database: Database) -> None:
    """The same rows and a message in the lesson's conversation, written by its student."""
    fill_0007(database)
    messages = _table(
        "messages",
        "id",
        "booking_id",
        "instructor_id",
        "student_id",
        "number",
        "author_id",
        "author_role",
        "body",
        "seq",
        created_at=DateTime(timezone=True),
    )
    with database.engine.begin() as c:
        c.execute(
            messages.insert().values(
                id="00000000-0000-4000-8000-000000000050",
                booking_id=IDS["booking"],
                instructor_id=IDS["instructor"],
                student_id=IDS["student"],
                number=1,
                author_id=IDS["student"],
                author_role="student",
                body="Bringing the sheet music.",
                seq=1,
                created_at=_db_time(database, NOW),
            )
        )


def fill_0009(database: Database) -> None:
    """The same rows: revision 0009 added an index only (0010 rebuilds the bookings' indexes
    over these rows)."""
    fill_0008(database)


FILLERS = {
    "0001_core": fill_0001,
    "0002_sync": fill_0002,
    "0003_profiles": fill_0003,
    "0004_tombstone_keys": fill_0004,
    "0005_range_edits": fill_0005,
    "0006_series": fill_0006,
    "0007_messages": fill_0007,
    "0008_sign_in_attempts": fill_0008,
    "0009_message_pace": fill_0009,
}


def test_revisions_are_linear_and_filled() -> None:
    revisions = migrations.all_revisions()
    assert len(revisions) >= 2
    assert set(revisions[:-1]) <= set(FILLERS), "add a data filler for the new revision"


def test_upgrade_from_empty_matches_the_models(database_url: str) -> None:
    database = Database(database_url)
    migrations.upgrade(database)
    with database.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []
    assert migrations.current_revision(database) == migrations.all_revisions()[-1]
    database.dispose()


@pytest.mark.parametrize("revision", list(FILLERS))
def test_upgrade_from_every_revision_with_data(database_url: str, revision: str) -> None:
    url = database_url
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
        # every instructor has a page address made from their name
        assert [i["slug"] for i in pulled["instructors"]] == ["teacher"]
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


def test_tombstones_of_dates_written_again_are_removed_on_upgrade(database_url: str) -> None:
    database = Database(database_url)
    migrations.upgrade(database, "0002_sync")
    fill_0002(database)
    migrations.upgrade(database)
    with database.engine.connect() as c:
        left = c.execute(table("tombstones", column("entity_id")).select()).scalars().all()
    database.dispose()
    assert left == [f"{IDS['instructor']}/2026-03-05"]  # 03-04 has its override again


def test_a_conflict_recorded_before_details_existed_syncs_with_none(database_url: str) -> None:
    database = Database(database_url)
    migrations.upgrade(database, "0004_tombstone_keys")
    fill_0004(database)
    database.dispose()

    app = create_app(Settings(database_url=database_url), clock=FakeClock(NOW))
    from tests.server.helpers import Person, sign

    admin = sign(
        app.state.context.uow, Person(IDS["admin"], "admin@old.example", "Admin", "admin"), NOW
    )
    with TestClient(app) as client:
        pulled = client.get("/api/v1/sync/pull", headers=admin.headers).json()
    [conflict] = pulled["conflicts"]
    assert (conflict["id"], conflict["kind"], conflict["details"]) == (
        IDS["conflict"],
        "outside_availability",
        {},
    )
