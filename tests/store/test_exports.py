"""Exports read back: the CSV with ``csv``, the calendar with ``icalendar``; the same bookings,
the same instants, the same zones -- lessons on daylight-saving days included."""

from __future__ import annotations

import csv
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from instainstru_desktop.services.export import CSV_COLUMNS, ExportService, uid, write_atomically
from instainstru_desktop.services.review import ReviewService
from instainstru_desktop.services.review_views import ReviewQuery, SortKey
from instainstru_desktop.store import Store, open_store
from tests.store.review_data import Studio, build_studio

#: Lessons on the days the clocks change: (instructor's name, instant), with the local offset.
DST_LESSONS = (
    ("Maria Lopez", "2026-03-29T00:30:00Z", "+01:00"),  # Madrid, 01:30 before the jump
    ("Maria Lopez", "2026-03-29T09:00:00Z", "+02:00"),  # Madrid, 11:00 after it
    ("Olivia Brown", "2026-04-04T15:30:00Z", "+11:00"),  # Sydney, 02:30 daylight time
    ("Olivia Brown", "2026-04-04T16:30:00Z", "+10:00"),  # Sydney, 02:30 again, standard time
    ("james carter", "2026-11-01T05:30:00Z", "-04:00"),  # New York, 01:30 the first time
    ("james carter", "2026-11-01T06:30:00Z", "-05:00"),  # New York, 01:30 the second time
)
SNEAKY_NAME = '=HYPERLINK("http://example.org")'


@pytest.fixture
def studio(tmp_path: Path) -> Studio:
    made = build_studio(tmp_path / "cache.sqlite3", 400)
    conn = sqlite3.connect(made.path)
    with conn:
        for n, (name, start, _offset) in enumerate(DST_LESSONS):
            iid = next(i for i, (who, _z) in made.instructors.items() if who == name)
            end = start.replace(":00:00Z", ":45:00Z").replace(":30:00Z", ":59:00Z")
            conn.execute(
                "INSERT INTO bookings VALUES (?, ?, 's-dst', ?, 'UTC', 't-dst', 'Piano', ?, ?,"
                " 'confirmed', NULL, NULL, NULL, 4000, 'EUR', '2026-01-01T00:00:00Z',"
                " '2026-01-02T00:00:00Z', 3, 0, NULL, NULL, NULL, 0)",
                (f"dst-{n}", iid, SNEAKY_NAME if n == 0 else "Dana Dst", start, end),
            )
    conn.close()
    return made


@pytest.fixture
def store(studio: Studio) -> Iterator[Store]:
    opened = open_store(studio.path)
    yield opened
    opened.close()


def stored(studio: Studio) -> dict[str, sqlite3.Row]:
    conn = sqlite3.connect(studio.path)
    conn.row_factory = sqlite3.Row
    try:
        return {r["id"]: r for r in conn.execute("SELECT * FROM bookings")}
    finally:
        conn.close()


def test_csv_reads_back_as_the_same_bookings_instants_and_zones(
    store: Store, studio: Studio, tmp_path: Path
) -> None:
    path = tmp_path / "out" / "bookings.csv"
    path.parent.mkdir()
    query = ReviewQuery(statuses=("confirmed", "cancelled"))
    count = ExportService(store).bookings_csv(query, path, SortKey.STUDENT)

    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a spreadsheet knows it is UTF-8
    with path.open(encoding="utf-8-sig", newline="") as handle:
        read = list(csv.DictReader(handle))
    assert tuple(read[0].keys()) == CSV_COLUMNS
    order = ReviewService(store).order(query, SortKey.STUDENT)
    assert count == len(read) == order.count
    assert [r["booking_id"] for r in read] == ReviewService(store).booking_ids(order.rowids)
    rows = stored(studio)
    for line in read:
        row = rows[line["booking_id"]]
        start, end = datetime.fromisoformat(line["start"]), datetime.fromisoformat(line["end"])
        assert start == datetime.fromisoformat(row["start_utc"])  # the same instant
        assert end == datetime.fromisoformat(row["end_utc"])
        zone = ZoneInfo(line["time_zone"])
        assert start.utcoffset() == start.astimezone(zone).utcoffset()  # its zone's offset
        assert int(line["minutes"]) == (end - start).total_seconds() // 60
        assert line["status"] == row["status"]
        assert line["price"] == f"{row['price_cents'] // 100}.{row['price_cents'] % 100:02d}"
    by_id = {line["booking_id"]: line for line in read}
    for n, (_name, _start, offset) in enumerate(DST_LESSONS):
        assert by_id[f"dst-{n}"]["start"].endswith(offset)
    assert by_id["dst-0"]["student"] == f"'{SNEAKY_NAME}"  # never a formula


def test_icalendar_reads_back_one_event_per_lesson_with_its_zone(
    store: Store, studio: Studio, tmp_path: Path
) -> None:
    path = tmp_path / "bookings.ics"
    query = ReviewQuery(start_from=datetime(2026, 3, 1, tzinfo=ZoneInfo("UTC")))
    count = ExportService(store).bookings_ics(query, path)

    calendar = Calendar.from_ical(path.read_bytes())
    events = list(calendar.walk("VEVENT"))
    expected = ReviewService(store).booking_ids(ReviewService(store).order(query).rowids)
    assert count == len(events) == len(expected)
    assert [str(e["UID"]) for e in events] == [uid(b) for b in expected]
    rows = stored(studio)
    zones = {str(z["TZID"]) for z in calendar.walk("VTIMEZONE")}
    for event in events:
        row = rows[str(event["UID"]).removesuffix("@instainstru")]
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert start.astimezone(UTC) == datetime.fromisoformat(row["start_utc"])
        assert end.astimezone(UTC) == datetime.fromisoformat(row["end_utc"])
        tzid = event["DTSTART"].params.get("TZID")
        if tzid is None:  # written in UTC: its wall time happens twice in its zone
            assert start.utcoffset() == timedelta(0)
        else:
            assert tzid in zones
            assert start.utcoffset() == start.astimezone(ZoneInfo(tzid)).utcoffset()
        assert int(event["SEQUENCE"]) == row["version"]
        cancelled = row["status"] == "cancelled"
        assert str(event["STATUS"]) == ("CANCELLED" if cancelled else "CONFIRMED")
    dst = {str(e["UID"]): e.decoded("DTSTART") for e in events}
    for n, (name, instant, offset) in enumerate(DST_LESSONS):
        moment = dst[uid(f"dst-{n}")]
        assert moment.astimezone(UTC) == datetime.fromisoformat(instant)  # the same instant
        zone = ZoneInfo(next(z for who, z in studio.instructors.values() if who == name))
        assert moment.astimezone(zone).isoformat().endswith(offset)  # on the zone's clock


def test_an_instructor_exports_only_their_own_lessons(
    store: Store, studio: Studio, tmp_path: Path
) -> None:
    maria = next(i for i, (n, _z) in studio.instructors.items() if n == "Maria Lopez")
    path = tmp_path / "mine.ics"
    count = ExportService(store).my_lessons_ics(maria, path)
    events = list(Calendar.from_ical(path.read_bytes()).walk("VEVENT"))
    rows = stored(studio)
    mine = {b for b, r in rows.items() if r["instructor_id"] == maria}
    assert count == len(events) == len(mine)
    assert {str(e["UID"]).removesuffix("@instainstru") for e in events} == mine
    assert all(" with " not in str(e["SUMMARY"]) for e in events)  # their own name: left out


def test_a_failed_export_leaves_no_half_file(tmp_path: Path) -> None:
    target = tmp_path / "bookings.csv"
    target.write_text("the old export")

    def fail_half_way(out: IO[str]) -> None:
        out.write("booking_id,start\n")
        raise ValueError("the cache went away")

    with pytest.raises(ValueError, match="went away"):
        write_atomically(target, fail_half_way, text=True)
    assert target.read_text() == "the old export"
    assert [p.name for p in tmp_path.iterdir()] == ["bookings.csv"]
