"""ProfileService: the instructor's time zone and booking rules, edited offline."""

from __future__ import annotations

import dataclasses

import pytest

from instainstru_desktop.domain import BookingPolicy, DomainError
from instainstru_desktop.services.errors import InvalidInputError, UnknownItemError
from instainstru_desktop.services.profile import (
    ProfileService,
    minutes_text,
    policy_problems,
    zone_problem,
)
from instainstru_desktop.services.views import POLICY_FIELDS, InstructorProfile, SyncMark
from tests.store import factories as f


@pytest.fixture
def service(store, pokes):
    f.seed(store)
    return ProfileService(store, on_change=lambda: pokes.append("poke"))


def outbox(store):
    with store.read() as uow:
        return [(m.name, m.args, m.base_version) for m in uow.outbox.all()]


def test_the_profile_shows_the_cached_instructor_and_their_rules(service):
    profile = service.profile(f.INSTRUCTOR_ID)

    assert profile == InstructorProfile(
        instructor_id=f.INSTRUCTOR_ID,
        name="Iris Instructor",
        email="iris@example.com",
        time_zone="Europe/London",
    )
    assert profile.mark is SyncMark.SYNCED


def test_the_profile_defaults_are_the_domains_and_missing_rules_take_them(store):
    defaults = BookingPolicy()
    assert InstructorProfile().policy() == {n: getattr(defaults, n) for n in POLICY_FIELDS}
    bare = {**f.instructor(), "policy": {"buffer_minutes": 10}}
    f.seed(store, instructors=[bare])

    profile = ProfileService(store).profile(f.INSTRUCTOR_ID)

    assert profile.policy() == {**InstructorProfile().policy(), "buffer_minutes": 10}


def test_an_unknown_instructor_is_a_readable_error(store):
    with pytest.raises(UnknownItemError, match="not in your local data"):
        ProfileService(store).profile("nobody")


def test_a_policy_edit_shows_at_once_and_queues_the_whole_policy(store, service, pokes):
    changed = service.update_policy(f.INSTRUCTOR_ID, buffer_minutes=15, daily_limit=4)

    assert len(changed.mutation_ids) == 1
    assert pokes == ["poke"]
    profile = service.profile(f.INSTRUCTOR_ID)
    assert (profile.buffer_minutes, profile.daily_limit, profile.min_notice_minutes) == (15, 4, 120)
    assert profile.mark is SyncMark.PENDING
    policy = {**InstructorProfile().policy(), "buffer_minutes": 15, "daily_limit": 4}
    assert outbox(store) == [
        ("policy.update", {"instructor_id": f.INSTRUCTOR_ID, "policy": policy}, 1)
    ]


def test_a_second_edit_builds_on_the_first_and_a_limit_can_be_lifted(store, service):
    service.update_policy(f.INSTRUCTOR_ID, weekly_limit=10)
    service.update_policy(f.INSTRUCTOR_ID, weekly_limit=None, slot_step_minutes=30)

    profile = service.profile(f.INSTRUCTOR_ID)
    assert (profile.weekly_limit, profile.slot_step_minutes) == (None, 30)
    last_policy = outbox(store)[-1][1]["policy"]
    assert (last_policy["weekly_limit"], last_policy["slot_step_minutes"]) == (None, 30)


def test_setting_the_rules_they_already_have_writes_nothing(store, service, pokes):
    changed = service.update_policy(f.INSTRUCTOR_ID, min_notice_minutes=120)

    assert changed.mutation_ids == ()
    assert (outbox(store), pokes) == ([], [])


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"min_notice_minutes": -5},
            "Minimum notice must be between 0 minutes and 366 days.",
        ),
        (
            {"booking_horizon_days": 0},
            "The booking window must be between 1 day and 3,660 days.",
        ),
        (
            {"buffer_minutes": 1440},
            "The buffer between lessons must be between 0 minutes and 23 hours 59 minutes.",
        ),
        (
            {"slot_step_minutes": 7},
            "Lessons must start on a step that divides a day evenly, "
            "such as every 15, 30 or 60 minutes.",
        ),
        (
            {"daily_limit": 0},
            "The daily limit must be between 1 and 10,000 (or no limit).",
        ),
        ({"weekly_limit": 2.5}, "The weekly limit must be a whole number of lessons."),
        ({"buffer_minutes": True}, "The buffer between lessons must be a whole number of minutes."),
    ],
)
def test_a_value_breaking_a_rule_is_refused_with_a_sentence_and_nothing_is_written(
    store, service, pokes, fields, message
):
    with pytest.raises(InvalidInputError) as refused:
        service.update_policy(f.INSTRUCTOR_ID, **fields)

    assert refused.value.message == message
    assert (outbox(store), pokes) == ([], [])
    assert service.profile(f.INSTRUCTOR_ID).policy() == InstructorProfile().policy()


def test_every_value_the_checks_accept_the_domain_accepts_too():
    """The readable checks and BookingPolicy.validate() agree at each bound."""
    edges = {
        "min_notice_minutes": (0, 366 * 1440),
        "booking_horizon_days": (1, 3660),
        "buffer_minutes": (0, 1439),
        "slot_step_minutes": (1, 1440),
        "daily_limit": (1, 10_000),
        "weekly_limit": (1, 10_000),
    }
    for name, (low, high) in edges.items():
        for value, ok in ((low, True), (high, True), (low - 1, False), (high + 1, False)):
            assert (name not in policy_problems({name: value})) is ok, (name, value)
            policy = dataclasses.replace(BookingPolicy(), **{name: value})
            try:
                policy.validate()
            except DomainError:
                accepted = False
            else:
                accepted = True
            assert accepted is ok, (name, value)


def test_an_unknown_rule_name_is_a_programming_error(service):
    with pytest.raises(TypeError, match="lunch_break"):
        service.update_policy(f.INSTRUCTOR_ID, lunch_break=30)


def test_a_zone_change_shows_at_once_and_queues_a_profile_update(store, service, pokes):
    changed = service.set_time_zone(f.INSTRUCTOR_ID, " America/New_York ")

    assert changed.template
    assert len(changed.mutation_ids) == 1
    assert pokes == ["poke"]
    profile = service.profile(f.INSTRUCTOR_ID)
    assert (profile.time_zone, profile.mark) == ("America/New_York", SyncMark.PENDING)
    assert outbox(store) == [
        (
            "profile.update",
            {"instructor_id": f.INSTRUCTOR_ID, "time_zone": "America/New_York"},
            1,
        )
    ]


def test_the_same_zone_again_writes_nothing(store, service):
    assert service.set_time_zone(f.INSTRUCTOR_ID, "Europe/London").mutation_ids == ()
    assert outbox(store) == []


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("Mars/Olympus_Mons", "“Mars/Olympus_Mons” is not a time zone this computer knows."),
        ("", "Choose a time zone, for example Europe/London."),
    ],
)
def test_an_unknown_zone_is_refused_with_a_sentence(store, service, name, message):
    with pytest.raises(InvalidInputError, match=message):
        service.set_time_zone(f.INSTRUCTOR_ID, name)
    assert outbox(store) == []
    assert zone_problem(name) is not None
    assert zone_problem("Asia/Kolkata") is None


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        (0, "0 minutes"),
        (1, "1 minute"),
        (90, "90 minutes"),
        (120, "2 hours"),
        (150, "2 hours 30 minutes"),
        (1440, "1 day"),
        (366 * 1440, "366 days"),
    ],
)
def test_durations_read_the_way_people_say_them(minutes, text):
    assert minutes_text(minutes) == text
