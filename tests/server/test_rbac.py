"""Every endpoint, called as anonymous, student, instructor (own and another's data) and admin.

The expected answer is derived from ``ROLE_PERMISSIONS`` and the permission each route declares
(read from the app itself), never written out by hand: 401 without a token, 403 when the role
lacks the permission or holds it only for its own data and the data is someone else's -- except
bookings the caller cannot even read, which are 404 so ids cannot be probed.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from instainstru_desktop.server.app import ROUTERS
from instainstru_desktop.server.core.models import Booking
from instainstru_desktop.server.core.permissions import ROLE_PERMISSIONS, Permission, Role, Scope
from instainstru_desktop.server.repositories.uow import UnitOfWork
from tests.server.helpers import PASSWORD, FakeClock, Person, Studio, iso, new_id, sign

API = "/api/v1"


def declared_permissions(app: FastAPI) -> dict[tuple[str, str], Permission | None]:
    """(method, path) -> the permission its RequirePermission dependency names (None: none)."""
    found: dict[tuple[str, str], Permission | None] = {}
    served = set(app.openapi()["paths"])
    routes = [r for module in ROUTERS for r in module.router.routes if isinstance(r, APIRoute)]
    for route in routes:
        assert API + route.path in served
        stack = list(route.dependant.dependencies)
        permission = None
        while stack:
            dep = stack.pop()
            permission = getattr(dep.call, "required_permission", permission)
            stack.extend(dep.dependencies)
        for method in route.methods:
            found[(method, route.path)] = permission
    return found


@dataclass
class Target:
    """The data a call is about, and who owns it."""

    instructor: Person
    student: Person | None = None

    def owned_by(self, caller: Person) -> bool:
        if caller.role == "instructor":
            return caller.instructor_id == self.instructor.instructor_id
        return self.student is not None and caller.user_id == self.student.user_id


class World:
    def __init__(self, uow: UnitOfWork, studio: Studio, clock: FakeClock) -> None:
        self.uow, self.studio, self.clock = uow, studio, clock
        self.slots = itertools.count(1)
        self.days = itertools.count(3)

    def booking(self, target: Target, *, past: bool, status: str = "confirmed") -> str:
        """A booking written directly (no rules): past ones can be marked done."""
        assert target.student is not None
        start = self.clock.now + (timedelta(days=-30) if past else timedelta(days=25))
        start += timedelta(minutes=60 * next(self.slots))
        booking_id = new_id()
        with self.uow.write() as tx:
            tx.bookings.insert(
                Booking(
                    id=booking_id,
                    instructor_id=target.instructor.instructor_id,
                    student_id=target.student.user_id,
                    lesson_type_id=target.instructor.lesson_type_id,
                    start_utc=start,
                    end_utc=start + timedelta(minutes=60),
                    status=status,
                    note="",
                    flagged=False,
                    review_note="",
                    price_cents=1,
                    currency="EUR",
                    created_at=self.clock.now,
                    updated_at=self.clock.now,
                    version=1,
                )
            )
            tx.commit()
        return booking_id

    def free_start(self, target: Target) -> str:
        """A distinct bookable start (a new day for every call, 10:00 in the instructor's zone)."""
        day = self.clock.now + timedelta(days=next(self.days))
        in_kolkata = target.instructor.instructor_id == self.studio.instructors[1].instructor_id
        return iso(day.replace(hour=5 if in_kolkata else 10, minute=0))


Call = tuple[str, str, dict[str, Any] | None]
Builder = Callable[[World, Target, Person], Call]


def _instr(target: Target) -> str:
    return str(target.instructor.instructor_id)


DAY = "2026-03-10"
CALLS: dict[tuple[str, str], tuple[str, Builder]] = {
    ("GET", "/meta"): ("none", lambda w, t, c: ("GET", "/meta", None)),
    ("POST", "/auth/token"): (
        "none",
        lambda w, t, c: (
            "POST",
            "/auth/token",
            {
                "email": (c if c.role != "anonymous" else w.studio.students[0]).email,
                "password": PASSWORD,
            },
        ),
    ),
    ("POST", "/auth/sign-up"): (
        "none",
        lambda w, t, c: (
            "POST",
            "/auth/sign-up",
            {
                "name": "New Student",
                "email": f"new.{new_id()}@test.example",
                "password": PASSWORD,
                "time_zone": "Europe/Madrid",
            },
        ),
    ),
    ("POST", "/auth/logout"): ("none", lambda w, t, c: ("POST", "/auth/logout", None)),
    ("GET", "/me"): ("none", lambda w, t, c: ("GET", "/me", None)),
    ("GET", "/instructors"): ("none", lambda w, t, c: ("GET", "/instructors", None)),
    ("GET", "/instructors/{instructor_id}"): (
        "instructor",
        lambda w, t, c: ("GET", f"/instructors/{_instr(t)}", None),
    ),
    ("PATCH", "/instructors/{instructor_id}"): (
        "instructor",
        lambda w, t, c: ("PATCH", f"/instructors/{_instr(t)}", {"bio": "Hello"}),
    ),
    ("PUT", "/instructors/{instructor_id}/policy"): (
        "instructor",
        lambda w, t, c: (
            "PUT",
            f"/instructors/{_instr(t)}/policy",
            {
                "min_notice_minutes": 120,
                "booking_horizon_days": 28,
                "buffer_minutes": 0,
                "slot_step_minutes": 15,
                "daily_limit": None,
                "weekly_limit": None,
            },
        ),
    ),
    ("POST", "/instructors/{instructor_id}/lesson-types"): (
        "instructor",
        lambda w, t, c: (
            "POST",
            f"/instructors/{_instr(t)}/lesson-types",
            {
                "name": "Extra",
                "duration_minutes": 30,
                "price_cents": 100,
                "currency": "EUR",
                "color": "#112233",
            },
        ),
    ),
    ("PATCH", "/lesson-types/{lesson_type_id}"): (
        "instructor",
        lambda w, t, c: (
            "PATCH",
            f"/lesson-types/{t.instructor.lesson_type_id}",
            {"price_cents": 4100},
        ),
    ),
    ("GET", "/students"): ("none", lambda w, t, c: ("GET", "/students", None)),
    ("GET", "/instructors/{instructor_id}/weekly-template"): (
        "instructor",
        lambda w, t, c: ("GET", f"/instructors/{_instr(t)}/weekly-template", None),
    ),
    ("PUT", "/instructors/{instructor_id}/weekly-template"): (
        "instructor",
        lambda w, t, c: (
            "PUT",
            f"/instructors/{_instr(t)}/weekly-template",
            {"ranges": [{"weekday": d, "start": "09:00", "end": "17:00"} for d in range(7)]},
        ),
    ),
    ("GET", "/instructors/{instructor_id}/availability"): (
        "instructor",
        lambda w, t, c: (
            "GET",
            f"/instructors/{_instr(t)}/availability?from=2026-03-02&to=2026-03-08",
            None,
        ),
    ),
    ("PUT", "/instructors/{instructor_id}/availability/{day}"): (
        "instructor",
        lambda w, t, c: (
            "PUT",
            f"/instructors/{_instr(t)}/availability/{DAY}",
            {"ranges": [{"start": "09:00", "end": "17:00"}]},
        ),
    ),
    ("DELETE", "/instructors/{instructor_id}/availability/{day}"): (
        "instructor",
        lambda w, t, c: ("DELETE", f"/instructors/{_instr(t)}/availability/{DAY}", None),
    ),
    ("GET", "/instructors/{instructor_id}/slots"): (
        "instructor",
        lambda w, t, c: (
            "GET",
            f"/instructors/{_instr(t)}/slots?lesson_type_id={t.instructor.lesson_type_id}"
            "&from=2026-03-03T00:00:00Z&to=2026-03-05T00:00:00Z",
            None,
        ),
    ),
    ("POST", "/bookings"): (
        "booking",
        lambda w, t, c: (
            "POST",
            "/bookings",
            {
                "instructor_id": _instr(t),
                "lesson_type_id": t.instructor.lesson_type_id,
                "start": w.free_start(t),
                "student_id": t.student.user_id if t.student else None,
            },
        ),
    ),
    ("GET", "/bookings"): ("none", lambda w, t, c: ("GET", "/bookings", None)),
    ("GET", "/bookings/{booking_id}"): (
        "booking",
        lambda w, t, c: ("GET", f"/bookings/{w.booking(t, past=False)}", None),
    ),
    ("GET", "/bookings/{booking_id}/history"): (
        "booking",
        lambda w, t, c: ("GET", f"/bookings/{w.booking(t, past=False)}/history", None),
    ),
    ("POST", "/bookings/{booking_id}/cancel"): (
        "booking",
        lambda w, t, c: ("POST", f"/bookings/{w.booking(t, past=False)}/cancel", {"reason": "ill"}),
    ),
    ("POST", "/bookings/{booking_id}/complete"): (
        "booking",
        lambda w, t, c: ("POST", f"/bookings/{w.booking(t, past=True)}/complete", None),
    ),
    ("POST", "/bookings/{booking_id}/no-show"): (
        "booking",
        lambda w, t, c: ("POST", f"/bookings/{w.booking(t, past=True)}/no-show", None),
    ),
    ("POST", "/bookings/{booking_id}/correct-outcome"): (
        "booking",
        lambda w, t, c: (
            "POST",
            f"/bookings/{w.booking(t, past=True, status='completed')}/correct-outcome",
            {"status": "no_show"},
        ),
    ),
    ("POST", "/bookings/{booking_id}/reschedule"): (
        "booking",
        lambda w, t, c: (
            "POST",
            f"/bookings/{w.booking(t, past=False)}/reschedule",
            {"start": w.free_start(t)},
        ),
    ),
    ("PUT", "/bookings/{booking_id}/note"): (
        "booking",
        lambda w, t, c: (
            "PUT",
            f"/bookings/{w.booking(t, past=False)}/note",
            {"note": "bring music"},
        ),
    ),
    ("GET", "/admin/bookings"): ("none", lambda w, t, c: ("GET", "/admin/bookings", None)),
    ("POST", "/admin/bookings/{booking_id}/review"): (
        "booking",
        lambda w, t, c: (
            "POST",
            f"/admin/bookings/{w.booking(t, past=False)}/review",
            {"flagged": True, "note": "check"},
        ),
    ),
    ("GET", "/admin/stats"): ("none", lambda w, t, c: ("GET", "/admin/stats", None)),
    ("GET", "/sync/pull"): ("none", lambda w, t, c: ("GET", "/sync/pull", None)),
    ("GET", "/sync/state"): (
        "none",
        lambda w, t, c: ("GET", f"/sync/state?client_id={new_id()}", None),
    ),
    ("POST", "/sync/push"): (
        "none",
        lambda w, t, c: ("POST", "/sync/push", {"client_id": new_id(), "mutations": []}),
    ),
    ("GET", "/events"): ("none", lambda w, t, c: ("GET", "/events", None)),
    ("GET", "/instructors/{instructor_id}/live"): (
        "instructor",
        lambda w, t, c: ("GET", f"/instructors/{_instr(t)}/live", None),
    ),
}

#: Endpoints anyone may call: the ones that declare no permission and need no sign-in.
PUBLIC = {
    ("GET", "/meta"),
    ("POST", "/auth/token"),
    ("POST", "/auth/sign-up"),
    ("GET", "/instructors/{instructor_id}/slots"),
    ("GET", "/instructors/{instructor_id}/live"),
}
SIGNED_IN_ONLY = {("POST", "/auth/logout"), ("GET", "/me")}


def test_every_endpoint_is_in_the_matrix(app: FastAPI) -> None:
    assert set(declared_permissions(app)) == set(CALLS)


def expected_status(
    role: str, permission: Permission | None, key: tuple[str, str], kind: str, owned: bool
) -> str:
    """'ok' or an error status, from the permission table alone."""
    if key in PUBLIC:
        return "ok"
    if role == "anonymous":
        return "401"
    if permission is None:
        assert key in SIGNED_IN_ONLY
        return "ok"
    scope = ROLE_PERMISSIONS[Role(role)].get(permission)
    if scope is None:
        return "403"
    if scope is Scope.ANY or kind == "none" or owned:
        return "ok"
    if kind == "booking":
        read = ROLE_PERMISSIONS[Role(role)].get(Permission.BOOKINGS_READ)
        if permission is not Permission.BOOKINGS_CREATE and read is not Scope.ANY:
            return "404"
    return "403"


def cases(studio: Studio) -> Iterator[tuple[str, Person, Target, bool]]:
    """(label, caller, target, owned) for every kind of caller."""
    teacher, other_teacher = studio.instructors
    student, other_student = studio.students[0], studio.students[1]
    anonymous = Person(user_id="", email="", name="", role="anonymous")
    yield "anonymous", anonymous, Target(teacher, student), False
    yield "student-own", student, Target(teacher, student), True
    yield "student-other", student, Target(other_teacher, other_student), False
    yield "instructor-own", teacher, Target(teacher, student), True
    yield "instructor-other", teacher, Target(other_teacher, other_student), False
    yield "admin", studio.admin, Target(other_teacher, other_student), False


def call(client: TestClient, caller: Person, request: Call) -> int:
    method, path, body = request
    headers = caller.headers if caller.token else {}
    if path == "/events" or path.endswith("/live"):
        with client.stream(method, API + path, headers=headers) as response:
            return response.status_code
    response = client.request(method, API + path, json=body, headers=headers)
    return response.status_code


@pytest.mark.slow
def test_matrix(
    app: FastAPI, client: TestClient, uow: UnitOfWork, studio: Studio, clock: FakeClock
) -> None:
    app.state.context.settings = app.state.context.settings.model_copy(
        update={"events_keepalive_seconds": 0.05}
    )
    world = World(uow, studio, clock)
    permissions = declared_permissions(app)
    failures = []
    for key, (kind, build) in CALLS.items():
        for label, caller, target, owned in cases(studio):
            if key == ("POST", "/auth/logout") and caller.token:
                caller = sign(uow, Person(**{**caller.__dict__, "token": ""}), clock.now)
            expected = expected_status(caller.role, permissions[key], key, kind, owned)
            status = call(client, caller, build(world, target, caller))
            got = "ok" if 200 <= status < 300 else str(status)
            if got != expected:
                failures.append(f"{key[0]} {key[1]} as {label}: expected {expected}, got {status}")
    assert not failures, "\n".join(failures)


def test_instructor_sees_only_own_bookings(
    client: TestClient, uow: UnitOfWork, studio: Studio, clock: FakeClock
) -> None:
    world = World(uow, studio, clock)
    teacher, other = studio.instructors
    mine = world.booking(Target(teacher, studio.students[0]), past=False)
    theirs = world.booking(Target(other, studio.students[1]), past=False)
    listed = client.get(f"{API}/bookings", headers=teacher.headers).json()["items"]
    assert [b["id"] for b in listed] == [mine]
    assert theirs not in {
        b["id"]
        for b in client.get(f"{API}/bookings", headers=studio.students[0].headers).json()["items"]
    }
    admin_ids = {
        b["id"]
        for b in client.get(f"{API}/admin/bookings", headers=studio.admin.headers).json()["items"]
    }
    assert {mine, theirs} <= admin_ids


def test_private_note_and_review_are_shown_by_audience(
    client: TestClient, uow: UnitOfWork, studio: Studio, clock: FakeClock
) -> None:
    world = World(uow, studio, clock)
    teacher, student = studio.instructors[0], studio.students[0]
    booking = world.booking(Target(teacher, student), past=False)
    client.put(f"{API}/bookings/{booking}/note", json={"note": "private"}, headers=teacher.headers)
    client.post(
        f"{API}/admin/bookings/{booking}/review",
        json={"flagged": True, "note": "x"},
        headers=studio.admin.headers,
    )
    as_student = client.get(f"{API}/bookings/{booking}", headers=student.headers).json()
    as_teacher = client.get(f"{API}/bookings/{booking}", headers=teacher.headers).json()
    as_admin = client.get(f"{API}/bookings/{booking}", headers=studio.admin.headers).json()
    assert (as_student["note"], as_student["review_note"]) == (None, None)
    assert (as_teacher["note"], as_teacher["review_note"]) == ("private", None)
    assert (as_admin["note"], as_admin["review_note"]) == ("private", "x")
