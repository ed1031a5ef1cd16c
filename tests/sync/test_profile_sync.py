"""Booking rules and the home time zone edited offline, against the real server."""

from __future__ import annotations

import dataclasses
import json

import pytest

from instainstru_desktop.protocol import UpdateProfile
from instainstru_desktop.services.errors import InvalidInputError
from instainstru_desktop.services.profile import ProfileService
from instainstru_desktop.services.views import SyncMark
from instainstru_desktop.sync.errors import Offline
from tests.sync.consistency import assert_nothing_lost_nothing_duplicated


@pytest.fixture
def profile(device) -> ProfileService:
    return ProfileService(device.store)


def server_policy(server, instructor_id: str) -> tuple:
    [row] = server.query(
        "SELECT min_notice_minutes, buffer_minutes, daily_limit, weekly_limit "
        "FROM instructors WHERE id = ?",
        instructor_id,
    )
    return row


def server_zone(server, instructor_id: str) -> str:
    [(zone,)] = server.query(
        "SELECT u.time_zone FROM users u JOIN instructors i ON i.user_id = u.id WHERE i.id = ?",
        instructor_id,
    )
    return str(zone)


def audit_actions(server, instructor_id: str) -> list[tuple[str, dict]]:
    rows = server.query(
        "SELECT action, details FROM audit_log WHERE instructor_id = ?", instructor_id
    )
    return [(a, json.loads(d) if isinstance(d, str) else d) for a, d in rows]


def test_rules_and_zone_edited_offline_reach_the_server_once(device, server, profile, make_device):
    device.sync()
    device.switchboard.down = True
    profile.update_policy(device.instructor_id, min_notice_minutes=24 * 60, daily_limit=3)
    profile.set_time_zone(device.instructor_id, "America/New_York")

    offline = device.engine.sync_once(force_push=True)

    assert isinstance(offline.error, Offline)
    shown = profile.profile(device.instructor_id)
    assert (shown.min_notice_minutes, shown.daily_limit, shown.time_zone) == (
        1440,
        3,
        "America/New_York",
    )
    assert shown.mark is SyncMark.PENDING
    assert server_policy(server, device.instructor_id) == (120, 0, None, None)

    device.switchboard.down = False
    report = device.sync()
    again = device.sync()

    assert (report.pushed, report.applied, report.rejected) == (2, 2, 0)
    assert again.pushed == 0
    assert server_policy(server, device.instructor_id) == (1440, 0, 3, None)
    assert server_zone(server, device.instructor_id) == "America/New_York"
    pushed = sorted((d["mutation"], a) for a, d in audit_actions(server, device.instructor_id))
    assert pushed == [("policy.update", "policy.update"), ("profile.update", "instructor.update")]
    synced = profile.profile(device.instructor_id)
    assert synced == dataclasses.replace(shown, mark=SyncMark.SYNCED)
    assert_nothing_lost_nothing_duplicated(device, server)
    # the change sequence moved: another device of the instructor hears about it on its pull
    other = make_device("desktop")
    other.sync()
    seen = ProfileService(other.store).profile(other.instructor_id)
    assert (seen.min_notice_minutes, seen.daily_limit, seen.time_zone) == (
        1440,
        3,
        "America/New_York",
    )


def test_a_bad_value_is_refused_here_and_by_the_server_with_a_readable_reason(
    device, server, profile
):
    device.sync()

    with pytest.raises(InvalidInputError) as refused_here:
        profile.update_policy(device.instructor_id, slot_step_minutes=7)
    assert "divides a day evenly" in refused_here.value.message
    assert device.open_count() == 0

    # A device whose rules (or time-zone database) differ from the server's gets past its own
    # checks; the server refuses, and the value falls back to the server's with the reason.
    with device.store.uow() as uow:
        uow.changes.record(UpdateProfile(device.instructor_id, "Mars/Olympus_Mons"))
        uow.commit()
    assert profile.profile(device.instructor_id).time_zone == "Mars/Olympus_Mons"

    report = device.sync()

    assert (report.pushed, report.rejected) == (1, 1)
    [(code, message)] = server.query("SELECT code, message FROM mutation_results")
    assert code == "unknown_time_zone"
    assert "Mars/Olympus_Mons" in message
    shown = profile.profile(device.instructor_id)
    assert shown.time_zone == "Europe/London"
    assert shown.mark is SyncMark.REJECTED
    assert "unknown time zone" in shown.mark_message.lower()
    assert server_zone(server, device.instructor_id) == "Europe/London"
    [item] = device.attention.items(device.instructor_id)
    assert "Mars/Olympus_Mons" in item.message
    assert_nothing_lost_nothing_duplicated(device, server)
