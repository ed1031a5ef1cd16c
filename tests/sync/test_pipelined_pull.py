"""A pull whose next page is fetched while the current one is applied: cut off in the middle,
it keeps exactly the pages it committed, and the next sync carries on from there."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from instainstru_desktop.store.repositories.mirror import BULK_FILL_ROWS
from instainstru_desktop.sync.api import ApiClient
from instainstru_desktop.sync.engine import SyncEngine, SyncProgress
from instainstru_desktop.sync.errors import Offline
from tests.sync.consistency import assert_nothing_lost_nothing_duplicated
from tests.sync.scenarios import (
    BULK_PAGE_ROWS,
    SORT_INDEXES,
    declared_indexes,
    pile_of_past_lessons,
)

LIMIT = 2


def add_lessons(server, instructor, count: int) -> None:
    start = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(days=1)
    for i in range(count):  # one commit each: pages end on commit boundaries
        server.add_lesson(instructor, server.studio.students[i % 3], start + timedelta(hours=i))


def served_pages(server, token: str) -> list[tuple[str, set[str]]]:
    """(cursor, booking ids) of each page, as the server serves them."""
    pages = []
    with ApiClient(server.url, token=token) as api:
        cursor, more = "0", True
        while more:
            page = api.pull(cursor, LIMIT, table=False)
            cursor, more = page["cursor"], page["has_more"]
            pages.append((cursor, {b["id"] for b in page["bookings"]}))
    return pages


def test_a_pull_cut_off_mid_way_keeps_the_pages_before_the_cut_and_resumes_after_them(
    make_device, server, instructor
):
    add_lessons(server, instructor, 10)
    device = make_device(pull_limit=LIMIT)
    pages = served_pages(server, device.person.token)
    assert len(pages) >= 5
    pulls: dict[str, int] = {}  # the pages applied when each page was first asked for
    applied: list[SyncProgress] = []

    def cut_after_three(request: httpx.Request, _fault: str) -> None:
        if request.url.path.endswith("/sync/pull"):
            pulls.setdefault(request.url.params["cursor"], len(applied))  # retries ask again
            if len(pulls) == 3:
                device.switchboard.down = True  # this one is answered, the next is refused

    device.switchboard.hook = cut_after_three
    engine = SyncEngine(device.store, device.api, pull_limit=LIMIT, on_progress=applied.append)

    report = engine.sync_once()

    assert isinstance(report.error, Offline)
    assert report.pages == 3  # every page that arrived was applied, in order
    # the fetch ran ahead of the apply, but never by more than the page in hand and one queued
    assert all(done >= number - 3 for number, done in enumerate(pulls.values(), start=1))
    with device.store.read() as uow:
        assert uow.sync_state.get().cursor == pages[2][0]
        cached = {r["id"] for r in uow.mirror.rows("booking")}
    assert cached == set().union(*(ids for _, ids in pages[:3]))

    device.switchboard.down = False
    resumed = device.sync()

    assert resumed.pages == len(pages) - 3  # from the stored cursor, nothing fetched twice
    assert_nothing_lost_nothing_duplicated(device, server)


def test_a_first_download_cut_after_its_big_pages_builds_every_index_and_resumes(
    make_device, server
):
    pile_of_past_lessons(server)
    device = make_device("admin-desk", server.studio.admin, pull_limit=BULK_PAGE_ROWS)
    declared = declared_indexes(device.path)
    held: list[set[str]] = []  # the declared indexes in the file after each page committed
    pulls: set[str] = set()

    def cut_after_two(request: httpx.Request, _fault: str) -> None:
        if request.url.path.endswith("/sync/pull"):
            pulls.add(request.url.params["cursor"])  # retries ask again
            if len(pulls) == 2:
                device.switchboard.down = True  # this one is answered, the next is refused

    device.switchboard.hook = cut_after_two
    engine = SyncEngine(
        device.store,
        device.api,
        pull_limit=BULK_PAGE_ROWS,
        on_progress=lambda _: held.append(declared_indexes(device.path)),
    )

    report = engine.sync_once()

    assert isinstance(report.error, Offline)
    assert report.pages == 2
    # both big pages went in as one bulk load: no booking index was kept up to date
    assert all(not any(name.startswith("ix_bookings_") for name in found) for found in held)
    # what readers need was built when the pull stopped; the sorts' follow the sync
    assert declared_indexes(device.path) == declared - SORT_INDEXES
    assert set(engine.after_sync().indexes) == SORT_INDEXES
    assert declared_indexes(device.path) == declared
    with device.store.read() as uow:
        checked = uow.session.connection().exec_driver_sql("PRAGMA integrity_check").all()
        assert uow.mirror.count("booking") >= 2 * BULK_FILL_ROWS
    assert checked == [("ok",)]

    device.switchboard.down = False
    resumed = device.sync()

    assert resumed.pages == 1
    assert declared_indexes(device.path) == declared
    assert_nothing_lost_nothing_duplicated(device, server)
