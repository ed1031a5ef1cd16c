"""The booking life cycle: transitions, outcomes and concurrent edits."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from instainstru_desktop.domain import (
    ACTIVE_STATUSES,
    OUTCOME_STATUSES,
    TERMINAL_STATUSES,
    Actor,
    BookingAction,
    BookingStatus,
    InvalidTimeRange,
    InvalidTransition,
    Offers,
    Resolution,
    can_mark_outcome,
    corrected_status,
    is_active,
    next_status,
    offers,
    resolve_concurrent,
    resolve_correction,
)

START = datetime(2024, 6, 3, 14, tzinfo=UTC)


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        (BookingAction.COMPLETE, BookingStatus.COMPLETED),
        (BookingAction.NO_SHOW, BookingStatus.NO_SHOW),
        (BookingAction.CANCEL, BookingStatus.CANCELLED),
        (BookingAction.RESCHEDULE, BookingStatus.CONFIRMED),
    ],
)
def test_a_confirmed_booking_can_take_every_action(action, expected):
    assert next_status(BookingStatus.CONFIRMED, action) is expected


@pytest.mark.parametrize("status", sorted(TERMINAL_STATUSES))
@pytest.mark.parametrize("action", list(BookingAction))
def test_terminal_states_stay_terminal(status, action):
    with pytest.raises(InvalidTransition) as err:
        next_status(status, action)
    assert err.value.code == "invalid_transition"
    assert str(status) in str(err.value)


def test_plain_strings_from_the_wire_are_accepted():
    assert next_status("confirmed", "cancel") is BookingStatus.CANCELLED  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="delete"):
        next_status("confirmed", "delete")  # type: ignore[arg-type]


@given(st.lists(st.sampled_from(list(BookingAction)), max_size=6))
@settings(max_examples=100, deadline=None)
def test_any_sequence_of_actions_changes_status_at_most_once(actions):
    status = BookingStatus.CONFIRMED
    changes = 0
    for action in actions:
        try:
            new = next_status(status, action)
        except InvalidTransition:
            assert status in TERMINAL_STATUSES
            continue
        changes += new is not status
        status = new
    assert changes <= 1


def test_cancelled_frees_the_time_and_no_show_keeps_it():
    assert {
        BookingStatus.CONFIRMED,
        BookingStatus.COMPLETED,
        BookingStatus.NO_SHOW,
    } == ACTIVE_STATUSES
    assert not is_active(BookingStatus.CANCELLED)
    assert is_active(BookingStatus.NO_SHOW)


def test_an_outcome_is_recorded_only_once_the_lesson_has_started():
    assert not can_mark_outcome(START, START - timedelta(seconds=1))
    assert can_mark_outcome(START, START)
    assert can_mark_outcome(START, START + timedelta(days=30))
    with pytest.raises(InvalidTimeRange):
        can_mark_outcome(datetime(2024, 6, 3, 14), START)


def test_an_admins_cancel_beats_an_offline_complete_arriving_later():
    # The admin's cancel reaches the server first ...
    first = resolve_concurrent(BookingStatus.CONFIRMED, BookingAction.CANCEL)
    assert (first.status, first.resolution) == (BookingStatus.CANCELLED, Resolution.APPLIED)
    # ... then the instructor's laptop comes online with its queued "complete".
    late = resolve_concurrent(first.status, BookingAction.COMPLETE)
    assert late.status is BookingStatus.CANCELLED
    assert late.resolution is Resolution.REJECTED


def test_a_replayed_action_is_already_applied_not_a_conflict():
    outcome = resolve_concurrent(BookingStatus.NO_SHOW, BookingAction.NO_SHOW)
    assert outcome.resolution is Resolution.ALREADY_APPLIED
    assert outcome.status is BookingStatus.NO_SHOW


@given(st.sampled_from(list(BookingStatus)), st.sampled_from(list(BookingAction)))
@settings(max_examples=50, deadline=None)
def test_a_terminal_status_is_never_overwritten(status, action):
    outcome = resolve_concurrent(status, action)
    if status in TERMINAL_STATUSES:
        assert outcome.status is status
        assert outcome.resolution is not Resolution.APPLIED
    else:
        assert outcome.status is next_status(status, action)
        assert outcome.resolution is Resolution.APPLIED


def test_actors_are_the_four_roles_of_the_audit_log():
    assert [a.value for a in Actor] == ["student", "instructor", "admin", "system"]


# -- correcting a recorded outcome, and what is offered when ----------------------------------


def test_a_recorded_outcome_is_corrected_into_the_other_one():
    assert corrected_status(BookingStatus.COMPLETED, BookingStatus.NO_SHOW) is BookingStatus.NO_SHOW
    assert corrected_status("no_show", "completed") is BookingStatus.COMPLETED  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("current", "to"),
    [
        (BookingStatus.CONFIRMED, BookingStatus.COMPLETED),  # marked, not corrected
        (BookingStatus.CANCELLED, BookingStatus.COMPLETED),  # a cancelled lesson stays so
        (BookingStatus.COMPLETED, BookingStatus.CONFIRMED),  # never back to "to be marked"
        (BookingStatus.NO_SHOW, BookingStatus.CANCELLED),
        (BookingStatus.COMPLETED, BookingStatus.COMPLETED),
    ],
)
def test_anything_else_is_not_a_correction(current, to):
    with pytest.raises(InvalidTransition) as err:
        corrected_status(current, to)
    assert err.value.code == "invalid_transition"


def test_a_replayed_correction_is_already_applied_and_a_cancel_wins_over_it():
    same = resolve_correction(BookingStatus.NO_SHOW, BookingStatus.NO_SHOW)
    assert (same.status, same.resolution) == (BookingStatus.NO_SHOW, Resolution.ALREADY_APPLIED)
    applied = resolve_correction(BookingStatus.COMPLETED, BookingStatus.NO_SHOW)
    assert (applied.status, applied.resolution) == (BookingStatus.NO_SHOW, Resolution.APPLIED)
    late = resolve_correction(BookingStatus.CANCELLED, BookingStatus.COMPLETED)
    assert (late.status, late.resolution) == (BookingStatus.CANCELLED, Resolution.REJECTED)


@given(
    st.sampled_from(list(BookingStatus)),
    st.integers(min_value=-3 * 24 * 60, max_value=3 * 24 * 60),
)
@settings(max_examples=100, deadline=None)
def test_what_is_offered_is_exactly_what_the_rules_allow(status, minutes):
    now = START + timedelta(minutes=minutes)
    offered = offers(status, START, now)

    def allowed(action: BookingAction) -> bool:
        try:
            next_status(status, action)
        except InvalidTransition:
            return False
        return action not in (BookingAction.COMPLETE, BookingAction.NO_SHOW) or (
            can_mark_outcome(START, now)
        )

    assert offered.mark_outcome == allowed(BookingAction.COMPLETE) == allowed(BookingAction.NO_SHOW)
    assert offered.cancel == allowed(BookingAction.CANCEL)
    assert offered.move == allowed(BookingAction.RESCHEDULE)

    def correctable(to: BookingStatus) -> bool:
        try:
            corrected_status(status, to)
        except InvalidTransition:
            return False
        return True

    [*targets] = [to for to in sorted(OUTCOME_STATUSES) if correctable(to)] or [None]
    assert offered.correct_to == targets[0]
    assert len(targets) == 1


def test_a_lesson_still_to_come_offers_no_outcome():
    before = offers(BookingStatus.CONFIRMED, START, START - timedelta(minutes=1))
    assert before == Offers(mark_outcome=False, cancel=True, move=True)
    assert offers(BookingStatus.CONFIRMED, START, START).mark_outcome
    assert offers(BookingStatus.CANCELLED, START, START) == Offers(False, False, False)
