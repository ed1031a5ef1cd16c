"""Scenarios 1 and 6: the client process killed (SIGKILL) between an edit and its push, while
the push is in flight, after the server committed it, and in the middle of a pull page."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from instainstru_desktop.store.backups import backups_of
from instainstru_desktop.store.repositories.mirror import BULK_FILL_ROWS
from instainstru_desktop.sync.api import ApiClient
from tests.sync.consistency import assert_nothing_lost_nothing_duplicated, booking_row
from tests.sync.scenarios import (
    BULK_PAGE_ROWS,
    SORT_INDEXES,
    declared_indexes,
    local_day,
    pile_of_past_lessons,
    started_lesson,
)

REPO = Path(__file__).resolve().parents[2]


def run_and_kill(*args: str, timeout: float = 60.0) -> list[str]:
    """Start the child client, wait for its READY line, SIGKILL it; returns what it printed."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.sync.child_client", *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        assert child.stdout is not None
        for line in child.stdout:
            lines.put(line.strip())
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    seen: list[str] = []
    try:
        while True:
            line = lines.get(timeout=timeout)
            if line is None:
                child.wait(timeout)
                raise AssertionError(
                    f"child ended early: {child.stderr.read() if child.stderr else ''}"
                )
            seen.append(line)
            if line == "READY":
                break
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout)
        if child.stderr is not None:
            child.stderr.close()
        if child.stdout is not None:
            child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    return seen


@pytest.mark.parametrize("mode", ["edit", "push-in-flight", "push-committed"])
def test_a_client_killed_between_an_edit_and_its_push_loses_nothing(
    make_device, server, instructor, mode
):
    lesson = started_lesson(server, instructor, server.studio.students[0])
    device = make_device("desk")
    device.sync()
    path, token = device.path, device.person.token
    device.close()
    args = {
        "booking_id": lesson,
        "instructor_id": instructor.instructor_id,
        "date": local_day(2).isoformat(),
    }

    run_and_kill(mode, str(path), server.url, token, json.dumps(args))

    applied_before_restart = server.query("SELECT count(*) FROM mutation_results")[0][0]
    assert applied_before_restart == (2 if mode == "push-committed" else 0)
    restarted = make_device("desk")  # the same cache file, opened again
    assert restarted.open_count() == 2  # both edits survived the kill
    row = booking_row(restarted, lesson)
    assert row is not None
    assert row["note"] == "typed just before the crash"

    report = restarted.sync()

    assert (report.applied, report.rejected) == (2, 0)
    assert_nothing_lost_nothing_duplicated(restarted, server)


def test_a_client_killed_mid_pull_keeps_the_cursor_with_its_rows_and_drops_the_page_fetched_ahead(
    make_device, server, instructor
):
    students = server.studio.students
    start = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(days=1)
    for i in range(12):  # one commit each: pages end on commit boundaries
        server.add_lesson(instructor, students[i % 3], start + timedelta(hours=i))
    device = make_device("desk")
    path, token = device.path, device.person.token
    device.close()
    pages = []  # (cursor, booking ids) of each page of 3 rows, as the server serves them
    with ApiClient(server.url, token=token) as api:
        cursor, more = "0", True
        while more:
            page = api.pull(cursor, 3, table=False)
            cursor, more = page["cursor"], page["has_more"]
            pages.append((cursor, {b["id"] for b in page["bookings"]}))
    first_with_lessons = next(i for i, (_, ids) in enumerate(pages) if ids)
    committed = first_with_lessons + 1  # pages that will be committed before the kill
    assert committed < len(pages) - 1

    printed = run_and_kill(
        "pull",
        str(path),
        server.url,
        token,
        json.dumps({"limit": 3, "stop_in_page": committed + 1}),
    )

    cursors = [line.split()[1] for line in printed if line.startswith("PAGE ")]
    assert cursors == [c for c, _ in pages[:committed]]  # the next page was cut mid-transaction
    # and the page after it had already arrived (pages are fetched while one is applied)
    assert f"FETCHED {committed + 2}" in printed
    restarted = make_device("desk")
    with restarted.store.read() as uow:
        assert uow.sync_state.get().cursor == cursors[-1]
        cached = {r["id"] for r in uow.mirror.rows("booking")}
    # exactly the lessons of the committed pages, nothing of the one cut short
    assert cached == set().union(*(ids for _, ids in pages[:committed]))
    assert 0 < len(cached) < 12

    restarted.sync()

    assert_nothing_lost_nothing_duplicated(restarted, server)


def test_a_client_killed_mid_first_download_opens_again_with_every_index(make_device, server):
    pile_of_past_lessons(server)
    device = make_device("desk", server.studio.admin)
    path, token = device.path, device.person.token
    declared = declared_indexes(path)
    device.close()

    printed = run_and_kill(
        "pull",
        str(path),
        server.url,
        token,
        json.dumps({"limit": BULK_PAGE_ROWS, "stop_in_page": 2}),
    )

    cursors = [line.split()[1] for line in printed if line.startswith("PAGE ")]
    assert len(cursors) == 1  # the second page was cut mid-transaction
    # as the kill left the file: the first page's rows, the bookings' indexes not built yet
    assert not any(name.startswith("ix_bookings_") for name in declared_indexes(path))
    restarted = make_device("desk", server.studio.admin)  # the same file, opened again
    assert declared_indexes(path) == declared
    with restarted.store.read() as uow:
        assert uow.sync_state.get().cursor == cursors[0]
        assert BULK_FILL_ROWS <= uow.mirror.count("booking") < 2 * BULK_FILL_ROWS
        checked = uow.session.connection().exec_driver_sql("PRAGMA integrity_check").all()
    assert checked == [("ok",)]

    restarted.sync()

    assert_nothing_lost_nothing_duplicated(restarted, server)


def test_a_client_killed_between_a_first_download_and_the_step_after_it_opens_complete(
    make_device, server
):
    pile_of_past_lessons(server)
    device = make_device("desk", server.studio.admin)
    path, token = device.path, device.person.token
    declared = declared_indexes(path)
    device.close()

    run_and_kill("synced", str(path), server.url, token, json.dumps({"limit": BULK_PAGE_ROWS}))

    # as the kill left the file: every row, what readers need, no sort index and no backup yet
    assert declared_indexes(path) == declared - SORT_INDEXES
    assert not [b for b in backups_of(path) if ".daily." in b.name]
    restarted = make_device("desk", server.studio.admin)  # the same file, opened again
    assert declared_indexes(path) == declared
    assert [b for b in backups_of(path) if ".daily." in b.name]  # written at the opening
    with restarted.store.read() as uow:
        assert uow.mirror.count("booking") >= 2 * BULK_FILL_ROWS
        checked = uow.session.connection().exec_driver_sql("PRAGMA integrity_check").all()
    assert checked == [("ok",)]
    assert restarted.sync().rows == 0  # nothing was missing
    assert_nothing_lost_nothing_duplicated(restarted, server)
