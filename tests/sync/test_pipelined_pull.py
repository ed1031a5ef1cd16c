"""A pull whose next page is fetched while the current one is applied: cut off in the middle,
it keeps exactly the pages it committed, and the next sync carries on from there."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from instainstru_desktop.sync.api import ApiClient
from instainstru_desktop.sync.engine import SyncEngine, SyncProgress
from instainstru_desktop.sync.errors import Offline
from tests.sync.consistency import assert_nothing_lost_nothing_duplicated

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
            page = api.pull(cursor, LIMIT)
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
