"""The Profile page's use cases on a real cache: name and bio, lesson types, plain-words checks."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from instainstru_desktop.protocol.fields import BIO_MAX_CHARS, PRICE_CENTS_MAX
from instainstru_desktop.services.availability import AvailabilityService
from instainstru_desktop.services.errors import InvalidInputError
from instainstru_desktop.services.lesson_types import LessonTypeService
from instainstru_desktop.services.profile import ProfileService
from instainstru_desktop.services.profile_checks import (
    LessonTypeDraft,
    bio_problem,
    lesson_type_problems,
    money_text,
    name_problem,
)
from instainstru_desktop.services.views import SyncMark
from tests.store import factories as f

DRAFT = LessonTypeDraft(" Jazz improvisation ", 50, 5550, "eur", "#aa3300", True)


@pytest.fixture
def profile(store, pokes) -> ProfileService:
    f.seed(store)
    return ProfileService(store, on_change=lambda: pokes.append("poke"))


@pytest.fixture
def lesson_types(store, pokes) -> LessonTypeService:
    f.seed(store)
    return LessonTypeService(store, on_change=lambda: pokes.append("poke"))


def outbox(store) -> list[tuple[str, dict]]:
    with store.read() as uow:
        return [(m.name, m.args) for m in uow.outbox.all()]


# -- name and bio ---------------------------------------------------------------------------


def test_name_and_bio_show_at_once_and_queue_only_what_changed(store, profile, pokes) -> None:
    bio = "Piano and theory.\n\nAll levels, all ages."
    changed = profile.edit_text(f.INSTRUCTOR_ID, name="  Iris Instructor  ", bio=bio)

    shown = profile.profile(f.INSTRUCTOR_ID)
    assert (shown.name, shown.bio, shown.mark) == ("Iris Instructor", bio, SyncMark.PENDING)
    # the name did not change (only its spaces): only the bio is sent
    assert outbox(store) == [
        ("profile.edit_text", {"instructor_id": f.INSTRUCTOR_ID, "bio": bio}),
    ]
    assert changed.mutation_ids
    assert pokes == ["poke"]
    assert profile.edit_text(f.INSTRUCTOR_ID, name="Iris Instructor", bio=bio).mutation_ids == ()
    assert len(outbox(store)) == 1


@pytest.mark.parametrize(
    ("name", "bio", "message"),
    [
        ("   ", None, "Your name cannot be empty."),
        ("n" * 201, None, "Your name can be at most 200 characters long; this one has 201."),
        ("Iris\x00", None, "Your name holds a control character"),
        (None, "b" * (BIO_MAX_CHARS + 1), "The bio can be at most 5,000 characters long"),
    ],
)
def test_a_name_or_bio_the_server_would_refuse_is_refused_here_in_plain_words(
    store, profile, name, bio, message
) -> None:
    with pytest.raises(InvalidInputError) as refused:
        profile.edit_text(f.INSTRUCTOR_ID, name=name, bio=bio)
    assert refused.value.message.startswith(message)
    assert outbox(store) == []
    assert profile.profile(f.INSTRUCTOR_ID).name == "Iris Instructor"


def test_an_empty_bio_and_line_breaks_are_fine() -> None:
    assert bio_problem("") is None
    assert bio_problem("one\ntwo\r\n\tthree") is None
    assert name_problem("Iris") is None


# -- lesson types ---------------------------------------------------------------------------


def test_a_lesson_type_added_here_gets_its_id_here_and_is_listed_at_once(
    store, lesson_types, pokes
) -> None:
    new_id, changed = lesson_types.add(f.INSTRUCTOR_ID, DRAFT)

    assert uuid.UUID(new_id)
    assert changed.everything  # lesson cards and lists take names and colours from it
    [(name, args)] = outbox(store)
    assert name == "lesson_type.add"
    assert args == {
        "lesson_type_id": new_id,
        "instructor_id": f.INSTRUCTOR_ID,
        "name": "Jazz improvisation",
        "duration_minutes": 50,
        "price_cents": 5550,
        "currency": "EUR",
        "color": "#AA3300",
        "active": True,
    }
    listed = {o.id: o for o in lesson_types.lesson_types(f.INSTRUCTOR_ID)}
    assert listed[new_id].name == "Jazz improvisation"
    assert listed[new_id].mark is SyncMark.PENDING
    assert listed[f.LESSON_TYPE_ID].mark is SyncMark.SYNCED
    assert pokes == ["poke"]


def test_an_edit_sends_only_the_fields_that_changed_and_nothing_when_none_did(
    store, lesson_types
) -> None:
    [current] = lesson_types.lesson_types(f.INSTRUCTOR_ID)
    same = LessonTypeDraft(
        current.name, current.duration_minutes, current.price_cents, current.currency,
        current.color, current.active,
    )
    assert lesson_types.edit(current.id, same).mutation_ids == ()

    lesson_types.edit(current.id, LessonTypeDraft("Piano 60", 60, 4500, "EUR", "#00aa00", False))

    assert outbox(store) == [
        ("lesson_type.edit", {"lesson_type_id": current.id, "color": "#00AA00", "active": False}),
    ]
    [shown] = lesson_types.lesson_types(f.INSTRUCTOR_ID)
    assert (shown.color, shown.active, shown.mark) == ("#00AA00", False, SyncMark.PENDING)


def test_a_new_colour_shows_on_the_weeks_lesson_cards_at_once(store, lesson_types) -> None:
    start = datetime(2026, 3, 5, 10, tzinfo=UTC)
    with store.uow() as uow:
        uow.pull.apply(f.page("2.a", bookings=[f.booking(start)]), now="2026-01-01T00:00:00Z")
        uow.commit()
    week = AvailabilityService(store)
    [before] = week.week(f.INSTRUCTOR_ID, start.date().replace(day=2)).lessons
    assert before.color == "#3366CC"

    lesson_types.edit(f.LESSON_TYPE_ID, LessonTypeDraft("Piano 60", 60, 4500, "EUR", "#AA3300"))

    [after] = week.week(f.INSTRUCTOR_ID, start.date().replace(day=2)).lessons
    assert after.color == "#AA3300"


@pytest.mark.parametrize(
    ("draft", "field", "message"),
    [
        (LessonTypeDraft("  ", 60, 0, "EUR", "#336699"), "name", "The name cannot be empty."),
        (LessonTypeDraft("x" * 121, 60, 0, "EUR", "#336699"), "name", "at most 120 characters"),
        (
            LessonTypeDraft("Piano", 4, 0, "EUR", "#336699"),
            "duration_minutes",
            "A lesson lasts from 5 minutes to 12 hours.",
        ),
        (LessonTypeDraft("Piano", 721, 0, "EUR", "#336699"), "duration_minutes", "12 hours"),
        (LessonTypeDraft("Piano", 60, -1, "EUR", "#336699"), "price_cents", "below zero"),
        (
            LessonTypeDraft("Piano", 60, PRICE_CENTS_MAX + 1, "EUR", "#336699"),
            "price_cents",
            f"at most {money_text(PRICE_CENTS_MAX)}",
        ),
        (LessonTypeDraft("Piano", 60, 0, "EURO", "#336699"), "currency", "three-letter code"),
        (LessonTypeDraft("Piano", 60, 0, "EUR", "red"), "color", "Pick a colour"),
    ],
)
def test_a_lesson_type_the_server_would_refuse_is_refused_here_in_plain_words(
    store, lesson_types, draft, field, message
) -> None:
    assert message in lesson_type_problems(draft)[field]
    with pytest.raises(InvalidInputError, match=message):
        lesson_types.add(f.INSTRUCTOR_ID, draft)
    with pytest.raises(InvalidInputError, match=message):
        lesson_types.edit(f.LESSON_TYPE_ID, draft)
    assert outbox(store) == []


def test_limits_at_their_edges_are_accepted() -> None:
    low = LessonTypeDraft("P", 5, 0, "EUR", "#000000")
    high = LessonTypeDraft("P" * 120, 720, PRICE_CENTS_MAX, "JPY", "#FFFFFF")
    assert lesson_type_problems(low) == {}
    assert lesson_type_problems(high) == {}
    assert money_text(123456, "EUR") == "1,234.56 EUR"
