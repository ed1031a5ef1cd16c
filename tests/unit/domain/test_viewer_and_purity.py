"""Viewer-zone helpers, and the domain staying free of I/O libraries."""

import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from instainstru_desktop.domain import TimeRange, group_by_viewer_date, to_viewer, zone

ROOT = Path(__file__).resolve().parents[3]
SYDNEY = zone("Australia/Sydney")
LOS_ANGELES = zone("America/Los_Angeles")
KOLKATA = zone("Asia/Kolkata")


def slot(*args: int) -> TimeRange:
    start = datetime(*args, tzinfo=UTC)
    return TimeRange(start, start + timedelta(hours=1))


def test_to_viewer_rewrites_the_clock_not_the_instant():
    slots = [slot(2024, 6, 2, 23), slot(2024, 6, 3, 1)]
    shown = to_viewer(slots, LOS_ANGELES)
    assert [(s.isoformat(), e.isoformat()) for s, e in shown] == [
        ("2024-06-02T16:00:00-07:00", "2024-06-02T17:00:00-07:00"),
        ("2024-06-02T18:00:00-07:00", "2024-06-02T19:00:00-07:00"),
    ]
    assert [(s, e) for s, e in shown] == [(x.start, x.end) for x in slots]


def test_grouping_follows_the_viewers_calendar():
    # Sydney Monday 09:00 and 11:00 are Sunday for Los Angeles; 18:30 UTC is Tuesday in Kolkata.
    slots = [slot(2024, 6, 3, 18, 30), slot(2024, 6, 2, 23), slot(2024, 6, 3, 1)]
    by_la = group_by_viewer_date(slots, LOS_ANGELES)
    assert list(by_la) == [date(2024, 6, 2), date(2024, 6, 3)]
    assert by_la[date(2024, 6, 2)] == [slot(2024, 6, 2, 23), slot(2024, 6, 3, 1)]
    by_sydney = group_by_viewer_date(slots, SYDNEY)
    assert list(by_sydney) == [date(2024, 6, 3), date(2024, 6, 4)]
    assert list(group_by_viewer_date(slots, KOLKATA)) == [date(2024, 6, 3), date(2024, 6, 4)]
    assert group_by_viewer_date([], KOLKATA) == {}


def test_importing_the_domain_loads_no_database_network_web_or_qt_library():
    code = (
        "import sys, instainstru_desktop.domain\n"
        "bad = [m for m in ('sqlalchemy', 'httpx', 'fastapi', 'starlette', 'pydantic', "
        "'PySide6', 'uvicorn', 'alembic') if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert result.stdout.strip() == ""
