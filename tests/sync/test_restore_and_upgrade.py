"""Scenarios 10 and 11: the server database restored from an older copy; a cache file of the
previous schema, with edits still queued, upgraded and synced."""

from __future__ import annotations

import sqlite3

import pytest

from instainstru_desktop.services.views import HoursRange
from instainstru_desktop.store.migrations import MIGRATIONS, upgrade
from tests.sync.consistency import assert_nothing_lost_nothing_duplicated, booking_row
from tests.sync.scenarios import local_day, started_lesson


def test_a_server_restored_from_an_older_copy_gets_everything_again(
    make_device, server, instructor
):
    lesson = started_lesson(server, instructor, server.studio.students[0])
    device = make_device()
    device.sync()
    device.availability.set_date_ranges(device.instructor_id, local_day(2), [HoursRange(600, 660)])
    device.sync()  # mutation 1 is on the server ...
    backup = server.backup()  # ... and in the backup
    device.lessons.complete(lesson)
    device.lessons.note(lesson, "played well")
    device.availability.time_off(device.instructor_id, local_day(3), local_day(3))
    device.sync()  # mutations 2-4 reach the server, not the backup

    server.restore(backup)  # the operator restores last night's copy
    device.availability.set_date_ranges(device.instructor_id, local_day(4), [HoursRange(60, 120)])

    report = device.sync()

    assert report.reset  # the old cursor is unknown to the restored server: download again
    assert report.resent == 3  # 2-4 went out again, then 5
    assert booking_row(device, lesson)["status"] == "completed"
    assert server.query("SELECT status, note FROM bookings WHERE id = ?", lesson) == [
        ("completed", "played well")
    ]
    assert_nothing_lost_nothing_duplicated(device, server)


@pytest.mark.expect_log(
    "instainstru_desktop.sync.recovery", "WARNING", match="remembers mutations up to 0 of ours"
)
def test_a_restore_is_noticed_even_with_nothing_queued(make_device, server, instructor):
    lesson = started_lesson(server, instructor, server.studio.students[0])
    device = make_device()
    device.sync()
    backup = server.backup()
    device.lessons.no_show(lesson)
    device.sync()
    server.restore(backup)

    report = device.sync()

    assert (report.reset, report.resent) == (True, 1)
    assert server.query("SELECT status FROM bookings WHERE id = ?", lesson) == [("no_show",)]
    assert_nothing_lost_nothing_duplicated(device, server)


def test_a_previous_schema_cache_with_queued_edits_is_upgraded_and_synced(
    tmp_path, make_device, server, instructor
):
    lesson = started_lesson(server, instructor, server.studio.students[0])
    day = local_day(2).isoformat()
    path = tmp_path / "laptop.sqlite3"  # what make_device("laptop") opens
    upgrade(path, MIGRATIONS[:1])  # written by the previous release
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(
            "INSERT INTO sync_state (id, client_id, cursor, last_acked_mutation_id,"
            " next_mutation_id) VALUES (1, '5b0c6ad6-1c56-4a45-9d33-6c0bd1f0a1de', '0', 0, 3)"
        )
        conn.executemany(
            "INSERT INTO outbox (mutation_id, client_id, name, subject, args, base_version,"
            " status, attempts, created_at) VALUES (?, '5b0c6ad6-1c56-4a45-9d33-6c0bd1f0a1de',"
            " ?, ?, ?, NULL, ?, 0, '2026-01-01T00:00:00Z')",
            [
                (
                    1,
                    "availability.set_date",
                    f"override:{instructor.instructor_id}/{day}",
                    f'{{"instructor_id": "{instructor.instructor_id}", "date": "{day}",'
                    ' "ranges": [{"start": "10:00", "end": "12:00"}]}',
                    "sent",
                ),
                (
                    2,
                    "booking.note",
                    f"booking:{lesson}",
                    f'{{"booking_id": "{lesson}", "note": "from the old version"}}',
                    "pending",
                ),
            ],
        )
    conn.close()

    device = make_device("laptop")  # opening it upgrades it (after a backup)

    assert device.store.database.upgrade_report.from_version == 1
    assert device.store.database.upgrade_report.backup is not None
    assert device.open_count() == 2
    report = device.sync()
    assert (report.applied, report.rejected) == (2, 0)
    assert booking_row(device, lesson)["note"] == "from the old version"
    assert_nothing_lost_nothing_duplicated(device, server)
