"""Every kind of change has a local effect, and the effects read the typed changes right."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from instainstru_desktop.protocol import RescheduleLesson, ResolveConflict, change_types
from instainstru_desktop.store.effects import EffectContext, effect_of, replay
from tests.store import factories as f
from tests.unit.protocol.samples import sample

CTX = EffectContext(
    now="2026-03-04T12:00:00Z",
    actor_role="instructor",
    lesson_type=lambda _id: {"name": "Piano", "duration_minutes": 45},
    student=lambda _id: {"name": "Ana Student", "time_zone": "Europe/London"},
)
_WIRE = f.booking(datetime(2026, 3, 10, 15, tzinfo=UTC))
#: A booking as the mirror holds it (instants in ``*_utc`` columns).
LESSON = {
    **{k: v for k, v in _WIRE.items() if k not in ("start", "end")},
    "start_utc": _WIRE["start"],
    "end_utc": _WIRE["end"],
}


@pytest.mark.parametrize("kind", change_types(), ids=lambda k: k.wire_name)
def test_every_kind_of_change_has_a_local_effect(kind) -> None:
    """A kind without its arm in ``effect_of`` fails here (and in mypy, through assert_never)."""
    effect = effect_of(sample(kind))
    assert effect.subjects
    for entity, _key in effect.subjects:
        effect.apply(entity, None, CTX)  # the row may be unknown here yet
        if entity == "booking":
            effect.apply(entity, dict(LESSON), CTX)


def test_a_moved_lesson_keeps_its_length() -> None:
    move = RescheduleLesson(LESSON["id"], datetime(2026, 3, 11, 9, 30, tzinfo=UTC))
    moved = replay("booking", dict(LESSON), [move], CTX)
    assert moved is not None
    assert (moved["start_utc"], moved["end_utc"]) == (
        "2026-03-11T09:30:00Z",
        "2026-03-11T10:30:00Z",
    )
    cancelled = {**LESSON, "status": "cancelled"}
    assert replay("booking", cancelled, [move], CTX) == cancelled  # the server will refuse it


def test_settling_a_clash_by_cancelling_cancels_the_lesson_named_with_it() -> None:
    settle = ResolveConflict("c1", "cancelled", "outside my hours")
    effect = effect_of(settle)
    assert effect.subjects == (("conflict", "c1"),)  # the service names the lesson too
    row = effect.apply("booking", dict(LESSON), CTX)
    assert row is not None
    assert (row["status"], row["cancel_reason"]) == ("cancelled", "outside my hours")
    kept = effect_of(ResolveConflict("c1", "kept")).apply("booking", dict(LESSON), CTX)
    assert kept == LESSON
    conflict = {"id": "c1", "resolved": False, "resolution": None}
    settled = effect.apply("conflict", conflict, CTX)
    assert settled == {**conflict, "resolved": True, "resolution": "cancelled"}


def test_a_correction_swaps_a_recorded_outcome_and_leaves_anything_else() -> None:
    from instainstru_desktop.protocol import CompleteLesson, CorrectOutcome
    from instainstru_desktop.store.effects import EffectContext, replay

    ctx = EffectContext(
        now="2026-03-04T12:00:00Z",
        actor_role="instructor",
        lesson_type=lambda _id: None,
        student=lambda _id: None,
    )
    row = {"id": "b", "status": "confirmed", "updated_at": "2026-01-01T00:00:00Z"}
    fixed = replay("booking", row, [CompleteLesson("b"), CorrectOutcome("b", "no_show")], ctx)
    assert fixed is not None
    assert fixed["status"] == "no_show"
    unchanged = replay("booking", row, [CorrectOutcome("b", "no_show")], ctx)
    assert unchanged == row  # a confirmed lesson is marked, not corrected
    cancelled = {**row, "status": "cancelled"}
    assert replay("booking", cancelled, [CorrectOutcome("b", "completed")], ctx) == cancelled


def test_hours_added_to_a_date_that_follows_the_usual_week_start_from_it() -> None:
    from datetime import date

    from instainstru_desktop.protocol import AddDateHours, DayRange, RemoveDateHours
    from instainstru_desktop.store.mirror import dumps, loads

    week = [{"weekday": w, "start": "09:00", "end": "17:00"} for w in range(5)]
    ctx = EffectContext(
        now=CTX.now,
        actor_role="instructor",
        lesson_type=CTX.lesson_type,
        student=CTX.student,
        template=lambda _id: {"ranges": dumps(week), "version": 3},
    )
    tuesday = date(2026, 3, 10)
    evening = AddDateHours("i1", tuesday, (DayRange("17:00", "18:00"),))
    lunch = RemoveDateHours("i1", tuesday, (DayRange("12:00", "13:00"),))

    row = replay("override", None, [evening, lunch], ctx)

    assert row is not None
    assert (row["date"], row["version"]) == ("2026-03-10", 0)
    assert loads(row["ranges"]) == [
        {"start": "09:00", "end": "12:00"},
        {"start": "13:00", "end": "18:00"},
    ]
    saturday = AddDateHours("i1", date(2026, 3, 14), (DayRange("10:00", "11:00"),))
    own = replay("override", None, [saturday], ctx)  # no usual hours on Saturdays
    assert own is not None
    assert loads(own["ranges"]) == [{"start": "10:00", "end": "11:00"}]
    kept = {"instructor_id": "i1", "date": "2026-03-10", "ranges": dumps([]), "version": 4}
    off = replay("override", kept, [lunch], ctx)  # a date's own hours are the start: time off
    assert off == kept
