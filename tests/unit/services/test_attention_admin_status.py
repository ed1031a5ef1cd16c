"""AttentionService (conflicts and refusals with their ways out), AdminService, StatusService."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from instainstru_desktop.services import (
    AdminQuery,
    AdminService,
    AttentionService,
    AvailabilityService,
    InvalidInputError,
    LessonService,
    StatusService,
    UnknownItemError,
)
from instainstru_desktop.services.views import HoursRange
from tests.store import factories as f
from tests.unit.services.conftest import NOW


@pytest.fixture
def attention(store):
    return AttentionService(store)


@pytest.fixture
def lesson(store):
    booked = f.booking(NOW + timedelta(days=1))
    f.seed(store, bookings=[booked], conflicts=[f.conflict(booked["id"], "c1")])
    return booked["id"]


def queued(store):
    with store.read() as uow:
        return [(m.name, m.args) for m in uow.outbox.all() if m.status == "pending"]


def refuse(store, mutation_id, message="Refused."):
    with store.uow() as uow:
        uow.outbox.record_result(
            mutation_id,
            applied=False,
            code="invalid_transition",
            message=message,
            result=None,
            applied_seq=0,
        )
        uow.changes.rebase_all()
        uow.commit()


def test_a_conflict_is_listed_with_its_lesson_and_ways_out(attention, lesson):
    [item] = attention.items(f.INSTRUCTOR_ID)
    assert item.item_id == "conflict:c1"
    assert item.kind == "outside_availability"
    assert item.lesson is not None
    assert item.lesson.booking_id == lesson
    assert item.actions == ("keep", "cancel", "reapply")
    assert attention.items("another-instructor") == []


def test_keeping_a_conflict_queues_its_resolution_and_clears_the_item(store, attention, lesson):
    changed = attention.keep("conflict:c1")
    assert changed.attention
    assert attention.items() == []
    assert queued(store) == [("conflict.resolve", {"conflict_id": "c1", "resolution": "kept"})]


def test_cancelling_through_a_conflict_cancels_the_lesson_too(store, attention, lesson):
    changed = attention.cancel_lesson("conflict:c1", "I am away")
    assert changed.booking_ids == {lesson}
    with store.read() as uow:
        assert uow.bookings.get(lesson).status == "cancelled"
        assert uow.outbox.subjects_of(changed.mutation_ids[0]) == [
            ("conflict", "c1"),
            ("booking", lesson),
        ]
    assert queued(store) == [
        (
            "conflict.resolve",
            {"conflict_id": "c1", "resolution": "cancelled", "reason": "I am away"},
        )
    ]


def test_a_refused_edit_is_listed_in_words_and_can_be_dismissed(store, attention, lesson):
    lessons = LessonService(store)
    changed = lessons.note(lesson, "hello")
    refuse(store, changed.mutation_ids[0], "The lesson was moved.")

    items = attention.items()
    refused = [i for i in items if i.kind == "rejected_mutation"]
    assert len(refused) == 1
    assert refused[0].message == (
        "Your note on the lesson with Ana Student on Thu 05 Mar 12:00 was not accepted: "
        "The lesson was moved."
    )
    assert attention.count() == 2

    attention.keep(refused[0].item_id)
    assert [i.kind for i in attention.items()] == ["outside_availability"]
    with pytest.raises(UnknownItemError):
        attention.keep(refused[0].item_id)


def test_a_refused_edit_can_be_sent_again(store, attention):
    f.seed(store)
    hours = AvailabilityService(store)
    changed = hours.set_date_ranges(
        f.INSTRUCTOR_ID, datetime(2026, 3, 5).date(), [HoursRange(60, 120)]
    )
    refuse(store, changed.mutation_ids[0])
    [item] = attention.items()

    again = attention.reapply(item.item_id)

    assert again.dates == {datetime(2026, 3, 5).date()}
    assert attention.items() == []
    assert queued(store) == [
        (
            "availability.set_date",
            {
                "instructor_id": f.INSTRUCTOR_ID,
                "date": "2026-03-05",
                "ranges": [{"start": "01:00", "end": "02:00"}],
                # sent again on the hours shown now (the refused edit fell back to them)
                "base_ranges": [{"start": "09:00", "end": "17:00"}],
            },
        )
    ]


def test_unknown_items(attention):
    with pytest.raises(UnknownItemError):
        attention.keep("what:1")
    with pytest.raises(UnknownItemError):
        attention.keep("conflict:nope")


def test_the_admin_filters_flags_and_cancels(store):
    admin = AdminService(store)
    other = "44444444-4444-4444-8444-444444444444"
    mine = f.booking(NOW + timedelta(days=1))
    theirs = f.booking(NOW + timedelta(days=2), instructor_id=other, note="kitchen")
    f.seed(
        store,
        instructors=[f.instructor(), {**f.instructor(other), "name": "Otto"}],
        bookings=[mine, theirs],
    )

    assert [c.instructor_name for c in admin.bookings()] == ["Iris Instructor", "Otto"]
    assert [c.booking_id for c in admin.bookings(AdminQuery(instructor_id=other))] == [theirs["id"]]
    assert [c.booking_id for c in admin.bookings(AdminQuery(text="KITCH"))] == [theirs["id"]]
    since = NOW + timedelta(days=1, hours=1)
    assert [c.booking_id for c in admin.bookings(AdminQuery(start_from=since))] == [theirs["id"]]

    admin.flag(mine["id"], "check the price")
    admin.note(mine["id"], "checked")
    [flagged] = admin.bookings(AdminQuery(flagged=True))
    assert (flagged.booking_id, flagged.flagged, flagged.review_note) == (
        mine["id"],
        True,
        "checked",
    )

    admin.cancel(theirs["id"], "instructor left")
    assert admin.bookings(AdminQuery(statuses=("cancelled",)))[0].cancel_reason == "instructor left"
    assert admin.instructors() == [(f.INSTRUCTOR_ID, "Iris Instructor"), (other, "Otto")]


def test_the_status_counts_pending_changes_and_attention(store, lesson):
    status = StatusService(store)
    before = status.status()
    assert (before.online, before.pending_changes, before.needs_attention) == (False, 0, 1)
    assert before.last_sync == datetime(2026, 1, 1, tzinfo=UTC)

    LessonService(store).note(lesson, "x")
    assert status.status().pending_changes == 1


def test_a_notice_is_listed_counted_and_only_dismissed(store, attention):
    with store.uow() as uow:
        uow.notices.add("lost_changes", "3 changes were lost.", "2026-03-04T11:00:00Z")
        uow.commit()
    [item] = attention.items()
    assert (item.kind, item.message, item.actions) == (
        "lost_changes",
        "3 changes were lost.",
        ("keep",),
    )
    assert StatusService(store).status().needs_attention == 1
    with pytest.raises(InvalidInputError):
        attention.reapply(item.item_id)  # never mistaken for outbox row 1
    attention.keep(item.item_id)
    assert attention.items() == []
    with pytest.raises(UnknownItemError):
        attention.keep(item.item_id)
