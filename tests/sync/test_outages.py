"""Scenarios 3 and 4: the server down for 200 edits; 5xx and timeouts for a stretch.

In both the outbox must drain by itself once the server answers again: no new local edit, no
"sync now" -- only the scheduler waking when the outbox's backoff ends.
"""

from __future__ import annotations

import itertools
import time
from datetime import UTC, datetime, timedelta

from instainstru_desktop.services.views import HoursRange
from tests.sync.consistency import assert_nothing_lost_nothing_duplicated
from tests.sync.harness import wait_until
from tests.sync.scenarios import at, local_day, student_books


def attempted(device) -> bool:
    with device.store.read() as uow:
        return any(m.attempts > 0 for m in uow.outbox.all())


def make_200_edits(device, past, future) -> None:
    """Hours over 14 dates, notes, outcomes and cancellations: 200 outbox rows in all."""
    edits = 0
    for i in range(120):
        day = local_day(1 + i % 14)
        start = 8 * 60 + (i % 5) * 30
        device.availability.set_date_ranges(
            device.instructor_id, day, [HoursRange(start, start + 120 + i % 3 * 60)]
        )
        edits += 1
    for i, lesson in enumerate(past):
        device.lessons.complete(lesson) if i % 2 else device.lessons.no_show(lesson)
        edits += 1
    for lesson in future[:3]:
        device.lessons.cancel(lesson, "Away at a competition")
        edits += 1
    i = 0
    while edits < 200:
        lesson = (past + future)[i % (len(past) + len(future))]
        device.lessons.note(lesson, f"note {i}")
        edits += 1
        i += 1


def test_200_edits_while_the_server_is_down_drain_by_themselves_once_it_is_back(
    make_device, server, instructor
):
    students = server.studio.students
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    past = [
        server.add_lesson(instructor, students[i % 3], now - timedelta(hours=3 * i + 1))
        for i in range(8)
    ]
    future = [
        student_books(server, students[i % 3], instructor, at(local_day(2 + i), 10))
        for i in range(6)
    ]
    device = make_device()
    device.sync()
    server.stop()  # the real server is gone: connections are refused
    device.scheduler.start()

    make_200_edits(device, past, future)
    assert device.open_count() == 200
    wait_until(lambda: attempted(device), what="a delivery attempt while the server is down")
    assert device.status.status().online is False

    server.start()  # back, on a new port; no new edit is made from here on

    # Generous: the retries' backoff grew while the server was down, longer on a loaded machine.
    wait_until(lambda: device.open_count() == 0, timeout=180, what="the outbox to drain")
    device.scheduler.stop()
    device.sync()
    assert device.status.status().online is True
    assert_nothing_lost_nothing_duplicated(device, server)


def test_5xx_and_timeouts_for_a_stretch_back_off_then_drain_without_a_new_edit(
    make_device, server, instructor
):
    device = make_device()
    lesson = student_books(server, server.studio.students[0], instructor, at(local_day(3), 11))
    device.sync()
    for i in range(10):
        device.availability.set_date_ranges(
            device.instructor_id, local_day(5 + i), [HoursRange(540, 600 + 30 * i)]
        )
    device.lessons.note(lesson, "bring the score")
    # a stretch of trouble: the gateway answers 503, the server answers too late (having
    # committed), the reply is lost, the gateway times out ...
    for kind in ("503", "timeout_after", "503_after", "timeout", "lost_reply", "503") * 2:
        device.switchboard.inject("/sync/", kind)
    pushes: list[float] = []
    device.switchboard.hook = lambda request, fault: (
        pushes.append(time.monotonic()) if request.url.path.endswith("/push") else None
    )

    device.scheduler.start()  # one sync now; after that only the backoff wakes it

    wait_until(lambda: device.open_count() == 0, timeout=60, what="the outbox to drain")
    device.scheduler.stop()
    injected = [kind for _, kind in device.switchboard.injected]
    assert len(injected) == 12, "every fault was met"
    with device.store.read() as uow:
        assert max(m.attempts for m in uow.outbox.all()) >= 2  # it failed, waited, retried
    gaps = [later - earlier for earlier, later in itertools.pairwise(pushes)]
    assert max(gaps) >= 0.025  # backed off (Backoff(0.05): at least half a step between tries)
    device.sync()
    assert_nothing_lost_nothing_duplicated(device, server)
