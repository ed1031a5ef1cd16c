"""Command-line options and the small local files the app keeps beside its cache."""

from __future__ import annotations

import json
import logging
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from instainstru_desktop.services.views import (
    DayHours,
    HoursRange,
    LessonCard,
    SyncMark,
    WeekSnapshot,
)
from ui.calendar import week_cache
from ui.cli import UsageError, normalize_server_url, parse_options
from ui.settings.preferences import Preferences

# the damaged side file these tests write on purpose is reported in the log
UNREADABLE_JSON = pytest.mark.expect_log(
    "instainstru_desktop.json_files", "WARNING", match="not valid JSON"
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://lessons.example.org/", "https://lessons.example.org"),
        ("lessons.example.org:8080", "http://lessons.example.org:8080"),
        ("http://127.0.0.1:5000/base/", "http://127.0.0.1:5000/base"),
    ],
)
def test_server_addresses_people_type_are_accepted(raw: str, expected: str) -> None:
    assert normalize_server_url(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "empty"),
        ("ftp://files.example.org", "must start with http:// or https://"),
        ("http://", "no host name"),
        ("localhost:99999", "port that is not a number between 1 and 65535"),
        ("http://localhost:0", "port 0"),
    ],
)
def test_bad_server_addresses_are_refused_with_a_reason(raw: str, reason: str) -> None:
    with pytest.raises(UsageError, match=reason):
        normalize_server_url(raw)


def test_options_parse_profile_and_self_test(tmp_path: Path) -> None:
    options = parse_options(["--profile", str(tmp_path), "--self-test", "--theme", "dark"])
    assert options.profile == tmp_path.resolve()
    assert options.self_test
    assert options.theme == "dark"
    assert options.server_url is None


def _snapshot() -> WeekSnapshot:
    monday = date(2026, 3, 23)
    days = tuple(
        DayHours(date(2026, 3, 23 + i), (HoursRange(540, 720),) if i < 5 else (), i == 2, i == 6)
        for i in range(7)
    )
    lesson = LessonCard(
        booking_id="b1",
        start=datetime(2026, 3, 24, 9, tzinfo=UTC),
        end=datetime(2026, 3, 24, 10, tzinfo=UTC),
        student_id="s1",
        student_name="Ana Xu",
        student_time_zone="Asia/Tokyo",
        lesson_type_id="t1",
        lesson_type_name="Piano lesson",
        color="#7E57C2",
        status="confirmed",
        price_cents=4500,
        currency="GBP",
        mark=SyncMark.PENDING,
    )
    return WeekSnapshot("i1", "Europe/London", monday, days, (lesson,))


def test_saved_week_reads_back_equal(tmp_path: Path) -> None:
    path = tmp_path / "last-week.json"
    snapshot = _snapshot()
    week_cache.save(path, snapshot)
    assert week_cache.load(path) == snapshot


@pytest.mark.parametrize(
    "content",
    [
        pytest.param("", marks=UNREADABLE_JSON),
        pytest.param("{not json", marks=UNREADABLE_JSON),
        json.dumps({"format": 99}),
        "[]",
        json.dumps({"format": 1, "snapshot": 7}),
    ],
)
def test_an_unreadable_saved_week_is_ignored(
    tmp_path: Path, content: str, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "last-week.json"
    path.write_text(content)
    with caplog.at_level(logging.INFO):
        assert week_cache.load(path) is None
    assert week_cache.load(tmp_path / "missing.json") is None


@pytest.mark.expect_log("instainstru_desktop.json_files", "WARNING", match="not valid JSON")
def test_preferences_survive_a_restart_and_a_broken_file(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    prefs = Preferences.load(tmp_path).with_theme("dark").with_display_zone("Asia/Tokyo")
    prefs.save()
    again = Preferences.load(tmp_path)
    assert (again.theme, again.display_zone) == ("dark", "Asia/Tokyo")
    (tmp_path / "preferences.json").write_text("{broken")
    with caplog.at_level(logging.WARNING):
        broken = Preferences.load(tmp_path)
    assert (broken.theme, broken.display_zone) == ("system", None)
    assert "preferences.json" in caplog.text
    (tmp_path / "preferences.json").write_text('{"theme": 3, "display_zone": ["x"], "server": 1}')
    odd = Preferences.load(tmp_path)  # valid JSON, wrong shapes: defaults, field by field
    assert (odd.theme, odd.display_zone, odd.server) == ("system", None, None)
    odd.with_theme("light").save()  # and a save makes the file whole again
    assert Preferences.load(tmp_path).theme == "light"
