"""Progress callbacks, the cancel flag between pages, and the clock comparison."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from instainstru_desktop.sync.engine import SyncEngine, SyncProgress
from tests.sync.consistency import assert_nothing_lost_nothing_duplicated


def test_progress_is_reported_per_page_and_a_cancel_stops_between_pages(
    make_device, server, instructor
):
    start = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(days=1)
    for i in range(6):
        server.add_lesson(instructor, server.studio.students[i % 3], start + timedelta(hours=i))
    device = make_device(pull_limit=2)
    cancel = threading.Event()
    seen: list[SyncProgress] = []

    def on_progress(step: SyncProgress) -> None:
        seen.append(step)
        if len(seen) == 2:
            cancel.set()  # the user pressed "stop" while page 2 was being applied

    engine = SyncEngine(device.store, device.api, pull_limit=2, on_progress=on_progress)
    report = engine.sync_once(cancel=cancel)

    assert report.cancelled
    assert not report.ok
    assert report.pages == 2  # it finished the page it was on, then stopped
    assert [s.phase for s in seen] == ["pull", "pull"]
    assert seen[0].done < seen[1].done == report.rows
    assert report.clock_skew_seconds is not None
    assert not report.clock_skewed  # same machine, same clock

    device.sync()  # carries on from where it stopped
    assert_nothing_lost_nothing_duplicated(device, server)
