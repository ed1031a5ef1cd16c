"""Instructor pages kept in memory: never older than the data they show, never one visitor's
page shown to another."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.server.helpers import FakeClock, add_instructor, add_user, sign
from tests.web.site import Site, csrf_of, time_links
from tests.web.studio import book_directly, build

PAGE = "/ines-teacher?tz=Europe/London"


def _starts(html: str) -> list[str]:
    return [link.split("start=")[1] for link in time_links(html)]


def _kept(site: Site) -> int:
    assert site.server.app is not None
    return len(site.server.app.state.kept.cache)


def _api_start(link_start: str) -> str:
    """``2026-03-02T10:15Z`` (a page link) as the API writes it."""
    return link_start.replace("Z", ":00Z")


def test_a_time_booked_elsewhere_is_gone_from_the_next_page(
    clocked_site: Site, clock: FakeClock
) -> None:
    uow = clocked_site.uow
    studio = build(uow, clock.now)
    other = sign(uow, add_user(uow, "student", "Olga Other"), clock.now)
    with clocked_site.client() as client:
        before = _starts(client.get(PAGE).text)
        assert _starts(client.get(PAGE).text) == before
        assert _kept(clocked_site) > 0  # the page is kept: the next answers come from memory
        taken = before[4]  # 11:00 today (notice hides the times before 10:00)
        booked = client.post(
            "/api/v1/bookings",
            json={
                "instructor_id": studio.teacher.instructor_id,
                "lesson_type_id": studio.teacher.lesson_type_id,
                "start": _api_start(taken),
            },
            headers=other.headers,
        )
        assert booked.status_code == 201, booked.text
        after = _starts(client.get(PAGE).text)
        fragment = client.get(
            f"/ines-teacher/times?type={studio.teacher.lesson_type_id}&tz=Europe/London"
        )
    assert taken == "2026-03-02T11:00Z"
    # the hour's lesson takes its own start and every start that would overlap it
    gone = [s for s in before if s not in after]
    overlapping = ("10:15", "10:30", "10:45", "11:00", "11:15", "11:30", "11:45")
    assert gone == [f"2026-03-02T{t}Z" for t in overlapping]
    assert gone[0] not in _starts(fragment.text)
    assert taken not in _starts(fragment.text)


def test_a_signed_in_students_own_lessons_stay_out_of_their_week_only(
    clocked_site: Site, clock: FakeClock
) -> None:
    """Sam's lesson with another instructor (booked after Ines's page was kept, a commit that
    does not concern her) takes those times out of Sam's view of her week; the page kept for
    everyone else, and another signed-in student's, still show them."""
    uow = clocked_site.uow
    studio = build(uow, clock.now)
    kim = sign(uow, add_user(uow, "student", "Kim Other"), clock.now)
    otto = add_instructor(uow, "Otto Other")
    lunch = "2026-03-03T12:00Z"
    with clocked_site.client() as anyone:
        assert lunch in _starts(anyone.get(PAGE).text)
    book_directly(uow, otto, studio.student, datetime(2026, 3, 3, 12, tzinfo=UTC))
    views = {}
    for who in (studio.student, kim):
        with clocked_site.client() as client:
            client.cookies.set("ii_session", who.token)
            page = client.get(PAGE)
            assert f"Signed in as {who.name}." in page.text
            assert csrf_of(page.text) == client.cookies["ii_csrf"]  # their own, per request
            views[who.name] = _starts(page.text)
    sams = views[studio.student.name]
    assert [s for s in views[kim.name] if s not in sams] == [
        f"2026-03-03T{t}Z" for t in ("11:15", "11:30", "11:45", "12:00", "12:15", "12:30", "12:45")
    ]
    assert lunch in views[kim.name]
    with clocked_site.client() as anyone:
        again = anyone.get(PAGE).text
    assert lunch in _starts(again)
    assert "Signed in as" not in again
    assert 'name="csrf"' not in again  # nobody's CSRF value is kept in the shared page


def test_an_edited_profile_shows_on_the_next_page(clocked_site: Site, clock: FakeClock) -> None:
    """A bio or a price is not part of the key a page is kept under: the commit that changes it
    drops the kept page (and the times fragment keeps answering)."""
    studio = build(clocked_site.uow, clock.now)
    teacher = studio.teacher
    with clocked_site.client() as client:
        for _ in range(2):
            page = client.get(PAGE).text
            assert "€40" in page
        repriced = client.patch(
            f"/api/v1/lesson-types/{teacher.lesson_type_id}",
            json={"price_cents": 5500, "name": "Long lesson"},
            headers=teacher.headers,
        )
        assert repriced.status_code == 200, repriced.text
        bio = client.patch(
            f"/api/v1/instructors/{teacher.instructor_id}",
            json={"bio": "Now teaching jazz too."},
            headers=teacher.headers,
        )
        assert bio.status_code == 200, bio.text
        client.cookies.set("ii_session", studio.student.token)
        signed_in = client.get(PAGE).text
        client.cookies.delete("ii_session")
        anonymous = client.get(PAGE).text
    for page in (signed_in, anonymous):
        assert "€55" in page
        assert "€40" not in page
        assert "Free times: Long lesson" in page
        assert "Now teaching jazz too." in page


def test_the_kept_page_follows_the_clock(clocked_site: Site, clock: FakeClock) -> None:
    build(clocked_site.uow, clock.now)
    with clocked_site.client() as client:
        before = _starts(client.get(PAGE).text)
        clock.advance(minutes=20)  # 08:20: minimum notice (2 hours) now passes 10:00 and 10:15
        later = _starts(client.get(PAGE).text)
        clock.now = datetime(2026, 3, 3, 0, 30, tzinfo=UTC)  # the next day: the week moves on
        tomorrow = client.get(PAGE).text
    assert before[:3] == ["2026-03-02T10:00Z", "2026-03-02T10:15Z", "2026-03-02T10:30Z"]
    assert later == before[2:]
    assert "Mon 2 Mar" not in tomorrow
    assert _starts(tomorrow)[0] == "2026-03-03T09:00Z"
    assert "Mon 9 Mar" in tomorrow


def test_a_time_booked_on_the_pages_is_gone_for_the_next_visitor(
    clocked_site: Site, clock: FakeClock
) -> None:
    """The flow a student uses: the booking takes the time away from the page kept for
    everyone else."""
    studio = build(clocked_site.uow, clock.now)
    with clocked_site.client() as anyone:
        link = time_links(anyone.get(PAGE).text)[0]
    with clocked_site.client() as sam:
        sam.cookies.set("ii_session", studio.student.token)
        confirm = sam.get(link)
        form = {"csrf": csrf_of(confirm.text), "type": studio.teacher.lesson_type_id}
        form["start"] = link.split("start=")[1]
        assert sam.post("/ines-teacher/book", data=form).status_code == 303
    with clocked_site.client() as anyone:
        assert link not in time_links(anyone.get(PAGE).text)
