"""A date's own hours survive being cleared and set again: on the device that did it, on a
second device, and whatever the size of the pull pages that carry the changes down.

The hours the server must end with are computed here from the edits the person made, in the
order the server received them, never read back from the client. A day painted whole on hours
that another device changed in between is a clash: the server keeps what it has.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from instainstru_desktop.services.views import HoursRange
from instainstru_desktop.sync.engine import SyncEngine, SyncProgress
from tests.sync.consistency import assert_nothing_lost_nothing_duplicated
from tests.sync.harness import Device, ServerHandle
from tests.sync.scenarios import local_day

Hours = tuple[tuple[int, int], ...]  # wall-clock minutes
USUAL_WEEK: Hours = ((9 * 60, 17 * 60),)  # the studio's template, every weekday
PAINTS: tuple[Hours, ...] = (
    ((10 * 60, 11 * 60),),
    ((9 * 60, 12 * 60),),
    (),  # time off
    ((13 * 60, 14 * 60 + 30), (15 * 60, 16 * 60)),
)


def server_override(server: ServerHandle, device: Device, day: date) -> Hours | None:
    """The date's own hours as stored by the server (None: it follows the usual week)."""
    rows = server.query(
        "SELECT ranges FROM availability_overrides WHERE instructor_id = ? AND day = ?",
        device.instructor_id,
        day.isoformat(),
    )
    if not rows:
        return None
    return tuple((int(s), int(e)) for s, e in json.loads(rows[0][0]))


def shown_hours(device: Device, day: date) -> Hours:
    """What the week view shows for the date on ``device``."""
    monday = date.fromordinal(day.toordinal() - day.weekday())
    week = device.availability.week(device.instructor_id, monday)
    [found] = [d for d in week.days if d.date == day]
    return tuple((r.start, r.end) for r in found.ranges)


def paint(device: Device, day: date, hours: Hours) -> bool:
    changed = device.availability.set_date_ranges(
        device.instructor_id, day, [HoursRange(s, e) for s, e in hours]
    )
    return bool(changed.mutation_ids)


def back_to_usual_week(device: Device, day: date) -> bool:
    return bool(device.availability.clear_date(device.instructor_id, day).mutation_ids)


def test_clearing_a_date_and_painting_it_again_offline_keeps_the_new_hours(
    make_device, server, instructor
):
    day = local_day(3)
    device = make_device()
    device.sync()
    paint(device, day, ((9 * 60, 12 * 60),))
    device.sync()

    device.switchboard.down = True  # on a train
    assert back_to_usual_week(device, day)
    paint(device, day, ((10 * 60, 11 * 60),))
    device.switchboard.down = False
    device.sync()  # one pull page carries the tombstone of the clear and the new row

    assert server_override(server, device, day) == ((10 * 60, 11 * 60),)
    assert shown_hours(device, day) == ((10 * 60, 11 * 60),)
    assert_nothing_lost_nothing_duplicated(device, server)


def test_a_second_device_sees_a_date_set_again_after_it_was_cleared(
    make_device, server, instructor
):
    day = local_day(4)
    laptop, desktop = make_device("laptop"), make_device("desktop")
    laptop.sync()
    desktop.sync()
    paint(laptop, day, ((9 * 60, 12 * 60),))
    laptop.sync()
    assert back_to_usual_week(laptop, day)
    laptop.sync()
    paint(laptop, day, ((13 * 60, 14 * 60),))
    laptop.sync()

    desktop.sync()  # set, clear and set again arrive together

    assert shown_hours(desktop, day) == ((13 * 60, 14 * 60),)
    for device in (laptop, desktop):
        assert_nothing_lost_nothing_duplicated(device, server)


# -- any interleaving, on two devices, with any page size --------------------------------------


@dataclass
class Step:
    device: int
    kind: str  # "paint" | "clear" | "sync"
    hours: Hours = ()
    pages: int | None = None  # a sync that stops after this many pull pages (None: all)


STEPS = st.one_of(
    st.builds(Step, st.integers(0, 1), st.just("paint"), st.sampled_from(PAINTS)),
    st.builds(Step, st.integers(0, 1), st.just("clear")),
    st.builds(
        Step,
        st.integers(0, 1),
        st.just("sync"),
        st.just(()),
        st.one_of(st.none(), st.integers(1, 3)),
    ),
)


@dataclass
class Model:
    """The server's hours for the date, from the person's edits in the order it received them."""

    override: Hours | None
    queued: list[list[Callable[[Hours | None], Hours | None]]] = field(
        default_factory=lambda: [[], []]
    )

    def edit(self, device: int, effect: Callable[[Hours | None], Hours | None]) -> None:
        self.queued[device].append(effect)

    def delivered(self, device: int) -> None:
        for effect in self.queued[device]:
            self.override = effect(self.override)
        self.queued[device].clear()

    @property
    def effective(self) -> Hours:
        return USUAL_WEEK if self.override is None else self.override

    @staticmethod
    def replacement(hours: Hours, seen: Hours) -> Callable[[Hours | None], Hours | None]:
        """A whole day painted on the hours ``seen``: if the date's hours changed since (and are
        not already these), another change came first and is kept (a clash)."""

        def effect(now: Hours | None) -> Hours | None:
            current = USUAL_WEEK if now is None else now
            return now if current not in (seen, hours) else hours

        return effect


def sync_some_pages(device: Device, pages: int | None, page_rows: int) -> None:
    """Push everything, then pull ``pages`` pages (or all): a sync cut short between pages."""
    if pages is None:
        device.sync()
        return
    stop = threading.Event()
    seen = {"pull": 0}

    def on_progress(progress: SyncProgress) -> None:
        if progress.phase in ("pull", "download"):
            seen["pull"] += 1
            if seen["pull"] >= pages:
                stop.set()

    engine = SyncEngine(
        device.store, device.api, pull_limit=page_rows, on_progress=on_progress
    )
    report = engine.sync_once(cancel=stop, force_push=True)
    assert report.error is None, report.error


@pytest.fixture
def one_server(tmp_path_factory: pytest.TempPathFactory):
    handle = ServerHandle(tmp_path_factory.mktemp("one-date-server"))
    yield handle
    handle.stop()


#: Interleavings known to lose the date's hours before tombstones were superseded: set, clear
#: and set sent together (one device, offline), and seen together by the other device.
OFFLINE_ON_ONE = [
    Step(0, "paint", PAINTS[0]),
    Step(0, "clear"),
    Step(0, "paint", PAINTS[3]),
    Step(0, "sync"),
]
SEEN_BY_THE_OTHER = [
    Step(0, "paint", PAINTS[1]),
    Step(0, "sync"),
    Step(0, "clear"),
    Step(0, "sync"),
    Step(0, "paint", PAINTS[0]),
    Step(0, "sync"),
    Step(1, "sync"),
]
ONE_PAGE = 1000  # every change since the cursor in one page


@pytest.mark.slow
@example(steps=OFFLINE_ON_ONE, page_rows=ONE_PAGE)
@example(steps=SEEN_BY_THE_OTHER, page_rows=ONE_PAGE)
@example(steps=SEEN_BY_THE_OTHER, page_rows=3)
@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    steps=st.lists(STEPS, min_size=1, max_size=12),
    page_rows=st.sampled_from([1, 2, 3, 4, 6, ONE_PAGE]),
)
def test_any_interleaving_on_one_date_leaves_every_cache_equal_to_the_server(
    one_server: ServerHandle,
    tmp_path_factory: pytest.TempPathFactory,
    steps: list[Step],
    page_rows: int,
) -> None:
    server = one_server
    instructor = server.studio.instructors[0]
    folder = tmp_path_factory.mktemp("devices")
    day = local_day(5)
    devices = [
        Device(folder, name, server, instructor, pull_limit=page_rows)
        for name in ("laptop", "desktop")
    ]
    try:
        for device in devices:
            device.sync()
        model = Model(server_override(server, devices[0], day))
        for step in steps:
            device = devices[step.device]
            if step.kind == "paint":
                hours, seen = step.hours, shown_hours(device, day)
                if paint(device, day, hours):
                    model.edit(step.device, model.replacement(hours, seen))
            elif step.kind == "clear":
                if back_to_usual_week(device, day):
                    model.edit(step.device, lambda _now: None)
            else:
                sync_some_pages(device, step.pages, page_rows)
                model.delivered(step.device)
        for _ in range(2):  # the second round carries the other device's edits across
            for index, device in enumerate(devices):
                device.sync()
                model.delivered(index)

        assert server_override(server, devices[0], day) == model.override
        for device in devices:
            assert shown_hours(device, day) == model.effective
            assert_nothing_lost_nothing_duplicated(device, server)
    finally:
        for device in devices:
            device.close()
