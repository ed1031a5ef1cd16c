"""A lesson's conversation on the student's lesson page, over plain HTTP (no JavaScript): the
form, sending once, refusals in words with what was written kept, CSRF, other students, and the
student's own live stream."""

from __future__ import annotations

import re
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta

import httpx

from tests.server.helpers import FakeClock, Person, add_user, sign
from tests.web.site import Site, csrf_of
from tests.web.studio import PageStudio, book_directly, build


def lesson_of(site: Site, now: datetime | None = None) -> tuple[PageStudio, str]:
    """A studio and a lesson of its student, three days after ``now`` (the fake clock's)."""
    now = now or FakeClock().now
    studio = build(site.uow, now)
    return studio, book_directly(site.uow, studio.teacher, studio.student, now + timedelta(days=3))


def signed_in(site: Site, who: Person) -> httpx.Client:
    client = site.client()
    client.cookies.set("ii_session", who.token)
    return client


def form_of(html: str) -> dict[str, str]:
    found = re.search(r'name="message_id" value="([^"]+)"', html)
    assert found is not None, "the page has no message form"
    return {"csrf": csrf_of(html), "message_id": found.group(1)}


def written(site: Site, booking_id: str) -> list[str]:
    with site.uow.read() as tx:
        return [row.body for row in tx.messages.page(booking_id, 0, 100)]


def teacher_writes(site: Site, studio: PageStudio, booking_id: str, text: str) -> None:
    answer = httpx.post(
        f"{site.url}/api/v1/bookings/{booking_id}/messages",
        json={"id": str(uuid.uuid4()), "body": text},
        headers=studio.teacher.headers,
    )
    assert answer.status_code == 201, answer.text


def test_a_student_writes_once_however_often_the_form_is_sent(clocked_site: Site) -> None:
    studio, booking = lesson_of(clocked_site)
    with signed_in(clocked_site, studio.student) as client:
        page = client.get(f"/lessons/{booking}")
        assert "No messages yet." in page.text
        form = {**form_of(page.text), "body": "Running ten minutes late\nsorry!"}
        first = client.post(f"/lessons/{booking}/messages", data=form)
        assert first.status_code == 303
        assert first.headers["location"] == f"/lessons/{booking}#messages"
        again = client.post(f"/lessons/{booking}/messages", data=form)  # a double click
        assert again.status_code == 303
        assert written(clocked_site, booking) == ["Running ten minutes late\nsorry!"]
        shown = client.get(f"/lessons/{booking}").text
        assert "Running ten minutes late<br>sorry!" in shown
        assert form_of(shown)["message_id"] != form["message_id"]  # a new id for the next one


def test_a_refused_message_says_why_and_keeps_what_was_written(clocked_site: Site) -> None:
    studio, booking = lesson_of(clocked_site)
    with signed_in(clocked_site, studio.student) as client:
        form = form_of(client.get(f"/lessons/{booking}").text)
        blank = client.post(f"/lessons/{booking}/messages", data={**form, "body": " \n "})
        assert blank.status_code == 422
        assert "The message is empty: write something first." in blank.text
        long = "x" * 4001
        over = client.post(f"/lessons/{booking}/messages", data={**form, "body": long})
        assert over.status_code == 422
        assert "at most 4,000 characters long; this one has 4,001" in over.text
        assert f">{long}</textarea>" in over.text
        control = client.post(f"/lessons/{booking}/messages", data={**form, "body": "a\x00b"})
        assert control.status_code == 403  # no text holds one: not a form of ours
        assert written(clocked_site, booking) == []


def test_posts_need_the_csrf_value_and_the_students_own_lesson(clocked_site: Site) -> None:
    studio, booking = lesson_of(clocked_site)
    other = sign(clocked_site.uow, add_user(clocked_site.uow, "student", "Olga Other"))
    with signed_in(clocked_site, studio.student) as client:
        form = {**form_of(client.get(f"/lessons/{booking}").text), "body": "hello"}
        guessed = client.post(f"/lessons/{booking}/messages", data={**form, "csrf": "no"})
        assert guessed.status_code == 403
        foreign = client.post(
            f"/lessons/{booking}/messages", data=form, headers={"Origin": "https://evil.example"}
        )
        assert foreign.status_code == 403
    with signed_in(clocked_site, other) as stranger:
        own = {"csrf": csrf_of(stranger.get("/lessons").text), "message_id": str(uuid.uuid4())}
        answer = stranger.post(f"/lessons/{booking}/messages", data={**own, "body": "hi"})
        assert answer.status_code == 404
        assert stranger.get(f"/lessons/{booking}/messages").status_code == 404
        assert stranger.get(f"/lessons/{booking}/live").status_code == 404
    assert written(clocked_site, booking) == []


def test_the_instructors_message_is_shown_read_and_escaped(clocked_site: Site) -> None:
    studio, booking = lesson_of(clocked_site)
    teacher_writes(clocked_site, studio, booking, "<script>alert(1)</script> Bring the book")
    with signed_in(clocked_site, studio.student) as client:
        page = client.get(f"/lessons/{booking}").text
        assert "&lt;script&gt;alert(1)&lt;/script&gt; Bring the book" in page
        assert "<script>alert" not in page
        assert "Ines Teacher · <time" in page
    api = httpx.get(
        f"{clocked_site.url}/api/v1/bookings/{booking}/messages", headers=studio.teacher.headers
    ).json()
    markers = {m["user_id"]: m["last_read"] for m in api["read_markers"]}
    assert markers[studio.student.user_id] == 1  # shown to the student: read


def test_the_students_stream_says_changed_when_their_conversation_does(site: Site) -> None:
    now = datetime.now(UTC)  # the server runs on the real clock: tokens must be fresh
    studio, booking = lesson_of(site, now)
    other = sign(site.uow, add_user(site.uow, "student", "Olga Other"), now)
    other_lesson = book_directly(site.uow, studio.teacher, other, now + timedelta(days=4))
    heard: dict[str, list[float]] = {"sam": [], "olga": []}
    ready = threading.Barrier(3)

    def listen(name: str, who: Person, lesson: str) -> None:
        with signed_in(site, who) as client, client.stream(
            "GET", f"/lessons/{lesson}/live", timeout=30
        ) as stream:
            assert stream.headers["content-type"].startswith("text/event-stream")
            try:
                for line in stream.iter_lines():
                    if line.startswith(": connected"):
                        ready.wait(timeout=30)
                    if line == "event: changed":
                        heard[name].append(time.perf_counter())
                        return
            except httpx.TransportError:
                return  # the stream that hears nothing ends with the test's server

    threads = [
        threading.Thread(target=listen, args=("sam", studio.student, booking), daemon=True),
        threading.Thread(target=listen, args=("olga", other, other_lesson), daemon=True),
    ]
    for thread in threads:
        thread.start()
    ready.wait(timeout=30)
    teacher_writes(site, studio, booking, "See you Thursday")
    threads[0].join(timeout=30)
    assert heard["sam"], "the student's stream heard nothing"
    threads[1].join(timeout=0.3)
    assert heard["olga"] == []  # another student's stream hears nothing of it
