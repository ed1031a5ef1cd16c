"""The step after a sync: a first download reports with the indexes readers need, and the
indexes only the admin table's other sorts read, and the daily backup, follow it -- on the
scheduler's thread, one index per transaction, without losing a local edit made meanwhile."""

from __future__ import annotations

import threading
from pathlib import Path

from instainstru_desktop.bootstrap import connect
from instainstru_desktop.config import load_settings
from instainstru_desktop.services.review import ReviewService
from instainstru_desktop.services.review_views import ReviewQuery, SortKey
from instainstru_desktop.store.backups import backups_of
from instainstru_desktop.sync.engine import SyncReport
from instainstru_desktop.sync.scheduler import SyncScheduler
from tests.server.helpers import PASSWORD
from tests.sync.harness import wait_until
from tests.sync.scenarios import (
    BULK_PAGE_ROWS,
    SORT_INDEXES,
    Calendar,
    declared_indexes,
    pile_of_past_lessons,
)

#: The sorts whose index comes after the sync.
SORTED_LATER = (
    SortKey.STUDENT,
    SortKey.LESSON,
    SortKey.STATUS,
    SortKey.PRICE,
    SortKey.LENGTH,
    SortKey.REVIEW,
)


def daily_backups(path: Path) -> list[Path]:
    return [b for b in backups_of(path) if ".daily." in b.name]


def table_orders(review: ReviewService) -> dict[tuple[SortKey, bool], tuple[list[int], list[str]]]:
    """Every order of the whole table (rowids) and its first page (booking ids)."""
    orders = {}
    for sort in (SortKey.START, *SORTED_LATER):
        for descending in (False, True):
            order = list(review.order(ReviewQuery(), sort, descending).rowids)
            first = [r.booking_id for r in review.first_rows(ReviewQuery(), sort, descending)]
            orders[sort, descending] = (order, first)
    return orders


def test_a_first_download_reports_before_the_sort_indexes_and_the_table_reads_the_same(
    make_device, server
):
    pile_of_past_lessons(server)
    device = make_device("admin-desk", server.studio.admin, pull_limit=BULK_PAGE_ROWS)
    declared = declared_indexes(device.path)
    assert declared > SORT_INDEXES

    report = device.engine.sync_once()

    assert report.error is None
    assert report.pages >= 3  # a bulk load over several pages
    # what the calendar, the time order and the filters read is there when the sync returns
    assert declared_indexes(device.path) == declared - SORT_INDEXES
    assert daily_backups(device.path) == []  # the backup is housekeeping too
    review = ReviewService(device.store)
    before = table_orders(review)
    assert len(before[SortKey.STUDENT, False][0]) > 10_000

    done = device.engine.after_sync()

    assert set(done.indexes) == SORT_INDEXES
    assert declared_indexes(device.path) == declared
    assert done.backup is not None
    assert daily_backups(device.path) == [done.backup]
    assert table_orders(review) == before  # sorting by student & co. was only slower
    with device.store.read() as uow:
        checked = uow.session.connection().exec_driver_sql("PRAGMA integrity_check").all()
    assert checked == [("ok",)]
    assert device.engine.after_sync().indexes == ()  # nothing left to do


def test_the_scheduler_reports_first_and_then_builds_the_rest_on_its_thread(make_device, server):
    pile_of_past_lessons(server)
    device = make_device("admin-desk", server.studio.admin, pull_limit=BULK_PAGE_ROWS)
    declared = declared_indexes(device.path)
    at_report: list[tuple[set[str], list[Path]]] = []

    def on_report(report: SyncReport) -> None:  # on the scheduler's thread, before the step
        assert report.error is None
        at_report.append((declared_indexes(device.path), daily_backups(device.path)))

    scheduler = SyncScheduler(device.engine, interval_seconds=3600, on_report=on_report)
    scheduler.start()
    try:
        wait_until(lambda: len(daily_backups(device.path)) == 1, what="the daily backup")
    finally:
        scheduler.stop()
    assert at_report[0] == (declared - SORT_INDEXES, [])
    assert declared_indexes(device.path) == declared


def test_a_sync_run_elsewhere_has_its_step_run_by_the_scheduler_without_a_new_sync(
    make_device, server
):
    device = make_device("admin-desk", server.studio.admin)
    declared = declared_indexes(device.path)
    scheduler = SyncScheduler(device.engine, interval_seconds=3600)
    scheduler.start()
    try:
        wait_until(lambda: scheduler.runs == 1, what="the first sync")
        wait_until(lambda: len(daily_backups(device.path)) == 1, what="its daily backup")
        with device.store.uow() as uow:  # as a first download run on another thread leaves it
            for name in SORT_INDEXES:
                uow.session.connection().exec_driver_sql(f"DROP INDEX {name}")
            uow.commit()

        scheduler.after_sync_soon()

        wait_until(lambda: declared_indexes(device.path) == declared, what="the sort indexes")
        assert scheduler.runs == 1  # the step alone: no second sync
    finally:
        scheduler.stop()


def test_the_apps_first_download_shows_the_data_and_the_started_session_finishes_the_step(
    tmp_path, server
):
    """As the app starts: a sync before the background sync starts (the first download), then
    the session's scheduler, which runs the step after it."""
    pile_of_past_lessons(server)
    settings = load_settings(profile=tmp_path / "profile", environ={})
    admin = server.studio.admin
    core = connect(settings, server.url, email=admin.email, password=PASSWORD)
    path = core.store.database.path
    try:
        declared = declared_indexes(path)
        assert core.sync_now().error is None
        assert declared_indexes(path) == declared - SORT_INDEXES
        assert daily_backups(path) == []

        core.start()

        wait_until(lambda: declared_indexes(path) == declared, what="the sort indexes")
        wait_until(lambda: len(daily_backups(path)) == 1, what="the daily backup")
    finally:
        core.close()


def test_the_daily_backup_is_written_after_a_sync_once_a_day(make_device, server):
    calendar = Calendar()
    device = make_device("laptop", clock=calendar)

    assert device.engine.sync_once().error is None
    assert daily_backups(device.path) == []  # not inside the sync any more
    first = device.engine.after_sync().backup
    assert first is not None
    assert daily_backups(device.path) == [first]

    assert device.engine.sync_once().error is None
    assert device.engine.after_sync().backup is None  # one a day
    calendar.advance(1)
    assert device.engine.sync_once().error is None
    second = device.engine.after_sync().backup

    assert second is not None
    assert daily_backups(device.path) == [second, first]


def test_a_local_edit_made_while_the_step_runs_is_kept_and_sent(make_device, server):
    pile_of_past_lessons(server)
    device = make_device("admin-desk", server.studio.admin, pull_limit=BULK_PAGE_ROWS)
    assert device.engine.sync_once().error is None
    with device.store.read() as uow:
        booking_ids = [row["id"] for row in uow.mirror.rows("booking")[:200]]
    flagged: list[str] = []
    built_one, edited = threading.Event(), threading.Event()
    between: list[int] = []  # edits committed at each pause of the step

    def between_steps() -> bool:
        between.append(len(flagged))
        if len(between) == 2:  # one index built: hold on until an edit has gone in
            built_one.set()
            assert edited.wait(30)
        return False

    step = threading.Thread(target=lambda: device.store.after_sync(between_steps))
    step.start()
    # the first edit once an index is built (all of them could otherwise go in during the
    # first build), the others racing the builds that follow
    assert built_one.wait(30)
    while step.is_alive() and len(flagged) < len(booking_ids):
        booking_id = booking_ids[len(flagged)]
        device.admin.flag(booking_id, "checked during the index builds")
        flagged.append(booking_id)
        edited.set()
    step.join()

    assert len(between) == len(SORT_INDEXES) + 2  # before each build, the end, the backup
    assert between[2] > between[1]  # an edit went in between two index builds
    assert declared_indexes(device.path) >= SORT_INDEXES
    with device.store.read() as uow:
        assert all(uow.bookings.get(b).flagged for b in flagged)
        assert uow.outbox.open_count() == len(flagged)
    device.sync()
    on_server = {str(i) for (i,) in server.query("SELECT id FROM bookings WHERE flagged")}
    assert set(flagged) <= on_server
