"""Two devices editing one date's hours and one lesson's note while offline.

Hour edits travel as the hours added or removed (what a paint or an erase in the week view
means), so edits to different hours of a date merge; when two edits really touch the same hours
or the same note, the server keeps the version it has, records the clash for the instructor's
"Needs attention" list on every device, and "Use mine" sends the other version again.

The hours the server must end with are computed here from what the person did on each device,
never read back from a client.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from datetime import date

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from instainstru_desktop.services.views import HoursRange
from tests.server.helpers import Person
from tests.sync.consistency import assert_nothing_lost_nothing_duplicated, booking_row
from tests.sync.harness import Device, ServerHandle
from tests.sync.scenarios import at, local_day, student_books

Hours = tuple[tuple[int, int], ...]  # wall-clock minutes, sorted and merged
USUAL_WEEK: Hours = ((9 * 60, 17 * 60),)  # the studio's template, every weekday


def h(start: float, end: float) -> tuple[int, int]:
    return (round(start * 60), round(end * 60))


def merged(ranges: list[tuple[int, int]]) -> Hours:
    out: list[list[int]] = []
    for start, end in sorted(ranges):
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return tuple((s, e) for s, e in out)


def minus(hours: Hours, gone: tuple[int, int]) -> Hours:
    out: list[tuple[int, int]] = []
    for start, end in hours:
        if end <= gone[0] or start >= gone[1]:
            out.append((start, end))
            continue
        if start < gone[0]:
            out.append((start, gone[0]))
        if end > gone[1]:
            out.append((gone[1], end))
    return tuple(out)


def shown_hours(device: Device, day: date) -> Hours:
    """What the week view shows for the date on ``device``."""
    monday = date.fromordinal(day.toordinal() - day.weekday())
    week = device.availability.week(device.instructor_id, monday)
    [found] = [d for d in week.days if d.date == day]
    return tuple((r.start, r.end) for r in found.ranges)


def server_hours(server: ServerHandle, device: Device, day: date) -> Hours:
    """The date's hours as the server has them (its own, else the usual week)."""
    rows = server.query(
        "SELECT ranges FROM availability_overrides WHERE instructor_id = ? AND day = ?",
        device.instructor_id,
        day.isoformat(),
    )
    if not rows:
        return USUAL_WEEK
    return tuple((int(s), int(e)) for s, e in json.loads(rows[0][0]))


def edit(device: Device, day: date, span: tuple[int, int], *, paint: bool) -> None:
    """Paint (or erase) ``span`` on the date, as the week view does: the day's hours before and
    after the stroke go to the service, which queues what changed."""
    before = shown_hours(device, day)
    after = merged([*before, span]) if paint else minus(before, span)
    device.availability.edit_date_hours(
        device.instructor_id,
        day,
        [HoursRange(s, e) for s, e in before],
        [HoursRange(s, e) for s, e in after],
    )


def clashes(device: Device) -> list:
    return [i for i in device.attention.items(device.instructor_id) if i.kind.endswith("_clash")]


def test_two_devices_painting_different_hours_of_one_date_offline_keep_both(
    make_device, server: ServerHandle, instructor: Person
) -> None:
    day = local_day(3)
    laptop, phone = make_device("laptop"), make_device("phone")
    laptop.sync()
    phone.sync()
    laptop.switchboard.down = phone.switchboard.down = True
    edit(laptop, day, h(17, 18), paint=True)  # a later evening
    edit(phone, day, h(9, 10), paint=False)  # a later start
    edit(laptop, day, h(12, 13), paint=False)  # and a lunch break
    laptop.switchboard.down = phone.switchboard.down = False

    phone.sync()
    laptop.sync()
    phone.sync()

    meant = minus(minus(merged([*USUAL_WEEK, h(17, 18)]), h(9, 10)), h(12, 13))
    assert meant == (h(10, 12), h(13, 18))
    assert server_hours(server, laptop, day) == meant
    for device in (laptop, phone):
        assert shown_hours(device, day) == meant
        assert device.attention.items(device.instructor_id) == []
        assert_nothing_lost_nothing_duplicated(device, server)


def test_the_same_hours_edited_on_two_devices_keep_the_servers_until_use_mine(
    make_device, server: ServerHandle, instructor: Person
) -> None:
    day = local_day(4)
    laptop, phone = make_device("laptop"), make_device("phone")
    laptop.sync()
    phone.sync()
    laptop.switchboard.down = phone.switchboard.down = True
    edit(phone, day, h(18, 20), paint=True)
    edit(laptop, day, h(17, 19), paint=True)  # 18:00-19:00 painted on both
    laptop.switchboard.down = phone.switchboard.down = False

    phone.sync()
    report = laptop.sync()  # arrives second: the server keeps the phone's hours
    phone.sync()

    theirs = merged([*USUAL_WEEK, h(18, 20)])
    assert (report.applied, report.rejected) == (0, 1)
    assert server_hours(server, laptop, day) == theirs
    for device in (laptop, phone):
        assert shown_hours(device, day) == theirs
        [clash] = clashes(device)  # recorded once, on every device
        assert clash.kind == "hours_clash"
        assert set(clash.actions) == {"keep", "reapply"}
        assert clash.kept == "09:00–17:00, 18:00–20:00"
        assert clash.mine == "add 17:00–19:00"
        assert_nothing_lost_nothing_duplicated(device, server)

    [clash] = clashes(laptop)
    laptop.attention.reapply(clash.item_id)  # "Use mine"
    laptop.sync()
    phone.sync()

    mine = merged([*theirs, h(17, 19)])
    assert server_hours(server, laptop, day) == mine == (h(9, 20),)
    for device in (laptop, phone):
        assert shown_hours(device, day) == mine
        assert clashes(device) == []
        assert_nothing_lost_nothing_duplicated(device, server)


def test_undoing_a_paint_back_to_the_usual_week_keeps_hours_another_device_added_since(
    make_device, server: ServerHandle, instructor: Person
) -> None:
    day = local_day(5)
    laptop, phone = make_device("laptop"), make_device("phone")
    laptop.sync()
    edit(laptop, day, h(18, 19), paint=True)  # the date gets hours of its own
    laptop.sync()
    phone.sync()
    laptop.switchboard.down = True
    edit(phone, day, h(20, 21), paint=True)
    phone.sync()
    laptop.availability.clear_date(laptop.instructor_id, day)  # the paint undone, offline
    laptop.switchboard.down = False

    report = laptop.sync()
    phone.sync()

    theirs = merged([*USUAL_WEEK, h(18, 19), h(20, 21)])
    assert (report.applied, report.rejected) == (0, 1)
    assert server_hours(server, laptop, day) == theirs
    for device in (laptop, phone):
        assert shown_hours(device, day) == theirs
        [clash] = clashes(device)
        assert clash.kind == "hours_clash"
        assert clash.mine == "back to your usual week: 09:00–17:00"
        assert_nothing_lost_nothing_duplicated(device, server)

    [clash] = clashes(laptop)
    laptop.attention.reapply(clash.item_id)  # "Use mine": the usual week after all
    laptop.sync()
    phone.sync()
    assert server_hours(server, laptop, day) == USUAL_WEEK
    assert not server.query(
        "SELECT 1 FROM availability_overrides WHERE instructor_id = ? AND day = ?",
        laptop.instructor_id,
        day.isoformat(),
    )
    for device in (laptop, phone):
        assert shown_hours(device, day) == USUAL_WEEK
        assert clashes(device) == []


def test_keeping_the_other_version_settles_the_clash_on_every_device(
    make_device, server: ServerHandle, instructor: Person
) -> None:
    day = local_day(4)
    laptop, phone = make_device("laptop"), make_device("phone")
    laptop.sync()
    phone.sync()
    laptop.switchboard.down = True
    edit(phone, day, h(10, 12), paint=False)
    phone.sync()
    edit(laptop, day, h(11, 13), paint=False)  # 11:00-12:00 already closed by the phone
    laptop.switchboard.down = False
    laptop.sync()
    phone.sync()

    theirs = minus(USUAL_WEEK, h(10, 12))
    [clash] = clashes(phone)
    assert clash.mine == "remove 11:00–13:00"
    phone.attention.keep(clash.item_id)  # settled on the other device
    phone.sync()
    laptop.sync()

    assert server_hours(server, laptop, day) == theirs
    for device in (laptop, phone):
        assert shown_hours(device, day) == theirs
        assert device.attention.items(device.instructor_id) == []
        assert_nothing_lost_nothing_duplicated(device, server)


def test_two_notes_on_one_lesson_keep_the_servers_until_use_mine(
    make_device, server: ServerHandle, instructor: Person
) -> None:
    lesson = student_books(server, server.studio.students[0], instructor, at(local_day(2), 11))
    laptop, phone = make_device("laptop"), make_device("phone")
    laptop.sync()
    phone.sync()
    laptop.switchboard.down = phone.switchboard.down = True
    laptop.lessons.note(lesson, "Scales in D major, then the Bach minuet.")
    phone.lessons.note(lesson, "Bring the new book.")
    laptop.switchboard.down = phone.switchboard.down = False

    phone.sync()
    laptop.sync()
    phone.sync()

    [(note,)] = server.query("SELECT note FROM bookings WHERE id = ?", lesson)
    assert note == "Bring the new book."
    for device in (laptop, phone):
        assert booking_row(device, lesson)["note"] == "Bring the new book."
        [clash] = clashes(device)
        assert (clash.kind, clash.booking_id) == ("note_clash", lesson)
        assert clash.kept == "Bring the new book."
        assert clash.mine == "Scales in D major, then the Bach minuet."
        assert_nothing_lost_nothing_duplicated(device, server)

    [clash] = clashes(phone)
    phone.attention.reapply(clash.item_id)  # "Use mine" works from any device of the instructor
    phone.sync()
    laptop.sync()

    [(note,)] = server.query("SELECT note FROM bookings WHERE id = ?", lesson)
    assert note == "Scales in D major, then the Bach minuet."
    for device in (laptop, phone):
        assert booking_row(device, lesson)["note"] == note
        assert clashes(device) == []
        assert_nothing_lost_nothing_duplicated(device, server)


def test_notes_written_one_after_the_other_do_not_clash(
    make_device, server: ServerHandle, instructor: Person
) -> None:
    lesson = student_books(server, server.studio.students[0], instructor, at(local_day(2), 11))
    laptop, phone = make_device("laptop"), make_device("phone")
    laptop.sync()
    phone.sync()
    laptop.lessons.note(lesson, "first")
    laptop.lessons.note(lesson, "first, then second")
    laptop.sync()
    phone.sync()
    phone.lessons.note(lesson, "third, seen the others")
    phone.sync()
    laptop.sync()

    for device in (laptop, phone):
        assert booking_row(device, lesson)["note"] == "third, seen the others"
        assert device.attention.items(device.instructor_id) == []
        assert_nothing_lost_nothing_duplicated(device, server)


# -- any strokes on two devices, any syncs ------------------------------------------------------


@dataclass
class Stroke:
    device: int
    kind: str  # "paint" | "erase" | "sync"
    span: tuple[int, int] = (0, 0)


SPANS = st.builds(
    lambda start, length: (start * 30, start * 30 + length * 30),
    st.integers(30, 40),  # 15:00 to 20:00: around the end of the usual day, so strokes meet
    st.integers(1, 6),
)
STROKES = st.one_of(
    st.builds(Stroke, st.integers(0, 1), st.sampled_from(["paint", "erase"]), SPANS),
    st.builds(Stroke, st.integers(0, 1), st.just("sync")),
)


def intersect(hours: Hours, ranges: Hours) -> Hours:
    return merged(
        [(max(a, c), min(b, d)) for a, b in hours for c, d in ranges if max(a, c) < min(b, d)]
    )


def minus_all(hours: Hours, gone: Hours) -> Hours:
    for span in gone:
        hours = minus(hours, span)
    return hours


@dataclass(frozen=True)
class Op:
    """Hours a stroke opened or closed, as the person meant them."""

    opens: bool
    ranges: Hours

    def applied(self, hours: Hours) -> Hours:
        return merged([*hours, *self.ranges]) if self.opens else minus_all(hours, self.ranges)

    def clashes(self, hours: Hours) -> bool:
        """Someone else changed some of these same hours first (not to what this op wants)."""
        now = intersect(hours, self.ranges)
        seen, wanted = ((), self.ranges) if self.opens else (self.ranges, ())
        return now not in (seen, wanted)

    def words(self) -> str:
        spans = ", ".join(
            f"{s // 60:02d}:{s % 60:02d}–{e // 60:02d}:{e % 60:02d}" for s, e in self.ranges
        )
        return f"{'add' if self.opens else 'remove'} {spans}"


@dataclass
class ServerModel:
    """The date's hours as the server must have them, from the strokes in arrival order."""

    hours: Hours
    queued: list[list[Op]] = field(default_factory=lambda: [[], []])
    clashes: list[Op] = field(default_factory=list)

    def delivered(self, device: int) -> None:
        for op in self.queued[device]:
            if op.clashes(self.hours):
                self.clashes.append(op)
            else:
                self.hours = op.applied(self.hours)
        self.queued[device].clear()


def stroke(device: Device, day: date, span: tuple[int, int], paint: bool) -> list[Op]:
    before = shown_hours(device, day)
    after = merged([*before, span]) if paint else minus(before, span)
    edit(device, day, span, paint=paint)
    closed, opened = minus_all(before, after), minus_all(after, before)
    return [op for op in (Op(False, closed), Op(True, opened)) if op.ranges]


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory: pytest.TempPathFactory):
    handle = ServerHandle(tmp_path_factory.mktemp("range-edits-server"))
    yield handle
    handle.stop()


_DAYS = itertools.count(2)
#: Both devices paint into the same evening hours while offline: the second to arrive clashes.
CROSSING = [
    Stroke(1, "paint", (18 * 60, 20 * 60)),
    Stroke(0, "paint", (17 * 60, 19 * 60)),
    Stroke(1, "sync"),
    Stroke(0, "sync"),
]
#: One device closes hours another had just reopened: a clash, set aside until "use mine".
REOPENED = [
    Stroke(1, "erase", (15 * 60, 17 * 60)),
    Stroke(1, "sync"),
    Stroke(1, "paint", (15 * 60, 16 * 60)),
    Stroke(1, "sync"),
    Stroke(0, "paint", (17 * 60, 18 * 60)),
    Stroke(0, "erase", (14 * 60, 17 * 60)),
]


@pytest.mark.slow
@example(strokes=CROSSING)
@example(strokes=REOPENED)
@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(strokes=st.lists(STROKES, min_size=2, max_size=10))
def test_any_strokes_on_two_devices_merge_or_clash_and_use_mine_ends_with_the_users_hours(
    shared_server: ServerHandle, tmp_path_factory: pytest.TempPathFactory, strokes: list[Stroke]
) -> None:
    server = shared_server
    instructor = server.studio.instructors[0]
    folder = tmp_path_factory.mktemp("devices")
    day = local_day(next(_DAYS))  # a date of its own for each example
    devices = [Device(folder, name, server, instructor) for name in ("laptop", "phone")]
    try:
        for device in devices:
            device.sync()
            device.switchboard.down = True  # offline until the stroke list says "sync"
        model = ServerModel(server_hours(server, devices[0], day))
        for step in strokes:
            device = devices[step.device]
            if step.kind == "sync":
                device.switchboard.down = False
                device.sync()
                model.delivered(step.device)
                device.switchboard.down = True
            else:
                ops = stroke(device, day, step.span, step.kind == "paint")
                model.queued[step.device].extend(ops)
        for device in devices:
            device.switchboard.down = False
        for _ in range(2):  # the second round carries the other device's edits across
            for index, device in enumerate(devices):
                device.sync()
                model.delivered(index)

        assert server_hours(server, devices[0], day) == model.hours
        for device in devices:
            assert shown_hours(device, day) == model.hours
            assert sorted(c.mine for c in clashes(device)) == sorted(
                op.words() for op in model.clashes
            )
            assert_nothing_lost_nothing_duplicated(device, server)

        laptop = devices[0]
        for op in model.clashes:  # "use mine" on each, in the order the server set them aside
            [item, *_] = [c for c in clashes(laptop) if c.mine == op.words()]
            laptop.attention.reapply(item.item_id)
            laptop.sync()
            model.hours = op.applied(model.hours)
        for device in devices:
            device.sync()

        assert server_hours(server, laptop, day) == model.hours
        for device in devices:
            assert shown_hours(device, day) == model.hours
            assert clashes(device) == []
            assert_nothing_lost_nothing_duplicated(device, server)
    finally:
        for device in devices:
            device.close()
