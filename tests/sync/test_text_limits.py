"""Text over the server's limits: refused here at once, or in plain words if it was queued before.

Offline, a 10,023-character note and a 2,006-character cancel reason used to be accepted and
refused at the next sync: the note vanished, the lesson the instructor thought cancelled stayed
confirmed, and "needs attention" spoke the validator's language.
"""

from __future__ import annotations

import pytest

from instainstru_desktop.services.errors import InvalidInputError
from tests.sync.consistency import assert_nothing_lost_nothing_duplicated, booking_row
from tests.sync.scenarios import at, local_day, student_books

NOTE_TOO_LONG = "The note can be at most 10,000 characters long; this one has 10,023."
REASON_TOO_LONG = "The reason can be at most 2,000 characters long; this one has 2,006."


def test_text_over_the_servers_limits_is_refused_before_it_is_queued(device, server, instructor):
    lesson = student_books(server, server.studio.students[0], instructor, at(local_day(3), 10))
    device.sync()

    with pytest.raises(InvalidInputError) as note:
        device.lessons.note(lesson, "n" * 10_023)
    with pytest.raises(InvalidInputError) as reason:
        device.lessons.cancel(lesson, "r" * 2_006)

    assert (note.value.message, reason.value.message) == (NOTE_TOO_LONG, REASON_TOO_LONG)
    assert device.open_count() == 0
    assert booking_row(device, lesson)["status"] == "confirmed"

    device.lessons.note(lesson, "n" * 10_000)  # the limits themselves are fine
    device.lessons.cancel(lesson, "r" * 2_000)
    report = device.sync()

    assert (report.applied, report.rejected) == (2, 0)
    assert server.query(
        "SELECT status, length(note), length(cancel_reason) FROM bookings WHERE id = ?", lesson
    ) == [("cancelled", 10_000, 2_000)]
    assert_nothing_lost_nothing_duplicated(device, server)


def test_a_note_over_the_limit_queued_by_an_earlier_version_is_refused_in_plain_words(
    device, server, instructor
):
    lesson = student_books(server, server.studio.students[0], instructor, at(local_day(3), 10))
    device.sync()
    with device.store.uow() as uow:  # queued as the previous release did, without a check
        uow.outbox.add(
            mutation_id=uow.sync_state.take_mutation_id(),
            client_id=uow.sync_state.get().client_id,
            name="booking.note",
            name_version=1,
            args={"booking_id": lesson, "note": "n" * 10_023},
            base_version=None,
            subjects=[("booking", lesson)],
            now=uow.now_text(),
        )
        uow.changes.rematerialize([("booking", lesson)])
        uow.commit()
    assert len(booking_row(device, lesson)["note"]) == 10_023  # shown until the server answers

    report = device.sync()

    assert (report.applied, report.rejected) == (0, 1)
    assert not booking_row(device, lesson)["note"]
    [item] = device.attention.items(device.instructor_id)
    assert item.message.startswith("Your note on the lesson with Sam Student0 on ")
    assert item.message.endswith(f" was not accepted: {NOTE_TOO_LONG}")
    assert_nothing_lost_nothing_duplicated(device, server)
