"""The vocabulary of changes: every kind listed once, and the JSON form earlier versions queued."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from instainstru_desktop.protocol import (
    CHANGE_TYPES,
    AddDateHours,
    AddLessonType,
    BookLesson,
    CancelLesson,
    Change,
    ClearDateHours,
    CompleteLesson,
    CorrectOutcome,
    DayRange,
    EditLessonType,
    EditProfileText,
    MarkNoShow,
    NoteLesson,
    Policy,
    RemoveDateHours,
    RescheduleLesson,
    ResolveConflict,
    ReviewBooking,
    SetDateHours,
    SetUsualWeek,
    TemplateRange,
    UpdatePolicy,
    UpdateProfile,
    change_from_args,
    change_types,
    to_args,
)
from instainstru_desktop.protocol.changes import UnknownChangeError
from tests.unit.protocol.samples import sample

I = "11111111-1111-4111-8111-111111111111"  # noqa: E741 - an id, read as such
B = "22222222-2222-4222-8222-222222222222"
PARIS = timezone(timedelta(hours=1))


def _all_subclasses(kind: type) -> set[type]:
    found = set()
    for sub in kind.__subclasses__():
        found |= {sub, *_all_subclasses(sub)}
    return found


def test_every_kind_of_change_is_in_the_vocabulary_once() -> None:
    kinds = change_types()
    assert set(kinds) == _all_subclasses(Change)  # a new class left out of AnyChange fails here
    assert len(CHANGE_TYPES) == len(kinds)  # wire names are unique
    assert all(CHANGE_TYPES[kind.wire_name] is kind for kind in kinds)
    assert all(isinstance(kind.version, int) and kind.version >= 1 for kind in kinds)
    summaries = [kind.summary for kind in kinds]
    assert all(summaries)
    assert len(set(summaries)) == len(kinds)  # the server's records of refusals are paired by them


#: The arguments the services queued before the vocabulary had types, and those of every version
#: since: the outbox of a cache written then holds exactly these, and the server reads them. The
#: kinds added since are pinned here too, once shipped: a row queued by this version must replay
#: in the next.
EARLIER_ARGS = [
    (
        SetDateHours(I, date(2026, 3, 10), (DayRange("09:00", "10:00"),)),
        "availability.set_date",
        {"instructor_id": I, "date": "2026-03-10", "ranges": [{"start": "09:00", "end": "10:00"}]},
    ),
    (  # version 2: the hours the change was made on go with it
        SetDateHours(I, date(2026, 3, 10), (), (DayRange("09:00", "17:00"),)),
        "availability.set_date",
        {
            "instructor_id": I,
            "date": "2026-03-10",
            "ranges": [],
            "base_ranges": [{"start": "09:00", "end": "17:00"}],
        },
    ),
    (
        AddDateHours(I, date(2026, 3, 10), (DayRange("17:00", "18:00"),)),
        "availability.add_date_hours",
        {"instructor_id": I, "date": "2026-03-10", "ranges": [{"start": "17:00", "end": "18:00"}]},
    ),
    (
        RemoveDateHours(I, date(2026, 3, 10), (DayRange("12:00", "13:00"),)),
        "availability.remove_date_hours",
        {"instructor_id": I, "date": "2026-03-10", "ranges": [{"start": "12:00", "end": "13:00"}]},
    ),
    (
        ClearDateHours(I, date(2026, 3, 10)),
        "availability.clear_date",
        {"instructor_id": I, "date": "2026-03-10"},
    ),
    (
        SetUsualWeek(I, (TemplateRange(0, "09:00", "17:00"),)),
        "availability.set_template",
        {"instructor_id": I, "ranges": [{"weekday": 0, "start": "09:00", "end": "17:00"}]},
    ),
    (CompleteLesson(B), "booking.complete", {"booking_id": B}),
    (MarkNoShow(B), "booking.no_show", {"booking_id": B}),
    (CancelLesson(B, "ill"), "booking.cancel", {"booking_id": B, "reason": "ill"}),
    (NoteLesson(B, "scales"), "booking.note", {"booking_id": B, "note": "scales"}),
    (  # version 2: the note the change was made on goes with it
        NoteLesson(B, "scales", ""),
        "booking.note",
        {"booking_id": B, "note": "scales", "base_note": ""},
    ),
    (
        RescheduleLesson(B, datetime(2026, 3, 10, 10, tzinfo=PARIS)),
        "booking.reschedule",
        {"booking_id": B, "start": "2026-03-10T09:00:00Z"},
    ),
    (
        BookLesson(B, I, I, datetime(2026, 3, 10, 10, tzinfo=PARIS), I),
        "booking.create",
        {
            "booking_id": B,
            "instructor_id": I,
            "lesson_type_id": I,
            "student_id": I,
            "start": "2026-03-10T09:00:00Z",
        },
    ),
    (
        ReviewBooking(B, True, "check"),
        "admin.review",
        {"booking_id": B, "flagged": True, "note": "check"},
    ),
    (ResolveConflict(I, "kept"), "conflict.resolve", {"conflict_id": I, "resolution": "kept"}),
    (
        ResolveConflict(I, "cancelled", "away"),
        "conflict.resolve",
        {"conflict_id": I, "resolution": "cancelled", "reason": "away"},
    ),
    (
        UpdatePolicy(I, Policy(120, 28, 0, 15)),
        "policy.update",
        {
            "instructor_id": I,
            "policy": {
                "min_notice_minutes": 120,
                "booking_horizon_days": 28,
                "buffer_minutes": 0,
                "slot_step_minutes": 15,
                "daily_limit": None,
                "weekly_limit": None,
            },
        },
    ),
    (
        UpdateProfile(I, "Europe/Paris"),
        "profile.update",
        {"instructor_id": I, "time_zone": "Europe/Paris"},
    ),
    (
        CorrectOutcome(I, "no_show"),
        "booking.correct_outcome",
        {"booking_id": I, "status": "no_show"},
    ),
    (
        EditProfileText(I, bio="Line one\nLine two"),
        "profile.edit_text",
        {"instructor_id": I, "bio": "Line one\nLine two"},
    ),
    (
        AddLessonType(B, I, "Piano", 45, 4500, "EUR", "#3366CC"),
        "lesson_type.add",
        {
            "lesson_type_id": B,
            "instructor_id": I,
            "name": "Piano",
            "duration_minutes": 45,
            "price_cents": 4500,
            "currency": "EUR",
            "color": "#3366CC",
            "active": True,
        },
    ),
    (
        EditLessonType(B, color="#AA3300", active=False),
        "lesson_type.edit",
        {"lesson_type_id": B, "color": "#AA3300", "active": False},
    ),
]


@pytest.mark.parametrize(("change", "name", "args"), EARLIER_ARGS)
def test_a_change_travels_in_the_shape_earlier_versions_queued(change, name, args) -> None:
    assert change.wire_name == name
    assert to_args(change) == args
    back = change_from_args(name, args)
    assert type(back) is type(change)
    assert to_args(back) == args


def test_every_kind_has_a_known_shape() -> None:
    assert {name for _, name, _ in EARLIER_ARGS} == set(CHANGE_TYPES)


@pytest.mark.parametrize("kind", change_types(), ids=lambda k: k.wire_name)
def test_every_kind_survives_the_trip_through_json(kind) -> None:
    change = sample(kind)
    assert change_from_args(kind.wire_name, to_args(change)) == change


def test_a_queued_change_is_read_back_whatever_the_server_will_say_of_it() -> None:
    """Reading a stored change judges nothing: it must replay locally until the server answers."""
    change = change_from_args("booking.note", {"booking_id": "b1", "note": "n" * 10_023})
    assert change == NoteLesson("b1", "n" * 10_023)
    # arguments a newer version added are left for the server to judge
    assert change_from_args("booking.complete", {"booking_id": B, "extra": 1}) == CompleteLesson(B)


def test_a_stored_change_of_an_unknown_kind_is_an_error() -> None:
    with pytest.raises(UnknownChangeError, match=r"no\.such"):
        change_from_args("no.such", {})
    with pytest.raises(ValueError, match="booking_id"):
        change_from_args("booking.note", {"note": "no lesson"})
