"""A download from the start is checked against the server's counts, against the real server:
one that lost rows on the way is downloaded once more and heals, with the edits waiting in the
outbox kept; a server that keeps counting otherwise ends in a sentence, never in a loop."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import httpx
import orjson
import pytest

from instainstru_desktop.services.views import HoursRange
from instainstru_desktop.store.repositories.sync_state import START_CURSOR
from instainstru_desktop.sync.backoff import Backoff
from instainstru_desktop.sync.engine import DOWNLOAD_AGAIN_AFTER
from instainstru_desktop.sync.errors import IncompleteDownload, Offline
from tests.sync.consistency import (
    assert_cache_equals_server,
    assert_nothing_lost_nothing_duplicated,
)
from tests.sync.harness import Device, ServerHandle
from tests.sync.test_table_pull import add_history, set_day

MakeDevice = Callable[..., Device]
ENGINE = "instainstru_desktop.sync.engine"
NOT_WHOLE = pytest.mark.expect_log(ENGINE, "WARNING", match="did not arrive whole")
#: An edit that failed to go out waits this long before it is tried again: it stays in the
#: outbox while a sync that does not force the push downloads everything.
PATIENT = Backoff(base_seconds=600, max_seconds=600, jitter=0.5)
KEPT_DAY, CLEARED_DAY = "2030-03-20", "2030-03-21"
NEW_DAYS = (date(2030, 3, 22), date(2030, 3, 24))
#: What the device shows of the instructor's dates while its edits wait, and once they are in.
SHOWN_DAYS = {KEPT_DAY, *(day.isoformat() for day in NEW_DAYS)}


class Wire:
    """What goes over a device's wire for pulls: the requests, and the pages' counts."""

    def __init__(self, device: Device) -> None:
        self.cursors: list[str] = []
        self.asked_counts: list[bool] = []
        self.counts: list[dict[str, int]] = []
        self.change: Callable[[dict[str, object]], None] | None = None
        device.switchboard.rewrite = self._seen

    @property
    def downloads(self) -> int:
        """Pulls started from the beginning."""
        return self.cursors.count(START_CURSOR)

    def _seen(self, request: httpx.Request, body: bytes) -> bytes:
        if not request.url.path.endswith("/sync/pull"):
            return body
        page = orjson.loads(body)
        if "cursor" not in page:  # a problem (reset_required)
            return body
        self.cursors.append(request.url.params["cursor"])
        self.asked_counts.append(request.url.params.get("counts") == "1")
        if self.change is not None:
            self.change(page)
        if "counts" in page:
            self.counts.append(page["counts"])
        return orjson.dumps(page)


class DropOneLesson:
    """The first page of lessons of the next download loses its last lesson on the way."""

    def __init__(self, wire: Wire) -> None:
        self._wire = wire
        self._armed = False
        wire.change = self

    def __call__(self, page: dict[str, object]) -> None:
        self._armed = self._armed or self._wire.cursors[-1] == START_CURSOR
        bookings = page["bookings"]
        if self._armed and isinstance(bookings, dict) and bookings["rows"]:
            bookings["rows"].pop()
            self._wire.change = None  # once


def one_more_lesson(page: dict[str, object]) -> None:
    """A server that counts one lesson more than it sends, every time."""
    counts = page.get("counts")
    if isinstance(counts, dict):
        counts["bookings"] += 1


def restored_with_a_waiting_edit(server: ServerHandle, device: Device) -> None:
    """The device has synced; the server is then restored from a copy older than the device's
    cursor (its next pull is a download from the start), and the device has edits of hours that
    could not go out yet: two dates given hours (rows only this device shows) and a date's own
    hours cleared (a server row this device no longer shows). The dates it shows are then one
    more than the server's: only a cache that counts the server's rows, not what it shows,
    finds the download whole."""
    device.sync()
    backup = server.backup()
    add_history(server, commits=1, per_commit=2, first=100)
    device.sync()
    server.restore(backup)
    device.switchboard.down = True
    for day in NEW_DAYS:
        device.availability.set_date_ranges(device.instructor_id, day, [HoursRange(540, 600)])
    device.availability.clear_date(device.instructor_id, date.fromisoformat(CLEARED_DAY))
    failed = device.engine.sync_once()
    assert isinstance(failed.error, Offline)
    device.switchboard.down = False
    assert device.open_count() == 3


def shown_days(device: Device) -> set[str]:
    with device.store.read() as uow:
        return {row["date"] for row in uow.mirror.rows("override")}


@pytest.fixture
def history(server: ServerHandle) -> ServerHandle:
    add_history(server, commits=5, per_commit=5)
    teacher = server.studio.instructors[0]
    set_day(server, teacher, KEPT_DAY)
    set_day(server, teacher, CLEARED_DAY)
    set_day(server, teacher, "2030-03-23")
    set_day(server, teacher, "2030-03-23", delete=True)  # a tombstone in the download
    return server


@NOT_WHOLE
@pytest.mark.parametrize("who", ["admin", "instructor"])
def test_a_first_download_that_lost_a_lesson_is_downloaded_again_and_heals(
    history: ServerHandle, make_device: MakeDevice, who: str
) -> None:
    person = history.studio.admin if who == "admin" else history.studio.instructors[0]
    device = make_device("desk", person, pull_limit=5)
    wire = Wire(device)
    DropOneLesson(wire)

    report = device.sync()

    assert report.redownloaded
    assert not report.reset
    assert wire.downloads == 2
    assert all(wire.asked_counts)  # every page of both downloads asked
    assert len(wire.counts) == 2  # carried by the last page of each
    assert_cache_equals_server(device, history)
    with device.store.read() as uow:
        held = uow.mirror.count("booking")
    assert held == wire.counts[-1]["bookings"] == (25 if who == "admin" else 13)


@NOT_WHOLE
def test_the_warning_names_each_entity_with_both_numbers(
    history: ServerHandle, make_device: MakeDevice, caplog: pytest.LogCaptureFixture
) -> None:
    device = make_device("desk", history.studio.admin, pull_limit=5)
    DropOneLesson(Wire(device))
    device.sync()
    [line] = [r.getMessage() for r in caplog.records if "did not arrive whole" in r.getMessage()]
    assert "lessons: 25 on the server, 24 here" in line


def test_an_incremental_pull_asks_for_no_counts_and_gets_none(
    history: ServerHandle, make_device: MakeDevice
) -> None:
    device = make_device("desk", history.studio.instructors[0], pull_limit=5)
    wire = Wire(device)
    device.sync()
    first = len(wire.cursors)
    assert first > 2
    assert all(wire.asked_counts)
    assert len(wire.counts) == 1
    add_history(history, commits=4, per_commit=4, first=100)

    report = device.sync()

    assert report.pages >= 2
    assert not report.redownloaded
    assert wire.downloads == 1
    assert not any(wire.asked_counts[first:])
    assert len(wire.counts) == 1  # none came with the later pages
    assert_cache_equals_server(device, history)


@NOT_WHOLE
def test_a_download_after_a_restore_heals_and_keeps_the_edits_waiting_in_the_outbox(
    history: ServerHandle, make_device: MakeDevice
) -> None:
    device = make_device("desk", history.studio.instructors[0], pull_limit=5, backoff=PATIENT)
    restored_with_a_waiting_edit(history, device)
    wire = Wire(device)
    DropOneLesson(wire)

    report = device.engine.sync_once()  # the edits are not due: the download runs first

    assert report.error is None, report.error
    assert report.reset
    assert report.redownloaded
    assert wire.downloads == 2
    # the edits waited through both downloads and went out after them
    assert shown_days(device) == SHOWN_DAYS
    device.engine.after_sync()
    assert device.open_count() == 0
    assert_nothing_lost_nothing_duplicated(device, history)


@pytest.mark.expect_log(ENGINE, "WARNING", match="lessons: 14 on the server, 13 here")
def test_a_server_that_keeps_counting_otherwise_ends_in_a_sentence_not_a_loop(
    history: ServerHandle, make_device: MakeDevice
) -> None:
    later = timedelta()  # how far this device's clock has been moved on

    def clock() -> datetime:
        return datetime.now(UTC) + later

    device = make_device(
        "desk", history.studio.instructors[0], pull_limit=5, backoff=PATIENT, clock=clock
    )
    restored_with_a_waiting_edit(history, device)
    wire = Wire(device)
    wire.change = one_more_lesson

    report = device.engine.sync_once()

    assert isinstance(report.error, IncompleteDownload)
    assert not report.error.transient
    assert report.error.message == (
        "The download from the server did not arrive whole (lessons: 14 on the server, 13 "
        "here). Your own changes are kept, and everything is downloaded again within the "
        "hour. If this persists, contact your administrator."
    )
    assert wire.downloads == 2  # the download and one more, then it stopped
    assert device.open_count() == 3  # the edits wait, still shown
    assert shown_days(device) == SHOWN_DAYS
    with device.store.read() as uow:
        assert uow.sync_state.get().last_error == report.error.message

    meanwhile = device.engine.sync_once(force_push=True)  # syncs go on from the cache as it is

    assert wire.downloads == 2
    assert device.open_count() == 0  # the edits went out
    assert isinstance(meanwhile.error, IncompleteDownload)  # and the lack is still said
    assert meanwhile.error.message == report.error.message
    assert device.status.status().online is True

    later = DOWNLOAD_AGAIN_AFTER + timedelta(seconds=1)
    again = device.engine.sync_once()  # an hour on, once more from the start

    assert isinstance(again.error, IncompleteDownload)
    assert wire.downloads == 3
    assert shown_days(device) == SHOWN_DAYS

    later += DOWNLOAD_AGAIN_AFTER
    wire.change = None  # the server counts right again
    healed = device.sync()

    assert wire.downloads == 4
    assert not healed.redownloaded
    assert shown_days(device) == SHOWN_DAYS
    assert device.open_count() == 0
    assert_nothing_lost_nothing_duplicated(device, history)
    device.sync()  # whole again: later syncs build on the cache
    assert wire.downloads == 4
