"""The client's check of the limits the vocabulary declares, and how it words a broken one."""

from __future__ import annotations

from datetime import date

import pytest

from instainstru_desktop.domain import POLICY_BOUNDS
from instainstru_desktop.protocol import (
    CancelLesson,
    DayRange,
    NoteLesson,
    Policy,
    ResolveConflict,
    ReviewBooking,
    SetDateHours,
    SetUsualWeek,
    TemplateRange,
    UpdatePolicy,
    UpdateProfile,
)
from instainstru_desktop.protocol.fields import NOTE_MAX_CHARS, REASON_MAX_CHARS
from instainstru_desktop.protocol.limits import limit_problem

B = "b1"  # the client does not judge ids: it made them


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (NoteLesson(B, "n" * NOTE_MAX_CHARS), None),
        (
            NoteLesson(B, "n" * 10_023),
            "The note can be at most 10,000 characters long; this one has 10,023.",
        ),
        (CancelLesson(B, "r" * REASON_MAX_CHARS), None),
        (
            CancelLesson(B, "r" * 2_006),
            "The reason can be at most 2,000 characters long; this one has 2,006.",
        ),
        (
            ReviewBooking(B, True, "n" * 10_001),
            "The note can be at most 10,000 characters long; this one has 10,001.",
        ),
        (ResolveConflict(B, "kept"), None),
        (
            ResolveConflict(B, "cancelled", "r" * 2_001),
            "The reason can be at most 2,000 characters long; this one has 2,001.",
        ),
        (
            SetDateHours(B, date(2026, 3, 10), (DayRange("09:00", "09:15"),) * 97),
            "The list of hours can have at most 96 entries; this one has 97.",
        ),
        (
            SetUsualWeek(B, (TemplateRange(7, "09:00", "10:00"),)),
            "The weekday must be at most 6.",
        ),
        (UpdatePolicy(B, Policy(0, 0, 0, 15)), "The booking window must be at least 1."),
        (
            UpdatePolicy(B, Policy(0, 28, 0, 15, weekly_limit=10_001)),
            "The weekly limit must be at most 10,000.",
        ),
        (UpdateProfile(B, ""), "The time zone cannot be empty."),
        (UpdateProfile(B, "Europe/London"), None),
        (
            NoteLesson(B, "scales\x00"),
            "The note contains a control character (such as NUL), which cannot be stored; "
            "only tabs and line breaks may be used.",
        ),
        (NoteLesson(B, "line one\n\tline two"), None),
    ],
)
def test_a_change_over_a_declared_limit_is_named_in_plain_words(change, problem) -> None:
    assert limit_problem(change) == problem


def test_the_policy_limits_are_the_domains_own() -> None:
    for name, (low, high) in POLICY_BOUNDS.items():
        fields = {"min_notice_minutes": 0, "booking_horizon_days": 1}
        fields |= {"buffer_minutes": 0, "slot_step_minutes": 15}
        assert limit_problem(UpdatePolicy(B, Policy(**{**fields, name: low}))) is None
        assert limit_problem(UpdatePolicy(B, Policy(**{**fields, name: high}))) is None
        assert limit_problem(UpdatePolicy(B, Policy(**{**fields, name: high + 1}))) is not None
        assert limit_problem(UpdatePolicy(B, Policy(**{**fields, name: low - 1}))) is not None
