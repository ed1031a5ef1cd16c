"""Each permission of a request is checked once at each place that owns the question.

The route asks whether the role may do this at all (``RequirePermission``); the use case asks
whether it may on this data (``authorize``). A booking request used to ask its permission up to
five times (the route, the write runner, the use case, and twice inside ``authorize``).
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from instainstru_desktop.server.core import permissions
from instainstru_desktop.server.core.permissions import Permission, Principal, Scope
from tests.server.helpers import FakeClock, Studio, iso

API = "/api/v1"


@pytest.fixture
def looked_up(monkeypatch: pytest.MonkeyPatch) -> Counter[Permission]:
    """Counts each lookup of a role's scope for a permission (every check goes through it)."""
    counts: Counter[Permission] = Counter()
    real = permissions.scope_of

    def counting(principal: Principal | None, permission: Permission) -> Scope | None:
        counts[permission] += 1
        return real(principal, permission)

    monkeypatch.setattr(permissions, "scope_of", counting)
    return counts


def test_a_booking_request_checks_its_permission_at_the_route_and_on_the_data(
    client: TestClient, studio: Studio, clock: FakeClock, looked_up: Counter[Permission]
) -> None:
    teacher, student = studio.instructors[0], studio.students[0]
    start = (clock.now + timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)

    booked = client.post(
        f"{API}/bookings",
        json={
            "instructor_id": teacher.instructor_id,
            "lesson_type_id": teacher.lesson_type_id,
            "start": iso(start),
        },
        headers=student.headers,
    )
    assert booked.status_code == 201, booked.text
    assert looked_up[Permission.BOOKINGS_CREATE] == 2

    looked_up.clear()
    cancelled = client.post(
        f"{API}/bookings/{booked.json()['id']}/cancel",
        json={"reason": "ill"},
        headers=teacher.headers,
    )
    assert cancelled.status_code == 200, cancelled.text
    assert looked_up[Permission.BOOKINGS_CANCEL] == 2

    looked_up.clear()
    read = client.get(f"{API}/bookings/{booked.json()['id']}", headers=student.headers)
    assert read.status_code == 200, read.text
    assert looked_up[Permission.BOOKINGS_READ] == 2
