"""Scenario 12: two devices of one instructor, random edits, syncs, server restarts, lost
replies and offline spells; after a quiet sync the server and both caches agree exactly."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule

from instainstru_desktop.services import ServiceError
from instainstru_desktop.services.views import HoursRange
from tests.sync.consistency import (
    assert_nothing_lost_nothing_duplicated,
    cache_snapshot,
)
from tests.sync.harness import Device, ServerHandle
from tests.sync.scenarios import at, local_day, student_books

DEVICES = st.integers(0, 1)
LESSONS = st.integers(0, 5)


class TwoDevicesOneServer(RuleBasedStateMachine):
    """The model is the server: whatever it decided, both devices must end up showing it."""

    @initialize()
    def start(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="instainstru-stateful-"))
        self.server = ServerHandle(self.folder)
        instructor = self.server.studio.instructors[0]
        students = self.server.studio.students
        now = datetime.now(UTC).replace(second=0, microsecond=0)
        self.lessons = [
            self.server.add_lesson(instructor, students[i], now - timedelta(hours=2 * i + 1))
            for i in range(3)
        ] + [
            student_books(self.server, students[i], instructor, at(local_day(2 + i), 11))
            for i in range(3)
        ]
        self.devices = [Device(self.folder, name, self.server, instructor) for name in "ab"]
        for device in self.devices:
            device.sync()

    @rule(device=DEVICES, day=st.integers(1, 6), start=st.integers(28, 60), hours=st.integers(1, 8))
    def paint_hours(self, device: int, day: int, start: int, hours: int) -> None:
        begin = start * 15
        end = min(begin + hours * 60, 24 * 60)
        d = self.devices[device]
        d.availability.set_date_ranges(d.instructor_id, local_day(day), [HoursRange(begin, end)])

    @rule(device=DEVICES, day=st.integers(1, 6))
    def back_to_usual_week(self, device: int, day: int) -> None:
        d = self.devices[device]
        d.availability.clear_date(d.instructor_id, local_day(day))

    @rule(device=DEVICES, lesson=LESSONS, text=st.text("abc ", max_size=8))
    def write_a_note(self, device: int, lesson: int, text: str) -> None:
        self.devices[device].lessons.note(self.lessons[lesson], text)

    @rule(device=DEVICES, lesson=st.integers(0, 2), done=st.booleans())
    def mark_outcome(self, device: int, lesson: int, done: bool) -> None:
        lessons = self.devices[device].lessons
        with contextlib.suppress(ServiceError):  # already marked here: the UI would not offer it
            (lessons.complete if done else lessons.no_show)(self.lessons[lesson])

    @rule(device=DEVICES, lesson=LESSONS)
    def cancel(self, device: int, lesson: int) -> None:
        with contextlib.suppress(ServiceError):
            self.devices[device].lessons.cancel(self.lessons[lesson], "schedule change")

    @rule(device=DEVICES)
    def sync(self, device: int) -> None:
        self.devices[device].engine.sync_once(force_push=True)  # may fail: offline, restarting

    @rule(device=DEVICES)
    def lose_the_next_reply(self, device: int) -> None:
        self.devices[device].switchboard.inject("/sync/push", "lost_reply", times=2)

    @rule(device=DEVICES)
    def go_offline_or_online(self, device: int) -> None:
        switchboard = self.devices[device].switchboard
        switchboard.down = not switchboard.down

    @rule()
    def restart_the_server(self) -> None:
        self.server.restart()

    def teardown(self) -> None:
        if not hasattr(self, "devices"):
            return
        try:
            for device in self.devices:
                device.switchboard.down = False
                device.switchboard.faults.clear()
            for _ in range(2):  # the second round carries the other device's changes across
                for device in self.devices:
                    device.sync()
            for device in self.devices:
                assert_nothing_lost_nothing_duplicated(device, self.server)
            first, second = (cache_snapshot(d) for d in self.devices)
            assert first == second
        finally:
            for device in self.devices:
                device.close()
            self.server.stop()
            shutil.rmtree(self.folder, ignore_errors=True)


TwoDevicesOneServer.TestCase.settings = settings(
    max_examples=10,
    stateful_step_count=20,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TwoDevicesOneServer.TestCase.pytestmark = [pytest.mark.slow]  # type: ignore[attr-defined]
test_two_devices_and_a_server_always_converge = TwoDevicesOneServer.TestCase
