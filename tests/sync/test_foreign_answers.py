"""Answers that did not come from the server: a Wi-Fi sign-in page where JSON should be, or JSON
of the wrong shape. Each is a sync error a person can read, the edits stay queued, nothing of a
bad page is written, and the sync goes on once the server itself answers."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import orjson
import pytest

from instainstru_desktop.sync.api import ApiClient, RetryPolicy
from instainstru_desktop.sync.errors import ForeignAnswer, UnreadableAnswer
from tests.server.helpers import PASSWORD
from tests.sync.consistency import assert_cache_equals_server, cache_snapshot
from tests.sync.harness import BASE, Device, ServerHandle, Switchboard
from tests.sync.scenarios import at, local_day, student_books


def _synced_with_a_waiting_note(
    make_device: Callable[..., Device], server: ServerHandle, instructor, note: str
) -> tuple[Device, str]:
    """A device that synced a lesson booked by a student, then noted it: one edit waits."""
    lesson = student_books(server, server.studio.students[0], instructor, at(local_day(2), 10))
    device = make_device()
    device.sync()
    device.lessons.note(lesson, note)
    return device, lesson


def test_a_wifi_sign_in_page_is_offline_in_words_and_the_edit_waits_for_the_server(
    make_device: Callable[..., Device], server: ServerHandle, instructor
) -> None:
    device, lesson = _synced_with_a_waiting_note(
        make_device, server, instructor, "Bring the new reeds"
    )
    device.switchboard.inject("/api/v1/", "portal", times=1_000)

    report = device.engine.sync_once(force_push=True)

    assert isinstance(report.error, ForeignAnswer)
    assert report.error.transient
    assert "Wi-Fi network that asks you to sign in" in report.error.message
    assert device.open_count() == 1  # the note waits, not lost and not taken as delivered
    status = device.status.status()
    assert status.online is False
    assert ("/api/v1/sync/push", "portal") in device.switchboard.injected

    device.switchboard.faults.clear()
    device.sync()
    assert device.open_count() == 0
    assert server.query("SELECT note FROM bookings WHERE id = ?", lesson) == [
        ("Bring the new reeds",)
    ]
    assert_cache_equals_server(device, server)


def _drop_cursor(page: dict) -> None:
    del page["cursor"]


def _objects_missing_fields(page: dict) -> None:
    page["bookings"] = [{"id": "00000000-0000-4000-8000-000000000001"}]


def _bookings_of_the_wrong_kind(page: dict) -> None:
    page["bookings"] = [["not", "a", "booking"]]


@pytest.mark.parametrize(
    "spoil", [_drop_cursor, _objects_missing_fields, _bookings_of_the_wrong_kind]
)
def test_a_page_missing_its_parts_is_a_sync_error_that_writes_nothing(
    make_device: Callable[..., Device],
    server: ServerHandle,
    instructor,
    spoil: Callable[[dict], None],
) -> None:
    device = make_device()
    device.sync()
    before = cache_snapshot(device)
    with device.store.read() as uow:
        cursor = uow.sync_state.get().cursor
    student_books(server, server.studio.students[1], instructor, at(local_day(3), 11))

    def spoiled(request: httpx.Request, body: bytes) -> bytes:
        if not request.url.path.endswith("/sync/pull"):
            return body
        page = orjson.loads(body)
        spoil(page)
        return orjson.dumps(page)

    device.switchboard.rewrite = spoiled
    report = device.engine.sync_once(force_push=True)

    assert isinstance(report.error, UnreadableAnswer)
    assert "cannot read" in report.error.message
    assert cache_snapshot(device) == before
    with device.store.read() as uow:
        assert uow.sync_state.get().cursor == cursor
    device.switchboard.rewrite = None
    device.sync()
    assert_cache_equals_server(device, server)


@pytest.mark.parametrize("answer", [b"<html>Sign in</html>", b"[]", b'{"token_type": "bearer"}'])
def test_a_sign_in_answered_by_something_else_is_a_foreign_answer(
    server: ServerHandle, instructor, answer: bytes
) -> None:
    switchboard = Switchboard(server)
    switchboard.rewrite = lambda _request, _body: answer
    with (
        ApiClient(BASE, transport=switchboard, retry=RetryPolicy(attempts=1)) as api,
        pytest.raises(ForeignAnswer) as caught,
    ):
        api.sign_in(instructor.email, PASSWORD)
    assert api.token is None
    assert f"answered at {httpx.URL(BASE).netloc.decode()}" in caught.value.message
    switchboard.close()


def test_a_push_reply_of_the_wrong_shape_keeps_the_edit_queued(
    make_device: Callable[..., Device], server: ServerHandle, instructor
) -> None:
    device, _lesson = _synced_with_a_waiting_note(make_device, server, instructor, "Scales first")

    def odd_push_reply(request: httpx.Request, body: bytes) -> bytes:
        return b'{"ok": true}' if request.url.path.endswith("/sync/push") else body

    device.switchboard.rewrite = odd_push_reply
    report = device.engine.sync_once(force_push=True)
    assert isinstance(report.error, ForeignAnswer)
    assert device.open_count() == 1
    device.switchboard.rewrite = None
    device.sync()  # sent again: the server answers it from the stored result, applied once
    assert device.open_count() == 0
    assert_cache_equals_server(device, server)
