"""Demo data and the standalone command line."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient

from instainstru_desktop.server import cli
from instainstru_desktop.server.app import create_app
from instainstru_desktop.server.core.settings import Settings
from instainstru_desktop.server.seed.demo import DEMO_ADMIN, DEMO_INSTRUCTOR, seed_if_empty
from tests.server.databases import DatabaseFactory
from tests.server.helpers import FakeClock

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)  # a Thursday


@contextmanager
def demo_pull(databases: DatabaseFactory, name: str) -> Iterator[tuple[TestClient, dict]]:
    """A client of a freshly seeded demo server, and the admin's full pull."""
    app = create_app(
        Settings(database_url=databases.new(name), seed_demo=True), clock=FakeClock(NOW)
    )
    with TestClient(app) as client:  # the lifespan closes the database's connections at exit
        admin = client.post(
            "/api/v1/auth/token",
            json={"email": DEMO_ADMIN.email, "password": DEMO_ADMIN.password},
        ).json()
        headers = {"Authorization": f"Bearer {admin['access_token']}"}
        yield client, client.get("/api/v1/sync/pull", headers=headers).json()


def test_demo_studio(databases: DatabaseFactory) -> None:
    with demo_pull(databases, "demo") as (client, pulled):
        check_demo(client, pulled)


def check_demo(client: TestClient, pulled: dict) -> None:
    zones = {i["time_zone"] for i in pulled["instructors"]}
    assert len(pulled["instructors"]) == 12
    assert len(zones) >= 4
    assert "Asia/Kolkata" in zones
    assert len(pulled["students"]) == 200
    statuses = Counter(b["status"] for b in pulled["bookings"])
    assert set(statuses) == {"confirmed", "completed", "no_show", "cancelled"}
    assert len({lt["color"] for lt in pulled["lesson_types"]}) >= 10
    assert any(o["ranges"] == [] for o in pulled["overrides"])  # time off
    check_history(pulled)

    maria = client.post(
        "/api/v1/auth/token",
        json={"email": DEMO_INSTRUCTOR.email, "password": DEMO_INSTRUCTOR.password},
    ).json()
    assert maria["user"]["time_zone"] == "Europe/London"
    mine = client.get(
        "/api/v1/sync/pull", headers={"Authorization": f"Bearer {maria['access_token']}"}
    ).json()
    week = [b for b in mine["bookings"] if "2026-11-23" <= b["start"][:10] <= "2026-11-29"]
    assert {"completed", "no_show", "cancelled", "confirmed"} <= {b["status"] for b in week}
    template_days = {r["weekday"] for r in mine["templates"][0]["ranges"]}
    assert template_days == {0, 1, 2, 3, 4, 5}
    assert lessons_outside_hours(mine) == []  # the demo starts with no clash to resolve


def check_history(pulled: dict) -> None:
    """Each lesson's last history entry explains its status: the student who cancelled,
    before the lesson; the instructor who marked it, once it ended."""
    teachers = {i["id"]: i["user_id"] for i in pulled["instructors"]}
    last: dict[str, dict] = {}
    for entry in sorted(pulled["audit"], key=lambda e: e["at"]):
        last[entry["booking_id"]] = entry
    for booking in pulled["bookings"]:
        entry = last[booking["id"]]
        status = booking["status"]
        if status == "cancelled" and booking["cancelled_by"] == "student":
            assert (entry["actor_role"], entry["actor_id"]) == ("student", booking["student_id"])
            assert entry["at"] < booking["start"]
        elif status in ("completed", "no_show"):
            assert entry["actor_role"] == "instructor"
            assert entry["actor_id"] == teachers[booking["instructor_id"]]
            assert entry["at"] >= booking["end"]
        elif status == "confirmed":
            assert entry["action"] == "booking.create"


def lessons_outside_hours(pulled: dict) -> list[str]:
    """Active lessons of the (single) instructor in ``pulled`` outside that date's hours."""
    tz = ZoneInfo(pulled["instructors"][0]["time_zone"])
    own = {o["date"]: o["ranges"] for o in pulled["overrides"]}
    usual: dict[int, list[dict[str, str]]] = {}
    for r in pulled["templates"][0]["ranges"]:
        usual.setdefault(r["weekday"], []).append(r)
    outside = []
    for b in pulled["bookings"]:
        if b["status"] == "cancelled":
            continue
        start = datetime.fromisoformat(b["start"]).astimezone(tz)
        end = datetime.fromisoformat(b["end"]).astimezone(tz)
        day = start.date()
        hours = own.get(day.isoformat(), usual.get(day.weekday(), []))
        begin, finish = f"{start:%H:%M}", f"{end:%H:%M}"
        if not any(r["start"] <= begin and finish <= r["end"] for r in hours):
            outside.append(f"{b['start']} ({b['status']})")
    return outside


def test_demo_is_deterministic(databases: DatabaseFactory) -> None:
    with demo_pull(databases, "a") as (_client, first), demo_pull(databases, "b") as (_, second):
        pass
    key = [(b["id"], b["start"], b["status"]) for b in first["bookings"]]
    assert key == [(b["id"], b["start"], b["status"]) for b in second["bookings"]]


def test_seed_only_an_empty_database(databases: DatabaseFactory) -> None:
    app = create_app(
        Settings(database_url=databases.new("x"), seed_demo=True),
        clock=FakeClock(NOW),
    )
    assert seed_if_empty(app.state.context.uow, NOW) is False
    app.state.context.uow.database.dispose()


def test_cli_arguments() -> None:
    args = cli.parse_args(
        [
            "--host",
            "0.0.0.0",
            "--port",
            "9001",
            "--database-url",
            "sqlite:///x.sqlite3",
            "--seed-demo",
        ]
    )
    assert (args.host, args.port, args.database_url, args.seed_demo) == (
        "0.0.0.0",
        9001,
        "sqlite:///x.sqlite3",
        True,
    )


def test_cli_reports_an_unusable_database(tmp_path: Path, capsys) -> None:
    code = cli.main(["--database-url", f"sqlite:///{tmp_path / 'no' / 'such' / 'x.sqlite3'}"])
    assert code == 2
    assert "cannot open the database" in capsys.readouterr().err


def test_demo_history_happens_in_a_plausible_order(databases: DatabaseFactory) -> None:
    """A lesson is booked before it starts, cancelled before it starts (and not in the
    future), and marked after it ends, at hours when people are awake, by who would do it."""
    with demo_pull(databases, "history") as (_client, pulled):
        pass
    bookings = {b["id"]: b for b in pulled["bookings"]}
    when = {
        b["id"]: (_at(b["start"]), _at(b["end"]), _at(b["created_at"])) for b in bookings.values()
    }
    zones = {s["id"]: ZoneInfo(s["time_zone"]) for s in pulled["students"]}
    problems = []
    for entry in pulled["audit"]:
        booking = bookings[entry["booking_id"]]
        start, end, created = when[booking["id"]]
        at, action = _at(entry["at"]), entry["action"]
        if at > NOW:
            problems.append(f"{action} in the future ({entry['at']})")
        if action == "booking.create" and not at < start:
            problems.append(f"booked at or after the start ({entry['at']} for {booking['start']})")
        if action == "booking.cancel":
            if not created < at < start:
                problems.append(f"cancelled at {entry['at']} for {booking['start']}")
            if entry["actor_role"] == "student":
                local = at.astimezone(zones[booking["student_id"]])
                if not 7 <= local.hour < 23:
                    problems.append(f"a student cancelled at {local:%H:%M} their time")
            if entry["details"].get("reason") != booking["cancel_reason"]:
                problems.append("a cancellation whose history does not give its reason")
        if action in ("booking.complete", "booking.no_show") and not end <= at:
            problems.append(f"marked at {entry['at']} before the end {booking['end']}")
    assert problems == []
    cancels = [e for e in pulled["audit"] if e["action"] == "booking.cancel"]
    assert len(cancels) == sum(b["status"] == "cancelled" for b in bookings.values())
    # booked and cancelled at all sorts of minutes, not on the lesson's own hour
    assert len({_at(e["at"]).minute for e in cancels}) > 10
    last_change = {e["booking_id"]: e["at"] for e in sorted(pulled["audit"], key=lambda e: e["at"])}
    assert all(b["updated_at"] == last_change[b["id"]] for b in bookings.values())


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
