"""Booking policy validation and the shape of domain errors."""

import pytest

from instainstru_desktop.domain import (
    RULE_CODES,
    BookingPolicy,
    BookingRuleViolation,
    DomainError,
    InvalidTimeRange,
    InvalidTransition,
    UnknownTimeZone,
)


def test_the_default_policy_is_valid_and_matches_the_design():
    policy = BookingPolicy()
    policy.validate()
    assert (policy.min_notice_minutes, policy.booking_horizon_days) == (120, 28)
    assert (policy.buffer_minutes, policy.slot_step_minutes) == (0, 15)
    assert policy.daily_limit is None
    assert policy.weekly_limit is None


@pytest.mark.parametrize(
    "fields",
    [
        {"min_notice_minutes": -1},
        {"booking_horizon_days": 0},
        {"buffer_minutes": -5},
        {"buffer_minutes": 1440},
        {"slot_step_minutes": 0},
        {"slot_step_minutes": 7},  # does not divide a day
        {"slot_step_minutes": 2880},
        {"daily_limit": 0},
        {"weekly_limit": -1},
        {"slot_step_minutes": True},
        {"min_notice_minutes": 1.5},
    ],
)
def test_nonsense_policies_are_refused(fields):
    with pytest.raises(DomainError) as err:
        BookingPolicy(**fields).validate()
    assert err.value.code == "invalid_policy"


@pytest.mark.parametrize("step", [1, 5, 10, 15, 20, 30, 45, 60, 90, 120, 1440])
def test_every_divisor_of_a_day_is_a_valid_step(step):
    BookingPolicy(slot_step_minutes=step).validate()


def test_domain_errors_carry_a_code_and_a_message():
    err = DomainError("invalid_policy", "bad policy")
    assert (err.code, err.message, str(err)) == ("invalid_policy", "bad policy", "bad policy")
    assert InvalidTimeRange("x").code == "invalid_time_range"
    assert UnknownTimeZone("x").code == "unknown_time_zone"
    assert InvalidTransition("x").code == "invalid_transition"
    assert isinstance(InvalidTransition("x"), DomainError)
    assert repr(InvalidTimeRange("x")) == "InvalidTimeRange('x')"


def test_fixed_code_errors_also_take_their_own_code_like_any_domain_error():
    err = UnknownTimeZone("unknown_time_zone", "no such zone")
    assert (err.code, str(err)) == ("unknown_time_zone", "no such zone")
    with pytest.raises(TypeError, match="invalid_transition"):
        InvalidTransition("too_soon", "wrong code for this class")


def test_a_rule_violation_carries_one_of_the_documented_codes():
    assert {
        "outside_availability",
        "instructor_busy",
        "student_busy",
        "too_soon",
        "too_far",
        "off_step",
        "daily_limit",
        "weekly_limit",
    } == RULE_CODES
    err = BookingRuleViolation("too_soon", "too soon")
    assert err.code == "too_soon"
    with pytest.raises(ValueError, match="nope"):
        BookingRuleViolation("nope", "unknown")
